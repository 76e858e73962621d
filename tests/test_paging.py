"""Long outputs a page at a time: --limit N prints N and a last line saying how to continue (--after CURSOR);
--json carries `next`. Paging through with the cursor gives exactly the unpaged output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.present.result_views import DiffView
from timeline.present.stream import event_json
from timeline.service import Store, sample_paths

PROJECT = "north-hanoi-smart-city"

PAGING = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def test_log_limit_prints_the_page_then_how_to_continue(cli, sample_store, golden):
    first = cli.ok("log", "--limit", "3")
    golden("log-limit-3.txt", TIMESTAMP.sub("YYYY-MM-DD hh:mm:ss", first.stdout))
    assert first.stdout.splitlines()[-1] == "-- more: run the same command with --after 3 for the next page"
    following = cli.ok("log", "--limit", "2", "--after", "3").stdout.splitlines()
    assert [line.split()[0] for line in following[1:3]] == ["4", "5"]


def test_the_last_page_has_no_continuation_and_json_next_is_null(cli, sample_store):
    everything = cli.json("log")
    last = everything[-1]["position"]
    page = cli.json("log", "--limit", "5", "--after", str(last - 2))
    assert [e["position"] for e in page["events"]] == [last - 1, last] and page["next"] is None
    assert "-- more" not in cli.ok("log", "--limit", "5", "--after", str(last - 2)).stdout


def test_a_cursor_that_is_not_a_position_is_one_error(cli, sample_store):
    result = cli("log", "--after", "fact-1")
    assert result.exit_code != 0 and "--after" in result.stderr and "Traceback" not in result.stderr


@PAGING
@given(limit=st.integers(1, 60))
def test_paging_the_log_with_the_cursor_gives_the_unpaged_log(sample_store, limit):
    with Store(str(sample_store)) as store:  # the events as `log --json` prints them
        whole = [event_json(e) for e in store.events()]
        paged, after = [], 0
        while True:
            page = store.event_page(None, after, limit)
            items = [event_json(e) for e in page]
            assert len(items) <= limit
            paged += items
            if page.next is None:
                break
            after = int(page.next)
    assert paged == whole


@PAGING
@given(limit=st.integers(1, 3))
def test_paging_one_facts_stream_by_version_gives_the_whole_stream(sample_store, limit):
    fact = "nhsc-land-clearance-basically-met-2022-03"
    with Store(str(sample_store)) as store:
        whole = [event_json(e) for e in store.events(fact)]
        paged, after = [], 0
        while True:
            page = store.event_page(fact, after, limit)
            paged += [event_json(e) for e in page]
            if page.next is None:
                break
            after = int(page.next)
    assert paged == whole and len(whole) >= 1


def test_log_json_without_limit_is_the_same_list_streamed(cli, sample_store):
    data = cli.json("log")
    assert isinstance(data, list) and data[0]["position"] == 1
    assert cli.ok("log", "--json").stdout == json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def test_log_into_a_closed_pipe_stops_without_a_traceback(sample_store):
    """As `timeline log | head -1` once head has exited: the reader is gone before the first line is written."""
    timeline = Path(sys.executable).with_name("timeline")
    reader = subprocess.Popen(["true"], stdin=subprocess.PIPE)
    reader.wait()
    writer = subprocess.run(
        [timeline, "log", "--db", str(sample_store)], stdout=reader.stdin, stderr=subprocess.PIPE, text=True
    )
    reader.stdin.close()  # type: ignore[union-attr]
    assert writer.returncode != 0
    assert "Traceback" not in writer.stderr and "Exception" not in writer.stderr and "Error" not in writer.stderr


EXTRA = """
- id: aa-major-items-restated-2023-05
  kind: target
  occurred: "2023-05"
  title: Hanoi restates the aim for major items of North Hanoi Smart City
  projects: [north-hanoi-smart-city]
  figures:
    - {metric: some major items deployed, deadline: "2024"}
  target: nhsc-major-items-2023
  sources:
    - {outlet: Test Daily, language: en, reported: "2023-05-02"}
- id: zz-major-items-met-2024-03
  kind: milestone
  occurred: "2024-03"
  title: First major items of North Hanoi Smart City open
  projects: [north-hanoi-smart-city]
  fulfils: nhsc-major-items-2023
  sources:
    - {outlet: Test Daily, language: en, reported: "2024-03-05"}
"""


@pytest.fixture(scope="module")
def shared_targets(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The sample plus a target restated and met later: its facts fall on different pages."""
    root = tmp_path_factory.mktemp("paging")
    (root / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    db = str(root / "t.db")
    with Store(db, create=True) as store:
        store.ingest([*sample_paths(), root / "extra.yaml"])
    return db


DAYS = st.dates(min_value=date(2021, 1, 1), max_value=date(2025, 12, 31))


def _diff_entries(view: DiffView) -> dict[str, list[Any]]:
    data = view.to_json()
    return {
        name: sorted(map(repr, data[name])) for name in ("reported", "sources_added", "changed", "retracted", "targets")
    }


@PAGING
@given(since=DAYS, until=DAYS, limit=st.integers(1, 4), project=st.sampled_from([None, PROJECT]))
def test_paging_a_diff_with_the_cursor_gives_the_unpaged_diff(shared_targets, since, until, limit, project):
    """Within a page entries keep their usual order; across pages every entry comes once (a target's change on
    the page of the first changed fact naming it)."""
    since, until = min(since, until), max(since, until)
    with Store(shared_targets) as store:
        whole = _diff_entries(store.diff(since, until, project))
        paged: dict[str, list[Any]] = {name: [] for name in whole}
        after = None
        while True:
            page = store.diff(since, until, project, after, limit)
            for name, entries in _diff_entries(page).items():
                paged[name] += entries
            if page.next is None:
                break
            after = page.next
    assert {name: sorted(entries) for name, entries in paged.items()} == whole


def test_diff_limit_says_how_to_continue(cli, sample_store, golden):
    first = cli.ok("diff", "--from", "2020", "--to", "2024", "--limit", "2")
    golden("diff-limit-2.txt", first.stdout)
    cursor = first.stdout.split("--after ")[1].split()[0]
    data = cli.json("diff", "--from", "2020", "--to", "2024", "--limit", "2", "--json")
    assert data["next"] == cursor
    assert cli.json("diff", "--from", "2020", "--to", "2024", "--json")["next"] is None


@PAGING
@given(limit=st.integers(1, 7), words=st.sampled_from(["hanoi", "ha noi", "japan", "thanh pho", "smart"]))
def test_paging_a_search_with_the_cursor_gives_the_unpaged_hits(sample_store, limit, words):
    with Store(str(sample_store)) as store:
        whole = store.search(words, None, 1000).to_json()["hits"]
        paged, after = [], 0
        while True:
            page = store.search(words, None, limit, after=after)
            paged += page.to_json()["hits"]
            if page.next is None:
                break
            after = page.next
    assert paged == whole


def test_search_limit_says_how_to_continue(cli, sample_store):
    first = cli.ok("search", "hanoi", "--limit", "2")
    assert first.stdout.splitlines()[-1] == "-- more: run the same command with --after 2 for the next page"
    second = cli.json("search", "hanoi", "--limit", "2", "--after", "2")
    assert [hit["rank"] for hit in second["hits"]] == [3, 4] and second["next"] == 4


@pytest.fixture(scope="module")
def two_ingests(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The sample, then a second ingest of several events: two new facts, a correction and a source added."""
    root = tmp_path_factory.mktemp("changes")
    (root / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    correction = Path(__file__).resolve().parents[1] / "docs" / "examples" / "daily" / "correction.yaml"
    db = str(root / "t.db")
    with Store(db, create=True) as store:
        store.ingest(sample_paths())
    with Store(db, create=True) as store:
        store.ingest([root / "extra.yaml", correction])
    return db


@PAGING
@given(limit=st.integers(1, 8), since=st.sampled_from([None, datetime(2020, 1, 1, tzinfo=UTC)]))
def test_paging_changes_with_the_cursor_gives_the_unpaged_changes(two_ingests, limit, since):
    with Store(two_ingests) as store:
        whole = store.changes(since).to_json()["events"]
        paged: list[Any] = []
        after = 0
        while True:
            page = store.changes(since, after, limit).to_json()
            assert len(page["events"]) <= limit and page["after"] == (after or None)
            paged += page["events"]
            if page["next"] is None:
                break
            after = page["next"]
    assert paged == whole
    assert len(whole) == (4 if since is None else 55)


def test_changes_limit_prints_the_page_then_how_to_continue(cli, sample_store, golden):
    first = cli.ok("changes", "--limit", "2")
    golden("changes-limit-2.txt", TIMESTAMP.sub("YYYY-MM-DD hh:mm:ss", first.stdout))
    assert first.stdout.splitlines()[-1] == "-- more: run the same command with --after 2 for the next page"
    page = cli.json("changes", "--limit", "2", "--after", "50")
    assert [e["position"] for e in page["events"]] == [51] and page["next"] is None and page["after"] == 50
    assert "next" not in cli.json("changes")  # the unpaged answer is unchanged
    assert cli.ok("changes", "--after", "51").stdout == "No events recorded yet after position 51.\n"


@pytest.mark.sqlite_only("copies the store file")
def test_changes_start_the_same_when_the_read_models_know_no_recorded_spans(two_ingests, tmp_path):
    """Where the last ingest starts is read from the recorded spans; without them (read models caught up a moment
    behind), from the log backwards: the same events."""
    import shutil

    with Store(two_ingests) as store:
        expected = [store.changes(since).to_json() for since in (None, datetime(2020, 1, 1, tzinfo=UTC))]
    copy = str(tmp_path / "copy.db")
    shutil.copyfile(two_ingests, copy)
    with Store(copy) as store:
        store.read_models.connection.execute("DELETE FROM rm_recorded")
        assert [store.changes(since).to_json() for since in (None, datetime(2020, 1, 1, tzinfo=UTC))] == expected

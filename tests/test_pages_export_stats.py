"""`export` and `stats` a page at a time: --limit N facts in occurred order (as stated on the knowledge date),
--after FACT continues. Paging through with the cursor gives exactly the unpaged facts, counts and bytes."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.chronology import Window
from timeline.service import Store, sample_paths

PAGING = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PROJECT = "north-hanoi-smart-city"
PARTNER = "japan"

# A source that later states another date (the fact moves in the order from that day on), a retracted fact, an
# open start, and two facts on the same day (the id decides).
EXTRA = """
- id: aa-moved-by-a-later-source-2022
  kind: meeting
  occurred: "2022-02-01"
  title: Hanoi and Japan meet on North Hanoi Smart City (date restated later)
  projects: [north-hanoi-smart-city]
  partners: [japan]
  sources:
    - {outlet: Test Daily, language: en, reported: "2022-02-02"}
    - {outlet: Test Weekly, language: en, reported: "2024-01-10", differs: {occurred: "2023-06-20"}}
- id: bb-withdrawn-2023
  kind: announcement
  occurred: "2023-06-15"
  title: A withdrawn announcement on North Hanoi Smart City
  projects: [north-hanoi-smart-city]
  partners: [japan]
  sources:
    - {outlet: Test Daily, language: en, reported: "2023-06-16"}
  retracted: {on: "2023-09-01", reason: the outlet withdrew it}
- id: cc-open-start-2023
  kind: milestone
  occurred: "../2023-06-15"
  title: North Hanoi Smart City land handed over by mid-2023
  projects: [north-hanoi-smart-city]
  sources:
    - {outlet: Test Daily, language: en, reported: "2023-06-20"}
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("pages")
    (root / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    db = str(root / "t.db")
    with Store(db, create=True) as timeline:
        timeline.ingest([*sample_paths(), root / "extra.yaml"])
    return db


AS_OF = st.sampled_from([None, date(2022, 3, 24), date(2023, 7, 1), date(2023, 12, 31), date(2024, 6, 1)])
SCOPE = st.sampled_from([(None, None), (PROJECT, None), (None, PARTNER), (PROJECT, PARTNER)])
WINDOW = st.sampled_from([Window(), Window(date(2023, 1, 1), None), Window(None, date(2023, 12, 31))])


@PAGING
@given(limit=st.integers(1, 6), as_of=AS_OF, scope=SCOPE, window=WINDOW)
def test_paging_an_export_with_the_cursor_gives_the_unpaged_facts(store, limit, as_of, scope, window):
    with Store(store) as timeline:
        whole = timeline.export(as_of, window, *scope)
        every = list(whole.facts)  # the whole store is read as it is iterated: while it is open
        paged, after, pages = [], None, 0
        while True:
            page = timeline.export(as_of, window, *scope, after=after, limit=limit)
            assert len(page.facts) <= limit and page.after == after
            paged += page.facts
            pages += 1
            if page.next is None:
                break
            after = page.next
    assert paged == every and whole.next is None
    assert pages == max(1, -(-len(every) // limit))


def _merged(pages: list[dict[str, Any]]) -> dict[str, Any]:
    """The counts of every page added up; target values gathered, in their order."""
    total: dict[str, Any] = {"facts": 0, "retracted_excluded": 0, "per_year_by_kind": {}, "per_year_by_partner": {}}
    targets: dict[str, list[Any]] = {}
    for page in pages:
        total["facts"] += page["facts"]
        total["retracted_excluded"] += page["retracted_excluded"]
        for table in ("per_year_by_kind", "per_year_by_partner"):
            for year, counts in page[table].items():
                total[table][year] = dict(Counter(total[table].get(year, {})) + Counter(counts))
        for key, values in page["targets"].items():
            targets.setdefault(key, []).extend(values)
    total["targets"] = {k: sorted(v, key=lambda t: (t["known"], t["fact"])) for k, v in sorted(targets.items())}
    for table in ("per_year_by_kind", "per_year_by_partner"):
        total[table] = {year: dict(sorted(total[table][year].items())) for year in sorted(total[table])}
    return total


def _counts(data: dict[str, Any]) -> dict[str, Any]:
    return {
        key: data[key] for key in ("facts", "retracted_excluded", "per_year_by_kind", "per_year_by_partner", "targets")
    }


@PAGING
@given(limit=st.integers(1, 6), as_of=AS_OF, scope=SCOPE)
def test_paging_stats_with_the_cursor_adds_up_to_the_unpaged_counts(store, limit, as_of, scope):
    with Store(store) as timeline:
        whole = timeline.stats(as_of, *scope).to_json()
        pages, after = [], None
        while True:
            page = timeline.stats(as_of, *scope, after=after, limit=limit).to_json()
            assert page["facts"] + page["retracted_excluded"] <= limit
            pages.append(page)
            if page["next"] is None:
                break
            after = page["next"]
    assert _merged(pages) == _counts(whole) and whole["next"] is None


def test_a_fact_moves_in_the_order_on_the_day_a_source_restates_its_date(store):
    with Store(store) as timeline:
        before = [f.id for f in timeline.export(date(2023, 12, 31), Window(), PROJECT).facts]
        after = [f.id for f in timeline.export(date(2024, 6, 1), Window(), PROJECT).facts]
        paged = [f.id for f in timeline.export(date(2024, 6, 1), Window(), None, None, "bb-withdrawn-2023", 3).facts]
    moved = "aa-moved-by-a-later-source-2022"
    assert before.index(moved) < before.index("bb-withdrawn-2023")
    assert after.index(moved) > after.index("bb-withdrawn-2023") and paged[0] == moved


def test_export_limit_writes_a_page_and_says_on_stderr_how_to_continue(cli, sample_store):
    first = cli("export", "--format", "csv", "--limit", "4")
    assert first.exit_code == 0 and first.stderr.startswith("note: -- more: run the same command with --after ")
    cursor = first.stderr.split("--after ")[1].split()[0]
    rows = list(csv.reader(io.StringIO(first.stdout)))
    assert len(rows) == 5 and rows[-1][0] == cursor  # the header, then four facts; the last is the cursor
    everything = list(csv.reader(io.StringIO(cli.ok("export", "--format", "csv").stdout)))
    pages, after = [rows], cursor
    while after:
        page = cli("export", "--format", "csv", "--limit", "4", "--after", after)
        pages.append(list(csv.reader(io.StringIO(page.stdout))))
        after = page.stderr.split("--after ")[1].split()[0] if page.stderr else None
    assert all(page[0] == everything[0] for page in pages)  # every page is a whole CSV file, with its header
    assert [row for page in pages for row in page[1:]] == everything[1:]


def test_jsonl_pages_ingested_in_turn_give_the_store_the_whole_export_gives(cli, sample_store):
    """The first page holds every entity; later pages the entities their facts name: each page ingests alone."""
    whole = cli.ok("export", "--format", "jsonl").stdout
    after: str | None = None
    number = 0
    while True:
        page = cli("export", "--format", "jsonl", "--limit", "5", *(["--after", after] if after else []))
        assert page.exit_code == 0, page.output
        number += 1
        path = cli.write(f"page-{number}.jsonl", page.stdout)
        cli.ok("ingest", str(path), "--db", "copy.db")
        if not page.stderr:
            break
        after = page.stderr.split("--after ")[1].split()[0]
    assert number == 3  # 15 facts, 5 a page: the third page knows it is the last
    assert cli.ok("export", "--format", "jsonl", "--db", "copy.db").stdout == whole


def test_whole_document_formats_hold_the_page_of_facts(cli, sample_store):
    page = cli("export", "--format", "timelinejs", "--limit", "2")
    assert page.exit_code == 0 and "--after" in page.stderr
    import json

    assert len(json.loads(page.stdout)["events"]) == 2


def test_stats_limit_counts_a_page_and_says_how_to_continue(cli, sample_store):
    first = cli.ok("stats", "--limit", "6")
    lines = first.stdout.splitlines()
    assert "A page: the facts in occurred order, counted alone." in lines
    assert lines[-1].startswith("-- more: run the same command with --after ")
    cursor = lines[-1].split("--after ")[1].split()[0]
    data = cli.json("stats", "--limit", "6")
    assert data["facts"] == 6 and data["next"] == cursor and data["after"] is None
    rest = cli.json("stats", "--limit", "100", "--after", cursor)
    assert rest["facts"] == 15 - 6 and rest["next"] is None and rest["after"] == cursor
    assert cli.json("stats")["next"] is None


@pytest.mark.parametrize("command", [["stats"], ["export", "--format", "md"]])
def test_a_cursor_that_is_no_fact_is_one_error(cli, sample_store, command):
    result = cli(*command, "--limit", "2", "--after", "no-such-fact")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "--after: no fact 'no-such-fact'" in result.stderr


MOVED = """
- id: dd-corrected-later-2021
  kind: meeting
  occurred: "{occurred}"
  title: Hanoi and Japan meet (the date corrected by a later ingest)
  projects: [north-hanoi-smart-city]
  sources:
    - {{outlet: Test Daily, language: en, reported: "2024-02-02"}}
"""


def test_paging_as_recorded_before_a_time_gives_the_unpaged_answer_then(tmp_path: Path):
    """Facts added after the time are on no page; a fact corrected after it is where it then was; the pages then
    add up to what the store held then."""
    (tmp_path / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    (tmp_path / "moved.yaml").write_text(MOVED.format(occurred="2021-01-05"), encoding="utf-8")
    db = str(tmp_path / "t.db")
    with Store(db, create=True) as timeline:
        timeline.ingest([*sample_paths(), tmp_path / "moved.yaml"])
    between = datetime.now(UTC)
    (tmp_path / "moved.yaml").write_text(MOVED.format(occurred="2025-12-30"), encoding="utf-8")
    with Store(db) as timeline:
        timeline.ingest([tmp_path / "extra.yaml", tmp_path / "moved.yaml"])
    with Store(db, recorded_before=between) as then:
        whole = list(then.export().facts)
        paged, after = [], None
        while True:
            page = then.export(after=after, limit=4)
            paged += page.facts
            if page.next is None:
                break
            after = page.next
        counts = then.stats(limit=100).to_json()
    assert paged == whole and len(paged) == 16 and counts["facts"] == 16
    order = [fact.id for fact in paged]
    moved = paged[order.index("dd-corrected-later-2021")]
    assert moved.occurred == "2021-01-05" and order.index(moved.id) < order.index("nhsc-reception-2022-03-23")

"""Long outputs a page at a time: --limit N prints N and a last line saying how to continue (--after CURSOR);
--json carries `next`. Paging through with the cursor gives exactly the unpaged output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.service import Timeline

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
    with Timeline(str(sample_store)) as store:
        whole = [(e.position, e.event) for e in store.events()]
        paged, after = [], 0
        while True:
            page = store.events(None, after, limit)
            items = [(e.position, e.event) for e in page]
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
    with Timeline(str(sample_store)) as store:
        whole = [e.event for e in store.events(fact)]
        paged, after = [], 0
        while True:
            page = store.events(fact, after, limit)
            paged += [e.event for e in page]
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

"""`timeline export`: each format produced from the bundled sample (plus a little test data) and read back by
the tool it is for — the engine itself (jsonl), the `csv` module, the `icalendar` parser, a Markdown footnote
check and TimelineJS's JSON shape. Facts added here are invented test data, marked "(test data)" in their titles
and with example.org addresses.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import icalendar
import pytest
import yaml

from events.dates import parse_edtf
from tests.conftest import SAMPLE_FACTS
from timeline.exports.calendar import fold_line, ics_text

DIFFICULT_TITLE = 'Hà Nội, Nhật Bản: hội nghị "đối tác"; phiên 2 \\ Đường sắt (test data)'
TEST_FACTS = [
    {
        "id": "test-scheduled-then-postponed",
        "kind": "meeting",
        "occurred": "2026-01-15",
        "status": "scheduled",
        "title": DIFFICULT_TITLE,
        "summary": "Dòng một, với dấu phẩy;\nDòng hai — Thành phố thông minh Bắc Hà Nội.",
        "projects": ["north-hanoi-smart-city"],
        "partners": ["japan"],
        "place": "Hà Nội",
        "sources": [
            {
                "outlet": "Example News",
                "language": "vi",
                "reported": "2025-12-20",
                "url": "https://example.org/a?x=1&y=<2>",
                "title": "Lịch hội nghị (test data)",
            },
            {
                "outlet": "Example Daily",
                "language": "en",
                "reported": "2026-01-10",
                "url": "https://example.org/b",
                "differs": {"status": "postponed"},
            },
        ],
    },
    {
        "id": "test-retracted-announcement",
        "kind": "announcement",
        "occurred": "2024-01-10",
        "title": "An announcement later withdrawn (test data)",
        "projects": ["north-hanoi-smart-city"],
        "sources": [
            {"outlet": "Example News", "language": "en", "reported": "2024-01-10", "url": "https://example.org/c"}
        ],
        "retracted": {"on": "2024-02-01", "reason": "the outlet withdrew the report (test data)"},
    },
]


def export(cli, *args: str) -> str:
    """The export's exact text (through --out: click's test runner turns CRLF into LF on stdout). Only notes of
    what a format left out may be on stderr."""
    result = cli("export", *args, "--out", "export.out")
    assert result.exit_code == 0, result.output
    assert all(line.startswith("note: ") for line in result.stderr.splitlines()), result.stderr
    return Path("export.out").read_bytes().decode("utf-8")


def test_export_without_out_prints_the_same_text(cli, sample_store):
    printed = cli.ok("export", "--format", "md").stdout
    assert printed == export(cli, "--format", "md")
    assert printed.startswith("# Timeline — chronology as known now")


def with_test_facts(cli) -> None:
    cli.write("extra/test-facts.yaml", yaml.safe_dump(TEST_FACTS, allow_unicode=True, sort_keys=False))
    cli.ok("ingest", "extra/test-facts.yaml")


def jsonl_records(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def facts_of(text: str) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in jsonl_records(text) if "entity" not in r}


# JSONL: the engine's input format ------------------------------------------------------------------------------


def test_jsonl_export_ingested_into_empty_store_exports_identical_bytes(cli, sample_store):
    with_test_facts(cli)
    assert cli.ok("export", "--format", "jsonl", "--out", "first.jsonl").stdout == ""
    cli.ok("ingest", "first.jsonl", "--db", "copy.db")
    cli.ok("export", "--format", "jsonl", "--db", "copy.db", "--out", "second.jsonl")
    assert Path("first.jsonl").read_bytes() == Path("second.jsonl").read_bytes()
    records = jsonl_records(Path("first.jsonl").read_text(encoding="utf-8"))
    assert sum("entity" not in r for r in records) == SAMPLE_FACTS + len(TEST_FACTS)
    assert sum("entity" in r for r in records) == 36


def test_jsonl_export_keeps_retracted_facts_and_source_differences(cli, sample_store):
    with_test_facts(cli)
    facts = facts_of(export(cli, "--format", "jsonl"))
    assert facts["test-retracted-announcement"]["retracted"] == {
        "on": "2024-02-01",
        "reason": "the outlet withdrew the report (test data)",
    }
    assert facts["test-scheduled-then-postponed"]["sources"][1]["differs"] == {"status": "postponed"}
    assert facts["test-scheduled-then-postponed"]["status"] == "scheduled"


def test_jsonl_export_as_of_holds_only_sources_reported_by_then(cli, sample_store):
    facts = facts_of(export(cli, "--format", "jsonl", "--as-of", "2022-03-24"))
    assert set(facts) == {"nhsc-reception-2022-03-23", "nhsc-land-clearance-basically-met-2022-03"}
    assert [s["outlet"] for s in facts["nhsc-reception-2022-03-23"]["sources"]] == ["VNA"]


def test_jsonl_export_as_of_replays_like_the_full_store(cli, sample_store):
    """Ingesting an as-of export gives, now, the timeline the full store gives as of that day."""
    cli.ok("export", "--format", "jsonl", "--as-of", "2022-03-24", "--out", "then.jsonl")
    cli.ok("ingest", "then.jsonl", "--db", "then.db")
    replayed = cli.json("project", "north-hanoi-smart-city", "--db", "then.db")
    original = cli.json("project", "north-hanoi-smart-city", "--as-of", "2022-03-24")
    assert replayed["entries"] == original["entries"]
    assert len(replayed["entries"]) == 2


def test_jsonl_export_as_of_keeps_a_retraction_only_once_it_applies(cli, sample_store):
    with_test_facts(cli)
    before = facts_of(export(cli, "--format", "jsonl", "--as-of", "2024-01-31"))
    after = facts_of(export(cli, "--format", "jsonl", "--as-of", "2024-02-01"))
    assert "retracted" not in before["test-retracted-announcement"]
    assert after["test-retracted-announcement"]["retracted"]["on"] == "2024-02-01"


def test_jsonl_export_of_a_project_ingests_alone_with_the_entities_it_names(cli, sample_store):
    cli.ok("export", "--format", "jsonl", "--project", "Thành phố thông minh Bắc Hà Nội", "--out", "p.jsonl")
    records = jsonl_records(Path("p.jsonl").read_text(encoding="utf-8"))
    entities = {r["id"] for r in records if "entity" in r}
    assert {
        "north-hanoi-smart-city",
        "sumitomo",
        "brg",
        "dinh-tien-dung",
        "hanoi-party-secretary",
        "hanoi-party-committee",
    } <= entities
    assert "guangzhou" not in entities
    cli.ok("ingest", "p.jsonl", "--db", "p.db")
    cli.ok("export", "--format", "jsonl", "--db", "p.db", "--out", "again.jsonl")
    assert Path("again.jsonl").read_bytes() == Path("p.jsonl").read_bytes()


# Filters -----------------------------------------------------------------------------------------------------


def test_export_filters_by_partner_and_occurred_window(cli, sample_store):
    facts = facts_of(export(cli, "--format", "jsonl", "--partner", "Nhật Bản", "--since", "2024"))
    assert set(facts) == {
        "ito-naoki-appointed-japan-ambassador",
        "japan-investment-in-hanoi-2024-07",
        "hanoi-chairman-meets-japan-ambassador-2024-07-02",
    }


def test_export_filters_by_project_and_partner_together(cli, sample_store):
    facts = facts_of(export(cli, "--format", "jsonl", "--project", "north-hanoi-smart-city", "--partner", "sumitomo"))
    assert set(facts) == {"nhsc-reception-2022-03-23", "nhsc-land-clearance-basically-met-2022-03"}


def test_export_of_an_unknown_project_fails_with_one_line(cli, sample_store):
    result = cli("export", "--format", "csv", "--project", "no-such-project")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and "no-such-project" in result.stderr


# CSV ---------------------------------------------------------------------------------------------------------


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_export_keeps_vietnamese_text_and_commas_in_titles(cli, sample_store):
    with_test_facts(cli)
    cli.ok("export", "--format", "csv", "--out", "facts.csv")
    rows = {row["id"]: row for row in csv_rows(Path("facts.csv").read_text(encoding="utf-8"))}
    assert len(rows) == SAMPLE_FACTS + len(TEST_FACTS)
    row = rows["test-scheduled-then-postponed"]
    assert row["title"] == DIFFICULT_TITLE
    assert row["summary"] == "Dòng một, với dấu phẩy;\nDòng hai — Thành phố thông minh Bắc Hà Nội."
    assert row["place"] == "Hà Nội"
    reception = rows["nhsc-reception-2022-03-23"]
    assert reception["title"] == (
        "Hanoi Party Secretary receives the Japanese Ambassador, Sumitomo and BRG on North Hanoi Smart City"
    )
    assert reception["partners"] == "Japan; Sumitomo Corporation; BRG Group"
    assert reception["sources"] == "Thời Đại (VUFO) (vi, 2022-03); VNA (en, 2022-03-24)"
    assert reception["people"].startswith("Dinh Tien Dung (Secretary of the Hanoi Party Committee, Bí thư Thành ủy)")
    # A role is written even where it repeats the office's name: the cell must read back as it was.
    assert rows["hanoi-chairman-meets-japan-ambassador-2024-07-02"]["people"].startswith(
        "Tran Sy Thanh (Chairman of the Hanoi People's Committee, Chairman of the Hanoi People's Committee); "
    )


def test_csv_export_has_the_header_and_the_values_as_stated_on_the_knowledge_date(cli, sample_store):
    with_test_facts(cli)
    header = export(cli, "--format", "csv").split("\r\n")[0]
    assert header == (
        "id,kind,occurred,status,title,summary,projects,partners,people,place,figures,target,fulfils,"
        "sources,source_details,retracted,notes"
    )
    now = {r["id"]: r for r in csv_rows(export(cli, "--format", "csv"))}
    then = {r["id"]: r for r in csv_rows(export(cli, "--format", "csv", "--as-of", "2026-01-09"))}
    assert now["test-scheduled-then-postponed"]["status"] == "postponed"
    assert then["test-scheduled-then-postponed"]["status"] == "scheduled"
    assert now["test-retracted-announcement"]["retracted"] == ("2024-02-01: the outlet withdrew the report (test data)")
    assert now["hanoi-urban-rail-96-8-km-2030"]["figures"].startswith("urban railway completed: 96.8 km")


# iCalendar ---------------------------------------------------------------------------------------------------


def calendar_events(text: str) -> dict[str, Any]:
    calendar = icalendar.Calendar.from_ical(text)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_ics_export_parses_with_icalendar_with_every_fact_of_two_known_ends_as_an_all_day_span(cli, sample_store):
    with_test_facts(cli)
    text = export(cli, "--format", "ics")
    events = calendar_events(text)
    spanned = {
        r["id"]
        for r in jsonl_records(export(cli, "--format", "jsonl"))
        if "entity" not in r
        and "retracted" not in r
        and None not in (parse_edtf(r["occurred"]).lower, parse_edtf(r["occurred"]).upper)
    }
    assert set(events) == {f"{fact}@timeline" for fact in spanned}
    assert "nhsc-land-clearance-basically-met-2022-03@timeline" not in events  # "by 2022-03-23": an open start
    meeting = events["nhsc-reception-2022-03-23@timeline"]
    assert meeting.decoded("DTSTART") == date(2022, 3, 23)
    assert meeting.decoded("DTEND") == date(2022, 3, 23) + timedelta(days=1)
    assert str(meeting["SUMMARY"]) == (
        "Hanoi Party Secretary receives the Japanese Ambassador, Sumitomo and BRG on North Hanoi Smart City"
    )
    assert str(meeting["STATUS"]) == "CONFIRMED"


def test_ics_export_status_follows_the_record_on_the_knowledge_date(cli, sample_store):
    with_test_facts(cli)
    uid = "test-scheduled-then-postponed@timeline"
    assert str(calendar_events(export(cli, "--format", "ics", "--as-of", "2026-01-09"))[uid]["STATUS"]) == "TENTATIVE"
    event = calendar_events(export(cli, "--format", "ics"))[uid]
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == DIFFICULT_TITLE
    assert "Dòng một, với dấu phẩy;\nDòng hai" in str(event["DESCRIPTION"])


def test_ics_export_lines_end_in_crlf_and_fold_at_75_octets(cli, sample_store):
    with_test_facts(cli)
    text = export(cli, "--format", "ics")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert max(len(line.encode("utf-8")) for line in lines) <= 75
    assert any(line.startswith(" ") for line in lines)  # the sample's long titles really were folded


def test_ics_dtstamp_is_the_latest_reported_day_so_exports_are_repeatable(cli, sample_store):
    text = export(cli, "--format", "ics")
    assert text == export(cli, "--format", "ics")
    stamps = set(re.findall(r"DTSTAMP:(\d{8})T000000Z", text))
    assert stamps == {"20251231"}  # the "2025?" reports (year facts, now exported as spans) count from 2025-12-31


@pytest.mark.parametrize(
    "line",
    [
        "SUMMARY:" + "Thành phố thông minh Bắc Hà Nội " * 8,
        "DESCRIPTION:" + "ế" * 100,
        "X:" + "a" * 73,
        "X:" + "a" * 74,
    ],
)
def test_folding_never_splits_a_character_and_unfolds_to_the_line(line):
    folded = fold_line(line)
    parts = folded[:-2].split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert folded[:-2].replace("\r\n ", "") == line


def test_ics_text_escapes_commas_semicolons_backslashes_and_line_ends():
    assert ics_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


# Markdown ----------------------------------------------------------------------------------------------------


def test_md_export_footnotes_every_source_once(cli, sample_store):
    text = export(cli, "--format", "md", "--project", "north-hanoi-smart-city")
    body, _, notes = text.partition("\n\n[^1]: ")
    notes = "[^1]: " + notes
    defined = re.findall(r"^\[\^(\d+)\]: ", notes, flags=re.M)
    used = set(re.findall(r"\[\^(\d+)\](?!:)", body))
    assert defined == [str(n) for n in range(1, len(defined) + 1)]
    assert used == set(defined)
    # The Vietnamese and the English report of 23 March 2022 are cited by three facts but defined once each.
    assert len(defined) == 3
    assert sum("Thời Đại (VUFO) (vi, 2022-03)" in line for line in notes.splitlines()) == 1
    assert body.startswith("# North Hanoi Smart City — chronology as known now")
    assert "- **2024-07-02** (meeting) Hanoi Chairman Tran Sy Thanh meets new Japanese Ambassador Ito Naoki" in body


def test_md_export_as_of_leaves_out_later_facts_and_withdrawn_ones(cli, sample_store):
    with_test_facts(cli)
    early = export(cli, "--format", "md", "--project", "north-hanoi-smart-city", "--as-of", "2022-03-24")
    assert "chronology as of 2022-03-24" in early
    assert "Ito Naoki" not in early and "Thời Đại" not in early
    assert "withdrawn" not in export(cli, "--format", "md")
    assert "withdrawn" in export(cli, "--format", "md", "--as-of", "2024-01-20")


def test_md_export_escapes_markup_in_user_text(cli, sample_store):
    with_test_facts(cli)
    text = export(cli, "--format", "md", "--as-of", "2026-01-09")
    assert "Đường sắt" in text and "phiên 2 \\\\ Đường sắt" in text
    assert "(meeting, scheduled)" in text


# TimelineJS --------------------------------------------------------------------------------------------------


def timelinejs_events(text: str) -> dict[str, dict[str, Any]]:
    data = json.loads(text)
    assert set(data) == {"title", "events"}
    assert set(data["title"]["text"]) == {"headline", "text"}
    return {event["unique_id"]: event for event in data["events"]}


def test_timelinejs_export_has_the_schema_shape_on_the_sample(cli, sample_store):
    events = timelinejs_events(export(cli, "--format", "timelinejs"))
    assert len(events) == SAMPLE_FACTS
    for event in events.values():
        start = event["start_date"]
        assert set(start) <= {"year", "month", "day"} and "year" in start
        assert all(isinstance(v, int) for v in start.values())
        assert set(event["text"]) == {"headline", "text"} and event["text"]["headline"]
        assert set(event) <= {"unique_id", "start_date", "end_date", "display_date", "group", "text"}


def test_timelinejs_dates_keep_the_real_precision(cli, sample_store):
    events = timelinejs_events(export(cli, "--format", "timelinejs"))
    assert events["hanoi-delegation-visits-japan-2023-11"]["start_date"] == {"year": 2023, "month": 11}
    assert "display_date" not in events["hanoi-delegation-visits-japan-2023-11"]
    assert events["guangzhou-gdp-2024"]["start_date"] == {"year": 2024}
    assert events["nhsc-reception-2022-03-23"]["start_date"] == {"year": 2022, "month": 3, "day": 23}
    uncertain = events["hanoi-guangzhou-working-session-2025"]
    assert uncertain["start_date"] == {"year": 2025} and uncertain["display_date"] == "2025?"
    open_start = events["nhsc-land-clearance-basically-met-2022-03"]
    assert open_start["display_date"] == "by 2022-03-23" and "end_date" not in open_start


def test_timelinejs_groups_by_project_and_links_escaped_sources(cli, sample_store):
    with_test_facts(cli)
    events = timelinejs_events(export(cli, "--format", "timelinejs", "--as-of", "2026-01-20"))
    event = events["test-scheduled-then-postponed"]
    assert event["group"] == "North Hanoi Smart City"
    assert event["text"]["headline"] == DIFFICULT_TITLE.replace('"', "&quot;")
    assert (
        '<a href="https://example.org/a?x=1&amp;y=%3C2%3E">Example News (vi, 2025-12-20)</a>' in event["text"]["text"]
    )
    assert '<a href="https://example.org/b">' in event["text"]["text"]
    assert events["guangzhou-gdp-2024"]["group"] == "Guangzhou"


def test_timelinejs_interval_has_an_end_date(cli):
    cli.write("i/entities.yaml", "projects:\n  - {id: p, name: P}\n")
    cli.write(
        "i/facts.yaml",
        yaml.safe_dump(
            [
                {
                    "id": "span",
                    "kind": "target",
                    "occurred": "2045/2065",
                    "title": "A long vision (test data)",
                    "projects": ["p"],
                    "sources": [{"outlet": "Example", "language": "en", "reported": "2025-01-02"}],
                }
            ]
        ),
    )
    cli.ok("ingest", "i")
    (event,) = timelinejs_events(export(cli, "--format", "timelinejs")).values()
    assert event["start_date"] == {"year": 2045} and event["end_date"] == {"year": 2065}
    assert event["display_date"] == "2045–2065"


# HTML --------------------------------------------------------------------------------------------------------


class PageParser(HTMLParser):
    """The tags and the scripts (raw text, with their attributes) of an exported page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if tag == "script":
            self.scripts.append((dict(attrs), ""))

    def handle_data(self, data: str) -> None:
        if self._in_script:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def page(text: str) -> PageParser:
    parser = PageParser()
    parser.feed(text)
    parser.close()
    return parser


def page_data(text: str) -> dict[str, Any]:
    """The JSON the page's script draws, read back as a browser's JSON.parse would."""
    (data,) = [body for attrs, body in page(text).scripts if attrs.get("type") == "application/json"]
    return json.loads(data)


def page_facts(text: str) -> dict[str, list[dict[str, Any]]]:
    """Each fact's states in the page, by fact id."""
    return {fact["id"]: fact["states"] for lane in page_data(text)["lanes"] for fact in lane["facts"]}


def test_html_export_is_one_page_with_every_fact_and_no_network(cli, sample_store):
    text = export(cli, "--format", "html")
    parsed = page(text)
    assert len(page_facts(text)) == SAMPLE_FACTS
    assert not [tag for tag, attrs in parsed.tags if tag in ("link", "img", "iframe") or attrs.get("src")]
    assert not re.search(r"https?://", parsed.scripts[-1][1]) and "<style>" in text
    lanes = [lane["name"] for lane in page_data(text)["lanes"]]
    assert {"North Hanoi Smart City", "Guangzhou"} <= set(lanes) and len(lanes) == len(set(lanes))


def test_html_page_replays_each_fact_from_each_knowledge_day_it_changed(cli, sample_store):
    text = export(cli, "--format", "html")
    reception = page_facts(text)["nhsc-reception-2022-03-23"]
    # Seen first in VNA on 2022-03-24; the undated Vietnamese page counts from the end of March.
    assert [state["from"] for state in reception] == ["2022-03-24", "2022-03-31"]
    assert [s["label"] for s in reception[0]["sources"]] == ["VNA (en, 2022-03-24)"]
    assert [s["label"] for s in reception[1]["sources"]] == ["Thời Đại (VUFO) (vi, 2022-03)", "VNA (en, 2022-03-24)"]
    assert reception[1]["sources"][0]["quote"].startswith("Ngày 23/3, Ủy viên Bộ Chính trị")
    days = page_data(text)["days"]
    assert days == sorted({s["from"] for states in page_facts(text).values() for s in states})
    assert days[0] == "2022-03-24" and days[-1] == "2025-12-31"  # "2025?" counts from its last day


def test_html_page_draws_partial_dates_at_their_precision(cli, sample_store):
    facts = page_facts(export(cli, "--format", "html"))
    assert facts["hanoi-delegation-visits-japan-2023-11"][-1]["when"] == {
        "text": "2023-11",
        "precision": "month",
        "lo": "2023-11-01",
        "hi": "2023-11-30",
        "approximate": False,
        "uncertain": False,
    }
    guangzhou = facts["hanoi-guangzhou-working-session-2025"][-1]["when"]
    assert (guangzhou["text"], guangzhou["uncertain"], guangzhou["lo"], guangzhou["hi"]) == (
        "2025?",
        True,
        "2025-01-01",
        "2025-12-31",
    )
    by_day = facts["nhsc-land-clearance-basically-met-2022-03"][-1]["when"]
    assert (by_day["text"], by_day["lo"], by_day["hi"]) == ("by 2022-03-23", None, "2022-03-23")
    figures = facts["japan-investment-in-hanoi-2024-07"][-1]["figures"]
    assert figures[0] == 'Japanese investment projects in Hanoi: 1500 projects (as written "1,500 projects")'


def test_html_page_shows_a_changed_status_and_a_retraction_from_their_days(cli, sample_store):
    with_test_facts(cli)
    facts = page_facts(export(cli, "--format", "html"))
    scheduled = facts["test-scheduled-then-postponed"]
    assert [(s["from"], s["status"]) for s in scheduled] == [("2025-12-20", "scheduled"), ("2026-01-10", "postponed")]
    assert scheduled[1]["disagreements"] == [
        {"field": "status", "value": "scheduled", "sources": ["Example News (vi, 2025-12-20)"]}
    ]
    withdrawn = facts["test-retracted-announcement"]
    assert [(s["from"], s["retracted"]) for s in withdrawn] == [
        ("2024-01-10", None),
        ("2024-02-01", {"on": "2024-02-01", "reason": "the outlet withdrew the report (test data)"}),
    ]


def test_html_page_as_of_holds_only_what_was_known_then(cli, sample_store):
    with_test_facts(cli)
    facts = page_facts(export(cli, "--format", "html", "--as-of", "2026-01-09"))
    assert [s["status"] for s in facts["test-scheduled-then-postponed"]] == ["scheduled"]
    # Only VNA was out by then: the target it did not report (the Vietnamese page counts from 2022-03-31) is absent.
    early = page_facts(export(cli, "--format", "html", "--as-of", "2022-03-30"))
    assert set(early) == {"nhsc-reception-2022-03-23", "nhsc-land-clearance-basically-met-2022-03"}


def test_html_export_escapes_user_text(cli, sample_store):
    hostile = 'Broken </script><script>alert(1)</script> <!--<script> & "quotes" (test data)'
    facts = [{**TEST_FACTS[0], "title": hostile}]
    cli.write("extra/hostile.yaml", yaml.safe_dump(facts, allow_unicode=True, sort_keys=False))
    cli.ok("ingest", "extra/hostile.yaml")
    text = export(cli, "--format", "html", "--project", "north-hanoi-smart-city")
    assert "</script><script>alert" not in text and "<!--<script>" not in text
    assert [attrs.get("type") for attrs, _ in page(text).scripts] == ["application/json", None]
    states = page_facts(text)["test-scheduled-then-postponed"]
    assert states[0]["title"] == hostile
    assert states[0]["sources"][0]["url"] == "https://example.org/a?x=1&y=<2>"
    assert "<title>North Hanoi Smart City — as known now</title>" in text


@pytest.mark.parametrize(
    ("occurred", "expected"),
    [
        ("2023-11", {"start_date": {"year": 2023, "month": 11}}),
        ("../2022-03-23", {"start_date": {"year": 2022, "month": 3, "day": 23}, "display_date": "by 2022-03-23"}),
        ("1985/", {"start_date": {"year": 1985}, "display_date": "1985–unknown"}),
        ("/1985-04", {"start_date": {"year": 1985, "month": 4}, "display_date": "unknown–1985-04"}),
        ("2032-36", {"start_date": {"year": 2032, "month": 10}, "display_date": "Q4 2032"}),
        ("201X", {"start_date": {"year": 2010}, "display_date": "201X"}),
        ("2045/2065", {"start_date": {"year": 2045}, "end_date": {"year": 2065}, "display_date": "2045–2065"}),
    ],
)
def test_timelinejs_dates_place_every_edtf_shape_and_label_what_it_cannot_show(occurred, expected):
    from events.dates import parse_edtf
    from timeline.exports.timelinejs import timelinejs_dates

    assert timelinejs_dates(parse_edtf(occurred)) == expected

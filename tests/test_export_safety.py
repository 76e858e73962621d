"""Exports are safe on their own and lose nothing silently: hostile text and addresses (which input rules may or
may not refuse) cannot add a calendar event, run a spreadsheet formula, or put raw HTML or a javascript:/data:
link into Markdown or TimelineJS; month and year facts reach the calendar as spans; values read as in the
terminal; `--excel` adds the byte order mark Excel needs.

The writers get facts built directly (not through `timeline ingest`), so that each export is tested against
text the input side might refuse one day; the CLI tests use the sample store.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import icalendar
import pytest

from events.domain import EntityRecord
from events.inputs import Fact
from projections.chronology import Window
from timeline.exports import export
from timeline.present.result_views import ExportSet

HOSTILE_TITLE = 'Broken </script><script>alert(1)</script>\r\nBEGIN:VEVENT\r\nSUMMARY:pwned; "x", y\\z'
CRLF_URL = "https://example.org/a?x=1\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected <b>"
BAD_URLS = ("javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html;base64,PHNjcmlwdD4=")
FORMULAS = ("=HYPERLINK(\"http://evil\")", "+SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)",
            "\tTab first", "\rReturn first")  # fmt: skip


def hostile_set() -> ExportSet:
    partner = EntityRecord(entity="organisation", id="evil", name="<img src=x onerror=alert(1)>", kind="company")
    project = EntityRecord(entity="project", id="p", name="=Project()")
    facts = []
    for number, url in enumerate((CRLF_URL, *BAD_URLS)):
        facts.append(
            Fact.model_validate(
                {
                    "id": f"hostile-{number}",
                    "kind": "meeting",
                    "occurred": f"2024-0{number + 1}-02",
                    "title": HOSTILE_TITLE if number == 0 else FORMULAS[number],
                    "summary": "<script>alert('summary')</script> [x](javascript:alert(1)) ![i](data:image/png,x)",
                    "place": FORMULAS[3],
                    "projects": ["p"],
                    "partners": ["evil"],
                    "notes": FORMULAS[4 + number % 2],
                    "sources": [
                        {
                            "outlet": "<script>alert('outlet')</script>",
                            "language": "en",
                            "reported": f"2024-0{number + 1}-03",
                            "url": url,
                            "title": "[click](javascript:alert(1)) <a href='javascript:x'>",
                        }
                    ],
                }
            )
        )
    return ExportSet(None, Window(), (), tuple(facts), (partner, project))


# iCalendar ------------------------------------------------------------------------------------------------------


def unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_ics_text_and_urls_cannot_add_an_event_or_a_property():
    text = export("ics", hostile_set())
    lines = unfolded(text)
    assert lines.count("BEGIN:VEVENT") == 4 and lines.count("END:VEVENT") == 4
    assert all(re.match(r"^[A-Z][A-Z-]*[;:]", line) for line in lines), [ln for ln in lines if ":" not in ln]
    assert all(len(part.encode()) <= 75 for part in text.split("\r\n"))
    calendar = icalendar.Calendar.from_ical(text)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert str(events["hostile-0@timeline"]["SUMMARY"]) == HOSTILE_TITLE.replace("\r\n", "\n")
    assert str(events["hostile-0@timeline"]["URL"]).startswith("https://example.org/a?x=1%0D%0AEND:VEVENT%0D%0A")
    assert [uid for uid, e in events.items() if "URL" in e] == ["hostile-0@timeline"]  # no javascript:, no data:


def test_ics_month_year_and_interval_facts_are_all_day_spans_and_open_ends_are_counted(cli, sample_store):
    result = cli("export", "--format", "ics", "--out", "all.ics")
    assert result.exit_code == 0, result.output
    events = {str(e["UID"]).removesuffix("@timeline"): e for e in icalendar.Calendar.from_ical(
        Path("all.ics").read_bytes()).walk("VEVENT")}  # fmt: skip
    visit = events["hanoi-delegation-visits-japan-2023-11"]
    assert (visit["DTSTART"].dt.isoformat(), visit["DTEND"].dt.isoformat()) == ("2023-11-01", "2023-12-01")
    year = events["vietnam-japan-comprehensive-strategic-partnership-2023"]
    assert (year["DTSTART"].dt.isoformat(), year["DTEND"].dt.isoformat()) == ("2023-01-01", "2024-01-01")
    assert "Date: 2023" in str(year["DESCRIPTION"])
    open_ended = {"ito-naoki-appointed-japan-ambassador", "japan-investment-in-hanoi-2024-07",
                  "nhsc-land-clearance-basically-met-2022-03"}  # fmt: skip
    assert not open_ended & set(events)
    assert len(events) == 15 - len(open_ended)
    note = result.stderr.strip()
    assert note.startswith("note: ics: 3 facts left out, dated with an open end"), note
    assert all(fact in note for fact in open_ended)
    calendar = icalendar.Calendar.from_ical(Path("all.ics").read_bytes())
    assert "3 facts left out" in str(calendar["X-WR-CALDESC"])


# CSV ---------------------------------------------------------------------------------------------------------------


def test_csv_cells_that_look_like_formulas_are_neutralised():
    rows = list(csv.reader(io.StringIO(export("csv", hostile_set()), newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    by_id = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert by_id["hostile-1"]["title"] == "'" + FORMULAS[1]
    assert by_id["hostile-2"]["title"] == "'" + FORMULAS[2]
    assert by_id["hostile-0"]["place"] == "'" + FORMULAS[3]
    assert by_id["hostile-0"]["projects"] == "'=Project()"
    assert by_id["hostile-0"]["title"] == HOSTILE_TITLE  # not formula-like: kept exactly


def test_csv_excel_flag_adds_a_byte_order_mark_and_nothing_else(cli, sample_store):
    cli.ok("export", "--format", "csv", "--out", "plain.csv")
    cli.ok("export", "--format", "csv", "--excel", "--out", "excel.csv")
    plain, excel = Path("plain.csv").read_bytes(), Path("excel.csv").read_bytes()
    assert excel == b"\xef\xbb\xbf" + plain
    assert "Thời Đại" in excel.decode("utf-8-sig")


def test_excel_flag_with_another_format_is_refused(cli, sample_store):
    result = cli("export", "--format", "md", "--excel")
    assert result.exit_code == 2
    assert result.stderr == "error: --excel: only for --format csv, not md\n"


# Markdown ---------------------------------------------------------------------------------------------------------


def test_markdown_has_no_raw_html_and_links_only_http():
    text = export("md", hostile_set())
    assert "<script" not in text.lower() and "<img" not in text.lower() and "<a " not in text.lower()
    assert all(text[at:].startswith("<https://") for at in [m.start() for m in re.finditer("<", text)])
    assert not re.search(r"(?<!\\)\]\((javascript|data):", text, re.IGNORECASE)  # no inline link, bad scheme
    assert not re.search(r"<(javascript|data):", text, re.IGNORECASE)
    assert "<https://example.org/a?x=1%0D%0AEND:VEVENT" in text  # the CRLF address stays one autolink
    assert "javascript:alert(1)" in text  # shown as text, so nothing is lost


FIGURES_DIFFER = """\
- id: investment-2023
  kind: statistic
  occurred: 2023-05-01
  title: Investment in the smart city
  projects: [north-hanoi-smart-city]
  partners: [japan]
  figures: [{metric: investment, value: 100, unit: million USD}]
  sources:
    - {outlet: VNA, language: en, reported: 2023-05-02}
    - outlet: VnExpress
      language: vi
      reported: 2023-05-03
      differs:
        figures: [{metric: investment, value: [110, 120.5], unit: million USD}]
        partners: [sumitomo, brg]
"""


def test_markdown_disagreements_read_as_the_terminal_shows_them(cli, sample_store):
    cli.write("extra/figures.yaml", FIGURES_DIFFER)
    cli.ok("ingest", "extra/figures.yaml")
    text = cli.ok("export", "--format", "md", "--project", "north-hanoi-smart-city").stdout
    line = next(line for line in text.splitlines() if "Disagreement: figures" in line)
    assert line == "  Disagreement: figures = investment: 100 million USD per VNA (en, 2023-05-02)."
    partners = next(line for line in text.splitlines() if "Disagreement: partners" in line)
    assert partners == "  Disagreement: partners = Japan per VNA (en, 2023-05-02)."
    assert "({" not in text and "'metric'" not in text and "[" not in text.replace("[^", "")
    terminal = cli.ok("project", "north-hanoi-smart-city", env={"COLUMNS": "300"}).stdout
    assert "disagreement: figures = investment: 100 million USD per VNA (en, 2023-05-02)" in terminal


# TimelineJS --------------------------------------------------------------------------------------------------------


def test_timelinejs_links_only_http_and_escapes_every_html_field():
    document = json.loads(export("timelinejs", hostile_set()))
    strings = json.dumps(document, ensure_ascii=False)
    assert not re.search(r"href=\\?\"(?!https?:)", strings), "a link to something other than http(s)"
    assert "<script" not in strings.lower() and "<img" not in strings.lower()
    hrefs = re.findall(r'href="([^"]*)"', "".join(e["text"]["text"] for e in document["events"]))
    assert hrefs == ["https://example.org/a?x=1%0D%0AEND:VEVENT%0D%0ABEGIN:VEVENT%0D%0ASUMMARY:injected%20%3Cb%3E"]
    assert {e["group"] for e in document["events"]} == {"=Project()"}


# HTML ---------------------------------------------------------------------------------------------------------------


def test_html_page_keeps_hostile_text_out_of_markup():
    text = export("html", hostile_set())
    assert "<script>alert" not in text and "<img src=x" not in text
    assert 'href="javascript:' not in text.lower()


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "ics", "md", "timelinejs", "html"])
def test_every_format_exports_hostile_text_without_error(fmt):
    assert export(fmt, hostile_set())

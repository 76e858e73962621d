"""CSV (RFC 4180): one row per fact, for spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from timeline.exports._common import views
from timeline.present.labels import figure_text, person_text, source_text
from timeline.present.views import ExportSet

CSV_COLUMNS = (
    "id",
    "kind",
    "occurred",
    "status",
    "title",
    "summary",
    "projects",
    "partners",
    "people",
    "place",
    "figures",
    "target",
    "fulfils",
    "sources",
    "retracted",
    "notes",
)
JOIN = "; "


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs: one starting like a formula (=, +, -, @, tab, carriage
    return; OWASP's CSV injection advice) gets a leading apostrophe, which Excel and LibreOffice hide."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def write(data: ExportSet) -> str:
    return "".join(stream(data))


def stream(data: ExportSet) -> Iterator[str]:
    """One row per fact (retracted ones too, with their retraction), values as stated on the knowledge date;
    entities by name; multi-valued fields joined with '; '; formula-like cells neutralised (see `cell`). RFC 4180
    (CRLF, quoted where needed); `--excel` adds a byte order mark in the CLI."""
    names = data.names
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for raw, seen in views(data, retracted=True):
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        fact = seen.fact
        retraction = raw.retracted
        writer.writerow(
            cell(value)
            for value in [
                fact.id,
                fact.kind,
                fact.occurred,
                fact.status,
                fact.title,
                fact.summary or "",
                JOIN.join(names.get(p, p) for p in fact.projects),
                JOIN.join(names.get(p, p) for p in fact.partners),
                JOIN.join(person_text(p, names) for p in fact.people),
                fact.place or "",
                JOIN.join(figure_text(f) for f in fact.figures),
                fact.target or "",
                fact.fulfils or "",
                JOIN.join(source_text(s) for s in fact.sources),
                f"{retraction.on}: {retraction.reason}" if retraction else "",
                fact.notes or "",
            ]
        )
    yield out.getvalue()

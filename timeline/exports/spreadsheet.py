"""CSV (RFC 4180): one row per fact, for spreadsheets, and read back by `ingest` without loss: what a readable
cell cannot hold (a source's title, quote, note and what it states differently) is in `source_details`, canonical
JSON, one object per source in the `sources` cell's order."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from projections.knowledge import restated
from timeline.exports._common import views
from timeline.exports.figure_cells import figure_cell_text, figure_items
from timeline.exports.sheet_cells import JOIN, address_text, joined, text_cell
from timeline.present.labels import source_label
from timeline.present.result_views import ExportSet

if TYPE_CHECKING:
    from events.inputs import Fact, PersonRole, Source

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
    "source_details",
    "retracted",
    "notes",
)
SOURCE_TEXTS = ("title", "quote", "note")
SOURCE_DETAILS = (*SOURCE_TEXTS, "differs")  # a source's fields its readable cell does not hold


def write(data: ExportSet) -> str:
    return "".join(stream(data))


def stream(data: ExportSet) -> Iterator[str]:
    """One row per fact (retracted ones too, with their retraction), values as stated on the knowledge date;
    entities by name; multi-valued fields joined with '; ' (one inside an item escaped), figures escaped where
    they would not read back (timeline.exports.figure_cells) and formula-like cells made text
    (timeline.exports.sheet_cells). RFC 4180 (CRLF, quoted where needed); `--excel` adds a byte order
    mark in the CLI."""
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
            text_cell(value)
            for value in [
                fact.id,
                fact.kind,
                fact.occurred,
                fact.status,
                fact.title,
                fact.summary or "",
                joined(_safe_name(p, names, JOIN) for p in fact.projects),
                joined(_safe_name(p, names, JOIN) for p in fact.partners),
                joined(person_cell(p, names) for p in fact.people),
                fact.place or "",
                joined(figure_items(figure_cell_text(f) for f in fact.figures)),
                fact.target or "",
                fact.fulfils or "",
                joined(source_cell(s) for s in fact.sources),
                source_details(raw, fact),
                f"{retraction.on}: {retraction.reason}" if retraction else "",
                fact.notes or "",
            ]
        )
    yield out.getvalue()


def person_cell(person: PersonRole, names: dict[str, str]) -> str:
    """'Name (Office, role)', 'Name (Office)', 'Name (, role)' or 'Name': the office always first, so that the
    cell reads back as it was (a role equal to the office's name is kept)."""
    office = _safe_name(person.office, names, ", ") if person.office else ""
    details = f"{office}, {person.role}" if person.role else office
    name = _safe_name(person.person, names, "(")
    return f"{name} ({details})" if details else name


def source_cell(source: Source) -> str:
    """'Outlet (language, reported) url', the address one word (timeline.exports.sheet_cells)."""
    return source_label(source) + (f" {address_text(source.url)}" if source.url else "")


def _safe_name(entity: str, names: dict[str, str], separator: str) -> str:
    """The entity's name, or its id where the name would not read back (it holds the cell's separator)."""
    name = names.get(entity, entity)
    return entity if separator in name or JOIN in name else name


def source_details(recorded: Fact, shown: Fact) -> str:
    """The shown sources' fields beyond 'Outlet (language, reported) url', as canonical JSON ('' when none has
    any). The row shows the latest source's statement, so each `differs` is told against it (`restated`): every
    source states what it stated in the store, and the row reads back as the same fact (`same_statements`)."""
    details: list[dict[str, Any]] = [
        {key: value for key in SOURCE_TEXTS if (value := getattr(source, key))}
        | ({"differs": differs} if differs else {})
        for source, differs in zip(shown.sources, restated(recorded, shown), strict=True)
    ]
    return json.dumps(details, ensure_ascii=False, sort_keys=True) if any(details) else ""

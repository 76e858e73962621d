"""Timelines: the facts about one subject as known on a knowledge date, in the order they occurred."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from events.records import Fact, Retraction, Source, plain
from projections.entities import mentions as mentions  # re-exported: where timelines find what a fact names
from projections.entities import name_at
from projections.knowledge import FactView, view


@dataclass(frozen=True, slots=True)
class Window:
    """Occurred-time filter (`--since/--until`); None ends are open."""

    since: date | None = None
    until: date | None = None

    @property
    def is_open(self) -> bool:
        return self.since is None and self.until is None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    view: FactView
    partial: bool  # overlaps the window without lying wholly inside it
    retracted: Retraction | None = None  # shown although retracted (--include-retracted)


def chronological_entries(
    facts: Iterable[Fact],
    belongs: Callable[[Fact], bool],
    as_of: date | None = None,
    window: Window = Window(),
) -> list[TimelineEntry]:
    """Facts that `belong` (as stated on `as_of`) and overlap the window: by start, wider first, then id."""
    entries = []
    for fact in facts:
        seen = view(fact, as_of)
        if seen is None or not belongs(seen.fact) or not seen.occurred.overlaps(window.since, window.until):
            continue
        partial = not window.is_open and not seen.occurred.within(window.since, window.until)
        entries.append(TimelineEntry(seen, partial))
    entries.sort(key=lambda entry: (entry.view.occurred.sort_key, entry.view.id))
    return entries


def source_json(source: Source) -> dict[str, Any]:
    return {
        "outlet": source.outlet,
        "language": source.language,
        "reported": source.reported,
        "url": source.url,
        "title": source.title,
        "quote": source.quote,
        "note": source.note,
    }


def entry_json(entry: TimelineEntry, names: Mapping[str, str]) -> dict[str, Any]:
    """The canonical JSON shape of a timeline entry; entity references carry their names."""
    fact = entry.view.fact

    def named(ids: Iterable[str]) -> list[dict[str, str]]:  # as named when the fact occurred
        return [{"id": ref, "name": name_at(names, ref, entry.view.occurred)} for ref in ids]

    return {
        "fact": fact.id,
        "kind": fact.kind,
        "occurred": fact.occurred,
        "occurred_display": entry.view.occurred.display(),
        "status": fact.status,
        "title": fact.title,
        "summary": fact.summary,
        "projects": named(fact.projects),
        "partners": named(fact.partners),
        "people": [
            {
                "person": named([p.person])[0],
                "office": named([p.office])[0] if p.office else None,
                "role": p.role,
            }
            for p in fact.people
        ],
        "place": fact.place,
        "figures": [plain(figure) for figure in fact.figures],
        "target": fact.target,
        "fulfils": fact.fulfils,
        "sources": [source_json(source) for source in fact.sources],
        "disagreements": [
            {"field": d.field, "value": d.value, "sources": [source_json(s) for s in d.sources]}
            for d in entry.view.disagreements
        ],
        "partial": entry.partial,
        "retracted": entry.retracted.model_dump() if entry.retracted else None,
    }

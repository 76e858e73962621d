"""What every export shares: the facts as the record stated them on the knowledge date, and titles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from events.inputs import Fact
from projections.knowledge import FactView, view
from timeline.present.views import ExportSet


def shown(fact: Fact, as_of: date | None) -> FactView | None:
    """The fact as stated on the knowledge date, retracted or not (the set holds only facts visible then)."""
    return view(fact.model_copy(update={"retracted": None}) if fact.retracted else fact, as_of)


def views(data: ExportSet, retracted: bool = False) -> Iterator[tuple[Fact, FactView]]:
    for fact in data.facts:
        if fact.retracted and not retracted:
            continue
        seen = shown(fact, data.as_of)
        if seen is not None:
            yield fact, seen


def subject(data: ExportSet) -> str:
    """What the export is about, for titles: the project and partner names, or 'Timeline'."""
    return " × ".join(entity.name for entity in data.scope) or "Timeline"


def known(data: ExportSet) -> str:
    return f"as of {data.as_of.isoformat()}" if data.as_of else "as known now"

"""What the public record said about a fact on a knowledge date (docs/design.md §3).

As of D the visible sources are those reported by D (a source dated only to a month or a year counts from
the last day it could have appeared). Each field shows the latest visible source's statement — the main
values overridden by that source's `differs` — and every other distinct value stated by a visible source is
kept as a disagreement, with its sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from events.dates import EdtfDate, parse_edtf
from events.records import STATED_FIELDS, Fact, Source, listed, stated


def reported_by(source: Source) -> date:
    """The first knowledge date on which the source is certainly public."""
    return parse_edtf(source.reported).upper_or_max


def is_visible(source: Source, as_of: date | None) -> bool:
    return as_of is None or reported_by(source) <= as_of


def retracted_from(fact: Fact) -> date | None:
    """The knowledge date from which the fact is withdrawn (None: never)."""
    return parse_edtf(fact.retracted.on).lower_or_min if fact.retracted else None


def knowledge_days(fact: Fact) -> list[date]:
    """The days on which what the record says about the fact can change, oldest first: each source's first day
    and the day of its retraction."""
    days = {reported_by(source) for source in fact.sources}
    withdrawn = retracted_from(fact)
    return sorted(days | {withdrawn} if withdrawn else days)


@dataclass(frozen=True, slots=True)
class Disagreement:
    field: str
    value: Any
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class FactView:
    """A fact as the record stood on a knowledge date."""

    fact: Fact  # the values stated by the latest visible source; `sources` are the visible ones
    disagreements: tuple[Disagreement, ...]
    occurred: EdtfDate

    @property
    def id(self) -> str:
        return self.fact.id

    @property
    def latest_source(self) -> Source:
        """The visible source whose statement the view shows."""
        return self.fact.sources[latest(self.fact.sources)]


def latest(sources: tuple[Source, ...]) -> int:
    """The index of the latest source; among sources of the same day the one later in the file wins."""
    return max(range(len(sources)), key=lambda i: (reported_by(sources[i]), i))


def statement(fact: Fact, source: Source) -> dict[str, Any]:
    """The main values as this source states them, in the shape `differs` holds them (lists; see Source.differs),
    so that a source stating the main value again is no disagreement."""
    values = {name: listed(value) for name, value in stated(fact, STATED_FIELDS).items()}
    values.update(source.differs)
    return values


def restated(fact: Fact, shown: Fact) -> tuple[dict[str, Any], ...]:
    """The `differs` of each of `shown`'s sources told against `shown`'s main values (a view's: the latest
    source's statement) instead of the recorded fact's, so that every source still states what it stated."""
    base = {name: listed(value) for name, value in stated(shown, STATED_FIELDS).items()}
    return tuple(
        {name: value for name, value in statement(fact, source).items() if value != base[name]}
        for source in shown.sources
    )


def same_statements(old: Fact, new: Fact) -> bool:
    """Two writings of one fact that say the same: every field outside the statements equal, the same sources
    in the same order, each stating the same values, and the new main values those of one of its sources (a
    spreadsheet row shows the latest source's statement, and every `differs` is told against it). Main values
    edited to what no source states are a correction, even where every source's `differs` hides them."""
    if len(old.sources) != len(new.sources) or old.notes != new.notes or old.retracted != new.retracted:
        return False
    main = {name: listed(value) for name, value in stated(new, STATED_FIELDS).items()}
    if not any(main == statement(old, source) for source in old.sources):
        return False
    for before, after in zip(old.sources, new.sources, strict=True):
        if before.model_copy(update={"differs": {}}) != after.model_copy(update={"differs": {}}):
            return False
        if statement(old, before) != statement(new, after):
            return False
    return True


def view(fact: Fact, as_of: date | None = None) -> FactView | None:
    """The fact as known on `as_of` (None: everything known), or None if not yet reported or retracted."""
    withdrawn = retracted_from(fact)
    if withdrawn is not None and (as_of is None or withdrawn <= as_of):
        return None
    visible = tuple(source for source in fact.sources if is_visible(source, as_of))
    if not visible:
        return None
    values = statement(fact, visible[latest(visible)])
    disagreements: list[Disagreement] = []
    differing = sorted({name for source in visible for name in source.differs})
    for name in differing:
        others: dict[str, tuple[Any, list[Source]]] = {}
        for source in visible:
            stated = statement(fact, source)[name]
            if stated != values[name]:
                others.setdefault(repr(stated), (stated, []))[1].append(source)
        disagreements.extend(Disagreement(name, value, tuple(sources)) for value, sources in others.values())
    shown = (
        fact.model_validate({**fact.model_dump(), **values, "sources": visible})
        if differing
        else (fact if len(visible) == len(fact.sources) else fact.model_copy(update={"sources": visible}))
    )
    return FactView(fact=shown, disagreements=tuple(disagreements), occurred=parse_edtf(shown.occurred))

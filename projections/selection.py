"""Which facts a query shows: the filters every query command shares, applied to facts as stated on a day.

`Filters` holds typed values (the CLI parses options at the edge); entity filters hold resolved ids. A fact
retracted by the knowledge date is left out unless asked for, and counted, so that a printout can say how many
it does not show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from events.records import EntityRecord, Fact
from projections.chronology import TimelineEntry, Window
from projections.entities import names_one
from projections.knowledge import FactView, retracted_from, view


@dataclass(frozen=True, slots=True)
class Filters:
    """The options shared by query commands. `project`/`partner` are references until the service resolves
    them (see `Scope`)."""

    as_of: date | None = None
    window: Window = field(default_factory=Window)
    kinds: tuple[str, ...] = ()
    project: str | None = None
    partner: str | None = None
    include_retracted: bool = False


@dataclass(frozen=True, slots=True)
class Scope:
    """Resolved filters on what a fact names and is: project and partner ids, kinds (empty: any). The ids are
    the surviving ones on the knowledge date; a fact naming a record merged into one (`merges`) is admitted."""

    project: str | None = None
    partner: str | None = None
    kinds: tuple[str, ...] = ()
    entities: tuple[EntityRecord, ...] = ()  # the project and partner, for headings
    merges: Mapping[str, str] = field(default_factory=dict)  # each merged id → the surviving one

    @property
    def narrows(self) -> bool:
        return bool(self.project or self.partner or self.kinds)

    def describe(self) -> str:
        """' of kind meeting, in Project X, with Partner Y' (empty when nothing narrows)."""
        parts = [f"kind {' or '.join(self.kinds)}"] if self.kinds else []
        parts += [("in " if e.entity == "project" else "with ") + e.name for e in self.entities]
        return (", " + ", ".join(parts)) if parts else ""

    def admits(self, fact: Fact) -> bool:
        return (
            (self.project is None or names_one(fact.projects, self.project, self.merges))
            and (self.partner is None or names_one(fact.partners, self.partner, self.merges))
            and (not self.kinds or fact.kind in self.kinds)
        )


@dataclass(frozen=True, slots=True)
class Selected:
    entries: list[TimelineEntry]
    hidden_retracted: int  # facts that would be shown but were retracted by the knowledge date


def shown_view(fact: Fact, as_of: date | None) -> tuple[FactView | None, bool]:
    """The fact as stated on `as_of` whether retracted or not, and whether it was retracted by then."""
    withdrawn = retracted_from(fact)
    retracted = withdrawn is not None and (as_of is None or withdrawn <= as_of)
    return view(fact.model_copy(update={"retracted": None}) if retracted else fact, as_of), retracted


def select(
    facts: Iterable[Fact],
    belongs: Callable[[Fact], bool],
    filters: Filters = Filters(),
) -> Selected:
    """Facts that belong (as stated on the knowledge date) and overlap the window, by start, wider first, then
    id; retracted ones only with `include_retracted`, else counted in `hidden_retracted`."""
    as_of, window = filters.as_of, filters.window
    entries, hidden = [], 0
    for fact in facts:
        seen, retracted = shown_view(fact, as_of)
        if seen is None or not belongs(seen.fact) or not seen.occurred.overlaps(window.since, window.until):
            continue
        if retracted and not filters.include_retracted:
            hidden += 1
            continue
        partial = not window.is_open and not seen.occurred.within(window.since, window.until)
        entries.append(TimelineEntry(seen, partial, fact.retracted if retracted else None))
    entries.sort(key=lambda entry: (entry.view.occurred.sort_key, entry.view.id))
    return Selected(entries, hidden)

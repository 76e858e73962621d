"""A partner's history: its facts in date order, meetings per year, counterparts met, projects shared."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from events.records import Fact
from projections.chronology import TimelineEntry, Window, chronological_entries


@dataclass(frozen=True, slots=True)
class Counterpart:
    person: str
    offices: tuple[str, ...]
    facts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PartnerHistory:
    entries: list[TimelineEntry]
    meetings_per_year: dict[str, int]  # meetings that happened: "2022" -> 1; "undated" for open or multi-year dates
    counterparts: tuple[Counterpart, ...]
    projects: dict[str, int]  # project id -> facts naming it


def partner_history(
    facts: Iterable[Fact], partner: str, as_of: date | None = None, window: Window = Window()
) -> PartnerHistory:
    return history_of(chronological_entries(facts, lambda fact: partner in fact.partners, as_of, window))


def history_of(entries: list[TimelineEntry]) -> PartnerHistory:
    """Meetings per year, counterparts and projects of a partner's timeline entries (retracted ones listed only)."""
    meetings: Counter[str] = Counter()
    people: dict[str, tuple[set[str], list[str]]] = {}
    projects: Counter[str] = Counter()
    for entry in entries:
        fact, occurred = entry.view.fact, entry.view.occurred
        if entry.retracted is not None:
            continue
        if fact.status in ("cancelled", "postponed"):  # listed, but nobody met (as in offices over time)
            continue
        if fact.kind == "meeting" and fact.status == "happened":
            same_year = (
                occurred.lower is not None and occurred.upper is not None and occurred.lower.year == occurred.upper.year
            )
            meetings[str(occurred.lower.year) if same_year else "undated"] += 1  # type: ignore[union-attr]
        projects.update(fact.projects)
        for role in fact.people:
            offices, seen_in = people.setdefault(role.person, (set(), []))
            if role.office:
                offices.add(role.office)
            seen_in.append(fact.id)
    counterparts = tuple(
        Counterpart(person, tuple(sorted(offices)), tuple(seen_in))
        for person, (offices, seen_in) in sorted(people.items())
    )
    return PartnerHistory(entries, dict(sorted(meetings.items())), counterparts, dict(sorted(projects.items())))

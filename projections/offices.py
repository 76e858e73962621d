"""Offices over time, from the people named in facts on their dates and from appointment facts.

Every answer carries the facts that attest it. Between attestations of different holders the answer is
inferred: the last holder attested before the date, with the first attested after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from events.dates import EdtfDate
from events.records import Fact
from projections.knowledge import view


@dataclass(frozen=True, slots=True)
class Attestation:
    office: str
    person: str
    fact: str
    kind: str  # the fact's kind; "appointment" marks the start of a tenure
    occurred: EdtfDate


@dataclass(frozen=True, slots=True)
class Tenure:
    """A person's attested span in an office: first and last attestation."""

    office: str
    person: str
    first: EdtfDate
    last: EdtfDate
    facts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    office: str
    on: date
    holders: tuple[Tenure, ...]  # attested on that date (or inferred: the last before)
    inferred: bool
    before: Tenure | None  # the last attested before, when inferred
    after: Tenure | None  # the first attested after, when inferred

    @property
    def disagreement(self) -> str | None:
        """Two holders attested on the day, or a gap between two holders: said, with the attesting facts,
        never silently resolved."""
        if not self.inferred and len({t.person for t in self.holders}) > 1:
            return "two or more holders are attested on this day"
        if self.inferred and self.before and self.after and self.before.person != self.after.person:
            return "no holder is attested on this day; it lies between two holders' attestations"
        return None


def attestations(facts: Iterable[Fact], as_of: date | None = None) -> list[Attestation]:
    found = []
    for fact in facts:
        seen = view(fact, as_of)
        if seen is None or seen.fact.status in ("cancelled", "postponed"):
            continue
        for role in seen.fact.people:
            if role.office:
                found.append(Attestation(role.office, role.person, seen.fact.id, seen.fact.kind, seen.occurred))
    found.sort(key=lambda a: (a.office, a.occurred.sort_key, a.person, a.fact))
    return found


def tenures(found: Iterable[Attestation]) -> list[Tenure]:
    """One tenure per (office, person), ordered by first attestation."""
    grouped: dict[tuple[str, str], list[Attestation]] = {}
    for attestation in found:
        grouped.setdefault((attestation.office, attestation.person), []).append(attestation)
    result = []
    for (office, person), items in grouped.items():
        first = min(items, key=lambda a: a.occurred.sort_key)
        last = max(items, key=lambda a: (a.occurred.upper_or_max, a.occurred.lower_or_min))
        result.append(Tenure(office, person, first.occurred, last.occurred, tuple(sorted({a.fact for a in items}))))
    result.sort(key=lambda t: (t.office, t.first.sort_key, t.person))
    return result


def who(found: Iterable[Attestation], office: str, on: date) -> Answer:
    """Who held `office` on `on`: attested directly, or inferred between attestations."""
    items = [a for a in found if a.office == office]
    direct = [a for a in items if _start(a) <= on <= _end(a)]
    if direct:
        return Answer(office, on, tuple(tenures(direct)), False, None, None)
    before = [a for a in items if _end(a) < on]
    after = [a for a in items if _start(a) > on]
    last_before = _tenure_of(max(before, key=_end), items) if before else None
    first_after = _tenure_of(min(after, key=_start), items) if after else None
    holders = (last_before,) if last_before else ()
    return Answer(office, on, holders, True, last_before, first_after)


def _start(attestation: Attestation) -> date:
    """An open-start date ("../2024-07-02": by that day) attests only its last day."""
    occurred = attestation.occurred
    return occurred.upper_or_max if occurred.lower is None else occurred.lower


def _end(attestation: Attestation) -> date:
    return attestation.occurred.upper_or_max


def _tenure_of(attestation: Attestation, items: list[Attestation]) -> Tenure:
    same = [a for a in items if a.person == attestation.person]
    return tenures(same)[0]

"""Counts for `timeline stats`: facts per year by kind and per partner, and each target's value over its
restatements, as the record stood on a knowledge date.

* A fact counts once, in the year it occurred as then stated: the year of its start, or of its end when the
  start is open ("by 2022-03-23" counts in 2022). Uncertain and approximate years count as written ("2025?" in
  2025).
* Per partner, a fact counts once for each partner it names.
* Retracted facts (withdrawn by the knowledge date) are left out of every count, and counted apart.
* A target's values: for each fact stating the target (kind `target` with its key), the first figure with a value
  as stated on each knowledge day on which it changed; a range counts as its midpoint.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from events.dates import EdtfDate
from events.records import Fact
from projections.knowledge import FactView, knowledge_days, view


@dataclass(frozen=True, slots=True)
class TargetValue:
    known: date  # the knowledge date from which the record stated this value
    value: float
    unit: str | None
    fact: str


@dataclass(frozen=True, slots=True)
class Stats:
    facts: int  # counted: visible and not retracted on the knowledge date
    retracted: int  # reported by the knowledge date but withdrawn by then; in no count
    by_kind: dict[int, dict[str, int]]  # year → kind → facts
    by_partner: dict[int, dict[str, int]]  # year → partner id → facts
    targets: dict[str, tuple[TargetValue, ...]]  # target key → its values, by knowledge date

    @property
    def partners(self) -> list[str]:
        """Every partner counted, the most facts first, then by id."""
        totals: Counter[str] = Counter()
        for counts in self.by_partner.values():
            totals.update(counts)
        return sorted(totals, key=lambda partner: (-totals[partner], partner))


def year_of(occurred: EdtfDate) -> int:
    """The year a fact counts in: its start's, or its end's when the start is open."""
    bound = occurred.lower or occurred.upper
    assert bound is not None  # EDTF intervals have at most one open end
    return bound.year


def _selected(seen: FactView, project: str | None, partner: str | None) -> bool:
    return (project is None or project in seen.fact.projects) and (partner is None or partner in seen.fact.partners)


def fact_stats(
    facts: Iterable[Fact], as_of: date | None = None, project: str | None = None, partner: str | None = None
) -> Stats:
    """Counts over the facts naming the project and the partner (when given), as stated on `as_of`."""
    by_kind: dict[int, Counter[str]] = {}
    by_partner: dict[int, Counter[str]] = {}
    counted, retracted = 0, 0
    values: dict[str, list[TargetValue]] = {}  # folded as the facts are read: the facts are never held
    for fact in facts:
        seen = view(fact, as_of)
        if seen is None:
            unretracted = view(fact.model_copy(update={"retracted": None}), as_of) if fact.retracted else None
            retracted += unretracted is not None and _selected(unretracted, project, partner)
            continue
        if not _selected(seen, project, partner):
            continue
        counted += 1
        if fact.target is not None or any("target" in source.differs for source in fact.sources):
            for key, point in _values(fact, as_of):
                values.setdefault(key, []).append(point)
        year = year_of(seen.occurred)
        by_kind.setdefault(year, Counter())[seen.fact.kind] += 1
        by_partner.setdefault(year, Counter()).update(set(seen.fact.partners))
    return Stats(
        facts=counted,
        retracted=retracted,
        by_kind={year: dict(sorted(by_kind[year].items())) for year in sorted(by_kind)},
        by_partner={year: dict(sorted(counts.items())) for year, counts in sorted(by_partner.items()) if counts},
        targets=_in_order(values),
    )


def target_values(facts: Iterable[Fact], as_of: date | None = None) -> dict[str, tuple[TargetValue, ...]]:
    """Each target key's values over its restatements, by knowledge date (then fact id), up to `as_of`."""
    found: dict[str, list[TargetValue]] = {}
    for fact in facts:
        for key, point in _values(fact, as_of):
            found.setdefault(key, []).append(point)
    return _in_order(found)


def _in_order(found: dict[str, list[TargetValue]]) -> dict[str, tuple[TargetValue, ...]]:
    return {key: tuple(sorted(points, key=lambda p: (p.known, p.fact))) for key, points in sorted(found.items())}


def _values(fact: Fact, as_of: date | None) -> Iterator[tuple[str, TargetValue]]:
    """The values one fact states for its target key (as stated on each knowledge day on which it changed)."""
    last: TargetValue | None = None
    for day in knowledge_days(fact):
        if as_of is not None and day > as_of:
            break
        seen = view(fact, day)
        if seen is None or seen.fact.kind != "target" or not seen.fact.target:
            continue
        figure = next((f for f in seen.fact.figures if f.value is not None), None)
        if figure is None:
            continue
        value = figure.value
        amount = (value[0] + value[1]) / 2 if isinstance(value, tuple) else value
        point = TargetValue(day, amount, figure.unit, fact.id)  # type: ignore[arg-type]
        if last is None or (last.value, last.unit) != (point.value, point.unit):
            yield seen.fact.target, point
        last = point

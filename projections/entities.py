"""Entities over time: the name in force on a date, and merges (two records found to be one entity).

A name with validity dates (`names: [{name: Hà Tây, until: 2008-07-31}]`) is what the entity was called then;
outside every dated name the entity's `name` holds. A merge (`merged: {into: brg-group, on: 2023-05-01}`) makes
one record follow another: from its date on (as a knowledge date; always, when it has none) both ids answer
for one entity, the surviving one, and facts naming the merged id count for it. Nothing is rewritten: the
facts still name the id they named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from events.dates import EdtfDate, parse_edtf
from events.records import DatedName, EntityRecord, Fact


def _start(occurred: EdtfDate) -> date:
    """The day a date is judged by: its first day, or its last when the start is open ("by D")."""
    return occurred.upper_or_max if occurred.lower is None else occurred.lower


def in_force(name: DatedName, day: date) -> bool:
    since = parse_edtf(name.since).lower_or_min if name.since else date.min
    until = parse_edtf(name.until).upper_or_max if name.until else date.max
    return since <= day <= until


class Names(dict[str, str]):
    """Entity names by id (the current ones), and each entity's dated names: `at` gives the name in force."""

    def __init__(self, current: Mapping[str, str] = {}, dated: Mapping[str, tuple[DatedName, ...]] = {}):
        super().__init__(current)
        self.dated = {ref: names for ref, names in dated.items() if names}

    def at(self, ref: str, occurred: EdtfDate | str | None) -> str:
        """The name of `ref` in force on the start of `occurred` (the current name when none is dated then)."""
        names = self.dated.get(ref)
        if names and occurred is not None:
            day = _start(parse_edtf(occurred) if isinstance(occurred, str) else occurred)
            for name in names:
                if in_force(name, day):
                    return name.name
        return self.get(ref, ref)

    def merged(self, other: Mapping[str, str]) -> Names:
        combined = Names({**self, **other}, self.dated)
        if isinstance(other, Names):
            combined.dated.update(other.dated)
        return combined


def name_at(names: Mapping[str, str], ref: str, occurred: EdtfDate | str | None) -> str:
    """The name to print for `ref` on a fact that occurred then."""
    return names.at(ref, occurred) if isinstance(names, Names) else names.get(ref, ref)


def merge_map(records: Iterable[EntityRecord], as_of: date | None = None) -> dict[str, str]:
    """Each merged id → the id it is one with on the knowledge date (chains followed; a cycle is ignored)."""
    direct = {
        r.id: r.merged.into
        for r in records
        if r.merged is not None and (as_of is None or not r.merged.on or parse_edtf(r.merged.on).lower_or_min <= as_of)
    }
    result = {}
    for start in direct:
        seen, current = {start}, direct[start]
        while current in direct and current not in seen:
            seen.add(current)
            current = direct[current]
        if current != start:
            result[start] = current
    return result


def one_with(root: str, mapping: Mapping[str, str]) -> set[str]:
    """Every id that is one entity with `root` (itself included)."""
    return {root} | {merged for merged, into in mapping.items() if into == root}


def follow_merges(fact: Fact, mapping: Mapping[str, str]) -> Fact:
    """The fact with merged project and partner ids replaced by the ids they are one with (in its main values
    and in every source's statement), each id once."""
    if not mapping:
        return fact

    def canonical(ids: Iterable[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(mapping.get(i, i) for i in ids))

    update: dict[str, object] = {}
    for field in ("projects", "partners"):
        if any(i in mapping for i in getattr(fact, field)):
            update[field] = canonical(getattr(fact, field))
    sources = []
    for source in fact.sources:
        differs = {
            k: list(canonical(v)) if k in ("projects", "partners") and any(i in mapping for i in v) else v
            for k, v in source.differs.items()
        }
        sources.append(source if differs == source.differs else source.model_copy(update={"differs": differs}))
    if any(new is not old for new, old in zip(sources, fact.sources)):
        update["sources"] = tuple(sources)
    return fact.model_copy(update=update) if update else fact

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
from typing import Any

from events.dates import EdtfDate, parse_edtf
from events.records import DatedName, EntityRecord, Fact, PersonRole


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


def names_one(ids: Iterable[str], root: str, mapping: Mapping[str, str]) -> bool:
    """Whether any of `ids` is `root` or a record merged into it."""
    return any(i == root or mapping.get(i) == root for i in ids)


# The role in which a fact names an entity of each kind (the read models' mentions).
MENTION_ROLE = {"project": "project", "organisation": "partner", "person": "person", "office": "office"}


def follow_merges(fact: Fact, mapping: Mapping[str, str]) -> Fact:
    """The fact with merged ids (projects, partners, people and their offices) replaced by the ids they are one
    with, in its main values and in every source's statement (`differs`), each id and each person's role once."""
    if not mapping or not any(i in mapping for ids in mentions(fact).values() for i in ids):
        return fact

    def one(ref: str) -> str:
        return mapping.get(ref, ref)

    def role(person: PersonRole) -> PersonRole:
        return person.model_copy(update={"person": one(person.person), "office": person.office and one(person.office)})

    def stated(values: dict[str, Any]) -> dict[str, Any]:
        followed: dict[str, Any] = {
            key: list(dict.fromkeys(map(one, values[key]))) for key in ("projects", "partners") if key in values
        }
        if "people" in values:
            roles = ({**p, **{k: one(p[k]) for k in ("person", "office") if p.get(k)}} for p in values["people"])
            followed["people"] = list({tuple(sorted(p.items())): p for p in roles}.values())
        return {**values, **followed}

    return fact.model_copy(
        update={
            "projects": tuple(dict.fromkeys(map(one, fact.projects))),
            "partners": tuple(dict.fromkeys(map(one, fact.partners))),
            "people": tuple(dict.fromkeys(map(role, fact.people))),
            "sources": tuple(
                source.model_copy(update={"differs": stated(source.differs)}) if source.differs else source
                for source in fact.sources
            ),
        }
    )


def mentions(fact: Fact) -> dict[str, set[str]]:
    """Every entity a fact names, by role, in its main values and in any source's differing statement."""
    roles: dict[str, set[str]] = {"project": set(), "partner": set(), "person": set(), "office": set()}
    roles["project"].update(fact.projects)
    roles["partner"].update(fact.partners)
    roles["person"].update(role.person for role in fact.people)
    roles["office"].update(role.office for role in fact.people if role.office)
    for values in (source.differs for source in fact.sources if source.differs):
        roles["project"].update(values.get("projects", ()))
        roles["partner"].update(values.get("partners", ()))
        for person in values.get("people", ()):
            roles["person"].add(person["person"])
            if person.get("office"):
                roles["office"].add(person["office"])
    return roles

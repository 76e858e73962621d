"""Which entity a reference names (merges followed), the facts naming it, and the scope of the filters: what every
query about entities starts from (timelines, targets, offices and statistics have modules of their own).

Each function takes an open `Store` (it is bound to it as a method) and plain values, and returns a view.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING

from events.records import EntityRecord, Fact
from events.text import match_key
from projections.chronology import Window, mentions
from projections.entities import merge_map, one_with
from projections.selection import Filters, Scope
from timeline.errors import NotFound
from timeline.occurred import Key, ReadRows, index_window
from timeline.storage.readmodels.pages import Sieve

if TYPE_CHECKING:
    from timeline.service.store import Store


def entity(store: Store, ref: str, kind: str) -> EntityRecord:
    """The entity of `kind` that `ref` names (id or alias); NotFound with suggestions otherwise."""
    named = store.read_models.entities_named(match_key(ref), kind)
    if len(named) == 1:
        return named[0]
    from timeline.intake.resolve import EntityIndex, Unresolved  # suggestions: only when no name matched

    index = EntityIndex(known=store.read_models)
    try:
        return index.record(index.resolve(ref, kind))  # type: ignore[return-value]
    except Unresolved as error:
        every = {"project": "projects", "organisation": "organisations", "office": "offices", "person": "people"}
        raise NotFound(f"{error} (list them all: timeline list {every[kind]})") from None


def names(store: Store, facts: Iterable[Fact] = (), *ids: str) -> dict[str, str]:
    """The names of the entities these facts (in any statement) and ids refer to."""
    wanted = set(ids)
    for fact in facts:
        wanted.update(*mentions(fact).values())
    return store.read_models.names(wanted)


def merges(store: Store, as_of: date | None) -> dict[str, str]:
    """Each merged id → the id of the surviving entity, as the record stood on the knowledge date (and as the store
    held it, with --recorded-before): the one resolution of merges every query follows."""
    return merge_map(store.merged_records(), as_of)


def surviving(store: Store, ref: str, kind: str, merged: Mapping[str, str]) -> EntityRecord:
    """The entity `ref` names, or the one it was merged into."""
    record = entity(store, ref, kind)
    return entity(store, merged[record.id], kind) if record.id in merged else record


def facts_naming(store: Store, root: str, role: str, as_of: date | None, merged: Mapping[str, str]) -> list[Fact]:
    """The facts naming `root` or a record merged into it in that role (as stored: ids not followed), by id."""
    found: dict[str, Fact] = {}
    for entity_id in sorted(one_with(root, merged)):
        for fact in store.read_models.facts_mentioning(entity_id, role, as_of):
            found.setdefault(fact.id, fact)
    return [found[i] for i in sorted(found)]


def facts_in(store: Store, scope: Scope, as_of: date | None) -> list[Fact] | None:
    """The facts naming the scope's project (else its partner), merged records included, as stored; None when
    the scope names neither (every fact may be in it)."""
    if scope.project or scope.partner:
        role = "project" if scope.project else "partner"
        return facts_naming(store, scope.project or scope.partner, role, as_of, scope.merges)  # type: ignore[arg-type]
    return None


def scope_rows(store: Store, scope: Scope, window: Window = Window(), as_of: date | None = None) -> ReadRows | None:
    """How the facts of the scope are read in occurred order, a range of an index after a cursor: the facts naming
    its project or its partner (whichever names fewer, merged records included), else every fact; the rows of dates
    outside the window, of facts not reported by `as_of` and of facts of other kinds left out in the index (before a
    state is decoded). None: every fact (the index's own reader)."""
    ranges = [(root, role) for root, role in ((scope.project, "project"), (scope.partner, "partner")) if root]
    bounds, sieve = index_window(window), Sieve(as_of, scope.kinds)
    if not ranges:
        if bounds is None and sieve == Sieve():
            return None
        return lambda start, size: store.read_models.occurred_after(start, size, bounds, sieve)
    if len(ranges) == 2:
        ranges.sort(key=lambda range_: store.read_models.named_count(one_with(range_[0], scope.merges), range_[1]))
    root, role = ranges[0]
    ids = one_with(root, scope.merges)

    def rows(start: Key | None, size: int) -> list[Key]:
        return store.read_models.named_occurred_after(ids, role, start, size, bounds, sieve)

    return rows


def scope(store: Store, filters: Filters) -> Scope:
    """The filters' project and partner references resolved to the surviving ids (NotFound with suggestions)."""
    if not (filters.project or filters.partner):
        return Scope(kinds=filters.kinds)
    merged = merges(store, filters.as_of)
    project = surviving(store, filters.project, "project", merged) if filters.project else None
    partner = surviving(store, filters.partner, "organisation", merged) if filters.partner else None
    named = tuple(entity for entity in (project, partner) if entity)
    return Scope(project.id if project else None, partner.id if partner else None, filters.kinds, named, merged)

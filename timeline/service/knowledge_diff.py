"""The knowledge diff: what the public record gained, changed or lost between two knowledge dates, a page at a time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from events.records import Fact
from projections.diff import knowledge_diff
from projections.entities import names_one
from projections.selection import Filters, Scope
from timeline.errors import InvalidOption
from timeline.present.views import DiffView

if TYPE_CHECKING:
    from projections.facts import FactState
    from timeline.service.store import Store


def diff(
    store: Store,
    since: date,
    until: date,
    project: str | None = None,
    after: str | None = None,
    limit: int | None = None,
) -> DiffView:
    """What changed between two knowledge dates, over the facts whose knowledge days fall in the window (and
    the facts sharing their target keys). A page holds the next `limit` of those facts by id after `after`; a
    target's change is told on the page of the first changed fact naming it. A project's facts include those
    of the records merged into it by the later date (`until`)."""
    if until < since:
        raise InvalidOption(f"diff: --to {until} is before --from {since}")
    scope = store.scope(Filters(until, project=project))
    ids = store.read_models.ids_changing_between(since, until, after, None if limit is None else limit + 1)
    more = limit is not None and len(ids) > limit
    ids = ids[:limit] if more else ids
    facts = _in_scope(store.read_models.fact_states(ids).values(), scope)
    keys = {key for f in facts if (key := f.target or f.fulfils)}
    related = {
        f.id: f for f in facts + store.read_models.facts_with_target(keys) + store.read_models.facts_fulfilling(keys)
    }
    found = knowledge_diff(related.values(), since, until, changed={f.id for f in facts})
    if after is not None and found.targets:
        told = _keys_told_before(store, since, until, after, keys, scope)
        found = replace(found, targets=tuple(t for t in found.targets if t[0] not in told))
    return DiffView(found, scope.entities[0] if scope.entities else None, ids[-1] if more else None)


def _in_scope(states: Iterable[FactState], scope: Scope) -> list[Fact]:
    """The facts naming the scope's project (or a record merged into it) in their main values or any statement."""
    facts = sorted((state.fact for state in states), key=lambda f: f.id)
    if scope.project is None:
        return facts
    root, merged = scope.project, scope.merges
    return [
        f
        for f in facts
        if names_one(f.projects, root, merged)
        or any(names_one(s.differs.get("projects", ()), root, merged) for s in f.sources)
    ]


def _keys_told_before(store: Store, since: date, until: date, after: str, keys: set[str], scope: Scope) -> set[str]:
    """The target keys named by a changed fact (in scope) on an earlier page: their change was told there."""
    earlier = set(store.read_models.ids_changing_between(since, until, upto=after))
    naming = {key: ids & earlier for key, ids in store.read_models.ids_keyed(keys).items()}
    if scope.project is not None:
        kept = {f.id for f in _in_scope(store.read_models.fact_states(set().union(*naming.values())).values(), scope)}
        naming = {key: ids & kept for key, ids in naming.items()}
    return {key for key, ids in naming.items() if ids}

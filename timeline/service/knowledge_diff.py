"""The knowledge diff: what the public record gained, changed or lost between two knowledge dates, a page at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from events.dates import parse_edtf
from events.records import Fact
from projections.chronology import Window
from projections.diff import knowledge_diff
from projections.selection import Filters, Scope
from timeline import paging
from timeline.errors import InvalidOption
from timeline.present.result_views import DiffView

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
    filters: Filters | None = None,
) -> DiffView:
    """What changed between two knowledge dates, over the facts whose knowledge days fall in the window (and
    the facts sharing their target keys). A page holds the next `limit` of those facts by id after `after`; a
    target's change is told on the page of the first changed fact naming it. `filters` (or `project`) narrow
    the facts to those that some statement puts in the project, with the partner, of the kinds, in the occurred
    window; a project's or partner's facts include those of the records merged into it by the later date."""
    if until < since:
        raise InvalidOption(f"diff: --to {until} is before --from {since}")
    filters = replace(filters or Filters(project=project), as_of=until)
    scope, window = store.scope(filters), filters.window
    if after is None and limit is None:  # every fact changing is held: at most a page's worth
        what = f"the facts changing between {since} and {until}"
        held = len(store.read_models.ids_changing_between(since, until, limit=paging.LISTED_AT_ONCE + 1))
        paging.at_most_a_page(what, held, "; or narrow --from and --to")
    ids = store.read_models.ids_changing_between(since, until, after, None if limit is None else limit + 1)
    more = limit is not None and len(ids) > limit
    ids = ids[:limit] if more else ids
    facts = _in_scope(store.read_models.fact_states(ids).values(), scope, window)
    keys = {key for f in facts if (key := f.target or f.fulfils)}
    related = {f.id: f for f in facts}  # and the facts stating or fulfilling their target keys, each read once
    sharing = set().union(*store.read_models.ids_keyed(keys).values()) - related.keys()
    related.update((state.fact.id, state.fact) for state in store.read_models.fact_states(sorted(sharing)).values())
    found = knowledge_diff(related.values(), since, until, changed={f.id for f in facts})
    if after is not None and found.targets:
        told = _keys_told_before(store, (since, until), after, keys, scope, window)
        found = replace(found, targets=tuple(t for t in found.targets if t[0] not in told))
    project_record = next((e for e in scope.entities if e.id == scope.project), None)
    return DiffView(found, project_record, ids[-1] if more else None, scope, window)


def _in_scope(states: Iterable[FactState], scope: Scope, window: Window) -> list[Fact]:
    """The facts that the scope and the window admit as their main values or any source's statement puts them."""
    facts = sorted((state.fact for state in states), key=lambda f: f.id)
    if not scope.narrows and window.is_open:
        return facts
    return [
        fact
        for fact in facts
        if any(
            scope.admits(stated) and parse_edtf(stated.occurred).overlaps(window.since, window.until)
            for stated in _statements(fact)
        )
    ]


def _statements(fact: Fact) -> Iterator[Fact]:
    """The fact as its main values state it, then as each source with a `differs` does (on what filters read)."""
    yield fact
    for source in fact.sources:
        if differs := {k: v for k, v in source.differs.items() if k in ("projects", "partners", "kind", "occurred")}:
            yield fact.model_copy(update=differs)


def _keys_told_before(
    store: Store, dates: tuple[date, date], after: str, keys: set[str], scope: Scope, window: Window
) -> set[str]:
    """The target keys named by a changed fact (in scope) on an earlier page: their change was told there."""
    earlier = set(store.read_models.ids_changing_between(*dates, upto=after))
    naming = {key: ids & earlier for key, ids in store.read_models.ids_keyed(keys).items()}
    if scope.narrows or not window.is_open:
        states = store.read_models.fact_states(set().union(*naming.values())).values()
        kept = {f.id for f in _in_scope(states, scope, window)}
        naming = {key: ids & kept for key, ids in naming.items()}
    return {key for key, ids in naming.items() if ids}

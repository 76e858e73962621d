"""The targets query: every target (or a scope's) with its statements and its state on a knowledge date, all of
them (at most LISTED_AT_ONCE) or a page of them in key order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING

from projections.knowledge import view
from projections.selection import Filters
from projections.targets import TargetTrack, target_tracker
from timeline.paging import Paged, at_most_a_page
from timeline.present.views import TargetsView
from timeline.storage.readmodels.writes import chunks

if TYPE_CHECKING:
    from timeline.service.store import Store

BATCH = 200  # target keys whose facts are read at a time


def targets(
    store: Store,
    project: str | None,
    as_of: date | None,
    today: date,
    filters: Filters | None = None,
    after: str | None = None,
    limit: int | None = None,
) -> TargetsView:
    """Every target (or those stated in facts of a project, naming a partner: `filters` or `project`; merged
    records included by `as_of`) with its statements and its state as of a knowledge date; deadlines are judged
    on the knowledge date, or on `today` (the caller's clock) when the query is as known now. With `limit`, the
    next `limit` targets in key order after the key `after`: the facts of a batch of keys are read at a time, so
    that a page costs what it lists; unpaged, more than LISTED_AT_ONCE targets are asked for a page at a time."""
    filters = filters or Filters(as_of, project=project)
    as_of, scope = filters.as_of, store.scope(filters)
    facts = store.facts_in(scope, as_of)
    keys: Iterable[str]
    if facts is None:
        count = store.read_models.target_count()
        keys = store.read_models.target_keys_after(after)
    else:
        seen = (view(fact, as_of) for fact in facts)
        stated = {v.fact.target for v in seen if v and v.fact.target and scope.admits(v.fact)}
        count, keys = len(stated), sorted(key for key in stated if after is None or key > after)
    paged = limit is not None or after is not None
    if not paged:
        at_most_a_page(f"{count} targets{scope.describe()}", count, "; or narrow them with --project or --partner")
    judged_on = as_of or today
    batch = min(limit + 1, BATCH) if limit else BATCH  # (a small page reads no more keys' facts than it needs)
    page = Paged(_tracks(store, keys, as_of, judged_on, batch), limit, lambda track: track.key)
    tracks = list(page)
    named = {entity.id: entity for entity in scope.entities}
    heading = (named.get(scope.project or ""), named.get(scope.partner or ""))
    cursor = page.next if isinstance(page.next, str) else None
    return TargetsView(as_of, judged_on, heading[0], tracks, heading[1], paged, after, cursor)


def _tracks(store: Store, keys: Iterable[str], as_of: date | None, judged_on: date, size: int) -> Iterator[TargetTrack]:
    """The tracks of these keys (in key order), the facts of `size` keys read and folded at a time."""
    for batch in chunks(keys, size):
        wanted = set(batch)
        facts = store.read_models.facts_with_target(wanted) + store.read_models.facts_fulfilling(wanted)
        yield from target_tracker(facts, as_of, judged_on, wanted)

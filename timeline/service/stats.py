"""The statistics query: facts per year by kind and per partner, and target values, as the record stood."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from events.records import Fact
from projections.entities import follow_merges
from projections.knowledge import FactView
from projections.selection import Filters
from projections.stats import fact_stats
from timeline.occurred import InOrder, cursor_text
from timeline.present.result_views import StatsView
from timeline.service.queries import merges, names, scope_rows

if TYPE_CHECKING:
    from timeline.service.store import Store


def stats(
    store: Store,
    as_of: date | None = None,
    project: str | None = None,
    partner: str | None = None,
    after: str | None = None,
    limit: int | None = None,
    filters: Filters | None = None,
) -> StatsView:
    """Facts per year by kind and per partner, and each target's values, as the record stood on `as_of`;
    only facts naming the project and the partner when given, of the kinds and in the occurred window when given
    (as stated then); retracted facts excluded. With `limit`, the counts of a page: the next `limit` such facts
    in occurred order after the fact `after`. `filters`, when given, holds the knowledge date and the filters."""
    filters = filters or Filters(as_of, project=project, partner=partner)
    as_of, window, scope = filters.as_of, filters.window, store.scope(filters)
    merged = scope.merges if scope.project or scope.partner else merges(store, as_of)

    def admits(fact: Fact, seen: FactView) -> bool:
        return scope.admits(seen.fact) and seen.occurred.overlaps(window.since, window.until)

    paged = InOrder(store.read_models, as_of, scope_rows(store, scope, window, as_of)).page(None, after, limit, admits)
    chosen = (follow_merges(fact, merged) for fact in paged)  # streamed: a whole store is never held
    stats = fact_stats(chosen, as_of, scope.project, scope.partner)
    named = {entity.id: entity for entity in scope.entities}
    heading = (named.get(scope.project or ""), named.get(scope.partner or ""))
    paging = (after, cursor_text(paged.next))
    return StatsView(as_of, *heading, stats, names(store, (), *stats.partners), *paging, window, scope.kinds)

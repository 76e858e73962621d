"""The targets query: every target (or a scope's) with its statements and its state on a knowledge date."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from projections.knowledge import view
from projections.selection import Filters
from projections.targets import target_tracker
from timeline.present.views import TargetsView

if TYPE_CHECKING:
    from timeline.service.store import Store


def targets(
    store: Store, project: str | None, as_of: date | None, today: date, filters: Filters | None = None
) -> TargetsView:
    """Every target (or those stated in facts of a project, naming a partner: `filters` or `project`; merged
    records included by `as_of`) with its statements and its state as of a knowledge date; deadlines are judged
    on the knowledge date, or on `today` (the caller's clock) when the query is as known now."""
    filters = filters or Filters(as_of, project=project)
    as_of, scope = filters.as_of, store.scope(filters)
    facts = store.facts_in(scope, as_of)
    if facts is None:
        keys = store.read_models.target_keys()
    else:
        seen = (view(fact, as_of) for fact in facts)
        keys = {v.fact.target for v in seen if v and v.fact.target and scope.admits(v.fact)}
    facts = store.read_models.facts_with_target(keys) + store.read_models.facts_fulfilling(keys)
    judged_on = as_of or today
    named = {entity.id: entity for entity in scope.entities}
    heading = (named.get(scope.project or ""), named.get(scope.partner or ""))
    return TargetsView(as_of, judged_on, heading[0], target_tracker(facts, as_of, judged_on, keys), heading[1])

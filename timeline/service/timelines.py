"""A project's or a partner's timeline: the facts naming it that the filters admit, in the order they occurred (a
partner's with its meetings per year, the people met and the projects)."""

from __future__ import annotations

from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING, Literal

from events.records import EntityRecord, Fact
from projections.chronology import Window
from projections.partners import history_of
from projections.selection import Filters, Selected, select
from timeline.present.views import PartnerView, ProjectTimeline
from timeline.service.queries import names, one_entity

if TYPE_CHECKING:
    from timeline.service.store import Store


def project(
    store: Store, ref: str, as_of: date | None = None, window: Window = Window(), filters: Filters | None = None
) -> ProjectTimeline:
    """A project's facts that the filters admit, in the order they occurred."""
    filters = filters or Filters(as_of, window)
    project, chosen, facts = _facts_naming(store, ref, "project", filters)
    names_in = names(store, facts)
    return ProjectTimeline(project, filters.as_of, filters.window, chosen.entries, names_in, chosen.hidden_retracted)


def partner(
    store: Store, ref: str, as_of: date | None = None, window: Window = Window(), filters: Filters | None = None
) -> PartnerView:
    """A partner's facts that the filters admit, with its meetings per year, the people met and the projects."""
    filters = filters or Filters(as_of, window)
    partner, chosen, facts = _facts_naming(store, ref, "partner", filters)
    history = history_of(chosen.entries)
    return PartnerView(partner, filters.as_of, filters.window, history, names(store, facts), chosen.hidden_retracted)


def _facts_naming(
    store: Store, ref: str, role: Literal["project", "partner"], filters: Filters
) -> tuple[EntityRecord, Selected, list[Fact]]:
    """The project or partner `ref` names, its facts in that role that the filters admit (as stated on the
    knowledge date), and all its facts in that role."""
    scope = store.scope(filters)
    record, facts = one_entity(store, ref, "project" if role == "project" else "organisation", filters.as_of)
    named_in = attrgetter("projects" if role == "project" else "partners")
    chosen = select(facts, lambda fact: record.id in named_in(fact) and scope.admits(fact), filters)
    return record, chosen, facts

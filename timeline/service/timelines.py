"""A project's or a partner's timeline: the facts naming it that the filters admit, in the order they occurred (a
partner's with its meetings per year, the people met and the projects); all of them, or a page (--limit/--after)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from projections.chronology import Window
from projections.partners import history_of
from projections.selection import Filters
from timeline.present.views import PartnerView, ProjectTimeline
from timeline.service.entity_facts import entity_facts
from timeline.service.queries import names

if TYPE_CHECKING:
    from timeline.service.store import Store


def project(
    store: Store,
    ref: str,
    as_of: date | None = None,
    window: Window = Window(),
    filters: Filters | None = None,
    after: str | None = None,
    limit: int | None = None,
) -> ProjectTimeline:
    """A project's facts that the filters admit, in the order they occurred; with `limit`, a page of them after
    the fact `after`."""
    filters = filters or Filters(as_of, window)
    found = entity_facts(store, ref, "project", filters, after, limit)
    chosen = found.chosen
    return ProjectTimeline(
        found.record, filters.as_of, filters.window, chosen.entries, names(store, found.facts),
        chosen.hidden_retracted, found.paged, found.after, found.next,
    )  # fmt: skip


def partner(
    store: Store,
    ref: str,
    as_of: date | None = None,
    window: Window = Window(),
    filters: Filters | None = None,
    after: str | None = None,
    limit: int | None = None,
) -> PartnerView:
    """A partner's facts that the filters admit, with its meetings per year, the people met and the projects; with
    `limit`, a page of its facts after the fact `after`, and those counted from the page alone."""
    filters = filters or Filters(as_of, window)
    found = entity_facts(store, ref, "organisation", filters, after, limit)
    chosen = found.chosen
    return PartnerView(
        found.record, filters.as_of, filters.window, history_of(chosen.entries), names(store, found.facts),
        chosen.hidden_retracted, found.paged, found.after, found.next,
    )  # fmt: skip

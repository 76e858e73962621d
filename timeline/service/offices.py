"""Offices and people: who held an office (on a day, or over time) and the offices a person held."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from events.records import EntityRecord, Fact
from projections.chronology import Window
from projections.entities import follow_merges, one_with
from projections.offices import attestations, tenures, who
from projections.selection import Filters
from timeline.occurred import index_window
from timeline.present.views import OfficeView, PersonView
from timeline.service.entity_facts import entity_facts
from timeline.service.queries import merges, names, surviving

if TYPE_CHECKING:
    from timeline.service.store import Store


def office(
    store: Store, ref: str, on: date | None = None, as_of: date | None = None, window: Window = Window()
) -> OfficeView:
    """Who held the office on a day (from the facts near that day), or every holder over time (attested in the
    occurred window); the office and its holders as one entity with the records merged into them by `as_of`."""
    merged = merges(store, as_of)
    office = surviving(store, ref, "office", merged)
    if on:
        near = {f.id: f for i in sorted(one_with(office.id, merged)) for f in store.read_models.facts_attesting(i, on)}
        stored = [near[i] for i in sorted(near)]
    else:
        stored = _facts_in_window(store, office, merged, window)
    facts = [follow_merges(fact, merged) for fact in stored]
    found = [a for a in attestations(facts, as_of) if a.office == office.id]
    if on:
        return OfficeView(office, as_of, who(found, office.id, on), [], names(store, facts, office.id))
    found = [a for a in found if a.occurred.overlaps(window.since, window.until)]
    return OfficeView(office, as_of, None, tenures(found), names(store, facts, office.id), window)


def _facts_in_window(store: Store, office: EntityRecord, merged: Mapping[str, str], window: Window) -> list[Fact]:
    """The facts naming the office (or a record merged into it) in any statement at a date overlapping the window,
    read from the index of its facts by occurred date: rows of dates outside the window are not read. (Not capped:
    the answer is a line per holder, and there is no page of holders to ask for instead.)"""
    ids, bounds = one_with(office.id, merged), index_window(window)
    found: dict[str, None] = {}
    start = None
    while True:
        rows = store.read_models.named_occurred_after(ids, "office", start, WINDOW_BATCH, bounds)
        found.update(dict.fromkeys(row[2] for row in rows))
        if len(rows) < WINDOW_BATCH:
            break
        start = rows[-1]
    states = store.read_models.fact_states(sorted(found))
    return [states[i].fact for i in sorted(states)]


WINDOW_BATCH = 2000  # index rows read at a time


def person(
    store: Store,
    ref: str,
    as_of: date | None = None,
    window: Window = Window(),
    filters: Filters | None = None,
    after: str | None = None,
    limit: int | None = None,
) -> PersonView:
    """The offices a person (with the records merged into them) held, and the facts the filters admit; with
    `limit`, a page of those facts after the fact `after`, and the offices attested in the page alone."""
    filters = filters or Filters(as_of, window)
    found = entity_facts(store, ref, "person", filters, after, limit)
    person, facts, chosen = found.record, found.facts, found.chosen
    held = [t for t in tenures(attestations(facts, filters.as_of)) if t.person == person.id]
    return PersonView(
        person, filters.as_of, held, chosen.entries, names(store, facts, person.id), chosen.hidden_retracted,
        found.paged, found.after, found.next,
    )  # fmt: skip

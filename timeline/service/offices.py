"""Offices and people: who held an office (on a day, or over time) and the offices a person held."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING

from events.records import EntityRecord, Fact
from projections.chronology import Window
from projections.entities import Names, follow_merges, one_with
from projections.offices import Attestation, attestations, tenures, who
from projections.selection import Filters
from timeline import paging
from timeline.occurred import InOrder, Key, index_window
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
        facts = [follow_merges(near[i], merged) for i in sorted(near)]
        found = [a for a in attestations(facts, as_of) if a.office == office.id]
        return OfficeView(office, as_of, who(found, office.id, on), [], _names(store, office, found))
    found = [
        a
        for a in attestations(_facts_in_window(store, office, as_of, merged, window), as_of)
        if a.office == office.id and a.occurred.overlaps(window.since, window.until)
    ]
    return OfficeView(office, as_of, None, tenures(found), _names(store, office, found), window)


def _facts_in_window(
    store: Store, office: EntityRecord, as_of: date | None, merged: Mapping[str, str], window: Window
) -> Iterator[Fact]:
    """The facts naming the office (or a record merged into it) at the date they show on the knowledge date, where
    it overlaps the window: read from the index of its facts by occurred date a batch of states at a time as
    iterated (rows of dates outside the window are not read), so that the answer holds its attestations, not the
    facts. At most LISTED_AT_ONCE facts, counted in the index first: the holders of a busier office are asked for a
    span at a time."""
    ids, bounds = one_with(office.id, merged), index_window(window)
    most = paging.LISTED_AT_ONCE
    held = store.read_models.named_count_at_most(ids, "office", most, bounds)
    span = "" if window.is_open else f" occurred {window.since or '…'} to {window.until or '…'}"
    instead = "ask for the holders of a shorter span with --since/--until, or of a day with --on"
    paging.at_most_at_once(f"more than {most} facts naming {office.name}{span}", held, instead)

    def rows(start: Key | None, size: int) -> list[Key]:
        return store.read_models.named_occurred_after(ids, "office", start, size, bounds)

    return iter(InOrder(store.read_models, as_of, rows, merged).page(None, None, None, lambda fact, seen: True))


def _names(store: Store, office: EntityRecord, found: list[Attestation]) -> Names:
    """The names an answer prints: the office's (with its dated names) and its holders'."""
    return store.read_models.names({office.id, *(a.person for a in found)})


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

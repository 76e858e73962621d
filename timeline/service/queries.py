"""Queries about entities: a project's or a partner's timeline, targets, who held an office, a person, statistics.

Each function takes an open `Store` (it is bound to it as a method) and plain values, and returns a view.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING, Literal

from events.records import EntityRecord, Fact
from events.text import match_key
from projections.chronology import Window, mentions
from projections.entities import follow_merges, merge_map, one_with
from projections.knowledge import FactView, view
from projections.offices import attestations, tenures, who
from projections.partners import history_of
from projections.selection import Filters, Scope, Selected, select
from projections.stats import fact_stats
from projections.targets import target_tracker
from timeline.errors import NotFound
from timeline.occurred import InOrder, cursor_text
from timeline.present.views import OfficeView, PartnerView, PersonView, ProjectTimeline, StatsView, TargetsView

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


def one_entity(store: Store, ref: str, kind: str, role: str, as_of: date | None) -> tuple[EntityRecord, list[Fact]]:
    """The entity `ref` names, or the one it was merged into (by `as_of`), and the facts naming any record
    of it in that role, with merged ids replaced by the surviving one."""
    merges = merge_map(store.read_models.merged_records(), as_of)
    record = entity(store, ref, kind)
    if record.id in merges:
        record = entity(store, merges[record.id], kind)
    found: dict[str, Fact] = {}
    for entity_id in sorted(one_with(record.id, merges)):
        for fact in store.read_models.facts_mentioning(entity_id, role, as_of):
            found.setdefault(fact.id, follow_merges(fact, merges))
    return record, [found[i] for i in sorted(found)]


def scope(store: Store, filters: Filters) -> Scope:
    """The filters' project and partner references resolved to ids (NotFound with suggestions)."""
    project = entity(store, filters.project, "project") if filters.project else None
    partner = entity(store, filters.partner, "organisation") if filters.partner else None
    named = tuple(entity for entity in (project, partner) if entity)
    return Scope(project.id if project else None, partner.id if partner else None, filters.kinds, named)


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
    record, facts = one_entity(store, ref, "project" if role == "project" else "organisation", role, filters.as_of)
    named_in = attrgetter("projects" if role == "project" else "partners")
    chosen = select(facts, lambda fact: record.id in named_in(fact) and scope.admits(fact), filters)
    return record, chosen, facts


def targets(store: Store, project: str | None, as_of: date | None, today: date) -> TargetsView:
    """Every target (or a project's) with its statements and its state as of a knowledge date; deadlines are
    judged on the knowledge date, or on `today` (the caller's clock) when the query is as known now."""
    scope = entity(store, project, "project") if project else None
    if scope is None:
        keys = store.read_models.target_keys()
    else:
        seen = (view(fact, as_of) for fact in store.read_models.facts_mentioning(scope.id, "project", as_of))
        keys = {v.fact.target for v in seen if v and v.fact.target and scope.id in v.fact.projects}
    facts = store.read_models.facts_with_target(keys) + store.read_models.facts_fulfilling(keys)
    judged_on = as_of or today
    return TargetsView(as_of, judged_on, scope, target_tracker(facts, as_of, judged_on, keys))


def office(store: Store, ref: str, on: date | None = None, as_of: date | None = None) -> OfficeView:
    """Who held the office on a day (from the facts near that day), or every holder over time."""
    office = entity(store, ref, "office")
    facts = (
        store.read_models.facts_attesting(office.id, on)
        if on
        else store.read_models.facts_mentioning(office.id, "office", as_of)
    )
    found = [a for a in attestations(facts, as_of) if a.office == office.id]
    if on:
        return OfficeView(office, as_of, who(found, office.id, on), [], names(store, facts, office.id))
    return OfficeView(office, as_of, None, tenures(found), names(store, facts, office.id))


def person(
    store: Store, ref: str, as_of: date | None = None, window: Window = Window(), filters: Filters | None = None
) -> PersonView:
    filters = filters or Filters(as_of, window)
    person, scope = entity(store, ref, "person"), store.scope(filters)
    facts = store.read_models.facts_mentioning(person.id, "person", filters.as_of)
    held = [t for t in tenures(attestations(facts, filters.as_of)) if t.person == person.id]
    chosen = select(facts, lambda fact: any(p.person == person.id for p in fact.people) and scope.admits(fact), filters)
    return PersonView(
        person, filters.as_of, held, chosen.entries, names(store, facts, person.id), chosen.hidden_retracted
    )


def stats(
    store: Store,
    as_of: date | None = None,
    project: str | None = None,
    partner: str | None = None,
    after: str | None = None,
    limit: int | None = None,
) -> StatsView:
    """Facts per year by kind and per partner, and each target's values, as the record stood on `as_of`;
    only facts naming the project and the partner when given (as stated then); retracted facts excluded.
    With `limit`, the counts of a page: the next `limit` such facts in occurred order after the fact `after`."""
    scope = with_partner = None
    facts: list[Fact] | None = None
    if project:
        scope, facts = one_entity(store, project, "project", "project", as_of)
    if partner:
        with_partner, partner_facts = one_entity(store, partner, "organisation", "partner", as_of)
        facts = facts if project else partner_facts
    merges = merge_map(store.read_models.merged_records(), as_of) if facts is None else {}
    project_id, partner_id = (scope.id if scope else None), (with_partner.id if with_partner else None)

    def admits(fact: Fact, seen: FactView) -> bool:
        return (project_id is None or project_id in seen.fact.projects) and (
            partner_id is None or partner_id in seen.fact.partners
        )

    paged = InOrder(store.read_models, as_of).page(facts, after, limit, admits)
    chosen = [follow_merges(fact, merges) if merges else fact for fact in paged]
    stats = fact_stats(chosen, as_of, project_id, partner_id)
    return StatsView(as_of, scope, with_partner, stats, names(store, chosen), after, cursor_text(paged.next))

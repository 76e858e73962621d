"""Queries about entities: a project's or a partner's timeline, targets, who held an office, a person, statistics.

Each function takes an open `Store` (it is bound to it as a method) and plain values, and returns a view.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING, Literal

from events.records import EntityRecord, Fact
from events.text import match_key
from projections.chronology import Window, mentions
from projections.entities import MENTION_ROLE, follow_merges, merge_map, one_with
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


def merges(store: Store, as_of: date | None) -> dict[str, str]:
    """Each merged id → the id of the surviving entity, as the record stood on the knowledge date (and as the store
    held it, with --recorded-before): the one resolution of merges every query follows."""
    return merge_map(store.merged_records(), as_of)


def surviving(store: Store, ref: str, kind: str, merged: Mapping[str, str]) -> EntityRecord:
    """The entity `ref` names, or the one it was merged into."""
    record = entity(store, ref, kind)
    return entity(store, merged[record.id], kind) if record.id in merged else record


def facts_naming(store: Store, root: str, role: str, as_of: date | None, merged: Mapping[str, str]) -> list[Fact]:
    """The facts naming `root` or a record merged into it in that role (as stored: ids not followed), by id."""
    found: dict[str, Fact] = {}
    for entity_id in sorted(one_with(root, merged)):
        for fact in store.read_models.facts_mentioning(entity_id, role, as_of):
            found.setdefault(fact.id, fact)
    return [found[i] for i in sorted(found)]


def facts_in(store: Store, scope: Scope, as_of: date | None) -> list[Fact] | None:
    """The facts naming the scope's project (else its partner), merged records included, as stored; None when
    the scope names neither (every fact may be in it)."""
    if scope.project or scope.partner:
        role = "project" if scope.project else "partner"
        return facts_naming(store, scope.project or scope.partner, role, as_of, scope.merges)  # type: ignore[arg-type]
    return None


def one_entity(store: Store, ref: str, kind: str, as_of: date | None) -> tuple[EntityRecord, list[Fact]]:
    """The entity `ref` names, or the one it was merged into (by `as_of`), and the facts naming any record
    of it (in the role of its kind), with merged ids replaced by the surviving ones."""
    merged = merges(store, as_of)
    record = surviving(store, ref, kind, merged)
    facts = facts_naming(store, record.id, MENTION_ROLE[kind], as_of, merged)
    return record, [follow_merges(fact, merged) for fact in facts]


def scope(store: Store, filters: Filters) -> Scope:
    """The filters' project and partner references resolved to the surviving ids (NotFound with suggestions)."""
    if not (filters.project or filters.partner):
        return Scope(kinds=filters.kinds)
    merged = merges(store, filters.as_of)
    project = surviving(store, filters.project, "project", merged) if filters.project else None
    partner = surviving(store, filters.partner, "organisation", merged) if filters.partner else None
    named = tuple(entity for entity in (project, partner) if entity)
    return Scope(project.id if project else None, partner.id if partner else None, filters.kinds, named, merged)


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
        stored = facts_naming(store, office.id, "office", as_of, merged)
    facts = [follow_merges(fact, merged) for fact in stored]
    found = [a for a in attestations(facts, as_of) if a.office == office.id]
    if on:
        return OfficeView(office, as_of, who(found, office.id, on), [], names(store, facts, office.id))
    found = [a for a in found if a.occurred.overlaps(window.since, window.until)]
    return OfficeView(office, as_of, None, tenures(found), names(store, facts, office.id), window)


def person(
    store: Store, ref: str, as_of: date | None = None, window: Window = Window(), filters: Filters | None = None
) -> PersonView:
    """The offices a person (with the records merged into them) held, and the facts the filters admit."""
    filters = filters or Filters(as_of, window)
    person, facts = one_entity(store, ref, "person", filters.as_of)
    scope = store.scope(filters)
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

    paged = InOrder(store.read_models, as_of).page(store.facts_in(scope, as_of), after, limit, admits)
    chosen = [follow_merges(fact, merged) for fact in paged]
    stats = fact_stats(chosen, as_of, scope.project, scope.partner)
    named = {entity.id: entity for entity in scope.entities}
    heading = (named.get(scope.project or ""), named.get(scope.partner or ""))
    paging = (after, cursor_text(paged.next))
    return StatsView(as_of, *heading, stats, names(store, chosen), *paging, window, scope.kinds)

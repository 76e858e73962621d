"""The daily loop: one fact whole (`show`), what is stored (`list`), what an ingest changed (`changes`).

Each function takes an open `Store` (it is bound to it as a method) and plain values and returns a view; they read
the read models (and, for a fact's history or recent changes, only the events they need from the log), never a
full replay.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING

from events.records import EntityRecord, Fact
from events.text import fold, quoted
from events.vocabulary import ENTITY_SECTIONS, ORGANISATION_KINDS
from projections.chronology import mentions
from projections.entities import MENTION_ROLE, one_with
from projections.selection import Filters, Scope, Selected, select, shown_view
from timeline import paging
from timeline.errors import InvalidOption, NotFound
from timeline.paging import Paged, at_most_a_page
from timeline.present.browse_views import ChangesView, EntityList, EntityRow, EntitySection, FactDetail, FactList
from timeline.storage.readmodels.search import TOP
from timeline.storage.recorded import ingest_start, recorded_before_only, recorded_key, recorded_start

if TYPE_CHECKING:
    from projections.knowledge import FactView
    from timeline.service.store import Store


def find_fact(store: Store, ref: str) -> Fact:
    """The fact an id or some words of its title name; NotFound with the closest ids or the candidates."""
    states = store.read_models.fact_states([ref])
    if ref in states:
        return states[ref].fact
    terms = fold(ref).split()
    candidates: list[Fact] = []
    if terms:
        newest, _ = store.read_models.text_matches(terms, TOP, 200)
        for _, fact in newest:
            words = fold(fact.title).split() + fold(fact.id).split()
            if all(term in words for term in terms[:-1]) and any(w.startswith(terms[-1]) for w in words):
                candidates.append(fact)
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        shown = "; ".join(f"{f.id} ({f.title})" for f in sorted(candidates, key=lambda f: f.id)[:5])
        more = f" and {len(candidates) - 5} more" if len(candidates) > 5 else ""
        raise NotFound(f"{quoted(ref)} matches {len(candidates)} facts: {shown}{more}; give the id")
    close = difflib.get_close_matches(ref, sorted(store.read_models.fact_ids()), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
    raise NotFound(f"no fact {quoted(ref)} in {store.location}{hint} (list them: timeline list facts)")


def show(store: Store, ref: str, as_of: date | None = None) -> FactDetail:
    fact = find_fact(store, ref)
    seen, retracted = shown_view(fact, as_of)
    if seen is None:
        first = min(source.reported for source in fact.sources)
        raise NotFound(f"fact '{fact.id}' had not been reported by {as_of} (first source: {first})")
    history = list(recorded_before_only(store.log_reader.stream(fact.id), store.recorded_before))
    return FactDetail(as_of, fact, seen, retracted, history, store.names([fact]))


def list_entities(
    store: Store,
    what: EntitySection,
    kinds: tuple[str, ...],
    filters: Filters,
    after: str | None = None,
    limit: int | None = None,
) -> EntityList:
    """The entities of one kind (organisations of the given kinds) in id order, with how many facts name each; with
    --project/--partner only those named by the facts of that project or partner (as stated on --as-of). With
    `limit`, a page of them after the id `after`: read from the index of entities by kind when no project or
    partner narrows them, else as `_named_in_scope` tells."""
    entity = ENTITY_SECTIONS[what]
    for kind in kinds:
        if entity != "organisation":
            raise InvalidOption(f"--kind: only organisations have kinds ({', '.join(ORGANISATION_KINDS)})")
        if kind not in ORGANISATION_KINDS:
            close = difflib.get_close_matches(kind, ORGANISATION_KINDS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise InvalidOption(f"--kind: {kind!r} is not a kind of organisation; {hint}kinds: "
                                f"{', '.join(ORGANISATION_KINDS)}")  # fmt: skip
    scope = store.scope(Filters(filters.as_of, project=filters.project, partner=filters.partner))
    paged = limit is not None or after is not None
    if after is not None and entity not in (s.record.entity for s in store.read_models.entity_states([after]).values()):
        raise InvalidOption(f"--after: no {entity} {quoted(after)}; give the id a page ended with")
    if scope.narrows:
        records: Iterable[EntityRecord] = _named_in_scope(store, entity, scope, filters, after, limit)
    elif paged:
        records = _entities_after(store, entity, after)
    else:
        held = store.read_models.entity_count(entity)
        at_most_a_page(f"{held} {what}", held)
        records = store.read_models.entities()
    page = Paged((r for r in records if r.entity == entity and (not kinds or r.kind in kinds)), limit, lambda r: r.id)
    chosen_records = list(page)
    if not paged:
        named_by = f" named by facts {scope.describe().removeprefix(', ')}" if scope.narrows else ""
        at_most_a_page(f"{len(chosen_records)} {what}{named_by}", len(chosen_records))
    counts = store.read_models.mention_counts_of(r.id for r in chosen_records)
    rows = [EntityRow(r, counts.get(r.id, 0)) for r in chosen_records]
    names = store.read_models.names({r.organisation for r in chosen_records if r.organisation})
    cursor = page.next if isinstance(page.next, str) else None
    return EntityList(what, kinds, scope, rows, names, paged, after, cursor)


ENTITY_BATCH = 500  # entities read at a time for a page
# The facts of a scope read whole for a page of the entities they name (more: entity by entity): about where both
# cost the same for a page of 50 at a million facts (a fact decoded ~64 µs, an index probe ~1.6; 16,666 people).
SCOPE_READ_WHOLE = 1000
FACTS_CHECKED = 64  # at most, facts naming an entity and a scope read at a time until one admitted names it


def _named_in_scope(
    store: Store, entity: str, scope: Scope, filters: Filters, after: str | None, limit: int | None
) -> Iterable[EntityRecord]:
    """The entities of a kind that the facts of the scope name (as stated on the knowledge date, admitted by the
    filters), in id order after the id `after`. The facts of a scope naming few (for a page, SCOPE_READ_WHOLE; for
    the whole list, LISTED_AT_ONCE) are read whole; a larger scope is asked of the index of entities by kind, a batch
    at a time as iterated: an entity that a fact of the scope names (in any statement: looked up in rm_mentions by
    key) is kept when one of those facts, read and filtered, names it. So a page costs about the entities it reaches,
    not the scope's every fact."""
    named_by = (("project", scope.project), ("partner", scope.partner))
    ranges = [(one_with(root, scope.merges), role) for role, root in named_by if root]
    held = min(store.read_models.named_count(ids, role) for ids, role in ranges)
    if held <= (SCOPE_READ_WHOLE if limit is not None or after is not None else paging.LISTED_AT_ONCE):
        named: set[str] = set()
        chosen, _ = _scoped_facts(store, scope, filters)
        for e in chosen.entries:
            named.update(*mentions(e.view.fact).values())
        states = store.read_models.entity_states([i for i in named if after is None or i > after])
        return [states[i].record for i in sorted(states)]
    return _co_named(store, entity, ranges, scope, filters, after, (limit or ENTITY_BATCH) + 1)


def _co_named(
    store: Store,
    entity: str,
    ranges: list[tuple[set[str], str]],
    scope: Scope,
    filters: Filters,
    after: str | None,
    first: int,
) -> Iterator[EntityRecord]:
    """The entities of a kind named by the facts of the scope after the id `after`, read from the index of entities
    by kind `first` at a time (a page and one), then twice as many each time up to ENTITY_BATCH."""
    role, size = MENTION_ROLE[entity], min(first, ENTITY_BATCH)
    while True:
        ids = store.read_models.co_named_after(entity, role, ranges, after, size)
        kept = [i for i in ids if _named_by_the_scope(store, i, role, ranges, scope, filters)]
        states = store.read_models.entity_states(kept)
        yield from (states[i].record for i in kept if i in states)
        if len(ids) < size:
            return
        after, size = ids[-1], min(size * 2, ENTITY_BATCH)


def _named_by_the_scope(
    store: Store, entity_id: str, role: str, ranges: list[tuple[set[str], str]], scope: Scope, filters: Filters
) -> bool:
    """Whether a fact of the scope that the filters admit names the entity as stated on the knowledge date: the
    facts naming it and the scope in any statement are read two at a time, then twice as many each time up to
    FACTS_CHECKED, until one does."""
    facts, start, size = store.read_models.co_naming_facts(entity_id, role, ranges), 0, 2
    while start < len(facts):
        states = store.read_models.fact_states(facts[start : start + size])
        chosen = select([state.fact for state in states.values()], scope.admits, filters)
        if any(entity_id in ids for e in chosen.entries for ids in mentions(e.view.fact).values()):
            return True
        start, size = start + size, min(size * 2, FACTS_CHECKED)
    return False


def _entities_after(store: Store, entity: str, after: str | None) -> Iterator[EntityRecord]:
    """The entities of a kind in id order after the id `after`, read a batch at a time as iterated."""
    while True:
        ids = store.read_models.entity_ids_after(entity, after, ENTITY_BATCH)
        states = store.read_models.entity_states(ids)
        yield from (states[i].record for i in ids if i in states)
        if len(ids) < ENTITY_BATCH:
            return
        after = ids[-1]


def _scoped_facts(
    store: Store, scope: Scope, filters: Filters, facts: list[Fact] | None = None
) -> tuple[Selected, list[Fact]]:
    facts = facts if facts is not None else store.facts_in(scope, filters.as_of)
    if facts is None:
        facts = [s.fact for s in store.read_models.fact_states(sorted(store.read_models.fact_ids())).values()]
    return select(facts, scope.admits, filters), facts


def list_facts(store: Store, filters: Filters, after: str | None = None, limit: int | None = None) -> FactList:
    """The facts the filters admit, in occurred order: all of them (at most LISTED_AT_ONCE facts to look at), or
    `limit` of them after the fact `after`, read a page at a time (from the occurred index without a scope), so
    that a page costs what it lists, not the store."""
    scope = store.scope(filters)
    if limit is None and after is None:
        facts = store.facts_in(scope, filters.as_of)
        held = store.read_models.fact_count() if facts is None else len(facts)
        export = ", or write them all with `timeline export --format jsonl`"
        at_most_a_page(f"{held} facts{scope.describe()}", held, export)
        chosen, facts = _scoped_facts(store, scope, filters, facts)
        return FactList(filters, scope, chosen.entries, chosen.hidden_retracted, store.names(facts))
    from timeline.occurred import InOrder, cursor_text
    from timeline.service.queries import scope_rows

    def admits(fact: Fact, seen: FactView) -> bool:  # (retracted ones too: select counts those it hides)
        return seen.occurred.overlaps(filters.window.since, filters.window.until) and scope.admits(seen.fact)

    rows = scope_rows(store, scope, filters.window, filters.as_of)
    paged = InOrder(store.read_models, filters.as_of, rows).page(None, after, limit, admits)
    facts = list(paged)
    chosen, cursor = select(facts, scope.admits, filters), cursor_text(paged.next)
    return FactList(filters, scope, chosen.entries, chosen.hidden_retracted, store.names(facts), True, after, cursor)


def changes(store: Store, since: datetime | None = None, after: int = 0, limit: int | None = None) -> ChangesView:
    """The events of the last ingest (one append shares one recorded time), or every event recorded at or
    after `since`, oldest first; with `limit`, a page of them after the position `after`. Where they start is
    asked of the read models' recorded spans; only the events shown are read from the log."""
    from timeline.present.changes import event_changes

    start, last = _first_change(store, since)
    count = last - start + 1  # (positions are consecutive: one per event)
    if limit is None and after == 0:
        what = f"recorded since {since.isoformat()}" if since else "of the last ingest"
        at_most_a_page(f"{count} events {what}", count)
    batch = min(limit + 1, 1000) if limit else 1000
    page = Paged(store.log_reader.read(max(start - 1, after), batch), limit, lambda logged: logged.position)
    found = list(page)
    told = [event_changes(e.event, {}) for e in found]
    facts = store.read_models.fact_states({change.subject for change in told if change.stream == "fact"})
    ids = {change.subject for change in told if change.stream == "entity"}
    names = store.names([s.fact for s in facts.values()], *ids)
    paged = limit is not None or after > 0
    return ChangesView(since, found, names, paged, after, page.next if isinstance(page.next, int) else None)


def _first_change(store: Store, since: datetime | None) -> tuple[int, int]:
    """The positions of the first event `changes` tells and of the log's last: the first is that of the run of
    events at the end of the log recorded at the newest event's time (or at or after `since`). When the read models'
    spans are behind the log, the log is read backwards from its end instead, only as far as needed."""
    reader = store.log_reader
    newest = next(reader.read_back(1), None)
    if newest is None:
        return 1, 0
    last = newest.position
    key = recorded_key(since or newest.recorded)
    start = recorded_start(reader.db, key, last) if since else ingest_start(reader.db, key, last)
    if start is not None:
        return start, last
    start = last + 1
    for logged in reader.read_back():
        if (since is None and logged.recorded != newest.recorded) or (since is not None and logged.recorded < since):
            break
        start = logged.position
    return start, last

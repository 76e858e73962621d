"""System time: the read models as this store held them before a recorded time T (`--recorded-before T`).

The read models keep, per fact and per entity, the recorded time of its first and latest event. Before T:
- a stream whose first event was recorded at or after T did not exist yet: it is hidden;
- a stream whose latest event was recorded before T is as the read model holds it;
- a stream with events on both sides is folded again from its own events recorded before T (only those
  streams: no full replay). Such a fact may have named other entities then, so each query also considers
  the refolded facts that answer it.
Queries call the same methods as on `ReadModels`; everything else (writing, position) is refused.

Nothing is read until a query asks (`log --recorded-before` asks the view nothing). The streams are read from
the events table without eventsourcing (timeline.storage.log_reader), as records, and folded again into the
records every query reads (projections.stored.fold: the write side's steps, without pydantic).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from events.records import EntityRecord, Fact
from events.text import match_key
from projections import stored
from projections.chronology import mentions
from projections.entities import Names
from projections.search import fact_texts, matches
from timeline.storage.readmodels import ReadModels
from timeline.storage.readmodels.pages import Range, Row, Sieve
from timeline.storage.readmodels.queries import Among
from timeline.storage.readmodels.rows import occurred_keys
from timeline.storage.recorded import recorded_key

if TYPE_CHECKING:
    from projections.facts import EntityState, FactState
    from timeline.storage.log_reader import LogReader


class RecordedBefore:
    """A read-only view of the read models as of a recorded (system) time."""

    def __init__(self, models: ReadModels, log: LogReader, before: datetime):
        self.models = models
        self.before = before
        self._log = log
        self._key = recorded_key(before)
        self._folded: dict[tuple[str, str], Any] = {}  # by stream and id: see `_state_then`
        self._rowids: dict[str, int] | None = None  # of the refolded facts, read when a search needs them

    @cached_property
    def _late_facts(self) -> tuple[set[str], set[str]]:
        """The facts first recorded at or after T, and those with events on both sides of T."""
        return self.models.recorded_late("rm_facts", self._key)

    @cached_property
    def _late_entities(self) -> tuple[set[str], set[str]]:
        return self.models.recorded_late("rm_entities", self._key)

    @property
    def hidden_facts(self) -> set[str]:
        return self._late_facts[0]

    @property
    def hidden_entities(self) -> set[str]:
        return self._late_entities[0]

    @cached_property
    def facts(self) -> dict[str, FactState]:
        """The facts changed since T, folded again from their events recorded before T."""
        return {i: self._state_then("fact", i) for i in sorted(self._late_facts[1])}

    @cached_property
    def entity_states_then(self) -> dict[str, EntityState]:
        return {i: self._state_then("entity", i) for i in sorted(self._late_entities[1])}

    def _state_then(self, stream: str, stream_id: str) -> Any:
        """A stream's state folded again from its own events recorded before T (once), as records: a query asking
        for a few ids folds only those."""
        if (stream, stream_id) not in self._folded:
            events = self._log.history(stream, stream_id)
            self._folded[stream, stream_id] = stored.fold(
                logged.event for logged in events if recorded_key(logged.recorded) < self._key
            )
        return self._folded[stream, stream_id]

    # Facts ------------------------------------------------------------------------------------------------------

    def _then(self, facts: Iterable[Fact], belongs: Callable[[Fact], bool]) -> list[Fact]:
        """The facts as they stood before T (hidden ones dropped), plus the refolded facts that `belong`."""
        found: dict[str, Fact] = {}
        for fact in facts:
            if fact.id in self.facts:
                found[fact.id] = self.facts[fact.id].fact
            elif fact.id not in self.hidden_facts:
                found[fact.id] = fact
        for fact_id, state in self.facts.items():
            if fact_id not in found and belongs(state.fact):
                found[fact_id] = state.fact
        return [found[fact_id] for fact_id in sorted(found)]

    def fact_states(self, ids: Iterable[str]) -> dict[str, FactState]:
        wanted = set(ids) - self.hidden_facts
        changed = wanted & self._late_facts[1]
        states = self.models.fact_states(sorted(wanted - changed))
        states.update({i: self._state_then("fact", i) for i in changed})
        return {i: states[i] for i in sorted(states)}

    def fact_ids(self) -> frozenset[str]:
        return self.models.fact_ids() - self.hidden_facts

    def facts_mentioning(self, entity_id: str, role: str, as_of: date | None = None) -> list[Fact]:
        facts = self.models.facts_mentioning(entity_id, role, as_of)
        return self._then(facts, lambda fact: entity_id in mentions(fact)[role])

    def facts_attesting(self, office: str, on: date, nearest: int = 50) -> list[Fact]:
        facts = self.models.facts_attesting(office, on, nearest)
        return self._then(facts, lambda fact: office in mentions(fact)["office"])

    def facts_with_target(self, keys: set[str]) -> list[Fact]:
        return self._then(self.models.facts_with_target(keys), lambda fact: bool(_keys(fact, "target") & keys))

    def facts_fulfilling(self, keys: set[str]) -> list[Fact]:
        return self._then(self.models.facts_fulfilling(keys), lambda fact: bool(_keys(fact, "fulfils") & keys))

    def occurred_after(
        self, start: Row | None, limit: int, window: tuple[int, int] | None = None, sieve: Sieve = Sieve()
    ) -> list[Row]:
        """The index rows then: the stored rows of the facts unchanged since, merged with the rows of the facts
        folded again (hidden facts have none; whatever the sieve: the query filters what they show)."""
        own = [
            (*key, i) for i, state in self.facts.items() for key in occurred_keys(state.fact) if _inside(key, window)
        ]
        return self._rows_then(
            lambda cursor: self.models.occurred_after(cursor, limit, window, sieve), start, limit, own
        )

    def named_occurred_after(
        self,
        ids: Collection[str],
        role: str,
        start: Row | None,
        limit: int,
        window: tuple[int, int] | None = None,
        sieve: Sieve = Sieve(),
    ) -> list[Row]:
        """The rows of the facts naming these entities then, as `occurred_after` (the refolded facts' own rows
        where they then name one of them, whatever the sieve: the query filters what they show)."""
        own = [
            (*key, i)
            for i, state in self.facts.items()
            if mentions(state.fact)[role] & set(ids)
            for key in occurred_keys(state.fact)
            if _inside(key, window)
        ]
        return self._rows_then(
            lambda cursor: self.models.named_occurred_after(ids, role, cursor, limit, window, sieve), start, limit, own
        )

    def co_named_after(
        self, entity: str, role: str, scope: Sequence[Range], after: str | None, limit: int
    ) -> list[str]:
        """The entities of a kind named with the scope then, as the stored ones: those the stored facts name (one
        named only by a fact hidden or changed since is dropped when its facts are read then) and those a refolded
        fact then names."""
        own = {i for state in self._naming_then(scope) for i in mentions(state.fact)[role] if i > (after or "")}
        return sorted({*self.models.co_named_after(entity, role, scope, after, limit), *own})[:limit]

    def co_naming_facts(self, entity_id: str, role: str, scope: Sequence[Range]) -> list[str]:
        """The facts naming the entity and the scope then: the stored ones unchanged since, and the refolded ones."""
        changed = self.hidden_facts | set(self.facts)
        stored = [i for i in self.models.co_naming_facts(entity_id, role, scope) if i not in changed]
        own = [state.fact.id for state in self._naming_then(scope) if entity_id in mentions(state.fact)[role]]
        return sorted([*stored, *own])

    def _naming_then(self, scope: Sequence[Range]) -> list[FactState]:
        """The refolded facts that then name one entity of each range of the scope."""
        return [s for s in self.facts.values() if all(mentions(s.fact)[role] & set(ids) for ids, role in scope)]

    def _rows_then(
        self, read: Callable[[Row | None], list[Row]], start: Row | None, limit: int, own: list[Row]
    ) -> list[Row]:
        """The first `limit` rows after `start`: those `read` gives (a page after a cursor) of the facts unchanged
        since T, and the refolded facts' `own`."""
        changed = self.hidden_facts | set(self.facts)
        rows: list[Row] = []
        cursor = start
        while len(rows) < limit:
            stored = read(cursor)
            rows += [row for row in stored if row[2] not in changed]
            if len(stored) < limit:
                break
            cursor = stored[-1]
        return sorted(rows + [row for row in own if start is None or row > start])[:limit]

    def target_keys(self) -> set[str]:
        keys = {key for key, fact_id in self.models.target_rows() if fact_id not in self.hidden_facts | set(self.facts)}
        return keys.union(*(_keys(state.fact, "target") for state in self.facts.values()))

    def target_count(self) -> int:
        return len(self.target_keys())

    def target_keys_after(self, after: str | None) -> list[str]:
        return sorted(key for key in self.target_keys() if after is None or key > after)

    def text_matches(
        self, terms: list[str], below: int, limit: int, among: Among | None = None
    ) -> tuple[list[tuple[int, Fact]], int | None]:
        """The `limit` newest matches then, below `below`: the stored ones neither hidden nor refolded, and the
        refolded facts whose text then matches (every term a word, the last a prefix, as FTS5 matches), each at
        its own rowid; as a store holding only what was recorded then would find them (refolded facts whether
        `among` or not: the caller filters)."""
        rowids = self._refolded_rowids()
        refolded = [
            (rowids[i], s.fact) for i, s in self.facts.items() if rowids.get(i, below) < below and _says(s, terms)
        ]
        found: list[tuple[int, Fact]] = []
        cursor: int | None = below
        while cursor is not None and len(found) < limit:
            stored, cursor = self.models.text_matches(terms, cursor, limit, among)
            found += [(rowid, fact) for rowid, fact in stored if self._as_stored(fact)]
        found = sorted(found + refolded, key=lambda pair: -pair[0])
        return found[:limit], found[limit - 1][0] if len(found) > limit or (found and cursor is not None) else None

    def facts_naming_after(
        self, named: Mapping[str, Collection[str]], after: str, limit: int, among: Among | None = None
    ) -> tuple[list[Fact], str | None]:
        """The first `limit` facts naming these entities then, after `after`: the stored ones neither hidden nor
        refolded, and the refolded ones that then name one of them in that role."""
        refolded = [
            s.fact
            for i, s in self.facts.items()
            if i > after and any(set(ids) & mentions(s.fact)[role] for role, ids in named.items())
        ]
        found: list[Fact] = []
        cursor: str | None = after
        while cursor is not None and len(found) < limit:
            stored, cursor = self.models.facts_naming_after(named, cursor, limit, among)
            found += [fact for fact in stored if self._as_stored(fact)]
        found = sorted(found + refolded, key=lambda fact: fact.id)
        return found[:limit], found[limit - 1].id if len(found) > limit or (found and cursor is not None) else None

    def facts_naming_few(self, role: str, ids: Collection[str], most: int) -> Among | None:
        """The stored facts naming them then (hidden ones dropped) and every refolded fact (the caller filters)."""
        among = self.models.facts_naming_few(role, ids, most)
        if among is None:
            return None
        rows = {i: rowid for i, rowid in among.ids.items() if i not in self.hidden_facts} | self._refolded_rowids()
        return Among(rows, frozenset(rows.values()))

    def _as_stored(self, fact: Fact) -> bool:
        """Whether the stored state of a fact is the one then (neither recorded later nor refolded)."""
        return fact.id not in self.hidden_facts and fact.id not in self.facts

    def _refolded_rowids(self) -> dict[str, int]:
        if self._rowids is None:
            self._rowids = self.models.fact_rowids(self.facts)
        return self._rowids

    def entities_matching(self, terms: list[str], limit: int) -> dict[str, str]:
        """The entities matching then: the stored ones not hidden nor refolded, and the refolded ones whose names
        then match."""
        found = {
            i: kind
            for i, kind in self.models.entities_matching(terms, limit).items()
            if i not in self.hidden_entities and i not in self.entity_states_then
        }
        then = {i: s.record.entity for i, s in self.entity_states_then.items() if _names_match(s.record, terms)}
        return found | then

    # Entities ---------------------------------------------------------------------------------------------------

    def entity_states(self, ids: Iterable[str] | None = None) -> dict[str, EntityState]:
        changed = self._late_entities[1]
        states = {
            i: self._state_then("entity", i) if i in changed else state
            for i, state in self.models.entity_states(ids).items()
            if i not in self.hidden_entities
        }
        return {i: states[i] for i in sorted(states)}

    def entity_ids_after(self, entity: str, after: str | None, limit: int) -> list[str]:
        """The next `limit` ids of a kind then (entities first recorded at or after T left out)."""
        found: list[str] = []
        cursor = after
        while len(found) < limit:
            ids = self.models.entity_ids_after(entity, cursor, limit)
            found += [i for i in ids if i not in self.hidden_entities]
            if len(ids) < limit:
                break
            cursor = ids[-1]
        return found[:limit]

    def record(self, entity_id: str) -> EntityRecord | None:
        state = self.entity_states([entity_id]).get(entity_id)
        return state.record if state else None

    def ids_named(self, key: str) -> set[str]:
        found = {i for i in self.models.ids_named(key) if i not in self.hidden_entities | set(self.entity_states_then)}
        return found | {i for i, state in self.entity_states_then.items() if key in _keys_of(state.record)}

    def entities(self) -> list[EntityRecord]:
        return [state.record for state in self.entity_states().values()]

    def entities_named(self, key: str, kind: str) -> list[EntityRecord]:
        found = {
            r.id: r
            for r in self.models.entities_named(key, kind)
            if r.id not in self.hidden_entities and r.id not in self.entity_states_then
        }
        for entity_id, state in self.entity_states_then.items():
            if state.record.entity == kind and key in _keys_of(state.record):
                found[entity_id] = state.record
        return [found[i] for i in sorted(found)]

    def names(self, ids: Iterable[str]) -> Names:
        wanted = set(ids) - self.hidden_entities
        then = {i: self._state_then("entity", i).record for i in wanted & self._late_entities[1]}
        found = self.models.names(wanted - set(then))
        return found.merged(Names({i: r.name for i, r in then.items()}, {i: r.names for i, r in then.items()}))

    def merged_records(self) -> list[EntityRecord]:
        return [state.record for state in self.entity_states().values() if state.record.merged is not None]

    def __getattr__(self, name: str) -> object:
        """Anything but a query (catching up, writing, rebuilding) is the current read models' business."""
        return getattr(self.models, name)


def _inside(key: tuple[int, int], window: tuple[int, int] | None) -> bool:
    """Whether an occurred date's sort key is one an index read bounded by `window` keeps (see `index_window`)."""
    return window is None or (key[0] <= window[0] and key[1] <= window[1])


def _keys_of(record: EntityRecord) -> set[str]:
    """The match keys of every name of the entity."""
    return {match_key(n) for n in (record.id, record.name, *record.aliases, *(d.name for d in record.names))}


def _keys(fact: Fact, field: str) -> set[str]:
    return {getattr(fact, field), *(s.differs.get(field) for s in fact.sources)} - {None}


def _says(state: FactState, terms: list[str]) -> bool:
    """Whether a fact's text (any source's) has every term as a word, the last as a prefix."""
    from events.text import fold as fold_text

    return matches(fold_text(" ".join(fact_texts(state.fact))), terms) > 0


def _names_match(record: EntityRecord, terms: list[str]) -> bool:
    from events.text import fold as fold_text

    names = (record.id.replace("-", " "), record.name, *record.aliases, *(n.name for n in record.names))
    text = fold_text(" ".join(names))
    words = text.split()
    return all(term in words for term in terms[:-1]) and any(word.startswith(terms[-1]) for word in words)

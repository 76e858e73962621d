"""The questions queries ask of the read models (every method reads, none writes)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from events.records import EntityRecord, Fact
from projections.entities import Names
from timeline.errors import StoreError
from timeline.storage import decode
from timeline.storage.database import Database, Location
from timeline.storage.readmodels.pages import Sieve
from timeline.storage.readmodels.search import ENTITIES_MATCHING, TEXT_MATCHES, match_query, prefix_words
from timeline.storage.readmodels.writes import chunks

if TYPE_CHECKING:  # queries read states as records (events.records); the models only for the write side
    from projections.facts import EntityState, FactState

T = TypeVar("T")
K = TypeVar("K", int, str)


class Queries:
    """Reading the read models of one store, on an open connection. Stored rows are hostile: a state that does
    not decode is one StoreError saying so and how to repair it."""

    location: Location
    connection: Database
    models: bool  # states read as the models (the write side compares them with input), else as records

    def _fact_state(self, text: str | bytes, models: bool = False) -> FactState:
        try:
            return decode.fact_model(text) if models or self.models else decode.fact_state(text)
        except decode.DamagedRow as error:
            raise self._damaged(error) from None

    def _entity_state(self, text: str | bytes, models: bool = False) -> EntityState:
        try:
            return decode.entity_model(text) if models or self.models else decode.entity_state(text)
        except decode.DamagedRow as error:
            raise self._damaged(error) from None

    def _damaged(self, error: decode.DamagedRow) -> StoreError:
        return StoreError(
            f"{self.location}: the read models hold a damaged row ({error}); "
            "`timeline rebuild` recreates them from the log"
        )

    def position(self) -> int:
        row = self.connection.execute("SELECT position FROM rm_position WHERE name='log'").fetchone()
        return row[0] if row else 0

    def fact_states(self, ids: Iterable[str], models: bool = False) -> dict[str, FactState]:
        states = self._states("rm_facts", ids, lambda text: self._fact_state(text, models))
        return {state.fact.id: state for state in states}

    def _entity_states(self, ids: Iterable[str], models: bool = False) -> dict[str, EntityState]:
        states = self._states("rm_entities", ids, lambda text: self._entity_state(text, models))
        return {state.record.id: state for state in states}

    def _states(self, table: str, ids: Iterable[str], decode: Callable[[str], T]) -> Iterator[T]:
        """The decoded states of these ids (those stored), a query per 500 ids."""
        for batch in chunks(ids, 500):
            marks = ",".join("?" * len(batch))
            for (state,) in self.connection.execute(f"SELECT state FROM {table} WHERE id IN ({marks})", batch):
                yield decode(state)

    def facts_mentioning(self, entity_id: str, role: str, as_of: date | None = None) -> list[Fact]:
        """Facts naming the entity in that role; with `as_of`, only those with a source reported by then."""
        query = "SELECT f.state FROM rm_mentions m JOIN rm_facts f ON f.id = m.fact_id WHERE m.entity_id=? AND m.role=?"
        params: list[object] = [entity_id, role]
        if as_of is not None:
            query += (
                " AND EXISTS (SELECT 1 FROM rm_knowledge k WHERE k.fact_id = m.fact_id AND k.what='source' "
                "AND k.day <= ?)"
            )
            params.append(as_of.isoformat())
        rows = self.connection.execute(query + " ORDER BY f.id", params)
        return [self._fact_state(state).fact for (state,) in rows]

    def facts_attesting(self, office: str, on: date, nearest: int = 50) -> list[Fact]:
        """Facts that can attest the office on a day, and the `nearest` before and after it (indexed)."""
        day = on.isoformat()
        rows = self.connection.execute(
            "SELECT fact_id FROM rm_office_days WHERE office=? AND first<=? AND last>=? "
            "UNION SELECT fact_id FROM (SELECT fact_id FROM rm_office_days WHERE office=? AND last<? "
            "ORDER BY last DESC LIMIT ?) AS before "
            "UNION SELECT fact_id FROM (SELECT fact_id FROM rm_office_days WHERE office=? AND first>? "
            "ORDER BY first LIMIT ?) AS after",
            (office, day, day, office, day, nearest, office, day, nearest),
        )
        return [state.fact for state in self.fact_states(sorted(row[0] for row in rows)).values()]

    def ids_changing_between(
        self, since: date, until: date, after: str | None = None, limit: int | None = None, upto: str | None = None
    ) -> list[str]:
        """The ids of the facts changing in the window, in order: after `after`, up to `upto`, at most `limit`."""
        query = "SELECT DISTINCT fact_id FROM rm_knowledge WHERE day > ? AND day <= ?"
        params: list[object] = [since.isoformat(), until.isoformat()]
        for bound, operator in ((after, ">"), (upto, "<=")):
            if bound is not None:
                query += f" AND fact_id {operator} ?"
                params.append(bound)
        query += " ORDER BY fact_id"
        if limit is not None:
            query += " LIMIT ?"
            params.append(limit)
        return [row[0] for row in self.connection.execute(query, params)]

    def occurred_after(
        self,
        start: tuple[int, int, str] | None,
        limit: int,
        window: tuple[int, int] | None = None,
        sieve: Sieve = Sieve(),
    ) -> list[tuple[int, int, str]]:
        """The next `limit` rows of the index by occurred date after `start` (a row), in (start, stop, fact) order;
        `window` (the highest start and stop of a date overlapping an occurred window) leaves the others out, and
        `sieve` the rows of facts that cannot be shown (before a state is decoded)."""
        clauses, params = ["(start, stop, fact_id) > (?, ?, ?)"] if start else [], [*start] if start else []
        if window is not None:
            clauses.append("start <= ? AND stop <= ?")
            params += window
        sifted, values = sieve.conditions("rm_occurred")
        clauses += sifted
        where = f"WHERE {' AND '.join(clauses)} " if clauses else ""
        query = f"SELECT start, stop, fact_id FROM rm_occurred {where}ORDER BY start, stop, fact_id LIMIT ?"
        rows = self.connection.execute(query, [*params, *values, limit])
        return [(int(first), int(stop), fact_id) for first, stop, fact_id in rows]

    def ids_keyed(self, keys: set[str]) -> dict[str, set[str]]:
        """For each target key, the facts stating or fulfilling it."""
        found: dict[str, set[str]] = {}
        for batch in chunks(sorted(keys), 500):
            marks = ",".join("?" * len(batch))
            rows = self.connection.execute(
                f"SELECT key, fact_id FROM rm_targets WHERE key IN ({marks}) "
                f"UNION SELECT key, fact_id FROM rm_fulfils WHERE key IN ({marks})",
                [*batch, *batch],
            )
            for key, fact_id in rows:
                found.setdefault(key, set()).add(fact_id)
        return found

    def facts_with_target(self, keys: set[str]) -> list[Fact]:
        """Facts stating one of these target keys."""
        return self._facts_keyed("rm_targets", keys)

    def facts_fulfilling(self, keys: set[str]) -> list[Fact]:
        """Milestones that fulfil one of these target keys."""
        return self._facts_keyed("rm_fulfils", keys)

    def _facts_keyed(self, table: str, keys: set[str]) -> list[Fact]:
        found: list[Fact] = []
        for batch in chunks(sorted(keys), 500):
            marks = ",".join("?" * len(batch))
            rows = self.connection.execute(
                f"SELECT state FROM rm_facts WHERE id IN (SELECT fact_id FROM {table} "
                f"WHERE key IN ({marks})) ORDER BY id",
                batch,
            )
            found += [self._fact_state(state).fact for (state,) in rows]
        return found

    def entities_matching(self, terms: list[str], limit: int) -> dict[str, str]:
        """The entities whose names (id, name, aliases, dated names) have every term, the last as a prefix: the
        best `limit` by the full-text rank (then rowid), as id → kind."""
        match = match_query(self.connection.dialect, terms)
        if not match:
            return {}
        rows = self.connection.execute(ENTITIES_MATCHING[self.connection.dialect], (match, limit))
        return {entity_id: kind for entity_id, kind in rows}

    def text_matches(
        self, terms: list[str], below: int, limit: int, among: Among | None = None
    ) -> tuple[list[tuple[int, Fact]], int | None]:
        """The facts whose text (any source's) has every term, the last as a prefix, newest first: by rowid (the
        order facts were first written) below `below`, at most `limit`, only those `among` if given; and the rowid
        to continue below (None when no match is left). Callers score what was visible when."""
        last = prefix_words(self.connection, terms[-1])
        match = match_query(self.connection.dialect, terms, last) if last != [] else ""
        if not match:
            return [], None
        query = TEXT_MATCHES[self.connection.dialect]

        def page(cursor: int, size: int) -> list[int]:
            return [row[0] for row in self.connection.execute(query, (match, cursor, size))]

        rowids, more = _first_kept(page, below, limit, None if among is None else among.rowids.__contains__)
        found: dict[int, Fact] = {}
        for batch in chunks(rowids, 500):
            marks = ",".join("?" * len(batch))
            rows = self.connection.execute(f"SELECT rowid, state FROM rm_facts WHERE rowid IN ({marks})", batch)
            found.update((rowid, self._fact_state(state).fact) for rowid, state in rows)
        return [(rowid, found[rowid]) for rowid in rowids if rowid in found], more

    def facts_naming_after(
        self, named: Mapping[str, Collection[str]], after: str, limit: int, among: Among | None = None
    ) -> tuple[list[Fact], str | None]:
        """The facts naming one of these entities (role → ids) in that role, in any statement, by id after
        `after`, at most `limit`, only those `among` if given; and the id to continue after (None when none is
        left)."""
        clauses, params = [], []
        for role, ids in sorted(named.items()):
            for batch in chunks(sorted(ids), 500):
                clauses.append(f"(entity_id IN ({','.join('?' * len(batch))}) AND role = ?)")
                params += [*batch, role]
        if not clauses:
            return [], None
        either = " OR ".join(clauses)
        query = f"SELECT DISTINCT fact_id FROM rm_mentions WHERE ({either}) AND fact_id > ? ORDER BY fact_id LIMIT ?"

        def page(cursor: str, size: int) -> list[str]:
            return [row[0] for row in self.connection.execute(query, (*params, cursor, size))]

        ids, more = _first_kept(page, after, limit, None if among is None else among.ids.__contains__)
        states = self.fact_states(ids)
        return [states[i].fact for i in ids if i in states], more

    def facts_naming_few(self, role: str, ids: Collection[str], most: int) -> Among | None:
        """The facts naming one of these entities in that role (in any statement), when at most `most` do."""
        marks = ",".join("?" * len(ids))
        rows = self.connection.execute(
            "SELECT f.id, f.rowid FROM rm_mentions m JOIN rm_facts f ON f.id = m.fact_id "
            f"WHERE m.role = ? AND m.entity_id IN ({marks}) LIMIT ?",
            (role, *sorted(ids), most + 1),
        ).fetchall()
        return None if len(rows) > most else Among(dict(rows), frozenset(row[1] for row in rows))

    def fact_rowids(self, ids: Iterable[str]) -> dict[str, int]:
        """The rowids of these facts (those stored): their place in the order facts were first written."""
        found: dict[str, int] = {}
        for batch in chunks(ids, 500):
            marks = ",".join("?" * len(batch))
            found.update(self.connection.execute(f"SELECT id, rowid FROM rm_facts WHERE id IN ({marks})", batch))
        return found

    def entities_named(self, key: str, kind: str) -> list[EntityRecord]:
        """The entities of a kind that have this match key (of their id, name or an alias)."""
        rows = self.connection.execute(
            "SELECT e.state FROM rm_aliases a JOIN rm_entities e ON e.id = a.entity_id "
            "WHERE a.key=? AND e.entity=? ORDER BY e.id",
            (key, kind),
        )
        return [self._entity_state(state).record for (state,) in rows]

    def entity_states(self, ids: Iterable[str] | None = None) -> dict[str, EntityState]:
        """Every entity's state, or those of these ids."""
        if ids is not None:
            return self._entity_states(ids)
        rows = self.connection.execute("SELECT state FROM rm_entities ORDER BY id")
        states = (self._entity_state(state) for (state,) in rows)
        return {state.record.id: state for state in states}

    def names(self, ids: Iterable[str]) -> Names:
        """The entities' current names, and the dated names of those that have some."""
        found: dict[str, str] = {}
        dated = {}
        for batch in chunks(sorted(ids), 500):
            marks = ",".join("?" * len(batch))
            for entity_id, name, state in self.connection.execute(
                f"SELECT id, name, state FROM rm_entities WHERE id IN ({marks})", batch
            ):
                found[entity_id] = name
                if '"names":[]' not in state:
                    dated[entity_id] = self._entity_state(state).record.names
        return Names(found, dated)

    def merged_records(self) -> list[EntityRecord]:
        """The entity records merged into another (read through the partial index rm_entities_by_merged: the
        condition must stay as the index states it)."""
        rows = self.connection.execute("SELECT state FROM rm_entities WHERE state NOT LIKE '%\"merged\":null%'")
        return [self._entity_state(state).record for (state,) in rows]

    def entities(self) -> list[EntityRecord]:
        return [state.record for state in self.entity_states().values()]

    def fact_count(self) -> int:
        return int(self.connection.execute("SELECT COUNT(*) FROM rm_facts").fetchone()[0])

    def mention_counts(self) -> dict[str, int]:
        """For each entity, how many facts name it (in any role, in any statement)."""
        rows = self.connection.execute("SELECT entity_id, COUNT(DISTINCT fact_id) FROM rm_mentions GROUP BY entity_id")
        return {entity_id: count for entity_id, count in rows}

    def record(self, entity_id: str) -> EntityRecord | None:
        """One entity by id (the `KnownEntities` of validation: a run reads only the entities it names)."""
        row = self.connection.execute("SELECT state FROM rm_entities WHERE id=?", (entity_id,)).fetchone()
        return self._entity_state(row[0]).record if row else None

    def ids_named(self, key: str) -> set[str]:
        """The ids of the entities of any kind that have this match key."""
        return {row[0] for row in self.connection.execute("SELECT entity_id FROM rm_aliases WHERE key=?", (key,))}

    def targets(self) -> StoredTargets:
        return StoredTargets(self.connection)

    def fact_ids(self) -> frozenset[str]:
        return frozenset(row[0] for row in self.connection.execute("SELECT id FROM rm_facts"))

    def target_rows(self) -> list[tuple[str, str]]:
        """Every (target key, fact id)."""
        return self.connection.execute("SELECT key, fact_id FROM rm_targets").fetchall()

    def recorded_late(self, table: str, key: str) -> tuple[set[str], set[str]]:
        """The streams (of rm_facts or rm_entities) with an event recorded at or after `key`: those that began
        then (hidden before it), and those that began before it (to be folded again from their own events)."""
        rows = self.connection.execute(f"SELECT id, first FROM {table} WHERE last >= ?", (key,)).fetchall()
        return {i for i, first in rows if first >= key}, {i for i, first in rows if first < key}

    def recorded_between(self, since: str, until: str) -> list[tuple[str, int, int]]:
        """The log positions appended at recorded times since <= recorded < until, oldest first."""
        return self.connection.execute(
            "SELECT recorded, first, last FROM rm_recorded WHERE recorded >= ? AND recorded < ? ORDER BY first",
            (since, until),
        ).fetchall()

    def target_keys(self) -> set[str]:
        return {row[0] for row in self.connection.execute("SELECT DISTINCT key FROM rm_targets")}

    def target_count(self) -> int:
        return int(self.connection.execute("SELECT COUNT(DISTINCT key) FROM rm_targets").fetchone()[0])

    def target_keys_after(self, after: str | None) -> Iterator[str]:
        """The target keys in order after `after` (from the first when None), read SCAN at a time."""
        while True:
            where, params = ("WHERE key > ? ", [after]) if after is not None else ("", [])
            query = f"SELECT DISTINCT key FROM rm_targets {where}ORDER BY key LIMIT ?"
            keys = [row[0] for row in self.connection.execute(query, [*params, SCAN])]
            yield from keys
            if len(keys) < SCAN:
                return
            after = keys[-1]


class Among(NamedTuple):
    """The facts a search reads past its window when its scope is small: rowid by id, and the rowids."""

    ids: dict[str, int]
    rowids: frozenset[int]


SCAN = 5000  # keys read at a time when only some are kept


def _first_kept(
    page: Callable[[K, int], list[K]], start: K, limit: int, keep: Callable[[K], bool] | None
) -> tuple[list[K], K | None]:
    """The first `limit` keys that `keep` admits (all without it) from the pages `page(cursor, size)` gives in
    order after a cursor; and the key to continue after (None when no key is left)."""
    found: list[K] = []
    cursor = start
    while True:
        keys = page(cursor, limit if keep is None else SCAN)
        for key in keys:
            if keep is None or keep(key):
                found.append(key)
                if len(found) == limit:
                    return found, key
        if len(keys) < (limit if keep is None else SCAN):
            return found, None
        cursor = keys[-1]


class StoredTargets(Collection[str]):
    """The target keys in the store, asked one at a time (`in`); iterated in full only when needed."""

    def __init__(self, connection: Database):
        self.connection = connection

    def __contains__(self, key: object) -> bool:
        return self.connection.execute("SELECT 1 FROM rm_targets WHERE key=? LIMIT 1", (key,)).fetchone() is not None

    def __iter__(self) -> Iterator[str]:
        return iter({row[0] for row in self.connection.execute("SELECT DISTINCT key FROM rm_targets")})

    def __len__(self) -> int:
        return int(self.connection.execute("SELECT COUNT(DISTINCT key) FROM rm_targets").fetchone()[0])

"""Materialised read models beside the log: folded fact and entity states plus the indexes queries need.

They remember the last log position they applied and are updated with it in one transaction, so catching
up is idempotent and `rebuild` (from position 0) must give exactly what incremental updates gave.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from events.dates import parse_edtf
from events.records import Figure
from events.text import fold, match_key
from projections.chronology import mentions
from projections.entities import Names
from projections.knowledge import reported_by
from projections.search import fact_texts
from timeline.errors import StoreError
from timeline.storage import decode
from timeline.storage.database import Database, Location, store_errors
from timeline.storage.recorded import Spans, recorded_key, write_recorded

if TYPE_CHECKING:  # queries import neither the event log (nor eventsourcing) nor the models: catching up does
    from events.domain import EntityRecord
    from events.inputs import Fact
    from projections.facts import EntityState, FactState
    from timeline.storage.log import EventLog, LoggedEvent

SCHEMA = """
CREATE TABLE IF NOT EXISTS rm_position (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
-- first/last: the recorded (system) time of the stream's first and latest event, for --recorded-before.
CREATE TABLE IF NOT EXISTS rm_facts (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL,
                                     first TEXT NOT NULL, last TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rm_entities (id TEXT PRIMARY KEY, entity TEXT NOT NULL, name TEXT NOT NULL,
                                        version INTEGER NOT NULL, state TEXT NOT NULL,
                                        first TEXT NOT NULL, last TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS rm_facts_by_last ON rm_facts (last);
CREATE INDEX IF NOT EXISTS rm_entities_by_last ON rm_entities (last);
-- The log positions appended at each recorded time (one row per ingest), for the audit diff.
CREATE TABLE IF NOT EXISTS rm_recorded (recorded TEXT PRIMARY KEY, first INTEGER NOT NULL, last INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rm_aliases (key TEXT NOT NULL, entity_id TEXT NOT NULL, PRIMARY KEY (key, entity_id))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rm_mentions (entity_id TEXT NOT NULL, role TEXT NOT NULL, fact_id TEXT NOT NULL,
                                        PRIMARY KEY (entity_id, role, fact_id)) WITHOUT ROWID;
-- Days on which what the record says about a fact can change: each source's first day, its retraction day,
-- and for a target the first day after a deadline (when it falls overdue).
CREATE TABLE IF NOT EXISTS rm_knowledge (fact_id TEXT NOT NULL, day TEXT NOT NULL, what TEXT NOT NULL,
                                         PRIMARY KEY (fact_id, day, what)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rm_knowledge_by_day ON rm_knowledge (day);
CREATE TABLE IF NOT EXISTS rm_targets (key TEXT NOT NULL, fact_id TEXT NOT NULL, PRIMARY KEY (key, fact_id))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rm_fulfils (key TEXT NOT NULL, fact_id TEXT NOT NULL, PRIMARY KEY (key, fact_id))
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rm_mentions_by_fact ON rm_mentions (fact_id);
-- For "who held office X on day D": the span of days each fact can attest the office (over every statement).
CREATE TABLE IF NOT EXISTS rm_office_days (office TEXT NOT NULL, fact_id TEXT NOT NULL, first TEXT NOT NULL,
                                           last TEXT NOT NULL, PRIMARY KEY (office, fact_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rm_office_days_by_first ON rm_office_days (office, first);
CREATE INDEX IF NOT EXISTS rm_office_days_by_last ON rm_office_days (office, last);
CREATE INDEX IF NOT EXISTS rm_office_days_by_fact ON rm_office_days (fact_id);
CREATE INDEX IF NOT EXISTS rm_targets_by_fact ON rm_targets (fact_id);
CREATE INDEX IF NOT EXISTS rm_fulfils_by_fact ON rm_fulfils (fact_id);
"""
# Full-text search over folded text (no case, no diacritics); rowids are those of rm_facts / rm_entities.
SEARCH_SCHEMA = {
    "sqlite": """
CREATE VIRTUAL TABLE IF NOT EXISTS rm_fact_search USING fts5(body, tokenize='unicode61');
CREATE VIRTUAL TABLE IF NOT EXISTS rm_entity_search USING fts5(body, tokenize='unicode61');
""",
    # The text is folded before it is stored (diacritics removed, as `unaccent` would) and split into words
    # here as FTS5's unicode61 splits it, so the 'simple' configuration (lower case, no stemming, no stop
    # words) finds what SQLite finds.
    "postgresql": """
CREATE TABLE IF NOT EXISTS rm_fact_search (rowid BIGINT PRIMARY KEY, body TEXT NOT NULL, words TSVECTOR NOT NULL);
CREATE TABLE IF NOT EXISTS rm_entity_search (rowid BIGINT PRIMARY KEY, body TEXT NOT NULL, words TSVECTOR NOT NULL);
CREATE INDEX IF NOT EXISTS rm_fact_search_words ON rm_fact_search USING GIN (words);
CREATE INDEX IF NOT EXISTS rm_entity_search_words ON rm_entity_search USING GIN (words);
""",
}


def schema(dialect: str) -> str:
    """The read-model tables in a dialect: PostgreSQL has no implicit rowid (an identity column stands in for
    it) and wants wide integers for log positions."""
    if dialect == "sqlite":
        return SCHEMA + SEARCH_SCHEMA["sqlite"]
    table = SCHEMA.replace("position INTEGER", "position BIGINT").replace(" WITHOUT ROWID", "")
    table = table.replace("first INTEGER", "first BIGINT").replace("last INTEGER", "last BIGINT")
    for name in ("rm_facts", "rm_entities"):
        table = table.replace(
            f"CREATE TABLE IF NOT EXISTS {name} (id TEXT PRIMARY KEY,",
            f"CREATE TABLE IF NOT EXISTS {name} (rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE, "
            "id TEXT PRIMARY KEY,",
        )
    return table + SEARCH_SCHEMA["postgresql"]


def secondary_indexes(dialect: str) -> dict[str, str]:
    """The statement creating each secondary index that writing does not use, by name: those by fact stay (a
    fact's second event in a bulk load replaces its rows by fact id: without them, each is a full scan)."""
    found = (re.search(r"CREATE INDEX IF NOT EXISTS (\w+)", statement) for statement in schema(dialect).split(";"))
    return {match.group(1): match.string.strip() for match in found if match and "_by_fact" not in match.group(1)}


TABLES = (
    "rm_facts",
    "rm_entities",
    "rm_aliases",
    "rm_mentions",
    "rm_office_days",
    "rm_knowledge",
    "rm_targets",
    "rm_fulfils",
    "rm_fact_search",
    "rm_entity_search",
    "rm_recorded",
)
# Bump when the read-model tables or what they hold change: stores built by older code are then rebuilt on open.
READ_MODEL_VERSION = 7
FLUSH = 5000  # events folded and written per batch while catching up
BULK = 5000  # events from empty read models on: secondary indexes are dropped and built once at the end
RANKED = 5000  # full-text matches ranked per search (the most recently recorded)
WORD = re.compile(r"\w+")  # a word as FTS5's unicode61 tokenizer sees one

# Rows of a search table matching a query, with a rank that sorts best first.
MATCHING = {
    "sqlite": "SELECT rowid, rank AS r FROM {table} WHERE {table} MATCH ?",
    "postgresql": "SELECT rowid, -ts_rank(words, q) AS r FROM {table}, to_tsquery('simple', ?) AS q WHERE words @@ q",
}


def _match_query(dialect: str, terms: list[str]) -> str:
    """Every term, the last as a prefix (FTS5 phrases; PostgreSQL words joined by &)."""
    if dialect == "sqlite":
        return " ".join(f'"{term}"' for term in terms[:-1]) + f' "{terms[-1]}"*'
    words = [word for term in terms for word in WORD.findall(term)]
    return " & ".join(words[:-1] + [f"{words[-1]}:*"]) if words else ""


def _insert_search(db: Database, table: str, rows: list[tuple[int, str]]) -> None:
    if db.dialect == "sqlite":
        db.executemany(f"INSERT INTO {table} (rowid, body) VALUES (?, ?)", rows)
    else:
        db.executemany(
            f"INSERT INTO {table} (rowid, body, words) VALUES (?, ?, to_tsvector('simple', ?))",
            [(rowid, body, " ".join(WORD.findall(body))) for rowid, body in rows],
        )


class ReadModels:
    def __init__(self, location: Location, models: bool = False):
        """States are read as the read side's records (no pydantic), or as the models with `models` (the write
        side: ingest compares them with new input). Catching up always folds into models."""
        self.location = location
        self.models = models
        with store_errors(location):
            self.connection = location.connect()
        try:
            tables = schema(self.connection.dialect)
            with store_errors(location):
                present = self.connection.tables()
                if not set(TABLES) <= present:  # only then: a reader may not create tables
                    with self.connection.preparing() as db:
                        if "rm_position" in present:  # built by older code: its tables may lack new columns
                            db.script("".join(f"DROP TABLE IF EXISTS {table};" for table in TABLES))
                            db.execute("DELETE FROM rm_position")
                        db.script(tables)
                row = self.connection.execute("SELECT position FROM rm_position WHERE name='schema'").fetchone()
            if row is None or row[0] != READ_MODEL_VERSION:  # new, or built by other code: start again
                with self._writing() as db:
                    db.script("".join(f"DROP TABLE IF EXISTS {table};" for table in TABLES) + tables)
                    _forget(db)
        except BaseException:
            self.connection.close()
            raise

    def close(self) -> None:
        self.connection.close()

    @contextmanager
    def _writing(self, wait: bool = True) -> Iterator[Database]:
        with store_errors(self.location), self.connection.writing(wait) as db:  # busy or read-only: a StoreError
            yield db

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

    def catch_up(self, log: EventLog, known: dict[int, LoggedEvent] | None = None, wait: bool = True) -> int:
        """Apply every event after the stored position, in one transaction; returns how many.

        `known` holds events this process just appended, by position: when they are all that is new, they are
        applied without reading the log again. States are looked up and written a batch at a time. Without
        `wait`, another process catching up is a StoreError at once."""
        last = log.max_position()
        if last <= self.position():
            return 0
        with self._writing(wait) as db:
            start = self.position()  # re-read under the write lock: another process may have caught up
            indexes = secondary_indexes(db.dialect) if start == 0 and last >= BULK else {}
            for name in indexes:  # a bulk load into empty read models: each index is built once, at the end
                db.execute(f"DROP INDEX IF EXISTS {name}")
            if known and len(known) == last - start and min(known) == start + 1:
                events: Iterable[LoggedEvent] = (known[position] for position in sorted(known))
            else:
                events = log.read(after=start)
            applied, position = 0, start  # another process may have applied everything meanwhile
            for batch in chunks(events, FLUSH):
                self._apply(db, batch)
                applied += len(batch)
                position = batch[-1].position
            db.script(";".join(indexes.values()))
            db.execute(
                "INSERT INTO rm_position (name, position) VALUES ('log', ?) "
                "ON CONFLICT (name) DO UPDATE SET position=excluded.position",
                (position,),
            )
        return applied

    def _apply(self, db: Database, batch: list[LoggedEvent]) -> None:
        """Fold a batch of events into the states they touch (loaded from the tables, a query per 500 ids) and
        write those states and their index rows within the open transaction."""
        from events.domain import FACT_EVENTS, entity_id_of, fact_id_of
        from projections.facts import evolve

        fact_keys = {fact_id_of(logged.event) for logged in batch if isinstance(logged.event, FACT_EVENTS)}
        entity_keys = {entity_id_of(logged.event) for logged in batch if not isinstance(logged.event, FACT_EVENTS)}
        facts: dict[str, FactState | None] = dict.fromkeys(fact_keys)
        entities: dict[str, EntityState | None] = dict.fromkeys(entity_keys)
        facts.update(self.fact_states(fact_keys, models=True))
        entities.update(self._entity_states(entity_keys, models=True))
        stored = {key for key, state in (*facts.items(), *entities.items()) if state is not None}
        spans = Spans()
        for logged in batch:
            event = logged.event
            recorded = recorded_key(logged.recorded)
            spans.note(recorded, logged.position)
            if isinstance(event, FACT_EVENTS):
                key = fact_id_of(event)
                facts[key] = evolve(facts[key], event)
                spans.touch(spans.facts, key, recorded)
            else:
                key = entity_id_of(event)
                entities[key] = evolve(entities[key], event)
                spans.touch(spans.entities, key, recorded)
        _write_facts(db, list(facts.values()), stored, spans.facts)  # type: ignore[arg-type]
        _write_entities(db, list(entities.values()), stored, spans.entities)  # type: ignore[arg-type]
        write_recorded(db, spans.positions)

    def rebuild(self, log: EventLog) -> int:
        """Forget every read model (dropped and created again: faster than deleting every row) and apply the whole
        log again."""
        with self._writing() as db:
            db.script("".join(f"DROP TABLE IF EXISTS {table};" for table in TABLES) + schema(db.dialect))
            _forget(db)
        return self.catch_up(log)

    def _entity_states(self, ids: Iterable[str], models: bool = False) -> dict[str, EntityState]:
        found: dict[str, EntityState] = {}
        for batch in chunks(ids, 500):
            marks = ",".join("?" * len(batch))
            for (state,) in self.connection.execute(f"SELECT state FROM rm_entities WHERE id IN ({marks})", batch):
                parsed = self._entity_state(state, models)
                found[parsed.record.id] = parsed
        return found

    # Queries ------------------------------------------------------------------------------------------

    def fact_states(self, ids: Iterable[str], models: bool = False) -> dict[str, FactState]:
        found: dict[str, FactState] = {}
        for batch in chunks(ids, 500):
            marks = ",".join("?" * len(batch))
            for (state,) in self.connection.execute(f"SELECT state FROM rm_facts WHERE id IN ({marks})", batch):
                parsed = self._fact_state(state, models)
                found[parsed.fact.id] = parsed
        return found

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

    def search(self, terms: list[str], cap: int) -> tuple[list[Fact], set[str]]:
        """Candidates: the `cap` facts best matching every term in their text (any source's, by FTS5 rank among
        the RANKED most recently recorded matches),
        and up to `cap` facts naming an entity whose names match; plus the ids of those entities. Callers
        rank and check what was visible when."""
        dialect = self.connection.dialect
        match = _match_query(dialect, terms)
        if not match:
            return [], set()
        entities = MATCHING[dialect].format(table="rm_entity_search")
        entity_ids = {
            row[0]
            for row in self.connection.execute(
                f"SELECT e.id FROM ({entities}) hits JOIN rm_entities e ON e.rowid = hits.rowid "
                "ORDER BY hits.r LIMIT ?",
                (match, cap),
            )
        }
        recent = (
            MATCHING[dialect].format(table="rm_fact_search") + f" ORDER BY rowid DESC LIMIT {RANKED}"
        )  # a common word matches most facts: rank only the latest ones
        ids = {
            row[0]
            for row in self.connection.execute(
                f"SELECT f.id FROM ({recent}) hits JOIN rm_facts f ON f.rowid = hits.rowid ORDER BY hits.r LIMIT ?",
                (match, cap),
            )
        }
        for batch in chunks(sorted(entity_ids), 500):
            marks = ",".join("?" * len(batch))
            ids.update(
                row[0]
                for row in self.connection.execute(
                    f"SELECT fact_id FROM rm_mentions WHERE entity_id IN ({marks}) LIMIT ?", (*batch, cap)
                )
            )
        return [state.fact for state in self.fact_states(sorted(ids)).values()], entity_ids

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
        """The entity records merged into another."""
        rows = self.connection.execute("SELECT state FROM rm_entities WHERE state NOT LIKE '%\"merged\":null%'")
        return [self._entity_state(state).record for (state,) in rows]

    def entities(self) -> list[EntityRecord]:
        return [state.record for state in self.entity_states().values()]

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

    def dump(self, system_time: bool = False) -> dict[str, list[tuple[object, ...]]]:
        """Every read-model row, in a stable order: what `verify` compares. Recorded (system) times only with
        `system_time`: two stores holding the same events recorded at other times otherwise dump the same."""
        queries = {table: f"SELECT * FROM {table}" for table in TABLES}  # (PostgreSQL's rowids differ by history)
        recorded = ", first, last" if system_time else ""
        queries["rm_facts"] = f"SELECT id, version, state{recorded} FROM rm_facts"
        queries["rm_entities"] = f"SELECT id, entity, name, version, state{recorded} FROM rm_entities"
        if not system_time:
            del queries["rm_recorded"]
        queries["rm_fact_search"] = (
            "SELECT f.id, s.body FROM rm_fact_search s JOIN rm_facts f ON f.rowid = s.rowid ORDER BY 1"
        )
        queries["rm_entity_search"] = (
            "SELECT e.id, s.body FROM rm_entity_search s JOIN rm_entities e ON e.rowid = s.rowid ORDER BY 1"
        )
        return {table: sorted(self.connection.execute(query).fetchall(), key=repr) for table, query in queries.items()}


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


def _forget(db: Database) -> None:
    """Empty every read model and start again from log position 0, at this code's read-model version."""
    for table in TABLES:
        db.execute(f"DELETE FROM {table}")
    db.execute("DELETE FROM rm_position")
    db.execute("INSERT INTO rm_position (name, position) VALUES ('schema', ?)", (READ_MODEL_VERSION,))


def _rowids(db: Database, table: str, ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for batch in chunks(ids, 500):
        marks = ",".join("?" * len(batch))
        found.update(db.execute(f"SELECT id, rowid FROM {table} WHERE id IN ({marks})", batch).fetchall())
    return found


def _write_facts(db: Database, states: list[FactState], stored: set[str], spans: dict[str, tuple[str, str]]) -> None:
    """Upsert fact states and replace their index rows, a statement per table for the whole batch."""
    replaced = [(state.fact.id,) for state in states if state.fact.id in stored]
    for table in ("rm_mentions", "rm_office_days", "rm_knowledge", "rm_targets", "rm_fulfils"):
        db.executemany(f"DELETE FROM {table} WHERE fact_id=?", replaced)
    db.executemany(
        "INSERT INTO rm_facts (id, version, state, first, last) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE "
        "SET version=excluded.version, state=excluded.state, last=excluded.last",
        [(state.fact.id, state.version, state.model_dump_json(), *spans[state.fact.id]) for state in states],
    )
    rowids = _rowids(db, "rm_facts", [state.fact.id for state in states])
    db.executemany("DELETE FROM rm_fact_search WHERE rowid=?", [(rowids[fact_id],) for (fact_id,) in replaced])
    mentioned: list[tuple[str, ...]] = []
    office_days: list[tuple[str, ...]] = []
    days: list[tuple[str, ...]] = []
    search: list[tuple[int, str]] = []
    keyed: dict[str, list[tuple[str, str]]] = {"rm_targets": [], "rm_fulfils": []}
    for state in states:
        fact = state.fact
        mentioned += [(entity, role, fact.id) for role, ids in mentions(fact).items() for entity in ids]
        days += [(fact.id, day, what) for day, what in knowledge_days_of(fact)]
        office_days += [(office, fact.id, first, last) for office, (first, last) in _office_days(fact).items()]
        for table, field in (("rm_targets", "target"), ("rm_fulfils", "fulfils")):
            keys = {getattr(fact, field), *(s.differs.get(field) for s in fact.sources)} - {None}
            keyed[table] += [(key, fact.id) for key in keys]
        search.append((rowids[fact.id], fold(" ".join(fact_texts(fact)))))
    db.executemany("INSERT INTO rm_mentions (entity_id, role, fact_id) VALUES (?, ?, ?)", mentioned)
    db.executemany("INSERT INTO rm_knowledge (fact_id, day, what) VALUES (?, ?, ?)", days)
    db.executemany("INSERT INTO rm_office_days (office, fact_id, first, last) VALUES (?, ?, ?, ?)", office_days)
    for table, rows in keyed.items():
        db.executemany(f"INSERT INTO {table} (key, fact_id) VALUES (?, ?)", rows)
    _insert_search(db, "rm_fact_search", search)


def _office_days(fact: Fact) -> dict[str, tuple[str, str]]:
    """Per office the fact names (in any statement), the first and last day it can attest a holder."""
    main = (fact.occurred, [role.office for role in fact.people if role.office])
    statements = [main] if main[1] else []
    for source in fact.sources:
        if source.differs and ("people" in source.differs or "occurred" in source.differs):
            people = source.differs.get("people")
            offices = main[1] if people is None else [role["office"] for role in people if role.get("office")]
            statements.append((source.differs.get("occurred", fact.occurred), offices))
    spans: dict[str, tuple[str, str]] = {}
    for occurred_text, offices in statements:
        occurred = parse_edtf(occurred_text)
        last = occurred.upper_or_max.isoformat()
        first = last if occurred.lower is None else occurred.lower.isoformat()  # "by D" attests D only
        for office in offices:
            old_first, old_last = spans.get(office, (first, last))
            spans[office] = (min(old_first, first), max(old_last, last))
    return spans


def knowledge_days_of(fact: Fact) -> set[tuple[str, str]]:
    """The days on which what the record says about the fact can change (see rm_knowledge)."""
    days = {(reported_by(source).isoformat(), "source") for source in fact.sources}
    if fact.retracted is not None:
        days.add((parse_edtf(fact.retracted.on).lower_or_min.isoformat(), "retraction"))
    if fact.kind == "target":
        figures = [
            *fact.figures,
            *(Figure.model_validate(f) for s in fact.sources for f in s.differs.get("figures", ())),
        ]
        deadlines = [parse_edtf(f.deadline).upper_or_max for f in figures if f.deadline]
        days.update(((day + timedelta(days=1)).isoformat(), "deadline") for day in deadlines if day < date.max)
    return days


def _write_entities(
    db: Database, states: list[EntityState], stored: set[str], spans: dict[str, tuple[str, str]]
) -> None:
    """Upsert entity states and replace their alias and search rows."""
    replaced = [(state.record.id,) for state in states if state.record.id in stored]
    db.executemany("DELETE FROM rm_aliases WHERE entity_id=?", replaced)
    db.executemany(
        "INSERT INTO rm_entities (id, entity, name, version, state, first, last) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET name=excluded.name, version=excluded.version, state=excluded.state, "
        "last=excluded.last",
        [
            (s.record.id, s.record.entity, s.record.name, s.version, s.model_dump_json(), *spans[s.record.id])
            for s in states
        ],
    )
    rowids = _rowids(db, "rm_entities", [state.record.id for state in states])
    db.executemany("DELETE FROM rm_entity_search WHERE rowid=?", [(rowids[i],) for (i,) in replaced])
    aliases, search = [], []
    for state in states:
        record = state.record
        names = (record.id, record.name, *record.aliases, *(dated.name for dated in record.names))
        aliases += [(key, record.id) for key in {match_key(name) for name in names}]
        search.append((rowids[record.id], fold(" ".join((record.id.replace("-", " "), *names[1:])))))
    db.executemany("INSERT INTO rm_aliases (key, entity_id) VALUES (?, ?)", aliases)
    _insert_search(db, "rm_entity_search", search)


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch

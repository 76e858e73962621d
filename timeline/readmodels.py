"""Materialised read models beside the log: folded fact and entity states plus the indexes queries need.

They remember the last log position they applied and are updated with it in one transaction, so catching
up is idempotent and `rebuild` (from position 0) must give exactly what incremental updates gave.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from events.domain import FACT_EVENTS, EntityRecord, entity_id_of, fact_id_of
from events.inputs import Fact
from events.text import match_key
from projections.facts import EntityState, FactState, evolve
from projections.knowledge import reported_by
from projections.timeline import mentions
from timeline.store import LOCK_TIMEOUT_SECONDS, EventLog, chunks

SCHEMA = """
CREATE TABLE IF NOT EXISTS rm_position (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rm_facts (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rm_entities (id TEXT PRIMARY KEY, entity TEXT NOT NULL, version INTEGER NOT NULL,
                                        state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rm_aliases (key TEXT NOT NULL, entity_id TEXT NOT NULL, PRIMARY KEY (key, entity_id));
CREATE TABLE IF NOT EXISTS rm_mentions (entity_id TEXT NOT NULL, role TEXT NOT NULL, fact_id TEXT NOT NULL,
                                        PRIMARY KEY (entity_id, role, fact_id));
CREATE TABLE IF NOT EXISTS rm_sources (fact_id TEXT NOT NULL, seq INTEGER NOT NULL, reported_by TEXT NOT NULL,
                                       PRIMARY KEY (fact_id, seq));
CREATE INDEX IF NOT EXISTS rm_sources_by_reported ON rm_sources (reported_by);
CREATE TABLE IF NOT EXISTS rm_targets (key TEXT NOT NULL, fact_id TEXT NOT NULL, PRIMARY KEY (key, fact_id));
"""
TABLES = ("rm_facts", "rm_entities", "rm_aliases", "rm_mentions", "rm_sources", "rm_targets")
BATCH = 2000


class ReadModels:
    def __init__(self, path: Path):
        self.connection = sqlite3.connect(str(path), timeout=LOCK_TIMEOUT_SECONDS, isolation_level=None)
        self.connection.executescript(SCHEMA)

    def close(self) -> None:
        self.connection.close()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def position(self) -> int:
        row = self.connection.execute("SELECT position FROM rm_position WHERE name='log'").fetchone()
        return row[0] if row else 0

    def catch_up(self, log: EventLog) -> int:
        """Apply every event after the stored position, in one transaction; returns how many."""
        if log.max_position() <= self.position():
            return 0
        with self._writing() as db:
            start = self.position()  # re-read under the write lock: another process may have caught up
            facts: dict[str, FactState | None] = {}
            entities: dict[str, EntityState | None] = {}
            applied = 0
            for logged in log.read(after=start):
                event = logged.event
                if isinstance(event, FACT_EVENTS):
                    key = fact_id_of(event)
                    if key not in facts:
                        facts[key] = self._fact_state(key)
                    facts[key] = evolve(facts[key], event)
                else:
                    key = entity_id_of(event)
                    if key not in entities:
                        entities[key] = self._entity_state(key)
                    entities[key] = evolve(entities[key], event)
                applied += 1
                position = logged.position
            for state in facts.values():
                _write_fact(db, state)  # type: ignore[arg-type]
            for state in entities.values():
                _write_entity(db, state)  # type: ignore[arg-type]
            db.execute("INSERT INTO rm_position (name, position) VALUES ('log', ?) "
                       "ON CONFLICT (name) DO UPDATE SET position=excluded.position", (position,))
        return applied

    def rebuild(self, log: EventLog) -> int:
        """Forget every read model and apply the whole log again."""
        with self._writing() as db:
            for table in TABLES:
                db.execute(f"DELETE FROM {table}")
            db.execute("DELETE FROM rm_position")
        return self.catch_up(log)

    def _fact_state(self, fact_id: str) -> FactState | None:
        row = self.connection.execute("SELECT state FROM rm_facts WHERE id=?", (fact_id,)).fetchone()
        return FactState.model_validate_json(row[0]) if row else None

    def _entity_state(self, entity_id: str) -> EntityState | None:
        row = self.connection.execute("SELECT state FROM rm_entities WHERE id=?", (entity_id,)).fetchone()
        return EntityState.model_validate_json(row[0]) if row else None

    # Queries ------------------------------------------------------------------------------------------

    def fact_states(self, ids: Iterable[str]) -> dict[str, FactState]:
        found: dict[str, FactState] = {}
        for batch in chunks(ids, 500):
            marks = ",".join("?" * len(batch))
            for (state,) in self.connection.execute(f"SELECT state FROM rm_facts WHERE id IN ({marks})", batch):
                parsed = FactState.model_validate_json(state)
                found[parsed.fact.id] = parsed
        return found

    def facts_mentioning(self, entity_id: str, role: str) -> list[Fact]:
        rows = self.connection.execute(
            "SELECT f.state FROM rm_mentions m JOIN rm_facts f ON f.id = m.fact_id "
            "WHERE m.entity_id=? AND m.role=? ORDER BY f.id", (entity_id, role))
        return [FactState.model_validate_json(state).fact for (state,) in rows]

    def entity_states(self) -> dict[str, EntityState]:
        rows = self.connection.execute("SELECT state FROM rm_entities ORDER BY id")
        states = (EntityState.model_validate_json(state) for (state,) in rows)
        return {state.record.id: state for state in states}

    def entities(self) -> list[EntityRecord]:
        return [state.record for state in self.entity_states().values()]

    def fact_ids(self) -> frozenset[str]:
        return frozenset(row[0] for row in self.connection.execute("SELECT id FROM rm_facts"))

    def target_keys(self) -> set[str]:
        return {row[0] for row in self.connection.execute("SELECT DISTINCT key FROM rm_targets")}

    def dump(self) -> dict[str, list[tuple[object, ...]]]:
        """Every read-model row, in a stable order: what `verify` compares."""
        return {table: self.connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
                for table in TABLES}


def _write_fact(db: sqlite3.Connection, state: FactState) -> None:
    fact = state.fact
    db.execute("INSERT OR REPLACE INTO rm_facts (id, version, state) VALUES (?, ?, ?)",
               (fact.id, state.version, state.model_dump_json()))
    for table in ("rm_mentions", "rm_sources", "rm_targets"):
        db.execute(f"DELETE FROM {table} WHERE fact_id=?", (fact.id,))
    db.executemany("INSERT INTO rm_mentions (entity_id, role, fact_id) VALUES (?, ?, ?)",
                   [(entity, role, fact.id) for role, ids in mentions(fact).items() for entity in ids])
    db.executemany("INSERT INTO rm_sources (fact_id, seq, reported_by) VALUES (?, ?, ?)",
                   [(fact.id, seq, reported_by(s).isoformat()) for seq, s in enumerate(fact.sources)])
    keys = {fact.target, *(s.differs.get("target") for s in fact.sources)} - {None}
    db.executemany("INSERT INTO rm_targets (key, fact_id) VALUES (?, ?)", [(key, fact.id) for key in keys])


def _write_entity(db: sqlite3.Connection, state: EntityState) -> None:
    record = state.record
    db.execute("INSERT OR REPLACE INTO rm_entities (id, entity, version, state) VALUES (?, ?, ?, ?)",
               (record.id, record.entity, state.version, state.model_dump_json()))
    db.execute("DELETE FROM rm_aliases WHERE entity_id=?", (record.id,))
    keys = {match_key(name) for name in (record.id, record.name, *record.aliases)}
    db.executemany("INSERT INTO rm_aliases (key, entity_id) VALUES (?, ?)", [(key, record.id) for key in keys])

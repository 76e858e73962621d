"""Writing folded states and their index rows, a statement per table for a whole batch of states."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from projections.chronology import mentions
from projections.facts import EntityState, FactState
from timeline.storage.database import Database
from timeline.storage.readmodels.rows import (
    alias_keys,
    entity_search_text,
    fact_search_text,
    keys_of,
    knowledge_days_of,
    occurred_keys,
    office_days,
)
from timeline.storage.readmodels.search import insert_search

FACT_INDEXES = ("rm_mentions", "rm_office_days", "rm_knowledge", "rm_targets", "rm_fulfils", "rm_occurred")


def write_facts(db: Database, states: list[FactState], stored: set[str], spans: dict[str, tuple[str, str]]) -> None:
    """Upsert fact states and replace their index rows (those already `stored` lose their old rows first)."""
    replaced = [(state.fact.id,) for state in states if state.fact.id in stored]
    for table in FACT_INDEXES:
        db.executemany(f"DELETE FROM {table} WHERE fact_id=?", replaced)
    db.executemany(
        "INSERT INTO rm_facts (id, version, state, first, last) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE "
        "SET version=excluded.version, state=excluded.state, last=excluded.last",
        [(state.fact.id, state.version, state.model_dump_json(), *spans[state.fact.id]) for state in states],
    )
    rowids = _rowids(db, "rm_facts", [state.fact.id for state in states])
    db.executemany("DELETE FROM rm_fact_search WHERE rowid=?", [(rowids[fact_id],) for (fact_id,) in replaced])
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in FACT_INDEXES}
    search: list[tuple[int, str]] = []
    for state in states:
        fact = state.fact
        rows["rm_mentions"] += [(entity, role, fact.id) for role, ids in mentions(fact).items() for entity in ids]
        rows["rm_knowledge"] += [(fact.id, day, what) for day, what in knowledge_days_of(fact)]
        rows["rm_office_days"] += [(office, fact.id, *days) for office, days in office_days(fact).items()]
        rows["rm_targets"] += [(key, fact.id) for key in keys_of(fact, "target")]
        rows["rm_fulfils"] += [(key, fact.id) for key in keys_of(fact, "fulfils")]
        rows["rm_occurred"] += [(*key, fact.id) for key in occurred_keys(fact)]
        search.append((rowids[fact.id], fact_search_text(fact)))
    for table, columns in FACT_COLUMNS.items():
        db.executemany(f"INSERT INTO {table} ({columns}) VALUES ({_marks(columns)})", rows[table])
    insert_search(db, "rm_fact_search", search)


FACT_COLUMNS = {
    "rm_mentions": "entity_id, role, fact_id",
    "rm_knowledge": "fact_id, day, what",
    "rm_office_days": "office, fact_id, first, last",
    "rm_targets": "key, fact_id",
    "rm_fulfils": "key, fact_id",
    "rm_occurred": "start, stop, fact_id",
}


def write_entities(
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
    aliases = [(key, state.record.id) for state in states for key in alias_keys(state.record)]
    db.executemany("INSERT INTO rm_aliases (key, entity_id) VALUES (?, ?)", aliases)
    insert_search(db, "rm_entity_search", [(rowids[s.record.id], entity_search_text(s.record)) for s in states])


def _marks(columns: str) -> str:
    return ", ".join("?" * (columns.count(",") + 1))


def _rowids(db: Database, table: str, ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for batch in chunks(ids, 500):
        found.update(db.execute(f"SELECT id, rowid FROM {table} WHERE id IN ({','.join('?' * len(batch))})", batch))
    return found


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of at most `size` items, in order."""
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch

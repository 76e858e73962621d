"""Writing folded states and their index rows, a statement per table for a whole batch of states.

A state written again changes only the index rows that differ from its previous version's: those are derived
again from that version (which the fold loaded anyway), the ones gone deleted by primary key (so no index by
fact id is needed) and only new ones inserted; its search text is unindexed and indexed again only if it changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from timeline.storage.database import Database
from timeline.storage.readmodels.rows import (
    FACT_COLUMNS,
    alias_rows,
    entity_search_text,
    fact_rows,
    fact_search_text,
)
from timeline.storage.readmodels.search import delete_search, insert_search

if TYPE_CHECKING:
    from projections.facts import EntityState, FactState


def write_facts(
    db: Database, states: list[FactState], old: dict[str, FactState], spans: dict[str, tuple[str, str]]
) -> None:
    """Upsert fact states and update their index and search rows (`old`: the states stored before, by id)."""
    replaced = [old[state.fact.id] for state in states if state.fact.id in old]
    was, now = fact_rows(state.fact for state in replaced), fact_rows(state.fact for state in states)
    for table, columns in FACT_COLUMNS.items():
        if was[table]:  # rows both versions hold stay
            kept = set(was[table]) & set(now[table])
            gone = [row for row in was[table] if row not in kept]
            db.executemany(f"DELETE FROM {table} WHERE {' AND '.join(c + '=?' for c in columns)}", gone)
            now[table] = [row for row in now[table] if row not in kept]
    db.executemany(
        "INSERT INTO rm_facts (id, version, state, first, last) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE "
        "SET version=excluded.version, state=excluded.state, last=excluded.last",
        [(state.fact.id, state.version, _json(state), *spans[state.fact.id]) for state in states],
    )
    rowids = _rowids(db, "rm_facts", [state.fact.id for state in states])
    was_text = {state.fact.id: fact_search_text(state.fact) for state in replaced}
    text = {state.fact.id: fact_search_text(state.fact) for state in states}
    changed = [fact_id for fact_id, before in was_text.items() if text[fact_id] != before]
    delete_search(db, "rm_fact_search", [(rowids[fact_id], was_text[fact_id]) for fact_id in changed])
    for table, rows in now.items():
        rows.sort()  # in primary-key order: each B-tree page is visited once per batch, not once per row
        db.executemany(f"INSERT INTO {table} ({', '.join(FACT_COLUMNS[table])}) VALUES ({_marks(table)})", rows)
    new = [(rowids[fact_id], body) for fact_id, body in text.items() if was_text.get(fact_id) != body]
    insert_search(db, "rm_fact_search", new)


def write_entities(
    db: Database, states: list[EntityState], old: dict[str, EntityState], spans: dict[str, tuple[str, str]]
) -> None:
    """Upsert entity states and replace their alias and search rows (`old`: the states stored before, by id)."""
    replaced = [old[state.record.id] for state in states if state.record.id in old]
    db.executemany("DELETE FROM rm_aliases WHERE key=? AND entity_id=?", alias_rows(s.record for s in replaced))
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
    delete_search(db, "rm_entity_search", [(rowids[s.record.id], entity_search_text(s.record)) for s in replaced])
    db.executemany("INSERT INTO rm_aliases (key, entity_id) VALUES (?, ?)", alias_rows(s.record for s in states))
    insert_search(db, "rm_entity_search", [(rowids[s.record.id], entity_search_text(s.record)) for s in states])


def _json(state: FactState) -> str:
    """A fact state as stored: fields at their defaults (no summary, no note, no differences...) left out, as
    decoding fills them in again (a quarter of the bytes)."""
    return state.model_dump_json(exclude_defaults=True)


def _marks(table: str) -> str:
    return ", ".join("?" * len(FACT_COLUMNS[table]))


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

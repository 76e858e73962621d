"""Removing the store a failed or interrupted first ingest made, so that it leaves nothing behind: only while the
store holds no event and no other process has it open (timeline/storage/claims.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from timeline.storage import claims
from timeline.storage.database import APP_NAME, Location

# What eventsourcing makes beside its table on PostgreSQL (the row type its insert function takes, for uuid ids).
_LOG_OBJECTS = ('FUNCTION IF EXISTS "es_insert_events_uuid"', 'TYPE IF EXISTS "stored_event_uuid"')


def discard_empty_store(location: Location) -> None:
    """Remove a store this run created and left without an event: an SQLite file (and its -wal and -shm), or what
    the run made in a PostgreSQL schema. A store holding any event, or open in another process (another first
    ingest may be about to write into it), is never touched; when in doubt, the store stays."""
    if location.is_postgres:
        _discard_postgres_store(location)
    elif location.path is not None and location.path.is_file():
        _discard_sqlite_file(location.path)


def _discard_sqlite_file(path: Path) -> None:
    alone = claims.claim_directory_alone(path.parent)
    if alone is None:
        return  # another process has it open (or cannot tell): keep it
    try:
        if path.stat().st_size and _holds_events(path):
            return
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
    finally:
        alone.release()


def _holds_events(path: Path) -> bool:
    """Whether the file's log holds an event (True when it cannot be read: keep it)."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            return "stored_events" in tables and bool(
                connection.execute("SELECT 1 FROM stored_events LIMIT 1").fetchone()
            )
        finally:
            connection.close()
    except sqlite3.Error:
        return True


def _discard_postgres_store(location: Location) -> None:
    """Drop the log's and the read models' tables and the log's function and type from the schema (the schema
    stays: it may have been made for the store, with its grants), once the log's table, locked, holds no row."""
    log_table = f"{APP_NAME}_events"
    try:
        database = location.connect(claim=False)
    except Exception:  # noqa: BLE001  (the server is gone: cannot tell, keep it)
        return
    try:
        if not database.execute(claims.CLAIM_SCHEMA_ALONE).fetchone()[0]:
            return  # another process has the store open: keep it (closing the connection ends the claim)
        with database.creating(), database.writing():  # (waiting no longer than the lock timeout)
            tables = database.tables()
            if log_table in tables:
                database.execute(f'LOCK TABLE "{log_table}" IN ACCESS EXCLUSIVE MODE')  # no append meanwhile
                if database.execute(f'SELECT 1 FROM "{log_table}" LIMIT 1').fetchone():
                    return
            for table in sorted(t for t in tables if t == log_table or t.startswith("rm_")):
                database.execute(f'DROP TABLE "{table}" CASCADE')
            for made in _LOG_OBJECTS:
                database.execute(f"DROP {made} CASCADE")
    except Exception:  # noqa: BLE001  (cannot tell, or cannot drop: keep it, as an empty store)
        return
    finally:
        database.close()

"""Is there a timeline store at a location, and how far does its log go: asked in plain SQL, so that a query
opens the event log (and imports eventsourcing) only when its read models are behind."""

from __future__ import annotations

import sqlite3

from timeline.errors import StoreError
from timeline.storage.database import (
    APP_NAME,
    Database,
    Location,
    failure_message,
    lock_timeout_seconds,
    store_errors,
)


def check_is_timeline_store(location: Location) -> bool:
    """Whether there is a store to open at the location (a file, or the log's table); refuse to open one that
    belongs to another program."""
    if location.is_postgres:
        return _check_postgres(location)
    path = location.path
    assert path is not None
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a store file")
    if not path.parent.is_dir():
        raise StoreError(f"{path}: cannot create a store there: no directory {path.parent}")
    if not path.exists() or path.stat().st_size == 0:
        return path.exists()
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise StoreError(f"{path}: not a timeline store (not an SQLite database)")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=lock_timeout_seconds())
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            claimed = (
                connection.execute("PRAGMA application_id").fetchone()[0]
                or connection.execute("PRAGMA user_version").fetchone()[0]
            )
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:  # busy, unreadable, or damaged pages
        raise StoreError(failure_message(location, error)) from None
    if not tables and claimed:
        raise StoreError(
            f"{path}: an SQLite database of another program (application id or user version set); "
            "refusing to add timeline tables to it"
        )
    foreign = sorted(t for t in tables if not t.startswith("rm_"))  # read models come first in a new store
    if foreign and "stored_events" not in tables:
        raise StoreError(
            f"{path}: an SQLite database of another program (tables: {', '.join(foreign)}); "
            "refusing to add timeline tables to it"
        )
    return True


def _check_postgres(location: Location) -> bool:
    with store_errors(location):
        database = location.connect()
        try:
            tables = database.tables()
        finally:
            database.close()
    log_table = f"{APP_NAME}_events"
    foreign = sorted(t for t in tables if t != log_table and not t.startswith("rm_"))
    if foreign and log_table not in tables:
        raise StoreError(
            f"{location}: schema holds tables of another program ({', '.join(foreign[:5])}); "
            "refusing to add timeline tables to it; give another schema with ?schema=NAME"
        )
    return log_table in tables


def log_position(db: Database) -> int:
    """The last position in the log (0 when it is empty or not created yet), read with the read models'
    connection."""
    table = "stored_events" if db.dialect == "sqlite" else f"{APP_NAME}_events"
    column = "rowid" if db.dialect == "sqlite" else "notification_id"
    if table not in db.tables():
        return 0
    row = db.execute(f"SELECT MAX({column}) FROM {table}").fetchone()
    return int(row[0] or 0)

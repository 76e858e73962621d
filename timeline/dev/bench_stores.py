"""Where `timeline bench` keeps its stores, and the raw limit of each backend, measured on the same payloads.

SQLite: files in the run's scratch directory; the limit is plain `sqlite3` `executemany` into a table with the
log's primary key (originator_id, version), in one transaction. PostgreSQL (`timeline bench --db URL`): one
schema per store, named `timeline_bench_<pid>_<store>` and dropped at the end; the limit is psycopg's plain
`executemany` of the same rows into such a table, and `COPY` of them, each in one transaction. Addresses pass
to child processes in the environment, never on a command line, and no figure holds a password.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from timeline.storage.database import locate

RAW_TABLE = "bench_raw_events"
EVENTS_BY_BACKEND = {"sqlite": "stored_events", "postgresql": "timeline_events"}


class Stores:
    """The stores of one run: SQLite files under `work`, or PostgreSQL schemas on the server at `url`."""

    def __init__(self, work: Path, url: str | None = None):
        self.work = work
        self.url = url
        self.made: list[str] = []

    @property
    def backend(self) -> str:
        return "postgresql" if self.url else "sqlite"

    @property
    def label(self) -> str:
        """The server as the figures name it: without the password."""
        return locate(self.url).label if self.url else "sqlite"

    def address(self, name: str) -> str:
        if self.url is None:
            return str(self.work / f"{name}.db")
        schema = f"timeline_bench_{os.getpid()}_{name}"
        self.made.append(schema)
        return urlsplit(self.url)._replace(query=urlencode({"schema": schema})).geturl()

    def copy(self, db: str) -> str | None:
        """A copy of a store to change without touching the one measured, on disk (None where a copy is not
        cheap)."""
        if self.url is not None:
            return None
        copy = db + ".add.db"
        shutil.copyfile(db, copy)
        # On disk before it is measured: a store in use is not a copy still being written back, and the first
        # fsync of the measured writer would otherwise wait for the whole file (2.6 GiB at 1M facts).
        with open(copy, "rb") as written:
            os.fsync(written.fileno())
        return copy

    def size(self, db: str) -> int:
        """The store's bytes: its files, or its schema's tables with their indexes and TOAST."""
        if self.url is None:
            return sum(p.stat().st_size for p in Path(db).parent.glob(Path(db).name + "*"))
        with closing(locate(db).connect()) as connection:
            row = connection.execute(
                "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind = 'r' "
                "AND c.relname NOT LIKE ?",
                (locate(db).postgres["schema"], RAW_TABLE + "%"),  # type: ignore[index]
            ).fetchone()
        return int(row[0])

    def drop(self) -> None:
        """Drop every schema this run made (SQLite files go with the scratch directory)."""
        if self.url is None or not self.made:
            return
        import psycopg

        settings: dict[str, Any] = dict(locate(self.url).postgres or {})
        settings.pop("schema")
        with psycopg.connect(**settings, autocommit=True) as connection:
            for schema in self.made:
                connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def stored_rows(db: str) -> list[tuple[Any, ...]]:
    """The log's rows as stored: (originator_id, version, JSON payload), in log order."""
    location = locate(db)
    if location.postgres is None:
        with sqlite3.connect(str(location.path)) as source:
            query = "SELECT originator_id, originator_version, state FROM stored_events ORDER BY rowid"
            return source.execute(query).fetchall()
    with closing(location.connect()) as connection:
        return connection.execute(
            "SELECT originator_id, originator_version, state FROM timeline_events ORDER BY notification_id"
        ).fetchall()


def raw_insert(db: str, raw: str, method: str = "executemany") -> tuple[int, float, float]:
    """Insert the store's payloads into a plain table with the log's primary key, in one transaction: the limit.
    Returns the rows and the wall and CPU seconds of the insert alone."""
    rows = stored_rows(db)
    location = locate(db)
    start, cpu = time.perf_counter(), time.process_time()
    if location.postgres is None:
        lite = sqlite3.connect(raw)
        lite.execute(
            f"CREATE TABLE {RAW_TABLE} (originator_id TEXT, version INTEGER, payload BLOB, "
            "PRIMARY KEY (originator_id, version))"
        )
        with lite:
            lite.executemany(f"INSERT INTO {RAW_TABLE} VALUES (?, ?, ?)", rows)
        lite.close()
    else:
        with closing(location.connect()) as database, database.connection.transaction():  # type: ignore[attr-defined]
            table = f"{RAW_TABLE}_{method}"
            database.execute(
                f"CREATE TABLE {table} (originator_id UUID, version BIGINT, payload BYTEA, "
                "PRIMARY KEY (originator_id, version))"
            )
            with database.connection.cursor() as cursor:  # type: ignore[attr-defined]
                if method == "copy":
                    with cursor.copy(f"COPY {table} (originator_id, version, payload) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    cursor.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s)", rows)
    return len(rows), time.perf_counter() - start, time.process_time() - cpu


def raw_read(db: str, raw: str) -> int:
    """Read the plain table's payloads and `json.loads` each: the limit of a rebuild."""
    location = locate(db)
    if location.postgres is None:
        lite = sqlite3.connect(raw)
        rows = lite.execute(f"SELECT payload FROM {RAW_TABLE} ORDER BY rowid")
        count = sum(1 for (state,) in rows if json.loads(state))
        lite.close()
        return count
    with closing(location.connect()) as database:
        found = database.execute(f"SELECT payload FROM {RAW_TABLE}_executemany")
        return sum(1 for (state,) in found if json.loads(state))

"""Where a store lives (an SQLite file, or a PostgreSQL database) and a small SQL connection to it.

The read models talk SQL through `Database`, written once with `?` placeholders: the PostgreSQL connection
translates them. What differs between the two dialects (schema, full-text search, locking) is asked of
`Database.dialect` by the read models themselves.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from timeline.errors import StoreError

LOCK_TIMEOUT_SECONDS = 5
if os.environ.get("TIMELINE_LOCK_TIMEOUT", "").strip().isdigit() and int(os.environ["TIMELINE_LOCK_TIMEOUT"]) > 0:
    LOCK_TIMEOUT_SECONDS = int(os.environ["TIMELINE_LOCK_TIMEOUT"])  # whole seconds, as eventsourcing wants

APP_NAME = "timeline"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class Location:
    """A store's address. `label` is what messages show: a PostgreSQL URL without its password."""

    label: str
    path: Path | None = None  # an SQLite file
    postgres: dict[str, str] | None = None  # host, port, user, password, dbname, schema

    @property
    def is_postgres(self) -> bool:
        return self.postgres is not None

    def eventsourcing_env(self) -> dict[str, str]:
        if self.postgres is None:
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.path),
                "SQLITE_LOCK_TIMEOUT": str(LOCK_TIMEOUT_SECONDS),
            }
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            **{f"POSTGRES_{key.upper()}": value for key, value in self.postgres.items()},
            "POSTGRES_CONNECT_TIMEOUT": str(LOCK_TIMEOUT_SECONDS),
            "POSTGRES_LOCK_TIMEOUT": str(LOCK_TIMEOUT_SECONDS),
            # One INSERT of an array of events through a database function, not psycopg's pipeline: a pipeline
            # of ~10,000 inserts deadlocked (client and server both waiting to read) in one big ingest.
            "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
        }

    def connect(self) -> Database:
        if self.postgres is None:
            return SQLiteDatabase(self)
        return PostgresDatabase(self)

    def __str__(self) -> str:
        return self.label


def locate(db: str) -> Location:
    """`path/to/file.db`, `sqlite:///path`, or `postgresql://user:password@host:port/dbname[?schema=name]`."""
    if not db.startswith(POSTGRES_SCHEMES):
        return Location(label=db.removeprefix("sqlite:///"), path=Path(db.removeprefix("sqlite:///")))
    try:
        url = urlsplit(db)
        port = str(url.port or 5432)
    except ValueError as error:
        raise StoreError(f"{_redacted(db)}: not a PostgreSQL URL ({error})") from None
    query = parse_qs(url.query)
    schema = query.pop("schema", [""])[-1]
    dbname = unquote(url.path.lstrip("/"))
    if not dbname or not url.username or query:
        raise StoreError(f"{_redacted(db)}: expected postgresql://user[:password]@host[:port]/dbname[?schema=name]")
    if schema and not schema.replace("_", "a").isalnum():
        raise StoreError(f"{_redacted(db)}: schema '{schema}' must be letters, digits and underscores")
    host = url.hostname or "localhost"
    user = unquote(url.username)
    label = f"postgresql://{user}@{host}:{port}/{dbname}" + (f"?schema={schema}" if schema else "")
    return Location(
        label=label,
        postgres={
            "host": host,
            "port": port,
            "user": user,
            "password": unquote(url.password or ""),
            "dbname": dbname,
            "schema": schema or "public",
        },
    )


def _redacted(url: str) -> str:
    head, at, tail = url.rpartition("@")
    return f"{head.split(':')[0]}://***@{tail}" if at else url


def failure_message(location: Location, error: Exception, doing: str = "") -> str:
    """What a user is told when the database refuses (sqlite3, psycopg or eventsourcing errors alike)."""
    text = (str(error).strip() or type(error).__name__).splitlines()[0]
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered or "lock timeout" in lowered:
        return f"{location}: the store is busy (locked by another process for over {LOCK_TIMEOUT_SECONDS}s); try again"
    if "readonly" in lowered or "read-only" in lowered or "permission denied" in lowered:
        who = " for this user" if location.is_postgres else ""
        return f"{location}: the store is read-only{who}; nothing was written"
    if location.is_postgres and ("connection" in lowered or "could not translate host" in lowered):
        return f"{location}: cannot connect to the PostgreSQL server: {text}"
    return f"{location}: {doing + ': ' if doing else ''}{text}"


@contextmanager
def store_errors(location: Location) -> Iterator[None]:
    """The database's operational failures (busy, read-only, unreachable, I/O) as one StoreError."""
    try:
        yield
    except Exception as error:
        if not _is_operational(error):
            raise
        raise StoreError(failure_message(location, error)) from None


def _is_operational(error: Exception) -> bool:
    if isinstance(error, sqlite3.OperationalError):
        return True
    persistence = sys.modules.get("eventsourcing.persistence")  # imported only where the event log was opened
    if persistence is not None and isinstance(error, persistence.OperationalError):
        return True
    psycopg = sys.modules.get("psycopg")  # imported only where a PostgreSQL store was opened
    return psycopg is not None and isinstance(error, (psycopg.OperationalError, psycopg.errors.InsufficientPrivilege))


class Database:
    """One connection: `execute`/`executemany` with `?` placeholders, and `writing()` for one transaction that
    holds the store's read-model write lock."""

    dialect: str

    def __init__(self, location: Location):
        self.location = location

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        raise NotImplementedError

    def script(self, sql: str) -> None:
        """Several statements separated by semicolons (none inside them), without parameters, in the current
        transaction if there is one."""
        for statement in sql.split(";"):
            if statement.strip():
                self.execute(statement)

    def writing(self) -> Any:
        """One transaction, as the only writer of read models (others wait up to the lock timeout)."""
        raise NotImplementedError

    def preparing(self) -> Any:
        """Where the tables are created if missing: a writing transaction where concurrent creation could clash."""
        raise NotImplementedError

    def creating(self) -> Any:
        """Held while another connection (the event log's) creates its tables: one creator at a time."""
        return nullcontext()

    def tables(self) -> set[str]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SQLiteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, location: Location):
        super().__init__(location)
        self.connection = sqlite3.connect(str(location.path), timeout=LOCK_TIMEOUT_SECONDS, isolation_level=None)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.connection.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.connection.executemany(sql, rows)

    @contextmanager
    def writing(self) -> Iterator[SQLiteDatabase]:
        self.connection.execute("BEGIN IMMEDIATE")  # one writer at a time, waiting up to the lock timeout
        try:
            yield self
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    @contextmanager
    def preparing(self) -> Iterator[SQLiteDatabase]:
        yield self  # SQLite's own file lock serialises the CREATE statements

    def tables(self) -> set[str]:
        return {row[0] for row in self.execute("SELECT name FROM sqlite_master WHERE type='table'")}

    def close(self) -> None:
        self.connection.close()


class PostgresDatabase(Database):
    dialect = "postgresql"
    WRITE_LOCK = 0x74696D65  # with the schema's hash, the advisory lock that serialises read-model writers

    def __init__(self, location: Location):
        import psycopg  # only PostgreSQL stores need it

        super().__init__(location)
        settings = dict(location.postgres or {})
        schema = settings.pop("schema")
        self.connection = psycopg.connect(**settings, autocommit=True, connect_timeout=LOCK_TIMEOUT_SECONDS)
        if not self.connection.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone():
            self.connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')  # a reader may not: only if needed
        self.connection.execute(f'SET search_path TO "{schema}"')
        self.connection.execute(f"SET lock_timeout = '{LOCK_TIMEOUT_SECONDS}s'")
        self.schema = schema

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.connection.execute(sql.replace("?", "%s"), params)  # type: ignore[arg-type]

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            with self.connection.cursor() as cursor:
                cursor.executemany(sql.replace("?", "%s"), rows)  # type: ignore[arg-type]

    @contextmanager
    def writing(self) -> Iterator[PostgresDatabase]:
        with self.connection.transaction():
            self.connection.execute("SELECT pg_advisory_xact_lock(%s, hashtext(current_schema()))", (self.WRITE_LOCK,))
            yield self

    def preparing(self) -> Any:
        return self.writing()

    @contextmanager
    def creating(self) -> Iterator[None]:
        self.connection.execute("SELECT pg_advisory_lock(%s, hashtext(current_schema()))", (self.WRITE_LOCK,))
        try:
            yield
        finally:
            self.connection.execute("SELECT pg_advisory_unlock(%s, hashtext(current_schema()))", (self.WRITE_LOCK,))

    def tables(self) -> set[str]:
        return {
            row[0]
            for row in self.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            )
        }

    def close(self) -> None:
        self.connection.close()

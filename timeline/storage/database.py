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
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from timeline.errors import StoreError, TimelineError
from timeline.storage import claims

DEFAULT_LOCK_TIMEOUT_SECONDS = 5


def lock_timeout_seconds() -> int:
    """How long a command waits for a busy store: TIMELINE_LOCK_TIMEOUT, whole seconds as eventsourcing wants (read
    when a store opens, not at import: a resident server's forks take their caller's environment)."""
    text = os.environ.get("TIMELINE_LOCK_TIMEOUT", "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else DEFAULT_LOCK_TIMEOUT_SECONDS


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
                "SQLITE_LOCK_TIMEOUT": str(lock_timeout_seconds()),
            }
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            **{f"POSTGRES_{key.upper()}": value for key, value in self.postgres.items()},
            "POSTGRES_CONNECT_TIMEOUT": str(lock_timeout_seconds()),
            "POSTGRES_LOCK_TIMEOUT": str(lock_timeout_seconds()),
            # One INSERT of an array of events through a database function, not psycopg's pipeline: a pipeline
            # of ~10,000 inserts deadlocked (client and server both waiting to read) in one big ingest.
            "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
        }

    def connect(self, claim: bool = True) -> Database:
        """A connection, holding a shared claim on the store while open (timeline/storage/claims.py) unless
        `claim` is False (the removal of a failed first ingest's store, which needs the claim alone)."""
        if self.postgres is None:
            return SQLiteDatabase(self, claim)
        return PostgresDatabase(self, claim)

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


def store_label(db: str) -> str:
    """The store as every message names it: a PostgreSQL URL without its password."""
    return locate(db).label


def _redacted(url: str) -> str:
    head, at, tail = url.rpartition("@")
    return f"{head.split(':')[0]}://***@{tail}" if at else url


def failure_message(location: Location, error: Exception, doing: str = "") -> str:
    """What a user is told when the database refuses (sqlite3, psycopg or eventsourcing errors alike)."""
    text = (str(error).strip() or type(error).__name__).splitlines()[0]
    lowered = text.lower()
    if "malformed" in lowered or "not a database" in lowered:
        return (
            f"{location}: cannot read the store file, it is damaged ({text}); `verify` and `rebuild` cannot "
            "repair it: restore it from a backup"
        )
    if "locked" in lowered or "busy" in lowered or "lock timeout" in lowered:
        waited = lock_timeout_seconds()
        return f"{location}: the store is busy (locked by another process for over {waited}s); try again"
    if location.is_postgres and "permission denied" in lowered:
        user = (location.postgres or {}).get("user", "")
        return (
            f"{location}: permission denied for user '{user}' ({text}); nothing was written (reading needs USAGE "
            "on the schema and SELECT on its tables; ingest also needs INSERT, UPDATE, DELETE and CREATE)"
        )
    if "readonly" in lowered or "read-only" in lowered or "permission denied" in lowered:
        return f"{location}: the store is read-only; nothing was written"
    if location.is_postgres and ("connection" in lowered or "could not translate host" in lowered):
        return f"{location}: cannot connect to the PostgreSQL server: {text}"
    return f"{location}: {doing + ': ' if doing else ''}{text}"


@contextmanager
def store_errors(location: Location) -> Iterator[None]:
    """The database's failures (busy, read-only, unreachable, I/O, damaged pages) and damaged contents (a read-model
    row that is not what it should be, an event that cannot apply) as one StoreError naming the store."""
    try:
        yield
    except TimelineError:
        raise
    except Exception as error:
        damage = _damaged_contents(location, error)
        if damage is None and not _is_database_failure(error):
            raise
        raise damage or StoreError(failure_message(location, error)) from None


def _damaged_contents(location: Location, error: Exception) -> StoreError | None:
    """An event that cannot apply, or a row the models refuse; the modules that raise them are imported only by
    the processes that fold events or validate (a query imports neither)."""
    domain, pydantic = sys.modules.get("events.domain"), sys.modules.get("pydantic")
    if domain is not None and isinstance(error, domain.UnappliableEvent):
        return StoreError(
            f"{location}: the log is damaged: {error}; `rebuild` and `verify` cannot repair the log itself: "
            "restore the store from a backup"
        )
    if pydantic is not None and isinstance(error, pydantic.ValidationError):  # read models hold what code wrote
        item = error.errors(include_url=False)[0]
        where = ".".join(map(str, item["loc"])) or "row"
        return StoreError(
            f"{location}: the read models hold a damaged row ({where}: {item['msg']}); "
            "`timeline rebuild` recreates them from the log"
        )
    return None


def _is_database_failure(error: Exception) -> bool:
    if isinstance(error, sqlite3.DatabaseError):
        return True
    persistence = sys.modules.get("eventsourcing.persistence")  # imported only where the event log was opened
    if persistence is not None and isinstance(error, persistence.PersistenceError):
        return True
    psycopg = sys.modules.get("psycopg")  # imported only where a PostgreSQL store was opened
    return psycopg is not None and isinstance(error, psycopg.Error)


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

    def writing(self, wait: bool = True) -> Any:
        """One transaction, as the only writer of read models (others wait up to the lock timeout; without
        `wait`, a writer already at work is a StoreError at once)."""
        raise NotImplementedError

    def preparing(self) -> Any:
        """Where the tables are created if missing: a writing transaction where concurrent creation could clash."""
        raise NotImplementedError

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Sequence[Any]]:
        """The rows of a query as they are read, a few thousand in memory at a time however many there are."""
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

    def __init__(self, location: Location, claim: bool = True):
        super().__init__(location)
        path = location.path or Path(":memory:")
        self.claim = claims.claim_directory(path.parent) if claim and path.name != ":memory:" else None
        try:
            self.connection = sqlite3.connect(str(path), timeout=lock_timeout_seconds(), isolation_level=None)
            # Some builds (Debian's) overwrite every freed page, so dropping or emptying read models (a rebuild)
            # wrote them all to the journal again; nothing is gained: every row they held is derived from the log.
            self.connection.execute("PRAGMA secure_delete = OFF")
        except BaseException:
            if self.claim is not None:
                self.claim.release()
            raise

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.connection.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.connection.executemany(sql, rows)

    @contextmanager
    def writing(self, wait: bool = True) -> Iterator[SQLiteDatabase]:
        if not wait:
            self.connection.execute("PRAGMA busy_timeout = 0")
        try:
            self.connection.execute("BEGIN IMMEDIATE")  # one writer at a time, waiting up to the lock timeout
        finally:
            if not wait:
                self.connection.execute(f"PRAGMA busy_timeout = {lock_timeout_seconds() * 1000}")
        try:
            yield self
            self.connection.execute("COMMIT")
        except BaseException:
            # SQLite has already rolled back after some failures (a full disk, an I/O error): a ROLLBACK then
            # fails too, and must not hide the error that says what went wrong.
            if self.connection.in_transaction:
                with suppress(sqlite3.Error):
                    self.connection.execute("ROLLBACK")
            raise

    @contextmanager
    def preparing(self) -> Iterator[SQLiteDatabase]:
        yield self  # SQLite's own file lock serialises the CREATE statements

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Sequence[Any]]:
        yield from self.connection.execute(sql, params)  # (SQLite steps through the rows as they are asked for)

    def tables(self) -> set[str]:
        return {row[0] for row in self.execute("SELECT name FROM sqlite_master WHERE type='table'")}

    def close(self) -> None:
        try:
            self.connection.close()
        finally:
            if self.claim is not None:
                self.claim.release()


class PostgresDatabase(Database):
    dialect = "postgresql"
    WRITE_LOCK = 0x74696D65  # with the schema's hash, the advisory lock that serialises read-model writers

    def __init__(self, location: Location, claim: bool = True):
        import psycopg  # only PostgreSQL stores need it

        super().__init__(location)
        settings: dict[str, Any] = dict(location.postgres or {})
        schema = settings.pop("schema")
        self.connection = psycopg.connect(**settings, autocommit=True, connect_timeout=lock_timeout_seconds())
        found = self.connection.execute(
            "SELECT has_schema_privilege(oid, 'USAGE') FROM pg_namespace WHERE nspname = %s", (schema,)
        ).fetchone()
        if found is None:
            self.connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')  # a reader may not: only if needed
        elif not found[0]:
            self.connection.close()
            user = settings["user"]
            raise StoreError(
                f"{location}: user '{user}' has no USAGE privilege on schema '{schema}', so it can see nothing "
                f'there; its owner can grant it: GRANT USAGE ON SCHEMA "{schema}" TO "{user}" (and SELECT on '
                "its tables)"
            )
        setup = [f'SET search_path TO "{schema}"', f"SET lock_timeout = '{lock_timeout_seconds()}s'"]
        if claim:
            setup.append(claims.CLAIM_SCHEMA)
        try:
            self.connection.execute("; ".join(setup))  # one round trip
        except BaseException:
            self.connection.close()
            raise
        self.schema = schema

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.connection.execute(_placeholders(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            with self.connection.cursor() as cursor:
                cursor.executemany(_placeholders(sql), rows)

    @contextmanager
    def writing(self, wait: bool = True) -> Iterator[PostgresDatabase]:
        with self.connection.transaction():
            if wait:
                self.execute("SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))", (self.WRITE_LOCK,))
            elif not self.execute(
                "SELECT pg_try_advisory_xact_lock(?, hashtext(current_schema()))", (self.WRITE_LOCK,)
            ).fetchone()[0]:
                raise StoreError(f"{self.location}: the store is busy (another process is updating the read models)")
            yield self

    def preparing(self) -> Any:
        return self.writing()

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Sequence[Any]]:
        with self.connection.transaction(), self.connection.cursor(name="timeline_stream") as cursor:
            cursor.itersize = 2000  # a server-side cursor: rows travel a batch at a time, not the whole result
            cursor.execute(_placeholders(sql), params)
            yield from cursor

    @contextmanager
    def creating(self) -> Iterator[None]:
        self.connection.execute("SELECT pg_advisory_lock(%s, hashtext(current_schema()))", (self.WRITE_LOCK,))
        try:
            yield
        finally:
            self.connection.execute("SELECT pg_advisory_unlock(%s, hashtext(current_schema()))", (self.WRITE_LOCK,))

    def tables(self) -> set[str]:
        """Every table of the schema, whatever this user may do with it (information_schema hides the rest)."""
        return {row[0] for row in self.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}

    def close(self) -> None:
        self.connection.close()


def _placeholders(sql: str) -> str:
    """SQL written for SQLite (`?` placeholders) in psycopg's style: `%s`, and a literal `%` (a LIKE pattern)
    doubled so that psycopg does not read it as a placeholder."""
    return sql.replace("%", "%%").replace("?", "%s")

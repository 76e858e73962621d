"""Shared fixtures: the CLI run in a scratch directory, the sample store, golden files, store digests.

Every CLI test runs in its own temporary working directory holding a copy of the bundled sample as
`sample/` (so that paths and the default store `timeline.db` print the same on every machine), with
colour off and a fixed width. Set UPDATE_GOLDEN=1 to rewrite tests/golden/ from the current output;
otherwise goldens are compared exactly.

With TIMELINE_TEST_POSTGRES=postgresql://user@host:port/db (`make test` sets it when it is given one), the
whole suite runs again with every store on that PostgreSQL server: each SQLite path a test names becomes
a schema of its own (named from the path, dropped after the test) while messages keep showing the path, so
goldens hold on both. Tests of what only a file can do (bytes, permissions, foreign files) are marked
`sqlite_only` and skipped there; tests/test_postgres.py covers PostgreSQL's own faults.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import timeline.storage.database
from cli import main
from timeline.storage.database import POSTGRES_SCHEMES, Database, Location

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "timeline" / "sample"
GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLE_ARGS = ("sample/entities.yaml", "sample/facts")
SAMPLE_FACTS = 15

# Colour off, fixed width, and no store or debug setting leaking in from the developer's shell.
CLI_ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "TIMELINE_DB": None, "TIMELINE_DEBUG": None}

POSTGRES = os.environ.get("TIMELINE_TEST_POSTGRES", "")  # run every store on this server instead of SQLite
_locate = timeline.storage.database.locate
_schemas: set[str] = set()


def on_postgres(db: str) -> Location:
    """Where a store named by an SQLite path lives when the suite runs on PostgreSQL: a schema of its own."""
    if db.startswith(POSTGRES_SCHEMES) or db == ":memory:":
        return _locate(db)
    path = Path(db.removeprefix("sqlite:///")).resolve()
    schema = "t_" + hashlib.sha1(str(path).encode()).hexdigest()[:20]
    _schemas.add(schema)
    server = _locate(POSTGRES).postgres or {}
    return Location(label=db.removeprefix("sqlite:///"), postgres={**server, "schema": schema})


# Tests that never open a store: the PostgreSQL pass skips them (the SQLite pass ran them).
STORE_FREE = pytest.mark.store_free


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): tests what only an SQLite file can do")
    config.addinivalue_line("markers", "store_free: never opens a store (run once, in the SQLite pass)")
    os.environ["TIMELINE_RESIDENT"] = "off"  # a developer's `timeline serve` must not serve the suite's processes
    if POSTGRES:
        timeline.storage.database.locate = on_postgres  # type: ignore[assignment]


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("sqlite_only")
    if POSTGRES and marker is not None:
        pytest.skip(f"SQLite only: {marker.args[0] if marker.args else 'a file store'}")
    if POSTGRES and item.get_closest_marker("store_free") is not None:
        pytest.skip("opens no store: it ran in the SQLite pass")


@pytest.fixture(autouse=POSTGRES != "")
def _drop_postgres_schemas() -> Iterator[None]:
    """On PostgreSQL, the schemas a test's stores made are dropped after it (templates at the session's end)."""
    before = set(_schemas)
    yield
    _drop(_schemas - before)


def pytest_sessionfinish(session: pytest.Session) -> None:
    _drop(set(_schemas))


def _drop(schemas: set[str]) -> None:
    _schemas.difference_update(schemas)
    if schemas:
        import psycopg

        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            for schema in sorted(schemas):
                connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


class Cli:
    """`timeline` invoked in-process, in the current (temporary) directory."""

    def __init__(self, root: Path):
        self.root = root
        self.runner = CliRunner()

    def __call__(self, *args: str, env: dict[str, str | None] | None = None) -> Result:
        return self.runner.invoke(main, list(args), env={**CLI_ENV, **(env or {})})

    def ok(self, *args: str, env: dict[str, str | None] | None = None) -> Result:
        """Run and require success: no exception, exit 0, nothing on stderr."""
        result = self(*args, env=env)
        assert result.exception is None, result.output
        assert result.exit_code == 0, result.output
        assert result.stderr == "", result.stderr
        return result

    def json(self, *args: str, env: dict[str, str | None] | None = None) -> Any:
        return json.loads(self.ok(*args, "--json", env=env).stdout)

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def edit(self, name: str, old: str, new: str) -> None:
        """Replace one exact, unique passage of an input file."""
        path = self.root / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} is not unique in {name}"
        path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The CLI in an empty scratch directory holding a copy of the sample as ./sample."""
    shutil.copytree(SAMPLE, tmp_path / "sample")
    monkeypatch.chdir(tmp_path)
    for name in ("TIMELINE_DB", "TIMELINE_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return Cli(tmp_path)


@pytest.fixture(scope="session")
def _sample_store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample ingested once per session; tests get a copy (the store does not know its own path)."""
    root = tmp_path_factory.mktemp("sample-store")
    shutil.copytree(SAMPLE, root / "sample")
    previous = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["ingest", *SAMPLE_ARGS], env=CLI_ENV)
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.output
    assert not (root / "timeline.db-wal").exists(), "a closed store should leave no write-ahead log"
    return root / "timeline.db"


@pytest.fixture
def sample_store(cli: Cli, _sample_store_template: Path) -> Path:
    """./timeline.db holding the ingested sample (the default store of every command)."""
    return copy_store(_sample_store_template, cli.root / "timeline.db")


def copy_store(template: Path, target: Path) -> Path:
    """A store at `target` holding what the sample store `template` holds: a copy of the file, or on PostgreSQL
    the sample ingested again (a schema cannot be copied as simply)."""
    if not POSTGRES:
        shutil.copyfile(template, target)
        return target
    from timeline.service import ingest, sample_paths

    ingest(sample_paths(), str(target))
    return target


def store_digest(db: Path) -> dict[str, str | None]:
    """sha256 of the store file and of its write-ahead log and shared-memory files (None: absent); on
    PostgreSQL, of every row of every table of the store's schema (row-identical instead of byte-identical)."""
    if POSTGRES:
        return postgres_digest(on_postgres(str(db)))
    digest: dict[str, str | None] = {}
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        digest[path.name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
    return digest


@contextmanager
def raw_sql(db: Path) -> Iterator[Database]:
    """A plain SQL connection to a store's database (autocommit, `?` placeholders), to break it by hand."""
    database = timeline.storage.database.locate(str(db)).connect()
    try:
        yield database
    finally:
        database.close()


def postgres_digest(location: Location) -> dict[str, str | None]:
    """sha256 of the sorted rows of each table in the location's schema."""
    import psycopg

    settings = dict(location.postgres or {})
    schema = settings.pop("schema")
    with psycopg.connect(**settings) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s ORDER BY 1", (schema,)
            )
        ]
        return {
            table: hashlib.sha256(
                repr(sorted(map(repr, connection.execute(f'SELECT * FROM "{schema}"."{table}"')))).encode()
            ).hexdigest()
            for table in tables
        }


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """compare(name, text): text must equal tests/golden/<name>; UPDATE_GOLDEN=1 writes it instead."""

    def compare(name: str, text: str) -> None:
        path = GOLDEN / name
        if os.environ.get("UPDATE_GOLDEN") == "1":
            GOLDEN.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1 to create it"
        assert text == path.read_text(encoding="utf-8")

    return compare


@contextmanager
def constants(module: Any, **values: object) -> Iterator[None]:
    """A module's constants set for the block: for hypothesis tests, which run many examples in one call of the
    test and so cannot use a function-scoped fixture such as monkeypatch."""
    saved = {name: getattr(module, name) for name in values}
    for name, value in values.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)

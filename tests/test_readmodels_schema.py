"""The read-model schema: SQL files shipped with the package, the same tables in both dialects, the occurred index,
and older stores given new tables on open."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import raw_sql

from projections.knowledge import view
from timeline.service import Store, sample_paths
from timeline.storage.readmodels import schema

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.sqlite_only(reason="builds an installed copy and opens an SQLite file with it")
def test_an_installed_copy_ships_the_read_model_schema_and_creates_its_tables(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "cli.py"):
        shutil.copy(REPO / name, source / name)
    for package in ("timeline", "events", "projections"):
        shutil.copytree(REPO / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    installed = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py", "--build-lib", installed],
        cwd=source,
        check=True,
        capture_output=True,
    )  # what an install copies: the packages and their package data
    assert sorted(p.name for p in (installed / "timeline/storage/readmodels/sql").iterdir()) == [
        "postgresql.sql",
        "sqlite.sql",
    ]
    store = tmp_path / "t.db"
    opened = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, timeline.storage.readmodels as r; from timeline.storage.database import locate; "
            "print(r.__file__); r.ReadModels(locate(sys.argv[1])).close()",
            str(store),
        ],
        cwd=tmp_path,
        env={"PYTHONPATH": str(installed), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    )
    assert opened.stdout.startswith(str(installed))
    with raw_sql(store) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert set(schema.TABLES) <= tables


def _declared(dialect: str) -> dict[str, str]:
    """Each table and index the dialect's file creates, with its column names."""
    found = {}
    for statement in schema.statements(dialect):
        named = re.match(r"CREATE (?:VIRTUAL )?(?:TABLE|INDEX) IF NOT EXISTS (\w+)", statement)
        assert named, statement
        columns = re.findall(r"[(,]\s*(\w+) (?:TEXT|INTEGER|BIGINT|TSVECTOR)", statement)
        found[named.group(1)] = " ".join(column for column in columns if column != "rowid")
    return found


def test_both_dialects_declare_the_same_tables_and_columns():
    sqlite, postgresql = _declared("sqlite"), _declared("postgresql")
    search = {"rm_fact_search", "rm_entity_search"}  # FTS5 tables there, tsvector tables with GIN indexes here
    assert set(sqlite) == {name for name in postgresql if not name.endswith("_words")}
    for name in set(sqlite) - search:
        assert sqlite[name] == postgresql[name], name
    assert all(postgresql[name] == "body words" and sqlite[name] == "" for name in search)
    assert set(schema.TABLES) | {"rm_position"} == {name for name in sqlite if "_by_" not in name}


def _write_fact_whose_later_source_moves_it(path: Path) -> None:
    fact = {
        "id": "nhsc-moved-meeting",
        "kind": "meeting",
        "occurred": "2022-03-23",
        "title": "A meeting a later report dates a day earlier (test data)",
        "projects": ["north-hanoi-smart-city"],
        "sources": [
            {"outlet": "VNA", "language": "en", "reported": "2022-03-24"},
            {"outlet": "Nhân Dân", "language": "vi", "reported": "2022-04-02", "differs": {"occurred": "2022-03"}},
        ],
    }
    path.write_text(yaml.safe_dump([fact], allow_unicode=True), encoding="utf-8")


def test_the_occurred_index_holds_the_date_every_fact_shows_on_any_day(tmp_path):
    extra = tmp_path / "moved.yaml"
    _write_fact_whose_later_source_moves_it(extra)
    with Store(str(tmp_path / "t.db"), create=True) as store:
        store.ingest([*sample_paths(), extra])
        rows: dict[str, set[tuple[int, int]]] = {}
        for start, stop, fact_id in store.read_models.connection.execute("SELECT * FROM rm_occurred"):
            rows.setdefault(fact_id, set()).add((start, stop))
        states = store.read_models.fact_states(store.read_models.fact_ids())
    assert set(rows) == set(states)
    assert len(rows["nhsc-moved-meeting"]) == 2
    shown = set()
    for as_of in (date(2022, 3, 25), date(2022, 4, 5), None):
        for fact_id, state in states.items():
            seen = view(state.fact, as_of)
            if seen is not None:
                assert seen.occurred.sort_key in rows[fact_id], (fact_id, as_of)
                shown.add((fact_id, seen.occurred.sort_key))
    assert len({key for fact_id, key in shown if fact_id == "nhsc-moved-meeting"}) == 2


def test_a_store_of_the_previous_read_model_version_gets_the_occurred_index_on_open(tmp_path):
    db = tmp_path / "t.db"
    with Store(str(db), create=True) as store:
        store.ingest(sample_paths())
        expected = store.read_models.dump()
    with raw_sql(db) as connection:
        connection.execute("DROP TABLE rm_occurred")
        connection.execute("UPDATE rm_position SET position=? WHERE name='schema'", (schema.READ_MODEL_VERSION - 1,))
    with Store(str(db)) as store:
        assert store.read_models.dump() == expected
        assert store.read_models.dump()["rm_occurred"]
        assert store.verify().ok

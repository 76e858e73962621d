"""What SQLite plans for the statements that must cost the same in a store of any size: adding new facts, and
following merges. Without ANALYZE statistics (a store never has any) a plan does not depend on the store's size, so
a small store shows the plans a store of a million facts gets."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from projections.selection import Filters
from timeline.dev.corpus import generate, more_facts
from timeline.service import Store, text_search

pytestmark = pytest.mark.sqlite_only("reads SQLite's query plans")

WHOLE_TABLE = re.compile(r"\bSCAN (?:\w+\.)?(\w+)\b(?! USING (?:COVERING )?INDEX)")
TINY = {"sqlite_master", "sqlite_schema"}  # and FTS5's own one-row tables (`..._config`)
BATCH_ONLY = {"rm_new_words"}  # the scratch vocabulary of one batch's new texts (readmodels/search.py)
FULL_TEXT_MATCH = re.compile(r"VIRTUAL TABLE INDEX \d+:\S*M")  # FTS5 reading its index for a MATCH


@contextmanager
def statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every SQL statement run on a connection opened meanwhile (the event log's as well), with its values."""
    seen: list[str] = []
    connect: Callable[..., sqlite3.Connection] = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(seen.append)
        return connection

    monkeypatch.setattr(sqlite3, "connect", traced)
    yield seen
    monkeypatch.setattr(sqlite3, "connect", connect)


def whole_table_scans(db: Path, sql: list[str]) -> dict[str, list[str]]:
    """The statements whose plan reads a whole table, by statement."""
    found: dict[str, list[str]] = {}
    with sqlite3.connect(db) as connection:
        for statement in dict.fromkeys(sql):
            if statement.startswith("CREATE VIRTUAL TABLE IF NOT EXISTS temp."):  # scratch tables, to plan with
                connection.execute(statement)
            if not re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", statement, re.IGNORECASE):
                continue
            plan = [row[-1] for row in connection.execute("EXPLAIN QUERY PLAN " + statement)]
            tables = [t for line in plan if not FULL_TEXT_MATCH.search(line) for t in WHOLE_TABLE.findall(line)]
            if [t for t in tables if t not in TINY | BATCH_ONLY and not t.endswith("_config")]:
                found[statement[:200]] = plan
    return found


@pytest.fixture
def store_and_more(tmp_path: Path) -> tuple[Path, Path]:
    """A store of generated facts, and a file of new facts naming its entities."""
    corpus = generate(tmp_path / "corpus", 60, seed=3)
    db = tmp_path / "store.db"
    with Store(str(db), create=True) as store:
        store.ingest([corpus.entities, corpus.facts])
    return db, more_facts(tmp_path / "more.jsonl", 20, 60, seed=3)


def test_adding_new_facts_reads_no_table_whole(store_and_more: tuple[Path, Path], monkeypatch) -> None:
    db, more = store_and_more
    with statements(monkeypatch) as seen, Store(str(db), create=True) as store:
        assert store.ingest([more]).appended == 20
    assert any(s.startswith("INSERT INTO rm_mentions") for s in seen)  # the whole path was traced
    assert whole_table_scans(db, seen) == {}


def test_following_merges_reads_only_the_merged_entities(store_and_more: tuple[Path, Path], monkeypatch) -> None:
    db, _ = store_and_more
    with Store(str(db)) as store, statements(monkeypatch) as seen:
        store.read_models.connection.connection.set_trace_callback(seen.append)  # type: ignore[attr-defined]
        assert store.read_models.merged_records() == []
    assert len(seen) == 1
    with sqlite3.connect(db) as connection:
        plan = [row[-1] for row in connection.execute("EXPLAIN QUERY PLAN " + seen[0])]
    assert plan == ["SCAN rm_entities USING INDEX rm_entities_by_merged"]


@pytest.mark.parametrize("few", [0, 10**6], ids=["scope-through-the-index", "scope-by-its-rows"])
def test_a_search_past_its_window_reads_no_table_whole(store_and_more: tuple[Path, Path], monkeypatch, few) -> None:
    db, _ = store_and_more
    sizes = {"WINDOW": 2, "NAMING": 2, "BATCH": 3, "FEW": few}
    with sqlite3.connect(db) as connection:
        project = connection.execute("SELECT id FROM rm_entities WHERE entity='project' ORDER BY id").fetchone()
    with Store(str(db)) as store, statements(monkeypatch) as seen:
        store.read_models.connection.connection.set_trace_callback(seen.append)  # type: ignore[attr-defined]
        for name, value in sizes.items():
            monkeypatch.setattr(text_search, name, value)
        for filters in (Filters(), Filters(project=project[0])):
            for words in ("ha noi", "thanh"):
                assert store.search(words, limit=1000, filters=filters).hits
    assert any("rowid < " in s and "MATCH" in s for s in seen)  # the older matches were read
    assert whole_table_scans(db, seen) == {}

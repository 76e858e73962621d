"""What SQLite plans for the statements that must cost the same in a store of any size: adding new facts, and
following merges. Without ANALYZE statistics (a store never has any) a plan does not depend on the store's size, so
a small store shows the plans a store of a million facts gets."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from projections.chronology import Window
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


@pytest.fixture(scope="module")
def busy_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of 400 generated facts, where the busiest project, partner and person each name dozens."""
    root = tmp_path_factory.mktemp("busy")
    corpus = generate(root / "corpus", 400, seed=5)
    db = root / "store.db"
    with Store(str(db), create=True) as store:
        store.ingest([corpus.entities, corpus.facts])
    return db


def _busiest(db: Path, role: str) -> tuple[str, int]:
    with sqlite3.connect(db) as connection:
        query = "SELECT entity_id, COUNT(*) AS n FROM rm_mentions WHERE role=? GROUP BY entity_id ORDER BY n DESC"
        return connection.execute(query, (role,)).fetchone()  # type: ignore[no-any-return]


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every fact state decoded from now on, however the statement read it (the real decoder, counted)."""
    from timeline.storage import decode

    found: list[object] = []
    fact_state = decode.fact_state
    monkeypatch.setattr(decode, "fact_state", lambda text: found.append(text) or fact_state(text))
    return found


@pytest.mark.parametrize(
    ("ask", "role"), [("project", "project"), ("partner", "partner"), ("person", "person")], ids=lambda v: str(v)
)
@pytest.mark.parametrize("window", [Window(), Window(date(2015, 1, 1), date(2019, 12, 31))], ids=["all", "window"])
def test_a_page_of_an_entitys_facts_reads_its_rows_not_the_entitys_every_fact(
    busy_store, monkeypatch, decoded, ask, role, window
):
    """A page of 3 reads the index range after its cursor and the states of about the facts it lists, whatever
    the entity holds (the unpaged answer reads every one of them)."""
    entity, held = _busiest(busy_store, role)
    assert held >= 30
    with Store(str(busy_store)) as store:
        first = getattr(store, ask)(entity, filters=Filters(window=window), limit=3)
        assert first.next is not None
        decoded.clear()
        with statements(monkeypatch) as seen:
            store.read_models.connection.connection.set_trace_callback(seen.append)  # type: ignore[attr-defined]
            page = getattr(store, ask)(entity, filters=Filters(window=window), after=first.next, limit=3)
        read = len(decoded)
        whole = getattr(store, ask)(entity, filters=Filters(window=window))
    assert 0 < len(page.to_json()["entries"]) <= 3 and len(whole.to_json()["entries"]) >= 6
    assert 0 < read <= 3 + 2  # a page and one, and the cursor
    ranges = [s for s in seen if "FROM rm_named_occurred" in s]
    assert ranges and all("LIMIT 4" in s for s in ranges)
    with sqlite3.connect(busy_store) as connection:
        plan = [row[-1] for row in connection.execute("EXPLAIN QUERY PLAN " + ranges[0])]
    key = "SEARCH rm_named_occurred USING PRIMARY KEY (entity_id=? AND role=? AND (start,stop,fact_id)>(?,?,?)"
    assert len(plan) == 1 and plan[0].startswith(key), plan  # (and start<? with a window: the range ends there)
    assert whole_table_scans(busy_store, seen) == {}


def test_a_page_of_people_reads_the_index_of_entities_by_kind(busy_store, monkeypatch) -> None:
    with Store(str(busy_store)) as store, statements(monkeypatch) as seen:
        store.read_models.connection.connection.set_trace_callback(seen.append)  # type: ignore[attr-defined]
        page = store.list_entities("people", (), Filters(), None, 5)
    assert len(page.rows) == 5 and page.next == page.rows[-1].record.id
    assert not [s for s in seen if "GROUP BY entity_id" in s and "WHERE entity_id IN" not in s]  # counts: the page's
    assert whole_table_scans(busy_store, seen) == {}


def test_a_page_of_the_people_of_a_busy_project_reads_about_the_people_it_lists(busy_store, monkeypatch, decoded):
    """`list people --project P --limit 2` looks each person after the cursor up in the index and reads a fact
    naming them and P: about a fact per person listed, whatever P holds (it read every fact of P for each page)."""
    from timeline.service import browse

    monkeypatch.setattr(browse, "SCOPE_READ_WHOLE", 10, raising=False)  # (a scope of 10 facts is read whole)
    project, held = _busiest(busy_store, "project")
    with Store(str(busy_store)) as store:
        first = store.list_entities("people", (), Filters(project=project), None, 2)
        decoded.clear()
        with statements(monkeypatch) as seen:
            store.read_models.connection.connection.set_trace_callback(seen.append)  # type: ignore[attr-defined]
            page = store.list_entities("people", (), Filters(project=project), first.next, 2)
    assert held >= 30 and len(page.rows) == 2 and page.next is not None
    assert 0 < len(decoded) <= 2 * (2 + 1)  # the page and one: a fact or two each
    assert whole_table_scans(busy_store, seen) == {}


def test_a_page_of_a_busy_project_with_a_rare_partner_reads_the_partners_range(busy_store, monkeypatch, decoded):
    """--partner names fewer facts than the project: a page reads the partner's range, never the project's."""
    project, held = _busiest(busy_store, "project")
    with sqlite3.connect(busy_store) as connection:
        partner, few = connection.execute(
            "SELECT p.entity_id, COUNT(*) AS n FROM rm_mentions p JOIN rm_mentions q ON q.fact_id = p.fact_id "
            "WHERE p.role='partner' AND q.role='project' AND q.entity_id=? "
            "GROUP BY p.entity_id ORDER BY n, p.entity_id",
            (project,),
        ).fetchone()
        named = connection.execute("SELECT COUNT(*) FROM rm_mentions WHERE entity_id=? AND role='partner'", (partner,))
        partner_held = named.fetchone()[0]
    assert few >= 1 and partner_held < held
    with Store(str(busy_store)) as store, statements(monkeypatch) as seen:
        store.read_models.connection.connection.set_trace_callback(seen.append)  # type: ignore[attr-defined]
        page = store.project(project, filters=Filters(partner=partner), limit=3)
    assert 1 <= len(page.entries) <= 3
    assert 0 < len(decoded) <= partner_held + 1
    assert all(f"entity_id = '{partner}'" in s for s in seen if "FROM rm_named_occurred" in s)
    assert whole_table_scans(busy_store, seen) == {}


def test_who_over_a_span_reads_the_facts_of_the_span_not_the_offices_every_fact(busy_store, monkeypatch, decoded):
    office, held = _busiest(busy_store, "office")
    span = Window(date(2018, 1, 1), date(2018, 12, 31))
    with Store(str(busy_store)) as store, statements(monkeypatch) as seen:
        store.read_models.connection.connection.set_trace_callback(seen.append)  # type: ignore[attr-defined]
        store.office(office, None, None, span)
    assert 0 < len(decoded) < held / 2, (len(decoded), held)
    assert any("FROM rm_named_occurred" in s and "start <= " in s for s in seen)
    assert whole_table_scans(busy_store, seen) == {}


def test_who_over_all_time_holds_a_batch_of_fact_states_at_a_time(busy_store, monkeypatch, decoded):
    """Every holder over time folds the office's facts a batch of states at a time (read from its index range),
    each decoded once, and answers as the facts read at once do (it read every state into one list before)."""
    from projections.entities import follow_merges
    from projections.offices import attestations, tenures
    from timeline import occurred

    office, held = _busiest(busy_store, "office")
    monkeypatch.setattr(occurred, "BATCH", 8)
    with Store(str(busy_store)) as store:
        every = [follow_merges(f, {}) for f in store.facts_naming(office, "office", None, {})]
        decoded.clear()
        read = store.read_models.fact_states
        sizes: list[int] = []
        monkeypatch.setattr(store.read_models, "fact_states", lambda ids: sizes.append(len(ids)) or read(ids))
        holders = store.office(office).holders
    assert held >= 30 and len(decoded) == held and max(sizes) <= 8
    assert holders == tenures([a for a in attestations(every) if a.office == office])


@pytest.mark.parametrize("ask", ["list_facts", "stats", "export"])
def test_a_page_of_a_busy_projects_facts_reads_its_range_not_the_project(busy_store, monkeypatch, decoded, ask) -> None:
    """`list facts`, `stats` and `export` pages with --project read the project's range after the cursor (they
    read and sorted every fact of the project before)."""
    project, held = _busiest(busy_store, "project")
    scoped = Filters(project=project)
    pages = {
        "list_facts": lambda store, after: store.list_facts(scoped, after, 3),
        "stats": lambda store, after: store.stats(after=after, limit=3, filters=scoped),
        "export": lambda store, after: store.export(after=after, limit=3, filters=scoped),
    }
    with Store(str(busy_store)) as store:
        first = pages[ask](store, None)
        decoded.clear()
        with statements(monkeypatch) as seen:
            store.read_models.connection.connection.set_trace_callback(seen.append)  # type: ignore[attr-defined]
            pages[ask](store, first.next)
    assert held >= 30 and 0 < len(decoded) <= 3 + 2  # every fact state decoded, however it was read
    assert whole_table_scans(busy_store, seen) == {}


@pytest.mark.parametrize("ask", ["project", "person", "list_facts"])
@pytest.mark.parametrize(
    "sifted", [Filters(kinds=("appointment",)), Filters(as_of=date(2000, 1, 1))], ids=["rare-kind", "early-as-of"]
)
def test_a_page_of_a_rare_kind_or_an_early_knowledge_date_decodes_the_facts_it_shows(
    busy_store, monkeypatch, decoded, ask, sifted
) -> None:
    """The index read leaves out the facts of other kinds (their stored state names none of the kinds asked for)
    and those not reported by the knowledge date (rm_knowledge): a page decodes what it shows and one more (it
    decoded every fact in the order up to its last one, most of them filtered out)."""
    from dataclasses import replace

    role = {"project": "project", "person": "person", "list_facts": "project"}[ask]
    entity, held = _busiest(busy_store, role)
    pages = {
        "project": lambda store: store.project(entity, filters=sifted, limit=3),
        "person": lambda store: store.person(entity, filters=sifted, limit=3),
        "list_facts": lambda store: store.list_facts(replace(sifted, project=entity), None, 3),
    }
    with Store(str(busy_store)) as store, statements(monkeypatch) as seen:
        store.read_models.connection.connection.set_trace_callback(seen.append)  # type: ignore[attr-defined]
        page = pages[ask](store)
    assert held >= 30 and len(page.entries) == 3
    assert len(decoded) <= 3 + 1, len(decoded)
    assert whole_table_scans(busy_store, seen) == {}


@pytest.mark.parametrize("ask", ["list_facts", "stats", "export"])
def test_a_page_of_a_late_window_reads_the_facts_of_the_window(busy_store, decoded, ask) -> None:
    """--since/--until are served by the occurred index: the rows of dates outside the window are never decoded."""
    late = Filters(window=Window(date(2025, 6, 1), None))  # (about 20 of the 400 facts end after it)
    pages = {
        "list_facts": lambda store: store.list_facts(late, None, 3),
        "stats": lambda store: store.stats(limit=3, filters=late),
        "export": lambda store: store.export(limit=3, filters=late),
    }
    with Store(str(busy_store)) as store:
        decoded.clear()
        page = pages[ask](store)
    assert page.next is not None and 0 < len(decoded) <= 3 + 1

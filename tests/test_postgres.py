"""Faults survived on PostgreSQL, each really done against the server in TIMELINE_TEST_POSTGRES (skipped without
one): concurrent writers, conflicting edits, SIGKILL mid-ingest, an unreachable server, bad URLs, and a schema
that belongs to another program.

Every command runs as a real `timeline` process given a `postgresql://` URL, each test in a schema of its own.
The rest of the suite runs on PostgreSQL too (see conftest.py); this file holds what only a server can do.
"""

from __future__ import annotations

import json
import signal
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import POSTGRES
from test_faults import (
    ENTITIES,
    ENTITY_COUNT,
    PROJECT,
    assert_clean_failure,
    assert_retryable,
    environment,
    fact,
    generated,
    kill_when,
    log,
    ok,
    race,
    run,
    start,
    write_facts,
)

pytestmark = pytest.mark.skipif(not POSTGRES, reason="set TIMELINE_TEST_POSTGRES=postgresql://... (make test-postgres)")


@pytest.fixture
def schema() -> Iterator[str]:
    """A fresh schema name, dropped (with what the test made in it) afterwards."""
    import psycopg

    name = f"f_{uuid.uuid4().hex[:16]}"
    yield name
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture
def url(schema: str) -> str:
    return f"{POSTGRES}?schema={schema}"


def sql(query: str, *params: Any) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        cursor = connection.execute(query, params)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def stored_count(schema: str) -> int:
    return sql(f'SELECT count(*) FROM "{schema}".timeline_events')[0][0]


def fact_streams(schema: str) -> Counter[int]:
    rows = sql(
        f'SELECT count(*) FROM "{schema}".timeline_events GROUP BY originator_id '
        "HAVING bool_or(topic LIKE '%%FactStream%%')"
    )
    return Counter(n for (n,) in rows)


def verify_passes(url: str, cwd: Any) -> None:
    report = json.loads(ok("verify", "--json", "--db", url, cwd=cwd).stdout)
    assert report["ok"] and report["differences"] == []


def test_sample_ingested_into_postgresql_answers_like_sqlite(tmp_path, url):
    """The same input gives the same answers (text and JSON) from either store."""
    sqlite = tmp_path / "t.db"
    for db in (str(sqlite), url):
        ok("ingest", ENTITIES.parent, "--db", db, cwd=tmp_path)
    for query in (
        ("project", PROJECT, "--json"),
        ("partner", "japan", "--json"),
        ("targets", "--json"),
        ("search", "thanh pho thong minh", "--json"),
        ("who", "japan-ambassador-vietnam", "--json"),
        ("project", PROJECT, "--as-of", "2023-01-01"),
    ):
        assert ok(*query, "--db", url, cwd=tmp_path).stdout == ok(*query, "--db", sqlite, cwd=tmp_path).stdout
    verify_passes(url, tmp_path)


def test_two_processes_ingesting_different_files_at_once_on_postgresql_lose_nothing(tmp_path, url, schema):
    """Both succeed, or the loser is told to retry and a retry succeeds; every event once; verify passes."""
    count = 300
    ok("ingest", ENTITIES, "--db", url, cwd=tmp_path)
    inputs = [write_facts(tmp_path / f"{who}.json", generated(who, count)) for who in "ab"]
    results = race(*[("ingest", path, "--db", url) for path in inputs], cwd=tmp_path)
    losers = [path for path, (code, _) in zip(inputs, results) if code != 0]
    for code, stderr in results:
        if code != 0:
            assert_retryable(code, stderr)
    assert len(losers) < 2, results
    assert stored_count(schema) == ENTITY_COUNT + count * (2 - len(losers))
    for path in losers:
        ok("ingest", path, "--db", url, cwd=tmp_path)
    subjects = Counter(event["subject"] for event in log(url, tmp_path))  # type: ignore[arg-type]
    assert all(subjects[f"{who}-{i}"] == 1 for who in "ab" for i in range(count))
    assert stored_count(schema) == ENTITY_COUNT + 2 * count
    verify_passes(url, tmp_path)


def waiting_on_the_log_table(schema: str) -> int:
    """Sessions waiting for a lock on the schema's event table."""
    return sql(
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT l.granted AND c.relname = 'timeline_events' AND n.nspname = %s",
        schema,
    )[0][0]


def test_conflicting_edits_of_one_fact_on_postgresql_name_the_fact_and_lose_nothing(tmp_path, url, schema):
    """Both runs plan a correction at version 2 while a gate (a session holding the event table's lock) holds
    their appends; when it opens, optimistic concurrency stops one: nothing of it written, the fact named."""
    import psycopg

    target, padding = "contested-meeting", 50
    ok("ingest", ENTITIES, "--db", url, cwd=tmp_path)
    ok("ingest", write_facts(tmp_path / "original.json", [fact(target, "Original title")]), "--db", url, cwd=tmp_path)
    inputs = [
        write_facts(tmp_path / f"{who}.json", generated(f"pad-{who}", padding) + [fact(target, f"By {who}")])
        for who in ("alice", "bob")
    ]
    with psycopg.connect(POSTGRES) as gate:
        gate.execute(f'LOCK TABLE "{schema}".timeline_events IN EXCLUSIVE MODE')
        env = environment(TIMELINE_LOCK_TIMEOUT="30")
        processes = [start("ingest", path, "--db", url, cwd=tmp_path, env=env) for path in inputs]
        deadline = time.monotonic() + 30
        while waiting_on_the_log_table(schema) < 2:
            assert time.monotonic() < deadline and all(p.poll() is None for p in processes), "never reached the lock"
            time.sleep(0.02)
        before = stored_count(schema)
        gate.rollback()
    errors = [p.communicate(timeout=60)[1] for p in processes]
    results = [(p.returncode, stderr) for p, stderr in zip(processes, errors)]
    assert sorted(code == 0 for code, _ in results) == [False, True], results
    (loser,) = [(path, stderr) for path, (code, stderr) in zip(inputs, results) if code != 0]
    line = assert_retryable(1, loser[1])
    assert "conflict" in line and f"'{target}'" in line and "pad-" not in line, line
    assert stored_count(schema) == before + padding + 1, "the loser wrote, or the winner did not"
    ok("ingest", loser[0], "--db", url, cwd=tmp_path)
    history = log(url, tmp_path, target)  # type: ignore[arg-type]
    assert [e["version"] for e in history] == [1, 2, 3]
    assert sorted(e["payload"]["changes"]["title"] for e in history[1:]) == ["By alice", "By bob"]
    verify_passes(url, tmp_path)


def appending(schema: str) -> bool:
    """A session is inside a transaction that has written to the schema's event table (not committed yet)."""
    return bool(
        sql(
            "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE l.granted AND l.mode = 'RowExclusiveLock' AND c.relname = 'timeline_events' "
            "AND n.nspname = %s",
            schema,
        )
    )


@pytest.mark.parametrize("moment", ["while-appending", "after-the-append-committed"])
def test_sigkill_mid_ingest_on_postgresql_leaves_all_or_nothing_and_a_rerun_completes(tmp_path, url, schema, moment):
    """Killed inside the append transaction, the server rolls it back: none of the run's events; killed after
    the commit (while read models catch up): all of them. Either way verify passes and a rerun completes."""
    count = 12_000  # the append is one INSERT of an array of events: big enough to be caught inside it
    ok("ingest", ENTITIES, "--db", url, cwd=tmp_path)
    big = write_facts(tmp_path / "big.json", generated("big", count))
    before = stored_count(schema)
    if moment == "while-appending":

        def ready() -> bool:
            return appending(schema)
    else:

        def ready() -> bool:
            return stored_count(schema) > before

    process = start("ingest", big, "--db", url, cwd=tmp_path)
    assert kill_when(process, ready), "the ingest ended before it could be killed; make it bigger"
    assert process.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 30
    while appending(schema):  # the server notices the dead client and rolls back
        assert time.monotonic() < deadline, "the killed session's transaction never ended"
        time.sleep(0.05)
    after = stored_count(schema)
    assert after == (before if moment == "while-appending" else before + count), (
        f"killed {moment}, yet the log holds {after - before} of {count} events"
    )
    verify_passes(url, tmp_path)
    summary = json.loads(ok("ingest", big, "--db", url, "--json", cwd=tmp_path).stdout)
    assert stored_count(schema) == before + count
    assert fact_streams(schema) == {1: count}
    assert summary["appended"] == (count if after == before else 0)
    verify_passes(url, tmp_path)


def test_unreachable_server_is_a_clear_error_that_never_shows_the_password(tmp_path):
    result = run("project", PROJECT, "--db", "postgresql://someone:s3cret@127.0.0.1:1/nowhere", cwd=tmp_path)
    line = assert_clean_failure(result.returncode, result.stderr, "cannot connect")
    assert "postgresql://someone@127.0.0.1:1/nowhere" in line
    assert "s3cret" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://127.0.0.1/db",
        "postgresql://user@host:notaport/db",
        "postgresql://user@host/",
        "postgresql://user@host/db?sslmode=off",
        "postgresql://user@host/db?schema=bad-name",
    ],
)
def test_malformed_postgresql_urls_are_refused_clearly(tmp_path, url):
    result = run("log", "--db", url, cwd=tmp_path)
    assert_clean_failure(result.returncode, result.stderr, "postgresql://", "schema")


def test_a_schema_of_another_program_is_refused_and_left_row_identical(tmp_path, url, schema):
    sql(
        f'CREATE SCHEMA "{schema}"; CREATE TABLE "{schema}".people (id int PRIMARY KEY, name text); '
        f"INSERT INTO \"{schema}\".people VALUES (1, 'Nguyễn Văn A')"
    )
    for args in (("ingest", ENTITIES), ("project", PROJECT), ("log",)):
        result = run(*args, "--db", url, cwd=tmp_path)
        line = assert_clean_failure(result.returncode, result.stderr, "another program")
        assert "people" in line
    tables = sql("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", schema)
    assert tables == [("people",)]
    assert sql(f'SELECT * FROM "{schema}".people') == [(1, "Nguyễn Văn A")]


def test_querying_an_empty_schema_says_there_is_no_store_and_creates_no_tables(tmp_path, url, schema):
    result = run("project", PROJECT, "--db", url, cwd=tmp_path)
    assert_clean_failure(result.returncode, result.stderr, "no timeline store here")
    assert sql("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", schema) == []


def test_a_user_who_may_only_read_can_query_but_not_ingest(tmp_path, url, schema):
    """A read-only role: queries answer; ingest fails clearly and writes nothing."""
    ok("ingest", ENTITIES.parent, "--db", url, cwd=tmp_path)
    role = f"reader_{schema}"
    sql(
        f'CREATE ROLE "{role}" LOGIN; GRANT USAGE ON SCHEMA "{schema}" TO "{role}"; '
        f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"'
    )
    try:
        reader = url.replace("://timeline@", f"://{role}@", 1) if "://timeline@" in url else None
        if reader is None:
            pytest.skip("the server URL's user is not `timeline`; cannot derive a reader URL")
        before = stored_count(schema)
        assert "4 facts" in ok("project", PROJECT, "--db", reader, cwd=tmp_path).stdout
        extra = write_facts(tmp_path / "extra.json", [fact("extra-meeting")])
        result = run("ingest", extra, "--db", reader, cwd=tmp_path)
        assert_clean_failure(result.returncode, result.stderr, "read-only", "permission")
        assert stored_count(schema) == before
    finally:
        sql(f'DROP OWNED BY "{role}"; DROP ROLE "{role}"')


def test_a_log_locked_past_the_timeout_refuses_to_ingest_clearly_and_answers_queries(tmp_path, url, schema):
    """Another session holds the event table's write lock: ingest gives up after TIMELINE_LOCK_TIMEOUT with one
    "busy, try again" line and writes nothing; queries (readers) still answer."""
    import psycopg

    ok("ingest", ENTITIES.parent, "--db", url, cwd=tmp_path)
    before = stored_count(schema)
    extra = write_facts(tmp_path / "extra.json", [fact("extra-meeting")])
    with psycopg.connect(POSTGRES) as holder:
        holder.execute(f'LOCK TABLE "{schema}".timeline_events IN EXCLUSIVE MODE')
        result = run("ingest", extra, "--db", url, cwd=tmp_path, env=environment(TIMELINE_LOCK_TIMEOUT="1"))
        assert "4 facts" in ok("project", PROJECT, "--db", url, cwd=tmp_path).stdout
        holder.rollback()
    line = assert_clean_failure(result.returncode, result.stderr, "busy")
    assert "try again" in line
    assert stored_count(schema) == before
    ok("ingest", extra, "--db", url, cwd=tmp_path)
    assert stored_count(schema) == before + 1


@pytest.mark.parametrize(
    "where",
    [
        "timeline.storage.log:EventLog.__init__ after",  # the new store's tables exist, nothing appended
        "timeline.storage.log:EventLog.append_batches before",  # about to append
    ],
)
def test_an_interrupted_first_ingest_on_postgresql_leaves_no_store_behind(tmp_path, url, schema, where):
    """As on SQLite (the new file is removed): the tables, type and function the run made are dropped, so the
    next command says there is no store (not an empty one), and an ingest then creates it whole."""
    from test_interrupts import BEFORE_COMMIT, assert_one_line, interrupted_at

    facts = write_facts(tmp_path / "facts.json", generated("f", 20))
    result = interrupted_at(where, "ingest", ENTITIES, facts, "--db", url, cwd=tmp_path)
    assert assert_one_line(result) == f"error: {BEFORE_COMMIT}"
    left = sql(
        "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s "
        "UNION ALL SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %s",
        schema,
        schema,
    )
    assert left == []
    stats = run("stats", "--db", url, cwd=tmp_path)
    assert_clean_failure(stats.returncode, stats.stderr, "no timeline store here")
    ok("ingest", ENTITIES, facts, "--db", url, cwd=tmp_path)
    assert stored_count(schema) == ENTITY_COUNT + 20
    verify_passes(url, tmp_path)


def test_a_failed_first_ingest_leaves_the_schema_another_first_ingest_is_using_whole(tmp_path, url, schema):
    """Two first ingests into one new schema: the one that fails (Ctrl-C once the tables exist) drops the tables,
    type and function it made only if no other process uses them; the other, which opened the store meanwhile,
    finishes into a complete store and verify passes."""
    from paused import failed_first_ingest_beside_another

    (a_code, a_stderr), (b_code, b_stderr) = failed_first_ingest_beside_another(url, tmp_path)
    assert (a_code, a_stderr.strip()) == (130, "error: interrupted before the commit: nothing was written")
    assert b_code == 0, b_stderr
    assert stored_count(schema) == ENTITY_COUNT + 30
    assert fact_streams(schema) == {1: 30}
    verify_passes(url, tmp_path)


def test_an_interrupted_ingest_into_an_empty_postgresql_store_keeps_it(tmp_path, url, schema):
    """A store that existed before the run (even one holding no event) is never removed."""
    from test_interrupts import BEFORE_COMMIT, assert_one_line, interrupted_at

    empty = tmp_path / "empty"
    empty.mkdir()
    ok("ingest", empty, "--db", url, cwd=tmp_path)
    facts = write_facts(tmp_path / "facts.json", generated("f", 20))
    where = "timeline.storage.log:EventLog.append_batches before"
    result = interrupted_at(where, "ingest", ENTITIES, facts, "--db", url, cwd=tmp_path)
    assert assert_one_line(result) == f"error: {BEFORE_COMMIT}"
    assert stored_count(schema) == 0
    verify_passes(url, tmp_path)

"""Issue 13 on a real PostgreSQL server (TIMELINE_TEST_POSTGRES; skipped without one): a password in the URL is
never printed, a committed ingest whose read models could not be updated says so, readers never wait for the
writers' lock, and a user without rights on the schema is told which right is missing.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

import pytest
from conftest import POSTGRES
from test_faults import (
    ENTITIES,
    PROJECT,
    assert_clean_failure,
    environment,
    fact,
    generated,
    ok,
    run,
    start,
    write_facts,
)
from test_postgres import sql, stored_count

pytestmark = pytest.mark.skipif(not POSTGRES, reason="set TIMELINE_TEST_POSTGRES=postgresql://... (make test-postgres)")

SECRET = "Planted-Secret-9d1e"


@pytest.fixture
def schema() -> Iterator[str]:
    """A fresh schema name, dropped (with what the test made in it) afterwards."""
    name = f"h_{uuid.uuid4().hex[:16]}"
    yield name
    sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture
def url(schema: str) -> str:
    return f"{POSTGRES}?schema={schema}"


LOCK = "SELECT pg_advisory_lock(1953066341, hashtext(%s))"  # the read-model writers' lock of a schema


def with_password(url: str) -> str:
    """The URL with a password planted (the throwaway server trusts local users, so it is not checked)."""
    scheme, rest = url.split("://", 1)
    user, host = rest.split("@", 1)
    return f"{scheme}://{user}:{SECRET}@{host}"


def test_a_password_in_the_url_is_never_printed_by_any_command(tmp_path, url):
    secret = with_password(url)
    article = tmp_path / "article.txt"
    article.write_text("Hà Nội, 12/3/2024 - Hanoi met Japan on the metro.", encoding="utf-8")
    bad = write_facts(tmp_path / "bad.json", [{"id": "Bad Id"}])
    commands = [
        ("ingest", ENTITIES.parent),
        ("ingest", ENTITIES.parent, "--json"),
        ("check", ENTITIES.parent),
        ("check", bad),
        ("ingest", bad),
        ("project", PROJECT),
        ("project", "no-such-project"),
        ("partner", "japan"),
        ("targets",),
        ("who", "hanoi-party-secretary"),
        ("person", "dinh-tien-dung"),
        ("search", "metro"),
        ("diff", "--from", "2021", "--to", "2024"),
        ("stats",),
        ("log",),
        ("verify",),
        ("rebuild",),
        ("rebuild", "--json"),
        ("draft", article),
        *[("export", "--format", fmt) for fmt in ("jsonl", "csv", "ics", "md", "timelinejs", "html")],
    ]
    for args in commands:
        result = run(*args, "--db", secret, cwd=tmp_path)
        assert "Traceback" not in result.stderr, (args, result.stderr)
        assert SECRET not in result.stdout + result.stderr, args
    demo = run("demo", "--db", secret, cwd=tmp_path, env=environment(TIMELINE_DB=secret))
    assert demo.returncode == 0, demo.stderr
    assert SECRET not in demo.stdout + demo.stderr
    assert url.split("?")[0].replace("postgresql://", "") in demo.stdout.replace("\n", "")


def test_a_committed_ingest_whose_read_models_wait_past_the_timeout_says_so_and_the_next_command_catches_up(
    tmp_path, url, schema
):
    import psycopg

    ok("ingest", ENTITIES.parent, "--db", url, cwd=tmp_path)
    before = stored_count(schema)
    extra = write_facts(tmp_path / "extra.json", [fact("late-meeting", title="A meeting caught up later")])
    with psycopg.connect(POSTGRES, autocommit=True) as holder:
        holder.execute(LOCK, (schema,))  # another process updating the read models, for longer than the timeout
        result = run("ingest", extra, "--db", url, "--json", cwd=tmp_path, env=environment(TIMELINE_LOCK_TIMEOUT="1"))
        during = run("project", PROJECT, "--db", url, cwd=tmp_path)  # a reader answers from what is committed
    assert result.returncode == 0, result.stderr
    (warning,) = json.loads(result.stdout)["warnings"]
    assert warning.startswith("1 events written; the read models will catch up on the next command")
    assert stored_count(schema) == before + 1
    assert during.returncode == 0 and "Traceback" not in during.stderr
    assert "A meeting caught up later" in ok("project", PROJECT, "--db", url, cwd=tmp_path).stdout
    ok("verify", "--db", url, cwd=tmp_path)


def test_queries_during_a_long_ingest_answer_without_the_writers_lock(tmp_path, url, schema):
    """While an ingest holds the read-model lock (here: a session holding it as one would), every query answers
    at once from the committed read models; none waits for the lock or dies on it."""
    import psycopg

    ok("ingest", ENTITIES.parent, "--db", url, cwd=tmp_path)
    ok("ingest", write_facts(tmp_path / "more.json", generated("more", 5)), "--db", url, cwd=tmp_path)
    sql(f"UPDATE \"{schema}\".rm_position SET position = 1 WHERE name = 'log'")  # behind: a reader would catch up
    slow = environment(TIMELINE_LOCK_TIMEOUT="30")
    with psycopg.connect(POSTGRES, autocommit=True) as holder:
        holder.execute(LOCK, (schema,))
        readers = [start("project", PROJECT, "--db", url, cwd=tmp_path, env=slow) for _ in range(6)]
        readers += [start("search", "metro", "--db", url, cwd=tmp_path, env=slow) for _ in range(4)]
        deadline = time.monotonic() + 25
        results = [(reader, *reader.communicate(timeout=max(1, deadline - time.monotonic()))) for reader in readers]
    for reader, _, stderr in results:
        assert reader.returncode == 0, stderr
        assert "Traceback" not in stderr


def test_a_user_without_usage_on_the_schema_is_told_what_is_missing(tmp_path, url, schema):
    ok("ingest", ENTITIES.parent, "--db", url, cwd=tmp_path)
    role = f"outsider_{schema}"
    sql(f'CREATE ROLE "{role}" LOGIN')
    try:
        if "://timeline@" not in url:
            pytest.skip("the server URL's user is not `timeline`; cannot derive another user's URL")
        outsider = url.replace("://timeline@", f"://{role}@", 1)
        for args in (("project", PROJECT), ("log",), ("ingest", ENTITIES.parent)):
            result = run(*args, "--db", outsider, cwd=tmp_path)
            line = assert_clean_failure(result.returncode, result.stderr, "usage privilege")
            assert f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"' in line
            assert "no timeline store here" not in line
        sql(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
        result = run("project", PROJECT, "--db", outsider, cwd=tmp_path)
        line = assert_clean_failure(result.returncode, result.stderr, "permission denied")
        assert "SELECT on its tables" in line
    finally:
        sql(f'DROP OWNED BY "{role}"; DROP ROLE "{role}"')

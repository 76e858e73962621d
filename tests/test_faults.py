"""Faults survived, on SQLite, each really done: concurrent writers, conflicting edits, SIGKILL mid-ingest, and
stores that are read-only, missing, locked, or not timeline stores.

Every command runs as a real `timeline` process (the venv's console script) on real files, so that locks,
transactions and crashes are those of separate processes, not of one interpreter.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
TIMELINE = str(Path(sys.executable).parent / "timeline")
ENTITIES = REPO / "timeline" / "sample" / "entities.yaml"
ENTITY_COUNT = sum(len(group) for group in yaml.safe_load(ENTITIES.read_text(encoding="utf-8")).values())
PROJECT = "north-hanoi-smart-city"

# These processes open the SQLite files they are given; tests/test_postgres.py does the same faults on a server.
pytestmark = pytest.mark.sqlite_only("real processes on store files; see tests/test_postgres.py")


# Helpers ------------------------------------------------------------------------------------------------------


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TIMELINE_DB", "TIMELINE_DEBUG", "TIMELINE_LOCK_TIMEOUT")}
    env.update(COLUMNS="100", NO_COLOR="1", TERM="dumb", **extra)
    return env


def command(*args: str | Path) -> list[str]:
    return [TIMELINE, *map(str, args)]


def run(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None, **popen: Any
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(*args), cwd=cwd, env=env or environment(), capture_output=True, text=True, timeout=120, **popen
    )


def start(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command(*args), cwd=cwd, env=env or environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def waiting_for_a_lock(process: subprocess.Popen[str]) -> bool:
    """The process sleeps in SQLite's busy handler (Linux /proc): it has planned its write and waits to make it."""
    try:
        wchan = Path(f"/proc/{process.pid}/wchan").read_text()
        state = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state == "S" and "sleep" in wchan


def ok(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = run(*args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def assert_clean_failure(returncode: int, stderr: str, *words: str) -> str:
    """Non-zero exit, exactly one `error:` line on stderr, no traceback; the line has one of `words`."""
    assert returncode != 0
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    if words:
        assert any(word in lines[0].lower() for word in words), lines[0]
    return lines[0]


def fact(fact_id: str, title: str | None = None, day: int = 0) -> dict[str, Any]:
    """A small valid meeting fact that references the bundled sample entities."""
    return {
        "id": fact_id,
        "kind": "meeting",
        "occurred": f"2023-{1 + day % 12:02d}-{1 + day % 28:02d}",
        "title": title or f"Generated meeting {fact_id}",
        "projects": [PROJECT],
        "partners": ["japan", "sumitomo"],
        "sources": [{"outlet": "VNA", "language": "en", "reported": "2024-01-01", "quote": f"quote {fact_id}"}],
    }


def write_facts(path: Path, facts: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(facts), encoding="utf-8")
    return path


def generated(prefix: str, count: int) -> list[dict[str, Any]]:
    return [fact(f"{prefix}-{i}", day=i) for i in range(count)]


def log(db: Path, cwd: Path, *fact_id: str) -> list[dict[str, Any]]:
    args = ("--fact", fact_id[0]) if fact_id else ()
    return json.loads(ok("log", *args, "--json", "--db", db, cwd=cwd).stdout)


def read_only(db: Path, sql: str) -> list[Any]:
    """The rows of a query of the store file, read directly (read-only) so that looking writes nothing."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def stored_count(db: Path) -> int:
    """Events in the log."""
    return read_only(db, "SELECT count(*) FROM stored_events")[0][0]


def fact_streams(db: Path) -> Counter[int]:
    """How many fact streams hold how many events (direct: `log --json` of thousands of facts is slow)."""
    sql = "SELECT count(*) FROM stored_events GROUP BY originator_id HAVING max(topic LIKE '%FactStream%')"
    return Counter(n for (n,) in read_only(db, sql))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sidecars(db: Path) -> dict[str, int | None]:
    """Sizes of the -wal and -shm files (None: absent)."""
    return {
        suffix: (p.stat().st_size if (p := db.with_name(db.name + suffix)).exists() else None)
        for suffix in ("-wal", "-shm")
    }


def verify_passes(db: Path, cwd: Path) -> None:
    report = json.loads(ok("verify", "--json", "--db", db, cwd=cwd).stdout)
    assert report["ok"] and report["differences"] == []


@pytest.fixture
def entities_store(tmp_path: Path) -> Path:
    """./timeline.db holding the sample entities (and no facts)."""
    db = tmp_path / "timeline.db"
    ok("ingest", ENTITIES, "--db", db, cwd=tmp_path)
    return db


def race(*commands: tuple[str | Path, ...], cwd: Path) -> list[tuple[int, str]]:
    """Start every command at once; their exit codes and stderr. Each must exit within the timeout."""
    processes = [start(*args, cwd=cwd) for args in commands]
    overlapped = all(p.poll() is None for p in processes)  # all alive together after the last one started
    results = []
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        results.append((process.returncode, stderr))
    assert overlapped, "the processes did not run at the same time; make the inputs bigger"
    return results


BUSY_OR_CONFLICT = ("busy", "conflict", "another writer")


def assert_retryable(returncode: int, stderr: str) -> str:
    line = assert_clean_failure(returncode, stderr, *BUSY_OR_CONFLICT)
    assert "run the command again" in line or "try again" in line, line
    return line


# 1. Two processes ingesting different files at once ------------------------------------------------------------


@pytest.mark.parametrize("fresh", [False, True], ids=["existing-store", "new-store-both-with-entities"])
def test_two_processes_ingesting_different_files_at_once_lose_nothing_and_duplicate_nothing(tmp_path, fresh):
    """Both succeed, or the loser is told the store was busy / in conflict and a retry succeeds; then every event
    of both inputs is in the log exactly once. With `fresh`, both create the store and register the same
    entities at once: exactly one registration of each must survive."""
    count = 300
    a = write_facts(tmp_path / "a.json", generated("a", count))
    b = write_facts(tmp_path / "b.json", generated("b", count))
    db = tmp_path / "timeline.db"
    if fresh:
        inputs = [(ENTITIES, a), (ENTITIES, b)]
    else:
        ok("ingest", ENTITIES, "--db", db, cwd=tmp_path)
        inputs = [(a,), (b,)]
    results = race(*[("ingest", *paths, "--db", db) for paths in inputs], cwd=tmp_path)
    assert any(code == 0 for code, _ in results), results
    losers = [paths for paths, (code, stderr) in zip(inputs, results) if code != 0]
    for code, stderr in results:
        if code != 0:
            assert_retryable(code, stderr)
    # The loser wrote nothing: the log holds exactly the winners' events.
    assert stored_count(db) == ENTITY_COUNT + count * (len(inputs) - len(losers))
    for paths in losers:
        ok("ingest", *paths, "--db", db, cwd=tmp_path)

    events = log(db, tmp_path)
    subjects = Counter(event["subject"] for event in events)
    expected = {f"{prefix}-{i}" for prefix in "ab" for i in range(count)}
    assert {s for s in subjects if s[:2] in ("a-", "b-")} == expected
    assert all(subjects[s] == 1 for s in expected), "a fact was appended twice"
    assert Counter(e["type"] for e in events) == {"EntityRegistered": ENTITY_COUNT, "FactReported": 2 * count}
    assert len({e["position"] for e in events}) == len(events)
    verify_passes(db, tmp_path)
    # Both inputs again append nothing: nothing was half-recorded that could be recorded again.
    ok("ingest", ENTITIES, a, b, "--db", db, cwd=tmp_path)
    assert stored_count(db) == ENTITY_COUNT + 2 * count


def test_a_failed_first_ingest_leaves_the_store_another_first_ingest_is_using_whole(tmp_path):
    """Two first ingests into one new file: the one that fails removes the store it made only if nobody else uses
    it; the other, which opened it meanwhile, finishes into a complete store (not into a deleted file)."""
    from paused import failed_first_ingest_beside_another

    db = tmp_path / "timeline.db"
    (a_code, a_stderr), (b_code, b_stderr) = failed_first_ingest_beside_another(db, tmp_path)
    assert (a_code, a_stderr.strip()) == (130, "error: interrupted before the commit: nothing was written")
    assert b_code == 0, b_stderr
    assert stored_count(db) == ENTITY_COUNT + 30
    assert {e["subject"] for e in log(db, tmp_path) if e["type"] == "FactReported"} == {f"b-{i}" for i in range(30)}
    verify_passes(db, tmp_path)


# 2. Two processes ingesting conflicting edits of the same fact ---------------------------------------------------


@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs Linux /proc to see a process wait on a lock")
def test_conflicting_edits_of_one_fact_lose_nothing_and_the_loser_is_told_which_fact(tmp_path, entities_store):
    """Both processes read the fact at version 1 and plan a correction at version 2 while a gate (another
    connection's write lock) holds them; the gate opens, one appends first, and optimistic concurrency must stop
    the other: nothing of its run written, the contested fact (and only it) named, a retry appending version 3."""
    db, target = entities_store, "contested-meeting"
    ok("ingest", write_facts(tmp_path / "original.json", [fact(target, "Original title")]), "--db", db, cwd=tmp_path)
    padding = 100  # uncontested facts in each run: the loser must write none and name none
    inputs = {
        who: write_facts(
            tmp_path / f"{who}.json", generated(f"pad-{who}", padding) + [fact(target, f"Edited by {who}")]
        )
        for who in ("alice", "bob")
    }
    gate = sqlite3.connect(db, isolation_level=None)
    gate.execute("BEGIN IMMEDIATE")
    try:
        env = environment(TIMELINE_LOCK_TIMEOUT="30")
        processes = [start("ingest", path, "--db", db, cwd=tmp_path, env=env) for path in inputs.values()]
        deadline = time.monotonic() + 30
        while not all(waiting_for_a_lock(p) for p in processes):
            assert time.monotonic() < deadline and all(p.poll() is None for p in processes), "never reached the lock"
            time.sleep(0.02)
        before = stored_count(db)  # while the gate holds them: a winner may commit as soon as it opens
    finally:
        gate.execute("ROLLBACK")
        gate.close()
    errors = [p.communicate(timeout=60)[1] for p in processes]
    results = [(p.returncode, stderr) for p, stderr in zip(processes, errors)]
    assert sorted(code == 0 for code, _ in results) == [False, True], f"exactly one run should lose: {results}"
    for (_who, path), (code, stderr) in zip(inputs.items(), results):
        if code == 0:
            continue
        line = assert_retryable(code, stderr)
        assert "conflict" in line, line
        assert f"'{target}'" in line, f"the loser is not told which fact conflicted: {line}"
        assert "pad-" not in line, f"the message names facts that did not conflict: {line}"
        assert stored_count(db) == before + padding + 1, "the loser wrote, or the winner did not"
        ok("ingest", path, "--db", db, cwd=tmp_path)

    history = log(db, tmp_path, target)
    assert [e["version"] for e in history] == [1, 2, 3], "versions are not 1..n contiguous"
    assert [e["type"] for e in history] == ["FactReported", "FactCorrected", "FactCorrected"]
    titles = [e["payload"]["changes"]["title"] for e in history[1:]]
    assert sorted(titles) == ["Edited by alice", "Edited by bob"], "an edit was lost or applied twice"
    subjects = Counter(e["subject"] for e in log(db, tmp_path))
    assert all(subjects[f"pad-{who}-{i}"] == 1 for who in inputs for i in range(padding))
    verify_passes(db, tmp_path)
    # The store states the edit that was recorded last.
    shown = json.loads(ok("project", PROJECT, "--json", "--db", db, cwd=tmp_path).stdout)
    assert titles[-1] in json.dumps(shown, ensure_ascii=False)


# 3. SIGKILL in the middle of a large ingest ------------------------------------------------------------------------


def kill_when(process: subprocess.Popen[str], ready: Any, deadline: float = 60) -> bool:
    """SIGKILL the process as soon as `ready()` is true; False if it ended first."""
    end = time.monotonic() + deadline
    while process.poll() is None and time.monotonic() < end:
        if ready():
            process.send_signal(signal.SIGKILL)
            process.communicate()
            return True
        time.sleep(0.002)
    process.communicate()
    return False


@pytest.mark.parametrize("moment", ["while-appending", "after-the-append-committed"])
def test_sigkill_in_the_middle_of_a_large_ingest_leaves_all_or_nothing_and_a_rerun_completes(
    tmp_path, entities_store, moment
):
    """Killed while the append transaction writes (its pages reach the WAL before the commit), the log holds none
    of the run's events; killed after the commit, while the read models catch up, it holds all of them. Either
    way the store verifies and re-running the ingest completes it."""
    db, count = entities_store, 6_000  # a ~4 MB transaction, more than SQLite caches: it spills into the WAL
    big = write_facts(tmp_path / "big.json", generated("big", count))
    before = stored_count(db)
    wal = db.with_name(db.name + "-wal")
    if moment == "while-appending":

        def ready() -> bool:  # the first pages of the append transaction spilled into the WAL
            return wal.exists() and wal.stat().st_size > 0
    else:

        def ready() -> bool:  # the append committed: its events are visible to another connection
            time.sleep(0.01)
            return wal.exists() and wal.stat().st_size > 0 and stored_count(db) > before

    process = start("ingest", big, "--db", db, cwd=tmp_path)
    assert kill_when(process, ready), "the ingest ended before it could be killed; make it bigger"
    assert process.returncode == -signal.SIGKILL

    after = stored_count(db)
    assert after in (before, before + count), f"a partial write survived: {after - before} of {count} events"
    assert after == (before if moment == "while-appending" else before + count), (
        f"killed {moment}, yet the log holds {after - before} of the run's events"
    )
    verify_passes(db, tmp_path)

    summary = json.loads(ok("ingest", big, "--db", db, "--json", cwd=tmp_path).stdout)
    assert stored_count(db) == before + count
    assert fact_streams(db) == {1: count}, "every input fact has exactly one stream holding one event"
    if after == before:  # the rerun does it all
        assert (summary["appended"], summary["new_facts"]) == (count, count)
    else:  # the killed run had done it all: the rerun appends nothing
        assert (summary["appended"], summary["unchanged"]) == (0, count)
    assert [e["type"] for e in log(db, tmp_path, f"big-{count - 1}")] == ["FactReported"]
    verify_passes(db, tmp_path)


# 4. Stores that are read-only, missing, locked, or not timeline stores --------------------------------------------

QUERIES = [("log",), ("project", PROJECT), ("verify",), ("search", "hanoi"), ("rebuild",)]


def _drop_dac_override() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Lose CAP_DAC_OVERRIDE from the bounding set, so that root obeys file modes like any user after exec."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(24, 1, 0, 0, 0) != 0:  # PR_CAPBSET_DROP, CAP_DAC_OVERRIDE
        raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def as_plain_user() -> dict[str, Any]:
    """subprocess options under which file modes are enforced: as root, drop CAP_DAC_OVERRIDE (so chmod 0444
    really stops writes); otherwise nothing is needed."""
    return {"preexec_fn": _drop_dac_override} if os.geteuid() == 0 else {}


@pytest.fixture
def read_only_enforced(tmp_path: Path) -> dict[str, Any]:
    """Options for a child that cannot write a 0444 file; skips if this machine cannot give that."""
    probe = tmp_path / "probe"
    probe.write_text("x")
    probe.chmod(0o444)
    options = as_plain_user()
    try:
        check = subprocess.run([sys.executable, "-c", f"open({str(probe)!r}, 'r+')"], capture_output=True, **options)
    except (OSError, subprocess.SubprocessError) as error:
        pytest.skip(f"cannot run a process that obeys file modes (root without CAP_SETPCAP?): {error}")
    finally:
        probe.chmod(0o644)
        probe.unlink()
    if check.returncode == 0:
        pytest.skip("chmod 0444 does not stop this process from writing (root with CAP_DAC_OVERRIDE kept)")
    return options


@pytest.mark.parametrize("directory_too", [False, True], ids=["file-0444", "file-and-directory-read-only"])
def test_a_read_only_store_refuses_to_ingest_clearly_and_is_not_modified(tmp_path, read_only_enforced, directory_too):
    home = tmp_path / "store"
    home.mkdir()
    db = home / "timeline.db"
    ok("ingest", ENTITIES, write_facts(tmp_path / "first.json", generated("first", 5)), "--db", db, cwd=tmp_path)
    assert sidecars(db) == {"-wal": None, "-shm": None}
    new = write_facts(tmp_path / "new.json", generated("new", 5))
    digest = sha256(db)
    db.chmod(0o444)
    if directory_too:
        home.chmod(0o555)
    try:
        result = run("ingest", new, "--db", db, cwd=tmp_path, **read_only_enforced)
        line = assert_clean_failure(result.returncode, result.stderr, "read-only")
        assert str(db) in line and "nothing was written" in line
        listed = run("log", "--json", "--db", db, cwd=tmp_path, **read_only_enforced)
        verified = run("verify", "--db", db, cwd=tmp_path, **read_only_enforced)
        if directory_too:
            # SQLite cannot read a WAL database without creating its index file beside it: a clear refusal.
            for query in (listed, verified):
                assert_clean_failure(query.returncode, query.stderr, "read-only")
        else:
            # Reading needs no write: queries on a current read-only store still answer.
            assert listed.returncode == 0 and verified.returncode == 0, listed.stderr + verified.stderr
            assert {e["subject"] for e in json.loads(listed.stdout) if e["type"] == "FactReported"} == {
                f"first-{i}" for i in range(5)
            }
    finally:
        home.chmod(0o755)
        db.chmod(0o644)
    assert sha256(db) == digest
    # SQLite may leave an empty WAL and its index beside a database it read; no page was written to them.
    assert sidecars(db)["-wal"] in (None, 0)


@pytest.mark.parametrize("args", QUERIES, ids=[q[0] for q in QUERIES])
def test_a_missing_store_is_reported_by_every_query_and_not_created(tmp_path, args):
    db = tmp_path / "nothing-here.db"
    result = run(*args, "--db", db, cwd=tmp_path)
    line = assert_clean_failure(result.returncode, result.stderr, "no timeline store")
    assert str(db) in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["missing-directory", "a-directory"])
def test_ingest_into_an_impossible_path_is_a_clear_error(tmp_path, where):
    db = tmp_path / "no" / "such" / "dir" / "t.db" if where == "missing-directory" else tmp_path / "adir"
    if where == "a-directory":
        db.mkdir()
    facts = write_facts(tmp_path / "f.json", generated("f", 3))
    result = run("ingest", ENTITIES, facts, "--db", db, cwd=tmp_path)
    line = assert_clean_failure(result.returncode, result.stderr)
    assert str(db) in line
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(["f.json"] + (["adir"] if db.is_dir() else []))


@pytest.fixture
def locked(entities_store: Path) -> Iterator[Path]:
    """The store, with another connection holding the write lock (BEGIN EXCLUSIVE) until the test ends."""
    holder = sqlite3.connect(entities_store, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield entities_store
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_store_locked_past_the_timeout_refuses_to_ingest_clearly_and_answers_queries(tmp_path, locked):
    db = locked
    digest, count = sha256(db), stored_count(db)
    facts = write_facts(tmp_path / "f.json", generated("f", 50))
    result = run("ingest", facts, "--db", db, cwd=tmp_path, env=environment(TIMELINE_LOCK_TIMEOUT="1"))
    line = assert_clean_failure(result.returncode, result.stderr, "busy")
    # "1s": the timeout the message names is the one every connection was given (one setting, database.py);
    # not timed here (a loaded machine stretches any wait).
    assert str(db) in line and "over 1s" in line and "try again" in line
    # A writer's lock does not block readers of a current store (WAL).
    assert ok("log", "--db", db, cwd=tmp_path).stdout
    assert sha256(db) == digest and stored_count(db) == count


def test_a_store_locked_against_readers_too_gives_a_clear_busy_message(tmp_path, entities_store):
    """An exclusive-locking-mode connection that wrote blocks every other connection, readers included."""
    db = entities_store
    digest = sha256(db)
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("CREATE TABLE scratch_lock (x)")  # a write, so that the exclusive lock is really taken
        for args in [("log",), ("ingest", write_facts(tmp_path / "f.json", generated("f", 3)))]:
            result = run(*args, "--db", db, cwd=tmp_path, env=environment(TIMELINE_LOCK_TIMEOUT="1"))
            line = assert_clean_failure(result.returncode, result.stderr, "busy")
            assert str(db) in line
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert sha256(db) == digest


def _random_file(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _text_file(path: Path) -> None:
    path.write_text("id,title\n1,not a database\n", encoding="utf-8")


def _corrupt_sqlite(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(4080))


def _other_programs_sqlite(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    connection.execute("INSERT INTO notes (body) VALUES ('someone else''s data')")
    connection.commit()
    connection.close()


def _other_programs_empty_sqlite(path: Path) -> None:
    """An SQLite file another program has claimed (application_id, user_version) but not yet given tables."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA application_id = 1234")
    connection.execute("PRAGMA user_version = 7")
    connection.commit()
    connection.close()


FOREIGN = {
    "random-bytes": (_random_file, "not an sqlite database"),
    "text-file": (_text_file, "not an sqlite database"),
    "corrupt-sqlite": (_corrupt_sqlite, "cannot read"),
    "sqlite-of-another-program": (_other_programs_sqlite, "another program"),
    "empty-sqlite-of-another-program": (_other_programs_empty_sqlite, "another program"),
}


@pytest.mark.parametrize("kind", FOREIGN)
def test_a_file_that_is_not_a_timeline_store_is_refused_and_left_byte_identical(tmp_path, kind):
    make, words = FOREIGN[kind]
    db = tmp_path / "other.db"
    make(db)
    digest = sha256(db)
    facts = write_facts(tmp_path / "f.json", generated("f", 3))
    commands = [("ingest", ENTITIES, facts), ("log",)]  # queries open stores alike: `log` stands for them
    processes = [start(*args, "--db", db, cwd=tmp_path) for args in commands]  # at once, to keep this fast
    for args, process in zip(commands, processes):
        _, stderr = process.communicate(timeout=60)
        line = assert_clean_failure(process.returncode, stderr, words)
        assert str(db) in line, f"{args[0]}: {line}"
    assert sha256(db) == digest, "the file was changed"
    assert sidecars(db) == {"-wal": None, "-shm": None}, "SQLite files were left beside it"


def test_an_export_whose_temporary_file_cannot_grow_names_the_temporary_folder_not_the_store(tmp_path):
    """md's footnotes and the HTML page's lanes wait in a temporary file (timeline/exports/spool.py; past its
    1 MiB of cache, which the page's 1,500 facts pass). A file size limit (RLIMIT_FSIZE, as a full disk would)
    stops it: one line naming the temporary folder and TMPDIR; before, it read `error: store.db: disk I/O error`,
    blaming a store that was only read."""
    from timeline import service
    from timeline.dev.corpus import generate

    made = generate(tmp_path / "corpus", 1500)
    db = tmp_path / "store.db"
    service.ingest([str(made.entities), str(made.facts)], str(db))
    spool = tmp_path / "spool"
    spool.mkdir()

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))

    done = subprocess.run(
        [TIMELINE, "export", "--format", "html", "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(TMPDIR=str(spool)),
        preexec_fn=limited,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"error: cannot write the export's temporary file in {spool} (")
    assert done.stderr.endswith("; free some space there or set TMPDIR to a folder with room\n")
    assert done.stderr.count("\n") == 1 and "store.db" not in done.stderr

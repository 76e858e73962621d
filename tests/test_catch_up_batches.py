"""A long catch-up of the read models (a rebuild, read models of another version, a big ingest) commits a batch at
a time: a real Ctrl-C keeps the batches committed and the next command goes on from there; another process never
answers from read models that hold only part of the log.

The child processes run the real CLI with small batches (the module's constants set before it runs, so that a
store of a few dozen events takes several batches) and a real signal sent to themselves at a chosen batch.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_faults import ENTITIES, environment, generated, ok, read_only, stored_count, write_facts
from test_interrupts import assert_one_line

pytestmark = pytest.mark.sqlite_only("real processes and signals on store files")

# argv: constants as JSON ({"module:NAME": value}), the function to signal in ("module:Owner.function"), the
# signal's name, before which call (1 = the first), then the command's arguments.
CHILD = """
import importlib, json, os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)  # a suite started in the background ignores SIGINT
for target, value in json.loads(sys.argv[1]).items():
    module_name, _, name = target.partition(":")
    owner = importlib.import_module(module_name)
    *parents, name = name.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    setattr(owner, name, value)
module_name, _, path = sys.argv[2].partition(":")
owner = importlib.import_module(module_name)
*parents, name = path.split(".")
for parent in parents:
    owner = getattr(owner, parent)
original, calls, sent, nth = getattr(owner, name), [], getattr(signal, sys.argv[3]), int(sys.argv[4])
def signalled(*args, **kwargs):
    calls.append(1)
    if len(calls) == nth:
        os.kill(os.getpid(), sent)
    return original(*args, **kwargs)
setattr(owner, name, signalled)
from cli import run
sys.argv = ["timeline", *sys.argv[5:]]
run()
"""
BATCH = 10  # events per batch in the children
SMALL = {"timeline.storage.readmodels.models:FLUSH": BATCH, "timeline.storage.readmodels.models:BULK": BATCH}
APPLY = "timeline.storage.readmodels.models:ReadModels._apply"
SECONDARY_INDEXES = {"rm_facts_by_last", "rm_entities_by_last"}  # two of them (sql/sqlite.sql)


def child(signal_name: str, nth: int, *args: str | Path, constants: dict[str, int] = SMALL) -> list[str]:
    return [sys.executable, "-c", CHILD, json.dumps(constants), APPLY, signal_name, str(nth), *map(str, args)]


def read_models_position(db: Path) -> int:
    return read_only(db, "SELECT position FROM rm_position WHERE name='log'")[0][0]


def indexes(db: Path) -> set[str]:
    return {name for (name,) in read_only(db, "SELECT name FROM sqlite_master WHERE type='index'")}


def wait_until_stopped(process: subprocess.Popen[bytes]) -> None:
    """Until the process has stopped itself (its state is T in Linux /proc)."""
    deadline = time.monotonic() + 60
    while Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "T":
        assert time.monotonic() < deadline and process.poll() is None, "the process never reached its batch"
        time.sleep(0.01)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store of about eighty events: eight batches of the children's size."""
    facts = write_facts(tmp_path / "facts.json", generated("f", 40))
    ok("ingest", ENTITIES, facts, "--db", "store.db", cwd=tmp_path)
    assert stored_count(tmp_path / "store.db") > 6 * BATCH
    return tmp_path / "store.db"


def built_by_another_version(db: Path) -> None:
    """Read models as an older release left them: the next command rebuilds them before answering."""
    connection = sqlite3.connect(db)
    try:
        with connection:
            connection.execute("UPDATE rm_position SET position = 1 WHERE name = 'schema'")
    finally:
        connection.close()


@pytest.mark.parametrize(
    "command",
    [("rebuild",), ("project", "north-hanoi-smart-city", "--json")],
    ids=["rebuild", "a query on read models of another version"],
)
def test_an_interrupted_catch_up_keeps_the_batches_it_committed_and_the_next_command_goes_on(store, command):
    if command[0] != "rebuild":
        built_by_another_version(store)
    events = stored_count(store)
    result = subprocess.run(
        child("SIGINT", 4, *command, "--db", store), env=environment(), capture_output=True, text=True, timeout=120
    )
    assert assert_one_line(result) == (
        f"error: interrupted; the log is unchanged; the read models hold {3 * BATCH} of its {events} events, and "
        "the next command applies the rest"
    )
    assert read_models_position(store) == 3 * BATCH  # three batches committed, the fourth rolled back
    assert not SECONDARY_INDEXES & indexes(store)  # a bulk load builds them at its end: not reached

    project = json.loads(ok("project", "north-hanoi-smart-city", "--json", "--db", store, cwd=store.parent).stdout)
    assert read_models_position(store) == events
    assert SECONDARY_INDEXES <= indexes(store)
    assert {f"f-{i}" for i in range(40)} <= {entry["fact"] for entry in project["entries"]}
    assert "OK" in ok("verify", "--db", store, cwd=store.parent).stdout  # the same rows as one rebuild's


def test_a_query_never_answers_from_read_models_another_process_has_only_partly_rebuilt(store):
    """The rebuilding process stops itself (SIGSTOP) inside its fourth batch, holding the write lock, with three
    batches committed: a query then waits for it (and says the store is busy) rather than answer from them."""
    rebuilding = subprocess.Popen(
        child("SIGSTOP", 4, "rebuild", "--db", store), env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        wait_until_stopped(rebuilding)
        assert read_models_position(store) == 3 * BATCH
        query = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                json.dumps({"timeline.service.store:Store.LONG_CATCH_UP": BATCH}),
                APPLY,
                "SIGINT",
                "0",  # (never)
                "project",
                "north-hanoi-smart-city",
                "--json",
                "--db",
                store,
            ],
            env=environment(TIMELINE_LOCK_TIMEOUT="1"),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert query.returncode != 0, "answered from part of the log"
        assert "busy" in query.stderr and "Traceback" not in query.stderr, query.stderr
    finally:
        rebuilding.send_signal(signal.SIGCONT)
        rebuilding.communicate(timeout=120)
    assert rebuilding.returncode == 0
    assert read_models_position(store) == stored_count(store)
    assert "OK" in ok("verify", "--db", store, cwd=store.parent).stdout


def test_a_query_a_few_events_behind_a_busy_writer_answers_from_what_is_committed_without_waiting(store):
    """The other side of the rule: read models less than a long catch-up behind (the real threshold: here about
    fifty events) are read as committed; waiting for the stopped writer would end in a busy error."""
    rebuilding = subprocess.Popen(
        child("SIGSTOP", 4, "rebuild", "--db", store), env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        wait_until_stopped(rebuilding)
        listed = json.loads(ok("list", "facts", "--json", "--db", store, cwd=store.parent).stdout)
        assert listed["count"] < 40  # what three batches hold
    finally:
        rebuilding.send_signal(signal.SIGCONT)
        rebuilding.communicate(timeout=120)

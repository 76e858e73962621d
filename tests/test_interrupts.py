"""Ctrl-C tells the truth: a real `timeline ingest` process gets a real SIGINT at chosen moments and says, on one
line with exit code 130, exactly what was written; the store agrees with it.

The moments are chosen by wrapping one function of the running process (`python -c` imports the CLI, wraps the
function so that it sends SIGINT to its own process at that point, then runs the command): the signal is real
and arrives where the test says, so no timing decides what is tested. One more test sends SIGINT from outside
at several points of a large ingest and checks only that the line and the store agree.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_faults import ENTITIES, environment, generated, ok, stored_count, write_facts

pytestmark = pytest.mark.sqlite_only("real processes on store files")

# Runs the CLI with one function wrapped to SIGINT its own process before or after the original runs.
# The target is "module:Owner.function" (or "module:function"), then "before" or "after", then which call (1 = the
# first).
WRAPPED = """
import os, signal, sys, importlib
signal.signal(signal.SIGINT, signal.default_int_handler)  # a suite started in the background ignores SIGINT
target, when, nth = sys.argv[1], sys.argv[2], int(sys.argv[3])
module_name, _, path = target.partition(":")
owner = importlib.import_module(module_name)
*parents, name = path.split(".")
for parent in parents:
    owner = getattr(owner, parent)
original = getattr(owner, name)
calls = []
def wrapped(*args, **kwargs):
    calls.append(1)
    if when == "before" and len(calls) == nth:
        os.kill(os.getpid(), signal.SIGINT)
    result = original(*args, **kwargs)
    if when == "after" and len(calls) == nth:
        os.kill(os.getpid(), signal.SIGINT)
    return result
setattr(owner, name, wrapped)
from cli import run
sys.argv = ["timeline", *sys.argv[4:]]
run()
"""

# The CLI as a child that takes Ctrl-C even when the suite runs in the background (where SIGINT is inherited ignored).
CHILD = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); from cli import run; run()"

BEFORE_COMMIT = "interrupted before the commit: nothing was written"


def interrupted_at(where: str, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `timeline ARGS` with SIGINT sent at `where`: "module:function when [nth]"."""
    target, when, *nth = where.split()
    return subprocess.run(
        [sys.executable, "-c", WRAPPED, target, when, nth[0] if nth else "1", *map(str, args)],
        cwd=cwd,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 130, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "Aborted" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: interrupted"), result.stderr
    return lines[0]


@pytest.mark.parametrize(
    "where",
    [
        "timeline.intake.stream:survey before",  # reading and validating the files
        "timeline.storage.log:EventLog.__init__ after",  # the new store's tables exist, nothing appended
        "timeline.intake.plan:plan after",  # planned against the stored state
        "timeline.storage.log:EventLog.append_batches before",  # about to append
    ],
)
def test_sigint_before_the_commit_writes_nothing_and_leaves_no_store_file(tmp_path, where):
    facts = write_facts(tmp_path / "facts.json", generated("f", 20))
    result = interrupted_at(where, "ingest", ENTITIES, facts, "--db", "new.db", cwd=tmp_path)
    assert assert_one_line(result) == f"error: {BEFORE_COMMIT}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.json"], "an interrupted first ingest left files"


def test_sigint_before_the_commit_into_an_existing_store_changes_nothing(tmp_path):
    ok("ingest", ENTITIES, "--db", "store.db", cwd=tmp_path)
    before = stored_count(tmp_path / "store.db")
    facts = write_facts(tmp_path / "facts.json", generated("f", 20))
    result = interrupted_at(
        "timeline.storage.log:EventLog.append_batches before", "ingest", facts, "--db", "store.db", cwd=tmp_path
    )
    assert assert_one_line(result) == f"error: {BEFORE_COMMIT}"
    assert stored_count(tmp_path / "store.db") == before


@pytest.mark.parametrize(
    "where",
    [
        "timeline.storage.log:EventLog.append_batches after",  # committed, read models not yet updated
        "timeline.service.bulk:Quiet.step before 3",  # committed: "updating the read models"
    ],
)
def test_sigint_after_the_commit_counts_the_events_written_and_the_next_command_catches_up(tmp_path, where):
    facts = write_facts(tmp_path / "facts.json", generated("f", 20))
    result = interrupted_at(where, "ingest", ENTITIES, facts, "--db", "new.db", cwd=tmp_path)
    written = stored_count(tmp_path / "new.db")
    assert written > 20
    assert assert_one_line(result) == (
        f"error: interrupted after the commit: {written} events written; read models will catch up on the next command"
    )
    assert "OK" in ok("verify", "--db", "new.db", cwd=tmp_path).stdout
    timeline = json.loads(ok("project", "north-hanoi-smart-city", "--json", "--db", "new.db", cwd=tmp_path).stdout)
    assert {f"f-{i}" for i in range(20)} <= {entry["fact"] for entry in timeline["entries"]}


def test_sigint_in_a_query_is_one_line_and_exit_130(tmp_path):
    ok("ingest", ENTITIES, "--db", "store.db", cwd=tmp_path)
    where = "timeline.service.store:Store.project before"
    result = interrupted_at(where, "project", "x", "--db", "store.db", cwd=tmp_path)
    assert assert_one_line(result) == "error: interrupted; the log is unchanged"


# Ctrl-C while Python loads the commands (a real SIGINT, sent by the child to itself when `click` is imported).
WHILE_LOADING = """
import os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
class InterruptOnImport:
    def find_spec(self, name, path=None, target=None):
        if name == "click":
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, InterruptOnImport())
from cli import run
sys.argv = ["timeline", "list", "--db", "store.db"]
run()
"""


def test_sigint_while_the_commands_load_is_one_line_not_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", WHILE_LOADING], cwd=tmp_path, env=environment(), capture_output=True, text=True
    )
    assert assert_one_line(result) == "error: interrupted; the log is unchanged"
    assert not (tmp_path / "store.db").exists()


def test_sigint_from_outside_at_any_moment_of_a_large_ingest_says_what_the_store_holds(tmp_path):
    """Real Ctrl-C from another process at several points of a large ingest: whatever the moment, exit 130 and
    one line, and the line agrees with the store (no file, or exactly the events it counts)."""
    facts = write_facts(tmp_path / "facts.json", generated("big", 3000))
    for attempt, delay in enumerate((0.6, 1.5, 3.0, 4.5, 6.0)):
        directory = tmp_path / f"run-{attempt}"
        directory.mkdir()
        process = subprocess.Popen(
            [sys.executable, "-c", CHILD, "ingest", str(ENTITIES), str(facts), "--db", "s.db"],
            cwd=directory,
            env=environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)  # where the signal lands varies; the assertions hold for every moment
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
        if process.returncode == 0:
            continue  # finished before the signal
        line = assert_one_line(subprocess.CompletedProcess([], process.returncode, "", stderr))
        db = directory / "s.db"
        if "after the commit" in line:
            written = stored_count(db)
            assert line.startswith(f"error: interrupted after the commit: {written} events written"), line
        else:  # before the commit, or before the ingest began
            assert line in (f"error: {BEFORE_COMMIT}", "error: interrupted; the log is unchanged"), line
            assert not db.exists(), line


@pytest.mark.parametrize(
    "where",
    [
        "timeline.service.store:Store.__exit__ before",  # committed and caught up; the store is being closed
        "timeline.commands.writing:ingest.callback after",  # the summary is printed; the command is returning
    ],
)
def test_sigint_after_a_finished_ingest_never_says_nothing_was_written(tmp_path, where):
    facts = write_facts(tmp_path / "facts.json", generated("f", 20))
    result = interrupted_at(where, "ingest", ENTITIES, facts, "--db", "new.db", cwd=tmp_path)
    written = stored_count(tmp_path / "new.db")
    assert written > 20
    if result.returncode == 0:  # the signal came when the work was done and reported: success stands
        assert "Traceback" not in result.stderr and "interrupted" not in result.stderr, result.stderr
        return
    assert assert_one_line(result).startswith(f"error: interrupted after the commit: {written} events written")

"""A real `timeline` process held at chosen points of its run until the test lets it go on, so that two processes
interleave in the order a test says, not as timing falls.

The child is the CLI run by `python -c` with functions wrapped (as in tests/test_interrupts.py): at the first call
of each wrapped function, before or after it runs, the process touches `<gate>-<n>.reached` and waits until the
test touches `<gate>-<n>.go`. Nothing is mocked: the process does its real work against the real store between
the points.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from test_faults import environment

PAUSING = """
import importlib, json, os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # a suite started in the background ignores SIGINT
points, gate = json.loads(sys.argv[1]), sys.argv[2]
def hold(n):
    open(f"{gate}-{n}.reached", "w").close()
    while not os.path.exists(f"{gate}-{n}.go"):
        time.sleep(0.005)
def wrap(n, target, when):
    module_name, _, path = target.partition(":")
    owner = importlib.import_module(module_name)
    *parents, name = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    original, calls = getattr(owner, name), []
    def wrapped(*args, **kwargs):
        calls.append(1)
        if when == "before" and len(calls) == 1:
            hold(n)
        result = original(*args, **kwargs)
        if when == "after" and len(calls) == 1:
            hold(n)
        return result
    setattr(owner, name, wrapped)
for n, where in enumerate(points):
    wrap(n, *where.split())
from cli import run
sys.argv = ["timeline", *sys.argv[3:]]
run()
"""


class Paused:
    """`timeline ARGS` started with a pause at each of `points` ("module:Owner.function before|after"), in order."""

    def __init__(self, points: list[str], *args: str | Path, cwd: Path, name: str):
        self.gate = cwd / f"gate-{name}"
        self.process = subprocess.Popen(
            [sys.executable, "-c", PAUSING, json.dumps(points), str(self.gate), *map(str, args)],
            cwd=cwd,
            env=environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.released = 0

    def reached(self, n: int) -> None:
        """Wait until the process holds at point `n` (it must not end first)."""
        deadline = time.monotonic() + 60
        while not Path(f"{self.gate}-{n}.reached").exists():
            if self.process.poll() is not None:
                raise AssertionError(f"ended before pause {n}: {self.process.communicate()[1]}")
            assert time.monotonic() < deadline, f"never reached pause {n}"
            time.sleep(0.01)

    def go_on(self, n: int) -> None:
        Path(f"{self.gate}-{n}.go").touch()

    def finish(self) -> tuple[int, str]:
        """Let every pause go and wait for the end: the exit code and stderr."""
        for n in range(100):
            self.go_on(n)
        _, stderr = self.process.communicate(timeout=120)
        return self.process.returncode, stderr

    def interrupt(self) -> tuple[int, str]:
        """Ctrl-C (a real SIGINT) where the process holds; the exit code and stderr."""
        self.process.send_signal(signal.SIGINT)
        _, stderr = self.process.communicate(timeout=120)
        return self.process.returncode, stderr

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def failed_first_ingest_beside_another(db: str | Path, cwd: Path) -> tuple[tuple[int, str], tuple[int, str]]:
    """Two first ingests into one new store, interleaved so that the failing one cleans up while the other uses it:
    B finds no store (so it too is a first ingest) and holds; A creates the store and holds; B opens it and holds
    before appending; A gets Ctrl-C, so it fails after the store's tables exist, and removes what it made if it
    may; then B goes on. The exit codes and stderr of A and B."""
    from test_faults import ENTITIES, generated, write_facts

    a_facts = write_facts(cwd / "a.json", generated("a", 20))
    b_facts = write_facts(cwd / "b.json", generated("b", 30))
    b_points = ["timeline.intake.stream:survey before", "timeline.storage.log:EventLog.append_batches before"]
    b = Paused(b_points, "ingest", ENTITIES, b_facts, "--db", db, cwd=cwd, name="b")
    a = None
    try:
        b.reached(0)  # B has looked: no store yet
        a = Paused(
            ["timeline.storage.log:EventLog.__init__ after"], "ingest", ENTITIES, a_facts, "--db", db, cwd=cwd, name="a"
        )
        a.reached(0)  # A has made the store's tables: nothing appended
        b.go_on(0)
        b.reached(1)  # B has opened the store A made and planned its events
        failed = a.interrupt()
        return failed, b.finish()
    finally:
        for process in (a, b):
            if process is not None:
                process.kill()

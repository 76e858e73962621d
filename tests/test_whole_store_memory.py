"""What reads a whole store holds a batch, not the store: the peak RSS growth of `verify` and of `stats` over a
store of 4N facts stays well below four times that of N facts (`verify` held both sides' every row: 2.7 GiB at
100,000 facts, ~27 GiB at a million by extrapolation; `stats` every fact: 3.2 GiB at a million). Measured in a fresh
child process each (its VmHWM); not timed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from timeline.dev.corpus import generate

PEAK = """
def peak_kib():  # this process's own peak RSS (ru_maxrss would start at the forking parent's, pytest's)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
"""

CHILD = (
    PEAK
    + """
import json, sys
from timeline import service
from timeline.service import maintenance
from timeline.storage import log  # noqa: F401  (imported before the first measurement)
from timeline.storage.readmodels import compare, models

models.FLUSH = 200  # small batches and buckets, so that a small store shows what a large one would
compare.COLLECTED = 200
# Date parsing and text folding keep bounded caches (65,536 entries each): emptied, as in test_ingest_memory.
from events.dates import parse_edtf
from events.text import fold

parse_edtf.cache_clear()
fold.cache_clear()
import gc

gc.collect()
before = peak_kib()
with service.Store(sys.argv[-1]) as store:
    if sys.argv[1] == "verify":
        ok = maintenance.verify(store).ok
    else:
        ok = store.stats().stats.facts > 0
after = peak_kib()
print(json.dumps({"grown_kib": after - before, "ok": ok}))
"""
)


def built(corpus: Path, n: int, db: Path) -> Path:
    """A store of n generated facts, ingested by a process of its own."""
    made = generate(corpus, n)
    ingest = "import sys; from timeline import service; service.ingest(sys.argv[1:-1], sys.argv[-1])"
    subprocess.run([sys.executable, "-c", ingest, str(made.entities), str(made.facts), str(db)], check=True)
    return db


def growth(operation: str, corpus: Path, n: int, db: Path) -> int:
    """The store built by one process, then read by another, whose peak is the operation's alone."""
    built(corpus, n, db)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, operation, str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)
    assert report["ok"]
    return int(report["grown_kib"])


@pytest.mark.parametrize(("operation", "most_kib"), [("verify", 4), ("stats", 2)])
def test_peak_memory_of_reading_a_whole_store_does_not_grow_with_the_store(
    tmp_path: Path, operation: str, most_kib: float
) -> None:
    n = 1500
    small = growth(operation, tmp_path / "small", n, tmp_path / "small.db")
    large = growth(operation, tmp_path / "large", 4 * n, tmp_path / "large.db")
    # Holding the store cost about 16 KiB a fact (verify, both sides) and 3.4 (stats) between these two sizes;
    # streamed, what grows is the bounded caches (dates, folded text, SQLite's pages): 1.7 and 0.9.
    per_fact_kib = (large - small) / (3 * n)
    assert per_fact_kib < most_kib, (small, large)


# Every command that can read the whole store without a scope, run as a user runs it (the CLI in a fresh process,
# its output to a file), on stores of N and 4N facts. Above LISTED_AT_ONCE (lowered to 100 here, so that a small
# store shows what a large one would) an unpaged answer asks for pages instead of holding them; a page, a stream
# and a refusal cost the same on either store. The bounded caches of parsed dates and folded text are made small
# too (functools.lru_cache capped before anything is imported), so that what remains is what the command holds.
COMMAND_CHILD = (
    PEAK
    + """
import functools, json, os, sys
lru_cache = functools.lru_cache
functools.lru_cache = lambda maxsize=128, typed=False: (
    lru_cache(maxsize) if callable(maxsize) else lru_cache(maxsize and min(maxsize, 256), typed)
)
from timeline import paging
paging.LISTED_AT_ONCE = 100
from timeline.commands.root import main
main.get_command(None, sys.argv[1])  # the command's module, imported before the first measurement
import gc

gc.collect()
before = peak_kib()
try:
    main.main(args=sys.argv[1:], prog_name="timeline")
except SystemExit as exit:
    code = exit.code
sys.stdout.flush()
after = peak_kib()
os.write(2, ("\\n" + json.dumps({"grown_kib": after - before, "code": code})).encode())
"""
)

N = 1500


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folders = {n: tmp_path_factory.mktemp(f"store{n}") for n in (N, 4 * N)}
    return {n: built(folder / "corpus", n, folder / "store.db") for n, folder in folders.items()}


def command_growth(args: list[str], db: Path, out: Path) -> tuple[int, int, str]:
    """The peak RSS growth (KiB) of one command in a process of its own, its exit code and what it said on stderr."""
    argv = [a.replace("OUT", str(out)) for a in args]
    with (out.parent / "stdout").open("wb") as sink:
        done = subprocess.run(
            [sys.executable, "-c", COMMAND_CHILD, *argv, "--db", str(db)],
            stdout=sink,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "COLUMNS": "100", "NO_COLOR": "1"},
        )
    said, _, report = done.stderr.rpartition("\n")
    measured = json.loads(report)
    return int(measured["grown_kib"]), measured["code"], said


REFUSED = [
    ["targets"],
    ["targets", "--json"],
    ["diff", "--from", "1990", "--to", "2026"],
    ["diff", "--recorded-from", "2000-01-01"],
    ["who", "off-000000"],
]
STREAMED_OR_PAGED = [
    ["targets", "--limit", "50", "--json"],
    ["diff", "--from", "1990", "--to", "2026", "--limit", "50", "--json"],
    ["log"],
    ["search", "tóm"],
    ["who", "off-000000", "--since", "2010", "--until", "2011"],
    ["person", "per-000000"],
    ["stats", "--plot", "OUT.svg"],
    ["export", "--format", "ics", "--out", "OUT.ics"],
    ["export", "--format", "md", "--out", "OUT.md"],
    ["export", "--format", "timelinejs", "--out", "OUT.json"],
    ["export", "--format", "html", "--out", "OUT.html"],
    ["export", "--format", "html"],
]


CASES = [(args, True) for args in REFUSED] + [(args, False) for args in STREAMED_OR_PAGED]


@pytest.mark.parametrize(("args", "refused"), CASES, ids=[" ".join(args) for args, _ in CASES])
def test_peak_memory_of_a_command_over_the_whole_store_does_not_grow_with_the_store(
    tmp_path: Path, stores: dict[int, Path], args: list[str], refused: bool
) -> None:
    (tmp_path / "small").mkdir()
    (tmp_path / "large").mkdir()
    small, code, said = command_growth(args, stores[N], tmp_path / "small" / "out")
    large, large_code, large_said = command_growth(args, stores[4 * N], tmp_path / "large" / "out")
    assert (code, large_code) == ((2, 2) if refused else (0, 0)), (said, large_said)
    if refused and args[0] == "who":  # too many to hold: it asks for a shorter span (who has no pages)
        assert "a shorter span with --since/--until" in large_said, large_said
    elif refused:  # too many to hold: it asks for pages, naming the option
        assert "a page at a time with" in large_said and "--limit 1000" in large_said, large_said
    # Held whole, these grew 0.9 (targets) to 8.6 KiB a fact (the HTML page); streamed, paged or refused, what
    # grows is what SQLite and the small caches keep (and the page's knowledge days, at most one a day): 0.1-0.5.
    per_fact_kib = (large - small) / (3 * N)
    assert per_fact_kib < 0.6, (small, large, said)

"""What reads a whole store holds a batch, not the store: the peak RSS growth of `verify` and of `stats` over a
store of 4N facts stays well below four times that of N facts (`verify` held both sides' every row: 2.7 GiB at
100,000 facts, ~27 GiB at a million by extrapolation; `stats` every fact: 3.2 GiB at a million). Measured in a fresh
child process each (`resource.getrusage`); not timed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from timeline.dev.corpus import generate

CHILD = """
import json, resource, sys
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
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with service.Store(sys.argv[-1]) as store:
    if sys.argv[1] == "verify":
        ok = maintenance.verify(store).ok
    else:
        ok = store.stats().stats.facts > 0
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"grown_kib": after - before, "ok": ok}))
"""


def growth(operation: str, corpus: Path, n: int, db: Path) -> int:
    """The store built by one process, then read by another, whose peak is the operation's alone."""
    made = generate(corpus, n)
    ingest = "import sys; from timeline import service; service.ingest(sys.argv[1:-1], sys.argv[-1])"
    subprocess.run([sys.executable, "-c", ingest, str(made.entities), str(made.facts), str(db)], check=True)
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

"""`verify` memory follows its batches, not the store: the peak RSS growth of verifying a store of 4N facts stays
well below four times that of N facts (it held both sides' every row: 2.7 GiB at 100,000 facts, so a million did
not fit in 24 GiB). Measured in a fresh child process each (`resource.getrusage`); not timed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from timeline.dev.corpus import generate

CHILD = """
import json, resource, sys
from timeline import service
from timeline.service import maintenance
from timeline.storage import log  # noqa: F401  (imported before the first measurement)
from timeline.storage.readmodels import compare, models

service.ingest(sys.argv[1:-1], sys.argv[-1])
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
    report = maintenance.verify(store)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"grown_kib": after - before, "ok": report.ok}))
"""


def verify_growth(corpus: Path, n: int, db: Path) -> int:
    made = generate(corpus, n)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(made.entities), str(made.facts), str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)
    assert report["ok"]
    return int(report["grown_kib"])


def test_verify_peak_memory_does_not_grow_with_the_store(tmp_path: Path) -> None:
    n = 1500
    small = verify_growth(tmp_path / "small", n, tmp_path / "small.db")
    large = verify_growth(tmp_path / "large", 4 * n, tmp_path / "large.db")
    # Both sides in memory cost about 25 KiB a fact; streamed, what is left is SQLite's and the allocator's caches.
    per_fact_kib = (large - small) / (3 * n)
    assert per_fact_kib < 4, (small, large)

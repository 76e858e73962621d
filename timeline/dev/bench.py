"""The benchmark: the engine against the raw-SQLite limit of its own store, on one machine in one run.

Each heavy phase runs in a child process so that its peak memory is its own. Figures, not assertions:
nothing here fails a build.
"""

from __future__ import annotations

import json
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

QUERY_RUNS = 200
CLI_RUNS = 20
STARTUP_RUNS = 10


def _child(*args: str) -> dict[str, Any]:
    """Run one phase in a fresh interpreter; it prints its figures as JSON."""
    done = subprocess.run(
        [sys.executable, "-m", "timeline.dev.bench", *args], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def phase(name: str, db: str, extra: str) -> dict[str, Any]:
    """One measured phase, in this process (called by the child)."""
    start = time.perf_counter()
    if name == "ingest":
        from timeline import service

        corpus = Path(extra)
        plan = service.ingest([corpus / "entities.jsonl", corpus / "facts"], db)
        count = plan.appended
    elif name == "reingest":
        from timeline import service

        corpus = Path(extra)
        plan = service.ingest([corpus / "entities.jsonl", corpus / "revised"], db)
        count = plan.appended
    elif name == "rebuild":
        from timeline.service import Timeline

        with Timeline(db) as store:
            start = time.perf_counter()
            count = store.rebuild()
    elif name == "raw-insert":
        with sqlite3.connect(db) as source:
            rows = source.execute(
                "SELECT originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"
            ).fetchall()
        start = time.perf_counter()
        raw = sqlite3.connect(extra)
        raw.execute(
            "CREATE TABLE events (stream TEXT, version INTEGER, topic TEXT, state BLOB, PRIMARY KEY (stream, version))"
        )
        with raw:
            raw.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", rows)
        raw.close()
        count = len(rows)
    elif name == "raw-read":
        raw = sqlite3.connect(extra)
        count = sum(1 for (state,) in raw.execute("SELECT state FROM events ORDER BY rowid") if json.loads(state))
        raw.close()
    else:
        raise SystemExit(f"unknown phase {name}")
    seconds = time.perf_counter() - start
    return {"phase": name, "seconds": seconds, "rows": count, "peak_mib": _peak_mib()}


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000,
    }


def _time(call: Callable[[], Any], runs: int) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return _percentiles(samples)


def queries(db: str, seed: int) -> dict[str, dict[str, float]]:
    """Warm in-process latencies of each query over QUERY_RUNS random arguments."""
    from timeline.service import Timeline

    rng = random.Random(seed)
    with Timeline(db) as store:
        rows = store.read_models.connection.execute("SELECT id, entity FROM rm_entities").fetchall()
        by_kind: dict[str, list[str]] = {}
        for entity_id, kind in rows:
            by_kind.setdefault(kind, []).append(entity_id)
        day = lambda: date(rng.randint(1996, 2026), rng.randint(1, 12), rng.randint(1, 28))  # noqa: E731
        words = ("ha noi", "duong sat", "thanh pho", "hop tac", "song hong", "viet nhat")
        cases: dict[str, Callable[[], Any]] = {
            "project": lambda: store.project(rng.choice(by_kind["project"])),
            "project --as-of": lambda: store.project(rng.choice(by_kind["project"]), day()),
            "partner": lambda: store.partner(rng.choice(by_kind["organisation"])),
            "targets --project": lambda: store.targets(rng.choice(by_kind["project"]), day(), date.today()),
            "who --on": lambda: store.office(rng.choice(by_kind["office"]), day()),
            "search": lambda: store.search(rng.choice(words), None, 20),
            "diff (one month)": lambda: (lambda d: store.diff(d, date.fromordinal(d.toordinal() + 30)))(day()),
        }
        return {name: _time(call, QUERY_RUNS) for name, call in cases.items()}


def _command_seconds(command: list[str], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        samples.append(time.perf_counter() - start)
    return samples


def run(facts: int, seed: int = 7, keep: Path | None = None) -> dict[str, Any]:
    """Every figure for a corpus of `facts` facts, with the three ratios."""
    from timeline.dev.corpus import generate

    work = Path(tempfile.mkdtemp(prefix="timeline-bench-")) if keep is None else keep
    try:
        corpus = generate(work / "corpus", facts, seed)
        db, raw = str(work / "bench.db"), str(work / "raw.db")
        ingest = _child("ingest", db, str(corpus.entities.parent))
        reingest = _child("reingest", db, str(corpus.entities.parent))
        rebuild = _child("rebuild", db, "")
        raw_insert = _child("raw-insert", db, raw)
        raw_read = _child("raw-read", db, raw)
        latencies = queries(db, seed)
        timeline_bin = str(Path(sys.executable).with_name("timeline"))
        project = sqlite3.connect(db).execute("SELECT id FROM rm_entities WHERE entity='project' LIMIT 1").fetchone()[0]
        cli = _percentiles(_command_seconds([timeline_bin, "project", project, "--db", db, "--json"], CLI_RUNS))
        help_s = statistics.median(_command_seconds([timeline_bin, "--help"], STARTUP_RUNS))
        python_s = statistics.median(_command_seconds([sys.executable, "-c", "pass"], STARTUP_RUNS))
        engine_rate = ingest["rows"] / ingest["seconds"]
        raw_rate = raw_insert["rows"] / raw_insert["seconds"]
        return {
            "facts": facts,
            "events": raw_insert["rows"],
            "ingest": {
                "seconds": ingest["seconds"],
                "facts_per_s": facts / ingest["seconds"],
                "events_per_s": engine_rate,
                "peak_mib": ingest["peak_mib"],
            },
            "reingest_with_corrections": {"seconds": reingest["seconds"], "events": reingest["rows"]},
            "raw_insert": {"seconds": raw_insert["seconds"], "rows_per_s": raw_rate},
            "ingest_ratio": engine_rate / raw_rate,
            "rebuild": {"seconds": rebuild["seconds"], "events": rebuild["rows"], "peak_mib": rebuild["peak_mib"]},
            "raw_read_decode": {"seconds": raw_read["seconds"]},
            "rebuild_ratio": rebuild["seconds"] / raw_read["seconds"],
            "queries_warm": latencies,
            "cli_project_json": cli,
            "startup": {"timeline_help_s": help_s, "python_pass_s": python_s, "ratio": help_s / python_s},
            "store_mib": Path(db).stat().st_size / 2**20,
        }
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps(phase(*sys.argv[1:4])))

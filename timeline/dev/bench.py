"""The benchmark: the engine against the raw-SQLite limit of its own store, on one machine in one run.

Each heavy phase runs in a child process so that its peak memory is its own. Figures, not assertions:
nothing here fails a build.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from timeline.dev.bench_stores import Stores, raw_insert, raw_read
from timeline.errors import TimelineError

QUERY_RUNS = 200
CLI_RUNS = 20
STARTUP_RUNS = 10
SERVED_PAUSE = 0.25  # seconds between two commands handed to a server: a spare fork's warm-up takes ~0.1 s
TIMELINE = str(Path(sys.executable).with_name("timeline"))  # the installed command, beside this interpreter


def _child(name: str, db: str, extra: str = "") -> dict[str, Any]:
    """Run one phase in a fresh interpreter; it prints its figures as JSON. The store's address goes in the
    environment (a PostgreSQL URL may hold a password: never on a command line, never in an error)."""
    done = subprocess.run(
        [sys.executable, "-m", "timeline.dev.bench", name, extra],
        capture_output=True,
        text=True,
        env={**os.environ, "TIMELINE_BENCH_DB": db},
    )
    if done.returncode != 0:  # a phase that fails says why (its last lines), not where the benchmark called it
        said = "\n".join(done.stderr.strip().splitlines()[-5:]) or f"exit status {done.returncode}"
        raise TimelineError(f"the benchmark's {name} phase failed:\n{said}")
    return json.loads(done.stdout)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def phase(name: str, db: str, extra: str = "") -> dict[str, Any]:
    """One measured phase, in this process (called by the child)."""
    from timeline import service  # imports are not the work measured (start-up has its own figures)

    start, cpu = time.perf_counter(), time.process_time()
    figures: dict[str, Any] = {}
    if name == "ingest":
        corpus = Path(extra)
        plan = service.ingest([corpus / "entities.jsonl", corpus / "facts"], db)
        count = plan.appended
    elif name == "add":
        plan = service.ingest([extra], db)
        count = plan.appended
    elif name == "reingest":
        corpus = Path(extra)
        plan = service.ingest([corpus / "entities.jsonl", corpus / "revised"], db)
        count = plan.appended
    elif name == "rebuild":
        from timeline.service import Store

        with Store(db) as store:
            start, cpu = time.perf_counter(), time.process_time()
            count = store.rebuild()
            wal = Path(f"{db}-wal")  # (SQLite) kept at its largest until the store is closed
            if wal.exists():
                figures["journal_mib"] = wal.stat().st_size / 2**20
    elif name == "validate":  # ingest's first pass alone: parse and validate every input fact, write nothing
        corpus = Path(extra)
        count = service.check([corpus / "entities.jsonl", corpus / "facts"], None).facts
    elif name == "decode":  # a rebuild's reading alone: every stored event decoded as the rebuild decodes it
        from timeline.service import Store

        with Store(db, catch_up=False) as store:
            start, cpu = time.perf_counter(), time.process_time()
            count = sum(1 for _ in store.log.read())
    elif name in ("raw-insert", "raw-copy"):  # the limit: the same payloads into a plain table, one transaction
        count, seconds, cpu_s = raw_insert(db, extra, "copy" if name == "raw-copy" else "executemany")
        return {"phase": name, "seconds": seconds, "cpu_s": cpu_s, "rows": count, "peak_mib": _peak_mib()}
    elif name == "raw-read":
        count = raw_read(db, extra)
    else:
        raise SystemExit(f"unknown phase {name}")
    seconds, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    return {"phase": name, "seconds": seconds, "cpu_s": cpu_s, "rows": count, "peak_mib": _peak_mib(), **figures}


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
    from timeline.exports import pieces
    from timeline.service import Store

    rng = random.Random(seed)
    with Store(db) as store:
        rows = store.read_models.connection.execute("SELECT id, entity FROM rm_entities").fetchall()
        fact_ids = sorted(store.read_models.fact_ids())
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
            "person": lambda: store.person(rng.choice(by_kind["person"])),
            "search": lambda: store.search(rng.choice(words), None, 20),
            # (unpaged, a month holding the corpus's retractions changes more facts than an answer lists at once)
            "diff (one month, --limit 1000)": lambda: (
                lambda d: store.diff(d, date.fromordinal(d.toordinal() + 30), limit=1000)
            )(day()),
            "diff (one year, --limit 50)": lambda: (
                lambda d: store.diff(d, date.fromordinal(d.toordinal() + 365), limit=50)
            )(day()),
            "log --limit 50 (a page anywhere)": lambda: list(
                store.event_page(None, rng.randint(0, store.log.max_position()), 50)
            ),
            "export jsonl --limit 50 (a page anywhere)": lambda: "".join(
                pieces("jsonl", store.export(after=rng.choice(fact_ids), limit=50))
            ),
            "stats --limit 50 (a page anywhere)": lambda: store.stats(after=rng.choice(fact_ids), limit=50),
        }
        return {name: _time(call, QUERY_RUNS) for name, call in cases.items()}


def _command_times(
    command: list[str], runs: int, db: str | None = None, server: Server | None = None
) -> tuple[float, float]:
    """Median wall and CPU seconds (the child's user + system time) of a command, after one warm-up run. Bytecode
    may be cached as on any installed copy: with PYTHONDONTWRITEBYTECODE set (as in some sandboxes) every run
    would recompile the project's modules."""
    subprocess.run(command, capture_output=True, check=True, env=_environment(db, server))
    if server is not None:
        server.cpu_seconds(1)
    return _times([command] * runs, db, server)


def _times(commands: list[list[str]], db: str | None = None, server: Server | None = None) -> tuple[float, float]:
    """Median wall and CPU seconds of these commands, each a new process, one after the other; on a shared machine
    the CPU figure is the fairer. The store is named in the environment (TIMELINE_DB), so no password is ever on a
    command line. Each command runs alone (TIMELINE_RESIDENT=off: a `timeline serve` of the user's own does not
    serve it), or served by `server`, when its CPU is the client's and the served process's together, and each
    starts a moment after the last, as a person's commands come (the server's spare fork warms up meanwhile)."""
    env = _environment(db, server)
    walls, cpus = [], []
    for command in commands:
        if server is not None:
            time.sleep(SERVED_PAUSE)
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        walls.append(time.perf_counter() - start)
        cpus.append(usage.ru_utime + usage.ru_stime)
        if status:
            raise subprocess.CalledProcessError(status, command)
    if server is not None:
        cpus = [client + served for client, served in zip(cpus, server.cpu_seconds(len(commands)))]
    return statistics.median(walls), statistics.median(cpus)


def _environment(db: str | None, server: Server | None) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env |= server.env if server is not None else {"TIMELINE_RESIDENT": "off"}
    if db is not None:
        env["TIMELINE_DB"] = db
    return env


class Server:
    """A `timeline serve` of this installation for the benchmark, in a runtime directory of its own."""

    def __init__(self, runtime: Path):
        self.env = {"XDG_RUNTIME_DIR": str(runtime), "TIMELINE_RESIDENT": "on"}
        self.output = runtime / "served.jsonl"
        self.seen = 0
        self.warm_ups: list[float] = []  # the CPU seconds of each served fork's warm-up
        with self.output.open("w") as sink:
            self.process = subprocess.Popen([TIMELINE, "serve", "--json"], stdout=sink, env=os.environ | self.env)
        deadline = time.monotonic() + 60
        while not self.output.read_text() or not list(runtime.glob("*/*.warm/sample.db")):  # serving and warming up
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise TimelineError("the benchmark's resident server did not start")
            time.sleep(0.05)

    def _records(self) -> list[dict[str, Any]]:
        lines = self.output.read_text().splitlines()
        return [record for record in map(json.loads, lines) if record["event"] == "served"]

    def cpu_seconds(self, count: int) -> list[float]:
        """The CPU seconds of the next `count` commands it served (it writes each once its client is told), without
        the warm-up their forks did before they came (`warm_up_cpu_s`)."""
        deadline = time.monotonic() + 30
        while len(records := self._records()) < self.seen + count and time.monotonic() < deadline:
            time.sleep(0.01)
        if len(records) < self.seen + count:
            raise TimelineError("the benchmark's resident server stopped serving (did the installed code change?)")
        self.seen += count
        taken = records[self.seen - count : self.seen]
        self.warm_ups += [record["warm_up_cpu_ms"] / 1000 for record in taken if record["warm_up"]]
        return [record["cpu_ms"] / 1000 for record in taken]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


def _commands(db: str, runs: int, server: Server | None = None) -> tuple[dict[str, float], dict[str, float]]:
    """Every query command as a new process, with --json and without (rich, for people): median wall and CPU
    seconds by command line (alone, or handed to `server`)."""
    from contextlib import closing

    from timeline.storage.database import locate

    with closing(locate(db).connect()) as connection:
        first = dict(connection.execute("SELECT entity, MIN(id) FROM rm_entities GROUP BY entity").fetchall())
        (fact,) = connection.execute("SELECT MIN(id) FROM rm_facts").fetchone()
    commands = {
        "project": ["project", first["project"]],
        "partner": ["partner", first["organisation"]],
        "targets": ["targets", "--project", first["project"]],
        "who": ["who", first["office"], "--on", "2020-06-01"],
        "person": ["person", first["person"]],
        "search": ["search", "ha", "noi", "--limit", "20"],
        "diff": ["diff", "--from", "2020-01-01", "--to", "2020-02-01"],
        "log": ["log", "--limit", "20"],
        "list": ["list", "facts", "--project", first["project"]],
        "show": ["show", fact],
        "changes": ["changes", "--limit", "50"],  # (unpaged, more than 10,000 events ask for pages)
        "stats": ["stats", "--project", first["project"]],
    }
    lines = {f"{name} --json": [*args, "--json"] for name, args in commands.items()}
    lines |= {name: args for name, args in commands.items()}
    lines |= {"export": ["export", "--format", "jsonl", "--project", first["project"]]}
    times = {line: _command_times([TIMELINE, *args], runs, db, server) for line, args in lines.items()}
    return {line: wall for line, (wall, _) in times.items()}, {line: cpu for line, (_, cpu) in times.items()}


def _article_times(files: list[Path], db: str, server: Server) -> dict[str, float]:
    """`timeline ingest` of one new file after another into the store, as a person adds the day's articles, half
    alone and half handed to `server`: median wall and CPU seconds of each."""
    ingests = [[TIMELINE, "ingest", str(file)] for file in files]
    alone_s, alone_cpu_s = _times(ingests[::2], db)
    served_s, served_cpu_s = _times(ingests[1::2], db, server)
    return {"alone_s": alone_s, "alone_cpu_s": alone_cpu_s, "served_s": served_s, "served_cpu_s": served_cpu_s}


def _add_seconds(stores: Stores, db: str, extra: Path) -> dict[str, Any] | None:
    """Adding new facts to a copy of a store, so the store measured stays as it was; None where a store cannot be
    copied cheaply (PostgreSQL: the caller adds into the store itself once everything else is measured)."""
    copy = stores.copy(db)
    if copy is None:
        return None
    try:
        return _child("add", copy, str(extra))
    finally:
        Path(copy).unlink(missing_ok=True)


def run(
    facts: int,
    seed: int = 7,
    keep: Path | None = None,
    added: int = 1000,
    small: int = 20_000,
    db_url: str | None = None,
) -> dict[str, Any]:
    """Every figure for a corpus of `facts` facts, with the ratios of the issue's goals, each against a limit
    measured in the same run; on the PostgreSQL server at `db_url` when given (else SQLite files)."""
    from timeline.dev.corpus import generate, more_facts

    work = Path(tempfile.mkdtemp(prefix="timeline-bench-")) if keep is None else keep
    stores = Stores(work, db_url)
    try:
        corpus = generate(work / "corpus", facts, seed)
        # The corpus is one JSONL file (64 MB at 100k facts): the children may read it whole, past the default
        # input limit (which is read ahead of the file, so it is set to this file's size, not unlimited).
        limit = max(20_000_000, corpus.facts.stat().st_size + 1)
        os.environ["TIMELINE_MAX_FILE_BYTES"] = str(max(limit, int(os.environ.get("TIMELINE_MAX_FILE_BYTES", 0))))
        db, raw = stores.address("bench"), str(work / "raw.db")
        ingest = _child("ingest", db, str(corpus.entities.parent))
        extra = more_facts(work / "more" / "facts.jsonl", added, min(facts, small), seed)
        add_big = _add_seconds(stores, db, extra)
        if facts == small and add_big is not None:
            add_small = add_big
        else:  # the same new facts into a store of `small` facts, built in this run
            small_corpus = generate(work / "small", small, seed)
            small_db = stores.address("small")
            _child("ingest", small_db, str(small_corpus.entities.parent))
            add_small = _add_seconds(stores, small_db, extra) or _child("add", small_db, str(extra))
        reingest = _child("reingest", db, str(corpus.entities.parent))
        rebuild = _child("rebuild", db, "")
        raw_insert = _child("raw-insert", db, raw)
        raw_copy = _child("raw-copy", db, raw) if db_url else None
        raw_read = _child("raw-read", db, raw)
        validate = _child("validate", db, str(corpus.entities.parent))
        decode = _child("decode", db, "")
        latencies = queries(db, seed)
        demo = str(work / "demo.db")
        subprocess.run([TIMELINE, "demo", "--db", demo], capture_output=True)
        python_s, python_cpu = _command_times([sys.executable, "-c", "pass"], STARTUP_RUNS)
        demo_commands, demo_cpu = _commands(demo, STARTUP_RUNS)
        store_commands, store_cpu = _commands(db, STARTUP_RUNS // 2)
        (work / "run").mkdir(mode=0o700)
        server = Server(work / "run")
        try:
            served_demo, served_demo_cpu = _commands(demo, STARTUP_RUNS, server)
            served_store, served_store_cpu = _commands(db, STARTUP_RUNS // 2, server)
            articles = [
                more_facts(work / "articles" / f"{n}.jsonl", 1, min(facts, small), seed, first=8_000_000 + n)
                for n in range(STARTUP_RUNS)
            ]
            one_article = _article_times(articles, db, server)
        finally:
            server.stop()
        warm_up_cpu_s = statistics.median(server.warm_ups) if server.warm_ups else None
        help_s, _ = _command_times([TIMELINE, "--help"], STARTUP_RUNS)
        store_bytes = stores.size(db)
        if add_big is None:  # measured last: it changes the store
            add_big = _child("add", db, str(extra))
        engine_rate = ingest["rows"] / ingest["seconds"]
        raw_rate = raw_insert["rows"] / raw_insert["seconds"]
        input_bytes = sum(p.stat().st_size for p in (corpus.entities, corpus.facts))
        return {
            "facts": facts,
            "store": {"backend": stores.backend, "server": stores.label},
            "events": raw_insert["rows"],
            "ingest": {
                "seconds": ingest["seconds"],
                "facts_per_s": facts / ingest["seconds"],
                "events_per_s": engine_rate,
                "peak_mib": ingest["peak_mib"],
            },
            "raw_insert": {"seconds": raw_insert["seconds"], "rows_per_s": raw_rate},
            "ingest_ratio": engine_rate / raw_rate,
            **_copy_figures(raw_copy, engine_rate),
            # CPU seconds of the same phases: on a shared machine wall time counts other people's work too
            "ingest_ratio_cpu": (raw_insert["cpu_s"] / raw_insert["rows"]) / (ingest["cpu_s"] / ingest["rows"]),
            "cpu_s": {
                name: f["cpu_s"]
                for name, f in (
                    ("ingest", ingest),
                    ("raw_insert", raw_insert),
                    ("rebuild", rebuild),
                    ("raw_read", raw_read),
                    ("validate", validate),
                    ("decode", decode),
                )
            },
            "reingest_with_corrections": {"seconds": reingest["seconds"], "events": reingest["rows"]},
            "add": {
                "facts": added,
                "into_store_s": add_big["seconds"],
                f"into_{small}_s": add_small["seconds"],
                "ratio": add_big["seconds"] / add_small["seconds"],
                "into_store_cpu_s": add_big["cpu_s"],
                f"into_{small}_cpu_s": add_small["cpu_s"],
                "ratio_cpu": add_big["cpu_s"] / add_small["cpu_s"],
            },
            "rebuild": {
                "seconds": rebuild["seconds"],
                "events": rebuild["rows"],
                "peak_mib": rebuild["peak_mib"],
                **({"journal_mib": rebuild["journal_mib"]} if "journal_mib" in rebuild else {}),
            },
            "raw_read_decode": {"seconds": raw_read["seconds"]},
            "rebuild_ratio": rebuild["seconds"] / raw_read["seconds"],
            "rebuild_ratio_cpu": rebuild["cpu_s"] / raw_read["cpu_s"],
            # What the stack alone costs: the ratios ingest and rebuild would have if all they did were ingest's
            # validation of the input (pydantic, as `check` does) and the rebuild's decoding of the stored events
            "ingest_ratio_validation_only": (raw_insert["seconds"] / raw_insert["rows"])
            / (validate["seconds"] / ingest["rows"]),
            "ingest_ratio_validation_only_cpu": (raw_insert["cpu_s"] / raw_insert["rows"])
            / (validate["cpu_s"] / ingest["rows"]),
            "rebuild_ratio_decode_only": decode["seconds"] / raw_read["seconds"],
            "rebuild_ratio_decode_only_cpu": decode["cpu_s"] / raw_read["cpu_s"],
            "queries_warm": latencies,
            "commands_s": {"demo": demo_commands, "store": store_commands},
            "commands_cpu_s": {"demo": demo_cpu, "store": store_cpu},
            "commands_served_s": {"demo": served_demo, "store": served_store},
            "commands_served_cpu_s": {"demo": served_demo_cpu, "store": served_store_cpu},
            "served_warm_up_cpu_s": warm_up_cpu_s,  # (median) each served fork's, before its command came
            "one_article_s": one_article,  # `timeline ingest` of a one-fact file into this store, as new processes
            "startup": {
                "python_pass_s": python_s,
                "timeline_help_s": help_s,
                "ratio": help_s / python_s,
                "worst_demo_command_ratio": _worst(demo_commands) / python_s,
                "python_pass_cpu_s": python_cpu,
                "worst_demo_json_command_ratio_cpu": _worst(demo_cpu, "--json") / python_cpu,
                "worst_demo_command_ratio_cpu": _worst(demo_cpu) / python_cpu,
                # handed to `timeline serve`: wall time, and the client's CPU with the served process's
                "worst_demo_served_json_command_ratio": _worst(served_demo, "--json") / python_s,
                "worst_demo_served_command_ratio": _worst(served_demo) / python_s,
                "worst_demo_served_command_ratio_cpu": _worst(served_demo_cpu) / python_cpu,
            },
            "bytes_per_fact": {
                "store": store_bytes / facts,
                "input_jsonl": input_bytes / facts,
                "ratio": store_bytes / input_bytes,
            },
            "store_mib": store_bytes / 2**20,
        }
    finally:
        if keep is None:
            stores.drop()
            shutil.rmtree(work, ignore_errors=True)


def _worst(times: dict[str, float], having: str = "") -> float:
    return max(seconds for line, seconds in times.items() if having in line)


def _copy_figures(raw_copy: dict[str, Any] | None, engine_rate: float) -> dict[str, Any]:
    """PostgreSQL's second limit, COPY of the same rows (none on SQLite, which has no COPY)."""
    if raw_copy is None:
        return {}
    rate = raw_copy["rows"] / raw_copy["seconds"]
    return {"raw_copy": {"seconds": raw_copy["seconds"], "rows_per_s": rate}, "ingest_ratio_copy": engine_rate / rate}


if __name__ == "__main__":
    print(json.dumps(phase(sys.argv[1], os.environ["TIMELINE_BENCH_DB"], *sys.argv[2:3])))

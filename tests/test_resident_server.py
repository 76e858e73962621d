"""`timeline serve`: commands handed to a resident server answer exactly as commands run alone, take their
caller's directory, environment and streams, stop when the caller is interrupted or killed, and never use a
socket directory others may enter. Real processes, a real server, real signals, real SQLite files."""

from __future__ import annotations

import json
import os
import re
import resource
import select
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import store_digest
from test_faults import ENTITIES, REPO, command, environment, fact, write_facts

import cli
from timeline.resident.address import socket_path
from timeline.resident.server import BURST
from timeline.resident.warming import sample_store, warm_up_commands

pytestmark = pytest.mark.sqlite_only("real processes, signals and sockets beside store files")


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


@dataclass
class Server:
    process: subprocess.Popen[str]
    output: Path
    env: dict[str, str]

    def records(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.output.read_text().splitlines()]

    def served(self, count: int) -> list[dict[str, object]]:
        """The first `count` commands it served (it writes each once its client has its status: wait for them)."""
        served: list[dict[str, object]] = []

        def enough() -> bool:
            served[:] = [record for record in self.records() if record["event"] == "served"]
            return len(served) >= count

        wait_for(enough, f"the server did not serve {count} commands")
        return served[:count]

    def children(self) -> list[int]:
        tasks = Path(f"/proc/{self.process.pid}/task")
        return [int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split()]


def runtime_env(runtime: Path, **extra: str) -> dict[str, str]:
    return environment(XDG_RUNTIME_DIR=str(runtime), TIMELINE_RESIDENT="on", **extra)


def start_server(runtime: Path, cwd: Path, *options: str, output_name: str = "serve.jsonl") -> Server:
    """`timeline serve` (with `options`) writing to a file, once it says it serves and has its sample store (its
    spares warm up on it)."""
    output = cwd / output_name
    env = runtime_env(runtime)
    with output.open("w") as sink:
        process = subprocess.Popen(command("serve", *options), cwd=cwd, env=env, stdout=sink, text=True)
    wait_for(lambda: process.poll() is not None or bool(output.read_text().strip()), "the server did not start")
    assert process.poll() is None, "the server did not start"
    if "--no-warm-up" not in options:
        wait_for(sample_store(socket_path_in(env)).exists, "the server did not build its sample store")
    return Server(process, output, env)


@pytest.fixture
def runtime(tmp_path: Path) -> Path:
    folder = tmp_path / "run"
    folder.mkdir(mode=0o700)
    return folder


@pytest.fixture
def server(tmp_path: Path, runtime: Path) -> Iterator[Server]:
    started = start_server(runtime, tmp_path, "--json")
    yield started
    if started.process.poll() is None:
        started.process.send_signal(signal.SIGTERM)
    started.process.wait(timeout=60)


def timeline(*args: str | Path, cwd: Path, env: dict[str, str], **popen: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(*args), cwd=cwd, env=env, capture_output=True, text=True, timeout=120, **popen)


QUESTIONS = [
    ("project", "hanoi-urban-rail", "--json"),
    ("project", "hanoi-urban-rail"),
    ("partner", "japan"),
    ("who", "hanoi-party-secretary", "--on", "2024-01-01"),
    ("search", "metro", "--json"),
    ("list", "projects"),
    ("log", "--limit", "3"),
    ("targets", "hanoi-urban-rail", "--as-of", "2020"),
    ("project", "no-such-project"),  # a user error: exit 1 and its message
    ("who",),  # a usage error: exit 2
    ("project", "--help"),
    ("--version",),
]


def test_served_commands_answer_byte_for_byte_as_commands_run_alone(server, sample_store, tmp_path):
    for args in QUESTIONS:
        served = timeline(*args, cwd=tmp_path, env=server.env)
        alone = timeline(*args, cwd=tmp_path, env=environment(TIMELINE_RESIDENT="off"))
        time.sleep(BURST)  # (a person's pace: the next spare warms up)
        assert (served.returncode, served.stdout, served.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    codes = [timeline(*args, cwd=tmp_path, env=environment()).returncode for args in QUESTIONS]
    assert len(set(codes)) >= 3, "the questions should cover answers, user errors and usage errors"
    assert [record.get("exit") for record in server.served(len(codes))] == codes, "not every command was served"
    warmed_up = [record["warm_up"] for record in server.served(len(codes))]
    assert warmed_up.count(len(warm_up_commands())) >= len(codes) - 1, f"warm-ups: {warmed_up}"


def test_a_served_command_takes_its_callers_directory_and_environment(server, sample_store, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    relative = timeline("list", "projects", "--json", "--db", "../timeline.db", cwd=elsewhere, env=server.env)
    by_environment = timeline(
        "list", "projects", "--json", cwd=elsewhere, env={**server.env, "TIMELINE_DB": str(sample_store)}
    )
    missing = timeline("list", "projects", cwd=elsewhere, env=server.env)
    assert relative.returncode == by_environment.returncode == 0, relative.stderr + by_environment.stderr
    assert relative.stdout == by_environment.stdout and json.loads(relative.stdout)["count"] > 0
    assert missing.returncode != 0 and "timeline.db" in missing.stderr, (
        "the default store is the caller's ./timeline.db"
    )
    assert len(server.served(3)) == 3


def test_a_served_command_takes_its_callers_umask_and_resource_limits(server, sample_store, tmp_path):
    def limited() -> None:
        os.umask(0o077)
        resource.setrlimit(resource.RLIMIT_FSIZE, (33_000, 33_000))  # bytes: SQLite's 32 KiB index, not the page

    results = {}
    for name, env in (("served", server.env), ("alone", environment(TIMELINE_RESIDENT="off"))):
        run = {"cwd": tmp_path, "env": env, "preexec_fn": limited}
        one = timeline("export", "--format", "jsonl", "--out", f"{name}.jsonl", "--limit", "1", **run)
        every = timeline("export", "--format", "html", "--out", f"{name}.html", **run)
        mode = stat.S_IMODE((tmp_path / f"{name}.jsonl").stat().st_mode)
        results[name] = (one.returncode, mode, every.returncode, every.stderr.replace(name, "NAME"))
    assert results["served"] == results["alone"]
    assert results["alone"][:3] == (0, 0o600, 1) and "too large" in results["alone"][3], results["alone"]
    assert len(server.served(2)) == 2


@pytest.mark.parametrize("limit", ["RLIMIT_AS", "RLIMIT_DATA"])
def test_a_command_under_a_memory_limit_runs_alone(server, sample_store, tmp_path, limit):
    """A served process has the server's memory (every module loaded): a caller's memory limit would leave the
    command less room than it has alone. So it runs alone, with the same answer."""
    number = getattr(resource, limit)
    limited = {"preexec_fn": lambda: resource.setrlimit(number, (2**31, resource.RLIM_INFINITY))}
    answer = timeline("project", "hanoi-urban-rail", "--json", cwd=tmp_path, env=server.env, **limited)
    alone = timeline("project", "hanoi-urban-rail", "--json", cwd=tmp_path, env=environment(TIMELINE_RESIDENT="off"))
    assert (answer.returncode, answer.stdout) == (0, alone.stdout), answer.stderr
    assert timeline("list", "projects", cwd=tmp_path, env=server.env).returncode == 0
    assert len(server.served(1)) == 1 and len([r for r in server.records() if r["event"] == "served"]) == 1, (
        "the limited command was served"
    )


@contextmanager
def write_lock(db: Path) -> Iterator[None]:
    """Another connection holds the store's write lock until the block ends."""
    gate = sqlite3.connect(db, isolation_level=None)
    gate.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        gate.execute("ROLLBACK")
        gate.close()


def waiting_served(server: Server, alive: Callable[[], bool]) -> int:
    """The served process asleep in SQLite's busy wait, while `alive` says its client has not ended."""
    held: list[int] = []

    def reached() -> bool:  # (a busy wait sleeps between tries: a process seen asleep once is the one)
        held.extend(pid for pid in server.children() if waiting(pid))
        return not alive() or bool(held)

    wait_for(reached, "the served ingest never reached the lock")
    assert alive(), "the served ingest ended before it reached the lock"
    return held[0]


@contextmanager
def held_by_a_lock(server: Server, db: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """A served ingest waiting for another connection's write lock: (the client, the served process). The client
    leads a process group of its own, as a shell's job does (a stop signal would be ignored in an orphaned one)."""
    facts = write_facts(tmp_path / "facts.json", [fact("held-meeting")])
    with write_lock(db):
        client = subprocess.Popen(
            command("ingest", facts, "--db", db),
            cwd=tmp_path,
            env={**server.env, "TIMELINE_LOCK_TIMEOUT": "60"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=lambda: os.nice(3),  # the served process takes its caller's niceness
            process_group=0,
        )
        yield client, waiting_served(server, lambda: client.poll() is None)


def waiting(pid: int) -> bool:
    try:
        wchan = Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False
    return "sleep" in wchan


@pytest.fixture
def entities_store(server: Server, tmp_path: Path) -> Path:
    db = tmp_path / "entities.db"
    assert timeline("ingest", ENTITIES, "--db", db, cwd=tmp_path, env=server.env).returncode == 0
    return db


def test_ctrl_c_to_the_client_interrupts_the_served_command_which_says_what_it_wrote(server, entities_store, tmp_path):
    """The SIGINT acts once SQLite's busy wait returns, when the lock is let go (below): before the append commits,
    or (Python handles a signal between two of its instructions) just after. Either way the command's own line."""
    before = store_digest(entities_store)
    with held_by_a_lock(server, entities_store, tmp_path) as (client, served):
        assert os.getpriority(os.PRIO_PROCESS, served) == os.getpriority(os.PRIO_PROCESS, client.pid)
        client.send_signal(signal.SIGINT)
    _, stderr = client.communicate(timeout=60)
    assert client.returncode == 130, stderr
    assert server.served(2)[-1].get("exit") == 130  # (after the ingest of the entities)
    if stderr.strip() == "error: interrupted before the commit: nothing was written":
        assert store_digest(entities_store) == before
    else:
        assert stderr.startswith("error: interrupted after the commit: 1 event written"), stderr
        events = timeline(
            "log", "--fact", "held-meeting", "--json", "--db", entities_store, cwd=tmp_path, env=server.env
        )
        assert len(json.loads(events.stdout)) == 1, events.stdout


def state(pid: int) -> str:
    """The process's state letter: T when stopped."""
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]


def test_ctrl_z_stops_the_served_command_with_its_client_and_fg_lets_both_go_on(server, entities_store, tmp_path):
    with held_by_a_lock(server, entities_store, tmp_path) as (client, served):
        client.send_signal(signal.SIGTSTP)
        wait_for(lambda: state(client.pid) == state(served) == "T", "Ctrl-Z did not stop the client and its command")
        time.sleep(0.2)
        assert state(served) == "T", "the served command went on while its client was stopped"
        client.send_signal(signal.SIGCONT)
        wait_for(lambda: "T" not in (state(client.pid), state(served)), "fg did not let both go on")
    stdout, stderr = client.communicate(timeout=60)
    assert client.returncode == 0, stderr
    assert "1 event" in stdout + stderr, stdout
    assert server.served(2)[-1].get("exit") == 0


class Job:
    """A command run as a job of a terminal of its own (a pseudo-terminal with `stty tostop`) by
    tests/job_control.py, which stops and continues it as a shell's job control does."""

    def __init__(self, where: str, args: tuple[str | Path, ...], cwd: Path, env: dict[str, str]):
        self.terminal, follower = os.openpty()
        shell = [sys.executable, str(Path(__file__).with_name("job_control.py")), os.ttyname(follower), where]
        self.shell = subprocess.Popen(
            [*shell, *command(*args)], cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        os.close(follower)
        self.pid = self.next()["pid"]

    def next(self, timeout: float = 60) -> dict[str, int]:
        """The shell's next report; {} if none came within `timeout` seconds."""
        assert self.shell.stdout is not None
        ready, _, _ = select.select([self.shell.stdout], [], [], timeout)
        return json.loads(self.shell.stdout.readline()) if ready else {}

    def step(self, name: str, timeout: float = 60) -> dict[str, int]:
        assert self.shell.stdin is not None
        self.shell.stdin.write(name + "\n")
        self.shell.stdin.flush()
        return self.next(timeout)

    def written(self) -> str:
        """What the job has written to its terminal so far."""
        chunks = []
        while select.select([self.terminal], [], [], 0.2)[0]:
            try:
                chunks.append(os.read(self.terminal, 65536))
            except OSError:  # the terminal's last user has gone
                break
        return b"".join(chunks).decode()

    def close(self) -> None:
        if self.shell.poll() is None:
            self.shell.kill()
        self.shell.wait(timeout=60)
        if self.terminal >= 0:  # (closing twice is closing once)
            os.close(self.terminal)
            self.terminal = -1


def test_a_command_started_as_a_background_job_runs_alone_and_its_terminal_stops_its_output(
    server, sample_store, tmp_path
):
    """A served process is in a session of its own: the terminal would let it write past `stty tostop`. A job
    started in the background (`timeline … &`) runs alone, and stops at its first write, as it would without a
    server, until `fg`."""
    job = Job("bg", ("project", "hanoi-urban-rail", "--json"), tmp_path, server.env)
    try:
        assert job.step("wait") == {"stopped": signal.SIGTTOU}
        assert job.step("fg") == {"exit": 0}
        written = job.written()
    finally:
        job.close()
    alone = timeline("project", "hanoi-urban-rail", "--json", cwd=tmp_path, env=environment(TIMELINE_RESIDENT="off"))
    assert json.loads(written) == json.loads(alone.stdout)
    assert timeline("list", "projects", cwd=tmp_path, env=server.env).returncode == 0
    assert len(server.served(1)) == 1 and len([r for r in server.records() if r["event"] == "served"]) == 1, (
        "the background job was served"
    )


@contextmanager
def stopped_for_its_output(server: Server, db: Path, tmp_path: Path) -> Iterator[tuple[Job, int]]:
    """A served ingest, waiting for another connection's write lock, as a job its terminal (`stty tostop`) holds
    stopped for its output after Ctrl-Z and `bg`: (the job, the served process), while the lock is held. The job
    is closed if the block fails; otherwise the caller closes it."""
    facts = write_facts(tmp_path / "facts.json", [fact("held-meeting")])
    env = {**server.env, "TIMELINE_LOCK_TIMEOUT": "60"}
    with write_lock(db):
        job = Job("fg", ("ingest", facts, "--db", db), tmp_path, env)
        try:
            served = waiting_served(server, lambda: job.shell.poll() is None)
            assert job.step("tstp") == {"stopped": signal.SIGTSTP}
            assert job.step("bg") == {"continued": job.pid}
            assert job.step("wait", timeout=10) == {"stopped": signal.SIGTTOU}
            yield job, served
        except BaseException:
            job.close()
            raise


def test_a_served_job_continued_in_the_background_stays_stopped_while_its_terminal_holds_output(
    server, entities_store, tmp_path
):
    """Ctrl-Z, then `bg` on a terminal with `stty tostop`: the client stops again for its output (as the command
    alone would at its next write) and keeps the served command stopped; `fg` lets both go on."""
    with stopped_for_its_output(server, entities_store, tmp_path) as (job, served):
        assert state(served) == "T", "the served command went on writing in the background"
    try:
        assert state(served) == "T"
        assert job.step("fg") == {"exit": 0}
        assert "1 event" in job.written()
    finally:
        job.close()
    assert server.served(2)[-1].get("exit") == 0


def test_kill_ends_a_served_job_its_terminal_holds_stopped_in_the_background(server, entities_store, tmp_path):
    """`kill %1` of a job stopped for its output: SIGTERM, then SIGCONT. The client passes the signal on and lets
    the served command go on to take it, rather than stop again for the terminal."""
    before = store_digest(entities_store)
    with stopped_for_its_output(server, entities_store, tmp_path) as (job, served):
        try:
            ended = job.step("kill", timeout=30)
            wait_for(lambda: served not in server.children(), "the served ingest outlived its killed job")
        finally:
            job.close()
    assert ended in ({"signal": signal.SIGTERM}, {"exit": 143}), ended
    assert store_digest(entities_store) == before


def test_a_served_command_killed_by_a_signal_takes_its_client_and_the_server_serves_on(
    server, entities_store, tmp_path
):
    """SIGTERM to the client reaches the command, which dies of it without writing its status: the client dies of
    the same signal, and the server goes on serving."""
    before = store_digest(entities_store)
    with held_by_a_lock(server, entities_store, tmp_path) as (client, served):
        client.send_signal(signal.SIGTERM)
        assert client.wait(timeout=60) == -signal.SIGTERM
    assert server.served(2)[-1].get("signal") == signal.SIGTERM
    assert store_digest(entities_store) == before
    assert timeline("list", "projects", "--db", entities_store, cwd=tmp_path, env=server.env).returncode == 0
    assert len(server.served(3)) == 3 and server.process.poll() is None


def test_a_killed_client_takes_its_served_command_with_it(server, entities_store, tmp_path):
    before = store_digest(entities_store)
    with held_by_a_lock(server, entities_store, tmp_path) as (client, served):
        client.kill()
        client.wait(timeout=60)
        wait_for(lambda: served not in server.children(), "the served ingest outlived its client")
    assert store_digest(entities_store) == before
    assert server.served(2)[-1].get("signal") == signal.SIGKILL
    assert timeline("list", "projects", "--db", entities_store, cwd=tmp_path, env=server.env).returncode == 0
    assert server.process.poll() is None, "the server stops serving when one client dies"


def test_serve_stop_ends_the_server_and_removes_its_socket_and_sample_store(server, runtime, tmp_path):
    stopped = timeline("serve", "--stop", "--json", cwd=tmp_path, env=server.env)
    assert stopped.returncode == 0, stopped.stderr
    assert json.loads(stopped.stdout) == {"stopped": server.process.pid}
    assert server.process.wait(timeout=60) == 0
    assert list(runtime.rglob("*")) == [Path(socket_path_in(server.env)).parent]
    assert [record["event"] for record in server.records()] == ["serving", "stopping", "served", "stopped"]
    again = timeline("serve", "--stop", cwd=tmp_path, env=server.env)
    assert again.returncode == 1 and again.stderr.startswith("error: no server serves this installation")


def test_a_server_stopped_while_its_spare_warms_up_leaves_nothing_behind(runtime, tmp_path):
    """The spare forked once the sample store is built starts warming up on it at once: stopped then (five times,
    to meet it mid-command), the server waits for it before it removes the store."""
    for round_ in range(5):
        started = start_server(runtime, tmp_path, "--json", output_name=f"serve{round_}.jsonl")
        started.process.send_signal(signal.SIGTERM)
        assert started.process.wait(timeout=60) == 0
        assert list(runtime.rglob("*")) == [Path(socket_path_in(started.env)).parent], f"round {round_}"


def test_a_server_printing_for_people_says_what_it_serves_and_when_it_stops(tmp_path, runtime):
    printing = start_server(runtime, tmp_path, output_name="serve.txt")
    process, output, env = printing.process, printing.output, printing.env
    stopped = timeline("serve", "--stop", cwd=tmp_path, env=env)
    assert stopped.returncode == 0 and stopped.stdout == f"stopped the server (pid {process.pid}).\n"
    assert process.wait(timeout=60) == 0
    lines = output.read_text().splitlines()
    pattern = re.compile(r"served pid \d+: exit 0, \d+ ms \(\d+ ms CPU(; warmed up by \d commands?, \d+ ms CPU)?\)")
    serving = f"serving timeline commands at {socket_path_in(env)} (pid {process.pid})"
    assert lines[0] == f"{serving}; Ctrl-C or `timeline serve --stop` ends it"
    assert lines[1] == "stopping (SIGTERM); waiting for the 1 command it is running"
    assert pattern.fullmatch(lines[2]), lines[2]
    assert lines[3:] == ["stopped"]


def test_a_server_stopped_as_it_starts_leaves_nothing_behind(runtime, tmp_path):
    env = runtime_env(runtime)
    process = subprocess.Popen(command("serve", "--json"), cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and json.loads(process.stdout.readline())["event"] == "serving"
    process.send_signal(signal.SIGTERM)  # while it builds its sample store (about half a second)
    assert process.wait(timeout=60) == 0
    assert list(runtime.rglob("*")) == [Path(socket_path_in(env)).parent]


def test_a_spare_forked_as_commands_come_back_to_back_stays_cold(server, sample_store, tmp_path):
    """Two clients at once (a script's pace): the spare forked for the next client does not warm up, since the
    next client of a script would wait for its warm-up. Once clients come apart again, so do warm spares."""
    args = command("list", "projects", "--json")
    together = [subprocess.Popen(args, cwd=tmp_path, env=server.env, stdout=subprocess.DEVNULL) for _ in range(2)]
    assert [client.wait(timeout=120) for client in together] == [0, 0]
    for _ in range(2):
        time.sleep(1)
        assert timeline("list", "projects", "--json", cwd=tmp_path, env=server.env).returncode == 0
    after_the_pair, after_a_pause = (record["warm_up"] for record in server.served(4)[2:])
    assert after_the_pair == 0, "the spare forked as the second of the pair came warmed up"
    assert after_a_pause == len(warm_up_commands()), "the spare forked after a pause did not warm up"


def test_a_server_without_warm_up_builds_no_sample_store_and_serves_cold_forks(runtime, sample_store, tmp_path):
    cold = start_server(runtime, tmp_path, "--no-warm-up", "--json")
    try:
        served = timeline("project", "hanoi-urban-rail", "--json", cwd=tmp_path, env=cold.env)
        alone = timeline(
            "project", "hanoi-urban-rail", "--json", cwd=tmp_path, env=environment(TIMELINE_RESIDENT="off")
        )
        assert (served.returncode, served.stdout) == (0, alone.stdout), served.stderr
        assert [record["warm_up"] for record in cold.served(1)] == [0]
        assert cold.records()[0]["warm_up"] is False
        assert not Path(f"{socket_path_in(cold.env)}.warm").exists(), "a sample store was built"
    finally:
        cold.process.send_signal(signal.SIGTERM)
        cold.process.wait(timeout=60)


def test_a_second_server_for_the_same_installation_is_refused(server, tmp_path):
    second = timeline("serve", cwd=tmp_path, env={**server.env, "TIMELINE_RESIDENT": "off"})
    assert second.returncode == 1
    assert second.stderr.startswith("error: a server already serves this installation at ")
    assert server.process.poll() is None


def test_a_server_whose_code_changed_stops_and_the_command_runs_alone(server, sample_store, tmp_path):
    program = Path(cli.__file__)
    times = program.stat()
    os.utime(program, ns=(times.st_atime_ns, times.st_mtime_ns + 1_000_000_000))
    try:
        result = timeline("list", "projects", "--json", cwd=tmp_path, env=server.env)
        assert server.process.wait(timeout=60) == 0
    finally:
        os.utime(program, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert result.returncode == 0 and json.loads(result.stdout)["count"] > 0
    assert [record["event"] for record in server.records()] == ["serving", "stopping", "stopped"]
    assert server.records()[1]["reason"] == "the installed code changed"


def test_a_socket_directory_others_may_enter_is_never_used(runtime, sample_store, tmp_path):
    folder = Path(os.path.dirname(socket_path_in(runtime_env(runtime))))
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    refused = timeline("serve", cwd=tmp_path, env=runtime_env(runtime))
    assert (
        refused.returncode == 1
        and refused.stderr
        == f"error: {folder}: a directory others may enter or do own; remove it, or set XDG_RUNTIME_DIR\n"
    )
    alone = timeline("list", "projects", "--json", cwd=tmp_path, env=runtime_env(runtime))
    assert alone.returncode == 0 and json.loads(alone.stdout)["count"] > 0


def socket_path_in(env: dict[str, str]) -> str:
    """Where the server of this installation listens with this environment (as the client computes it)."""
    saved = os.environ.get("XDG_RUNTIME_DIR")
    os.environ["XDG_RUNTIME_DIR"] = env["XDG_RUNTIME_DIR"]
    try:
        return socket_path()
    finally:
        if saved is None:
            del os.environ["XDG_RUNTIME_DIR"]
        else:
            os.environ["XDG_RUNTIME_DIR"] = saved


def test_the_installed_command_loads_next_to_nothing_before_it_hands_itself_over():
    """The client's cost is Python's own start: without `site` (and an editable install's finder), the entry point
    and the client (here finding no server) add to a bare interpreter only the modules every Python start loads (os
    and what it needs, types, __future__) and five small C modules. No enum, typing, re, socket, signal,
    dataclasses, click."""
    probe = "import cli, timeline.resident.client as client; client.run_served()"
    code = f"import sys; sys.path.insert(0, {str(REPO)!r}); before = set(sys.modules); {probe}; "
    code += "print(*set(sys.modules) - before)"
    nowhere = {**os.environ, "XDG_RUNTIME_DIR": "/nonexistent", "TIMELINE_RESIDENT": "on"}
    added = set(
        subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, env=nowhere).stdout.split()
    )
    ours = {"cli", "timeline", *(f"timeline.resident{part}" for part in ("", ".address", ".client", ".protocol"))}
    started = {"__future__", "_collections_abc", "genericpath", "os", "os.path", "posixpath", "stat", "_stat", "types"}
    assert ours <= added, added
    assert added - ours - started == {"_socket", "_struct", "struct", "zlib", "resource"}


FORK_AND_RUN = """
import os, sys
from timeline.resident.server import preload
from timeline.commands.root import run_as_process
preload()
for args in map(str.split, sys.argv[1:]):
    pid = os.fork()
    if pid == 0:
        before = set(sys.modules)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
        sys.argv = ["timeline", *args]
        try:
            run_as_process()
        except SystemExit:
            pass
        os.write(int(os.environ["REPORT_FD"]), (" ".join(sorted(set(sys.modules) - before)) + "\\n").encode())
        os._exit(0)
    os.waitpid(pid, 0)
"""


def test_a_served_command_imports_nothing_the_server_has_not_loaded(sample_store, tmp_path):
    """What a fork imports, it reads from disk each time: the server loads it all (even modules other modules
    import by name), printed answers and ingest included."""
    asked = ["project hanoi-urban-rail --json", "search ha noi", "show hanoi-urban-rail-15-lines-2045", "stats"]
    asked += ["changes", "targets", "ingest sample/entities.yaml", "export --format html --out page.html"]
    read, written = os.pipe()
    env = environment(TIMELINE_RESIDENT="off", REPORT_FD=str(written))
    subprocess.run([sys.executable, "-c", FORK_AND_RUN, *asked], cwd=tmp_path, env=env, pass_fds=(written,), check=True)
    os.close(written)
    with os.fdopen(read) as report:
        imported = dict(zip(asked, report.read().splitlines()))
    assert imported == dict.fromkeys(asked, "")


AFTER_A_WARM_UP = """
import atexit, json, os, signal, sys, threading
from pathlib import Path
from timeline.commands.root import run_as_process
from timeline.resident.warming import warm_up

def state():
    umask = os.umask(0o022)
    os.umask(umask)
    return [atexit._ncallbacks(), threading.active_count(), sorted(os.listdir("/proc/self/fd")), os.getcwd(), umask,
            [str(signal.getsignal(number)) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE)]]

before = state()
ran = warm_up(run_as_process, Path(sys.argv[1]), lambda: False)
print(json.dumps({"ran": ran, "before": before, "after": state()}))
"""


def test_a_warm_up_leaves_nothing_behind_that_a_new_process_would_not_have(sample_store, tmp_path):
    """Exit handlers, threads, open files, directory, umask and signal handlers are as before the warm-up commands
    ran (the standard streams are the caller's again: this process prints its answer)."""
    done = subprocess.run(
        [sys.executable, "-c", AFTER_A_WARM_UP, str(sample_store)], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["ran"] == len(warm_up_commands())
    assert found["after"] == found["before"]


def test_a_spare_handed_a_client_stops_warming_up(sample_store, tmp_path):
    asked = []

    def handed() -> bool:
        asked.append(True)
        return len(asked) > 1

    from timeline.resident.warming import warm_up

    assert warm_up(lambda: None, sample_store, handed) == 1

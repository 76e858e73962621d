"""`timeline serve`: a process that has loaded the program once and forks itself for each command a client hands
it. The forked process takes the client's streams, directory, arguments and environment and runs the command as the
client would have; the server passes its exit status back. The server itself never opens a store: every command
runs in a fresh fork, so nothing one command does can reach another."""

from __future__ import annotations

import ast
import gc
import os
import select
import signal
import socket
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import FrameType
from typing import Any

from timeline.errors import ServerError
from timeline.resident import running, warming
from timeline.resident.address import is_private, socket_path
from timeline.resident.protocol import STALE

CODE = Path(__file__).resolve().parents[2]  # the directory holding cli.py, timeline/, events/, projections/
PACKAGES = ("timeline", "events", "projections")
NOT_PRELOADED = ("matplotlib", "timeline.dev", "timeline.resident.server")  # plots write caches; bench is rare
# Modules imported by name at run time (no import statement names them): the store's, rich's, package data's.
LOADED_BY_NAME = ("eventsourcing.sqlite", "eventsourcing.postgres", "rich._emoji_codes", "importlib.readers")
HUNG_UP = getattr(select, "POLLRDHUP", 0) | select.POLLHUP  # the other end closed its side (POLLRDHUP: Linux)
# Clients that come closer together than this are a script's: its next spare would still be warming up when the
# next one comes (a warm-up takes ~0.1 s of CPU), and that client would wait for it. The spare forked then stays cold.
BURST = 0.15  # seconds


@dataclass
class Served:
    """A command being served: its client's connection and when it started."""

    connection: socket.socket
    status: int  # a pipe's end: the forked process writes its exit status on it as it ends
    started: float
    warmed_up: tuple[int, float] = (0, 0.0)  # the fork's warm-up before its command: commands run, CPU seconds
    watched: bool = True  # until its status is written or its client goes away
    told: bool = False  # the client has its status


@dataclass
class Spare:
    """A fork waiting for the next client (so that no client waits for a fork): the server hands it the client's
    connection on `control`."""

    pid: int
    control: socket.socket
    status: int


Log = Callable[[dict[str, Any]], None]


def serve(command: Callable[[], None], log: Log, warm: bool = True) -> None:
    """Serve commands until SIGTERM, SIGINT or a change of the installed code: each in a fork that runs `command`
    (the CLI) with the client's arguments; `log` is told of each command served and of the server's start and
    stop. Unless `warm` is false, each spare fork warms up on a sample store while it waits (`warming`)."""
    path = socket_path()
    listener = _listen(path)  # (a client that comes while the program loads waits for it)
    ours = os.stat(path).st_ino
    sample = warming.sample_store(path)
    warming.forget_sample_store(sample)  # (a previous server's: built by other code, perhaps)
    preload()
    fingerprint = code_fingerprint()
    gc.freeze()  # what the forks share stays shared: the collector does not touch the loaded program's objects
    wake_read, wake_write = socket.socketpair()
    wake_write.setblocking(False)
    signal.set_wakeup_fd(wake_write.fileno())
    stopping: list[str] = []

    def stop(number: int, frame: FrameType | None) -> None:
        stopping.append(signal.Signals(number).name)

    signal.signal(signal.SIGCHLD, lambda number, frame: None)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    served: dict[int, Served] = {}

    def stop_listening() -> None:
        _close(listener, path, ours)
        log({"event": "stopping", "reason": stopping[0], "running": len(served)})

    def warm_up(handed: Callable[[], bool]) -> int:
        return warming.warm_up(command, sample, handed)

    def stay_cold(handed: Callable[[], bool]) -> int:
        return 0

    def fork_spare(cold: bool = False) -> Spare:
        return _fork_spare([listener, wake_read], served, command, stay_cold if cold or not warm else warm_up)

    last_client = float("-inf")

    spare = fork_spare()
    building = warming.build_sample_store(sample, command, [listener, wake_read, wake_write]) if warm else 0
    log({"event": "serving", "socket": path, "pid": os.getpid(), "warm_up": warm})
    try:
        while not stopping or served:
            poller = select.poll()
            for watched in [wake_read] if stopping else [wake_read, listener]:
                poller.register(watched, select.POLLIN)
            for item in served.values():
                if item.watched:
                    poller.register(item.status, select.POLLIN)
                    poller.register(item.connection, HUNG_UP)  # (not readable: its request may still be unread)
            ready = dict(poller.poll())
            if wake_read.fileno() in ready:
                with suppress(BlockingIOError):
                    wake_read.recv(4096)
            if stopping and listener.fileno() != -1:  # (a signal wakes the poll: told before what follows it)
                stop_listening()
            for pid, item in served.items():
                if item.status in ready:
                    _pass_status(item)
                elif item.connection.fileno() in ready:  # the client is gone: so is its command, as if it had
                    item.watched = False  # been killed with it
                    with suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
            built = _reap(served, log).get(building)
            if built is not None:
                building = 0
                if built == 0:  # the sample store is there: a spare that warms up on it
                    spare.control.close()
                    spare = fork_spare()
            if listener.fileno() in ready and not stopping:
                if code_fingerprint() == fingerprint:
                    if _accept(listener, spare, served):
                        now = time.monotonic()
                        spare = fork_spare(cold=now - last_client < BURST)
                        last_client = now
                else:  # the client runs the command itself, with the new code
                    _refuse_stale(listener)
                    stopping.append("the installed code changed")
                    stop_listening()
    finally:
        _close(listener, path, ours)
        spare.control.close()  # it ends, after the warm-up command at hand: which may hold the sample store open
        with suppress(ChildProcessError):  # (unless it was reaped already)
            os.waitpid(spare.pid, 0)
        if building:  # (stopped within a second of its start)
            os.kill(building, signal.SIGKILL)
            os.waitpid(building, 0)
        warming.forget_sample_store(sample)
    log({"event": "stopped"})


def stop() -> int:
    """Stop the server that runs this command (a client's `serve --stop` is served like any other command); its pid."""
    if running.SERVED_BY is None:
        raise ServerError(f"no server serves this installation (at {socket_path()}); `timeline serve` starts one")
    os.kill(running.SERVED_BY, signal.SIGTERM)
    return running.SERVED_BY


def _listen(path: str) -> socket.socket:
    folder = os.path.dirname(path)
    with suppress(FileExistsError):
        os.mkdir(folder, 0o700)
    if not is_private(folder):
        raise ServerError(f"{folder}: a directory others may enter or do own; remove it, or set XDG_RUNTIME_DIR")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(path)
    except OSError:
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(path)
        except OSError:  # a socket left by a server that died: take its place
            os.unlink(path)
            listener.bind(path)
        else:
            probe.close()
            listener.close()
            raise ServerError(f"a server already serves this installation at {path}") from None
    listener.listen(64)
    return listener


def _accept(listener: socket.socket, spare: Spare, served: dict[int, Served]) -> bool:
    """Hand the next client to the spare fork; whether it took it."""
    connection, _ = listener.accept()
    if running.peer(connection)[1] not in (os.getuid(), None):  # the directory already keeps others out: a second lock
        connection.close()
        return False
    try:
        socket.send_fds(spare.control, [b"."], [connection.fileno()])
    except OSError:  # the spare is gone (killed): this client runs the command itself
        connection.close()
        spare.control.close()
        os.close(spare.status)
        return True
    served[spare.pid] = Served(connection, spare.status, time.monotonic())
    spare.control.close()
    with suppress(OSError):
        connection.sendall(b"pid %d\n" % spare.pid)
    return True


def _fork_spare(
    own: list[socket.socket],
    served: dict[int, Served],
    command: Callable[[], None],
    warm_up: Callable[[Callable[[], bool]], int],
) -> Spare:
    control, spare_control = socket.socketpair()
    status, status_written = os.pipe()
    pid = os.fork()
    if pid == 0:
        inherited: list[socket.socket | int] = [*own, control, status]
        for item in served.values():
            inherited += [item.connection, item.status]
        running.stand_by(spare_control, status_written, inherited, command, warm_up)  # never returns
    spare_control.close()
    os.close(status_written)
    return Spare(pid, control, status)


def _pass_status(item: Served) -> None:
    """The exit status a forked process wrote as it ended, to its client at once: the client need not wait while
    the process gives its memory back and the server reaps it."""
    item.watched = False
    written = os.read(item.status, 64).split()
    if not written:  # it ended without a word (killed by a signal): the client hears of it when it is reaped
        return
    code, *warmed_up = written
    if len(warmed_up) == 2 and all(number.isdigit() for number in warmed_up):
        item.warmed_up = (int(warmed_up[0]), int(warmed_up[1]) / 1e6)
    if code.isdigit():
        with suppress(OSError):
            item.connection.sendall(b"exit %s\n" % code)
        item.told = True


def _reap(served: dict[int, Served], log: Log) -> dict[int, int]:
    """Reap the forks that ended, telling the clients not yet told; the exit codes of the other children reaped."""
    others: dict[int, int] = {}
    while True:
        try:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return others
        if pid == 0:
            return others
        item = served.pop(pid, None)
        if item is None:
            others[pid] = os.waitstatus_to_exitcode(status)
            continue
        ending = ("signal", os.WTERMSIG(status)) if os.WIFSIGNALED(status) else ("exit", os.WEXITSTATUS(status))
        if not item.told:
            with suppress(OSError):
                item.connection.sendall(b"%s %d\n" % (ending[0].encode(), ending[1]))
        item.connection.close()
        os.close(item.status)
        warm_up, warm_up_cpu = item.warmed_up
        cpu = usage.ru_utime + usage.ru_stime - warm_up_cpu  # the command's own
        wall = time.monotonic() - item.started
        log(
            {
                "event": "served",
                "pid": pid,
                ending[0]: ending[1],
                "cpu_ms": round(cpu * 1e3),
                "ms": round(wall * 1e3),
                "warm_up": warm_up,
                "warm_up_cpu_ms": round(warm_up_cpu * 1e3),
            }
        )


def _refuse_stale(listener: socket.socket) -> None:
    connection, _ = listener.accept()
    with suppress(OSError):
        connection.sendall(STALE + b"\n")
    connection.close()


def _close(listener: socket.socket, path: str, ours: int) -> None:
    """Stop listening and remove the socket, if it is still this server's (another may have started since)."""
    if listener.fileno() == -1:
        return
    listener.close()
    with suppress(FileNotFoundError):
        if os.stat(path).st_ino == ours:
            os.unlink(path)


def code_fingerprint() -> tuple[int, ...]:
    """When each file of this program and each directory of installed packages last changed: an upgrade or an
    edit changes it, and the server stops rather than run old code (~1 ms: it is read before every command)."""
    times = [os.stat(CODE / "cli.py").st_mtime_ns]
    folders = [str(CODE / package) for package in PACKAGES]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        folders.append(entry.path)
                else:  # modules, and the data they read (SQL, CSS, the sample)
                    times.append(entry.stat().st_mtime_ns)
    installed = (entry for entry in sys.path if entry and os.path.isdir(entry))
    return (*times, *(os.stat(entry).st_mtime_ns for entry in installed))


def preload() -> None:
    """Import every module of the program and every module it imports, even inside functions (where commands defer
    their imports to start fast on their own), so that a fork starts with them all loaded."""
    names: set[str] = set()
    for package in PACKAGES:
        for path in (CODE / package).rglob("*.py"):
            names.add(".".join(path.relative_to(CODE).with_suffix("").parts).removesuffix(".__init__"))
            for node in ast.walk(ast.parse(path.read_bytes())):
                if isinstance(node, ast.Import):
                    names.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module)
    for name in sorted(names | set(LOADED_BY_NAME)):
        if not name.startswith(NOT_PRELOADED):
            with suppress(Exception):
                import_module(name)
    with suppress(Exception):  # rich's table of character widths, which it imports by its Unicode version's name
        from rich._unicode_data._versions import VERSIONS

        import_module(f"rich._unicode_data.unicode{VERSIONS[-1].replace('.', '-')}")

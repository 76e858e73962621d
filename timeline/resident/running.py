"""The forked process of a resident server: it becomes the client's command. It takes the client's stdin, stdout
and stderr, directory, environment, umask, limits and arguments, runs the CLI as a new process would, and exits
with its status."""

from __future__ import annotations

import atexit
import io
import os
import random
import resource
import select
import signal
import socket
import struct
import sys
import time
import traceback
from collections.abc import Callable
from contextlib import suppress
from typing import NoReturn

from timeline.resident.protocol import LARGEST_REQUEST, LENGTH, BadRequest, Request, decode_request

LIMITS = (
    resource.RLIMIT_AS,
    resource.RLIMIT_CORE,
    resource.RLIMIT_CPU,
    resource.RLIMIT_DATA,
    resource.RLIMIT_FSIZE,
    resource.RLIMIT_NOFILE,
    resource.RLIMIT_STACK,
)
REQUEST_SECONDS = 30  # a client sends its request as it connects; one that does not is given up on
SERVED_BY: int | None = None  # the server's pid, in a process it forked for a command
WARMED_UP = (0, 0.0)  # in such a process: how many warm-up commands it ran, and its CPU seconds before its command


def stand_by(
    control: socket.socket,
    status: int,
    inherited: list[socket.socket | int],
    command: Callable[[], None],
    warm_up: Callable[[Callable[[], bool]], int],
) -> NoReturn:
    """A fork made before any client asks: `warm_up` (told whether a client waits; it says how many commands it
    ran), wait for the server to hand over a client's connection on `control`, then run `command` (the CLI, as a
    process of its own) as the client asks, and write its exit status and the warm-up's on `status` (a pipe to the
    server) as it ends. Ends at once if the server closes `control`. Never returns."""
    global SERVED_BY, WARMED_UP
    SERVED_BY = os.getppid()
    leave_server(inherited)
    warmed = warm_up(lambda: bool(select.select([control], [], [], 0)[0]))
    WARMED_UP = (warmed, _cpu_seconds())
    try:
        _, handed, _, _ = socket.recv_fds(control, 1, 1)
    except (OSError, KeyboardInterrupt):
        os._exit(0)
    if not handed:  # the server stops
        os._exit(0)
    control.close()
    connection = socket.socket(fileno=handed[0])
    connection.settimeout(REQUEST_SECONDS)
    try:
        request = _receive(connection)
        client, _ = peer(connection)
    except (OSError, BadRequest, ValueError):
        os._exit(2)
    connection.close()
    _become(client, request, status)
    _exit(_status_of(command), status)


def leave_server(inherited: list[socket.socket | int]) -> None:
    """In a process the server forked: a session of its own (the server's terminal and its Ctrl-C are not this
    process's), Python's own signal handlers, and none of the server's sockets and pipes (`inherited`)."""
    os.setsid()
    signal.set_wakeup_fd(-1)
    for number in (signal.SIGTERM, signal.SIGCHLD):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for other in inherited:
        other.close() if isinstance(other, socket.socket) else os.close(other)


def peer(connection: socket.socket) -> tuple[int | None, int | None]:
    """The pid and user id of the process at the other end of a Unix socket (None, None where the system does not
    say: Linux does)."""
    credentials = struct.Struct("3i")
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None, None
    pid, uid, _ = credentials.unpack(connection.getsockopt(socket.SOL_SOCKET, option, credentials.size))
    return pid, uid


def _become(client: int | None, request: Request, status: int) -> None:
    """This process as the client's: its environment, directory, umask, resource limits and niceness."""
    os.environ.clear()
    os.environ.update(request.environ)
    time.tzset()
    random.seed()
    sys.argv = request.argv
    os.umask(request.umask)
    if client is not None and hasattr(resource, "prlimit"):  # (Linux)
        for limit in LIMITS:
            with suppress(OSError, ValueError):  # a limit above this process's own hard limit stays at it
                resource.setrlimit(limit, resource.prlimit(client, limit))
        with suppress(OSError):  # a caller nicer than the server is obeyed; a less nice one would need privilege
            os.setpriority(os.PRIO_PROCESS, 0, os.getpriority(os.PRIO_PROCESS, client))
    try:
        os.chdir(request.cwd)
    except OSError as error:
        print(f"error: {request.cwd}: {error.strerror}", file=sys.stderr)
        _exit(1, status)


def _receive(connection: socket.socket) -> Request:
    """The request, with the client's three streams made this process's 0, 1 and 2."""
    data, fds, _, _ = socket.recv_fds(connection, LARGEST_REQUEST + LENGTH.size, 3)
    if len(fds) != 3:
        raise BadRequest("a request carries three streams")
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    _reopen_standard_streams()
    if len(data) < LENGTH.size:
        raise BadRequest("a request starts with its length")
    (length,) = LENGTH.unpack(data[: LENGTH.size])
    if length > LARGEST_REQUEST:
        raise BadRequest("a request over 1 MiB")
    body = data[LENGTH.size :]
    while len(body) < length:
        chunk = connection.recv(length - len(body))
        if not chunk:
            raise BadRequest("a request cut short")
        body += chunk
    return decode_request(body[:length])


def _reopen_standard_streams() -> None:
    """sys.stdin, stdout and stderr over the client's streams, buffered as Python buffers them for a new process."""
    encoding = os.environ.get("PYTHONIOENCODING") or sys.stdout.encoding
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        raw = io.FileIO(fd, "r" if fd == 0 else "w", closefd=False)
        interactive = raw.isatty()
        stream = io.TextIOWrapper(
            io.BufferedReader(raw) if fd == 0 else io.BufferedWriter(raw),
            encoding=encoding,
            errors="backslashreplace" if fd == 2 else "strict",
            line_buffering=interactive or fd == 2,
            write_through=fd == 2,
        )
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _status_of(command: Callable[[], None]) -> int:
    try:
        command()
    except SystemExit as exit:
        if exit.code is None or isinstance(exit.code, int):
            return exit.code or 0
        print(exit.code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # as Python ends on an unhandled Ctrl-C: killed by SIGINT
        _flush()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    except BaseException:
        traceback.print_exc()
        return 1
    return 0


def _flush() -> bool:
    ok = True
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            ok = False
    return ok


def _exit(code: int, status: int) -> NoReturn:
    """End as Python ends a process (exit handlers, then a flush: a stdout that cannot take its last bytes is exit
    120), telling the server its status first (with the warm-up's commands and CPU microseconds): the client need
    not wait while this process's memory is given back."""
    atexit._run_exitfuncs()  # the handlers and finalizers a new process would run at its exit
    if not _flush() and code == 0:
        code = 120
    with suppress(Exception):
        sys.stdout.close()
    with suppress(OSError):
        os.write(status, b"%d %d %d\n" % (code, WARMED_UP[0], round(WARMED_UP[1] * 1e6)))
    os._exit(code)


def _cpu_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime

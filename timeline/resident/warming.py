"""Warming a resident server's spare fork before its client comes.

A fork shares the server's memory until it writes to it, and Python writes to every object it touches (reference
counts): a command's first touch of the loaded program costs a copy-on-write page fault per page, ~2,000 of them
for a printed `search`, about half of its time in the fork. A spare that runs a few commands on a sample store of
its own while it waits has taken those faults (and filled rich's and the program's pure caches) before its client
comes, and its client's command runs as in a process that has answered before. The user's store is never opened
for it: the sample store is built once per server, in the server's private directory, by a fork of its own (the
server itself never opens a store). A spare that is handed a client stops warming after the command at hand.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import sys
import warnings
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from timeline.resident import running

# Printed and --json answers of the commands people run most, on the sample store (`timeline demo`'s facts), then
# the sample's files read and checked as an ingest reads them (without writing): the daily article's path.
QUESTIONS = (
    ("project", "north-hanoi-smart-city"),
    ("search", "smart", "city"),
    ("show", "nhsc-reception-2022-03-23"),
    ("who", "hanoi-party-secretary", "--on", "2022-03-23", "--json"),
)


def warm_up_commands() -> tuple[tuple[str, ...], ...]:
    from timeline.service.articles import sample_paths

    return (*QUESTIONS, ("check", *map(str, sample_paths())))


def sample_store(listening_at: str) -> Path:
    """The warm-up's store of the server listening at this socket, in the same private directory."""
    return Path(f"{listening_at}.warm") / "sample.db"


def build_sample_store(store: Path, command: Callable[[], None], inherited: list[socket.socket | int]) -> int:
    """Fork a process that writes the sample store at `store` (`timeline demo`) and exits 0 once it is there; its
    pid. The store appears whole or not at all: it is written in a directory of its own, then renamed. The process
    leaves the server's session, signal handlers and sockets (`inherited`) behind."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        running.leave_server(inherited)
        building = store.parent.with_name(f"{store.parent.name}.{os.getpid()}")
        building.mkdir(mode=0o700)
        _quietly(command, ("demo", "--db", str(building / store.name)))
        if (building / store.name).exists():
            building.rename(store.parent)
            code = 0
    finally:
        os._exit(code)


def forget_sample_store(store: Path) -> None:
    """Remove the sample store, and any a build left half-written."""
    for folder in (store.parent, *store.parent.parent.glob(f"{store.parent.name}.*")):
        shutil.rmtree(folder, ignore_errors=True)


def warm_up(command: Callable[[], None], store: Path, handed: Callable[[], bool]) -> int:
    """Run the warm-up commands on the sample store (the questions, then a check of the sample's files), printing
    nothing, until `handed` says a client waits; how many ran. What a command leaves behind that a new process
    would not have is undone: Python's once-only warnings, the Ctrl-C handler, the arguments and the standard
    streams (the client's request sets the last two anyway)."""
    ran = 0
    if store.exists():
        with warnings.catch_warnings():  # (its end resets every module's record of warnings already shown)
            for args in warm_up_commands():
                if handed():
                    break
                _quietly(command, (*args, "--db", str(store)))
                ran += 1
        signal.signal(signal.SIGINT, signal.default_int_handler)
    return ran


def _quietly(command: Callable[[], None], args: tuple[str, ...]) -> None:
    """Run the CLI with these arguments, its standard streams (Python's and the descriptors) on /dev/null, then
    put them back."""
    saved = [os.dup(fd) for fd in (0, 1, 2)]
    nothing = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(nothing, fd)
    os.close(nothing)
    streams = (sys.stdin, sys.stdout, sys.stderr)
    sys.stdin, sys.stdout, sys.stderr = (
        io.TextIOWrapper(io.FileIO(fd, "r" if fd == 0 else "w", closefd=False)) for fd in (0, 1, 2)
    )
    sys.argv = ["timeline", *args]
    try:
        command()
    except BaseException:  # (SystemExit, and anything a damaged sample store might raise: a warm-up is optional)
        pass
    finally:
        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError):
                stream.flush()
        sys.stdin, sys.stdout, sys.stderr = streams
        for fd, copy in enumerate(saved):
            os.dup2(copy, fd)
            os.close(copy)

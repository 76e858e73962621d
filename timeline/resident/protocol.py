"""What a client and a resident server say to each other over the socket.

The client sends one request: a 4-byte length, then NUL-separated fields (its working directory, its umask, its
arguments, its environment), with its stdin, stdout and stderr attached as file descriptors. The server answers
`pid N` once it has forked the process that runs the command, then `exit N` as that process ends (it tells the
server before it gives its memory back), or `signal N` if a signal ended it. Or it answers `stale` instead of a
pid when the installed code changed since it started (the client then runs the command itself)."""

from __future__ import annotations

import os
import struct

LENGTH = struct.Struct("!I")
LARGEST_REQUEST = 1 << 20  # 1 MiB: more than any command line and environment a shell passes
STALE = b"stale"


class BadRequest(Exception):
    """A request this protocol cannot read (nothing a client of this installation sends)."""


class Request:
    """What a client asks: run these arguments in its directory, with its umask and environment. (A plain class:
    the client imports this module, and dataclasses would cost it ~10 ms.)"""

    __slots__ = ("argv", "cwd", "environ", "umask")

    def __init__(self, cwd: str, umask: int, argv: list[str], environ: dict[str, str]) -> None:
        self.cwd, self.umask, self.argv, self.environ = cwd, umask, argv, environ


def encode_request(request: Request) -> bytes:
    environ = (f"{name}={value}" for name, value in request.environ.items())
    fields = [request.cwd, str(request.umask), str(len(request.argv)), *request.argv, *environ]
    body = b"\0".join(os.fsencode(field) for field in fields)
    return LENGTH.pack(len(body)) + body


def decode_request(body: bytes) -> Request:
    """A request from its body (after its length)."""
    cwd, umask, count, *rest = [os.fsdecode(field) for field in body.split(b"\0")] + ["", ""]
    if not umask.isdigit() or not count.isdigit() or len(rest) < int(count) + 2:
        raise BadRequest("a request needs a directory, a umask, a count and that many arguments")
    argv, environ = rest[: int(count)], rest[int(count) : -2]
    return Request(cwd, int(umask), argv, dict(field.partition("=")[::2] for field in environ if "=" in field))

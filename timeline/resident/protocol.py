"""What a client and a resident server say to each other over the socket.

The client sends one request: a 4-byte length, then NUL-separated fields (its working directory, its arguments,
its environment), with its stdin, stdout and stderr attached as file descriptors. The server answers with lines:
`pid N` once it has forked the process that runs the command, then `exit N` or `signal N` when that process ends;
or `stale` instead of a pid when the installed code changed since the server started (the client then runs the
command itself)."""

from __future__ import annotations

import os
import struct

LENGTH = struct.Struct("!I")
LARGEST_REQUEST = 1 << 20  # 1 MiB: more than any command line and environment a shell passes
STALE = b"stale"


class BadRequest(Exception):
    """A request this protocol cannot read (nothing a client of this installation sends)."""


def encode_request(cwd: str, argv: list[str], environ: dict[str, str]) -> bytes:
    fields = [cwd, str(len(argv)), *argv, *(f"{name}={value}" for name, value in environ.items())]
    body = b"\0".join(os.fsencode(field) for field in fields)
    return LENGTH.pack(len(body)) + body


def decode_request(body: bytes) -> tuple[str, list[str], dict[str, str]]:
    """The working directory, arguments and environment of a request's body (after its length)."""
    fields = [os.fsdecode(field) for field in body.split(b"\0")]
    if len(fields) < 2 or not fields[1].isdigit() or len(fields) < 2 + int(fields[1]):
        raise BadRequest("a request needs a directory, a count and that many arguments")
    count = int(fields[1])
    environ = dict(field.partition("=")[::2] for field in fields[2 + count :] if "=" in field)
    return fields[0], fields[2 : 2 + count], environ

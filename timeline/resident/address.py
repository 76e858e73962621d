"""Where a resident server listens: one Unix socket per user and installation, in a directory no one else can
enter. Read by the client on every command, so it imports nothing beyond the standard library's core."""

from __future__ import annotations

import os
import stat
import sys
import zlib

PROTOCOL = 1  # part of the socket's name: a client only ever meets a server that speaks its protocol
SWITCH = "TIMELINE_RESIDENT"  # "off": every command runs in its own process, as without a server


def socket_path() -> str:
    """The socket of this user's server for this installation (this environment and this copy of the code)."""
    base = os.environ.get("XDG_RUNTIME_DIR") or "/tmp"
    installation = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    key = zlib.crc32(f"{PROTOCOL}\0{sys.prefix}\0{installation}".encode(errors="surrogateescape"))
    return os.path.join(base, f"timeline-{os.getuid()}", f"{key:08x}.sock")


def is_private(folder: str) -> bool:
    """A directory (not a link to one) that this user owns and no one else may enter: only then is a socket in it
    this user's own. Anyone can make /tmp/timeline-UID first; then no server is used, rather than theirs."""
    try:
        found = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid() and not found.st_mode & 0o077


def switched_off() -> bool:
    return os.environ.get(SWITCH, "").strip().lower() in ("off", "0", "no")

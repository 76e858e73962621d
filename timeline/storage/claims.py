"""Who has a store open: a claim, shared by every process using the store and exclusive for removing it.

A failed first ingest removes the store it made (timeline/storage/discard.py), but another first ingest may have
opened that store meanwhile and be about to write into it. So every read-model connection holds a shared claim
while it is open, and the removal needs the exclusive claim, taken without waiting: while anyone else holds the
store open, it stays (empty, as any store before its first write).

On PostgreSQL the claim is a session advisory lock keyed by the schema. On SQLite it is an `flock` of the store's
directory: a lock on the file itself would need a descriptor of the file of our own, and closing that descriptor
would release every POSIX lock SQLite holds on the file in this process. The directory is coarser than the file
(another store in use in the same directory also keeps a failed first ingest's file), never too fine.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

USERS_LOCK = 0x75736572  # with the schema's hash, the advisory lock that a PostgreSQL store's users share


# The statement claiming a connection's schema, shared (waiting while a removal holds it), and the query whose one
# value says whether the connection now holds the claim alone (it never waits).
CLAIM_SCHEMA = f"SELECT pg_advisory_lock_shared({USERS_LOCK}, hashtext(current_schema()))"
CLAIM_SCHEMA_ALONE = f"SELECT pg_try_advisory_lock({USERS_LOCK}, hashtext(current_schema()))"


class DirectoryClaim:
    """A held `flock` of a directory, released by `release` or when collected (a connection dropped by Ctrl-C)."""

    def __init__(self, handle: int):
        self.handle: int | None = handle

    def release(self) -> None:
        if self.handle is not None:
            os.close(self.handle)
            self.handle = None

    def __del__(self) -> None:
        self.release()


def claim_directory(directory: Path) -> DirectoryClaim | None:
    """A shared claim on the stores of `directory`, until released; None where the directory cannot be opened or
    locked (no one can claim it then, and no store there is ever removed)."""
    handle = _open(directory)
    if handle is None:
        return None
    claim = DirectoryClaim(handle)
    try:
        fcntl.flock(handle, fcntl.LOCK_SH)  # waits only while a removal is under way
    except OSError:  # a file system without flock: no claim (and no removal, which needs one)
        claim.release()
        return None
    return claim


def claim_directory_alone(directory: Path) -> DirectoryClaim | None:
    """The exclusive claim on the stores of `directory`, or None at once when any process has one open."""
    handle = _open(directory)
    if handle is None:
        return None
    claim = DirectoryClaim(handle)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        claim.release()
        return None
    return claim


def _open(directory: Path) -> int | None:
    try:
        return os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return None

"""Writing a command's output to a file the user named: whole or not at all, and one clear line when it fails."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from timeline.errors import FileError


def write_file(path: str | Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (or its pieces, as they come) to `path`. A regular file is written beside it and renamed into
    place, so a full disk or an interrupt leaves the old file (or none), never half a file; a device or a pipe
    (/dev/stdout, /dev/full) is written directly. A missing folder, a folder in the way, no permission or no space
    is a FileError."""
    target = Path(path)
    if target.is_dir():
        raise FileError(f"cannot write {target}: it is a directory")
    if not target.parent.is_dir():
        raise FileError(f"cannot write {target}: no folder {target.parent}; create it first")
    try:
        if target.exists() and not target.is_file():
            with target.open("wb") as handle:
                _write(handle, data)
            return
        _replace(target, data)
    except OSError as error:
        raise FileError(f"cannot write {target}: {(error.strerror or str(error)).lower()}") from None


def _write(handle: BinaryIO, data: bytes | Iterable[bytes]) -> None:
    for piece in [data] if isinstance(data, bytes) else data:
        handle.write(piece)


def _replace(target: Path, data: bytes | Iterable[bytes]) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            _write(stream, data)
        if target.exists():
            os.chmod(temporary, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

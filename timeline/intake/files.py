"""Finding and opening input files: only regular files (never a FIFO or a device), within the size limit, as
UTF-8. Whatever stops a file is a problem naming it, never an exception the user sees."""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from timeline.errors import Problem

SUFFIXES = (".yaml", ".yml", ".json", ".jsonl", ".csv")


class FileProblem(Exception):
    """Problems that stop reading one file (the other files are still read)."""

    def __init__(self, *problems: Problem):
        self.problems = list(problems)


def input_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Files named, and input files found under directories named, in a stable order; a directory that cannot
    be read is a problem, not an empty directory."""
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            problems.append(Problem(str(path), "no such file or directory"))
            continue
        except OSError as error:
            problems.append(Problem(str(path), f"cannot read: {error.strerror}"))
            continue
        if stat.S_ISDIR(mode):
            found, unreadable = _walk(path)
            files.extend(found)
            problems.extend(unreadable)
        elif path.suffix.lower() not in SUFFIXES:
            problems.append(Problem(str(path), f"not an input file; expected one of {', '.join(SUFFIXES)}"))
        else:
            files.append(path)
    return files, problems


def _walk(directory: Path) -> tuple[list[Path], list[Problem]]:
    """Input files under a directory (sorted), and a problem for each directory that cannot be listed."""
    problems: list[Problem] = []

    def unreadable(error: OSError) -> None:
        problems.append(Problem(str(error.filename), f"cannot read the directory: {error.strerror}"))

    found = [
        Path(root) / name
        for root, _, names in os.walk(directory, onerror=unreadable)
        for name in names
        if Path(name).suffix.lower() in SUFFIXES
    ]
    return sorted(found), problems


def read_lines(path: Path, most: int) -> Iterator[str]:
    """A JSONL file's lines, split at '\\n' only (as `text.split("\\n")`: U+2028 or NEL may be in a string), each
    up to `most` bytes. A file that is not UTF-8 gives that one problem and no lines."""
    handle, _ = _open_regular(path)
    with os.fdopen(handle, "rb") as file:
        bad = _first_bad_byte(file)
        if bad is not None:
            raise FileProblem(Problem(str(path), f"not UTF-8 text (byte {bad})"))
        file.seek(0)
        for number, line in enumerate(iter(lambda: file.readline(most + 1), b""), start=1):
            if len(line) > most and not line.endswith(b"\n"):
                limit = f"over the limit of {most:,} bytes (TIMELINE_MAX_FILE_BYTES)"
                raise FileProblem(Problem(str(path), f"line {number} is {limit}", number))
            text = line.removesuffix(b"\n").decode("utf-8")
            yield text.removeprefix("\ufeff") if number == 1 else text  # a byte-order mark, as Notepad writes


def _first_bad_byte(file: BinaryIO, chunk: int = 1 << 20) -> int | None:
    """Where the file stops being UTF-8 (a byte offset), read a chunk at a time; None if it is UTF-8 throughout."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    fed = 0
    while True:
        data = file.read(chunk)
        pending = len(decoder.getstate()[0])  # bytes of the last chunk's unfinished character
        try:
            decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            return fed - pending + error.start
        if not data:
            return None
        fed += len(data)


def _open_regular(path: Path) -> tuple[int, os.stat_result]:
    """A descriptor of a regular file (never a FIFO, a device or a link to one: they block or never end)."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # opening a FIFO would wait for a writer
    except OSError as error:
        raise FileProblem(Problem(str(path), f"cannot read: {error.strerror}")) from None
    try:
        info = os.fstat(handle)
    except OSError as error:
        os.close(handle)
        raise FileProblem(Problem(str(path), f"cannot read: {error.strerror}")) from None
    if not stat.S_ISREG(info.st_mode):
        os.close(handle)
        raise FileProblem(Problem(str(path), f"not a regular file ({_kind(info.st_mode)}); only files are read"))
    return handle, info


def read_input(path: Path, most: int) -> str:
    """A regular file's text, up to `most` bytes."""
    handle, info = _open_regular(path)
    try:
        if info.st_size > most:
            raise FileProblem(
                Problem(str(path), f"{info.st_size:,} bytes, over the limit of {most:,} (TIMELINE_MAX_FILE_BYTES)")
            )
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read(most + 1)
    except OSError as error:
        raise FileProblem(Problem(str(path), f"cannot read: {error.strerror}")) from None
    finally:
        os.close(handle)
    if len(data) > most:
        raise FileProblem(Problem(str(path), f"over the limit of {most:,} bytes (TIMELINE_MAX_FILE_BYTES)"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FileProblem(Problem(str(path), f"not UTF-8 text (byte {error.start})")) from None


_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a file")

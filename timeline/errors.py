"""User errors. The CLI renders each once, with its exit code; anything else is a bug and may raise."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from events.text import counted


class TimelineError(Exception):
    """Base of every error a user can cause and fix."""

    exit_code = 1

    def lines(self) -> list[str]:
        """What the user reads, one line each."""
        return [f"error: {self}"]

    def problems_json(self) -> list[dict[str, Any]]:
        return []

    def to_json(self) -> dict[str, Any]:
        """What `--json` prints on stdout for the failure: the error (its type, message and exit code) and the
        problems it lists (each with file, line, fact, field and message)."""
        kind = re.sub(r"(?<!^)(?=[A-Z])", "_", type(self).__name__).lower()
        return {
            "error": {"type": kind, "message": str(self), "exit_code": self.exit_code},
            "problems": self.problems_json(),
        }


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is, what it is, and what to do."""

    file: str
    message: str
    line: int | None = None
    fact: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.fact:
            parts.append(f"fact '{self.fact}'")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ": ".join(parts) + ": " + self.message


class InvalidInput(TimelineError):
    """The input files have problems; all of them are reported at once and nothing is written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.fact or "", p.field or ""))
        super().__init__(f"{counted(len(self.problems), 'problem')} in the input")

    def lines(self) -> list[str]:
        found = counted(len(self.problems), "problem")
        return [f"error: {p}" for p in self.problems] + [f"{found} found; nothing was written."]

    def problems_json(self) -> list[dict[str, Any]]:
        return [asdict(problem) for problem in self.problems]


class InvalidOption(TimelineError):
    """A command-line value (a date, a reference) is not usable."""

    exit_code = 2


class OutputError(TimelineError):
    """An output file cannot be written (a full disk, a device that refuses)."""


class NotFound(TimelineError):
    """A referenced entity, fact or store does not exist."""


class StoreError(TimelineError):
    """The store cannot be opened or written: missing, not a timeline store, busy or read-only."""


class ServerError(TimelineError):
    """A resident server cannot start (another serves this installation, or its socket's directory is not this
    user's alone), or there is none to stop."""


class Conflict(StoreError):
    """Another writer changed the same facts first; nothing of this run was written."""


class FileError(TimelineError):
    """A file or stream the user named cannot be read or written: a missing folder, permissions, a full disk."""

    @classmethod
    def from_os_error(cls, error: OSError, what: str = "") -> FileError:
        reason = error.strerror or str(error)
        where = error.filename if error.filename is not None else what or "standard output"
        return cls(f"{where}: {reason}")


class Interrupted(TimelineError):
    """Ctrl-C: the line says exactly what was written (exit 130, as a shell reports SIGINT)."""

    exit_code = 130

    def __init__(self, written: int | None = None, read_models: tuple[int, int] | None = None):
        """`read_models`: when a catch-up of the read models was stopped, the events they now hold and the log's."""
        self.written = written
        if written is None:
            message = "interrupted; the log is unchanged"
            if read_models is not None and read_models[0] < read_models[1]:
                held, total = read_models
                message += f"; the read models hold {held} of its {total} events, and the next command applies the rest"
        elif written == 0:
            message = "interrupted before the commit: nothing was written"
        else:
            message = (
                f"interrupted after the commit: {counted(written, 'event')} written; "
                "read models will catch up on the next command"
            )
        super().__init__(message)

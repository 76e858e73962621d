"""User errors. The CLI renders each once, with its exit code; anything else is a bug and may raise."""

from __future__ import annotations

from dataclasses import dataclass


class TimelineError(Exception):
    """Base of every error a user can cause and fix."""

    exit_code = 1

    def lines(self) -> list[str]:
        """What the user reads, one line each."""
        return [f"error: {self}"]


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
        super().__init__(f"{len(self.problems)} problem(s) in the input")

    def lines(self) -> list[str]:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        return [f"error: {p}" for p in self.problems] + [f"{count} {noun} found; nothing was written."]


class InvalidOption(TimelineError):
    """A command-line value (a date, a reference) is not usable."""

    exit_code = 2


class OutputError(TimelineError):
    """An output file cannot be written (a full disk, a device that refuses)."""


class NotFound(TimelineError):
    """A referenced entity, fact or store does not exist."""


class StoreError(TimelineError):
    """The store cannot be opened or written: missing, not a timeline store, busy or read-only."""


class Conflict(StoreError):
    """Another writer changed the same facts first; nothing of this run was written."""

"""Recorded (system) time in the read models: each stream's first and latest recorded time, and the log
positions appended at each recorded time (what `--recorded-before` and the audit diff read)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import lru_cache
from typing import Protocol, TypeVar

from timeline.storage.database import Database


class Recorded(Protocol):
    @property
    def recorded(self) -> datetime: ...


E = TypeVar("E", bound=Recorded)


@lru_cache(maxsize=256)  # every event of one ingest shares its recorded time
def recorded_key(recorded: datetime) -> str:
    """A recorded time as the read models store it: UTC, to the microsecond, so that text order is time order."""
    return recorded.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def recorded_before_only(events: Iterable[E], before: datetime | None) -> Iterator[E]:
    """The logged events recorded before `before` (`--recorded-before`; all of them without it)."""
    key = recorded_key(before) if before is not None else None
    return (e for e in events if key is None or recorded_key(e.recorded) < key)


class Spans:
    """What a catch-up learns of recorded (system) time: per stream the first and latest recorded time of the
    events applied, and per recorded time the log positions appended then."""

    def __init__(self) -> None:
        self.facts: dict[str, tuple[str, str]] = {}
        self.entities: dict[str, tuple[str, str]] = {}
        self.positions: dict[str, tuple[int, int]] = {}

    @staticmethod
    def touch(spans: dict[str, tuple[str, str]], key: str, recorded: str) -> None:
        first, last = spans.get(key, (recorded, recorded))
        spans[key] = (min(first, recorded), max(last, recorded))

    def note(self, recorded: str, position: int) -> None:
        first, last = self.positions.get(recorded, (position, position))
        self.positions[recorded] = (min(first, position), max(last, position))


def write_recorded(db: Database, positions: dict[str, tuple[int, int]]) -> None:
    """One row per recorded time; an ingest is caught up whole, so its rows are written once, but a row met
    again keeps its widest span."""
    known = dict(
        (row[0], (row[1], row[2]))
        for batch in _chunks(sorted(positions), 500)
        for row in db.execute(
            f"SELECT recorded, first, last FROM rm_recorded WHERE recorded IN ({','.join('?' * len(batch))})", batch
        ).fetchall()
    )
    rows = []
    for recorded, (first, last) in positions.items():
        old_first, old_last = known.get(recorded, (first, last))
        rows.append((recorded, min(first, old_first), max(last, old_last)))
    db.executemany("DELETE FROM rm_recorded WHERE recorded=?", [(recorded,) for recorded in known])
    db.executemany("INSERT INTO rm_recorded (recorded, first, last) VALUES (?, ?, ?)", rows)


def ingest_start(db: Database, recorded: str, last: int) -> int | None:
    """The first position of the run of events recorded at `recorded` that ends the log at position `last` (one
    ingest), from the spans; None when the spans do not reach `last` (read models caught up a moment behind)."""
    span = db.execute("SELECT first, last FROM rm_recorded WHERE recorded = ?", (recorded,)).fetchone()
    if span is None or span[1] != last:
        return None
    other = db.execute(  # the last event of another recorded time inside the span, if writers interleaved
        "SELECT MAX(last) FROM rm_recorded WHERE recorded <> ? AND last >= ? AND last < ?", (recorded, span[0], last)
    ).fetchone()[0]
    return span[0] if other is None else max(span[0], other + 1)


def recorded_start(db: Database, since: str, last: int) -> int | None:
    """The first position of the run of events recorded at or after `since` that ends the log at position `last`:
    right after the last event recorded before `since`; None when the spans do not reach `last`."""
    if db.execute("SELECT MAX(last) FROM rm_recorded").fetchone()[0] != last:
        return None
    before = db.execute("SELECT MAX(last) FROM rm_recorded WHERE recorded < ?", (since,)).fetchone()[0]
    return (before or 0) + 1


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]

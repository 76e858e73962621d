"""What an export writes after more of the store has been read (the HTML page's lanes, Markdown's footnotes), kept
on disk in a private temporary SQLite database rather than in memory: a whole store exports in bounded memory."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from types import TracebackType

BUFFERED = 1000  # pieces added before they are written to the database
CACHE_KIB = 1024  # the database's page cache: what it holds in memory at most


class Spool:
    """Text pieces, each in a numbered part, given back by part and then in the order added; and numbers for keys
    (1, 2, ... in order of first use), so that what was seen before is told apart without holding it. A context
    manager: the database file is gone once it is closed."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": a temporary database on disk, private to this connection
        self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._db.execute("CREATE TABLE pieces (part INTEGER NOT NULL, seq INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        self._db.execute("CREATE INDEX pieces_in_order ON pieces (part, seq)")
        self._db.execute("CREATE TABLE numbers (number INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE)")
        self._buffer: list[tuple[int, str]] = []
        self.numbered = 0

    def add(self, part: int, text: str) -> None:
        self._buffer.append((part, text))
        if len(self._buffer) >= BUFFERED:
            self._flush()

    def _flush(self) -> None:
        self._db.executemany("INSERT INTO pieces (part, text) VALUES (?, ?)", self._buffer)
        self._buffer.clear()

    def number(self, key: str) -> tuple[int, bool]:
        """The key's number, and whether this is its first use."""
        added = self._db.execute("INSERT OR IGNORE INTO numbers (key) VALUES (?)", (key,))
        if added.rowcount:  # (numbers are rowids: 1, 2, ... as keys are added, none ever deleted)
            self.numbered += 1
            return self.numbered, True
        return int(self._db.execute("SELECT number FROM numbers WHERE key = ?", (key,)).fetchone()[0]), False

    def pieces(self) -> Iterator[tuple[int, str]]:
        """Every piece added, with its part: by part, then in the order added."""
        self._flush()
        yield from self._db.execute("SELECT part, text FROM pieces ORDER BY part, seq")

    def __enter__(self) -> Spool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._db.close()

"""A record: one entity or fact as written, with the file and line it came from, to name in every problem."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from timeline.errors import Problem


@dataclass(frozen=True, slots=True)
class Record:
    """One entity or fact as written: its kind ('fact' or an entity kind), raw data and location."""

    kind: str
    data: Any
    file: str
    line: int | None
    fields: dict[str, int] | None = None  # field path ('sources[0].language') -> its line, for YAML

    def problem(self, message: str, field: str | None = None) -> Problem:
        fact = self.data.get("id") if self.kind == "fact" and isinstance(self.data, dict) else None
        return Problem(
            self.file, message, self.line_of(field), _shown_id(fact) if isinstance(fact, str) else None, field
        )

    def line_of(self, field: str | None) -> int | None:
        """The line of the field (or of its nearest enclosing field written), else of the record."""
        path = field or ""
        while path and self.fields:
            if path in self.fields:
                return self.fields[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self.line


def _shown_id(text: str) -> str:
    """A fact's id as messages name it: as written, unless it is huge or holds control characters (it is
    invalid then, and shown escaped and clipped, so that each problem stays one readable line)."""
    shown = text if text.isprintable() else repr(text)[1:-1]
    return shown if len(shown) <= 200 else f"{shown[:60]}… ({len(text)} characters)"

"""How much one input file may make the program read, hold and expand: each limit stops a hostile file (a
100 MB title, a YAML alias bomb, a device posing as a file) before it costs memory or time.

Every limit is an environment variable holding a positive whole number (see README, "Limits").
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from timeline.errors import InvalidOption


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 20_000_000  # one input file
    text_chars: int = 1_000_000  # one string (a title, a quote, a key) anywhere in a record
    alias_values: int = 100_000  # values that YAML aliases may add to one file, once expanded


ENV = {
    "file_bytes": "TIMELINE_MAX_FILE_BYTES",
    "text_chars": "TIMELINE_MAX_TEXT",
    "alias_values": "TIMELINE_MAX_ALIAS_VALUES",
}


def limits() -> Limits:
    """The limits in force: the defaults, each replaced by its environment variable when set."""
    chosen: dict[str, int] = {}
    for field, variable in ENV.items():
        text = os.environ.get(variable, "").strip()
        if not text:
            continue
        if not text.isdigit() or int(text) < 1:
            raise InvalidOption(f"{variable}: expected a positive whole number, got {text[:40]!r}")
        chosen[field] = int(text)
    return Limits(**chosen)


def oversized_text(data: Any, most: int) -> tuple[str, int] | None:
    """The field path and length of the first string (value or key) over `most` characters, if any."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        for child_path, child in _children(path, value):
            if isinstance(child, str) and len(child) > most:
                return child_path, len(child)
            if isinstance(child, (dict, list)):
                stack.append((child_path, child))
    return None


def _children(path: str, value: Any) -> Iterator[tuple[str, Any]]:
    """A mapping's keys and values, a list's items, each with its field path (a long key clipped in it)."""
    if isinstance(value, dict):
        for key, item in value.items():
            name = str(key) if len(str(key)) <= 60 else f"{str(key)[:40]}…"
            where = f"{path}.{name}" if path else name
            yield where, key
            yield where, item
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield f"{path}[{index}]", item

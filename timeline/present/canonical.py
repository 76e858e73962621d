"""Canonical JSON: sorted keys and UTF-8 text, so that the same data always gives the same bytes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

_INDENTED = json.JSONEncoder(sort_keys=True, ensure_ascii=False, indent=2)
PIECE = 1 << 16  # characters written at a time


def canonical_json(value: Any) -> str:
    """For people and machines reading `--json`: two-space indent."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2)


def canonical_pieces(value: Any) -> Iterator[str]:
    """`canonical_json(value)` in pieces of about PIECE characters, to be written as they are made: the encoder's
    fragments (about ten times the text's size) and the whole text are never held at once."""
    buffer: list[str] = []
    size = 0
    for fragment in _INDENTED.iterencode(value):
        buffer.append(fragment)
        size += len(fragment)
        if size >= PIECE:
            yield "".join(buffer)
            buffer.clear()
            size = 0
    yield "".join(buffer)


def canonical_line(value: Any) -> str:
    """One compact line, for JSONL."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

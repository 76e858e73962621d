"""Canonical JSON: sorted keys and UTF-8 text, so that the same data always gives the same bytes."""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> str:
    """For people and machines reading `--json`: two-space indent."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2)


def canonical_line(value: Any) -> str:
    """One compact line, for JSONL."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

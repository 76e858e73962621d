"""Unedited drafts: what `timeline draft` leaves for a person to fill in must not reach the log.

A draft marks what it could not know with `REVIEW: ...` placeholders (an outlet, a metric) and every drafted
id with `# review: rename`. Both are found in the file's text (a YAML comment is gone once parsed), each reported
at its line, with the fact it belongs to. JSON Lines has no comments and is never read whole: each line that
holds a placeholder has its record's values searched, and each placeholder is named by its field's whole path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from timeline.errors import Problem

if TYPE_CHECKING:  # the loader calls this module
    from timeline.intake.record import Record

PLACEHOLDER = re.compile(r"REVIEW:[^\"'\n#]*")
RENAME = re.compile(r"#\s*review:\s*rename\b")
_KEY = re.compile(r"^[\s\-{]*\"?([A-Za-z_]+)\"?\s*:")


def _placeholder(found: str) -> str:
    return f"still the draft's placeholder {found!r}; replace it with the real value"


def unedited_draft(text: str, file: str, records: Iterable[Record]) -> list[Problem]:
    """A problem for each draft placeholder and each id still marked for renaming."""
    if "REVIEW:" not in text and "review:" not in text:
        return []
    starts = sorted(((r.line, r) for r in records if r.line is not None), key=lambda item: item[0])
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        owner = next((r for start, r in reversed(starts) if start <= number), None)
        fact = owner.data.get("id") if owner and owner.kind == "fact" and isinstance(owner.data, dict) else None
        key = _KEY.match(line)
        if RENAME.search(line):
            problems.append(
                Problem(
                    file,
                    "still the draft's id (marked '# review: rename'); give the fact a lasting id and delete the "
                    "comment",
                    number,
                    fact if isinstance(fact, str) else None,
                    "id",
                )
            )
        for found in PLACEHOLDER.finditer(line):
            problems.append(
                Problem(
                    file,
                    _placeholder(found.group().strip()),
                    number,
                    fact if isinstance(fact, str) else None,
                    key.group(1) if key else None,
                )
            )
    return problems


def unedited_values(record: Record) -> list[Problem]:
    """A problem for each draft placeholder in a record's values, named by the field's path."""
    return [record.problem(_placeholder(found), field) for field, found in _placeholders(record.data)]


def _placeholders(data: Any) -> Iterator[tuple[str, str]]:
    """(field path, placeholder) for each placeholder in the strings of parsed JSON, walked without recursion
    (a hostile line may nest as deep as the parser allows)."""
    pending: list[tuple[str, Any]] = [("", data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            yield from ((path, found.group().strip()) for found in PLACEHOLDER.finditer(value))
        elif isinstance(value, dict):
            pending.extend((f"{path}.{key}" if path else str(key), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", item) for index, item in reversed(list(enumerate(value))))

"""JSON and JSON Lines input: a key written twice in one object is an error, not a silent "the last one wins"."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from events.inputs import ENTITY_KINDS
from events.text import clip, quoted
from timeline.errors import Problem
from timeline.intake.drafts import unedited_values
from timeline.intake.files import FileProblem
from timeline.intake.record import Record


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The object of its pairs; a repeated key raises. `dict` does the work in C: the pairs are walked in Python
    only to name the repeated key."""
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key!r} in one object")
            seen.add(key)
    return found


# One decoder for every document: `json.loads` with a hook builds a new decoder per call (a third of its cost).
_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys)


def loads(text: str) -> Any:
    """JSON where a key written twice in one object is an error (ValueError)."""
    return _DECODER.decode(text)


def value_message(error: ValueError) -> str:
    """A duplicate key, or an integer too long for Python to convert (over 4300 digits by default)."""
    text = str(error)
    return "a number has too many digits" if "integer string conversion" in text else text


def json_document(text: str, file: str) -> Any:
    """A JSON file's one document, or FileProblem saying why not."""
    try:
        return loads(text)
    except json.JSONDecodeError as error:
        raise FileProblem(Problem(file, f"invalid JSON: {error.msg}", error.lineno)) from None
    except RecursionError:
        raise FileProblem(Problem(file, "invalid JSON: nested too deeply")) from None
    except ValueError as error:
        raise FileProblem(Problem(file, f"invalid JSON: {value_message(error)}")) from None


def jsonl_records(lines: Iterator[str], file: str) -> Iterator[tuple[Record, int]]:
    """Each line's record with the line's length (no string in the record is longer). Each line is independent:
    every bad line is reported (FileProblem, once the file is read), not only the first."""
    bad: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = loads(line)
        except (RecursionError, ValueError) as error:
            message = (
                error.msg
                if isinstance(error, json.JSONDecodeError)
                else value_message(error)
                if isinstance(error, ValueError)
                else "nested too deeply"
            )
            bad.append(Problem(file, f"invalid JSON line: {message}", number))
            continue
        if isinstance(data, dict) and "entity" in data:
            kind = data["entity"]
            if kind not in ENTITY_KINDS:
                shown = quoted(kind) if isinstance(kind, str) else clip(repr(kind), 60)
                expected = f"unknown entity kind {shown}; expected one of {', '.join(ENTITY_KINDS)}"
                bad.append(Problem(file, expected, number, field="entity"))
                continue
            record = Record(kind, {k: v for k, v in data.items() if k != "entity"}, file, number)
        else:
            record = Record("fact", data, file, number)
        if "REVIEW:" in line:  # a draft's placeholder left in a value (a substring search in C: cheap)
            bad.extend(unedited_values(record))
        yield record, len(line)
    if bad:
        raise FileProblem(*bad)

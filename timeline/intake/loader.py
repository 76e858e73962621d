"""Reading input files (YAML, JSON, JSONL, CSV) into raw records that remember where they came from.

The formats live beside this module: `files` (finding and opening files), `json_input`, `yaml_input` and
`spreadsheet`; here they become one stream of records, each checked against the size limits.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from events.inputs import ENTITY_SECTIONS
from events.text import clip, quoted
from timeline.errors import Problem
from timeline.intake.drafts import unedited_draft
from timeline.intake.files import SUFFIXES, FileProblem, input_files, read_input, read_lines
from timeline.intake.json_input import json_document, jsonl_records
from timeline.intake.limits import Limits, limits, oversized_text
from timeline.intake.record import Record
from timeline.intake.yaml_input import field_lines, item_lines, item_nodes, read_yaml, section_nodes

__all__ = ["SUFFIXES", "Record", "input_files", "load", "parse", "stream"]

_SECTIONS = {**ENTITY_SECTIONS, "facts": "fact"}


def load(paths: Iterable[str | Path]) -> tuple[list[Record], list[Problem]]:
    problems: list[Problem] = []
    records = list(stream(paths, problems))
    return records, problems


def stream(paths: Iterable[str | Path], problems: list[Problem]) -> Iterator[Record]:
    """Every record of the files, a YAML or JSON file at a time and a JSONL file a line at a time (memory does not
    grow with the input); file-level problems, and records over a limit, are added to `problems` as found."""
    limit = limits()
    files, found = input_files(paths)
    problems.extend(found)
    for path in files:
        try:
            text: str | None = None
            if path.suffix.lower() == ".jsonl":
                records = jsonl_records(read_lines(path, limit.file_bytes), str(path))
            else:
                text = read_input(path, limit.file_bytes)
                records = _sized(text, str(path), limit.alias_values)
            read: list[Record] = []  # a YAML or JSON file's records (parsed whole anyway), for the draft check
            for record, chars in records:
                too_long = oversized_text(record.data, limit.text_chars) if chars > limit.text_chars else None
                if too_long is None:
                    if text is not None:
                        read.append(record)
                    yield record
                    continue
                field, length = too_long
                message = f"{length:,} characters, over the limit of {limit.text_chars:,} (TIMELINE_MAX_TEXT)"
                problems.append(record.problem(message, field))
            if text is not None:
                problems.extend(unedited_draft(text, str(path), read))
        except FileProblem as error:
            problems.extend(error.problems)
        except OSError as error:
            problems.append(Problem(str(path), f"cannot read: {error.strerror}"))


def _sized(text: str, file: str, alias_values: int) -> Iterator[tuple[Record, int]]:
    """A whole file's records, each with a bound on the length of its strings: the text's length (no string read
    from a text is longer than it), except for CSV, whose cells are split and joined (no bound: each is checked)."""
    bound = len(text) if Path(file).suffix.lower() != ".csv" else 1 << 62
    return ((record, bound) for record in parse(text, file, alias_values))


def parse(text: str, file: str, alias_values: int = Limits.alias_values) -> Iterator[Record]:
    """Records in one file's text; the format follows the file name's suffix."""
    suffix = Path(file).suffix.lower()
    text = text.removeprefix("\ufeff")  # a byte-order mark, as Excel and Notepad write UTF-8
    if suffix == ".csv":
        from timeline.intake.spreadsheet import RowProblems, read_csv

        try:
            yield from (Record("fact", data, file, line) for data, line in read_csv(text, file))
        except RowProblems as error:
            raise FileProblem(*error.problems) from None
    elif suffix == ".jsonl":
        yield from (record for record, _ in jsonl_records(iter(text.split("\n")), file))
    elif suffix == ".json":
        yield from _document(json_document(text, file), file, None)
    else:
        data, node, duplicates = read_yaml(text, file, alias_values)
        yield from _document(data, file, node)
        if duplicates:
            raise FileProblem(*duplicates)


def _document(data: Any, file: str, node: Any) -> Iterator[Record]:
    """A document is a list of facts, or a mapping of sections (projects, organisations, ..., facts). `node` is its
    YAML node (for lines), None for JSON."""
    if data is None:
        return
    if isinstance(data, list):
        yield from _section("fact", data, file, node)
        return
    if not isinstance(data, dict):
        raise FileProblem(
            Problem(
                file,
                "expected a list of facts or a mapping of sections "
                f"({', '.join(_SECTIONS)}), found {type(data).__name__}",
            )
        )
    sections = section_nodes(node)
    for key, items in data.items():
        kind = _SECTIONS.get(key) if isinstance(key, str) else None
        if kind is None:
            shown = quoted(key) if isinstance(key, str) else clip(repr(key), 60)
            raise FileProblem(Problem(file, f"unknown section {shown}; expected one of {', '.join(_SECTIONS)}"))
        if items is None:
            continue
        if not isinstance(items, list):
            raise FileProblem(Problem(file, f"section {key!r} must be a list, found {type(items).__name__}"))
        yield from _section(kind, items, file, sections.get(key))


def _section(kind: str, items: list[Any], file: str, node: Any) -> Iterator[Record]:
    lines = item_lines(node) if node is not None else []
    nodes = item_nodes(node)
    for index, item in enumerate(items):
        fields = field_lines(nodes[index]) if index < len(nodes) else None
        yield Record(kind, item, file, lines[index] if index < len(lines) else None, fields)

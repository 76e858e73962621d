"""Reading the CSV that `timeline export --format csv` writes (or a spreadsheet saved in its shape) as facts.

One row per fact, with the export's columns (see README, "Spreadsheets in"): entities by id or any name, lists
joined with '; ' ('\\; ' inside an item: timeline.exports.sheet_cells), people as 'Name (Office, role)', figures
as the export writes them ('metric: 96.8 km (as written "96,8 km"), deadline 2030': timeline.exports.figure_cells),
sources as 'Outlet (language, reported) url', a retraction as 'date: reason'.
Empty cells are absent fields. A UTF-8 byte-order mark (as Excel writes) is accepted.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

from events.text import quoted
from timeline.errors import Problem
from timeline.exports.figure_cells import figure_of, figure_texts
from timeline.exports.sheet_cells import ADDRESS, address, cell_value, split
from timeline.exports.spreadsheet import CSV_COLUMNS, SOURCE_DETAILS

COLUMNS = CSV_COLUMNS
REQUIRED = ("id", "kind", "occurred", "title", "sources")
_SOURCE = re.compile(rf"(?P<outlet>.+) \((?P<language>[^,()]+), (?P<reported>[^()]+)\)(?: (?P<url>{ADDRESS}))?", re.S)
_PERSON = re.compile(r"^(?P<person>[^()]+?)(?: \((?P<details>.*)\))?$")
_RETRACTED = re.compile(r"^(?P<on>[^:]+): (?P<reason>.+)$", re.S)


class RowProblems(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems


def read_csv(text: str, file: str) -> Iterator[tuple[dict[str, Any], int]]:
    """Each row as the raw data of a fact, with its line; RowProblems for a header or cells it cannot read."""
    try:
        yield from _rows(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")), file)
    except csv.Error as error:  # a cell over the csv module's size limit, a NUL byte, an unclosed quote
        raise RowProblems([Problem(file, f"not a readable CSV file: {error}")]) from None


def _rows(rows: Any, file: str) -> Iterator[tuple[dict[str, Any], int]]:
    """The rows after the header, each with the line it starts on (a quoted cell may span lines)."""
    header = next(rows, None)
    if header is None:
        return
    header = [name.strip() for name in header]
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED if name not in header]
    if unknown or missing:
        said = [
            f"unknown column {quoted(unknown[0])}" if unknown else "",
            f"missing {', '.join(missing)}" if missing else "",
        ]
        raise RowProblems(
            [Problem(file, "; ".join(s for s in said if s) + f"; the columns are {', '.join(COLUMNS)}", 1)]
        )
    problems: list[Problem] = []
    found = []
    ended = rows.line_num
    for row in rows:
        line, ended = ended + 1, rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(Problem(file, f"has {len(row)} cells; the header has {len(header)}", line))
            continue
        try:
            found.append((fact_of(dict(zip(header, row))), line))
        except ValueError as error:
            problems.append(Problem(file, str(error), line))
    if problems:
        raise RowProblems(problems)
    yield from found


def fact_of(cells: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, cell in cells.items():
        cell = cell_value(cell.strip())
        if not cell:
            continue
        if name in ("projects", "partners"):
            data[name] = split(cell)
        elif name == "people":
            data[name] = [_person(text) for text in split(cell)]
        elif name == "figures":
            data[name] = [figure_of(text) for text in figure_texts(split(cell))]
        elif name == "sources":
            data[name] = [_source(text) for text in split(cell)]
        elif name == "source_details":
            continue  # joined to the sources below
        elif name == "retracted":
            found = _RETRACTED.match(cell)
            if not found:
                raise ValueError(
                    f"column 'retracted': write 'date: reason' (e.g. '2024-05-01: withdrawn'), got {quoted(cell)}"
                )
            data[name] = {"on": found["on"], "reason": found["reason"]}
        else:
            data[name] = cell
    details = cells.get("source_details", "").strip()
    if details:
        _add_details(data.get("sources", []), details)
    return data


def _add_details(sources: list[dict[str, Any]], cell: str) -> None:
    """Each source's title, quote, note and `differs` from the `source_details` cell (JSON, a list with one
    object per source in the `sources` cell's order)."""
    shape = f"a JSON list with one object per source (keys among {', '.join(SOURCE_DETAILS)}), or empty"
    try:
        details = json.loads(cell)
    except (ValueError, RecursionError):
        raise ValueError(f"column 'source_details': not JSON; write {shape}") from None
    if not isinstance(details, list) or not all(isinstance(item, dict) for item in details):
        raise ValueError(f"column 'source_details': write {shape}")
    if len(details) != len(sources):
        raise ValueError(
            f"column 'source_details': {len(details)} objects for {len(sources)} sources; keep one per source, "
            "in the order of the 'sources' cell ({} for a source without details)"
        )
    for source, extra in zip(sources, details, strict=True):
        unknown = sorted(set(extra) - set(SOURCE_DETAILS))
        if unknown:
            raise ValueError(f"column 'source_details': unknown key {quoted(unknown[0])}; write {shape}")
        source.update(extra)


def _person(text: str) -> dict[str, str]:
    found = _PERSON.match(text)
    if not found:
        raise ValueError(f"column 'people': write 'Name (Office, role)', got {quoted(text)}")
    person: dict[str, str] = {"person": found["person"].strip()}
    if found["details"]:
        office, _, role = found["details"].partition(", ")
        if office:  # 'Name (, role)': a role without an office
            person["office"] = office
        if role:
            person["role"] = role
    return person


def _source(text: str) -> dict[str, str]:
    found = _SOURCE.fullmatch(text)
    if not found:
        raise ValueError(f"column 'sources': write 'Outlet (language, reported) url', e.g. 'VNA (en, 2022-03-24)', "
                         f"got {quoted(text)}")  # fmt: skip
    source = {k: v for k, v in found.groupdict().items() if v is not None}
    if "url" in source:
        source["url"] = address(source["url"])
    return source

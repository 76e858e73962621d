"""Exports: an `ExportSet` (facts as the record held them, and their entities) as text for other tools.

Each format's module has `write(data) -> str` returning the whole text and `stream(data)`, yielding it a fact at a
time as the facts are read (what must wait for later facts waits on disk: timeline.exports.spool), so that a whole
store exports in bounded memory; the service chooses the facts and the CLI writes. Every
format is deterministic (the same store and options give the same bytes).

* `jsonl` is the engine's own input format (ingestible again, lossless); the others show each fact as the
  record stated it on the knowledge date (see projections.knowledge.view) and skip retracted facts, except
  `csv`, which lists them with their retraction, and `html`, which replays each fact over the knowledge days
  on which it changed and marks a retraction from its day.

`FORMATS` is the registry: the CLI offers exactly its names. A format's module is imported only when used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import import_module
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # the CLI reads FORMATS at start-up: keep this module's imports light
    from timeline.present.result_views import ExportSet


class Writer(Protocol):
    def write(self, data: ExportSet) -> str: ...

    def stream(self, data: ExportSet) -> Iterator[str]: ...


FORMATS: dict[str, str] = {
    "jsonl": "jsonl",
    "csv": "spreadsheet",
    "ics": "calendar",
    "md": "markdown",
    "timelinejs": "timelinejs",
    "html": "html_page",
}


def writer(fmt: str) -> Writer:
    """The module that writes format `fmt` (one of FORMATS)."""
    module: Writer = import_module(f"{__name__}.{FORMATS[fmt]}")
    return module


def export(fmt: str, data: ExportSet) -> str:
    """The export in format `fmt` (one of FORMATS)."""
    return writer(fmt).write(data)


def pieces(fmt: str, data: ExportSet) -> Iterator[str]:
    """The export in pieces, each written as its facts are read (a line, a row, an item, an event or a spooled
    lane per fact; a calendar surveys the facts first, since its header counts what it leaves out)."""
    stream: Callable[[ExportSet], Iterator[str]] = writer(fmt).stream
    return stream(data)


def left_out(fmt: str, data: ExportSet) -> list[str]:
    """What format `fmt` cannot show of the data, one line each, for the user to read (e.g. ics: facts with an
    open end); a format that shows everything has no `left_out`."""
    lines: list[str] = getattr(writer(fmt), "left_out", lambda _: [])(data)
    return lines

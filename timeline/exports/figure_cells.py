"""Figures in the spreadsheet's `figures` cell, both ways: each figure's text and the figures a cell's items hold.

A figure reads as people read it elsewhere (labels.figure_text): `metric: 96.8 km (as written "96,8 km"), deadline
2030, vision 2065, note: …`, a range `90–100`, without a value `metric (unit)`. The note is the last detail and
holds anything; a metric, unit or as-written text may hold what the reader takes for the format's own markers
(`: ` and a number, ` (…)`, ` (as written "…")`, `, deadline `, `, vision `, `, note: `). For such a figure only,
the export writes a backslash before each `:`, `,`, `(`, `)` and `"` of those three texts (`x\\: 5` is a metric
without a value; `length (km \\(approx\\))` a unit holding brackets). As before ';' and in an address, backslashes
count only right before one of these characters: a pair is one backslash, an odd one out makes the character
plain text. Every other figure is written as before, so a file written before this escape reads as it did unless a
backslash stood right before one of those characters in a metric, unit or as-written text (or ended one right
before `: `, `, `, `)` or `")`). Numbers are written so that they read back as the same number (`1234567.891`).

Files written before the '\\; ' escape held a note's '; ' unescaped, so an item after a figure with a note that
does not start like a figure with a value (`metric: 96.8`) is read as the rest of that note. The export therefore
starts such an item with a backslash (`length: 3 km, note: estimated; \\investment (million USD)`): a new figure,
the backslash taken off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from timeline.exports.sheet_cells import JOIN
from timeline.present.labels import figure_parts, number

if TYPE_CHECKING:
    from events.records import Figure

NOTE = ", note: "
NEW_FIGURE = "\\"
FIELDS = ("metric", "value", "unit", "as_written", "deadline", "vision", "note")
SPECIAL = ':,()"'  # the characters the markers are made of, written after a backslash in an escaped figure
_SPECIAL_RUN = re.compile(r'(\\*)([:,()"])')
_MAY_READ_AS_MARKER = re.compile(r': |, |[()"\\]')  # what a figure's own text must hold to be read otherwise
_TRAILING = re.compile(r"\\+\Z")
_ESCAPED = "\0"  # a special character written after a backslash, in the text the markers are looked for in
_NUMBER = r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?"
_FIGURE_START = re.compile(rf'^[^:;]+: {_NUMBER}(?:–{_NUMBER})?(?: |$)|\(as written "')
_NOTE = re.compile(r"(?<!\\)(?:\\\\)*(, note: )")  # the first ', note: ' whose comma is not escaped
_DETAILS = (
    ("vision", re.compile(r", vision (\S+)\Z")),
    ("deadline", re.compile(r", deadline (\S+)\Z")),
    ("as_written", re.compile(r' \(as written "(.*)"\)\Z', re.S)),
)
_AMOUNT = re.compile(r"(?P<low>-?[\d.]+(?:e[+-]?\d+)?)(?:–(?P<high>-?[\d.]+(?:e[+-]?\d+)?))?(?: (?P<unit>.+))?\Z", re.S)
_UNIT = re.compile(r" \(([^()]+)\)\Z")


def figure_cell_text(figure: Figure) -> str:
    """The figure's text, its metric, unit and as-written texts escaped only where it would read back as another
    figure (see the module's note)."""
    parts = figure_parts(figure, exact_number)
    plain = "".join(text for text, _ in parts)
    if _reads_back(plain, parts, figure):
        return plain
    return "".join(_escaped(text, parts[number + 1][0] if number + 1 < len(parts) else "") if own else text
                   for number, (text, own) in enumerate(parts))  # fmt: skip


def exact_number(value: float) -> str:
    """The number as people read it (`96.8`, `1e+12`), or as Python writes it where that reads back otherwise."""
    short = number(value)
    return short if float(short) == value else repr(float(value))


def _escaped(text: str, following: str) -> str:
    """A metric, unit or as-written text with a backslash before each special character (its backslashes right
    before one doubled), and its trailing ones doubled when a marker's special character follows."""
    text = _SPECIAL_RUN.sub(lambda found: "\\" * (2 * len(found[1]) + 1) + found[2], text)
    return _TRAILING.sub(lambda found: found[0] * 2, text) if following.startswith(tuple(SPECIAL)) else text


def _reads_back(plain: str, parts: list[tuple[str, bool]], figure: Figure) -> bool:
    """Whether `figure_of` reads the plain text as the figure: always when its own texts hold no ': ', ', ',
    bracket, quote or backslash (every marker is then one the text put there; `96,8 km` is such a text), so only
    other texts are read to know."""
    if not any(own and _MAY_READ_AS_MARKER.search(text) for text, own in parts):
        return True
    return figure_of(plain) == _read_as(figure)


def _read_as(figure: Figure) -> dict[str, Any]:
    """What `figure_of` gives for the figure's text when it reads back."""
    read = {key: value for key in FIELDS if (value := getattr(figure, key)) is not None}
    if isinstance(read.get("value"), (tuple, list)):
        read["value"] = [float(bound) for bound in read["value"]]
    elif "value" in read:
        read["value"] = float(read["value"])
    return read


def figure_of(text: str) -> dict[str, Any]:
    """The figure a figure's text holds (the inverse of `figure_cell_text`; the raw data of an input figure)."""
    figure: dict[str, Any] = {}
    note = _NOTE.search(text)
    if note:
        figure["note"] = text[note.end() :]
        text = text[: note.end()]
    masked, plain = _unescaped(text)
    if note:
        masked, plain = masked[: -len(NOTE)], plain[: -len(NOTE)]
    for key, pattern in _DETAILS:
        found = pattern.search(masked)
        if found:
            figure[key] = plain[found.start(1) : found.end(1)]
            masked, plain = masked[: found.start()], plain[: found.start()]
    cut = masked.rfind(": ")
    amount = _AMOUNT.match(masked, cut + 2) if cut >= 0 else None
    if amount:
        low = float(amount["low"])
        figure["value"] = [low, float(amount["high"])] if amount["high"] else low
        if amount["unit"]:
            figure["unit"] = plain[amount.start("unit") :]
        masked, plain = masked[:cut], plain[:cut]
    else:
        unit = _UNIT.search(masked)
        if unit:
            figure["unit"] = plain[unit.start(1) : unit.end(1)]
            masked, plain = masked[: unit.start()], plain[: unit.start()]
    figure["metric"] = plain
    return figure


def _unescaped(text: str) -> tuple[str, str]:
    """The text with each backslash escape resolved (`plain`), and the same with each escaped special character
    as `_ESCAPED` (`masked`, where the markers are looked for): the two have the same length, position by
    position."""
    if "\\" not in text:
        return text, text
    masked: list[str] = []
    plain: list[str] = []
    start = 0
    for found in _SPECIAL_RUN.finditer(text):
        backslashes = "\\" * (len(found[1]) // 2)
        plain += [text[start : found.start()], backslashes, found[2]]
        masked += [text[start : found.start()], backslashes, _ESCAPED if len(found[1]) % 2 else found[2]]
        start = found.end()
    return "".join([*masked, text[start:]]), "".join([*plain, text[start:]])


def figure_items(texts: Iterable[str]) -> list[str]:
    """Figures' texts as the items of a figures cell: one right after a figure with a note starts with a
    backslash where `figure_texts` would otherwise read it as the rest of that note (see the module's note)."""
    items: list[str] = []
    after_note = False
    for text in texts:
        items.append(NEW_FIGURE + text if after_note and _continues_note(text) else text)
        after_note = NOTE in text
    return items


def figure_texts(items: Iterable[str]) -> list[str]:
    """The figures' texts of a figures cell's items (`split`), as `figure_items` wrote them; an unmarked item
    after a note that does not start like a figure is the rest of that note, as in files written before the
    escape."""
    figures: list[str] = []
    for item in items:
        if figures and NOTE in figures[-1] and _continues_note(item):
            if item.startswith(NEW_FIGURE):
                figures.append(item.removeprefix(NEW_FIGURE))
            else:
                figures[-1] += JOIN + item
        else:
            figures.append(item)
    return figures


def _continues_note(text: str) -> bool:
    return text.startswith(NEW_FIGURE) or not _FIGURE_START.search(text)

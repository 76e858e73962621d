"""The spreadsheet's cells, both ways: lists joined with '; ' and formula-like cells made text.

A person reads and edits these cells, so the escapes are the ones people know:
- a '; ' inside an item (a role, an outlet, a figure's unit) is written '\\; ': `Ann (Chair, deputy\\; acting)`;
- backslashes count only right before a ';': there a pair is one backslash, and an odd one out escapes the ';'
  (`a\\\\; b` is the two items 'a\\' and 'b'). Any other backslash is itself, so a file written before this escape
  existed reads as it did unless a backslash stood right before a ';'.
- the figures cell has escapes of its own (timeline.exports.figure_cells).
- a source's address is the last word of its item (`Outlet (en, 2024) https://...`), so a space (any
  whitespace) inside it is written with a backslash, `\\ `; as before ';', backslashes count only right before
  one, a pair standing for one backslash. Older files held no address with a space, so they read as they did.
- a cell that a spreadsheet would run as a formula (=, +, -, @, tab, carriage return; OWASP's CSV injection
  advice) gets a leading apostrophe, which Excel and LibreOffice hide; reading takes it off again (a value that
  itself starts with apostrophes before such a character gets one more).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

JOIN = "; "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEUTRALISED = re.compile(r"'*[=+\-@\t\r]")
_BEFORE_SEMICOLON = re.compile(r"(\\*);")
_TRAILING = re.compile(r"\\+$")
_PIECES = re.compile(r"(\\+);|; ")
_BEFORE_SPACE = re.compile(r"(\\*)(\s)")
ADDRESS = r"(?:[^\s\\]|\\++(?!\s)|(?:\\\\)*\\\s)+"  # a word: whitespace only after an odd run of backslashes


def text_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs."""
    return "'" + value if _NEUTRALISED.match(value) else value


def cell_value(cell: str) -> str:
    """The value of a cell as `text_cell` wrote it."""
    return cell[1:] if cell.startswith("'") and _NEUTRALISED.match(cell, 1) else cell


def joined(items: Iterable[str]) -> str:
    """The items in one cell, joined with '; ', each read back whole by `split`."""
    return JOIN.join(_escaped(item, last) for item, last in _with_last(list(items)))


def _escaped(item: str, last: bool) -> str:
    def semicolon(found: re.Match[str]) -> str:
        backslashes, end = found[1], found.end()
        if backslashes or item.startswith(" ", end):  # a ';' that `split` would otherwise read differently
            return "\\" * (2 * len(backslashes) + 1) + ";"
        return ";"

    item = _BEFORE_SEMICOLON.sub(semicolon, item)
    return item if last else _TRAILING.sub(lambda found: found[0] * 2, item)  # the join's ';' follows


def _with_last(items: list[str]) -> Iterable[tuple[str, bool]]:
    return ((item, number == len(items) - 1) for number, item in enumerate(items))


def split(cell: str) -> list[str]:
    """The items of a cell: split at each '; ' not escaped by a backslash (see the module's note)."""
    items: list[str] = []
    current: list[str] = []
    start = 0
    for found in _PIECES.finditer(cell):
        current.append(cell[start : found.start()])
        start = found.end()
        backslashes = found[1] or ""
        current.append("\\" * (len(backslashes) // 2))
        if len(backslashes) % 2:  # an escaped ';'
            current.append(";")
        elif backslashes and not cell.startswith(" ", start):  # backslashes, then a ';' of the item
            current.append(";")
        else:  # a separator
            items.append("".join(current))
            current = []
            start += 1 if backslashes else 0  # (its space)
    current.append(cell[start:])
    items.append("".join(current))
    return items


def address_text(url: str) -> str:
    """A source's address as one word: each whitespace character after a backslash (doubled before it)."""
    return _BEFORE_SPACE.sub(lambda found: "\\" * (2 * len(found[1]) + 1) + found[2], url)


def address(word: str) -> str:
    """The address `address_text` wrote (a word matching ADDRESS)."""
    return _BEFORE_SPACE.sub(lambda found: "\\" * (len(found[1]) // 2) + found[2], word)

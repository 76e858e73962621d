"""The spreadsheet's cells, both ways: lists joined with '; ' and formula-like cells made text.

A person reads and edits these cells, so the escapes are the ones people know:
- a '; ' inside an item (a role, an outlet, a figure's unit) is written '\\; ': `Ann (Chair, deputy\\; acting)`;
- backslashes count only right before a ';': there a pair is one backslash, and an odd one out escapes the ';'
  (`a\\\\; b` is the two items 'a\\' and 'b'). Any other backslash is itself, so a file written before this escape
  existed reads as it did unless a backslash stood right before a ';'.
- a figure's note is its last detail (`, note: ...`), and files written before the escape above held a note's
  '; ' unescaped, so an item after a figure with a note that does not start like a figure with a value
  (`metric: 96.8`) is read as the rest of that note. The export therefore starts such an item with a backslash
  (`length: 3 km, note: estimated; \\investment (million USD)`): a new figure, the backslash taken off.
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
_NUMBER = r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?"
_FIGURE_START = re.compile(rf'^[^:;]+: {_NUMBER}(?:–{_NUMBER})?(?: |$)|\(as written "')
NOTE = ", note: "
NEW_FIGURE = "\\"
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


def address_text(url: str) -> str:
    """A source's address as one word: each whitespace character after a backslash (doubled before it)."""
    return _BEFORE_SPACE.sub(lambda found: "\\" * (2 * len(found[1]) + 1) + found[2], url)


def address(word: str) -> str:
    """The address `address_text` wrote (a word matching ADDRESS)."""
    return _BEFORE_SPACE.sub(lambda found: "\\" * (len(found[1]) // 2) + found[2], word)

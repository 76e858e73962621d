"""A small, fast parser for the subset of EDTF dates that timeline facts use.

Accepted forms (surrounding whitespace is ignored, everything else is strict):

    YYYY  YYYY-MM  YYYY-MM-DD      a single date, year 0001..9999
    ... followed by ~ ? or %       approximate, uncertain, or both
    A/B  ../B  A/..                an interval of two single dates; one end may be open
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from events.text import quoted

__all__ = ["InvalidDate", "EdtfDate", "parse_edtf", "parse_day", "as_of_bound"]

FORMS = (
    "write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2022-03-23), optionally with ~, ? or %, "
    "or an interval A/B, ../B, A/.."
)

_SINGLE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([~?%]?)")
_OPEN = ".."
_APPROX = ("~", "%")
_UNCERTAIN = ("?", "%")
# English names on purpose: calendar.month_name follows the locale.
_MONTHS = ("", "January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December")
_OPEN_START_KEY = 0  # below any real date's ordinal (>= 1)
_OPEN_END_KEY = -(date.max.toordinal() + 1)  # below any negated real ordinal


class InvalidDate(ValueError):
    """Text that is not an accepted EDTF date; the message says why, on one line."""


@dataclass(frozen=True, slots=True)
class EdtfDate:
    """A parsed EDTF date: the span [lower, upper] it covers, inclusive.

    ``lower``/``upper`` are None for an open start/end. ``precision`` is
    'day', 'month' or 'year' for single dates and 'interval' for intervals.
    """

    text: str
    lower: date | None
    upper: date | None
    precision: str
    approximate: bool = False
    uncertain: bool = False

    def __str__(self) -> str:
        return self.text

    @property
    def is_day(self) -> bool:
        return self.precision == "day"

    @property
    def lower_or_min(self) -> date:
        return date.min if self.lower is None else self.lower

    @property
    def upper_or_max(self) -> date:
        return date.max if self.upper is None else self.upper

    @property
    def sort_key(self) -> tuple[int, int]:
        """Earlier start first (open start first); for equal starts the wider span first."""
        lo = _OPEN_START_KEY if self.lower is None else self.lower.toordinal()
        hi = _OPEN_END_KEY if self.upper is None else -self.upper.toordinal()
        return (lo, hi)

    def overlaps(self, lo: date | None, hi: date | None) -> bool:
        """True if any day of this date falls in the inclusive window [lo, hi] (None = unbounded)."""
        if hi is not None and self.lower is not None and self.lower > hi:
            return False
        if lo is not None and self.upper is not None and self.upper < lo:
            return False
        return True

    def within(self, lo: date | None, hi: date | None) -> bool:
        """True if every day of this date falls in the inclusive window [lo, hi] (None = unbounded)."""
        if lo is not None and (self.lower is None or self.lower < lo):
            return False
        if hi is not None and (self.upper is None or self.upper > hi):
            return False
        return True

    def display(self) -> str:
        """Human form: '2023-11', '~2025', '2024?', '2045–2065', 'by 2022-05-25', 'from 2022'."""
        if self.precision != "interval":
            return _display_single(self.text)
        start, end = self.text.split("/")
        if start == _OPEN:
            return "by " + _display_single(end)
        if end == _OPEN:
            return "from " + _display_single(start)
        return _display_single(start) + "\u2013" + _display_single(end)


def _display_single(text: str) -> str:
    q = text[-1]
    if q == "~":
        return "~" + text[:-1]
    if q == "?":
        return text[:-1] + "?"
    if q == "%":
        return "~" + text[:-1] + "?"
    return text


def _invalid(text: str, reason: str) -> InvalidDate:
    return InvalidDate(f"{quoted(text)} is not a valid date: {reason}")


def _single(part: str, text: str) -> tuple[date, date, str, str]:
    """Parse one non-open side to (lower, upper, precision, qualifier); ``text`` is for messages."""
    m = _SINGLE.fullmatch(part)
    if m is None:
        raise InvalidDate(f"{quoted(text)} is not an EDTF date; {FORMS}")
    ys, ms, ds, q = m.groups()
    year = int(ys)
    if year == 0:
        raise _invalid(text, "year 0000 does not exist (years run 0001..9999)")
    if ms is None:
        lower, upper, precision = date(year, 1, 1), date(year, 12, 31), "year"
    else:
        month = int(ms)
        if not 1 <= month <= 12:
            raise _invalid(text, f"month {ms} does not exist (months run 01..12)")
        last = calendar.monthrange(year, month)[1]
        if ds is None:
            lower, upper, precision = date(year, month, 1), date(year, month, last), "month"
        else:
            day = int(ds)
            if day == 0:
                raise _invalid(text, "day 00 does not exist (days start at 01)")
            if day > last:
                raise _invalid(text, f"{_MONTHS[month]} {year} has {last} days")
            lower = upper = date(year, month, day)
            precision = "day"
    return lower, upper, precision, q


@lru_cache(maxsize=65536)
def parse_edtf(text: str) -> EdtfDate:
    """Parse an EDTF date or interval; raise InvalidDate with a readable message."""
    if not isinstance(text, str):
        raise TypeError(f"parse_edtf expects str, not {type(text).__name__}")
    text = text.strip()
    if "/" not in text:
        lower, upper, precision, q = _single(text, text)
        return EdtfDate(text, lower, upper, precision, q in _APPROX, q in _UNCERTAIN)
    parts = text.split("/")
    if len(parts) != 2:
        raise InvalidDate(f"{quoted(text)} is not an EDTF date; {FORMS}")
    a, b = parts
    if a == _OPEN and b == _OPEN:
        raise InvalidDate(f"{quoted(text)} is not a valid interval: at most one end may be open (..)")
    lower = upper = None
    quals = ""
    if a != _OPEN:
        lower, _, _, qa = _single(a, text)
        quals += qa
    if b != _OPEN:
        _, upper, _, qb = _single(b, text)
        quals += qb
    if lower is not None and upper is not None and lower > upper:
        raise InvalidDate(f"{quoted(text)} is not a valid interval: start {a} is after end {b}")
    approximate = "~" in quals or "%" in quals
    uncertain = "?" in quals or "%" in quals
    return EdtfDate(text, lower, upper, "interval", approximate, uncertain)


def parse_day(text: str) -> date:
    """Parse a plain full day YYYY-MM-DD (no qualifier) into a date."""
    d = parse_edtf(text)
    if not d.is_day or d.approximate or d.uncertain:
        raise InvalidDate(f"{quoted(d.text)} is not a plain day; write YYYY-MM-DD (e.g. 2022-03-23)")
    return d.lower  # type: ignore[return-value]


def as_of_bound(text: str) -> date:
    """The last day covered by an EDTF date: '2023' -> 2023-12-31. Open ends are rejected."""
    d = parse_edtf(text)
    if d.upper is None:
        raise InvalidDate(f"{quoted(d.text)} has an open end; give a date or interval with an end, e.g. 2023 or 2022/2023")
    return d.upper

"""A small, fast parser for EDTF (ISO 8601-2) dates: all of Level 0 and Level 1, and the Level 2 parts news uses.

Every accepted text stands for an inclusive span of days [lower, upper] (None = an open or unknown end), which
is what sorting, windows and `--as-of` use. Surrounding whitespace is ignored; everything else is strict.

    1985  1985-04  1985-04-12           a year, a month, a day (years 0001..9999)
    1985-04-12T23:20:30[Z|+04|-04:30]   a date-time: its day, as written (the offset does not move it)
    1985~  1985-04?  1985-04-12%        approximate, uncertain, or both (the whole date)
    2004?-06-11  2004-06~-11            qualified up to that component (Level 2): the year, or year and month
    ?2004-06-~11  2004-%06-11           a qualified component alone (Level 2)
    201X  20XX  2004-XX  1985-04-XX     unspecified digits from the right: the widest span they allow
    2001-21..24                         spring, summer, autumn, winter (Northern meteorological, see _GROUPS)
    2001-25..32  2001-33..36            hemisphere seasons; quarters (Level 2)
    2001-37..39  2001-40..41            four-month thirds; halves of the year (Level 2)
    A/B  ../B  A/..  /B  A/             an interval of two dates; one end may be open (..) or unknown (empty)
    -1985  Y170000002  Y-170000002      valid EDTF, recognised, then refused: no day of theirs fits 0001..9999
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
    "write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2022-03-23), optionally with ~, ? or %; "
    "also 2022-03-23T10:30:00Z, 202X, 2022-XX, 2022-21 (spring), 2022-33 (first quarter), "
    "or an interval A/B, ../B, A/.., /B, A/"
)

_Q = "[~?%]"
# Each component may carry a qualifier before it (that component alone) and after it (it and those to its left).
_SINGLE = re.compile(
    rf"({_Q})?([0-9]{{4}}|[0-9]{{3}}X|[0-9]{{2}}XX|-[0-9]{{4}}|Y-?[1-9][0-9]{{4,}})({_Q})?"
    rf"(?:-({_Q})?([0-9]{{2}}|XX)({_Q})?"
    rf"(?:-({_Q})?([0-9]{{2}}|XX)({_Q})?)?)?"
)
_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(Z|[+-]([0-9]{2})(?::([0-9]{2}))?)?"
)
_OPEN = ".."
_UNKNOWN = ""
_APPROX = ("~", "%")
_UNCERTAIN = ("?", "%")
# English names on purpose: calendar.month_name follows the locale.
_MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_OPEN_START_KEY = 0  # below any real date's ordinal (>= 1)
_OPEN_END_KEY = -(date.max.toordinal() + 1)  # below any negated real ordinal

# Sub-year groupings (ISO 8601-2): code -> (first month, last month, label). A last month past 12 runs into the
# next year. 21..24 are "independent of location" in the standard; we read them as the Northern hemisphere's
# meteorological seasons (whole months, which is what a span of days needs), like 25..28.
_GROUPS: dict[int, tuple[int, int, str]] = {
    21: (3, 5, "spring"),
    22: (6, 8, "summer"),
    23: (9, 11, "autumn"),
    24: (12, 14, "winter"),
    25: (3, 5, "northern spring"),
    26: (6, 8, "northern summer"),
    27: (9, 11, "northern autumn"),
    28: (12, 14, "northern winter"),
    29: (9, 11, "southern spring"),
    30: (12, 14, "southern summer"),
    31: (3, 5, "southern autumn"),
    32: (6, 8, "southern winter"),
    33: (1, 3, "Q1"),
    34: (4, 6, "Q2"),
    35: (7, 9, "Q3"),
    36: (10, 12, "Q4"),
    37: (1, 4, "Jan\u2013Apr"),
    38: (5, 8, "May\u2013Aug"),
    39: (9, 12, "Sep\u2013Dec"),
    40: (1, 6, "H1"),
    41: (7, 12, "H2"),
}
_GROUP_PRECISION = {
    **dict.fromkeys(range(21, 33), "season"),
    **dict.fromkeys(range(33, 37), "quarter"),
    **dict.fromkeys(range(37, 40), "quadrimester"),
    **dict.fromkeys(range(40, 42), "semester"),
}
_GROUP_TEXT = re.compile(r"([0-9]{4})-([0-9]{2})")


class InvalidDate(ValueError):
    """Text that is not an accepted EDTF date; the message says why, on one line."""


@dataclass(frozen=True, slots=True)
class EdtfDate:
    """A parsed EDTF date: the span [lower, upper] it covers, inclusive.

    ``lower``/``upper`` are None for an open (``..``) or unknown (empty) end of an interval. ``precision`` is
    what a single date names: 'day' (a date-time too), 'month', 'season', 'quarter', 'quadrimester',
    'semester', 'year', 'decade' (201X) or 'century' (20XX); 'interval' for intervals. ``approximate`` and
    ``uncertain`` are set when any part of the date carries the qualifier.
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

    @property
    def ends(self) -> tuple[str, str]:
        """The two ends as written: an interval's sides ('..' open, '' unknown); a single date is both ends."""
        if self.precision != "interval":
            return (self.text, self.text)
        start, end = self.text.split("/")
        return (start, end)

    @property
    def start(self) -> EdtfDate | None:
        """The single date an interval starts with (None if open or unknown); a single date is its own start."""
        side = self.ends[0]
        return None if side in (_OPEN, _UNKNOWN) else parse_edtf(side)

    @property
    def end(self) -> EdtfDate | None:
        """The single date an interval ends with (None if open or unknown); a single date is its own end."""
        side = self.ends[1]
        return None if side in (_OPEN, _UNKNOWN) else parse_edtf(side)

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
        """Human form: '2023-11', '~2025', '2024?', 'Q4 2032', '2045–2065', 'by 2022-05-25', 'from 2022',
        '1985–unknown'."""
        if self.precision != "interval":
            return _display_single(self.text)
        start, end = self.ends
        if start == _OPEN:
            return "by " + _display_single(end)
        if end == _OPEN:
            return "from " + _display_single(start)
        shown = ["unknown" if side == _UNKNOWN else _display_single(side) for side in (start, end)]
        return "\u2013".join(shown)


def _display_single(text: str) -> str:
    """'~' before and '?' after for a whole-date qualifier; sub-year groupings by name; the rest as written."""
    core, q = text, ""
    if text[-1] in "~?%" and not any(c in "~?%" for c in text[:-1]):
        core, q = text[:-1], text[-1]
    m = _GROUP_TEXT.fullmatch(core)
    if m is not None and int(m.group(2)) in _GROUPS:
        year, (_, last, name) = int(m.group(1)), _GROUPS[int(m.group(2))]
        core = f"{name} {year}" if last <= 12 else f"{name} {year}\u2013{(year + 1) % 100:02d}"
    return ("~" if q in _APPROX else "") + core + ("?" if q in _UNCERTAIN else "")


def _invalid(text: str, reason: str) -> InvalidDate:
    return InvalidDate(f"{quoted(text)} is not a valid date: {reason}")


def _unreadable(text: str) -> InvalidDate:
    return InvalidDate(f"{quoted(text)} is not an EDTF date; {FORMS}")


def _unplaceable(text: str, years: str) -> InvalidDate:
    return InvalidDate(
        f"{quoted(text)} is valid EDTF, but {years} outside 0001..9999, the years timeline can "
        "place on a calendar (e.g. 2022-03-23)"
    )


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_span(year: int, month: int, day_text: str | None, text: str) -> tuple[date, date, str]:
    """A month, or a day in it, or an unspecified day (XX) in it."""
    if not 1 <= month <= 12:
        raise _invalid(text, f"month {month:02d} does not exist (months run 01..12)")
    if day_text is None or day_text == "XX":
        return date(year, month, 1), _last_day(year, month), "month"
    day, last = int(day_text), calendar.monthrange(year, month)[1]
    if day == 0:
        raise _invalid(text, "day 00 does not exist (days start at 01)")
    if day > last:
        raise _invalid(text, f"{_MONTHS[month]} {year} has {last} days")
    return date(year, month, day), date(year, month, day), "day"


def _group_span(year: int, code: int, has_day: bool, text: str) -> tuple[date, date, str]:
    """A season, quarter, quadrimester or half of a year: whole months, possibly into the next year."""
    if has_day:
        raise _invalid(text, f"{year:04d}-{code} is a part of a year and takes no day (e.g. 2022-33)")
    first, last, _ = _GROUPS[code]
    if last > 12 and year == 9999:
        raise _unplaceable(text, "its last months (in year 10000) are")
    end_year, end_month = (year + 1, last - 12) if last > 12 else (year, last)
    return date(year, first, 1), _last_day(end_year, end_month), _GROUP_PRECISION[code]


def _date_time(part: str, text: str) -> tuple[date, date, str, str]:
    """A date-time: the day it was written on (its local day; the offset only says where that day was)."""
    m = _DATE_TIME.fullmatch(part)
    if m is None:
        raise _unreadable(text)
    ys, ms, ds, hh, mm, ss, _, oh, om = m.groups()
    if int(ys) == 0:
        raise _unplaceable(text, "year 0000 (1 BC) is")
    lower, upper, _ = _month_span(int(ys), int(ms), ds, text)
    for value, top, name in (
        (hh, 23, "hour"),
        (mm, 59, "minute"),
        (ss, 59, "second"),
        (oh or "00", 23, "offset hour"),
        (om or "00", 59, "offset minute"),
    ):
        if int(value) > top:
            raise _invalid(text, f"{name} {value} does not exist ({name}s run 00..{top})")
    return lower, upper, "day", ""


def _single(part: str, text: str) -> tuple[date, date, str, str]:
    """Parse one non-open side to (lower, upper, precision, qualifiers); ``text`` is for messages."""
    m = _SINGLE.fullmatch(part)
    if m is None:
        if "T" in part:
            return _date_time(part, text)
        raise _unreadable(text)
    yq, ys, yq2, mq, ms, mq2, dq, ds, dq2 = m.groups()
    if (yq and yq2) or (mq and mq2) or (dq and dq2):
        raise _invalid(text, "a component takes one qualifier, before or after it (e.g. 2004?-06-11)")
    unspecified = ys[-1] == "X" or ms == "XX"
    if unspecified and (ms not in (None, "XX") or ds not in (None, "XX")) or ms == "XX" and ds not in (None, "XX"):
        raise _invalid(text, "unspecified digits (X) run from the right, e.g. 201X, 2004-XX, 1985-04-XX or 1985-XX-XX")
    if ys[0] in "-Y":
        raise _unplaceable(text, f"year {ys.lstrip('Y')} is")
    lo_year, hi_year = int(ys.replace("X", "0")), int(ys.replace("X", "9"))
    if lo_year == 0:
        years = "year 0000 (1 BC) is" if hi_year == 0 else f"its years {lo_year:04d}..{hi_year:04d} reach"
        raise _unplaceable(text, years)
    quals = (yq or "") + (yq2 or "") + (mq or "") + (mq2 or "") + (dq or "") + (dq2 or "")
    if ys[-1] == "X":
        precision = "decade" if ys[-2] != "X" else "century"
        return date(lo_year, 1, 1), date(hi_year, 12, 31), precision, quals
    if ms is None or ms == "XX":
        return date(lo_year, 1, 1), date(lo_year, 12, 31), "year", quals
    month = int(ms)
    if month in _GROUPS:
        return (*_group_span(lo_year, month, ds is not None, text), quals)
    return (*_month_span(lo_year, month, ds, text), quals)


def _interval(text: str) -> EdtfDate:
    parts = text.split("/")
    if len(parts) != 2:
        raise _unreadable(text)
    a, b = parts
    if a in (_OPEN, _UNKNOWN) and b in (_OPEN, _UNKNOWN):
        raise InvalidDate(
            f"{quoted(text)} is not a valid interval: at most one end may be open (..) or "
            "unknown (empty), e.g. 2022/.. or /2022"
        )
    if "T" in a or "T" in b:
        raise InvalidDate(
            f"{quoted(text)} is not a valid interval: its ends are dates without a time of day, "
            "e.g. 2022-03-23/2022-03-25"
        )
    lower = upper = None
    quals = ""
    if a not in (_OPEN, _UNKNOWN):
        lower, _, _, qa = _single(a, text)
        quals += qa
    if b not in (_OPEN, _UNKNOWN):
        _, upper, _, qb = _single(b, text)
        quals += qb
    if lower is not None and upper is not None and lower > upper:
        raise InvalidDate(f"{quoted(text)} is not a valid interval: start {a} is after end {b}")
    approximate = "~" in quals or "%" in quals
    uncertain = "?" in quals or "%" in quals
    return EdtfDate(text, lower, upper, "interval", approximate, uncertain)


@lru_cache(maxsize=65536)
def parse_edtf(text: str) -> EdtfDate:
    """Parse an EDTF date or interval; raise InvalidDate with a readable message."""
    if not isinstance(text, str):
        raise TypeError(f"parse_edtf expects str, not {type(text).__name__}")
    text = text.strip()
    if "/" in text:
        return _interval(text)
    if not text:
        raise _unreadable(text)
    lower, upper, precision, quals = _single(text, text)
    approximate = "~" in quals or "%" in quals
    uncertain = "?" in quals or "%" in quals
    return EdtfDate(text, lower, upper, precision, approximate, uncertain)


def parse_day(text: str) -> date:
    """Parse a plain full day YYYY-MM-DD (no qualifier, no time) into a date."""
    d = parse_edtf(text)
    if not d.is_day or d.approximate or d.uncertain or "T" in d.text:
        raise InvalidDate(f"{quoted(d.text)} is not a plain day; write YYYY-MM-DD (e.g. 2022-03-23)")
    return d.lower  # type: ignore[return-value]


def as_of_bound(text: str) -> date:
    """The last day covered by an EDTF date: '2023' -> 2023-12-31. Open and unknown ends are rejected."""
    d = parse_edtf(text)
    if d.upper is None:
        raise InvalidDate(
            f"{quoted(d.text)} has an open end; give a date or interval with an end, e.g. 2023 or 2022/2023"
        )
    return d.upper

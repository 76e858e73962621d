"""The publication date: given by the user, else a stamp near the top of the page, else none (said plainly)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from events.dates import EdtfDate, InvalidDate, parse_edtf

UNKNOWN_YEAR = "XXXX"  # stands for a year the text does not give: the reviewer must replace it

MONTHS = {
    name: i
    for i, names in enumerate(
        (
            (),
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        )
    )
    for name in names
}
MONTH = (
    r"(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)


def _ymd(g: tuple[str, ...]) -> date:
    return date(int(g[0]), int(g[1]), int(g[2]))


def _dmy(g: tuple[str, ...]) -> date:
    return date(int(g[2]), int(g[1]), int(g[0]))


def _mdy(g: tuple[str, ...]) -> date:
    return date(int(g[2]), MONTHS[g[0].lower()], int(g[1]))


def _d_m_y(g: tuple[str, ...]) -> date:
    return date(int(g[2]), MONTHS[g[1].lower()], int(g[0]))


_STAMPS = (
    (re.compile(r"\bdate\s+(\d{4})-(\d{2})-(\d{2})\b", re.IGNORECASE), _ymd, "the page's 'date' stamp"),
    (
        re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?,?\s+(?:\w+,?\s+)?(\d{1,2})/(\d{1,2})/(\d{4})\b"),
        _dmy,
        "the time-and-date stamp",
    ),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\s*[-,|]?\s*\d{1,2}:\d{2}\b"), _dmy, "the date-and-time stamp"),
    (re.compile(MONTH + r"\s+(\d{1,2}),\s+(\d{4})\b"), _mdy, "the dateline"),
    (re.compile(r"\b(\d{1,2})\s+" + MONTH + r",?\s+(\d{4})\b"), _d_m_y, "the dateline"),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), _ymd, "an ISO date near the top"),
)
_MONTH_STAMP = re.compile(r"\bdate\s+(\d{4})-(\d{2})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Published:
    edtf: str | None  # EDTF, or None when neither the user nor the page says
    how: str

    @property
    def day(self) -> date | None:
        parsed = parse_or_none(self.edtf)
        return parsed.lower if parsed is not None and parsed.precision == "day" else None

    @property
    def year(self) -> int | None:
        parsed = parse_or_none(self.edtf)
        if parsed is None or parsed.lower is None or parsed.upper is None or parsed.lower.year != parsed.upper.year:
            return None
        return parsed.lower.year


def parse_or_none(text: str | None) -> EdtfDate | None:
    if not text:
        return None
    try:
        return parse_edtf(text)
    except InvalidDate:
        return None


def publication(text: str, given: str | None = None, head_lines: int = 6) -> Published:
    """The publication date: the one given, else a stamp near the top of the page, else none."""
    if given:
        return Published(str(parse_edtf(given)), "given with --published")
    head = "\n".join([line for line in text.splitlines() if line.strip()][:head_lines])
    for pattern, read, how in _STAMPS:
        match = pattern.search(head)
        if not match:
            continue
        try:
            day = read(match.groups())
        except ValueError:
            continue
        return Published(day.isoformat(), f"from {how} {match.group(0).strip()!r}")
    month = _MONTH_STAMP.search(head)
    if month and 1 <= int(month.group(2)) <= 12:
        return Published(f"{month.group(1)}-{month.group(2)}", f"from the page's 'date' stamp {month.group(0)!r}")
    return Published(None, "no publication date given and none stamped on the page")

"""Date phrases in a sentence (Vietnamese and English): each rule is a pattern and a handler that reads a
match against the publication date. Overlapping mentions keep the first rule's reading; a year the text does
not give stays XXXX."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from timeline.drafting.stamps import MONTH, MONTHS, UNKNOWN_YEAR, Published


@dataclass(frozen=True)
class Found:
    """A date mention: its EDTF value (or a partial with XXXX), its role and how sure it is."""

    edtf: str
    role: str  # event | horizon | vision | bound (a "so far" bound) | year | relyear
    written: str
    how: str
    sure: str  # stated | inferred | unresolved


@dataclass(frozen=True)
class Context:
    pub: Published
    lang: str
    anchor: date | None  # the last day named before this sentence ("cùng ngày", "the same day")

    @property
    def year(self) -> int | None:
        return self.pub.year

    def no_year(self) -> tuple[str, str]:
        if self.year:
            return f"year not in the text; taken from the publication date ({self.pub.edtf})", "inferred"
        return "year not in the text; no publication date, so the year is left for review", "unresolved"


Handler = Callable[[re.Match[str], Context], "Found | None"]

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ORDINAL_Q = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_VI_WEEKDAYS = {"hai": 0, "ba": 1, "tư": 2, "năm": 3, "sáu": 4, "bảy": 5}
# A parenthetical anniversary, "(18-1-1950 – 18-1-2022)" or "(1973-2023)": not the event's date.
_ANNIVERSARY = re.compile(r"\((?:\d{1,2}[-/.]\d{1,2}[-/.])?\d{4}\s*[–-]\s*(?:\d{1,2}[-/.]\d{1,2}[-/.])?\d{4}\)")


def _year_text(year: int | None) -> str:
    return f"{year:04d}" if year else UNKNOWN_YEAR


def _day(year: int | None, month: int, day: int) -> str | None:
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: 29/2 stays possible until the year is known
    except ValueError:
        return None
    return f"{_year_text(year)}-{month:02d}-{day:02d}"


def _day_found(m: re.Match[str], ctx: Context, day: int, month: int, year: str | None) -> Found | None:
    if year:
        d = _day(int(year), month, day)
        return Found(d, "event", m.group(0).strip(), "day, month and year as written", "stated") if d else None
    how, sure = ctx.no_year()
    d = _day(ctx.year, month, day)
    return Found(d, "event", m.group(0).strip(), "day and month; " + how, sure) if d else None


def _range_found(m: re.Match[str], ctx: Context, first: int, last: int, month: int, year: str | None) -> Found | None:
    if first >= last:
        return None
    y = int(year) if year else ctx.year
    a, b = _day(y, month, first), _day(y, month, last)
    if not (a and b):
        return None
    how, sure = ("a day range as written", "stated") if year else ctx.no_year()
    return Found(f"{a}/{b}", "event", m.group(0).strip(), "a day range: " + how, sure)


def _vi_range(m: re.Match[str], ctx: Context) -> Found | None:
    return _range_found(m, ctx, int(m[1]), int(m[2]), int(m[3]), m[4])


def _en_range(m: re.Match[str], ctx: Context) -> Found | None:
    return _range_found(m, ctx, int(m[2]), int(m[3]), MONTHS[m[1].lower()], m[4])


def _quarter(m: re.Match[str], ctx: Context) -> Found | None:
    q = _ROMAN.get((m["q"] or "").upper()) or _ORDINAL_Q.get((m["qw"] or "").lower())
    if not q:
        return None
    y, first = int(m["y"]), 3 * q - 2
    return Found(
        f"{y:04d}-{first:02d}/{y:04d}-{first + 2:02d}",
        "horizon",
        m.group(0).strip(),
        "a quarter: its three months",
        "stated",
    )


def _vision(m: re.Match[str], ctx: Context) -> Found | None:
    return Found(m[1], "vision", m.group(0).strip(), "a vision horizon", "stated")


def _horizon(m: re.Match[str], ctx: Context) -> Found | None:
    """'đến năm 2030', 'by 2030', 'vào năm 2030': a deadline, unless the year is already past (then the
    statistic's year: 'by the end of 2024' in 2025)."""
    y = int(m[1])
    if ctx.year and y < ctx.year:
        return Found(f"{y:04d}", "year", m.group(0).strip(), "a past year named as a bound", "stated")
    if m.group(0).strip().lower().startswith("vào") and not (ctx.year and y > ctx.year):
        return Found(f"{y:04d}", "year", m.group(0).strip(), "a year as written", "stated")
    return Found(f"{y:04d}", "horizon", m.group(0).strip(), "a deadline horizon", "stated")


def _dmy(m: re.Match[str], ctx: Context) -> Found | None:
    return _day_found(m, ctx, int(m[1]), int(m[3]), m[4])


def _dm(m: re.Match[str], ctx: Context) -> Found | None:
    if m.re is _VI_DM_BARE and ctx.lang != "vi":
        return None
    return _day_found(m, ctx, int(m[1]), int(m[2]), None)


def _month_year(m: re.Match[str], ctx: Context) -> Found | None:
    month = int(m[1]) if m[1].isdigit() else MONTHS[m[1].lower()]
    return (
        Found(f"{int(m[2]):04d}-{month:02d}", "event", m.group(0).strip(), "month and year as written", "stated")
        if 1 <= month <= 12
        else None
    )


def _en_mdy(m: re.Match[str], ctx: Context) -> Found | None:
    if m[1].lower() == "may" and not m[3] and not re.match(r"May\s+\d", m.group(0)):
        return None
    return _day_found(m, ctx, int(m[2]), MONTHS[m[1].lower()], m[3])


def _en_dmy(m: re.Match[str], ctx: Context) -> Found | None:
    return _day_found(m, ctx, int(m[1]), MONTHS[m[2].lower()], m[3])


def _year(m: re.Match[str], ctx: Context) -> Found | None:
    y = int(m[1])
    return Found(f"{y:04d}", "year", m.group(0).strip(), "a year as written", "stated") if 1900 <= y <= 2100 else None


def _span(m: re.Match[str], ctx: Context) -> Found | None:
    a, b = int(m[1]), int(m[2])
    return (
        Found(f"{a:04d}/{b:04d}", "year", m.group(0).strip(), "a span of years as written", "stated")
        if 1900 <= a < b <= 2100
        else None
    )


def _so_far(m: re.Match[str], ctx: Context) -> Found | None:
    day = ctx.anchor.isoformat() if ctx.anchor else ctx.pub.edtf or UNKNOWN_YEAR
    return Found(
        f"../{day}",
        "bound",
        m.group(0).strip(),
        "no date of its own: bounded as true by the day it was stated",
        "inferred" if ctx.pub.edtf else "unresolved",
    )


def _relative_day(m: re.Match[str], ctx: Context, back: int, what: str) -> Found:
    if ctx.pub.day:
        return Found(
            (ctx.pub.day - timedelta(days=back)).isoformat(),
            "event",
            m.group(0).strip(),
            f"{what}, counted from the publication day",
            "inferred",
        )
    return Found(
        f"{_year_text(ctx.year)}-XX-XX" if ctx.year else UNKNOWN_YEAR,
        "event",
        m.group(0).strip(),
        f"{what} but the publication day is not known",
        "unresolved",
    )


def _bracketed(m: re.Match[str], ctx: Context) -> Found | None:
    """'today [July 2]', 'Hôm qua (31/3)': the day in brackets is the day meant."""
    inner = find_dates(m["inner"], ctx.pub, "vi" if "/" in m["inner"] else ctx.lang)
    if not inner or inner[0].role != "event":
        return None
    f = inner[0]
    return Found(f.edtf, "event", m.group(0).strip(), f"a relative day with the day in brackets; {f.how}", f.sure)


def _today(m: re.Match[str], ctx: Context) -> Found | None:
    written = m.group(0).lower()
    if ("cùng ngày" in written or "same day" in written) and ctx.anchor:
        return Found(
            ctx.anchor.isoformat(), "event", m.group(0).strip(), "the same day as the date named before it", "inferred"
        )
    return _relative_day(m, ctx, 0, "'today'")


def _yesterday(m: re.Match[str], ctx: Context) -> Found | None:
    return _relative_day(m, ctx, 1, "'yesterday'")


def _weekday(m: re.Match[str], ctx: Context) -> Found | None:
    name = m[1].lower()
    index = _WEEKDAYS.index(name) if name in _WEEKDAYS else 6 if "nhật" in name else _VI_WEEKDAYS[name.split()[-1]]
    if not ctx.pub.day:
        return Found(
            UNKNOWN_YEAR, "event", m.group(0).strip(), "a weekday but the publication day is not known", "unresolved"
        )
    back = (ctx.pub.day.weekday() - index) % 7
    return Found(
        (ctx.pub.day - timedelta(days=back)).isoformat(),
        "event",
        m.group(0).strip(),
        "the last such weekday on or before the publication day",
        "inferred",
    )


def _rel_year(m: re.Match[str], ctx: Context) -> Found | None:
    delta = 1 if m[1] else 0 if m[2] else -1
    if ctx.year:
        return Found(
            f"{ctx.year + delta:04d}",
            "relyear",
            m.group(0).strip(),
            f"relative year from the publication year {ctx.year}",
            "inferred",
        )
    return Found(
        UNKNOWN_YEAR, "relyear", m.group(0).strip(), "relative year but the publication year is not known", "unresolved"
    )


_I = re.IGNORECASE
_VI_DM_BARE = re.compile(r"(?<![\d,./\w-])(\d{1,2})/(\d{1,2})(?![\d/,])")
_DAY_WORD = r"(?:\b[Nn]gày|\b[Ss]áng|\b[Cc]hiều|\b[Tt]ối|\b[Tt]rưa|\b[Đđ]êm|\b[Hh]ôm)"
_VI_RANGE = re.compile(
    r"(?:\btừ\s+)?(?:ngày\s+)?(\d{1,2})\s*(?:[-–]|đến|tới)\s*(?:ngày\s+)?(\d{1,2})[/.-](\d{1,2})"
    r"(?:[/.-](\d{4}))?(?![\d/])",
    _I,
)
_EN_QUARTER = re.compile(
    r"\b(?:Q(?P<q>[1-4])\s*(?:of\s+)?|(?P<qw>first|second|third|fourth)\s+quarter\s+of\s+)(?P<y>\d{4})", _I
)
_EN_SO_FAR = re.compile(
    r"\b(?:so far|to date|currently|now has|now boasts|newly appointed|new(?:ly)? (?:appointed|elected))\b", _I
)
_REL_YEAR = re.compile(
    r"\b(?:(năm sau|năm tới|năm tiếp theo|next year)|(năm nay|this year)|"
    r"(năm ngoái|năm trước|năm qua|last year))\b",
    _I,
)
RULES: tuple[tuple[re.Pattern[str], Handler], ...] = (
    (_VI_RANGE, _vi_range),
    (re.compile(MONTH + r"\s+(\d{1,2})\s*(?:[-–]|to|and)\s*(\d{1,2})(?:,?\s*(\d{4}))?\b"), _en_range),
    (re.compile(r"\b(?:hôm qua|hôm nay|yesterday|today)\s*[\(\[](?P<inner>[^\)\]]{3,20})[\)\]]", _I), _bracketed),
    (re.compile(r"\bquý\s+(?P<q>IV|III|II|I|[1-4])\s*(?:/|năm\s+)(?P<y>\d{4})(?P<qw>)", _I), _quarter),
    (_EN_QUARTER, _quarter),
    (re.compile(r"\btầm nhìn\s+(?:đến\s+)?(?:năm\s+)?(\d{4})", _I), _vision),
    (re.compile(r"\b(?:with\s+a\s+)?vision\s+(?:to|until|for)\s+(\d{4})", _I), _vision),
    (re.compile(r"\b(?:giai đoạn|thời kỳ|period|từ năm|from)\s+(\d{4})\s*(?:[-–]|đến|to)\s*(\d{4})\b", _I), _span),
    (re.compile(r"\b(?:giai đoạn\s+)?(?:đến|tới|trước|vào)\s+(?:hết\s+|cuối\s+)?(?:năm\s+)?(\d{4})\b", _I), _horizon),
    (re.compile(r"\b(?:by|until|before|through)\s+(?:the\s+end\s+of\s+)?(\d{4})\b", _I), _horizon),
    (re.compile(r"(?<![\d,./])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})\b"), _dmy),
    (re.compile(_DAY_WORD + r"\s+(\d{1,2})[/.-](\d{1,2})(?![\d/.-]\d)"), _dm),
    (_VI_DM_BARE, _dm),
    (re.compile(r"\btháng\s+(\d{1,2})\s*(?:/|năm\s+)(\d{4})", _I), _month_year),
    (re.compile(MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s*(\d{4}))?\b"), _en_mdy),
    (re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + MONTH + r"(?:,?\s+(\d{4}))?\b"), _en_dmy),
    (re.compile(r"\b(?:in\s+)?" + MONTH + r",?\s+(\d{4})\b"), _month_year),
    (re.compile(r"\bnăm\s+(\d{4})\b", _I), _year),
    (re.compile(r"\b(?:in|during|since|of)\s+(\d{4})\b", _I), _year),
    (re.compile(r"\b(?:đến nay|tới nay|hiện nay|hiện có|hiện đã)\b", _I), _so_far),
    (_EN_SO_FAR, _so_far),
    (re.compile(r"\b(?:ngày\s+)?hôm nay\b|\bcùng ngày\b", _I), _today),
    (re.compile(r"\btoday\b|\bon the same day\b|\bthe same day\b", _I), _today),
    (re.compile(r"\byesterday\b|\bhôm qua\b", _I), _yesterday),
    (re.compile(r"\b(?:on|last|this)\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", _I), _weekday),
    (re.compile(r"\b(?:vào|hôm|sáng|chiều|tối|ngày)\s+(thứ\s+(?:Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ nhật)\b", _I), _weekday),
    (_REL_YEAR, _rel_year),
)


def find_dates(text: str, published: Published, lang: str, anchor: date | None = None) -> list[Found]:
    """Every date mention in a sentence, resolved against the publication date (and `anchor`, the last day
    named before it); a parenthetical anniversary is not read."""
    ctx = Context(published, lang, anchor)
    masked = _ANNIVERSARY.sub(lambda m: " " * len(m.group(0)), text)
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, Found]] = []
    for pattern, handler in RULES:
        for match in pattern.finditer(masked):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            result = handler(match, ctx)
            if result is None:
                continue
            taken.append((match.start(), match.end()))
            found.append((match.start(), result))
    return [f for _, f in sorted(found, key=lambda item: item[0])]

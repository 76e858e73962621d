"""Drafting facts from a news article with rules only: no model, no network, no IO.

The pipeline: split the page into body and boilerplate (related-news lists, captions, menus), cut the body into
sentences, find dates (Vietnamese and English, absolute, year-less, relative, quarters, horizons), numbers
(Vietnamese decimal comma / dot thousands, English forms) and entity names (by alias, diacritic-insensitive),
guess each sentence's fact kinds from cue words, and return draft facts with how sure each date is.
Everything a reviewer must decide is marked; a date the text does not give is never invented.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from events.dates import InvalidDate, parse_edtf
from events.domain import EntityRecord
from events.text import fold

UNKNOWN_YEAR = "XXXX"  # stands for a year the text does not give: the reviewer must replace it

# --- Body and boilerplate -------------------------------------------------------------------------------

# A line that is exactly one of these headings starts the page furniture: nothing after it is the article.
BOILERPLATE_HEADINGS = tuple(fold(h) for h in (
    "Tin bài liên quan", "Các tin bài khác", "Đọc nhiều", "Tin cùng chuyên mục", "Tin đọc nhiều", "Tin khác",
    "Tin liên quan", "Bài liên quan", "Xem thêm", "Có thể bạn quan tâm", "Tin mới", "Tin nổi bật",
    "Related news", "Related articles", "Related", "Read more", "Trending", "Most Viewed", "Most read",
    "Multimedia", "Reactions", "Share", "Tags", "Bờ cõi biển đảo", "Xem theo ngày"))
_CAPTION = re.compile(r"(Ảnh\s*:|Ảnh\s+\d+\.?\s*$|\bPhotos?\s*:|\(Photo|^\s*[|!]|^\s*\[(Video|Infographic|Ảnh)\])",
                      re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…:;”\"'’)]\s*$")


@dataclass(frozen=True)
class Sentence:
    text: str  # verbatim from the article
    start: int  # offset in the article


@dataclass(frozen=True)
class Page:
    title: str | None
    sentences: tuple[Sentence, ...]
    body_end: int  # offset where the boilerplate starts (len(text) when none)
    skipped: tuple[str, ...]  # body-area lines skipped as captions, menus or stamps


def split_page(text: str) -> Page:
    """The article's title, its body sentences, and where the page furniture starts."""
    lines: list[tuple[int, str]] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        lines.append((pos, raw.rstrip("\r\n")))
        pos += len(raw)
    body_end = len(text)
    for start, line in lines:
        if fold(line) and fold(line) in BOILERPLATE_HEADINGS:
            body_end = start
            break
    counts: dict[str, int] = {}
    for start, line in lines:
        if start < body_end and line.strip():
            counts[fold(line)] = counts.get(fold(line), 0) + 1
    title: str | None = None
    sentences: list[Sentence] = []
    skipped: list[str] = []
    for start, line in lines:
        if start >= body_end or not line.strip():
            continue
        stripped = line.strip()
        words = len(stripped.split())
        paragraph = bool(_SENTENCE_END.search(stripped)) and words >= 6
        if title is None and not sentences and not _CAPTION.search(line) and not paragraph and words >= 4 \
                and not _STAMP_ONLY.match(stripped):
            title = stripped
            continue
        if _CAPTION.search(line) or counts.get(fold(line), 0) > 1 or not paragraph:
            skipped.append(stripped)
            continue
        sentences.extend(_sentences(line, start))
    return Page(title, tuple(sentences), body_end, tuple(skipped))


_SPLIT = re.compile(r"(?<=[.!?…])[”\"’]?\s+(?=[“\"‘(]?[A-ZÀ-ỸĐ])")
_ABBREVIATIONS = re.compile(r"(\bNo|\bMr|\bMrs|\bMs|\bDr|\bSt|\bCo|\bInc|\bLtd|\bVol|\bTS|\bThS|\bPGS|\bGS|\b[A-Z])\.$")


def _sentences(line: str, offset: int) -> list[Sentence]:
    found: list[Sentence] = []
    begin = 0
    for match in _SPLIT.finditer(line):
        if _ABBREVIATIONS.search(line[:match.start()].rstrip("”\"’")):
            continue
        found.append(_sentence(line, begin, match.start(), offset))
        begin = match.end()
    found.append(_sentence(line, begin, len(line), offset))
    return [s for s in found if s.text]


def _sentence(line: str, begin: int, end: int, offset: int) -> Sentence:
    piece = line[begin:end]
    lead = len(piece) - len(piece.lstrip())
    return Sentence(piece.strip(), offset + begin + lead)


# --- Publication date -----------------------------------------------------------------------------------

MONTHS = {name: i for i, names in enumerate((
    (), ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec"))) for name in names}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_STAMP_PATTERNS = (
    (re.compile(r"\bdate\s+(\d{4})-(\d{2})-(\d{2})\b", re.IGNORECASE), "ymd", "the page's 'date' stamp"),
    (re.compile(r"\b\d{1,2}:\d{2}(?:\s*[AP]M)?,?\s+(?:\w+,?\s+)?(\d{1,2})/(\d{1,2})/(\d{4})\b"), "dmy",
     "the time-and-date stamp"),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\s*[-,|]?\s*\d{1,2}:\d{2}\b"), "dmy", "the date-and-time stamp"),
    (re.compile(_MONTH + r"\s+(\d{1,2}),\s+(\d{4})\b"), "mdy", "the dateline"),
    (re.compile(r"\b(\d{1,2})\s+" + _MONTH + r",?\s+(\d{4})\b"), "dMy", "the dateline"),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "ymd", "an ISO date near the top"),
)
_STAMP_ONLY = re.compile(r"^[\w\s.,|·:/-]{0,40}\d{1,2}[:/]\d{2}[\w\s.,|·:/-]{0,30}$")


@dataclass(frozen=True)
class Published:
    edtf: str | None  # EDTF, or None when neither the user nor the page says
    how: str

    @property
    def day(self) -> date | None:
        parsed = _parse(self.edtf)
        return parsed.lower if parsed is not None and parsed.precision == "day" else None

    @property
    def year(self) -> int | None:
        parsed = _parse(self.edtf)
        if parsed is None or parsed.lower is None or parsed.upper is None or parsed.lower.year != parsed.upper.year:
            return None
        return parsed.lower.year


def _parse(text: str | None):  # type: ignore[no-untyped-def]
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
    for pattern, order, how in _STAMP_PATTERNS:
        match = pattern.search(head)
        if not match:
            continue
        g = match.groups()
        try:
            if order == "ymd":
                day = date(int(g[0]), int(g[1]), int(g[2]))
            elif order == "dmy":
                day = date(int(g[2]), int(g[1]), int(g[0]))
            elif order == "mdy":
                day = date(int(g[2]), MONTHS[g[0].lower()], int(g[1]))
            else:
                day = date(int(g[2]), MONTHS[g[1].lower()], int(g[0]))
        except ValueError:
            continue
        return Published(day.isoformat(), f"from {how} {match.group(0).strip()!r}")
    return Published(None, "no publication date given and none stamped on the page")


# --- Dates in a sentence ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Found:
    """A date mention: its EDTF value (or a partial with XXXX), its role and how sure it is."""

    edtf: str
    role: str  # event | horizon | vision | bound (a "so far" bound) | year
    written: str
    how: str
    sure: str  # stated | inferred | unresolved


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ORDINAL_Q = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_VI_WEEKDAYS = {"thu hai": 0, "thu ba": 1, "thu tu": 2, "thu nam": 3, "thu sau": 4, "thu bay": 5, "chu nhat": 6}

_DATE_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("vi_quarter", re.compile(r"\bquý\s+(IV|III|II|I|[1-4])\s*(?:/|năm\s+)(\d{4})", re.IGNORECASE)),
    ("en_quarter", re.compile(r"\b(?:Q([1-4])\s*(?:of\s+)?(\d{4})|(first|second|third|fourth)\s+quarter\s+of\s+(\d{4}))",
                              re.IGNORECASE)),
    ("vi_vision", re.compile(r"\btầm nhìn\s+(?:đến\s+)?(?:năm\s+)?(\d{4})", re.IGNORECASE)),
    ("en_vision", re.compile(r"\b(?:with\s+a\s+)?vision\s+(?:to|until|for)\s+(\d{4})", re.IGNORECASE)),
    ("vi_horizon", re.compile(r"\b(?:giai đoạn\s+)?(?:đến|tới|trước)\s+(?:hết\s+)?(?:năm\s+)?(\d{4})\b", re.IGNORECASE)),
    ("en_horizon", re.compile(r"\b(?:by|until|before|through)\s+(?:the\s+end\s+of\s+)?(\d{4})\b", re.IGNORECASE)),
    ("vi_dmy", re.compile(r"(?<![\d,./])(\d{1,2})/(\d{1,2})/(\d{4})\b")),
    ("vi_dm", re.compile(r"(?:\b[Nn]gày|\b[Ss]áng|\b[Cc]hiều|\b[Tt]ối|\b[Tt]rưa|\b[Đđ]êm|\b[Hh]ôm)\s+(\d{1,2})/(\d{1,2})"
                         r"(?![\d/])")),
    ("vi_dm_bare", re.compile(r"(?<![\d,./\w])(\d{1,2})/(\d{1,2})(?![\d/,])")),
    ("vi_month", re.compile(r"\btháng\s+(\d{1,2})\s*(?:/|năm\s+)(\d{4})", re.IGNORECASE)),
    ("en_mdy", re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:,\s*(\d{4}))?\b")),
    ("en_dmy", re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r"(?:,?\s+(\d{4}))?\b")),
    ("en_month", re.compile(r"\b(?:in\s+)?" + _MONTH + r"\s+(\d{4})\b")),
    ("vi_year", re.compile(r"\bnăm\s+(\d{4})\b", re.IGNORECASE)),
    ("en_year", re.compile(r"\b(?:in|during|since|of)\s+(\d{4})\b", re.IGNORECASE)),
    ("vi_so_far", re.compile(r"\b(?:đến nay|tới nay|hiện nay|hiện có|hiện đã)\b", re.IGNORECASE)),
    ("en_so_far", re.compile(r"\b(?:so far|to date|currently|now has|newly appointed|new(?:ly)? (?:appointed|elected))\b",
                             re.IGNORECASE)),
    ("vi_today", re.compile(r"\b(?:ngày\s+)?hôm nay\b|\bcùng ngày\b", re.IGNORECASE)),
    ("en_today", re.compile(r"\btoday\b(?:\s*\[[^\]]*\])?|\bon the same day\b|\bthe same day\b", re.IGNORECASE)),
    ("yesterday", re.compile(r"\byesterday\b|\bhôm qua\b", re.IGNORECASE)),
    ("en_weekday", re.compile(r"\bon\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", re.IGNORECASE)),
    ("rel_year", re.compile(r"\b(?:(năm sau|năm tới|năm tiếp theo|next year)|(năm nay|this year)|"
                            r"(năm ngoái|năm trước|năm qua|last year))\b", re.IGNORECASE)),
]


def find_dates(text: str, published: Published, lang: str, anchor: date | None = None) -> list[Found]:
    """Every date mention in a sentence, resolved against the publication date (and `anchor`, the last day
    named before it, for "cùng ngày" / "the same day"); overlapping mentions keep the first rule's reading."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, Found]] = []
    year = published.year
    for name, pattern in _DATE_RULES:
        for match in pattern.finditer(text):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            result = _resolve(name, match, published, year, lang, anchor)
            if result is None:
                continue
            taken.append((match.start(), match.end()))
            found.append((match.start(), result))
    return [f for _, f in sorted(found, key=lambda item: item[0])]


def _year_text(year: int | None) -> str:
    return f"{year:04d}" if year else UNKNOWN_YEAR


def _day(year: int | None, month: int, day: int) -> str | None:
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: 29/2 stays possible until the year is known
    except ValueError:
        return None
    return f"{_year_text(year)}-{month:02d}-{day:02d}"


def _resolve(name: str, m: re.Match[str], pub: Published, year: int | None, lang: str,
             anchor: date | None) -> Found | None:
    w = m.group(0).strip()
    no_year = "year not in the text; " + (f"taken from the publication date ({pub.edtf})" if year
                                          else "no publication date, so the year is left for review")
    sure_no_year = "inferred" if year else "unresolved"
    g = m.groups()
    if name == "vi_quarter" or name == "en_quarter":
        q = _ROMAN.get((g[0] or "").upper()) or _ORDINAL_Q.get((g[2] or "").lower()) if name == "en_quarter" else \
            _ROMAN[g[0].upper()]
        y = int(g[1] or g[3]) if name == "en_quarter" else int(g[1])
        if not q:
            return None
        first = 3 * q - 2
        return Found(f"{y:04d}-{first:02d}/{y:04d}-{first + 2:02d}", "horizon", w, "a quarter: its three months",
                     "stated")
    if name in ("vi_vision", "en_vision"):
        return Found(g[0], "vision", w, "a vision horizon", "stated")
    if name in ("vi_horizon", "en_horizon"):
        return Found(g[0], "horizon", w, "a deadline horizon", "stated")
    if name == "vi_dmy":
        d = _day(int(g[2]), int(g[1]), int(g[0]))
        return Found(d, "event", w, "day/month/year as written", "stated") if d else None
    if name in ("vi_dm", "vi_dm_bare"):
        if name == "vi_dm_bare" and lang != "vi":
            return None
        d = _day(year, int(g[1]), int(g[0]))
        return Found(d, "event", w, "day/month; " + no_year, sure_no_year) if d else None
    if name == "vi_month":
        month = int(g[0])
        return Found(f"{int(g[1]):04d}-{month:02d}", "event", w, "month and year as written", "stated") \
            if 1 <= month <= 12 else None
    if name == "en_mdy" or name == "en_dmy":
        month_name, day_text, y = (g[0], g[1], g[2]) if name == "en_mdy" else (g[1], g[0], g[2])
        if month_name.lower() == "may" and not y and name == "en_mdy" and not re.match(r"May\s+\d", w):
            return None
        d = _day(int(y) if y else year, MONTHS[month_name.lower()], int(day_text))
        if d is None:
            return None
        return Found(d, "event", w, "month and day as written" if y else "month and day; " + no_year,
                     "stated" if y else sure_no_year)
    if name == "en_month":
        return Found(f"{int(g[1]):04d}-{MONTHS[g[0].lower()]:02d}", "event", w, "month and year as written", "stated")
    if name in ("vi_year", "en_year"):
        y = int(g[0])
        return Found(f"{y:04d}", "year", w, "a year as written", "stated") if 1900 <= y <= 2100 else None
    if name in ("vi_so_far", "en_so_far"):
        day = pub.edtf or UNKNOWN_YEAR
        return Found(f"../{anchor.isoformat() if anchor else day}", "bound", w,
                     "no date of its own: bounded as true by the day it was stated", "inferred" if pub.edtf else
                     "unresolved")
    if name in ("vi_today", "en_today"):
        same_day = "cùng ngày" in w.lower() or "same day" in w.lower()
        if same_day and anchor:
            return Found(anchor.isoformat(), "event", w, "the same day as the date named before it", "inferred")
        bracket = re.search(r"\[([^\]]*)\]", w)
        if bracket:  # "today [July 2]": the editor's bracket names the day
            inner = find_dates(bracket.group(1), pub, lang)
            if inner:
                f = inner[0]
                return Found(f.edtf, "event", w, f"'today' with the day in brackets; {f.how}", f.sure)
        if pub.day:
            return Found(pub.day.isoformat(), "event", w, "'today' = the publication day", "inferred")
        return Found(f"{_year_text(year)}-XX-XX" if year else UNKNOWN_YEAR, "event", w,
                     "'today' but the publication day is not known", "unresolved")
    if name == "yesterday":
        if pub.day:
            return Found((pub.day - timedelta(days=1)).isoformat(), "event", w, "the day before publication",
                         "inferred")
        return Found(UNKNOWN_YEAR, "event", w, "'yesterday' but the publication day is not known", "unresolved")
    if name == "en_weekday":
        if pub.day:
            back = (pub.day.weekday() - _WEEKDAYS.index(g[0].lower())) % 7
            return Found((pub.day - timedelta(days=back)).isoformat(), "event", w,
                         "the last such weekday on or before the publication day", "inferred")
        return Found(UNKNOWN_YEAR, "event", w, "a weekday but the publication day is not known", "unresolved")
    if name == "rel_year":
        delta = 1 if g[0] else 0 if g[1] else -1
        if year:
            return Found(f"{year + delta:04d}", "relyear", w, f"relative year from the publication year {year}",
                         "inferred")
        return Found(UNKNOWN_YEAR, "relyear", w, "relative year but the publication year is not known", "unresolved")
    return None


# --- Numbers -------------------------------------------------------------------------------------------

_SCALES = {"tỷ": ("billion", 1), "tỉ": ("billion", 1), "triệu": ("million", 1), "nghìn": ("thousand", 1),
           "ngàn": ("thousand", 1), "billion": ("billion", 1), "bn": ("billion", 1), "million": ("million", 1),
           "trillion": ("trillion", 1), "thousand": ("thousand", 1), "nghìn tỷ": ("trillion", 1)}
_CURRENCIES = {"usd": "USD", "đô la mỹ": "USD", "nhân dân tệ": "CNY", "ndt": "CNY", "yuan": "CNY", "cny": "CNY",
               "đồng": "VND", "vnd": "VND", "vnđ": "VND", "yên": "JPY", "yen": "JPY", "jpy": "JPY", "won": "KRW",
               "euro": "EUR", "eur": "EUR"}
_NUMBER = re.compile(
    r"(?P<hedge>\b(?:hơn|khoảng|gần|trên|dưới|đạt|more than|over|about|nearly|almost|around|some|up to)\s+)?"
    r"(?P<cur>[$€¥₫])?\s?(?P<num>\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    r"(?:\s?(?P<dash>[–-])\s?(?P<num2>\d+(?:[.,]\d+)?))?"
    r"(?P<pct>\s?%)?"
    r"(?:\s+(?P<scale>nghìn tỷ|tỷ|tỉ|triệu|nghìn|ngàn|billion|million|trillion|thousand|bn)\b)?"
    r"(?:\s+(?P<unit>nhân dân tệ|đô la Mỹ|USD|NDT|CNY|VND|VNĐ|đồng|yên|yen|JPY|won|euro|EUR|km2|km|m2|ha|MW|"
    r"tấn|tons?|tonnes?|[^\W\d_]+(?:\s+(?!và\b|and\b|of\b|from\b|in\b)[^\W\d_]+)?))?",
    re.IGNORECASE)
_TIME_UNITS = {"năm", "tháng", "ngày", "giờ", "phút", "tuần", "year", "years", "month", "months", "day", "days",
               "week", "weeks", "hours", "lần", "times", "th", "st", "nd", "rd", "thứ"}


@dataclass(frozen=True)
class Number:
    value: float | tuple[float, float]
    unit: str | None
    as_written: str


def parse_number(text: str, lang: str) -> float:
    """'96,8' (vi) = 96.8; '3.100' (vi) = 3100; '1,500' (en) = 1500; '11.3' (en) = 11.3."""
    if lang == "vi":
        if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", text) or "," in text:
            return float(text.replace(".", "").replace(",", "."))
        return float(text)
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text) or "." in text:
        return float(text.replace(",", ""))
    return float(text.replace(",", "."))


def find_numbers(text: str, lang: str, dates: Iterable[Found] = ()) -> list[Number]:
    """Quantities (with a unit, a scale or a currency) in a sentence; years, dates and durations are not."""
    spans = [(m.start(), m.end()) for d in dates for m in [re.search(re.escape(d.written), text)] if m]
    found: list[Number] = []
    for m in _NUMBER.finditer(text):
        if any(a <= m.start("num") < b for a, b in spans):
            continue
        num, unit_word, scale, cur = m.group("num"), m.group("unit"), m.group("scale"), m.group("cur")
        if unit_word and unit_word.split()[0].lower() in _TIME_UNITS:
            unit_word = None
            if not (scale or cur or m.group("pct")):
                continue
        if not (unit_word or scale or cur or m.group("pct")):
            continue
        before = text[:m.start()].rstrip().rsplit(" ", 1)[-1] if text[:m.start()].strip() else ""
        if before[:1].isupper() and len(text[:m.start()].split()) > 1 and not (scale or cur or m.group("pct")) and not m.group("hedge"):
            continue  # part of a name: 'Tân Vũ 2', 'Line No. 2'
        if re.fullmatch(r"(19|20)\d\d", num) and not (scale or cur):
            continue
        try:
            value: float | tuple[float, float] = parse_number(num, lang)
            if m.group("num2"):
                value = (value, parse_number(m.group("num2"), lang))  # type: ignore[assignment]
        except ValueError:
            continue
        unit_parts = []
        if scale:
            unit_parts.append(_SCALES[scale.lower()][0])
        currency = {"$": "USD", "€": "EUR", "¥": "JPY", "₫": "VND"}.get(cur or "")
        if unit_word and unit_word.lower() in _CURRENCIES:
            currency = _CURRENCIES[unit_word.lower()]
            unit_word = None
        if currency:
            unit_parts.append(currency)
        if m.group("pct"):
            unit_parts.append("%")
        if unit_word and not currency:
            unit_parts.append(unit_word)
        written = m.group(0).strip()
        if unit_word and currency:  # the word after a currency is not part of the figure
            written = written[: written.rfind(unit_word)].strip() if unit_word in written else written
        found.append(Number(value, " ".join(unit_parts) or None, written))
    return found


# --- Kinds and status ------------------------------------------------------------------------------------

KIND_CUES: dict[str, tuple[str, ...]] = {
    "meeting": ("tiếp", "hội đàm", "làm việc", "buổi tiếp", "hội kiến", "gặp", "diễn đàn", "hội nghị", "hội thảo",
                "thăm", "chủ trì", "met with", "meets", "meeting", "received", "receives", "reception", "talks",
                "held talks", "visit", "visited", "forum", "conference", "hosted"),
    "appointment": ("bổ nhiệm", "nhậm chức", "giữ chức", "được bầu", "newly appointed", "new chairman",
                    "appointed", "took office", "elected", "new ambassador"),
    "agreement": ("ký kết", "ký", "biên bản ghi nhớ", "thỏa thuận", "hiệp định", "mou", "signed", "sign",
                  "agreement", "memorandum", "upgraded", "nâng cấp quan hệ"),
    "milestone": ("khởi công", "khánh thành", "động thổ", "thông xe", "vận hành", "hoàn thành", "giải phóng mặt bằng",
                  "broke ground", "groundbreaking", "inaugurated", "opened", "completed", "land clearance",
                  "began operation", "put into operation"),
    "target": ("mục tiêu", "phấn đấu", "đến năm", "kế hoạch", "target", "targets", "aims", "aim to", "goal",
               "plans to", "strive"),
    "statistic": ("gdp", "tỷ", "triệu", "billion", "million", "tổng vốn", "investment", "kim ngạch", "tăng trưởng",
                  "growth"),
    "announcement": ("đề nghị", "đề xuất", "công bố", "thông báo", "announced", "proposed", "announces", "unveiled"),
}
FUTURE_CUES = ("sẽ", "dự kiến", "sắp", "will", "is expected to", "are expected to", "is scheduled", "is set to",
               "plans to")
# Cues match the lower-cased text with its diacritics: folded, 'ký' (sign) would match 'kỷ' (anniversary).
_CUE_PATTERNS = {kind: re.compile(r"(?<!\w)(" + "|".join(re.escape(c.lower()) for c in cues) + r")(?!\w)")
                 for kind, cues in KIND_CUES.items()}
_FUTURE = re.compile(r"(?<!\w)(" + "|".join(re.escape(c.lower()) for c in FUTURE_CUES) + r")(?!\w)")


def kinds_of(text: str, has_figures: bool, has_horizon: bool) -> list[tuple[str, str]]:
    """The fact kinds a sentence supports, each with the cue that shows it (folded)."""
    folded = unicodedata.normalize("NFC", text).lower()
    # Vietnamese 'tiếp' also means 'continue' ('tiếp tục'), 'tiến tới' is 'heading for'.
    folded_meeting = re.sub(r"tiếp (tục|theo|cận|nhận|thu)(?!\w)", " ", folded)
    cues: dict[str, str] = {}
    for kind, pattern in _CUE_PATTERNS.items():
        m = pattern.search(folded_meeting if kind == "meeting" else folded)
        if m:
            cues[kind] = m.group(1)
    if has_horizon and "target" not in cues and any(k in cues for k in ("statistic",)) is False and has_figures:
        cues["target"] = "a horizon with a figure"
    if "target" in cues:
        cues.pop("statistic", None)
    if "statistic" in cues and not has_figures:
        cues.pop("statistic")
    if len(cues) > 1:
        cues.pop("announcement", None)
    order = ("meeting", "appointment", "agreement", "milestone", "target", "statistic", "announcement")
    return [(k, cues[k]) for k in order if k in cues]


def is_future(text: str) -> bool:
    return bool(_FUTURE.search(unicodedata.normalize("NFC", text).lower()))


# --- Entities ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mention:
    entity: EntityRecord
    start: int  # offsets in the folded sentence
    end: int


class Matcher:
    """Finds entities in text by their names and aliases, case- and diacritic-insensitively, longest first."""

    def __init__(self, records: Iterable[EntityRecord]):
        names: list[tuple[str, EntityRecord]] = []
        for record in records:
            for name in {record.name, *record.aliases}:
                key = fold(name)
                if len(key) >= 3 and not key.isdigit():
                    names.append((key, record))
        names.sort(key=lambda item: -len(item[0]))
        self.names = names

    def find(self, text: str) -> list[Mention]:
        folded = fold(text)
        taken: list[tuple[int, int]] = []
        found: list[Mention] = []
        for key, record in self.names:
            for m in re.finditer(r"(?<!\w)" + re.escape(key) + r"(?!\w)", folded):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                found.append(Mention(record, m.start(), m.end()))
        return sorted(found, key=lambda mention: mention.start)


_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_NAME_LINKS = {"of", "the", "and", "for", "de", "van", "von"}
_NAME_STOP = {fold(w) for w in ("Tại", "Theo", "Trong", "The", "At", "In", "On", "During", "Ông", "Bà", "Ngài",
                                 "Đồng", "Nhân", "Cũng", "Bên", "Quá", "Giới", "Chia", "Về", "Đối", "He", "She",
                                 "It", "They", "This", "That", "With", "Despite", "Meanwhile", "Furthermore",
                                 "Agreeing", "Thanh", "Naoki", "Dung")}


def unknown_names(text: str, matcher: Matcher) -> list[str]:
    """Runs of two or more capitalised words that no known entity's name or alias covers."""
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    last_end = -1
    for m in _WORD.finditer(text):
        gap = text[last_end:m.start()] if last_end >= 0 else ""
        joined = last_end >= 0 and gap.strip() == ""
        if m.group()[0].isupper() and (joined or not current):
            current.append(m)
        elif m.group().lower() in _NAME_LINKS and current and joined:
            current.append(m)
        else:
            if current:
                runs.append(current)
            current = [m] if m.group()[0].isupper() else []
        last_end = m.end()
    if current:
        runs.append(current)
    known = {key for key, _ in matcher.names}
    found: list[str] = []
    for run in runs:
        while run and (run[-1].group().lower() in _NAME_LINKS):
            run = run[:-1]
        while run and fold(run[0].group()) in _NAME_STOP:
            run = run[1:]
        if len(run) < 2:
            continue
        name = text[run[0].start():run[-1].end()]
        key = fold(name)
        if any(key in k or k in key for k in known):
            continue
        if name not in found:
            found.append(name)
    return found


# --- Draft facts ---------------------------------------------------------------------------------------

@dataclass
class DraftFigure:
    metric: str
    value: float | tuple[float, float] | None
    unit: str | None
    as_written: str
    deadline: str | None = None
    vision: str | None = None


@dataclass
class DraftFact:
    id: str
    kind: str
    cue: str
    occurred: str
    date_how: str
    sure: str  # stated | inferred | unresolved
    status: str
    quote: str
    offset: int
    projects: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    people: list[tuple[str, str | None]] = field(default_factory=list)
    figures: list[DraftFigure] = field(default_factory=list)
    twin_of: str | None = None  # a store fact this one matches
    twin_note: str | None = None

    @property
    def needs_review(self) -> bool:
        return UNKNOWN_YEAR in self.occurred or "XX" in self.occurred


@dataclass
class Draft:
    published: Published
    title: str | None
    facts: list[DraftFact]
    unknown: list[str]
    skipped: tuple[str, ...]
    body_end: int
    lang: str


def guess_language(text: str) -> str:
    marks = len(re.findall(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", text.lower()))
    return "vi" if marks > len(text) / 200 else "en"


def _slug(text: str, limit: int = 6) -> str:
    words = [w for w in fold(text).split() if w.isalnum()][:limit]
    return "-".join(words) or "fact"


def draft(text: str, records: Iterable[EntityRecord], published: str | None = None, lang: str | None = None) -> Draft:
    """Candidate facts from an article's own text, with how each date was resolved."""
    records = list(records)
    page = split_page(text)
    lang = lang or guess_language(text[:page.body_end])  # the page furniture may be in another language
    pub = publication(text, published)
    matcher = Matcher(records)
    facts: list[DraftFact] = []
    anchor: date | None = pub.day
    main: str | None = None  # the article's main day: the first day named in the body
    main_how = ""
    prepared = []
    for sentence in page.sentences:
        found = find_dates(sentence.text, pub, lang, anchor)
        for f in found:
            if f.role == "event" and re.fullmatch(r"(\d{4}|XXXX)-\d{2}-\d{2}", f.edtf):
                if not f.edtf.startswith(UNKNOWN_YEAR):
                    anchor = date.fromisoformat(f.edtf)
                if main is None:
                    main, main_how = f.edtf, f"{f.how} ({f.written!r})"
        prepared.append((sentence, found))
    statement_day = main if main else pub.edtf
    statement_how = (f"no date in the sentence: the article's main day, {main_how}" if main else
                     f"no date in the sentence: the publication date ({pub.how})" if pub.edtf else
                     "no date in the sentence or on the page")
    statement_sure = "inferred" if statement_day and UNKNOWN_YEAR not in statement_day else "unresolved"
    statement_day = statement_day or UNKNOWN_YEAR
    used_ids: set[str] = set()
    for sentence, found in prepared:
        numbers = find_numbers(sentence.text, lang, found)
        horizon = next((f for f in found if f.role in ("horizon",)), None)
        vision = next((f for f in found if f.role == "vision"), None)
        relyear = next((f for f in found if f.role == "relyear"), None)
        kinds = kinds_of(sentence.text, bool(numbers), bool(horizon or vision))
        event = next((f for f in found if f.role == "event"), None)
        if not kinds and event is not None and re.fullmatch(r"(\d{4}|XXXX)-\d{2}-\d{2}", event.edtf):
            kinds = [("announcement", "a dated sentence with no cue: kind for review")]
        if not kinds:
            continue
        mentions = matcher.find(sentence.text)
        projects = _unique(m.entity.id for m in mentions if m.entity.entity == "project")
        partners = _unique(m.entity.id for m in mentions if m.entity.entity == "organisation")
        people = _people(mentions)
        future = is_future(sentence.text)
        for kind, cue in kinds:
            occurred, how, sure = _occurred(kind, found, statement_day, statement_how, statement_sure)
            figures: list[DraftFigure] = []
            if kind in ("target", "statistic", "milestone"):
                deadline = (horizon.edtf if horizon else relyear.edtf if (relyear and kind == "target") else None)
                figures = [DraftFigure(n.unit or "REVIEW: name the metric", n.value, n.unit, n.as_written,
                                       deadline if kind == "target" else None,
                                       vision.edtf if (vision and kind == "target") else None) for n in numbers]
                if kind == "target" and not figures and (deadline or vision):
                    written = (horizon or relyear or vision).written  # type: ignore[union-attr]
                    figures = [DraftFigure("REVIEW: name the metric", None, None, written, deadline,
                                           vision.edtf if vision else None)]
            status = "scheduled" if future and kind in ("meeting", "milestone", "agreement", "appointment",
                                                         "announcement") else "happened"
            base = f"{_slug(sentence.text, 5)}-{kind}"
            fact_id, n = base, 2
            while fact_id in used_ids:
                fact_id, n = f"{base}-{n}", n + 1
            used_ids.add(fact_id)
            facts.append(DraftFact(fact_id, kind, cue, occurred, how, sure, status, sentence.text, sentence.start,
                                   list(projects), list(partners), people, figures))
    facts = _merge_meetings(facts)
    unknown: list[str] = []
    for sentence in page.sentences:
        for name in unknown_names(sentence.text, matcher):
            if name not in unknown:
                unknown.append(name)
    return Draft(pub, page.title, facts, unknown, page.skipped, page.body_end, lang)


def _occurred(kind: str, found: list[Found], statement_day: str, statement_how: str,
              statement_sure: str) -> tuple[str, str, str]:
    event = next((f for f in found if f.role == "event"), None)
    bound = next((f for f in found if f.role == "bound"), None)
    year = next((f for f in found if f.role == "year"), None)
    if kind == "target":  # a target occurs when it is stated; its horizon goes to the figures
        if event is not None:
            return event.edtf, f"{event.how} ({event.written!r})", event.sure
        return statement_day, statement_how + "; the horizon is in figures", statement_sure
    if bound is not None and kind in ("appointment", "milestone", "statistic") and event is not None:
        return (f"../{event.edtf}", f"{bound.written!r}: bounded as true by the day named, {event.how} "
                f"({event.written!r})", event.sure)
    if event is not None:
        return event.edtf, f"{event.how} ({event.written!r})", event.sure
    relyear = next((f for f in found if f.role == "relyear"), None)
    if kind == "statistic" and relyear is not None:
        return relyear.edtf, f"the statistic's year, {relyear.how} ({relyear.written!r})", relyear.sure
    if kind == "statistic" and year is not None:
        return year.edtf, f"the statistic's year ({year.written!r})", "stated"
    if bound is not None or kind in ("statistic", "appointment", "milestone"):
        day = statement_day if statement_day != UNKNOWN_YEAR else UNKNOWN_YEAR
        written = f" ({bound.written!r})" if bound else ""
        return (f"../{day}" if day != UNKNOWN_YEAR else UNKNOWN_YEAR,
                f"no date of its own{written}: bounded as true by the day it was stated; " + statement_how,
                statement_sure)
    if year is not None:
        return year.edtf, f"only a year is given ({year.written!r})", "stated"
    return statement_day, statement_how, statement_sure


def _merge_meetings(facts: list[DraftFact]) -> list[DraftFact]:
    """Several sentences about one meeting on one day are one fact: keep the first (the lede)."""
    kept: list[DraftFact] = []
    for fact in facts:
        if fact.kind == "meeting" and any(k.kind == "meeting" and k.occurred == fact.occurred for k in kept):
            continue
        kept.append(fact)
    return kept


def _unique(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _people(mentions: list[Mention]) -> list[tuple[str, str | None]]:
    """Each person named, with the office named just before (vi: 'Bí thư Thành ủy Đinh Tiến Dũng') or just after
    ('Dinh Tien Dung, Secretary of ...')."""
    people: list[tuple[str, str | None]] = []
    offices = [m for m in mentions if m.entity.entity == "office"]
    for m in mentions:
        if m.entity.entity != "person" or any(p == m.entity.id for p, _ in people):
            continue
        before = [o for o in offices if o.end <= m.start and m.start - o.end <= 25]
        after = [o for o in offices if o.start >= m.end and o.start - m.end <= 4]
        office = (before[-1] if before else after[0] if after else None)
        people.append((m.entity.id, office.entity.id if office else None))
    return people


# --- Twins ---------------------------------------------------------------------------------------------

def _entities_of(fact) -> set[str]:  # type: ignore[no-untyped-def]
    return {*fact.projects, *fact.partners, *(p.person for p in fact.people)}


def find_twins(facts: list[DraftFact], known: Iterable) -> None:  # type: ignore[type-arg]
    """Mark each drafted fact that matches a stored fact: same kind, dates within a day, shared entities."""
    known = list(known)
    for fact in facts:
        mine = _parse(fact.occurred)
        if mine is None or mine.lower is None or mine.precision != "day":
            continue
        entities = {*fact.projects, *fact.partners, *(p for p, _ in fact.people)}
        for other in known:
            theirs = _parse(other.occurred)
            if theirs is None or theirs.lower is None or theirs.upper is None or other.kind != fact.kind:
                continue
            if theirs.upper - theirs.lower > timedelta(days=1):
                continue
            if abs((theirs.lower - mine.lower).days) > 1 or not (entities & _entities_of(other)):
                continue
            fact.twin_of = other.id
            break


# --- YAML ----------------------------------------------------------------------------------------------

def _q(value: object) -> str:
    import json

    if isinstance(value, float):
        return f"{value:g}" if value == int(value) and abs(value) < 1e15 else repr(value)
    return json.dumps(value, ensure_ascii=False)


def to_yaml(result: Draft, outlet: str, url: str | None, known_facts: dict | None = None) -> str:  # type: ignore[type-arg]
    """The draft in the engine's input format, with `# review:` comments; twins become new sources."""
    known_facts = known_facts or {}
    pub = result.published
    reported = pub.edtf or UNKNOWN_YEAR
    out = [f"# Draft from an article ({result.lang}); review every fact before ingesting.",
           f"# publication date: {pub.edtf or 'unknown'} — {pub.how}"]
    if not pub.edtf:
        out.append(f"# review: replace every {UNKNOWN_YEAR} below (the publication date and any year the text "
                   "leaves out); never guess.")
    if result.skipped:
        out.append(f"# skipped {len(result.skipped)} caption/menu/title line(s) in the body area")
    out.append("# page furniture (related news, most read, multimedia...) from offset "
               f"{result.body_end} is ignored")
    out.append("")

    def source_lines(fact: DraftFact, indent: str) -> list[str]:
        lines = [f"{indent}- outlet: {_q(outlet)}", f"{indent}  language: {result.lang}",
                 f"{indent}  reported: {_q(reported)}" + ("  # review: publication date unknown" if not pub.edtf
                                                           else "")]
        if url:
            lines.append(f"{indent}  url: {_q(url)}")
        if result.title:
            lines.append(f"{indent}  title: {_q(result.title)}")
        lines.append(f"{indent}  quote: {_q(fact.quote)}")
        return lines

    for fact in result.facts:
        if fact.twin_of and fact.twin_of in known_facts:
            stored = known_facts[fact.twin_of]
            key = (outlet.casefold(), result.lang, reported, url or "")
            if any(s.key() == key for s in stored.sources):
                out.append(f"# twin: {fact.twin_of} already has this article as a source ({fact.kind}, "
                           f"{fact.occurred}); nothing to add")
                out.append("")
                continue
            out.append(f"# twin: this {fact.kind} on {fact.occurred} matches stored fact {fact.twin_of}: proposed as a "
                       "new source of it (main values as stored)")
            out.append(f"# review: date {fact.occurred}: {fact.date_how} [{fact.sure}]")
            data = stored.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
            sources = data.pop("sources")
            out.append(f"- id: {fact.twin_of}")
            import yaml

            body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000).splitlines()
            out.extend("  " + line for line in body if not line.startswith("id:"))
            out.append("  sources:")
            for source in sources:
                dumped = yaml.safe_dump([source], allow_unicode=True, sort_keys=False, width=1000).splitlines()
                out.extend("    " + line for line in dumped)
            out.extend(source_lines(fact, "    "))
            out.append("")
            continue
        out.append(f"# review: {fact.kind} (cue {fact.cue!r}); date: {fact.date_how} [{fact.sure}]")
        out.append(f"- id: {fact.id}  # review: rename")
        out.append(f"  kind: {fact.kind}")
        flag = "  # review: the text does not give this fully; fill it in" if fact.needs_review else ""
        out.append(f"  occurred: {_q(fact.occurred)}{flag}")
        if fact.status != "happened":
            out.append(f"  status: {fact.status}  # future tense in the sentence")
        out.append(f"  title: {_q(clip_title(fact.quote))}  # review: write a title")
        if fact.projects:
            out.append(f"  projects: [{', '.join(fact.projects)}]")
        if fact.partners:
            out.append(f"  partners: [{', '.join(fact.partners)}]")
        if fact.people:
            out.append("  people:")
            for person, office in fact.people:
                out.append(f"    - {{person: {person}" + (f", office: {office}" if office else "") + "}")
        if fact.figures:
            out.append("  figures:")
            for fig in fact.figures:
                out.append(f"    - metric: {_q(fig.metric)}" + ("  # review: name the metric"
                                                               if fig.metric.startswith("REVIEW") else ""))
                if fig.value is not None:
                    value = fig.value
                    shown = f"[{_q(value[0])}, {_q(value[1])}]" if isinstance(value, tuple) else _q(value)
                    out.append(f"      value: {shown}")
                if fig.unit:
                    out.append(f"      unit: {_q(fig.unit)}")
                out.append(f"      as_written: {_q(fig.as_written)}")
                if fig.deadline:
                    flag = "  # review: year unknown" if UNKNOWN_YEAR in fig.deadline else ""
                    out.append(f"      deadline: {_q(fig.deadline)}{flag}")
                if fig.vision:
                    out.append(f"      vision: {_q(fig.vision)}")
        if fact.kind == "target":
            out.append(f"  target: {fact.id}  # review: the key that groups restatements of this target")
        out.append("  sources:")
        out.extend(source_lines(fact, "    "))
        out.append("")
    if result.unknown:
        out.append("# review: names not among the known entities (suggested new entities):")
        for name in result.unknown:
            out.append(f"#   - {name}")
    return "\n".join(out) + "\n"


def clip_title(text: str, width: int = 100) -> str:
    text = text.strip().rstrip(".")
    if len(text) <= width:
        return text
    cut = text[:width]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + " …"

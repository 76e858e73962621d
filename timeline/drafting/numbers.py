"""Quantities in a sentence: money (currency kept, `VNĐ35 trillion`), lengths, areas, volumes, capacities and
counts, written with digits (Vietnamese decimal comma and dot thousands, English forms, units glued to the
number as in `11,5km` or `4,874ha`) or in words ("seven plants", "ba toa"). Years, dates and durations are not
quantities."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from timeline.drafting.dates import Found

_SCALES = {
    "tỷ": "billion",
    "tỉ": "billion",
    "triệu": "million",
    "nghìn": "thousand",
    "ngàn": "thousand",
    "billion": "billion",
    "bn": "billion",
    "million": "million",
    "trillion": "trillion",
    "thousand": "thousand",
    "nghìn tỷ": "trillion",
    "ngàn tỷ": "trillion",
}
_CURRENCIES = {
    "usd": "USD",
    "us$": "USD",
    "$": "USD",
    "đô la mỹ": "USD",
    "đô la": "USD",
    "nhân dân tệ": "CNY",
    "ndt": "CNY",
    "yuan": "CNY",
    "cny": "CNY",
    "đồng": "VND",
    "vnd": "VND",
    "vnđ": "VND",
    "₫": "VND",
    "yên": "JPY",
    "yên nhật": "JPY",
    "yen": "JPY",
    "jpy": "JPY",
    "¥": "JPY",
    "won": "KRW",
    "euro": "EUR",
    "eur": "EUR",
    "€": "EUR",
}
_UNITS = (
    r"km2|km²|km/h|km|kilometers|kilometres|m2|m²|m3|m³|cu\.?\s?m\.?|cubic metres|cubic meters|ha|hectares|"
    r"MW|GW|kWh|tấn|tons?|tonnes?"
)
_NUMBER = re.compile(
    r"(?P<hedge>\b(?:hơn|khoảng|gần|trên|dưới|đạt|more than|over|about|nearly|almost|around|some|up to)\s+)?"
    r"(?P<cur>US\$|\$|€|¥|₫|VNĐ|VND|USD|JPY)?\s?(?P<num>\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    r"(?:\s?(?P<dash>[–-])\s?(?P<num2>\d+(?:[.,]\d+)?))?"
    r"(?P<pct>\s?%)?"
    r"(?:\s+(?P<scale>nghìn tỷ|ngàn tỷ|tỷ|tỉ|triệu|nghìn|ngàn|billion|million|trillion|thousand|bn)\b)?"
    r"(?:\s?(?P<unit>" + _UNITS + r")(?![^\W\d_])|\s+(?P<word>nhân dân tệ|đô la Mỹ|đô la|yên Nhật|USD|NDT|CNY|VND|"
    r"VNĐ|đồng|yên|yen|JPY|won|euro|EUR|[^\W\d_]+(?:\s+(?!và\b|and\b|of\b|from\b|in\b|to\b)[^\W\d_]+)?))?",
    re.IGNORECASE,
)
_TIME_UNITS = {
    "năm",
    "tháng",
    "ngày",
    "giờ",
    "phút",
    "tuần",
    "year",
    "years",
    "month",
    "months",
    "day",
    "days",
    "week",
    "weeks",
    "hours",
    "lần",
    "times",
    "th",
    "st",
    "nd",
    "rd",
    "thứ",
    "quý",
    "quarter",
    "fiscal",
    "h",
    "giai",
    "phase",
    "am",
    "pm",
}
_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
}
# A count in words needs a counted noun after it ("seven of 15 gates", "ba toa", "four projects").
_COUNT_WORD = re.compile(
    r"\b(?P<num>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|hai|ba|bốn|sáu|bảy|"
    r"tám|chín|mười)\s+(?P<word>(?:of\s+\d+\s+)?(?:[a-zà-ỹđ]+))\b"
)
_COUNT_NOUNS = {
    "plants",
    "stations",
    "projects",
    "lines",
    "gates",
    "provinces",
    "cities",
    "agreements",
    "ga",
    "toa",
    "dự",
    "nhà",
    "tuyến",
    "trạm",
    "of",
}


_PLACE = re.compile(r"\s*(?:\w+\s+)?(?:north|south|east|west|away|from|bắc|nam|đông|tây|cách)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    value: float | tuple[float, float]
    unit: str | None
    as_written: str


def parse_number(text: str, lang: str) -> float:
    """'96,8' (vi) = 96.8; '3.100' (vi) = 3100; '1,500' (en) = 1500; '11.3' (en) = 11.3; '4,874' = 4874."""
    if re.fullmatch(r"\d{1,3}([.,])\d{3}(\1\d{3})*", text):  # one kind of separator in threes: thousands
        return float(text.replace(",", "").replace(".", ""))
    if lang == "vi":
        if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", text) or "," in text:
            return float(text.replace(".", "").replace(",", "."))
        return float(text)
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text) or "." in text:
        return float(text.replace(",", ""))
    return float(text.replace(",", "."))


def _unit(m: re.Match[str]) -> tuple[str | None, str | None]:
    """(currency, unit word) of a match."""
    cur, word = m["cur"], m["word"]
    currency = _CURRENCIES.get((cur or "").lower())
    if word and word.lower() in _CURRENCIES:
        return _CURRENCIES[word.lower()], None
    return currency, (m["unit"] or word)


def find_numbers(text: str, lang: str, dates: Iterable[Found] = ()) -> list[Number]:
    """Quantities (with a unit, a scale or a currency) in a sentence; years, dates and durations are not."""
    spans = [(m.start(), m.end()) for d in dates for m in [re.search(re.escape(d.written), text)] if m]
    found: list[tuple[int, Number]] = []
    for m in _NUMBER.finditer(text):
        if any(a <= m.start("num") < b for a, b in spans):
            continue
        number = _read(m, text, lang)
        if number is not None:
            found.append((m.start(), number))
    for m in _COUNT_WORD.finditer(text.lower()):
        noun = m["word"].split()[-1]
        definite = re.search(r"\bthe\s*$", text[: m.start()], re.IGNORECASE)  # 'the four projects': a reference
        if not definite and (noun in _COUNT_NOUNS or m["word"].startswith("of ")):
            found.append((m.start(), Number(float(_WORDS[m["num"]]), None, text[m.start() : m.end()])))
    return [n for _, n in sorted(found, key=lambda item: item[0])]


def _read(m: re.Match[str], text: str, lang: str) -> Number | None:
    num, scale, pct = m["num"], m["scale"], m["pct"]
    currency, unit_word = _unit(m)
    if unit_word and unit_word.split()[0].lower() in _TIME_UNITS:
        unit_word = None
        if not (scale or currency or pct):
            return None
    if not (unit_word or scale or currency or pct):
        return None
    head = text[: m.start()]
    before = head.rstrip().rsplit(" ", 1)[-1] if head.strip() else ""
    if (
        before[:1].isupper()
        and len(head.split()) > 1
        and not (scale or currency or pct or m["unit"])
        and not m["hedge"]
    ):
        return None  # part of a name: 'Tân Vũ 2', 'Line No. 2'
    if re.search(r"(No\.?|số|Line|tuyến)\s*$", head, re.IGNORECASE) and not (scale or currency):
        return None
    if re.fullmatch(r"(19|20)\d\d", num) and not (scale or currency):
        return None
    if _PLACE.match(text, m.end()):
        return None  # a distance that places something ('100km north of Hanoi', '1,100 kilometers away')
    try:
        value: float | tuple[float, float] = parse_number(num, lang)
        if m["num2"]:
            value = (value, parse_number(m["num2"], lang))  # type: ignore[assignment]
    except ValueError:
        return None
    parts = [_SCALES[scale.lower()]] if scale else []
    parts += [currency] if currency else []
    parts += ["%"] if pct else []
    if unit_word and not currency:
        parts.append(unit_word)
    written = m.group(0).strip()
    if m["word"] and currency and m["word"].lower() not in _CURRENCIES:
        written = written[: written.rfind(m["word"])].strip()  # the word after a currency is not the figure
    return Number(value, " ".join(parts) or None, written)

"""The page: its headline, its body sentences, and where the page furniture (related news, menus, captions,
bylines, stamps) starts. Offsets are into the article's text, so every quote stays verbatim."""

from __future__ import annotations

import re
from dataclasses import dataclass

from events.text import fold

# A line that is exactly one of these headings starts the page furniture: nothing after it is the article.
BOILERPLATE_HEADINGS = frozenset(
    fold(h)
    for h in (
        "Tin bài liên quan",
        "Các tin bài khác",
        "Đọc nhiều",
        "Tin cùng chuyên mục",
        "Tin đọc nhiều",
        "Tin khác",
        "Tin liên quan",
        "Bài liên quan",
        "Xem thêm",
        "Có thể bạn quan tâm",
        "Tin mới",
        "Tin nổi bật",
        "Related news",
        "Related articles",
        "Related",
        "Read more",
        "Trending",
        "Most Viewed",
        "Most read",
        "Multimedia",
        "Reactions",
        "Share",
        "Tags",
        "Bờ cõi biển đảo",
        "Xem theo ngày",
        "For any enquiries",
    )
)
# Lines that are never article text: captions, credits, footers, navigation, bylines.
_FURNITURE = re.compile(
    r"(Ảnh\s*:|Ảnh\s+\d+\.?\s*$|\bPhotos?\s*(:|by\b)|\(Photo|\(Ảnh|^\s*[|!]|^\s*\[(Video|Infographic|Ảnh)\]"
    r"|^\s*(Source|Nguồn)\s*:|^\s*By\s+[A-ZĐ]|Copyright|©|All rights reserved|^\s*(Tel|Fax|Phone|Email)\s*:"
    r"|Mời quý độc giả|Current Position:|Print page|Sent to friends)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?…:;”\"'’)]\s*$")
# "date 2022-03-24 " (VNA) and similar stamps glued to the first line of the text.
_LEAD_STAMP = re.compile(r"^\s*date\s+\d{4}(?:-\d{2}){0,2}\s+")
_STAMP_ONLY = re.compile(r"^[\w\s.,|·:/()+-]{0,40}\d{1,2}[:/]\d{2}[\w\s.,|·:/()+-]{0,30}$")


@dataclass(frozen=True)
class Sentence:
    text: str  # verbatim from the article
    start: int  # offset in the article


@dataclass(frozen=True)
class Page:
    title: str | None
    sentences: tuple[Sentence, ...]
    body_end: int  # offset where the boilerplate starts (len(text) when none)
    skipped: tuple[str, ...]  # body-area lines skipped as captions, menus, bylines or stamps


def _lines(text: str) -> list[tuple[int, str]]:
    lines: list[tuple[int, str]] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        stamp = _LEAD_STAMP.match(line)
        cut = stamp.end() if stamp else 0
        lines.append((pos + cut, line[cut:]))
        pos += len(raw)
    return lines


def split_page(text: str) -> Page:
    """The article's headline, its body sentences, and where the page furniture starts."""
    lines = _lines(text)
    body_end = next((start for start, line in lines if fold(line) in BOILERPLATE_HEADINGS and fold(line)), len(text))
    counts: dict[str, int] = {}
    for start, line in lines:
        if start < body_end and line.strip():
            counts[fold(line)] = counts.get(fold(line), 0) + 1
    title: str | None = None
    sentences: list[Sentence] = []
    skipped: list[str] = []
    seen = False  # a long line with no final stop is body text, unless it opens the page (a teaser, a caption)
    for start, line in lines:
        stripped = line.strip()
        if start >= body_end or not stripped:
            continue
        words = len(stripped.split())
        furniture = bool(_FURNITURE.search(line)) or bool(_STAMP_ONLY.match(stripped))
        paragraph = words >= 6 and (bool(_SENTENCE_END.search(stripped)) or (words >= 25 and seen))
        seen = True
        if title is None and not sentences and not furniture and not paragraph and words >= 4:
            title = stripped
            continue
        if furniture or counts.get(fold(line), 0) > 1 or not paragraph:
            skipped.append(stripped)
            continue
        sentences.extend(_sentences(line, start))
    return Page(title, tuple(sentences), body_end, tuple(skipped))


# A sentence ends at . ! ? … followed by a space, or glued to a capital after a date or number ("4-8/12.Cụ thể").
_SPLIT = re.compile(r"(?<=[.!?…])[”\"’]?\s+(?=[“\"‘(]?[A-ZÀ-ỸĐ])|(?<=\d\.)(?=[A-ZÀ-ỸĐ][a-zà-ỹđ])")
_ABBREVIATIONS = re.compile(
    r"(\bNo|\bMr|\bMrs|\bMs|\bDr|\bSt|\bCo|\bCorp|\bInc|\bLtd|\bVol|\bTS|\bThS|\bPGS|\bGS"
    r"|\bTP|\bTp|\bQ|\bP|\b[A-Z])\.$"
)


def _sentences(line: str, offset: int) -> list[Sentence]:
    found: list[Sentence] = []
    begin = 0
    for match in _SPLIT.finditer(line):
        if _ABBREVIATIONS.search(line[: match.start()].rstrip('”"’')):
            continue
        found.append(_sentence(line, begin, match.start(), offset))
        begin = match.end()
    found.append(_sentence(line, begin, len(line), offset))
    return [s for s in found if s.text]


def _sentence(line: str, begin: int, end: int, offset: int) -> Sentence:
    piece = line[begin:end]
    lead = len(piece) - len(piece.lstrip())
    return Sentence(piece.strip(), offset + begin + lead)

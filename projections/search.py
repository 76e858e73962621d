"""Search text: what a fact is found by, and a snippet of the original text around a match."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from events.records import Fact
from events.text import fold


def fact_texts(fact: Fact) -> list[str]:
    """Title, summary, place, notes, and each source's title, quote, note and differing title, summary or place:
    the text a fact is found by."""
    texts = [fact.title, fact.summary, fact.notes, fact.place]
    for source in fact.sources:
        texts += [source.title, source.quote, source.note]
        texts += [source.differs.get(name) for name in ("title", "summary", "place")]
    return [text for text in texts if isinstance(text, str) and text]


def matches(folded: str, terms: list[str]) -> int:
    """How often the terms occur as words in folded text (the last also as a prefix); 0 unless all occur."""
    total = 0
    for number, term in enumerate(terms):
        pattern = r"\b" + re.escape(term) + ("" if number == len(terms) - 1 else r"\b")
        found = len(re.findall(pattern, folded))
        if not found:
            return 0
        total += found
    return total


def _word(term: str, prefix: bool) -> str:
    """A term as a whole word of folded text, or as the start of one (the last term typed)."""
    return r"\b" + re.escape(term) + ("" if prefix else r"\b")


def text_score(fact: Fact, terms: list[str]) -> int:
    """A fact's own-text score: occurrences of the terms, the title counting three times."""
    body = matches(fold(" ".join(fact_texts(fact))), terms)
    return body + 2 * matches(fold(fact.title), terms) if body else 0


def snippet(fact: Fact, terms: list[str], width: int = 100) -> str:
    """The original text around the first match of the most terms, at most `width` characters."""
    best, best_hits, best_at = fact.title, -1, 0
    for text in fact_texts(fact):
        folded, origin = _fold_with_positions(text)
        found = (re.search(_word(term, number == len(terms) - 1), folded) for number, term in enumerate(terms))
        hits = [match.start() for match in found if match]
        if len(hits) > best_hits:
            best, best_hits, best_at = text, len(hits), origin[min(hits)] if hits else 0
    start = max(0, best_at - width // 3)
    if start > 0:  # begin at a word
        start = best.rfind(" ", 0, start) + 1
    piece = best[start : start + width].replace("\n", " ")
    return ("…" if start > 0 else "") + piece + ("…" if start + width < len(best) else "")


def _fold_with_positions(text: str) -> tuple[str, Sequence[int]]:
    """Folded text (as `fold`, but keeping word boundaries) and, per folded character, its original index."""
    folded = {char: _folded_piece(char) for char in set(text)}  # each distinct character once
    pieces = [folded[char] for char in text]
    if all(len(piece) == 1 for piece in folded.values()):  # (most texts) one character for one
        return "".join(pieces), range(len(text))
    origin = [index for index, piece in enumerate(pieces) for _ in piece]
    return "".join(pieces), origin


def _folded_piece(char: str) -> str:
    if unicodedata.combining(char):  # a decomposed (NFD) diacritic belongs to the letter before it
        return ""
    return fold(char) or " "

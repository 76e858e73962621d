"""Folding text for matching: case-, diacritic- and Unicode-form-insensitive ("Hà Nội" matches "ha noi")."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


# The combining-mark blocks that NFKD splits off Latin, Greek and Cyrillic letters (Vietnamese uses the first).
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters that do not decompose into a base letter plus a combining mark.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l"})


class _FoldedCharacters(dict[int, str]):
    """Each character folded on its own, the first time it is met: NFKD, marks dropped, case folded. Folding
    character by character gives what folding the whole text gives (the marks dropped are the only ones NFKD
    reorders), at the cost of one table look-up per character."""

    def __missing__(self, code: int) -> str:
        bare = _MARKS.sub("", unicodedata.normalize("NFKD", chr(code).translate(_SPECIAL)))
        self[code] = folded = bare.casefold().translate(_SPECIAL)
        return folded


_FOLDED = _FoldedCharacters()


def fold_character(char: str) -> str:
    """One character folded (NFKD, marks dropped, case folded), before words are split: 'Đ' -> 'd', '¼' -> '1⁄4'."""
    return _FOLDED[ord(char)]


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case words without diacritics, separated by single spaces: 'Hà  Nội!' -> 'ha noi'."""
    if text.isascii():
        return _NON_WORD.sub(" ", text.lower()).strip()
    return _NON_WORD.sub(" ", text.translate(_FOLDED)).strip()


def match_key(text: str) -> str:
    """The key two names must share to be the same name: folded, without spaces ('Ha Noi' = 'Hanoi')."""
    return fold(text).replace(" ", "")


def clip(text: str, width: int) -> str:
    """At most about `width` characters of a text, cut at a word, with '…' when cut."""
    if len(text) <= width:
        return text
    cut = text[:width]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + " …"


def quoted(text: str, width: int = 60) -> str:
    """A user's value for a message: quoted, and clipped (with its length) when it is long."""
    if len(text) <= width:
        return repr(text)
    return f"{text[:width]!r}… ({len(text)} characters)"


# Grammar for messages: every count and every "a/an" goes through these two, so that no message reads "1 facts"
# or "a organisation".
_IRREGULAR = {"person": "people", "entity": "entities", "is": "are", "was": "were", "this": "these"}
_VOWEL_SOUND_EXCEPTIONS = {"a": ("uni", "use", "usu", "eu", "one", "once"), "an": ("hour", "honest", "honour")}


def plural(noun: str, count: int) -> str:
    """The noun as it goes with `count`: plural('fact', 2) = 'facts', plural('entity', 2) = 'entities'."""
    if count == 1:
        return noun
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "o", "u"):
        return noun[:-1] + "ies"
    return noun + "s"


def counted(count: int, noun: str) -> str:
    """'1 fact', '2 facts', '0 entities', '1500 facts'."""
    return f"{count} {plural(noun, count)}"


def article(noun: str) -> str:
    """The noun with its indefinite article: 'an organisation', 'an office', 'a project', 'a university'."""
    word = noun.lower()
    if word.startswith(_VOWEL_SOUND_EXCEPTIONS["a"]):
        return f"a {noun}"
    if word.startswith(_VOWEL_SOUND_EXCEPTIONS["an"]) or word[:1] in "aeiou":
        return f"an {noun}"
    return f"a {noun}"

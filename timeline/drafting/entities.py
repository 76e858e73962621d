"""Known entities named in a sentence (by name or alias, case- and diacritic-insensitively, longest first), the
people with their offices, and capitalised names no known entity covers (suggested new entities)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from events.domain import EntityRecord
from events.text import fold


@dataclass(frozen=True)
class Mention:
    entity: EntityRecord
    start: int  # offsets in the folded sentence
    end: int


class Matcher:
    """Finds entities in text by their names and aliases, case- and diacritic-insensitively, longest first."""

    def __init__(self, records: Iterable[EntityRecord]) -> None:
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
_NAME_STOP = {
    fold(w)
    for w in (
        "Tại",
        "Theo",
        "Trong",
        "The",
        "At",
        "In",
        "On",
        "During",
        "Ông",
        "Bà",
        "Ngài",
        "Đồng",
        "Nhân",
        "Cũng",
        "Bên",
        "Quá",
        "Giới",
        "Chia",
        "Về",
        "Đối",
        "He",
        "She",
        "It",
        "They",
        "This",
        "That",
        "With",
        "Despite",
        "Meanwhile",
        "Furthermore",
        "Agreeing",
        "Thanh",
        "Naoki",
        "Dung",
    )
}


def unknown_names(text: str, matcher: Matcher) -> list[str]:
    """Runs of two or more capitalised words that no known entity's name or alias covers."""
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    last_end = -1
    for m in _WORD.finditer(text):
        gap = text[last_end : m.start()] if last_end >= 0 else ""
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
        name = text[run[0].start() : run[-1].end()]
        key = fold(name)
        if any(key in k or k in key for k in known):
            continue
        if name not in found:
            found.append(name)
    return found


def people_of(mentions: list[Mention]) -> list[tuple[str, str | None]]:
    """Each person named, with the office named just before (vi: 'Bí thư Thành ủy Đinh Tiến Dũng') or just after
    ('Dinh Tien Dung, Secretary of ...')."""
    people: list[tuple[str, str | None]] = []
    offices = [m for m in mentions if m.entity.entity == "office"]
    for m in mentions:
        if m.entity.entity != "person" or any(p == m.entity.id for p, _ in people):
            continue
        before = [o for o in offices if o.end <= m.start and m.start - o.end <= 25]
        after = [o for o in offices if o.start >= m.end and o.start - m.end <= 4]
        office = before[-1] if before else after[0] if after else None
        people.append((m.entity.id, office.entity.id if office else None))
    return people

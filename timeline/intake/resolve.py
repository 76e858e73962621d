"""Resolving references: an entity named by id or any alias, case-, diacritic- and form-insensitively."""

from __future__ import annotations

from collections.abc import Iterable

from events.domain import EntityRecord
from events.text import article, fold, match_key, plural, quoted


class Unresolved(Exception):
    """A reference that names no entity, or more than one; the message says which and suggests."""


class EntityIndex:
    """Every known entity, findable by id, name or alias."""

    def __init__(self, records: Iterable[EntityRecord] = ()):
        self.by_id: dict[str, EntityRecord] = {}
        self._by_key: dict[str, set[str]] = {}
        for record in records:
            self.add(record)

    def add(self, record: EntityRecord) -> None:
        self.by_id[record.id] = record
        for name in (record.id, record.name, *record.aliases):
            self._by_key.setdefault(match_key(name), set()).add(record.id)

    def names(self) -> dict[str, str]:
        return {entity_id: record.name for entity_id, record in self.by_id.items()}

    def resolve(self, ref: str, kind: str, label: str | None = None) -> str:
        """The id of the one entity of `kind` that `ref` names; `label` names its role in messages."""
        label = label or kind
        record = self.by_id.get(ref)
        if record is not None and record.entity == kind:
            return ref
        key = match_key(ref)
        matches = sorted(i for i in self._by_key.get(key, ()) if self.by_id[i].entity == kind) if key else []
        if len(matches) == 1:
            return matches[0]
        if matches:
            listed = ", ".join(f"'{i}' ({self.by_id[i].name})" for i in matches)
            raise Unresolved(f"ambiguous {label} {quoted(ref)}: it names {listed}; write the id")
        if record is not None:
            raise Unresolved(f"{quoted(ref)} is {article(record.entity)}, not {article(kind)}")
        raise Unresolved(f"unknown {label} {quoted(ref)}" + self._suggestion(ref, kind))

    def _suggestion(self, ref: str, kind: str) -> str:
        from rapidfuzz import fuzz, process  # only needed when something is wrong

        choices: dict[tuple[str, str], str] = {}
        for record in self.by_id.values():
            if record.entity == kind:
                for name in (record.id, record.name, *record.aliases):
                    choices[(record.id, name)] = fold(name)
        found = process.extract(fold(ref), choices, scorer=fuzz.WRatio, limit=10, score_cutoff=60)
        ids: list[str] = []
        for _, _, (entity_id, _) in found:
            if entity_id not in ids:
                ids.append(entity_id)
        if not ids:
            return f"; add it to an entities file (known {plural(kind, 2)}: {self._count(kind)})"
        listed = " or ".join(f"'{i}' ({self.by_id[i].name})" for i in ids[:3])
        return f"; did you mean {listed}?"

    def _count(self, kind: str) -> int:
        return sum(1 for record in self.by_id.values() if record.entity == kind)

"""Resolving references: an entity named by id or any alias, case-, diacritic- and form-insensitively."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from events.domain import EntityRecord
from events.text import article, fold, match_key, plural, quoted


class Unresolved(Exception):
    """A reference that names no entity, or more than one; the message says which and suggests."""


@runtime_checkable
class KnownEntities(Protocol):
    """Entities kept elsewhere (a store's read models), looked up one reference at a time: a run that adds a few
    facts to a large store reads only the entities it names."""

    def record(self, entity_id: str) -> EntityRecord | None: ...

    def ids_named(self, key: str) -> set[str]: ...

    def entities(self) -> list[EntityRecord]: ...


class EntityIndex:
    """Every known entity, findable by id, name or alias: those added here, then those `known` elsewhere (an
    entity added here replaces a known one of the same id; the known one's names still find it)."""

    def __init__(self, records: Iterable[EntityRecord] = (), known: KnownEntities | None = None):
        self.by_id: dict[str, EntityRecord] = {}
        self._by_key: dict[str, set[str]] = {}
        self._known = known
        self._looked_up: dict[str, EntityRecord | None] = {}
        self._named: dict[str, set[str]] = {}
        for record in records:
            self.add(record)

    def add(self, record: EntityRecord) -> None:
        self.by_id[record.id] = record
        for name in (record.id, record.name, *record.aliases, *(dated.name for dated in record.names)):
            self._by_key.setdefault(match_key(name), set()).add(record.id)

    def record(self, entity_id: str) -> EntityRecord | None:
        found = self.by_id.get(entity_id)
        if found is not None or self._known is None:
            return found
        if entity_id not in self._looked_up:
            self._looked_up[entity_id] = self._known.record(entity_id)
        return self._looked_up[entity_id]

    def _ids(self, key: str) -> set[str]:
        ids = self._by_key.get(key, set())
        if self._known is None:
            return ids
        if key not in self._named:
            self._named[key] = self._known.ids_named(key)
        return ids | self._named[key]

    def _every(self) -> list[EntityRecord]:
        """All entities (for suggestions, when something is wrong): the known ones are read in full."""
        if self._known is not None:
            for record in self._known.entities():
                replaced = self.by_id.get(record.id)
                self.add(record)
                if replaced is not None:  # the entity added here stays; the known one's names still find it
                    self.by_id[record.id] = replaced
            self._known = None
        return list(self.by_id.values())

    def names(self) -> dict[str, str]:
        return {record.id: record.name for record in self._every()}

    def resolve(self, ref: str, kind: str, label: str | None = None) -> str:
        """The id of the one entity of `kind` that `ref` names; `label` names its role in messages."""
        label = label or kind
        record = self.record(ref)
        if record is not None and record.entity == kind:
            return ref
        key = match_key(ref)
        matches = sorted(i for i in self._ids(key) if getattr(self.record(i), "entity", None) == kind) if key else []
        if len(matches) == 1:
            return matches[0]
        if matches:
            listed = ", ".join(f"'{i}' ({self.record(i).name})" for i in matches)  # type: ignore[union-attr]
            raise Unresolved(f"ambiguous {label} {quoted(ref)}: it names {listed}; write the id")
        if record is not None:
            raise Unresolved(f"{quoted(ref)} is {article(record.entity)}, not {article(kind)}")
        raise Unresolved(f"unknown {label} {quoted(ref)}" + self._suggestion(ref, kind))

    def _suggestion(self, ref: str, kind: str) -> str:
        from rapidfuzz import fuzz, process  # only needed when something is wrong

        choices: dict[tuple[str, str], str] = {}
        for record in self._every():
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
        return sum(1 for record in self._every() if record.entity == kind)

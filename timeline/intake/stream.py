"""Validating input larger than memory: two passes over the files, neither holding the facts.

Pass 1 (`survey`) reads every record once and keeps only what cross-checks need: where each id was first
defined, the entities (few), the target keys set, and each distinct reference and fulfilled key. It is exact:
when it finds nothing wrong, pass 2 finds nothing either (unless a file changes between the passes). Pass 2
(`resolved_facts`) reads the files again and yields each fact resolved, to be planned and appended a batch at a
time (an input of up to KEEP_PARSED facts is kept from pass 1 instead). When pass 1 finds problems, `problems`
reads the files again to list every one in the order and words of `validate`, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from events.domain import EntityRecord
from events.inputs import ENTITY_MODELS, Fact
from events.text import quoted
from timeline.errors import InvalidInput, Problem
from timeline.intake.date_checks import date_problems
from timeline.intake.loader import stream
from timeline.intake.record import Record
from timeline.intake.resolve import EntityIndex, KnownEntities, Unresolved
from timeline.intake.validate import (
    _entity_kind,
    _parse,
    _reference_shaped,
    _resolve_entity,
    _resolve_fact,
    _resolve_refs,
    _Targets,
    plain_sources,
)

KEEP_PARSED = 10_000  # facts pass 1 keeps for pass 2 (not read and validated again); beyond it, none


class _Everything(Collection[str]):
    """Every target key (pass 1 checks the keys fulfilled once it knows those set)."""

    def __contains__(self, key: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


class _Noting(EntityIndex):
    """Resolves nothing: notes each distinct reference, to be resolved once every entity is known."""

    def __init__(self) -> None:
        super().__init__()
        self.noted: set[tuple[str, str, str | None]] = set()

    def resolve(self, ref: str, kind: str, label: str | None = None) -> str:
        self.noted.add((ref, kind, label))
        return ref


@dataclass
class Survey:
    """What pass 1 keeps: the entities resolved, the fact ids (each with where it was first defined) and
    whether anything is wrong."""

    paths: list[str | Path]
    index: EntityIndex
    targets: _Targets
    entities: tuple[EntityRecord, ...] = ()
    first_seen: dict[str, int] = field(default_factory=dict)  # fact id -> ordinal << 32 | line of its record
    files: list[tuple[int, str]] = field(default_factory=list)  # (ordinal of its first record, file)
    file_problems: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    suspect: bool = False  # a fact failed a check whose message pass 2 gives in its place
    kept: list[tuple[Record, Fact]] | None = field(default_factory=list)  # pass 1's facts, while they are few
    warnings: list[Problem] = field(default_factory=list)  # doubtful dates (timeline.intake.date_checks)

    @property
    def clean(self) -> bool:
        return not (self.file_problems or self.problems or self.suspect)

    def fact_ids(self) -> set[str]:
        return set(self.first_seen)

    def where(self, seen: int) -> tuple[str, int | None]:
        """The file and line of a record as `first_seen` holds it."""
        ordinal = seen >> 32
        file = next(name for first, name in reversed(self.files) if first <= ordinal)
        return file, (seen & 0xFFFFFFFF) or None


def survey(
    paths: Iterable[str | Path],
    known: Iterable[EntityRecord] | KnownEntities = (),
    known_targets: Collection[str] = (),
    today: date | None = None,
) -> Survey:
    """Pass 1. Raises InvalidInput, listing every problem (after reading the files again), if there is any.
    `today` (read by the caller, at the edge) refuses sources reported after it; None leaves that check out."""
    paths = list(paths)
    index = EntityIndex(known=known) if isinstance(known, KnownEntities) else EntityIndex(known)
    found = Survey(paths, index, _Targets(known_targets, set()))
    entity_seen: dict[str, Record] = {}
    entity_inputs: list[tuple[Record, Any]] = []
    noting, fulfilled = _Noting(), set()
    for ordinal, record in enumerate(stream(paths, found.file_problems)):
        if not found.files or found.files[-1][1] != record.file:
            found.files.append((ordinal, record.file))
        raw_id = record.data.get("id") if isinstance(record.data, dict) else None
        if record.kind != "fact":
            earlier = entity_seen.setdefault(raw_id, record) if isinstance(raw_id, str) else record
            if earlier is not record:
                found.problems.append(_duplicate(record, "entity", str(raw_id), earlier.file, earlier.line))
            elif (entity := _parse(ENTITY_MODELS[record.kind], record, found.problems)) is not None:
                entity_inputs.append((record, entity))
            continue
        if isinstance(raw_id, str):
            first = found.first_seen.setdefault(raw_id, ordinal << 32 | (record.line or 0))
            if first >> 32 != ordinal:
                found.problems.append(_duplicate(record, "fact", raw_id, *found.where(first)))
                continue
        fact = _parse(Fact, record, found.problems)
        if fact is None:
            found.suspect |= isinstance(record.data, dict)  # its references are checked in pass 2
            continue
        errors, doubts = date_problems(record, fact, today)
        found.problems += errors
        found.warnings += doubts
        if fact.target:
            found.targets.new.add(fact.target)
        if fact.fulfils:
            fulfilled.add(fact.fulfils)
        if found.kept is not None:
            found.kept.append((record, fact)) if len(found.kept) < KEEP_PARSED else setattr(found, "kept", None)
        if not _note(fact, noting.noted):
            before = len(found.problems)
            _resolve_fact(record, fact, noting, _Targets(_Everything(), set()), found.problems)
            if len(found.problems) > before:  # pass 2 reports them in their place among the reference problems
                del found.problems[before:]
                found.suspect = True
    for _, entity in entity_inputs:  # input entities replace stored ones of the same id
        index.add(EntityRecord(entity=_entity_kind(entity), **entity.model_dump(exclude={"organisation"})))
    resolved = [_resolve_entity(record, entity, index, found.problems) for record, entity in entity_inputs]
    found.entities = tuple(entity for entity in resolved if entity is not None)
    found.suspect |= any(not _resolves(index, *noted) for noted in noting.noted)
    found.suspect |= any(key not in found.targets for key in fulfilled)
    if not found.clean:
        raise InvalidInput(problems(found))
    return found


def _note(fact: Fact, noted: set[tuple[str, str, str | None]]) -> bool:
    """Note the references of a fact whose sources state nothing differently and are distinct (most facts),
    as `_resolve_fact` would ask for them; False for the others, which it judges."""
    if not plain_sources(fact):
        return False
    note = noted.add
    for ref in fact.projects:
        note((ref, "project", None))
    for ref in fact.partners:
        note((ref, "organisation", "partner"))
    for role in fact.people:
        note((role.person, "person", None))
        if role.office:
            note((role.office, "office", None))
    return True


def _resolves(index: EntityIndex, ref: str, kind: str, label: str | None) -> bool:
    try:
        index.resolve(ref, kind, label)
    except Unresolved:
        return False
    return True


def _duplicate(record: Record, group: str, raw_id: str, file: str, line: int | None) -> Problem:
    where = f"{file}:{line}" if line else file
    return record.problem(f"duplicate {group} id {quoted(raw_id)} (first defined at {where})", "id")


def problems(found: Survey) -> list[Problem]:
    """Every problem of the input, as `validate` lists them: pass 1's, then the facts' references in order."""
    facts: list[Problem] = []
    unparsed: list[Problem] = []
    for _ in _pass2(found, facts, unparsed, changed=None):
        pass  # only the problems count
    return found.file_problems + found.problems + facts + unparsed


def resolved_facts(found: Survey) -> Iterator[Fact]:
    """Pass 2: each fact resolved, in input order. A file changed since pass 1 raises InvalidInput at the end
    (whatever was appended is then rolled back with the rest)."""
    fresh: list[Problem] = []
    if found.kept is not None:  # a small input: pass 1 kept its facts
        for record, fact in found.kept:
            resolved = _resolve_fact(record, fact, found.index, found.targets, fresh)
            if resolved is not None:
                yield resolved
        found.kept = None
    else:
        yield from _pass2(found, fresh, fresh, changed=fresh)
    if fresh:
        raise InvalidInput([Problem(fresh[0].file, "the input changed while being read; run again"), *fresh])


def _pass2(
    found: Survey, problems: list[Problem], unparsed_problems: list[Problem], changed: list[Problem] | None
) -> Iterator[Fact]:
    """`changed` collects what pass 1 did not see (a file changed meanwhile); None when pass 1 reported it."""
    unparsed: list[Record] = []
    for ordinal, record in enumerate(stream(found.paths, [] if changed is None else changed)):
        if record.kind != "fact":
            continue
        raw_id = record.data.get("id") if isinstance(record.data, dict) else None
        if isinstance(raw_id, str) and found.first_seen.get(raw_id, -1) >> 32 != ordinal:
            if changed is not None and raw_id not in found.first_seen:
                changed.append(record.problem("not in the input when it was first read", "id"))
            continue  # a duplicate, reported by pass 1
        fact = _parse(Fact, record, [] if changed is None else changed)
        if fact is None:
            if isinstance(record.data, dict):
                unparsed.append(record)
            continue
        resolved = _resolve_fact(record, fact, found.index, found.targets, problems)
        if resolved is not None:
            yield resolved
    for record in unparsed:  # a fact with other problems still gets its references checked
        _resolve_refs(record, _reference_shaped(record.data), "", found.index, unparsed_problems)

"""Validating raw records into resolved entities and facts, collecting every problem at once."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from events.domain import EntityRecord
from events.inputs import ENTITY_MODELS, INPUT, STATED_FIELDS, Fact, Source
from events.text import quoted
from timeline.errors import InvalidInput, Problem
from timeline.intake.date_checks import date_problems
from timeline.intake.plain import pydantic_message
from timeline.intake.record import Record
from timeline.intake.resolve import EntityIndex, KnownEntities, Unresolved

_TYPE_TAGS = {"float", "int", "str", "bool", "none", "list", "dict", "tuple", "literal", "constrained-str"}
_REFERENCE_FIELDS = {"projects": "project", "partners": "organisation"}


@dataclass(frozen=True)
class ValidInput:
    entities: tuple[EntityRecord, ...]
    facts: tuple[Fact, ...]
    warnings: tuple[Problem, ...] = ()  # what may be wrong but need not be (see timeline.intake.date_checks)


def validate(
    records: Iterable[Record],
    known: Iterable[EntityRecord] | KnownEntities = (),
    known_targets: Collection[str] = (),
    today: date | None = None,
) -> ValidInput:
    """Resolved entities and facts, or InvalidInput listing every problem found. `today` (read by the caller, at
    the edge) refuses sources reported after it; None leaves that check out."""
    problems: list[Problem] = []
    entity_inputs: list[tuple[Record, Any]] = []
    fact_inputs: list[tuple[Record, Fact]] = []
    first_seen: dict[tuple[str, str], Record] = {}
    unparsed: list[Record] = []
    for record in records:
        group = "fact" if record.kind == "fact" else "entity"
        model: type[BaseModel] = Fact if record.kind == "fact" else ENTITY_MODELS[record.kind]
        raw_id = record.data.get("id") if isinstance(record.data, dict) else None
        earlier = first_seen.setdefault((group, raw_id), record) if isinstance(raw_id, str) else record
        if earlier is not record:
            where = f"{earlier.file}:{earlier.line}" if earlier.line else earlier.file
            problems.append(
                record.problem(f"duplicate {group} id {quoted(str(raw_id))} (first defined at {where})", "id")
            )
            continue
        parsed = _parse(model, record, problems)
        if parsed is not None:
            (fact_inputs if group == "fact" else entity_inputs).append((record, parsed))
        elif group == "fact" and isinstance(record.data, dict):
            unparsed.append(record)

    index = EntityIndex(known=known) if isinstance(known, KnownEntities) else EntityIndex(known)
    for _, entity in entity_inputs:  # input entities replace stored ones of the same id
        index.add(EntityRecord(entity=_entity_kind(entity), **entity.model_dump(exclude={"organisation", "merged"})))
    entities = [_resolve_entity(record, entity, index, problems) for record, entity in entity_inputs]
    targets = _Targets(known_targets, {fact.target for _, fact in fact_inputs if fact.target})
    facts = [_resolve_fact(record, fact, index, targets, problems) for record, fact in fact_inputs]
    warnings: list[Problem] = []
    for (record, _), resolved in zip(fact_inputs, facts):
        if resolved is not None:
            errors, doubts = date_problems(record, resolved, today)
            problems += errors
            warnings += doubts
    for record in unparsed:  # a fact with other problems still gets its references checked
        _resolve_refs(record, _reference_shaped(record.data), "", index, problems)
    if problems:
        raise InvalidInput(problems)
    return ValidInput(
        tuple(e for e in entities if e is not None), tuple(f for f in facts if f is not None), tuple(warnings)
    )


@dataclass(frozen=True)
class _Targets:
    """The target keys a milestone may fulfil: those known (perhaps a store's, asked one key at a time) and those
    this input sets."""

    known: Collection[str]
    new: set[str]

    def __contains__(self, key: object) -> bool:
        return key in self.new or key in self.known

    def every(self) -> set[str]:
        return self.new | set(self.known)


def _entity_kind(entity: BaseModel) -> str:
    return next(kind for kind, model in ENTITY_MODELS.items() if type(entity) is model)


def _parse(model: type[BaseModel], record: Record, problems: list[Problem]) -> Any:
    if not isinstance(record.data, dict):
        problems.append(record.problem(f"expected a mapping of fields, found {type(record.data).__name__}"))
        return None
    try:
        return model.model_validate(record.data, context=INPUT)
    except ValidationError as error:
        problems.extend(_problems(error, record, model))
        return None


def _problems(error: ValidationError, record: Record, model: type[BaseModel], prefix: str = "") -> list[Problem]:
    found: dict[str, Problem] = {}
    for item in error.errors(include_url=False):
        if item["type"] == "too_short" and len(item.get("input") or ()) >= item["ctx"]["min_length"]:
            continue  # pydantic adds this when items of a long enough list fail; those are reported themselves
        loc = item["loc"]
        if item["type"] in ("extra_forbidden", "invalid_key"):  # the last part is a key as written (even 'list')
            parent = field_path(loc[:-1])
            path = prefix + (parent + "." if parent else "") + _key(loc[-1])
        else:
            path = prefix + field_path(loc)
        if path not in found:
            details = dict(item)
            found[path] = record.problem(pydantic_message(details, path) or _message(details, model), path or None)
    return list(found.values())


def field_path(loc: tuple[Any, ...]) -> str:
    """('sources', 0, 'reported') -> 'sources[0].reported'; union member tags are dropped."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif "[" in part or part in _TYPE_TAGS or part.startswith("function-"):
            break
        else:
            path += ("." if path else "") + part
    return path


def _key(key: Any) -> str:
    """A key of the input as a field path shows it: as written if short and printable, else quoted and clipped."""
    text = str(key)
    return text if text and len(text) <= 60 and text.isprintable() else quoted(text, 40)


def _message(item: dict[str, Any], model: type[BaseModel]) -> str:
    kind, value = item["type"], item.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "too_short" and item["loc"][-1] == "sources":
        return "at least one source is required (outlet, language, reported)"
    if kind == "extra_forbidden":
        name = str(item["loc"][-1])
        owner = _owner(model, item["loc"])
        close = difflib.get_close_matches(name, owner, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of {', '.join(owner)}"
        return f"unknown field {quoted(name)}" + hint
    if kind == "value_error":
        return str(item["ctx"]["error"])
    if kind in {"float_type", "float_parsing"} and isinstance(value, str):
        return (
            f"{quoted(value)} is text, not a number; write it as a number (e.g. 96.8 for '96,8', 3100 for '3.100') "
            "and keep the source's spelling in as_written"
        )
    if kind == "string_pattern_mismatch" and item["loc"][-1] in {"id", "target", "fulfils"}:
        example = "north-hanoi-smart-city"
        return f"{quoted(str(value))} is not a valid id; use lowercase letters, digits and '-' (e.g. {example})"
    if isinstance(value, str):
        return item["msg"] + f", got {quoted(value)}"
    return item["msg"] + (f", got {value!r}" if isinstance(value, (int, float)) and len(repr(value)) < 60 else "")


def _owner(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed where an unknown field was found."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(part)
        current = _model_in(field.annotation) if field else None
    return list(current.model_fields) if current is not None else []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _resolve_entity(record: Record, entity: Any, index: EntityIndex, problems: list[Problem]) -> EntityRecord | None:
    kind = _entity_kind(entity)
    values = entity.model_dump()
    if kind == "office":
        try:
            values["organisation"] = index.resolve(entity.organisation, "organisation")
        except Unresolved as error:
            problems.append(record.problem(f"{entity.id}: {error}", "organisation"))
            return None
    if entity.merged is not None:
        try:
            into = index.resolve(entity.merged.into, kind, f"{kind} to merge into")
        except Unresolved as error:
            problems.append(record.problem(f"{entity.id}: {error}", "merged.into"))
            return None
        if into == entity.id:
            problems.append(record.problem(f"{entity.id}: an entity cannot be merged into itself", "merged.into"))
            return None
        values["merged"] = {**values["merged"], "into": into}
    return EntityRecord(entity=kind, **values)


def _resolve_fact(
    record: Record, fact: Fact, index: EntityIndex, targets: _Targets, problems: list[Problem]
) -> Fact | None:
    if plain_sources(fact) and _names_by_id(fact, index) and (not fact.fulfils or fact.fulfils in targets):
        return fact  # most facts: nothing to resolve or report (the same as below, without copying any value)
    before = len(problems)
    values = _resolve_refs(record, fact.model_dump(include={"projects", "partners", "people"}), "", index, problems)
    if fact.fulfils and fact.fulfils not in targets:
        close = difflib.get_close_matches(fact.fulfils, sorted(targets.every()), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else "; no fact sets a target with that key"
        problems.append(record.problem(f"unknown target key {quoted(fact.fulfils)}" + hint, "fulfils"))
    sources = []
    first_of: dict[tuple[str, str, str, str], int] = {}
    for number, source in enumerate(fact.sources):
        same = first_of.setdefault(source.key(), number)
        if same != number:
            problems.append(
                record.problem(
                    f"the same source as sources[{same}] (outlet, language, reported and "
                    "url); merge them or give each its url",
                    f"sources[{number}]",
                )
            )
            continue
        where = f"sources[{number}].differs"
        unknown = sorted(set(source.differs) - set(STATED_FIELDS))
        if unknown:
            problems.append(
                record.problem(
                    f"cannot differ in {', '.join(map(_key, unknown))}; a source may state "
                    f"differently: {', '.join(STATED_FIELDS)}",
                    where,
                )
            )
            continue
        if not source.differs:
            sources.append(source)
            continue
        try:
            stated = Fact.model_validate({**fact.model_dump(), **source.differs}, context=INPUT)
        except ValidationError as error:
            problems.extend(_problems(error, record, Fact, prefix=where + "."))
            continue
        stated_values = stated.model_dump(mode="json", include=set(source.differs))
        resolved = _resolve_refs(record, stated_values, where + ".", index, problems)
        sources.append(Source.model_validate({**source.model_dump(), "differs": resolved}))
    if len(problems) > before:
        return None
    same_sources = len(sources) == len(fact.sources) and all(s is t for s, t in zip(sources, fact.sources))
    if same_sources and _as_written(fact, values):
        return fact  # every reference named its entity by id: nothing to copy
    people = tuple(role.model_copy(update=resolved) for role, resolved in zip(fact.people, values["people"]))
    return fact.model_copy(
        update={
            "projects": tuple(values["projects"]),
            "partners": tuple(values["partners"]),
            "people": people,
            "sources": tuple(sources),
        }
    )


def plain_sources(fact: Fact) -> bool:
    """Whether the fact's sources state nothing differently and are distinct (most facts' are)."""
    sources = fact.sources
    if len(sources) == 1:
        return not sources[0].differs
    return not any(source.differs for source in sources) and len({s.key() for s in sources}) == len(sources)


def _names_by_id(fact: Fact, index: EntityIndex) -> bool:
    """Whether every reference of the fact is the id of an entity of its kind (as `resolve` would find first)."""
    refs = [(ref, "project") for ref in fact.projects] + [(ref, "organisation") for ref in fact.partners]
    for role in fact.people:
        refs.append((role.person, "person"))
        if role.office:
            refs.append((role.office, "office"))
    for ref, kind in refs:
        record = index.record(ref)
        if record is None or record.entity != kind:
            return False
    return True


def _as_written(fact: Fact, resolved: dict[str, Any]) -> bool:
    """Whether the resolved references are the fact's own (each named by its id)."""
    return (
        list(fact.projects) == resolved["projects"]
        and list(fact.partners) == resolved["partners"]
        and all(
            role.person == values["person"] and role.office == values.get("office")
            for role, values in zip(fact.people, resolved["people"])
        )
    )


def _reference_shaped(data: dict[str, Any]) -> dict[str, Any]:
    """The reference fields of raw data that have the right shape to be resolved."""
    shaped: dict[str, Any] = {}
    for field in _REFERENCE_FIELDS:
        refs = data.get(field)
        if isinstance(refs, list) and all(isinstance(ref, str) for ref in refs):
            shaped[field] = refs
    people = data.get("people")
    if isinstance(people, list) and all(
        isinstance(p, dict) and isinstance(p.get("person"), str) and isinstance(p.get("office", ""), (str, type(None)))
        for p in people
    ):
        shaped["people"] = [dict(p) for p in people]
    return shaped


def _resolve_refs(
    record: Record, values: dict[str, Any], prefix: str, index: EntityIndex, problems: list[Problem]
) -> dict[str, Any]:
    def resolve(ref: str, kind: str, field: str) -> str:
        try:
            return index.resolve(ref, kind, "partner" if field.startswith("partners") else None)
        except Unresolved as error:
            problems.append(record.problem(str(error), prefix + field))
            return ref

    for field, kind in _REFERENCE_FIELDS.items():
        if field in values:
            values[field] = [resolve(ref, kind, f"{field}[{i}]") for i, ref in enumerate(values[field])]
    for i, person in enumerate(values.get("people", ())):
        person["person"] = resolve(person["person"], "person", f"people[{i}].person")
        if person.get("office"):
            person["office"] = resolve(person["office"], "office", f"people[{i}].office")
    return values

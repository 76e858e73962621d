"""Read-model rows back into states without pydantic validation (`model_construct`, checked by hand).

A query decodes hundreds of rows it wrote itself: building and running the models' validators would cost more than
the query (the schemas are built only when input is validated: `defer_build`). Rows are still hostile: anything
that is not the shape the code writes raises `DamagedRow` naming the field, never another exception.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from events.dates import InvalidDate, parse_edtf
from events.domain import EntityRecord
from events.inputs import (
    ENTITY_KINDS,
    FACT_KINDS,
    ORGANISATION_KINDS,
    STATUSES,
    Fact,
    Figure,
    PersonRole,
    Retraction,
    Source,
)
from projections.facts import EntityState, FactState


class DamagedRow(ValueError):
    """A stored row that is not what the code writes: `where` is the path to the bad field."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


Check = Callable[[Any, str], Any]


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise DamagedRow(where, "not a text")
    return value


def _edtf(value: Any, where: str) -> str:
    try:
        parse_edtf(_text(value, where))  # cached: the query parses the same dates again
    except InvalidDate as error:
        raise DamagedRow(where, str(error)) from None
    return value  # type: ignore[no-any-return]


def _optional(check: Check) -> Check:
    return lambda value, where: None if value is None else check(value, where)


def _one_of(choices: tuple[str, ...]) -> Check:
    def check(value: Any, where: str) -> str:
        if value not in choices:
            raise DamagedRow(where, f"not one of {', '.join(choices)}")
        return value  # type: ignore[no-any-return]

    return check


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DamagedRow(where, "not a number")
    return float(value)


def _value(value: Any, where: str) -> Any:
    if isinstance(value, list) and len(value) == 2:
        return (_number(value[0], f"{where}.0"), _number(value[1], f"{where}.1"))
    return None if value is None else _number(value, where)


def _integer(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DamagedRow(where, "not an integer")
    return value


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DamagedRow(where, "not an object")
    return value


def _many(check: Check) -> Check:
    def many(value: Any, where: str) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise DamagedRow(where, "not a list")
        return tuple(check(item, f"{where}.{i}") for i, item in enumerate(value))

    return many


def _model(model: type, fields: dict[str, Check]) -> Check:
    """A model from its JSON object: every field checked, none unknown; absent ones take the model's default."""
    required = {name for name, info in model.model_fields.items() if info.is_required()}  # type: ignore[attr-defined]

    def build(value: Any, where: str) -> Any:
        data = _mapping(value, where)
        unknown = data.keys() - fields.keys()
        if unknown:
            raise DamagedRow(f"{where}.{sorted(unknown)[0]}", "unknown field")
        missing = required - data.keys()
        if missing:
            raise DamagedRow(f"{where}.{sorted(missing)[0]}", "missing")
        values = {name: fields[name](item, f"{where}.{name}") for name, item in data.items()}
        return model.model_construct(**values)  # type: ignore[attr-defined]

    return build


_maybe_text = _optional(_text)
_maybe_edtf = _optional(_edtf)
_source = _model(
    Source,
    {
        "outlet": _text,
        "language": _text,
        "reported": _edtf,
        "url": _maybe_text,
        "title": _maybe_text,
        "quote": _maybe_text,
        "differs": _mapping,
        "note": _maybe_text,
    },
)
_figure = _model(
    Figure,
    {
        "metric": _text,
        "value": _value,
        "unit": _maybe_text,
        "as_written": _maybe_text,
        "deadline": _maybe_edtf,
        "vision": _maybe_edtf,
        "note": _maybe_text,
    },
)
_fact = _model(
    Fact,
    {
        "id": _text,
        "kind": _one_of(FACT_KINDS),
        "occurred": _edtf,
        "status": _one_of(STATUSES),
        "title": _text,
        "summary": _maybe_text,
        "projects": _many(_text),
        "partners": _many(_text),
        "people": _many(_model(PersonRole, {"person": _text, "office": _maybe_text, "role": _maybe_text})),
        "place": _maybe_text,
        "figures": _many(_figure),
        "target": _maybe_text,
        "fulfils": _maybe_text,
        "sources": _many(_source),
        "retracted": _optional(_model(Retraction, {"on": _edtf, "reason": _text})),
        "notes": _maybe_text,
    },
)
_fact_state = _model(FactState, {"fact": _fact, "version": _integer, "corrections": _integer})
_record = _model(
    EntityRecord,
    {
        "entity": _one_of(ENTITY_KINDS),
        "id": _text,
        "name": _text,
        "aliases": _many(_text),
        "description": _maybe_text,
        "kind": _optional(_one_of(ORGANISATION_KINDS)),
        "organisation": _maybe_text,
    },
)
_entity_state = _model(EntityState, {"record": _record, "version": _integer})


def _parse(text: str | bytes, build: Check, where: str) -> Any:
    try:
        data = json.loads(text)
    except (ValueError, TypeError) as error:
        raise DamagedRow(where, f"not JSON ({error})") from None
    return build(data, where)


def fact_state(text: str | bytes) -> FactState:
    state: FactState = _parse(text, _fact_state, "fact state")
    if not state.fact.sources:
        raise DamagedRow("fact state.fact.sources", "empty")
    return state


def entity_state(text: str | bytes) -> EntityState:
    return _parse(text, _entity_state, "entity state")  # type: ignore[no-any-return]

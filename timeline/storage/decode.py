"""Read-model rows back into states: the first rows of a process without pydantic validation (checked by hand),
the rest by the models' validators.

A small query decodes a few rows it wrote itself: building the models' validators (tens of milliseconds) would
cost more than the query, so the schemas are built only when needed (`defer_build`). Once a process has decoded
CHEAP_ROWS rows, the compiled validator is built and used (faster per row). Rows are still hostile: anything that
is not the shape the code writes raises `DamagedRow` naming the field, never another exception.
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
    DatedName,
    Fact,
    Figure,
    Merge,
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
    return value


def _optional(check: Check) -> Check:
    return lambda value, where: None if value is None else check(value, where)


def _one_of(choices: tuple[str, ...]) -> Check:
    def check(value: Any, where: str) -> str:
        if value not in choices:
            raise DamagedRow(where, f"not one of {', '.join(choices)}")
        return value

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
    defaults = {
        name: info.get_default(call_default_factory=True)
        for name, info in model.model_fields.items()  # type: ignore[attr-defined]
        if not info.is_required()
    }
    order = list(model.model_fields)  # type: ignore[attr-defined]

    def build(value: Any, where: str) -> Any:
        data = _mapping(value, where)
        unknown = data.keys() - fields.keys()
        if unknown:
            raise DamagedRow(f"{where}.{sorted(unknown)[0]}", "unknown field")
        missing = required - data.keys()
        if missing:
            raise DamagedRow(f"{where}.{sorted(missing)[0]}", "missing")
        values = {
            name: fields[name](data[name], f"{where}.{name}") if name in data else _fresh(defaults[name])
            for name in order
        }  # (fact states leave out fields at their defaults)
        return _constructed(model, values, data.keys())

    return build


def _fresh(default: Any) -> Any:
    """A default as a value of its own: a mutable one (an empty `differs`) is not shared between models."""
    return {} if default == {} else default


def _constructed(model: Any, values: dict[str, Any], given: Any) -> Any:
    """What `model_construct` makes (no validation), without its per-call work: the values in field order."""
    made = model.__new__(model)
    object.__setattr__(made, "__dict__", values)
    object.__setattr__(made, "__pydantic_fields_set__", set(given))
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made


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
        "names": _many(_model(DatedName, {"name": _text, "since": _maybe_edtf, "until": _maybe_edtf})),
        "merged": _optional(_model(Merge, {"into": _text, "on": _maybe_edtf})),
    },
)
_entity_state = _model(EntityState, {"record": _record, "version": _integer})


CHEAP_ROWS = 256  # rows decoded by hand in a process before the validators are worth building


class _Decoder:
    """By hand for the first rows (a query's start-up builds no validator); then by the model's compiled
    validator, which is faster per row once built: a query reading thousands of rows pays the build once."""

    def __init__(self, model: type, build: Check, where: str, inner: tuple[type, ...] = ()):
        self.model, self.build, self.where = model, build, where
        self.inner = inner  # nested models whose serialisers the queries then use (see events.inputs.stated)
        self.decoded = 0

    def __call__(self, text: str | bytes) -> Any:
        self.decoded += 1
        if self.decoded > CHEAP_ROWS:
            if self.decoded == CHEAP_ROWS + 1:
                for model in self.inner:
                    model.model_rebuild()  # type: ignore[attr-defined]
            return self._validated(text)
        try:
            data = json.loads(text)
        except (ValueError, TypeError) as error:
            raise DamagedRow(self.where, f"not JSON ({error})") from None
        return self.build(data, self.where)

    def _validated(self, text: str | bytes) -> Any:
        from pydantic import ValidationError

        try:
            return self.model.model_validate_json(text)  # type: ignore[attr-defined]
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            where = ".".join([self.where, *map(str, first["loc"])])
            raise DamagedRow(where, first["msg"]) from None


_fact_decoder = _Decoder(FactState, _fact_state, "fact state", (Fact,))
_entity_decoder = _Decoder(EntityState, _entity_state, "entity state")


def fact_state(text: str | bytes) -> FactState:
    state: FactState = _fact_decoder(text)
    if not state.fact.sources:
        raise DamagedRow("fact state.fact.sources", "empty")
    return state


def entity_state(text: str | bytes) -> EntityState:
    return _entity_decoder(text)

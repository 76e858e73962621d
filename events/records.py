"""The read side's facts and entities: frozen records built from stored JSON, checked by hand, without pydantic.

A query process reads states that ingest wrote; importing pydantic and creating the input models would cost it
more than the whole query (issue 15). Each record mirrors one model of `events.inputs` / `events.domain` field
for field, defaults included (tests/test_records.py keeps them equal), and offers the part of the models'
interface that projections use: attributes, equality (same class, same values), `model_copy(update=...)`,
`model_dump(mode=..., include=..., exclude_none=...)`, `model_fields` and `model_validate(data)`.

`model_validate` takes JSON-shaped data (or the same with tuples and records) and checks every field by type:
a stored row is hostile, so anything that is not the shape the code writes raises `DamagedRow` naming the field.
Unlike the models it applies none of the house rules for new input (those judged the row when it was written).
For the type checker a record is the model it mirrors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from events.dates import InvalidDate, parse_edtf
from events.vocabulary import ENTITY_KINDS, FACT_KINDS, ORGANISATION_KINDS, STATUSES


class DamagedRow(ValueError):
    """Stored data that is not what the code writes: `where` is the path to the bad field."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


Check = Callable[[Any, str], Any]
REQUIRED = object()  # a field without a default


class Record:
    """A frozen value with named fields (`model_fields`, in order), each checked by `_checks` when built."""

    model_fields: ClassVar[tuple[str, ...]] = ()
    _checks: ClassVar[dict[str, Check]] = {}
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, **values: Any) -> None:
        object.__setattr__(self, "__dict__", type(self)._checked(values, type(self).__name__))

    @classmethod
    def model_validate(cls, data: Any, where: str | None = None) -> Any:
        if isinstance(data, cls):
            return data
        if not isinstance(data, dict):
            raise DamagedRow(where or cls.__name__, "not an object")
        return cls._of(cls._checked(data, where or cls.__name__))

    @classmethod
    def _checked(cls, data: dict[str, Any], where: str) -> dict[str, Any]:
        checks = cls._checks
        for name in data:
            if name not in checks:
                raise DamagedRow(f"{where}.{name}", "unknown field")
        values = {}
        for name, check in checks.items():
            if name in data:
                values[name] = check(data[name], f"{where}.{name}")
            else:
                default = cls._defaults[name]
                if default is REQUIRED:
                    raise DamagedRow(f"{where}.{name}", "missing")
                values[name] = dict(default) if isinstance(default, dict) else default
        return values

    @classmethod
    def _of(cls, values: dict[str, Any]) -> Any:
        made = cls.__new__(cls)
        object.__setattr__(made, "__dict__", values)
        return made

    def model_copy(self, update: dict[str, Any] | None = None) -> Any:
        return self._of({**self.__dict__, **update} if update else dict(self.__dict__))

    def model_dump(
        self, *, mode: str = "python", include: Any = None, exclude_none: bool = False, exclude_defaults: bool = False
    ) -> dict[str, Any]:
        left_out = self._defaults if exclude_defaults else {}
        return {
            name: _dumped(value, mode, exclude_none, exclude_defaults)
            for name, value in self.__dict__.items()
            if (include is None or name in include)
            and not (exclude_none and value is None)
            and not (name in left_out and left_out[name] == value)
        }

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return type(other) is type(self) and other.__dict__ == self.__dict__

    def __hash__(self) -> int:
        return hash((type(self), *self.__dict__.values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items())
        return f"{type(self).__name__}({shown})"


def _dumped(value: Any, mode: str, exclude_none: bool, exclude_defaults: bool) -> Any:
    if isinstance(value, Record):
        return value.model_dump(mode=mode, exclude_none=exclude_none, exclude_defaults=exclude_defaults)
    if isinstance(value, (tuple, list)):
        items = [_dumped(item, mode, exclude_none, exclude_defaults) for item in value]
        return items if mode == "json" or isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {key: _dumped(item, mode, exclude_none, exclude_defaults) for key, item in value.items()}
    return value


def record(name: str, fields: dict[str, Check], defaults: dict[str, Any] | None = None, **methods: Any) -> type[Record]:
    """A record class: its fields in order with their checks (a field absent from `defaults` is required), and the
    methods (and class attributes, such as an event's `schema_version`) of the model it mirrors."""
    given = defaults or {}
    return type(
        name,
        (Record,),
        {
            "model_fields": tuple(fields),
            "_checks": fields,
            "_defaults": {field: given.get(field, REQUIRED) for field in fields},
            "__module__": __name__,
            **methods,
        },
    )


# Checks: each takes the value and its path, returns the value as the record holds it, or raises DamagedRow.


def text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise DamagedRow(where, "not a text")
    return value


def edtf(value: Any, where: str) -> str:
    try:
        return str(parse_edtf(text(value, where)))  # canonical, as the models give it; cached
    except InvalidDate as error:
        raise DamagedRow(where, str(error)) from None


def optional(check: Check) -> Check:
    return lambda value, where: None if value is None else check(value, where)


def one_of(choices: tuple[str, ...]) -> Check:
    def check(value: Any, where: str) -> str:
        if value not in choices:
            raise DamagedRow(where, f"not one of {', '.join(choices)}")
        return value

    return check


def number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DamagedRow(where, "not a number")
    return float(value)


def _figure_value(value: Any, where: str) -> Any:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return (number(value[0], f"{where}.0"), number(value[1], f"{where}.1"))
    return None if value is None else number(value, where)


def integer(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DamagedRow(where, "not an integer")
    return value


def mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DamagedRow(where, "not an object")
    return value


def many(check: Check) -> Check:
    def checked(value: Any, where: str) -> tuple[Any, ...]:
        if not isinstance(value, (list, tuple)):
            raise DamagedRow(where, "not a list")
        return tuple(check(item, f"{where}.{i}") for i, item in enumerate(value))

    return checked


def built(kind: Any, data: Any, where: str) -> Any:
    """`kind.model_validate(data)` for a record class, its errors named from `where` (e.g. "fact state")."""
    return kind.model_validate(data, where)


def nested(kind: type[Record]) -> Check:
    return kind.model_validate


_maybe_text, _maybe_edtf = optional(text), optional(edtf)

if TYPE_CHECKING:
    from events.domain import (
        AliasAdded,
        EntityCorrected,
        EntityMerged,
        EntityRecord,
        EntityRegistered,
        FactCorrected,
        FactReported,
        FactRetracted,
        SourceAdded,
    )
    from events.inputs import DatedName, Fact, Figure, Merge, PersonRole, Retraction, Source
else:
    Figure = record(
        "Figure",
        {
            "metric": text,
            "value": _figure_value,
            "unit": _maybe_text,
            "as_written": _maybe_text,
            "deadline": _maybe_edtf,
            "vision": _maybe_edtf,
            "note": _maybe_text,
        },
        dict.fromkeys(("value", "unit", "as_written", "deadline", "vision", "note")),
    )
    PersonRole = record(
        "PersonRole", {"person": text, "office": _maybe_text, "role": _maybe_text}, dict.fromkeys(("office", "role"))
    )
    Source = record(
        "Source",
        {
            "outlet": text,
            "language": text,
            "reported": edtf,
            "url": _maybe_text,
            "title": _maybe_text,
            "quote": _maybe_text,
            "differs": mapping,
            "note": _maybe_text,
        },
        {**dict.fromkeys(("url", "title", "quote", "note")), "differs": {}},
        key=lambda self: (self.outlet.casefold(), self.language, self.reported, self.url or ""),  # as Source.key
    )
    Retraction = record("Retraction", {"on": edtf, "reason": text})
    Fact = record(
        "Fact",
        {
            "id": text,
            "kind": one_of(FACT_KINDS),
            "occurred": edtf,
            "status": one_of(STATUSES),
            "title": text,
            "summary": _maybe_text,
            "projects": many(text),
            "partners": many(text),
            "people": many(nested(PersonRole)),
            "place": _maybe_text,
            "figures": many(nested(Figure)),
            "target": _maybe_text,
            "fulfils": _maybe_text,
            "sources": many(nested(Source)),
            "retracted": optional(nested(Retraction)),
            "notes": _maybe_text,
        },
        {
            **dict.fromkeys(("summary", "place", "target", "fulfils", "retracted", "notes")),
            **dict.fromkeys(("projects", "partners", "people", "figures"), ()),
            "status": "happened",
        },
    )
    DatedName = record(
        "DatedName", {"name": text, "since": _maybe_edtf, "until": _maybe_edtf}, {"since": None, "until": None}
    )
    Merge = record("Merge", {"into": text, "on": _maybe_edtf}, {"on": None})
    EntityRecord = record(
        "EntityRecord",
        {
            "entity": one_of(ENTITY_KINDS),
            "id": text,
            "name": text,
            "aliases": many(text),
            "names": many(nested(DatedName)),
            "description": _maybe_text,
            "kind": optional(one_of(ORGANISATION_KINDS)),
            "organisation": _maybe_text,
            "merged": optional(nested(Merge)),
        },
        {**dict.fromkeys(("description", "kind", "organisation", "merged")), "aliases": (), "names": ()},
    )
    # The domain events (events.domain), as the log's reader decodes them for `log`, `show` and `changes`.
    FactReported = record("FactReported", {"fact": nested(Fact)}, schema_version=1)
    SourceAdded = record("SourceAdded", {"fact_id": text, "source": nested(Source)}, schema_version=1)
    FactCorrected = record(
        "FactCorrected",
        {"fact_id": text, "changes": mapping, "previous": optional(mapping), "sources": many(nested(Source))},
        {"changes": {}, "sources": ()},
        schema_version=2,
    )
    FactRetracted = record("FactRetracted", {"fact_id": text, "retraction": nested(Retraction)}, schema_version=1)
    EntityRegistered = record("EntityRegistered", {"record": nested(EntityRecord)}, schema_version=2)
    AliasAdded = record("AliasAdded", {"entity_id": text, "alias": text}, schema_version=1)
    EntityCorrected = record("EntityCorrected", {"entity_id": text, "changes": mapping}, schema_version=1)
    EntityMerged = record("EntityMerged", {"entity_id": text, "merge": nested(Merge)}, schema_version=1)

# Fields a source may state differently from the fact's main values (its `differs` map).
STATED_FIELDS = tuple(name for name in Fact.model_fields if name not in {"id", "sources", "retracted", "notes"})
# Fields a correction may change (everything but the identity and what has events of its own).
CORRECTABLE_FIELDS = tuple(name for name in Fact.model_fields if name not in {"id", "sources", "retracted"})


def is_model(value: Any) -> bool:
    """A model or a record: a value with named fields."""
    return hasattr(type(value), "model_fields") and not isinstance(value, type)


def plain(value: Any) -> Any:
    """`model_dump()` without a serialiser: models and records as dicts of every field, tuples kept, other values
    as they are."""
    if is_model(value):
        return {name: plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, tuple):
        return tuple(plain(item) for item in value)
    return value


def stated(model: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """`model_dump(include=fields)`: by the compiled serialiser once a model's schema is built (faster per call),
    else by `plain` (a query decoding a few rows builds no schema; a record has none)."""
    if getattr(type(model), "__pydantic_complete__", False):
        return model.model_dump(include=set(fields))
    return {name: plain(getattr(model, name)) for name in fields}


def listed(value: Any) -> Any:
    """Tuples as lists, all the way down (dicts and lists walked): a dumped value in the shape JSON gives back."""
    if isinstance(value, (tuple, list)):
        return [listed(item) for item in value]
    if isinstance(value, dict):
        return {key: listed(item) for key, item in value.items()}
    return value

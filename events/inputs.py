"""What people write: entities and facts, as strict frozen pydantic models.

A fact written by a person names entities by id or alias; once resolved (see timeline.intake.resolve) the same
model carries ids only and becomes the payload of a `FactReported` event.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import to_jsonable_python

from events.dates import parse_edtf
from events.records import CORRECTABLE_FIELDS as CORRECTABLE_FIELDS  # the read side's records mirror these models
from events.records import STATED_FIELDS as STATED_FIELDS
from events.records import listed as listed
from events.records import plain as plain
from events.records import stated as stated
from events.text import match_key, quoted
from events.vocabulary import ENTITY_KINDS as ENTITY_KINDS
from events.vocabulary import ENTITY_SECTIONS as ENTITY_SECTIONS
from events.vocabulary import FACT_KINDS, ORGANISATION_KINDS, STATUSES


class Frozen(BaseModel):
    """Validators and serialisers are built only when first needed (`defer_build`): a command that validates
    nothing never pays for building them. Queries do not use these models at all (see events.records)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


def _year_as_text(value: Any) -> Any:
    """YAML reads `deadline: 2030` as a number; a bare four-digit year is a valid EDTF date."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 9999:
        return f"{value:04d}"
    return value


@lru_cache(maxsize=65536)
def _canonical_edtf(text: str) -> str:
    """The date in the canonical form it is stored in, computed once per distinct text (dates repeat)."""
    return str(parse_edtf(text))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0 but tab and line ends, DEL, C1


INPUT = {"input": True}  # validation context for what people write: the house rules below apply to it


def _is_input(info: ValidationInfo) -> bool:
    """House rules (no control characters, nameable names, ranges low to high) judge new input only: events
    already in the log stay readable when a rule is added later."""
    return bool(info.context and info.context.get("input"))


def _no_control_characters(text: str, info: ValidationInfo) -> str:
    if text.isprintable() or not _is_input(info):  # printable text holds no control character (most text)
        return text
    found = _CONTROL.search(text)
    if found:
        raise ValueError(
            f"contains the control character U+{ord(found.group()):04X} at position {found.start()}; remove it"
        )
    return text


_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # in an address, even tab and line ends
_WEB_ADDRESS = re.compile(r"^https?://[^\s/?#]+", re.IGNORECASE)


def _web_address(text: str, info: ValidationInfo) -> str:
    """A source's address is a web page: http(s) only (a `javascript:` or `data:` link would run in a reader's
    browser), on one line (a line break would end the field in an iCalendar or CSV export)."""
    if not _is_input(info):
        return text
    found = _ANY_CONTROL.search(text)
    if found:
        raise ValueError(
            f"contains the control character U+{ord(found.group()):04X} at position {found.start()}; remove it"
        )
    if not _WEB_ADDRESS.match(text):
        raise ValueError(f"{quoted(text)} is not a web address; write one that starts with https:// or http://")
    return text


def _nameable(text: str, info: ValidationInfo) -> str:
    if _is_input(info) and not match_key(text):
        raise ValueError(f"{quoted(text)} has no letter or digit, so nothing could refer to it")
    return text


Text = Annotated[
    str, StringConstraints(strict=True, strip_whitespace=True, min_length=1), AfterValidator(_no_control_characters)
]
Verbatim = Annotated[str, StringConstraints(strict=True, min_length=1), AfterValidator(_no_control_characters)]
Name = Annotated[Text, AfterValidator(_nameable)]  # an entity's name or alias: something a reference can match
Url = Annotated[Text, AfterValidator(_web_address)]
Slug = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=200)]
Ref = Text  # an entity id or alias, before resolution; an id after
Edtf = Annotated[str, BeforeValidator(_year_as_text), StringConstraints(strict=True), AfterValidator(_canonical_edtf)]
Language = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z]{2,3}$")]
Number = Annotated[float, Strict(), AllowInfNan(False)]


def json_shaped(values: dict[str, Any]) -> dict[str, Any]:
    """Values as JSON holds them: tuples as lists, models as mappings (every key kept, None included). Raw input
    too deep or too odd to convert is left as it is: validation reports it, at its own field, before it is stored."""
    try:
        plain_values: dict[str, Any] = to_jsonable_python(values)
    except (ValueError, RecursionError):
        return values
    return plain_values


class Figure(Frozen):
    metric: Text
    value: Number | tuple[Number, Number] | None = None
    unit: Text | None = None
    as_written: Verbatim | None = None
    deadline: Edtf | None = None
    vision: Edtf | None = None
    note: Text | None = None

    @field_validator("value")
    @classmethod
    def _range_in_order(cls, value: Any, info: ValidationInfo) -> Any:
        if _is_input(info) and isinstance(value, tuple) and value[0] > value[1]:
            raise ValueError(f"the range [{value[0]:g}, {value[1]:g}] runs backwards; write the lower value first")
        return value


class PersonRole(Frozen):
    person: Ref
    office: Ref | None = None
    role: Text | None = None


class Source(Frozen):
    outlet: Text
    language: Language
    reported: Edtf
    url: Url | None = None
    title: Text | None = None
    quote: Verbatim | None = None
    differs: dict[str, Any] = Field(default_factory=dict)
    note: Text | None = None

    @field_validator("differs")
    @classmethod
    def _plain_values(cls, differs: dict[str, Any]) -> dict[str, Any]:
        """Stated values in one shape, the one the log's JSON gives back (lists, not tuples): a source read from
        the log then equals the same source read from the input, so re-ingesting changes nothing."""
        return json_shaped(differs)

    def key(self) -> tuple[str, str, str, str]:
        """What makes two source entries the same source: the outlet, language, day and address."""
        return (self.outlet.casefold(), self.language, self.reported, self.url or "")


class Retraction(Frozen):
    on: Edtf
    reason: Text


class Fact(Frozen):
    id: Slug
    kind: Literal[FACT_KINDS]  # type: ignore[valid-type]
    occurred: Edtf
    status: Literal[STATUSES] = "happened"  # type: ignore[valid-type]
    title: Text
    summary: Text | None = None
    projects: tuple[Ref, ...] = ()
    partners: tuple[Ref, ...] = ()
    people: tuple[PersonRole, ...] = ()
    place: Text | None = None
    figures: tuple[Figure, ...] = ()
    target: Slug | None = None
    fulfils: Slug | None = None
    sources: tuple[Source, ...] = Field(min_length=1)
    retracted: Retraction | None = None
    notes: Text | None = None


class DatedName(Frozen):
    """A name the entity bore for a time (`since` and `until` are EDTF, either may be absent: open)."""

    name: Name
    since: Edtf | None = None
    until: Edtf | None = None


class Merge(Frozen):
    """This entity record turned out to be another (`into`, a reference), from a knowledge date `on` if given."""

    into: Ref
    on: Edtf | None = None


class Entity(Frozen):
    id: Slug
    name: Name
    aliases: tuple[Name, ...] = ()
    names: tuple[DatedName, ...] = ()  # earlier or later names, with their validity dates
    description: Text | None = None
    merged: Merge | None = None


class Project(Entity):
    pass


class Organisation(Entity):
    kind: Literal[ORGANISATION_KINDS]  # type: ignore[valid-type]


class Office(Entity):
    organisation: Ref


class Person(Entity):
    pass


ENTITY_MODELS: dict[str, type[Entity]] = {
    "project": Project,
    "organisation": Organisation,
    "office": Office,
    "person": Person,
}

"""Domain events: what the log says happened to facts and entities. Past tense, frozen, versioned.

Each class's `schema_version` is stored with every event (as the eventsourcing `class_version`); when a
payload's shape changes, bump it and add an upcaster in timeline.storage.log so old logs stay readable.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from events.inputs import (
    ENTITY_KINDS,
    ORGANISATION_KINDS,
    DatedName,
    Fact,
    Frozen,
    Merge,
    Name,
    Retraction,
    Slug,
    Source,
    Text,
)


class DomainEvent(Frozen):
    schema_version: ClassVar[int] = 1


class UnappliableEvent(ValueError):
    """An event that cannot apply to its stream's state (before the stream's first event, or with values the
    state refuses): only a tampered log holds one."""


class FactReported(DomainEvent):
    """First ingest of a fact: its resolved main values and its sources (never a retraction)."""

    fact: Fact


class SourceAdded(DomainEvent):
    """Another source for a known fact (e.g. the English twin of a Vietnamese report)."""

    fact_id: str
    source: Source


class FactCorrected(DomainEvent):
    """An edit of the input: changed main values (the diff), the values they replaced, and sources whose details
    were fixed.

    Schema 2 added `previous`; events of schema 1 did not keep the replaced values and are upcast with
    `previous=None` ("not recorded"), never with invented values."""

    schema_version: ClassVar[int] = 2

    fact_id: str
    changes: dict[str, Any] = {}
    previous: dict[str, Any] | None
    sources: tuple[Source, ...] = ()


class FactRetracted(DomainEvent):
    """Withdrawn from the record on a date, for a reason. The fact stays in the log."""

    fact_id: str
    retraction: Retraction


class EntityRecord(Frozen):
    """A resolved entity: references (an office's organisation, a merge's survivor) are ids."""

    entity: Literal[ENTITY_KINDS]  # type: ignore[valid-type]
    id: Slug
    name: Name
    aliases: tuple[Name, ...] = ()
    names: tuple[DatedName, ...] = ()
    description: Text | None = None
    kind: Literal[ORGANISATION_KINDS] | None = None  # type: ignore[valid-type]  # organisations only
    organisation: Slug | None = None  # offices only
    merged: Merge | None = None  # set by EntityMerged only


class EntityRegistered(DomainEvent):
    """Schema 2 added the record's dated `names` (and `merged`, always unset here: a merge is an event of its
    own); schema-1 records bore no dated names, so they read as `names: ()`."""

    schema_version: ClassVar[int] = 2

    record: EntityRecord


class AliasAdded(DomainEvent):
    entity_id: str
    alias: str


class EntityCorrected(DomainEvent):
    entity_id: str
    changes: dict[str, Any]


class EntityMerged(DomainEvent):
    """The entity record turned out to be another one (`merge.into`, an id), from `merge.on` if given. Nothing
    is deleted: both ids stay resolvable, and facts keep the id they named."""

    entity_id: str
    merge: Merge


FACT_EVENTS = (FactReported, SourceAdded, FactCorrected, FactRetracted)
ENTITY_EVENTS = (EntityRegistered, AliasAdded, EntityCorrected, EntityMerged)


def fact_id_of(event: DomainEvent) -> str:
    return event.fact.id if isinstance(event, FactReported) else event.fact_id  # type: ignore[attr-defined]


def entity_id_of(event: DomainEvent) -> str:
    return event.record.id if isinstance(event, EntityRegistered) else event.entity_id  # type: ignore[attr-defined]

"""The state of one fact or one entity, folded from its events: `evolve(state, event) -> state`."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import ValidationError

from events.domain import (
    AliasAdded,
    DomainEvent,
    EntityCorrected,
    EntityMerged,
    EntityRecord,
    EntityRegistered,
    FactCorrected,
    FactReported,
    FactRetracted,
    SourceAdded,
    UnappliableEvent,
)
from events.inputs import Fact, Frozen


class FactState(Frozen):
    """A fact's current main values and every source it ever had; `version` counts its events."""

    fact: Fact
    version: int
    corrections: int = 0


class EntityState(Frozen):
    record: EntityRecord
    version: int


def _reported(state: FactState | None, event: FactReported) -> FactState:
    return FactState(fact=event.fact, version=1)


def _source_added(state: FactState, event: SourceAdded) -> FactState:
    fact = state.fact.model_copy(update={"sources": state.fact.sources + (event.source,)})
    return FactState(fact=fact, version=state.version + 1, corrections=state.corrections)


def _corrected(state: FactState, event: FactCorrected) -> FactState:
    fixed = {source.key(): source for source in event.sources}
    sources = tuple(fixed.get(source.key(), source) for source in state.fact.sources)
    values = state.fact.model_dump()
    values.update(event.changes)
    values["sources"] = sources
    fact = Fact.model_validate(values)
    return FactState(fact=fact, version=state.version + 1, corrections=state.corrections + 1)


def _retracted(state: FactState, event: FactRetracted) -> FactState:
    fact = state.fact.model_copy(update={"retracted": event.retraction})
    return FactState(fact=fact, version=state.version + 1, corrections=state.corrections)


def _registered(state: EntityState | None, event: EntityRegistered) -> EntityState:
    return EntityState(record=event.record, version=1)


def _alias_added(state: EntityState, event: AliasAdded) -> EntityState:
    record = state.record.model_copy(update={"aliases": state.record.aliases + (event.alias,)})
    return EntityState(record=record, version=state.version + 1)


def _entity_corrected(state: EntityState, event: EntityCorrected) -> EntityState:
    record = EntityRecord.model_validate({**state.record.model_dump(), **event.changes})
    return EntityState(record=record, version=state.version + 1)


def _entity_merged(state: EntityState, event: EntityMerged) -> EntityState:
    record = state.record.model_copy(update={"merged": event.merge})
    return EntityState(record=record, version=state.version + 1)


_HANDLERS = {
    FactReported: _reported,
    SourceAdded: _source_added,
    FactCorrected: _corrected,
    FactRetracted: _retracted,
    EntityRegistered: _registered,
    AliasAdded: _alias_added,
    EntityCorrected: _entity_corrected,
    EntityMerged: _entity_merged,
}


def evolve(state, event: DomainEvent):  # type: ignore[no-untyped-def]
    """Apply one event to a fact's or an entity's state (None before its first event).

    An event this fold does not know leaves the state unchanged.
    """
    handler = _HANDLERS.get(type(event))
    if handler is None:
        return state
    if state is None and handler not in (_reported, _registered):
        raise UnappliableEvent(f"a {type(event).__name__} event comes before its stream's first event")
    try:
        return handler(state, event)  # type: ignore[operator]
    except ValidationError as error:
        raise UnappliableEvent(f"a {type(event).__name__} event does not apply: {_first(error)}") from None


def _first(error: ValidationError) -> str:
    item = error.errors(include_url=False)[0]
    return f"{'.'.join(map(str, item['loc'])) or 'value'}: {item['msg']}"


def fold(events: Iterable[DomainEvent], state=None):  # type: ignore[no-untyped-def]
    """Fold one stream's events, oldest first."""
    for event in events:
        state = evolve(state, event)
    return state

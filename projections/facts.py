"""The state of one fact or one entity, folded from its events: `evolve(state, event) -> state`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
from projections.evolving import STEPS


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


def _registered(state: EntityState | None, event: EntityRegistered) -> EntityState:
    return EntityState(record=event.record, version=1)


# Each later event's step (projections.evolving, shared with the records' fold of projections.stored).
_LATER = (SourceAdded, FactCorrected, FactRetracted, AliasAdded, EntityCorrected, EntityMerged)
_HANDLERS: dict[type[DomainEvent], Any] = {
    FactReported: _reported,
    EntityRegistered: _registered,
    **{event: STEPS[event.__name__] for event in _LATER},
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
        return handler(state, event)
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

"""Fact and entity states as a query reads them from the read models: records (events.records), not models.

They mirror `projections.facts.FactState` and `EntityState`, which the fold builds while events are applied. A
query that needs a stream as it stood earlier (`--recorded-before`) folds the stream's event records with `fold`:
the same steps (projections.evolving), without pydantic.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from events.records import DamagedRow, EntityRecord, Fact, integer, nested, record
from projections.evolving import STEPS

if TYPE_CHECKING:
    from projections.facts import EntityState, FactState
else:
    FactState = record(
        "FactState", {"fact": nested(Fact), "version": integer, "corrections": integer}, {"corrections": 0}
    )
    EntityState = record("EntityState", {"record": nested(EntityRecord), "version": integer})

__all__ = ["EntityState", "FactState", "fold"]

_FIRST = {
    "FactReported": lambda event: FactState(fact=event.fact, version=1),
    "EntityRegistered": lambda event: EntityState(record=event.record, version=1),
}


def fold(events: Iterable[Any]) -> Any:
    """One stream's event records (events.records), oldest first, folded into its state as records: what
    `projections.facts.fold` gives, as the read models decode it. An event that cannot apply (only a tampered
    log holds one) raises `UnappliableEvent`, as there."""
    state: Any = None
    for event in events:
        name = type(event).__name__
        if name in _FIRST:
            state = _FIRST[name](event)
        elif name in STEPS:
            if state is None:
                raise _unappliable(f"a {name} event comes before its stream's first event")
            try:
                state = STEPS[name](state, event)
            except DamagedRow as damage:
                raise _unappliable(f"a {name} event does not apply: {damage}") from None
    return state


def _unappliable(message: str) -> Exception:
    from events.domain import UnappliableEvent  # (a tampered log: the models' error, as the write side raises)

    return UnappliableEvent(message)

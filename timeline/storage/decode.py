"""Read-model rows back into states, every field checked: as records for queries, as models for the write side.

A query decodes rows that ingest wrote into the read side's records (events.records), checked by hand: it never
imports pydantic. Catching up and ingest fold events into the stored states and compare them with new input, so
they read the same rows as the models (`FactState.model_validate_json`). Rows are hostile either way: anything
that is not the shape the code writes raises `DamagedRow` naming the field, never another exception.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from events.records import DamagedRow, built
from projections import stored

if TYPE_CHECKING:
    from projections.facts import EntityState, FactState

__all__ = ["DamagedRow", "entity_model", "entity_state", "fact_model", "fact_state"]


def _loaded(text: str | bytes, where: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, TypeError) as error:
        raise DamagedRow(where, f"not JSON ({error})") from None


def fact_state(text: str | bytes) -> FactState:
    state: FactState = built(stored.FactState, _loaded(text, "fact state"), "fact state")
    return _with_sources(state)


def entity_state(text: str | bytes) -> EntityState:
    state: EntityState = built(stored.EntityState, _loaded(text, "entity state"), "entity state")
    return state


def _with_sources(state: FactState) -> FactState:
    if not state.fact.sources:
        raise DamagedRow("fact state.fact.sources", "empty")
    return state


def fact_model(text: str | bytes) -> FactState:
    from projections.facts import FactState

    return _with_sources(_validated(FactState, text, "fact state"))


def entity_model(text: str | bytes) -> EntityState:
    from projections.facts import EntityState

    return _validated(EntityState, text, "entity state")


def _validated(model: Any, text: str | bytes, where: str) -> Any:
    from pydantic import ValidationError

    try:
        return model.model_validate_json(text)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise DamagedRow(".".join([where, *map(str, first["loc"])]), first["msg"]) from None

"""How each event after a stream's first changes its state, for the models (projections.facts: ingest, catching
up) and for the records (projections.stored: a query folding a stream again) alike.

Each step builds the new state with the classes of the state it is given (`type(state)`, `type(state.fact)`), so
this module imports neither pydantic nor the models: a query process folds records with the same steps.
"""

from __future__ import annotations

from typing import Any


def source_added(state: Any, event: Any) -> Any:
    fact = state.fact.model_copy(update={"sources": state.fact.sources + (event.source,)})
    return type(state)(fact=fact, version=state.version + 1, corrections=state.corrections)


def corrected(state: Any, event: Any) -> Any:
    fixed = {source.key(): source for source in event.sources}
    sources = tuple(fixed.get(source.key(), source) for source in state.fact.sources)
    values = state.fact.model_dump()
    values.update(event.changes)
    values["sources"] = sources
    fact = type(state.fact).model_validate(values)
    return type(state)(fact=fact, version=state.version + 1, corrections=state.corrections + 1)


def retracted(state: Any, event: Any) -> Any:
    fact = state.fact.model_copy(update={"retracted": event.retraction})
    return type(state)(fact=fact, version=state.version + 1, corrections=state.corrections)


def alias_added(state: Any, event: Any) -> Any:
    record = state.record.model_copy(update={"aliases": state.record.aliases + (event.alias,)})
    return type(state)(record=record, version=state.version + 1)


def entity_corrected(state: Any, event: Any) -> Any:
    record = type(state.record).model_validate({**state.record.model_dump(), **event.changes})
    return type(state)(record=record, version=state.version + 1)


def entity_merged(state: Any, event: Any) -> Any:
    record = state.record.model_copy(update={"merged": event.merge})
    return type(state)(record=record, version=state.version + 1)


# The steps by the name of the event's class (a domain event and its record share it).
STEPS = {
    "SourceAdded": source_added,
    "FactCorrected": corrected,
    "FactRetracted": retracted,
    "AliasAdded": alias_added,
    "EntityCorrected": entity_corrected,
    "EntityMerged": entity_merged,
}

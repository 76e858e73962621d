"""Deciding what to append: compare validated input with the current state of each fact and entity.

Pure decisions, no IO: `plan(input, facts, entities)` returns the events per stream and a summary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from events import domain
from events.domain import DomainEvent, EntityRecord
from events.inputs import CORRECTABLE_FIELDS, Fact
from projections.facts import EntityState, FactState
from projections.knowledge import same_statements
from timeline.intake.validate import ValidInput


@dataclass(frozen=True)
class Change:
    """New events for one stream, to be appended after its current `version`."""

    stream: Literal["fact", "entity"]
    id: str
    version: int
    events: tuple[DomainEvent, ...]


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    new_facts: int = 0
    sources_added: int = 0
    corrections: int = 0
    retractions: int = 0
    unchanged: int = 0
    new_entities: int = 0
    entity_changes: int = 0
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    absorbed: int = 0  # events of the batch plans absorbed without their changes (a long run keeps only counts)

    @property
    def appended(self) -> int:
        return self.absorbed + sum(len(change.events) for change in self.changes)

    def absorb(self, batch: Plan, keep: int) -> None:
        """Count a batch's plan in this one (a streamed run plans a batch at a time), keeping its changes while this
        plan holds at most `keep` events."""
        if self.absorbed == 0 and self.appended + batch.appended <= keep:
            self.changes += batch.changes
        else:
            self.absorbed += batch.appended
        for name in ("new_facts", "sources_added", "corrections", "retractions", "unchanged"):
            setattr(self, name, getattr(self, name) + getattr(batch, name))
        self.new_entities += batch.new_entities
        self.entity_changes += batch.entity_changes
        self.warnings += batch.warnings

    def summary(self) -> dict[str, object]:
        return {
            "appended": self.appended,
            "new_facts": self.new_facts,
            "sources_added": self.sources_added,
            "corrections": self.corrections,
            "retractions": self.retractions,
            "unchanged": self.unchanged,
            "new_entities": self.new_entities,
            "entity_changes": self.entity_changes,
            "missing": sorted(self.missing),
            "warnings": self.warnings,
        }


def plan(
    valid: ValidInput,
    facts: Mapping[str, FactState],
    entities: Mapping[str, EntityState],
    all_fact_ids: frozenset[str] | None = None,
) -> Plan:
    """The events that bring the store in line with the input. Nothing is ever removed."""
    result = Plan()
    for record in valid.entities:
        _plan_entity(record, entities.get(record.id), result)
    for fact in valid.facts:
        _plan_fact(fact, facts.get(fact.id), result)
    if valid.facts and all_fact_ids is not None:
        result.missing = sorted(all_fact_ids - {fact.id for fact in valid.facts})
    return result


def _plan_entity(record: EntityRecord, state: EntityState | None, result: Plan) -> None:
    merged = [domain.EntityMerged(entity_id=record.id, merge=record.merged)] if record.merged else []
    if state is None:
        registered = domain.EntityRegistered(record=record.model_copy(update={"merged": None}))
        result.changes.append(Change("entity", record.id, 0, (registered, *merged)))
        result.new_entities += 1
        return
    old = state.record
    events: list[DomainEvent] = []
    changes = {
        name: value
        for name, value in record.model_dump(exclude={"aliases", "id", "merged"}).items()
        if getattr(old, name) != getattr(record, name)
    }
    if changes:
        events.append(domain.EntityCorrected(entity_id=record.id, changes=changes))
    added = [alias for alias in record.aliases if alias not in old.aliases]
    events += [domain.AliasAdded(entity_id=record.id, alias=alias) for alias in added]
    if record.merged != old.merged:
        if merged:
            events += merged
        else:
            result.warnings.append(
                f"entity '{record.id}': merged into '{old.merged.into}'; a merge is not undone by removing it "  # type: ignore[union-attr]
                "from the input (nothing is deleted)"
            )
    dropped = [alias for alias in old.aliases if alias not in record.aliases]
    if dropped:
        result.warnings.append(f"entity '{record.id}': aliases no longer in the input are kept: {', '.join(dropped)}")
    if events:
        result.changes.append(Change("entity", record.id, state.version, tuple(events)))
        result.entity_changes += 1


def _plan_fact(fact: Fact, state: FactState | None, result: Plan) -> None:
    if state is None:
        reported = fact if fact.retracted is None else fact.model_copy(update={"retracted": None})
        events: list[DomainEvent] = [domain.FactReported(fact=reported)]
        result.new_facts += 1
        if fact.retracted is not None:
            events.append(domain.FactRetracted(fact_id=fact.id, retraction=fact.retracted))
            result.retractions += 1
        result.changes.append(Change("fact", fact.id, 0, tuple(events)))
        return
    old = state.fact
    if fact != old and same_statements(old, fact):  # written another way (a spreadsheet row): nothing to record
        fact = old
    events = []
    changes = {name: getattr(fact, name) for name in CORRECTABLE_FIELDS if getattr(fact, name) != getattr(old, name)}
    known = {source.key(): source for source in old.sources}
    fixed = tuple(s for s in fact.sources if s.key() in known and known[s.key()] != s)
    if changes or fixed:
        events.append(
            domain.FactCorrected(
                fact_id=fact.id,
                changes=fact.model_dump(include=set(changes)),
                previous=old.model_dump(include=set(changes)),
                sources=fixed,
            )
        )
        result.corrections += 1
    added = [domain.SourceAdded(fact_id=fact.id, source=s) for s in fact.sources if s.key() not in known]
    events += added
    result.sources_added += len(added)
    keys = {source.key() for source in fact.sources}
    for source in old.sources:
        if source.key() not in keys:
            result.warnings.append(
                f"fact '{fact.id}': source {source.outlet} ({source.reported}) is no longer in the input; it is kept"
            )
    if fact.retracted is not None and fact.retracted != old.retracted:
        events.append(domain.FactRetracted(fact_id=fact.id, retraction=fact.retracted))
        result.retractions += 1
    elif fact.retracted is None and old.retracted is not None:
        result.warnings.append(
            f"fact '{fact.id}': retracted on {old.retracted.on}; a retraction is not undone by "
            "removing it from the input"
        )
    if events:
        result.changes.append(Change("fact", fact.id, state.version, tuple(events)))
    else:
        result.unchanged += 1

"""What an event did, in plain words: one line for the event and one per changed field (old -> new).

Shared by `ingest --verbose`, `log`, `show` (a fact's history) and `changes`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

from events.domain import (
    AliasAdded,
    DomainEvent,
    EntityCorrected,
    EntityMerged,
    EntityRegistered,
    FactCorrected,
    FactReported,
    FactRetracted,
    SourceAdded,
    entity_id_of,
    fact_id_of,
)
from timeline.present.labels import count_noun, field_text, source_label

NOT_RECORDED = "(not recorded)"  # schema-1 corrections did not keep the replaced values


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any
    old_known: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "from": self.old if self.old_known else None, "to": self.new,
                "from_recorded": self.old_known}  # fmt: skip

    def text(self, names: dict[str, str]) -> str:
        old = field_text(self.field, self.old, names) if self.old_known else NOT_RECORDED
        return f"{self.field}: {old} -> {field_text(self.field, self.new, names)}"


@dataclass(frozen=True)
class EventChanges:
    subject: str  # the fact's or entity's id
    stream: Literal["fact", "entity"]
    what: str  # the headline's words: "new fact", "source added", "corrected", "retracted", "new project", ...
    detail: str  # a short phrase after `what`
    changes: tuple[FieldChange, ...] = ()

    @property
    def headline(self) -> str:
        return f"{self.what}: {self.detail}" if self.detail else self.what


def event_changes(event: DomainEvent, names: dict[str, str]) -> EventChanges:
    if isinstance(event, FactReported):
        sources = "; ".join(source_label(s) for s in event.fact.sources)
        return EventChanges(event.fact.id, "fact", "new fact", f"{event.fact.title} ({sources})")
    if isinstance(event, SourceAdded):
        return EventChanges(event.fact_id, "fact", "source added", source_label(event.source))
    if isinstance(event, FactCorrected):
        previous = event.previous
        changes = tuple(
            FieldChange(name, (previous or {}).get(name), value, previous is not None)
            for name, value in sorted(event.changes.items())
        )
        fixed = "; ".join(source_label(s) for s in event.sources)
        fields = ", ".join(c.field for c in changes)
        detail = ", ".join(part for part in (fields, f"source details of {fixed}" if fixed else "") if part)
        return EventChanges(event.fact_id, "fact", "corrected", detail, changes)
    if isinstance(event, FactRetracted):
        return EventChanges(event.fact_id, "fact", "retracted", f"on {event.retraction.on}: {event.retraction.reason}")
    if isinstance(event, EntityRegistered):
        return EventChanges(event.record.id, "entity", f"new {event.record.entity}", event.record.name)
    if isinstance(event, AliasAdded):
        return EventChanges(event.entity_id, "entity", "alias added", event.alias)
    if isinstance(event, EntityCorrected):
        changes = tuple(FieldChange(k, None, v, False) for k, v in sorted(event.changes.items()))
        return EventChanges(event.entity_id, "entity", "corrected", ", ".join(event.changes), changes)
    if isinstance(event, EntityMerged):
        since = f" from {event.merge.on}" if event.merge.on else ""
        return EventChanges(event.entity_id, "entity", "merged", f"into {event.merge.into}{since}")
    if hasattr(event, "fact_id"):
        return EventChanges(fact_id_of(event), "fact", type(event).__name__, "")
    return EventChanges(entity_id_of(event), "entity", type(event).__name__, "")


def summary_of(events: list[DomainEvent]) -> str:
    """'3 new facts, 1 source added, 2 corrections, 0 retractions' of a list of events."""
    counts = Counter(type(event) for event in events)
    return ", ".join(
        [
            count_noun(counts[FactReported], "new fact"),
            count_noun(counts[SourceAdded], "source added", "sources added"),
            count_noun(counts[FactCorrected], "correction"),
            count_noun(counts[FactRetracted], "retraction"),
        ]
    )

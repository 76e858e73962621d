"""What an event did, in plain words: one line for the event and one per changed field (old -> new).

Shared by `ingest --verbose`, `log`, `show` (a fact's history) and `changes`. An event is a domain event (events.domain)
or the log reader's record of one (events.records): both are told apart by their class name, so that describing
the records imports no models.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from timeline.present.labels import count_noun, field_text, source_label

if TYPE_CHECKING:
    from events.domain import DomainEvent

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
    kind = type(event).__name__
    told: Any = event  # a domain event or its record: the fields of its kind
    if kind == "FactReported":
        sources = "; ".join(source_label(s) for s in told.fact.sources)
        return EventChanges(told.fact.id, "fact", "new fact", f"{told.fact.title} ({sources})")
    if kind == "SourceAdded":
        return EventChanges(told.fact_id, "fact", "source added", source_label(told.source))
    if kind == "FactCorrected":
        previous = told.previous
        changes = tuple(
            FieldChange(name, (previous or {}).get(name), value, previous is not None)
            for name, value in sorted(told.changes.items())
        )
        fixed = "; ".join(source_label(s) for s in told.sources)
        fields = ", ".join(c.field for c in changes)
        detail = ", ".join(part for part in (fields, f"source details of {fixed}" if fixed else "") if part)
        return EventChanges(told.fact_id, "fact", "corrected", detail, changes)
    if kind == "FactRetracted":
        return EventChanges(told.fact_id, "fact", "retracted", f"on {told.retraction.on}: {told.retraction.reason}")
    if kind == "EntityRegistered":
        return EventChanges(told.record.id, "entity", f"new {told.record.entity}", told.record.name)
    if kind == "AliasAdded":
        return EventChanges(told.entity_id, "entity", "alias added", told.alias)
    if kind == "EntityCorrected":
        changes = tuple(FieldChange(k, None, v, False) for k, v in sorted(told.changes.items()))
        return EventChanges(told.entity_id, "entity", "corrected", ", ".join(told.changes), changes)
    if kind == "EntityMerged":
        since = f" from {told.merge.on}" if told.merge.on else ""
        return EventChanges(told.entity_id, "entity", "merged", f"into {told.merge.into}{since}")
    if hasattr(event, "fact_id"):
        return EventChanges(told.fact_id, "fact", kind, "")
    return EventChanges(told.entity_id, "entity", kind, "")


def summary_of(events: list[DomainEvent]) -> str:
    """'3 new facts, 1 source added, 2 corrections, 0 retractions' of a list of events."""
    counts = Counter(type(event).__name__ for event in events)
    return ", ".join(
        [
            count_noun(counts["FactReported"], "new fact"),
            count_noun(counts["SourceAdded"], "source added", "sources added"),
            count_noun(counts["FactCorrected"], "correction"),
            count_noun(counts["FactRetracted"], "retraction"),
        ]
    )

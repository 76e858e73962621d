"""JSONL: the engine's own input format, ingestible again and lossless."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from events.records import EntityRecord, Fact
from timeline.present.canonical import canonical_line
from timeline.present.result_views import ExportSet


def entity_input(record: EntityRecord) -> dict[str, Any]:
    """An entity as a JSONL input line reads it: `entity` names its kind; unset fields are left out."""
    data = record.model_dump(mode="json", exclude_none=True)
    if not data["names"]:
        del data["names"]
    return data


def fact_input(fact: Fact) -> dict[str, Any]:
    """A fact as input: every main value, each source with its `differs` (kept whole, nulls included), the
    retraction if any. Unset optional fields are left out."""
    data = fact.model_dump(mode="json", exclude_none=True)
    for written, source in zip(data["sources"], fact.sources):
        written["differs"] = json.loads(json.dumps(source.differs, default=list))
    return data


def stream(data: ExportSet) -> Iterator[str]:
    """The entities (organisations, offices, people, projects), then the facts: a line each, as they are read."""
    order = {"organisation": 0, "office": 1, "person": 2, "project": 3}
    for entity in sorted(data.entities, key=lambda e: (order.get(e.entity, 9), e.id)):
        yield canonical_line(entity_input(entity)) + "\n"
    for fact in data.facts:
        yield canonical_line(fact_input(fact)) + "\n"


def write(data: ExportSet) -> str:
    return "".join(stream(data))

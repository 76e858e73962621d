"""JSONL: the engine's own input format, ingestible again and lossless."""

from __future__ import annotations

import json
from typing import Any

from events.records import EntityRecord, Fact
from timeline.present.canonical import canonical_line
from timeline.present.views import ExportSet


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


def write(data: ExportSet) -> str:
    order = {"organisation": 0, "office": 1, "person": 2, "project": 3}
    entities = sorted(data.entities, key=lambda e: (order.get(e.entity, 9), e.id))
    lines = [canonical_line(entity_input(e)) for e in entities]
    lines += [canonical_line(fact_input(fact)) for fact in data.facts]
    return "".join(line + "\n" for line in lines)

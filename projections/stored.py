"""Fact and entity states as a query reads them from the read models: records (events.records), not models.

They mirror `projections.facts.FactState` and `EntityState`, which the fold builds while events are applied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from events.records import EntityRecord, Fact, integer, nested, record

if TYPE_CHECKING:
    from projections.facts import EntityState, FactState
else:
    FactState = record(
        "FactState", {"fact": nested(Fact), "version": integer, "corrections": integer}, {"corrections": 0}
    )
    EntityState = record("EntityState", {"record": nested(EntityRecord), "version": integer})

__all__ = ["EntityState", "FactState"]

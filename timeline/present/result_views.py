"""The views of results over many facts the service returns (search hits, a knowledge diff, statistics, an
export's set, verify's report), with their canonical JSON shape."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from events.records import EntityRecord, Fact
from projections.chronology import Window, source_json
from projections.knowledge import FactView
from projections.selection import Scope
from timeline.present.views import day_text, entity_ref

if TYPE_CHECKING:
    from projections.diff import KnowledgeDiff
    from projections.stats import Stats


@dataclass(frozen=True)
class SearchHit:
    view: FactView
    snippet: str


@dataclass(frozen=True)
class SearchView:
    query: str
    as_of: date | None
    hits: list[SearchHit]
    hidden_retracted: int = 0
    scope: Scope = Scope()
    after: int = 0  # hits before this page
    next: int | None = None  # where the next page starts (--after), None at the end

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "as_of": day_text(self.as_of),
            "retracted_not_shown": self.hidden_retracted,
            "project": self.scope.project,
            "partner": self.scope.partner,
            "kinds": list(self.scope.kinds),
            "hits": [
                {
                    "rank": rank,
                    "fact": hit.view.id,
                    "title": hit.view.fact.title,
                    "kind": hit.view.fact.kind,
                    "occurred": hit.view.fact.occurred,
                    "snippet": hit.snippet,
                }
                for rank, hit in enumerate(self.hits, start=self.after + 1)
            ],
            "next": self.next,
        }


@dataclass(frozen=True)
class DiffView:
    diff: KnowledgeDiff
    project: EntityRecord | None
    next: str | None = None  # the last fact id of a page that has more
    scope: Scope = Scope()  # the filters on the facts (--project, --partner, --kind), for the heading
    window: Window = Window()  # the occurred window (--since/--until)

    def to_json(self) -> dict[str, Any]:
        diff = self.diff
        return {
            "from": day_text(diff.since),
            "to": day_text(diff.until),
            "project": entity_ref(self.project) if self.project else None,
            "reported": [
                {
                    "fact": v.id,
                    "title": v.fact.title,
                    "occurred": v.fact.occurred,
                    "sources": [source_json(s) for s in v.fact.sources],
                }
                for v in diff.reported
            ],
            "sources_added": [{"fact": fact, "source": source_json(s)} for fact, s in diff.sources_added],
            "changed": [
                {"fact": c.fact, "field": c.field, "from": c.old, "to": c.new, "source": source_json(c.source)}
                for c in diff.changed
            ],
            "retracted": [{"fact": fact, "reason": reason} for fact, reason in diff.retracted],
            "targets": [{"key": key, "from": old, "to": new} for key, old, new in diff.targets],
            "next": self.next,
        }


@dataclass(frozen=True)
class VerifyReport:
    differences: list[str]
    position: int

    @property
    def ok(self) -> bool:
        return not self.differences

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "position": self.position, "differences": self.differences}


@dataclass(frozen=True)
class ExportSet:
    """What an export holds: facts as the record held them on `as_of` (raw: every main value and each visible
    source with its `differs`, so that they can be ingested again), in timeline order, and the entities they need."""

    as_of: date | None
    window: Window
    scope: tuple[EntityRecord, ...]  # the --project and --partner entities, if given
    facts: Iterable[Fact]  # a page or a scope held; a whole store read as it is iterated (the store open)
    entities: tuple[EntityRecord, ...]
    after: str | None = None  # the fact this page continues after (None: the first page, or everything)
    next: str | None = None  # the last fact id of a page that has more

    @property
    def names(self) -> dict[str, str]:
        return {entity.id: entity.name for entity in self.entities}


@dataclass(frozen=True)
class StatsView:
    """Counts of facts per year by kind and per partner (retracted facts left out), and target values."""

    as_of: date | None
    project: EntityRecord | None
    partner: EntityRecord | None
    stats: Stats
    names: dict[str, str]
    after: str | None = None  # a page's counts: the facts in occurred order after this one
    next: str | None = None  # the last fact id of a page that has more
    window: Window = Window()  # the occurred window counted (--since/--until)
    kinds: tuple[str, ...] = ()  # the kinds of fact counted (--kind; empty: all)

    def to_json(self) -> dict[str, Any]:
        stats = self.stats
        return {
            "after": self.after,
            "next": self.next,
            "as_of": day_text(self.as_of),
            "project": entity_ref(self.project) if self.project else None,
            "partner": entity_ref(self.partner) if self.partner else None,
            "facts": stats.facts,
            "retracted_excluded": stats.retracted,
            "per_year_by_kind": {str(year): counts for year, counts in stats.by_kind.items()},
            "per_year_by_partner": {str(year): counts for year, counts in stats.by_partner.items()},
            "partners": {partner: self.names.get(partner, partner) for partner in stats.partners},
            "targets": {
                key: [{"known": day_text(v.known), "value": v.value, "unit": v.unit, "fact": v.fact} for v in values]
                for key, values in stats.targets.items()
            },
        }

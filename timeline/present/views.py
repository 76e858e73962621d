"""View objects the service returns: query results with their canonical JSON shape."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from events.records import EntityRecord, Fact, plain
from projections.chronology import TimelineEntry, Window, entry_json, source_json
from projections.diff import KnowledgeDiff
from projections.entities import name_at
from projections.knowledge import FactView
from projections.offices import Answer, Tenure
from projections.partners import PartnerHistory
from projections.selection import Scope
from projections.stats import Stats
from projections.targets import Statement, TargetTrack


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _ref(record: EntityRecord) -> dict[str, str]:
    return {"id": record.id, "name": record.name}


@dataclass(frozen=True)
class ProjectTimeline:
    project: EntityRecord
    as_of: date | None
    window: Window
    entries: list[TimelineEntry]
    names: dict[str, str]
    hidden_retracted: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "project": _ref(self.project),
            "as_of": _day(self.as_of),
            "since": _day(self.window.since),
            "until": _day(self.window.until),
            "entries": [entry_json(entry, self.names) for entry in self.entries],
            "retracted_not_shown": self.hidden_retracted,
        }


@dataclass(frozen=True)
class PartnerView:
    partner: EntityRecord
    as_of: date | None
    window: Window
    history: PartnerHistory
    names: dict[str, str]
    hidden_retracted: int = 0

    def to_json(self) -> dict[str, Any]:
        history = self.history
        return {
            "partner": _ref(self.partner),
            "as_of": _day(self.as_of),
            "since": _day(self.window.since),
            "until": _day(self.window.until),
            "entries": [entry_json(entry, self.names) for entry in history.entries],
            "meetings_per_year": history.meetings_per_year,
            "counterparts": [
                {
                    "person": {"id": c.person, "name": self.names.get(c.person, c.person)},
                    "offices": [{"id": o, "name": self.names.get(o, o)} for o in c.offices],
                    "facts": list(c.facts),
                }
                for c in history.counterparts
            ],
            "projects": [{"id": p, "name": self.names.get(p, p), "facts": n} for p, n in history.projects.items()],
            "retracted_not_shown": self.hidden_retracted,
        }


def statement_json(statement: Statement) -> dict[str, Any]:
    return {
        "fact": statement.fact,
        "stated": statement.stated,
        "figures": [plain(figure) for figure in statement.figures],
        "source": source_json(statement.source),
    }


@dataclass(frozen=True)
class TargetsView:
    as_of: date | None
    judged_on: date
    project: EntityRecord | None
    tracks: list[TargetTrack]
    partner: EntityRecord | None = None  # --partner: targets stated in facts naming it

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": _day(self.as_of),
            "judged_on": _day(self.judged_on),
            "project": _ref(self.project) if self.project else None,
            "targets": [
                {
                    "key": track.key,
                    "state": track.state,
                    "deadline": track.deadline,
                    "set_by": statement_json(track.set_by),
                    "revised": (
                        {"from": statement_json(track.revision[0]), "to": statement_json(track.revision[1])}
                        if track.revision
                        else None
                    ),
                    "met_by": {"fact": track.met_by[0], "occurred": track.met_by[1]} if track.met_by else None,
                    "statements": [statement_json(s) for s in track.statements],
                }
                for track in self.tracks
            ],
        }


def tenure_json(tenure: Tenure, names: dict[str, str]) -> dict[str, Any]:
    return {
        "office": {"id": tenure.office, "name": names.get(tenure.office, tenure.office)},
        "person": {"id": tenure.person, "name": names.get(tenure.person, tenure.person)},
        "first_attested": str(tenure.first),
        "last_attested": str(tenure.last),
        "facts": list(tenure.facts),
    }


@dataclass(frozen=True)
class OfficeView:
    office: EntityRecord
    as_of: date | None
    answer: Answer | None  # with --on
    holders: list[Tenure]  # without --on
    names: dict[str, str]
    window: Window = Window()  # without --on: the holders attested in this occurred window

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"office": _ref(self.office), "as_of": _day(self.as_of)}
        if self.answer is None:
            data["holders"] = [tenure_json(t, self.names) for t in self.holders]
            return data
        answer = self.answer
        data.update(
            {
                "on": _day(answer.on),
                "inferred": answer.inferred,
                "holders": [tenure_json(t, self.names) for t in answer.holders],
                "last_before": tenure_json(answer.before, self.names) if answer.before else None,
                "first_after": tenure_json(answer.after, self.names) if answer.after else None,
                "disagreement": answer.disagreement,
                "office_name_then": name_at(self.names, self.office.id, answer.on.isoformat()),
            }
        )
        return data


@dataclass(frozen=True)
class PersonView:
    person: EntityRecord
    as_of: date | None
    offices: list[Tenure]
    entries: list[TimelineEntry]
    names: dict[str, str]
    hidden_retracted: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "person": _ref(self.person),
            "as_of": _day(self.as_of),
            "offices": [tenure_json(t, self.names) for t in self.offices],
            "entries": [entry_json(entry, self.names) for entry in self.entries],
            "retracted_not_shown": self.hidden_retracted,
        }


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
            "as_of": _day(self.as_of),
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
            "from": _day(diff.since),
            "to": _day(diff.until),
            "project": _ref(self.project) if self.project else None,
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
            "as_of": _day(self.as_of),
            "project": _ref(self.project) if self.project else None,
            "partner": _ref(self.partner) if self.partner else None,
            "facts": stats.facts,
            "retracted_excluded": stats.retracted,
            "per_year_by_kind": {str(year): counts for year, counts in stats.by_kind.items()},
            "per_year_by_partner": {str(year): counts for year, counts in stats.by_partner.items()},
            "partners": {partner: self.names.get(partner, partner) for partner in stats.partners},
            "targets": {
                key: [{"known": _day(v.known), "value": v.value, "unit": v.unit, "fact": v.fact} for v in values]
                for key, values in stats.targets.items()
            },
        }

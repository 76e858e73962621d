"""Views of `timeline show`, `timeline list` and `timeline changes`, with their canonical JSON shapes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, get_args

from events.records import EntityRecord, Fact
from projections.chronology import TimelineEntry, entry_json, source_json
from projections.knowledge import FactView
from projections.selection import Filters, Scope

if TYPE_CHECKING:
    from timeline.storage.log_reader import LoggedEvent


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def logged_json(logged: LoggedEvent, names: dict[str, str]) -> dict[str, Any]:
    """One logged event for `show`/`changes`: what it did, with old -> new values of a correction."""
    from timeline.present.changes import event_changes  # with the events it describes: the log

    return {
        "position": logged.position or None,
        "recorded": logged.recorded.isoformat(),
        "type": type(logged.event).__name__,
        "subject": event_changes(logged.event, names).subject,
        "changes": [change.to_json() for change in event_changes(logged.event, names).changes],
    }


@dataclass(frozen=True)
class FactDetail:
    """One fact whole, as the record stood on `as_of`: the view, the raw fact (every source with its `differs`),
    whether it was retracted by then, and its event history."""

    as_of: date | None
    raw: Fact
    view: FactView
    retracted: bool
    history: list[LoggedEvent]
    names: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        entry = entry_json(TimelineEntry(self.view, False, self.raw.retracted if self.retracted else None), self.names)
        entry.pop("partial")
        visible = {source.key() for source in self.view.fact.sources}
        entry["sources"] = [{**source_json(s), "differs": s.differs} for s in self.raw.sources if s.key() in visible]
        entry["notes"] = self.view.fact.notes
        return {"as_of": _day(self.as_of), "fact": entry, "history": [logged_json(e, self.names) for e in self.history]}


@dataclass(frozen=True)
class EntityRow:
    record: EntityRecord
    facts: int


EntitySection = Literal["projects", "organisations", "offices", "people"]  # events.inputs.ENTITY_SECTIONS' keys
ENTITY_LISTS: tuple[EntitySection, ...] = get_args(EntitySection)


def entity_section(text: str) -> EntitySection:
    """`list`'s argument as the entities it lists (the CLI offers only these, and facts)."""
    return next(section for section in ENTITY_LISTS if section == text)


@dataclass(frozen=True)
class EntityList:
    what: EntitySection
    kinds: tuple[str, ...]  # organisation kinds asked for
    scope: Scope
    rows: list[EntityRow]
    names: dict[str, str]
    paged: bool = False  # --limit/--after: the entities after the id `after`, and `next`, the id to continue after
    after: str | None = None
    next: str | None = None

    def to_json(self) -> dict[str, Any]:
        page = {"after": self.after, "next": self.next} if self.paged else {}
        return page | {
            "list": self.what,
            "kinds": list(self.kinds),
            "project": self.scope.project,
            "partner": self.scope.partner,
            "count": len(self.rows),
            "items": [
                {
                    "id": row.record.id,
                    "name": row.record.name,
                    "aliases": list(row.record.aliases),
                    "kind": row.record.kind,
                    "organisation": row.record.organisation,
                    "facts": row.facts,
                }
                for row in self.rows
            ],
        }


@dataclass(frozen=True)
class FactList:
    """The facts listed, in occurred order; with --limit/--after a page of them (`paged`): those after the fact
    `after`, and `next`, the fact to continue after (None at the end)."""

    filters: Filters
    scope: Scope
    entries: list[TimelineEntry]
    hidden_retracted: int
    names: dict[str, str]
    paged: bool = False
    after: str | None = None
    next: str | None = None

    def to_json(self) -> dict[str, Any]:
        page = {"after": self.after, "next": self.next} if self.paged else {}
        return page | {
            "list": "facts",
            "as_of": _day(self.filters.as_of),
            "since": _day(self.filters.window.since),
            "until": _day(self.filters.window.until),
            "kinds": list(self.scope.kinds),
            "project": self.scope.project,
            "partner": self.scope.partner,
            "count": len(self.entries),
            "retracted_not_shown": self.hidden_retracted,
            "items": [entry_json(entry, self.names) for entry in self.entries],
        }


@dataclass(frozen=True)
class ChangesView:
    """Events recorded by the last ingest (`since` is None) or since a recorded time; with --limit/--after a page
    of them (`paged`): the events after position `after`, and `next`, the position to continue after (None at the
    end)."""

    since: datetime | None
    events: list[LoggedEvent]
    names: dict[str, str]
    paged: bool = False
    after: int = 0
    next: int | None = None

    def to_json(self) -> dict[str, Any]:
        data = {
            "since": self.since.isoformat() if self.since else None,
            "last": self.since is None,
            "events": [logged_json(e, self.names) for e in self.events],
        }
        return {**data, "after": self.after or None, "next": self.next} if self.paged else data

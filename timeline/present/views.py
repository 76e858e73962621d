"""The views of one entity the service returns (a project, a partner, targets, an office, a person), with their
canonical JSON shape; views of results over many facts are in result_views.py (a query loads only its own)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from events.records import EntityRecord, plain
from projections.chronology import TimelineEntry, Window, entry_json, source_json
from projections.entities import name_at

if TYPE_CHECKING:  # a query loads only the projections it runs
    from projections.offices import Answer, Tenure
    from projections.partners import PartnerHistory
    from projections.targets import Statement, TargetTrack


def day_text(value: date | None) -> str | None:
    return value.isoformat() if value else None


def entity_ref(record: EntityRecord) -> dict[str, str]:
    return {"id": record.id, "name": record.name}


class Page:
    """A view that may be a page of a long answer: its JSON then says which cursor it continued after and the one to
    continue after (None at the end); an unpaged answer's JSON is as it always was."""

    paged: bool
    after: str | None
    next: str | None

    def _page(self) -> dict[str, Any]:
        return {"after": self.after, "next": self.next} if self.paged else {}


@dataclass(frozen=True)
class ProjectTimeline(Page):
    project: EntityRecord
    as_of: date | None
    window: Window
    entries: list[TimelineEntry]
    names: dict[str, str]
    hidden_retracted: int = 0
    paged: bool = False  # --limit/--after: the facts after the fact `after`, and `next`, the fact to continue after
    after: str | None = None
    next: str | None = None

    def to_json(self) -> dict[str, Any]:
        return self._page() | {
            "project": entity_ref(self.project),
            "as_of": day_text(self.as_of),
            "since": day_text(self.window.since),
            "until": day_text(self.window.until),
            "entries": [entry_json(entry, self.names) for entry in self.entries],
            "retracted_not_shown": self.hidden_retracted,
        }


@dataclass(frozen=True)
class PartnerView(Page):
    partner: EntityRecord
    as_of: date | None
    window: Window
    history: PartnerHistory
    names: dict[str, str]
    hidden_retracted: int = 0
    paged: bool = False  # --limit/--after: the facts after the fact `after`, and `next`, the fact to continue after
    after: str | None = None
    next: str | None = None

    def to_json(self) -> dict[str, Any]:
        history = self.history
        return self._page() | {
            "partner": entity_ref(self.partner),
            "as_of": day_text(self.as_of),
            "since": day_text(self.window.since),
            "until": day_text(self.window.until),
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
    paged: bool = False  # --limit/--after: the targets after the key `after`, and `next`, the key to continue after
    after: str | None = None
    next: str | None = None

    def to_json(self) -> dict[str, Any]:
        page = {"after": self.after, "next": self.next} if self.paged else {}
        return {
            **page,
            "as_of": day_text(self.as_of),
            "judged_on": day_text(self.judged_on),
            "project": entity_ref(self.project) if self.project else None,
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
        data: dict[str, Any] = {"office": entity_ref(self.office), "as_of": day_text(self.as_of)}
        if self.answer is None:
            data["holders"] = [tenure_json(t, self.names) for t in self.holders]
            return data
        answer = self.answer
        data.update(
            {
                "on": day_text(answer.on),
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
class PersonView(Page):
    person: EntityRecord
    as_of: date | None
    offices: list[Tenure]
    entries: list[TimelineEntry]
    names: dict[str, str]
    hidden_retracted: int = 0
    paged: bool = False  # --limit/--after: the facts after the fact `after`, and `next`, the fact to continue after
    after: str | None = None
    next: str | None = None

    def to_json(self) -> dict[str, Any]:
        return self._page() | {
            "person": entity_ref(self.person),
            "as_of": day_text(self.as_of),
            "offices": [tenure_json(t, self.names) for t in self.offices],
            "entries": [entry_json(entry, self.names) for entry in self.entries],
            "retracted_not_shown": self.hidden_retracted,
        }

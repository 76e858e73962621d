"""The audit view: what this store itself gained between two recorded (system) times, event by event.

Unlike the knowledge diff (what the public record said on two days), corrections of transcriptions show here:
they apply at every knowledge date, so only system time tells before from after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.text import Text

from events import domain
from timeline.present.changes import event_changes
from timeline.storage.recorded import recorded_key

if TYPE_CHECKING:
    from timeline.storage.log_reader import LoggedEvent

SIGNS = {
    domain.FactReported: ("+", "green"),
    domain.SourceAdded: ("+", ""),
    domain.FactCorrected: ("~", "yellow"),
    domain.FactRetracted: ("-", "red"),
    domain.EntityRegistered: ("+", "green"),
    domain.AliasAdded: ("+", ""),
    domain.EntityCorrected: ("~", "yellow"),
    domain.EntityMerged: ("~", "yellow"),
}


@dataclass(frozen=True)
class AuditView:
    since: datetime
    until: datetime
    events: tuple[LoggedEvent, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "recorded_from": recorded_key(self.since),
            "recorded_to": recorded_key(self.until),
            "events": [
                {
                    "position": e.position,
                    "recorded": recorded_key(e.recorded),
                    "type": type(e.event).__name__,
                    "subject": subject_of(e.event),
                    "change": describe(e.event),
                    "payload": e.event.model_dump(mode="json"),
                }
                for e in self.events
            ],
        }


def subject_of(event: domain.DomainEvent) -> str:
    kind = "fact" if isinstance(event, domain.FACT_EVENTS) else "entity"
    ident = domain.fact_id_of(event) if kind == "fact" else domain.entity_id_of(event)
    return f"{kind} {ident}"


def describe(event: domain.DomainEvent) -> str:
    """One line saying what the event changed (old -> new for a correction), as `changes` and `log` say it."""
    change = event_changes(event, {})
    fields = "; ".join(c.text({}) for c in change.changes)
    return change.headline + (f" ({fields})" if fields else "")


def render(view: AuditView) -> RenderableType:
    lines: list[RenderableType] = [
        Text.assemble(("Store diff", "bold"), f" (recorded {recorded_key(view.since)} → {recorded_key(view.until)})")
    ]
    for logged in view.events:
        sign, style = SIGNS.get(type(logged.event), ("?", ""))
        lines.append(
            Text(
                f"{sign} {recorded_key(logged.recorded)} {subject_of(logged.event)} {describe(logged.event)}",
                style=style,
            )
        )
    if len(lines) == 1:
        lines.append(Text("Nothing was recorded in that time."))
    return Group(*lines)

"""Output written as it is read: the event log as aligned lines, JSON lists item by item, the line that says
how to continue a page. Nothing here holds a whole answer, so `timeline log | head` stops at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from timeline.present.canonical import canonical_json

if TYPE_CHECKING:
    from timeline.storage.log_reader import LoggedEvent

Echo = Callable[[str], None]  # writes the text as given (no newline added)
EVENT_WIDTH = 16  # the longest event type name (EntityRegistered)
SUBJECT_WIDTH = 40
CHANGE_INDENT = 7 + 2 + 19 + 2 + EVENT_WIDTH + 2  # what an event changed, under its subject


def subject(logged: LoggedEvent) -> str:
    event = logged.event
    for name in ("fact", "record"):
        if hasattr(event, name):
            return getattr(event, name).id
    return getattr(event, "fact_id", None) or getattr(event, "entity_id", None) or ""


def reported_dates(logged: LoggedEvent) -> list[str]:
    event = logged.event
    if hasattr(event, "source"):
        return [event.source.reported]
    sources = event.fact.sources if hasattr(event, "fact") else getattr(event, "sources", ())
    return [source.reported for source in sources]


def event_json(logged: LoggedEvent) -> dict[str, Any]:
    return {
        "position": logged.position,
        "version": logged.version,
        "recorded": logged.recorded.isoformat(),
        "type": type(logged.event).__name__,
        "schema_version": logged.event.schema_version,
        "subject": subject(logged),
        "reported": reported_dates(logged),
        "payload": logged.event.model_dump(mode="json"),
    }


def event_lines(events: Iterable[LoggedEvent], echo: Echo, by_version: bool = False) -> None:
    """One line per event, columns of fixed width, written as each event is read; under a correction, a line per
    field it changed (old -> new)."""
    first = "v" if by_version else "#"
    echo(f"{first:>7}  {'Recorded (UTC)':19}  {'Event':{EVENT_WIDTH}}  {'Subject':{SUBJECT_WIDTH}}  Reported\n")
    from timeline.present.changes import event_changes

    for logged in events:
        number = logged.version if by_version else logged.position
        told = "".join(f"{'':{CHANGE_INDENT}}{c.text({})}\n" for c in event_changes(logged.event, {}).changes)
        echo(
            f"{number:>7}  {logged.recorded:%Y-%m-%d %H:%M:%S}  {type(logged.event).__name__:{EVENT_WIDTH}}  "
            f"{subject(logged):{SUBJECT_WIDTH}}  {', '.join(reported_dates(logged))}".rstrip()
            + "\n"
            + told
        )


def json_list(items: Iterable[Any], echo: Echo) -> None:
    """The same bytes as `canonical_json(list(items))`, written item by item."""
    opened = False
    for item in items:
        text = "\n".join("  " + line for line in canonical_json(item).splitlines())
        echo(("[\n" if not opened else ",\n") + text)
        opened = True
    echo("\n]\n" if opened else "[]\n")


def continuation(next_cursor: str | int) -> str:
    """The last line of a page that has more: how to ask for the next one."""
    return f"-- more: run the same command with --after {next_cursor} for the next page"

"""iCalendar (RFC 5545): facts as calendar events."""

from __future__ import annotations

import re
from datetime import date, timedelta

from projections.knowledge import reported_by
from timeline.exports._common import known, subject, views
from timeline.present.labels import source_text
from timeline.present.views import ExportSet

ICS_STATUS = {"happened": "CONFIRMED", "scheduled": "TENTATIVE", "cancelled": "CANCELLED", "postponed": "CANCELLED"}


def ics_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and line ends."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return re.sub(r"\r\n|\r|\n", "\\\\n", value)


def fold_line(line: str, limit: int = 75) -> str:
    """Fold a content line into lines of at most `limit` octets (RFC 5545 3.1), never inside a UTF-8 sequence;
    each continuation line starts with one space."""
    parts: list[str] = []
    current, size, budget = "", 0, limit
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > budget:
            parts.append(current)
            current, size, budget = "", 0, limit - 1
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts) + "\r\n"


def ics_day(day: date) -> str:
    return day.strftime("%Y%m%d")


def write(data: ExportSet) -> str:
    """The facts that occurred on a known day, as all-day events. DTSTAMP is the latest reported day among the
    exported sources (the store has no clock of its own to offer), so the same data gives the same file."""
    events = [(raw, seen) for raw, seen in views(data) if seen.occurred.is_day]
    stamped = [reported_by(s) for _, seen in events for s in seen.fact.sources]
    stamp = ics_day(min(max(stamped), date(9999, 12, 31))) if stamped else ics_day(data.as_of or date(1970, 1, 1))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//timeline//export//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:" + ics_text(f"{subject(data)} — {known(data)}"),
    ]
    names = data.names
    for _, seen in events:
        fact = seen.fact
        day: date = seen.occurred.lower  # type: ignore[assignment]
        description = [fact.summary] if fact.summary else []
        if seen.occurred.approximate or seen.occurred.uncertain:
            description.append(f"Date: {seen.occurred.display()}")
        if fact.projects:
            description.append("Projects: " + ", ".join(names.get(p, p) for p in fact.projects))
        if fact.partners:
            description.append("Partners: " + ", ".join(names.get(p, p) for p in fact.partners))
        description += ["Source: " + source_text(s) for s in fact.sources]
        lines += [
            "BEGIN:VEVENT",
            f"UID:{fact.id}@timeline",
            f"DTSTAMP:{stamp}T000000Z",
            f"DTSTART;VALUE=DATE:{ics_day(day)}",
            f"DTEND;VALUE=DATE:{ics_day(day + timedelta(days=1))}",
            "SUMMARY:" + ics_text(fact.title),
            "DESCRIPTION:" + ics_text("\n".join(description)),
            "CATEGORIES:" + ics_text(fact.kind),
            f"STATUS:{ICS_STATUS[fact.status]}",
            "TRANSP:TRANSPARENT",
        ]
        if fact.place:
            lines.append("LOCATION:" + ics_text(fact.place))
        url = next((s.url for s in fact.sources if s.url), None)
        if url:
            lines.append("URL:" + url)
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) for line in lines)

"""iCalendar (RFC 5545): facts as calendar events."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from events.text import counted
from projections.knowledge import FactView, reported_by
from timeline.exports._common import known, printable, safe_url, subject, views
from timeline.present.labels import source_text
from timeline.present.result_views import ExportSet

ICS_STATUS = {"happened": "CONFIRMED", "scheduled": "TENTATIVE", "cancelled": "CANCELLED", "postponed": "CANCELLED"}


def ics_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and line ends; control characters, which
    TEXT may not hold, become U+FFFD."""
    value = printable(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
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


def _spanned(seen: FactView) -> bool:
    """Whether the fact's date has two known ends, so that it can be an all-day event over its whole span."""
    return seen.occurred.lower is not None and seen.occurred.upper is not None


class _Survey:
    """What the calendar's header needs before its events: the facts it leaves out (how many, the first three) and
    the latest reported day among the sources of those it shows. Read in a pass of its own, so that a whole store
    is never held."""

    def __init__(self, data: ExportSet):
        self.missing: list[FactView] = []
        self.left = 0
        self.latest: date | None = None
        for _, seen in views(data):
            if not _spanned(seen):
                self.left += 1
                if len(self.missing) < 3:
                    self.missing.append(seen)
                continue
            for source in seen.fact.sources:
                reported = reported_by(source)
                self.latest = reported if self.latest is None else max(self.latest, reported)

    def left_out(self) -> list[str]:
        if not self.left:
            return []
        shown = ", ".join(f"{seen.id} ({seen.occurred.display()})" for seen in self.missing)
        more = f" and {self.left - 3} more" if self.left > 3 else ""
        return [
            f"ics: {counted(self.left, 'fact')} left out, dated with an open end (a calendar event needs a first "
            f"and a last day): {shown}{more}"
        ]


def left_out(data: ExportSet) -> list[str]:
    """What the calendar cannot show, for the user to read: facts whose date has an open or unknown end."""
    return _Survey(data).left_out()


def write(data: ExportSet) -> str:
    return "".join(stream(data))


def stream(data: ExportSet) -> Iterator[str]:
    """Every fact whose date has two known ends, as an all-day event over its whole span (a day, a month, a year,
    an interval; an approximate or uncertain date says so in the description); facts with an open end are left
    out and counted in X-WR-CALDESC (see `left_out`). DTSTAMP is the latest reported day among the exported
    sources (the store has no clock of its own to offer), so the same data gives the same file. Two passes over
    the facts: the header's survey, then the events as they are read."""
    survey = _Survey(data)
    latest = survey.latest
    stamp = ics_day(min(latest, date(9999, 12, 31))) if latest else ics_day(data.as_of or date(1970, 1, 1))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//timeline//export//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:" + ics_text(f"{subject(data)} — {known(data)}"),
    ]
    lines += ["X-WR-CALDESC:" + ics_text(note) for note in survey.left_out()]
    yield "".join(fold_line(line) for line in lines)
    names = data.names
    for _, seen in views(data):
        if _spanned(seen):
            yield "".join(fold_line(line) for line in _event(seen, stamp, names))
    yield fold_line("END:VCALENDAR")


def _event(seen: FactView, stamp: str, names: dict[str, str]) -> list[str]:
    """A fact as a VEVENT's content lines."""
    fact = seen.fact
    first, upper = seen.occurred.lower, seen.occurred.upper
    assert first is not None and upper is not None  # _spanned
    last = min(upper, date(9999, 12, 30))
    description = [fact.summary] if fact.summary else []
    if not seen.occurred.is_day or seen.occurred.approximate or seen.occurred.uncertain:
        description.append(f"Date: {seen.occurred.display()}")
    if fact.projects:
        description.append("Projects: " + ", ".join(names.get(p, p) for p in fact.projects))
    if fact.partners:
        description.append("Partners: " + ", ".join(names.get(p, p) for p in fact.partners))
    description += ["Source: " + source_text(s) for s in fact.sources]
    lines = [
        "BEGIN:VEVENT",
        f"UID:{fact.id}@timeline",
        f"DTSTAMP:{stamp}T000000Z",
        f"DTSTART;VALUE=DATE:{ics_day(first)}",
        f"DTEND;VALUE=DATE:{ics_day(last + timedelta(days=1))}",
        "SUMMARY:" + ics_text(fact.title),
        "DESCRIPTION:" + ics_text("\n".join(description)),
        "CATEGORIES:" + ics_text(fact.kind),
        f"STATUS:{ICS_STATUS[fact.status]}",
        "TRANSP:TRANSPARENT",
    ]
    if fact.place:
        lines.append("LOCATION:" + ics_text(fact.place))
    url = next((u for u in (safe_url(s.url) for s in fact.sources) if u), None)  # a URI: %-encoded
    if url:
        lines.append("URL:" + url)
    lines.append("END:VEVENT")
    return lines

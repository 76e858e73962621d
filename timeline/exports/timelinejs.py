"""Knight Lab TimelineJS's JSON."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from typing import Any

from events.dates import EdtfDate
from events.records import Source
from projections.knowledge import FactView
from timeline.exports._common import known, safe_url, subject, views
from timeline.present.labels import source_label
from timeline.present.result_views import ExportSet


def date_parts(single: EdtfDate) -> dict[str, int]:
    """A single EDTF date's parts at its real precision: 2023-11 has year and month only; a season, quarter or
    decade starts where its span starts, at month (or year) precision."""
    assert single.lower is not None and single.precision != "interval"
    parts = {"year": single.lower.year}
    if single.precision != "year" and single.lower.month != 1 or single.precision in ("month", "day"):
        parts["month"] = single.lower.month
    if single.precision == "day":
        parts["day"] = single.lower.day
    return parts


def _plain(occurred: EdtfDate) -> bool:
    """A date TimelineJS can label itself: a day, month or year with no qualifier and no unspecified digit."""
    return (
        occurred.precision in ("year", "month", "day")
        and not (occurred.approximate or occurred.uncertain)
        and "X" not in occurred.text
    )


def timelinejs_dates(occurred: EdtfDate) -> dict[str, Any]:
    """start_date (and end_date for an interval), plus display_date for anything not a plain date. An interval
    with an open or unknown start ('by 2022-03-23') starts at its end: TimelineJS needs a start."""
    start, end = occurred.start, occurred.end
    first = start or end
    assert first is not None  # EDTF allows at most one missing end
    dates: dict[str, Any] = {"start_date": date_parts(first)}
    if start is not None and end is not None and occurred.precision == "interval":
        dates["end_date"] = date_parts(end)
    if not _plain(occurred):
        dates["display_date"] = occurred.display()
    return dates


def source_html(source: Source) -> str:
    """A source's label, linked only to an http(s) address (never javascript: or data:), escaped for HTML."""
    label = html.escape(source_label(source))
    address = safe_url(source.url)
    if address:
        return f'<a href="{html.escape(address, quote=True)}">{label}</a>'
    return label


def write(data: ExportSet) -> str:
    return "".join(stream(data))


def stream(data: ExportSet) -> Iterator[str]:
    """Knight Lab TimelineJS's JSON: one event per fact, grouped by its first project (else first partner). One
    JSON document (sorted keys, indented by two), written an event at a time as the facts are read."""
    names = data.names
    opened = False
    for _, seen in views(data):
        yield ('{\n  "events": [\n' if not opened else ",\n") + _indented(_event(seen, names), 4, first=True)
        opened = True
    title = {"text": {"headline": html.escape(subject(data)), "text": html.escape(known(data))}}
    end = "\n  ]" if opened else '{\n  "events": []'
    yield f'{end},\n  "title": {_indented(title, 2, first=False)}\n}}\n'


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, indent=2)  # one for every event


def _indented(value: dict[str, Any], by: int, first: bool) -> str:
    """`value` as indented JSON nested `by` spaces deep (its first line too when `first`)."""
    text = _ENCODER.encode(value).replace("\n", "\n" + " " * by)
    return " " * by + text if first else text


def _event(seen: FactView, names: dict[str, str]) -> dict[str, Any]:
    fact = seen.fact
    body = f"<p>{html.escape(fact.summary)}</p>" if fact.summary else ""
    if fact.status != "happened":
        body += f"<p>Status: {html.escape(fact.status)}</p>"
    body += "<p>Sources: " + "; ".join(source_html(s) for s in fact.sources) + "</p>"
    event: dict[str, Any] = {
        "unique_id": fact.id,
        **timelinejs_dates(seen.occurred),
        "text": {"headline": html.escape(fact.title), "text": body},
    }
    lane = next(iter(fact.projects), None) or next(iter(fact.partners), None)
    if lane:
        event["group"] = html.escape(names.get(lane, lane))
    return event

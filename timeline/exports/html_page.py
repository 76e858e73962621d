"""HTML: one self-contained page.

The page holds every fact's states — what the record said from each knowledge day on which that changed — as
JSON, and one script draws them: a horizontal timeline in lanes, which the "as of" slider replays to any of
those days. User text reaches the page only as escaped HTML or as JSON read by the script into textContent.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from events.dates import EdtfDate
from events.records import Fact, Retraction
from projections.knowledge import FactView, knowledge_days, retracted_from
from timeline.exports._common import known, subject, views
from timeline.exports.spool import Spool
from timeline.occurred import shown
from timeline.present.labels import field_text, figure_text, source_label
from timeline.present.result_views import ExportSet


@cache
def _asset(name: str) -> str:
    """The page's stylesheet or script, shipped as package data beside this module."""
    return resources.files(__package__).joinpath(name).read_text("utf-8")


KIND_COLOURS = {
    "meeting": "#1f77b4",
    "target": "#9467bd",
    "milestone": "#2ca02c",
    "statistic": "#17becf",
    "appointment": "#bcbd22",
    "agreement": "#ff7f0e",
    "announcement": "#7f7f7f",
}


def span_json(occurred: EdtfDate) -> dict[str, Any]:
    """When it occurred, as the page draws it: the span of days [lo, hi] (None = open), precision, qualifiers."""
    return {
        "text": occurred.display(),
        "precision": occurred.precision,
        "lo": occurred.lower.isoformat() if occurred.lower else None,
        "hi": occurred.upper.isoformat() if occurred.upper else None,
        "approximate": occurred.approximate,
        "uncertain": occurred.uncertain,
    }


def state_json(seen: FactView, names: dict[str, str], retraction: Retraction | None) -> dict[str, Any]:
    """One state of a fact for the page: the view's values, figures, disagreements and visible sources, and the
    retraction if it applies."""
    fact = seen.fact
    return {
        "kind": fact.kind,
        "status": fact.status,
        "title": fact.title,
        "summary": fact.summary,
        "place": fact.place,
        "when": span_json(seen.occurred),
        "projects": [names.get(p, p) for p in fact.projects],
        "partners": [names.get(p, p) for p in fact.partners],
        "figures": [figure_text(figure) for figure in fact.figures],
        "disagreements": [
            {
                "field": d.field,
                "value": field_text(d.field, d.value, names),
                "sources": [source_label(s) for s in d.sources],
            }
            for d in seen.disagreements
        ],
        "sources": [
            {"label": source_label(s), "url": s.url, "title": s.title, "quote": s.quote, "note": s.note}
            for s in fact.sources
        ],
        "retracted": {"on": retraction.on, "reason": retraction.reason} if retraction else None,
    }


def replay(fact: Fact, names: dict[str, str]) -> list[dict[str, Any]]:
    """What the record said about the fact, oldest first: a state (with the day it holds `from`) for each
    knowledge day on which it changed. From its retraction day on, the fact is shown as it last stood, marked
    retracted."""
    states: list[dict[str, Any]] = []
    withdrawn = retracted_from(fact)
    for day in knowledge_days(fact):
        seen = shown(fact, day)
        if seen is None:  # a retraction dated before the first report
            continue
        applies = withdrawn is not None and withdrawn <= day
        state = state_json(seen, names, fact.retracted if applies else None)
        if not states or {**states[-1], "from": None} != {**state, "from": None}:
            states.append({**state, "from": day.isoformat()})
    return states


def script_json(value: Any) -> str:
    """JSON to embed in <script type="application/json">: every '<' written '\\u003c' (and '>' '\\u003e'), so that
    no user text can end the element, open a comment or look like a tag to anything that scans the page; JSON.parse
    reads them back."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


def _spooled(data: ExportSet, spool: Spool) -> tuple[list[str], list[str]]:
    """Each fact's states as embedded JSON, spooled in its lane's part as the facts are read; the lanes' names in
    order of first use and the knowledge days the slider offers, sorted."""
    names = data.names
    lanes: dict[str, int] = {}
    days: set[str] = set()
    for raw, seen in views(data, retracted=True):
        lane_id = next(iter(seen.fact.projects), None) or next(iter(seen.fact.partners), None)
        lane = names.get(lane_id, lane_id) if lane_id else "Other"
        states = replay(raw, names)
        days.update(state["from"] for state in states)
        spool.add(lanes.setdefault(lane, len(lanes)), script_json({"id": raw.id, "states": states}))
    return list(lanes), sorted(days)


def _data_pieces(lanes: list[str], days: list[str], spool: Spool) -> Iterator[str]:
    """The page's data as `script_json` writes it whole ({"days": [...], "lanes": [{"facts": [...], "name": ...}]}),
    a fact at a time from the spool."""
    yield f'{{"days":{script_json(days)},"lanes":['
    current = -1
    for part, fact in spool.pieces():
        if part != current:
            if current >= 0:
                yield f'],"name":{script_json(lanes[current])}}},'
            yield '{"facts":['
        else:
            yield ","
        current = part
        yield fact
    if current >= 0:
        yield f'],"name":{script_json(lanes[current])}}}'
    yield "]}"


def write(data: ExportSet) -> str:
    return "".join(stream(data))


def stream(data: ExportSet) -> Iterator[str]:
    """One self-contained page (inline CSS and JS, no network): a horizontal timeline in lanes by first project
    (else first partner), coloured by kind, partial dates drawn as spans; a fact opens to its summary, figures,
    disagreements and sources; a text filter; and an "as of" slider that replays the record to any knowledge day
    on which it changed (facts not yet reported hidden, values as they stood, retractions marked). The facts'
    states wait in a spool on disk while the store is read (the slider's range comes first), then are written."""
    with Spool() as spool:
        lanes, days = _spooled(data, spool)
        yield _head(data, max(len(days) - 1, 0))
        yield from _data_pieces(lanes, days, spool)
    yield (
        "</script>"
        "<div class=layout><div id=chart></div><aside id=detail></aside></div>"
        f"<script>{_asset('page.js')}</script></body></html>\n"
    )


def _head(data: ExportSet, last: int) -> str:
    """The page up to its data: title, style, controls (the slider's last day) and legend."""
    esc = html.escape
    title = f"{subject(data)} — {known(data)}"
    colours = "".join(f".kind-{kind}{{--c:{colour}}}" for kind, colour in KIND_COLOURS.items())
    legend = "".join(
        f'<span class="fact kind-{kind} precision-year"><span class=mark style="width:18px"></span>{kind}</span>'
        for kind in KIND_COLOURS
    )
    legend += (
        '<span class="fact kind-meeting precision-day"><span class=mark></span>a day</span>'
        '<span class="fact kind-meeting status-scheduled precision-year"><span class=mark style="width:18px">'
        "</span>scheduled</span>"
        '<span class="fact kind-meeting uncertain precision-year"><span class=mark style="width:18px"></span>'
        "uncertain or approximate</span>"
        '<span class="fact kind-meeting retracted precision-year"><span class=mark style="width:18px"></span>'
        "<span class=label>retracted</span></span>"
    )
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f"<meta name=viewport content='width=device-width'><title>{esc(title)}</title>"
        f"<style>{_asset('page.css')}{colours}</style></head><body>"
        f"<h1>{esc(title)}</h1>"
        "<div class=controls><label>Filter <input type=search id=filter placeholder='words'></label>"
        f"<label>As of <input type=range id=asof min=0 max={last} value={last}></label>"
        "<output id=asof-day></output><span id=count></span></div>"
        f"<div class=legend>{legend}</div>"
        "<noscript><p>This page draws the timeline with JavaScript; turn it on to see the facts.</p></noscript>"
        '<script type="application/json" id=timeline-data>'
    )

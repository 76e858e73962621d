"""Exports: an `ExportSet` (facts as the record held them, and their entities) as text for other tools.

Pure functions, no IO: each format takes the set and returns the whole text; the service chooses the facts and
the CLI writes the text. Every format is deterministic (the same store and options give the same bytes).

* `jsonl` is the engine's own input format (ingestible again, lossless); the others show each fact as the
  record stated it on the knowledge date (see projections.knowledge.view) and skip retracted facts, except
  `csv`, which lists them with their retraction, and `html`, which replays each fact over the knowledge days
  on which it changed and marks a retraction from its day.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date, timedelta
from typing import Any, Callable, Iterator

from events.dates import EdtfDate, parse_edtf
from events.domain import EntityRecord
from events.inputs import Fact, Figure, Retraction, Source
from projections.knowledge import FactView, knowledge_days, reported_by, retracted_from, view
from timeline.views import ExportSet

FORMATS = ("jsonl", "csv", "ics", "md", "timelinejs", "html")


def export(fmt: str, data: ExportSet) -> str:
    """The export in format `fmt` (one of FORMATS)."""
    return _WRITERS[fmt](data)


def shown(fact: Fact, as_of: date | None) -> FactView | None:
    """The fact as stated on the knowledge date, retracted or not (the set holds only facts visible then)."""
    return view(fact.model_copy(update={"retracted": None}) if fact.retracted else fact, as_of)


def _views(data: ExportSet, retracted: bool = False) -> Iterator[tuple[Fact, FactView]]:
    for fact in data.facts:
        if fact.retracted and not retracted:
            continue
        seen = shown(fact, data.as_of)
        if seen is not None:
            yield fact, seen


def subject(data: ExportSet) -> str:
    """What the export is about, for titles: the project and partner names, or 'Timeline'."""
    return " × ".join(entity.name for entity in data.scope) or "Timeline"


def known(data: ExportSet) -> str:
    return f"as of {data.as_of.isoformat()}" if data.as_of else "as known now"


def source_label(source: Source) -> str:
    return f"{source.outlet} ({source.language}, {source.reported})"


# JSONL: the input format -------------------------------------------------------------------------------------

def canonical_line(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entity_input(record: EntityRecord) -> dict[str, Any]:
    """An entity as a JSONL input line reads it: `entity` names its kind; unset fields are left out."""
    return record.model_dump(mode="json", exclude_none=True)


def fact_input(fact: Fact) -> dict[str, Any]:
    """A fact as input: every main value, each source with its `differs` (kept whole, nulls included), the
    retraction if any. Unset optional fields are left out."""
    data = fact.model_dump(mode="json", exclude_none=True)
    for written, source in zip(data["sources"], fact.sources):
        written["differs"] = json.loads(json.dumps(source.differs, default=list))
    return data


def to_jsonl(data: ExportSet) -> str:
    order = {"organisation": 0, "office": 1, "person": 2, "project": 3}
    entities = sorted(data.entities, key=lambda e: (order.get(e.entity, 9), e.id))
    lines = [canonical_line(entity_input(e)) for e in entities]
    lines += [canonical_line(fact_input(fact)) for fact in data.facts]
    return "".join(line + "\n" for line in lines)


# CSV ---------------------------------------------------------------------------------------------------------

CSV_COLUMNS = ("id", "kind", "occurred", "status", "title", "summary", "projects", "partners", "people", "place",
               "figures", "target", "fulfils", "sources", "retracted", "notes")
JOIN = "; "


def number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else repr(value)


def figure_text(figure: Figure) -> str:
    """'urban railway completed: 96.8 km (as written "96,8 km"), deadline 2030'."""
    value = figure.value
    text = figure.metric
    if value is not None:
        amount = f"{number(value[0])}–{number(value[1])}" if isinstance(value, tuple) else number(value)
        text += f": {amount}" + (f" {figure.unit}" if figure.unit else "")
    elif figure.unit:
        text += f" ({figure.unit})"
    if figure.as_written:
        text += f' (as written "{figure.as_written}")'
    if figure.deadline:
        text += f", deadline {figure.deadline}"
    if figure.vision:
        text += f", vision {figure.vision}"
    if figure.note:
        text += f", note: {figure.note}"
    return text


def person_text(person: Any, names: dict[str, str]) -> str:
    details = [names.get(person.office, person.office)] if person.office else []
    details += [person.role] if person.role and person.role not in details else []
    name = names.get(person.person, person.person)
    return f"{name} ({', '.join(details)})" if details else name


def source_text(source: Source) -> str:
    return source_label(source) + (f" {source.url}" if source.url else "")


def to_csv(data: ExportSet) -> str:
    """One row per fact (retracted ones too, with their retraction), values as stated on the knowledge date;
    entities by name; multi-valued fields joined with '; '. RFC 4180 (CRLF, quoted where needed)."""
    names = data.names
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for raw, seen in _views(data, retracted=True):
        fact = seen.fact
        retraction = raw.retracted
        writer.writerow([
            fact.id, fact.kind, fact.occurred, fact.status, fact.title, fact.summary or "",
            JOIN.join(names.get(p, p) for p in fact.projects),
            JOIN.join(names.get(p, p) for p in fact.partners),
            JOIN.join(person_text(p, names) for p in fact.people),
            fact.place or "",
            JOIN.join(figure_text(f) for f in fact.figures),
            fact.target or "", fact.fulfils or "",
            JOIN.join(source_text(s) for s in fact.sources),
            f"{retraction.on}: {retraction.reason}" if retraction else "",
            fact.notes or "",
        ])
    return out.getvalue()


# iCalendar (RFC 5545) ----------------------------------------------------------------------------------------

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


def to_ics(data: ExportSet) -> str:
    """The facts that occurred on a known day, as all-day events. DTSTAMP is the latest reported day among the
    exported sources (the store has no clock of its own to offer), so the same data gives the same file."""
    events = [(raw, seen) for raw, seen in _views(data) if seen.occurred.is_day]
    stamped = [reported_by(s) for _, seen in events for s in seen.fact.sources]
    stamp = ics_day(min(max(stamped), date(9999, 12, 31))) if stamped else ics_day(data.as_of or date(1970, 1, 1))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//timeline//export//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:" + ics_text(f"{subject(data)} — {known(data)}")]
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
        lines += ["BEGIN:VEVENT", f"UID:{fact.id}@timeline", f"DTSTAMP:{stamp}T000000Z",
                  f"DTSTART;VALUE=DATE:{ics_day(day)}", f"DTEND;VALUE=DATE:{ics_day(day + timedelta(days=1))}",
                  "SUMMARY:" + ics_text(fact.title), "DESCRIPTION:" + ics_text("\n".join(description)),
                  "CATEGORIES:" + ics_text(fact.kind), f"STATUS:{ICS_STATUS[fact.status]}",
                  "TRANSP:TRANSPARENT"]
        if fact.place:
            lines.append("LOCATION:" + ics_text(fact.place))
        url = next((s.url for s in fact.sources if s.url), None)
        if url:
            lines.append("URL:" + url)
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) for line in lines)


# Markdown ----------------------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md_text(value: str) -> str:
    """User text inline: Markdown's markup characters escaped, line ends as spaces."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(value.split()))


def to_md(data: ExportSet) -> str:
    """A chronology: one item per fact (date, kind, title, summary, partners), each source a numbered footnote;
    a source cited by several facts (same outlet, language, day, address and headline) has one footnote."""
    names = data.names
    notes: dict[tuple[Any, ...], int] = {}
    texts: list[str] = []
    lines = [f"# {md_text(subject(data))} — chronology {known(data)}", ""]
    if data.window.since or data.window.until:
        since = data.window.since.isoformat() if data.window.since else "…"
        until = data.window.until.isoformat() if data.window.until else "…"
        lines += [f"Occurred {since} to {until}.", ""]
    count = 0
    for _, seen in _views(data):
        fact = seen.fact
        count += 1
        marks = ""
        for source in fact.sources:
            key = (*source.key(), source.title)
            if key not in notes:
                notes[key] = len(notes) + 1
                text = md_text(source_label(source))
                if source.title:
                    text += f", “{md_text(source.title)}”"
                if source.url:
                    text += f", <{source.url}>"
                texts.append(f"[^{notes[key]}]: {text}")
            marks += f"[^{notes[key]}]"
        status = f", {fact.status}" if fact.status != "happened" else ""
        lines.append(f"- **{md_text(seen.occurred.display())}** ({fact.kind}{status}) {md_text(fact.title)}{marks}")
        if fact.summary:
            lines.append(f"  {md_text(fact.summary)}")
        if fact.partners:
            lines.append(f"  Partners: {md_text(', '.join(names.get(p, p) for p in fact.partners))}.")
        for d in seen.disagreements:
            said = ", ".join(source_label(s) for s in d.sources)
            lines.append(f"  Disagreement: {md_text(d.field)} = {md_text(str(d.value))} per {md_text(said)}.")
    if not count:
        lines.append("No facts.")
    if texts:
        lines += ["", *texts]
    return "\n".join(lines) + "\n"


# TimelineJS --------------------------------------------------------------------------------------------------

def date_parts(text: str) -> dict[str, int]:
    """A single EDTF date's parts at its real precision: 2023-11 has year and month only."""
    single = parse_edtf(text)
    assert single.lower is not None and single.precision != "interval"
    parts = {"year": single.lower.year}
    if single.precision in ("month", "day"):
        parts["month"] = single.lower.month
    if single.precision == "day":
        parts["day"] = single.lower.day
    return parts


def timelinejs_dates(occurred: EdtfDate) -> dict[str, Any]:
    """start_date (and end_date for an interval), plus display_date for anything not a plain date. An interval
    with an open start ('by 2022-03-23') starts at its end: TimelineJS needs a start."""
    dates: dict[str, Any] = {}
    if occurred.precision == "interval":
        start, end = occurred.text.split("/")
        if start != "..":
            dates["start_date"] = date_parts(start)
            if end != "..":
                dates["end_date"] = date_parts(end)
        else:
            dates["start_date"] = date_parts(end)
        dates["display_date"] = occurred.display()
    else:
        dates["start_date"] = date_parts(occurred.text)
        if occurred.approximate or occurred.uncertain:
            dates["display_date"] = occurred.display()
    return dates


def source_html(source: Source) -> str:
    label = html.escape(source_label(source))
    if source.url:
        return f'<a href="{html.escape(source.url, quote=True)}">{label}</a>'
    return label


def to_timelinejs(data: ExportSet) -> str:
    """Knight Lab TimelineJS's JSON: one event per fact, grouped by its first project (else first partner)."""
    names = data.names
    events = []
    for _, seen in _views(data):
        fact = seen.fact
        body = f"<p>{html.escape(fact.summary)}</p>" if fact.summary else ""
        if fact.status != "happened":
            body += f"<p>Status: {html.escape(fact.status)}</p>"
        body += "<p>Sources: " + "; ".join(source_html(s) for s in fact.sources) + "</p>"
        event: dict[str, Any] = {"unique_id": fact.id, **timelinejs_dates(seen.occurred),
                                 "text": {"headline": html.escape(fact.title), "text": body}}
        lane = next(iter(fact.projects), None) or next(iter(fact.partners), None)
        if lane:
            event["group"] = names.get(lane, lane)
        events.append(event)
    document = {"title": {"text": {"headline": html.escape(subject(data)), "text": html.escape(known(data))}},
                "events": events}
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


# HTML: one self-contained page ----------------------------------------------------------------------------------
#
# The page holds every fact's states — what the record said from each knowledge day on which that changed — as
# JSON, and one script draws them: a horizontal timeline in lanes, which the "as of" slider replays to any of
# those days. User text reaches the page only as escaped HTML or as JSON read by the script into textContent.

KIND_COLOURS = {"meeting": "#1f77b4", "target": "#9467bd", "milestone": "#2ca02c", "statistic": "#17becf",
                "appointment": "#bcbd22", "agreement": "#ff7f0e", "announcement": "#7f7f7f"}


def stated_text(value: Any, names: dict[str, str]) -> str:
    """A value a source states differently, for people: entity ids as names, lists joined."""
    if isinstance(value, (list, tuple)):
        return "; ".join(stated_text(item, names) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {stated_text(item, names)}" for key, item in value.items() if item is not None)
    if isinstance(value, float):
        return number(value)
    return names.get(value, value) if isinstance(value, str) else str(value)


def span_json(occurred: EdtfDate) -> dict[str, Any]:
    """When it occurred, as the page draws it: the span of days [lo, hi] (None = open), precision, qualifiers."""
    return {"text": occurred.display(), "precision": occurred.precision,
            "lo": occurred.lower.isoformat() if occurred.lower else None,
            "hi": occurred.upper.isoformat() if occurred.upper else None,
            "approximate": occurred.approximate, "uncertain": occurred.uncertain}


def state_json(seen: FactView, names: dict[str, str], retraction: Retraction | None) -> dict[str, Any]:
    """One state of a fact for the page: the view's values, figures, disagreements and visible sources, and the
    retraction if it applies."""
    fact = seen.fact
    return {
        "kind": fact.kind, "status": fact.status, "title": fact.title, "summary": fact.summary,
        "place": fact.place, "when": span_json(seen.occurred),
        "projects": [names.get(p, p) for p in fact.projects],
        "partners": [names.get(p, p) for p in fact.partners],
        "figures": [figure_text(figure) for figure in fact.figures],
        "disagreements": [{"field": d.field, "value": stated_text(d.value, names),
                           "sources": [source_label(s) for s in d.sources]} for d in seen.disagreements],
        "sources": [{"label": source_label(s), "url": s.url, "title": s.title, "quote": s.quote, "note": s.note}
                    for s in fact.sources],
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
    """JSON to embed in <script type="application/json">: '</' written '<\\/' and '<!--' written '\\u003c!--',
    so that no user text can end the element or change how the parser reads it; JSON.parse reads both back."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "\\u003c!--")


def page_json(data: ExportSet) -> dict[str, Any]:
    """What the page's script draws: lanes (first project, else first partner, else Other; in timeline order),
    each fact's states, and the knowledge days the slider offers."""
    names = data.names
    lanes: dict[str, list[dict[str, Any]]] = {}
    for raw, seen in _views(data, retracted=True):
        lane_id = next(iter(seen.fact.projects), None) or next(iter(seen.fact.partners), None)
        lane = names.get(lane_id, lane_id) if lane_id else "Other"
        lanes.setdefault(lane, []).append({"id": raw.id, "states": replay(raw, names)})
    days = sorted({state["from"] for facts in lanes.values() for fact in facts for state in fact["states"]})
    return {"lanes": [{"name": lane, "facts": facts} for lane, facts in lanes.items()], "days": days}


_HTML_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1em 1.5em;color:#222}
h1{font-size:1.35em;margin:.2em 0 .5em}
.controls{display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:center;margin-bottom:.6em}
#asof{width:18em}#asof-day{font-variant-numeric:tabular-nums;font-weight:600}#count{color:#555}
.legend{display:flex;flex-wrap:wrap;gap:.3em 1em;font-size:.85em;color:#444;margin-bottom:.8em}
.legend .fact{position:static;cursor:default}
.layout{display:flex;gap:1em;align-items:flex-start}#chart{flex:1;min-width:0}
#detail{flex:0 0 24em;border:1px solid #ddd;border-radius:6px;padding:.6em .9em;
  background:#fcfcfc}
#detail h3{margin:.2em 0;font-size:1.1em}#detail h4{margin:.8em 0 .2em;font-size:.95em}
#detail ul,#detail ol{margin:.2em 0;padding-left:1.3em}.meta{color:#555}
blockquote{margin:.2em 0 .3em .4em;padding-left:.6em;border-left:3px solid #ccc;color:#333}
.note{color:#666;font-size:.9em;margin:.1em 0}.retracted-notice{color:#a00;font-weight:600}
.lane{display:flex;border-top:1px solid #e4e4e4}.lane h2{flex:0 0 11em;font-size:.85em;margin:0;padding:.4em .5em 0 0}
.track{position:relative;flex:1;min-height:28px}
.axis .track{height:22px;min-height:22px}.tick{position:absolute;top:2px;font-size:.8em;color:#666;
  border-left:1px solid #bbb;padding-left:3px}
.gridline{position:absolute;top:0;bottom:0;border-left:1px dotted #ddd}
.fact{position:absolute;display:flex;align-items:center;gap:4px;border:0;background:none;padding:0;margin:0;
  font:inherit;font-size:.85em;cursor:pointer;white-space:nowrap;color:#222}
.fact.flip{flex-direction:row-reverse}
.fact .mark{display:inline-block;height:12px;min-width:8px;border:2px solid var(--c);background:var(--c);
  border-radius:3px;box-sizing:border-box}
.fact.precision-day .mark{width:12px;min-width:12px;border-radius:50%}
.fact .label{max-width:22em;overflow:hidden;text-overflow:ellipsis}
.fact.status-scheduled .mark,.fact.status-postponed .mark,.fact.status-cancelled .mark{background:#fff}
.fact.status-cancelled .label{text-decoration:line-through}
.fact.uncertain .mark,.fact.approximate .mark{border-style:dashed;
  background:repeating-linear-gradient(135deg,var(--c) 0 3px,#fff 3px 6px)}
.fact.uncertain .when::after{content:" (uncertain)"}.fact.approximate .when::after{content:" (approx.)"}
.fact.open-start .mark{background:linear-gradient(to right,#fff,var(--c));border-left-style:dotted}
.fact.open-end .mark{background:linear-gradient(to left,#fff,var(--c));border-right-style:dotted}
.fact.retracted .mark{--c:#999}.fact.retracted .label{text-decoration:line-through;color:#888}
.fact.selected .label{outline:2px solid #333;outline-offset:1px}
.when{color:#555;font-variant-numeric:tabular-nums}
[hidden]{display:none!important}
"""

_HTML_SCRIPT = """
(function () {
  'use strict';
  const page = JSON.parse(document.getElementById('timeline-data').textContent);
  const chart = document.getElementById('chart'), detail = document.getElementById('detail');
  const filter = document.getElementById('filter'), asof = document.getElementById('asof');
  const dayOut = document.getElementById('asof-day'), count = document.getElementById('count');
  const DAY = 86400000, ROW = 24, GAP = 8, OPEN = 36;
  const items = [];  // one per fact: {fact, track, button}
  let selected = null;

  function node(tag, className, text) {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined && text !== null) made.textContent = text;
    return made;
  }
  function time(iso) { return Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)); }

  // The state a fact was in on a knowledge day (ISO), or null before it was first reported.
  function stateOn(fact, day) {
    let found = null;
    fact.states.forEach(function (state) { if (state.from <= day) found = state; });
    return found;
  }
  function currentDay() { return page.days[Number(asof.value)] || ''; }

  // The axis: whole years around every known start and end.
  const ends = [];
  page.lanes.forEach(function (lane) { lane.facts.forEach(function (fact) { fact.states.forEach(function (s) {
    if (s.when.lo) ends.push(s.when.lo);
    if (s.when.hi) ends.push(s.when.hi);
  }); }); });
  ends.sort();
  const firstYear = ends.length ? +ends[0].slice(0, 4) : 2000;
  const lastYear = ends.length ? +ends[ends.length - 1].slice(0, 4) : firstYear;
  const t0 = Date.UTC(firstYear, 0, 1), t1 = Date.UTC(lastYear + 1, 0, 1);

  function row(name) {
    const lane = node('section', 'lane'), track = node('div', 'track');
    lane.append(node('h2', null, name), track);
    chart.append(lane);
    return track;
  }
  const axis = row('');
  axis.parentNode.classList.add('axis');
  page.lanes.forEach(function (lane) {
    const track = row(lane.name);
    lane.facts.forEach(function (fact) {
      const button = node('button', 'fact');
      button.type = 'button';
      button.dataset.id = fact.id;
      button.addEventListener('click', function () { selected = fact; update(); });
      track.append(button);
      items.push({ fact: fact, track: track, button: button });
    });
  });

  function drawAxis(width) {
    axis.textContent = '';
    chart.querySelectorAll('.gridline').forEach(function (line) { line.remove(); });
    const step = Math.max(1, Math.ceil((lastYear + 1 - firstYear) / 12));
    for (let year = firstYear; year <= lastYear; year += step) {
      const x = (Date.UTC(year, 0, 1) - t0) / (t1 - t0) * width;
      const tick = node('span', 'tick', String(year));
      tick.style.left = x + 'px';
      axis.append(tick);
      chart.querySelectorAll('.lane:not(.axis) .track').forEach(function (track) {
        const line = node('span', 'gridline');
        line.style.left = x + 'px';
        track.prepend(line);
      });
    }
  }

  // A fact's marker as it stood: a dot for a day, a bar over the span of a month, year or interval (an open
  // end fades out), dashed when uncertain or approximate, hollow when not (yet) happened, struck when retracted.
  function draw(item, state, width) {
    const button = item.button, when = state.when;
    const x = function (t) { return (t - t0) / (t1 - t0) * width; };
    let start = when.lo ? x(time(when.lo)) : null, end = when.hi ? x(time(when.hi) + DAY) : null;
    if (start === null) start = end - OPEN;
    if (end === null) end = start + OPEN;
    const classes = ['fact', 'kind-' + state.kind, 'status-' + state.status, 'precision-' + when.precision];
    if (when.uncertain) classes.push('uncertain');
    if (when.approximate) classes.push('approximate');
    if (!when.lo) classes.push('open-start');
    if (!when.hi) classes.push('open-end');
    if (state.retracted) classes.push('retracted');
    if (selected === item.fact) classes.push('selected');
    button.className = classes.join(' ');
    const mark = node('span', 'mark'), label = node('span', 'label');
    if (when.precision !== 'day') mark.style.width = Math.max(end - start, 8) + 'px';
    label.append(node('span', 'when', when.text), ' ' + state.title);
    if (state.status !== 'happened') label.append(' (' + state.status + ')');
    if (state.retracted) label.append(' (retracted)');
    button.replaceChildren(mark, label);
    button.title = when.text + ' ' + state.title;
    button.style.left = start + 'px';
    if (start + button.offsetWidth > width) {  // no room on the right: the label goes left of its mark
      button.classList.add('flip');
      button.style.left = Math.max(start + mark.offsetWidth - button.offsetWidth, 0) + 'px';
    }
  }

  // Stack the shown facts of each lane into rows so that no two overlap.
  function stack() {
    const tracks = new Map();
    items.forEach(function (item) {
      if (item.button.hidden) return;
      if (!tracks.has(item.track)) tracks.set(item.track, []);
      tracks.get(item.track).push(item.button);
    });
    chart.querySelectorAll('.lane:not(.axis) .track').forEach(function (track) {
      const buttons = (tracks.get(track) || []).sort(function (a, b) { return a.offsetLeft - b.offsetLeft; });
      const rows = [];
      buttons.forEach(function (button) {
        let r = rows.findIndex(function (right) { return right + GAP <= button.offsetLeft; });
        if (r < 0) { r = rows.length; rows.push(0); }
        rows[r] = button.offsetLeft + button.offsetWidth;
        button.style.top = (r * ROW + 4) + 'px';
      });
      track.style.height = (Math.max(rows.length, 1) * ROW + 4) + 'px';
    });
  }

  function words(state) {
    return [state.title, state.summary || '', state.kind, state.status, state.when.text, state.place || '',
      state.projects.join(' '), state.partners.join(' '), state.figures.join(' '),
      state.sources.map(function (s) { return s.label + ' ' + (s.quote || ''); }).join(' ')].join(' ').toLowerCase();
  }

  function list(title, values) {
    const part = document.createDocumentFragment(), listed = node('ul');
    values.forEach(function (value) { listed.append(value instanceof Node ? value : node('li', null, value)); });
    part.append(node('h4', null, title), listed);
    return part;
  }

  // The clicked fact as it stood on the chosen day: summary, figures, disagreements and every source.
  function showDetail(day) {
    detail.textContent = '';
    if (!selected) { detail.append(node('p', 'meta', 'Click a fact to see its summary, figures and sources.')); return; }
    const state = stateOn(selected, day);
    if (!state) { detail.append(node('p', 'meta', 'Not yet reported on ' + day + '.')); return; }
    detail.append(node('h3', null, state.title));
    detail.append(node('p', 'meta', [state.when.text, state.kind, state.status].join(' · ') +
                                     ' — as the record stood on ' + day));
    if (state.retracted) {
      detail.append(node('p', 'retracted-notice', 'Retracted on ' + state.retracted.on + ': ' + state.retracted.reason));
    }
    if (state.summary) detail.append(node('p', 'summary', state.summary));
    const about = [];
    if (state.projects.length) about.push('Projects: ' + state.projects.join(', '));
    if (state.partners.length) about.push('Partners: ' + state.partners.join(', '));
    if (state.place) about.push('Place: ' + state.place);
    about.forEach(function (line) { detail.append(node('p', 'meta', line)); });
    if (state.figures.length) detail.append(list('Figures', state.figures));
    if (state.disagreements.length) {
      detail.append(list('Disagreements', state.disagreements.map(function (d) {
        return node('li', 'disagreement', d.field + ': ' + d.value + ' — per ' + d.sources.join(', '));
      })));
    }
    detail.append(list('Sources', state.sources.map(function (s) {
      const item = node('li', 'source');
      if (s.url && /^https?:/i.test(s.url)) {
        const link = node('a', 'outlet', s.label);
        link.href = s.url;
        item.append(link);
      } else {
        item.append(node('span', 'outlet', s.label));
      }
      if (s.title) item.append(' “', node('cite', null, s.title), '”');
      if (s.quote) item.append(node('blockquote', 'quote', s.quote));
      if (s.note) item.append(node('p', 'note', s.note));
      return item;
    })));
  }

  function update() {
    const day = currentDay(), wanted = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    const width = axis.clientWidth;
    let shown = 0;
    drawAxis(width);
    items.forEach(function (item) {
      const state = stateOn(item.fact, day);
      const text = state ? words(state) : '';
      item.button.hidden = !state || !wanted.every(function (w) { return text.indexOf(w) >= 0; });
      if (!item.button.hidden) { shown += 1; draw(item, state, width); }
    });
    stack();
    dayOut.textContent = day + (Number(asof.value) === page.days.length - 1 ? ' (latest)' : '');
    count.textContent = shown + ' of ' + items.length + ' facts';
    showDetail(day);
  }

  filter.addEventListener('input', update);
  asof.addEventListener('input', update);
  window.addEventListener('resize', update);
  update();
})();
"""


def to_html(data: ExportSet) -> str:
    """One self-contained page (inline CSS and JS, no network): a horizontal timeline in lanes by first project
    (else first partner), coloured by kind, partial dates drawn as spans; a fact opens to its summary, figures,
    disagreements and sources; a text filter; and an "as of" slider that replays the record to any knowledge day
    on which it changed (facts not yet reported hidden, values as they stood, retractions marked)."""
    esc = html.escape
    title = f"{subject(data)} — {known(data)}"
    content = page_json(data)
    last = max(len(content["days"]) - 1, 0)
    colours = "".join(f".kind-{kind}{{--c:{colour}}}" for kind, colour in KIND_COLOURS.items())
    legend = "".join(f'<span class="fact kind-{kind} precision-year"><span class=mark style="width:18px"></span>'
                     f"{kind}</span>" for kind in KIND_COLOURS)
    legend += ('<span class="fact kind-meeting precision-day"><span class=mark></span>a day</span>'
               '<span class="fact kind-meeting status-scheduled precision-year"><span class=mark style="width:18px">'
               '</span>scheduled</span>'
               '<span class="fact kind-meeting uncertain precision-year"><span class=mark style="width:18px"></span>'
               'uncertain or approximate</span>'
               '<span class="fact kind-meeting retracted precision-year"><span class=mark style="width:18px"></span>'
               '<span class=label>retracted</span></span>')
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f"<meta name=viewport content='width=device-width'><title>{esc(title)}</title>"
        f"<style>{_HTML_STYLE}{colours}</style></head><body>"
        f"<h1>{esc(title)}</h1>"
        "<div class=controls><label>Filter <input type=search id=filter placeholder='words'></label>"
        f"<label>As of <input type=range id=asof min=0 max={last} value={last}></label>"
        "<output id=asof-day></output><span id=count></span></div>"
        f"<div class=legend>{legend}</div>"
        "<noscript><p>This page draws the timeline with JavaScript; turn it on to see the facts.</p></noscript>"
        f'<script type="application/json" id=timeline-data>{script_json(content)}</script>'
        "<div class=layout><div id=chart></div><aside id=detail></aside></div>"
        f"<script>{_HTML_SCRIPT}</script></body></html>\n"
    )


_WRITERS: dict[str, Callable[[ExportSet], str]] = {
    "jsonl": to_jsonl, "csv": to_csv, "ics": to_ics, "md": to_md, "timelinejs": to_timelinejs, "html": to_html,
}

"""Exports: an `ExportSet` (facts as the record held them, and their entities) as text for other tools.

Pure functions, no IO: each format takes the set and returns the whole text; the service chooses the facts and
the CLI writes the text. Every format is deterministic (the same store and options give the same bytes).

* `jsonl` is the engine's own input format (ingestible again, lossless); the others show each fact as the
  record stated it on the knowledge date (see projections.knowledge.view) and skip retracted facts, except
  `csv`, which lists them with their retraction.
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
from events.inputs import Fact, Figure, Source
from projections.knowledge import FactView, reported_by, view
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

KIND_COLOURS = {"meeting": "#1f77b4", "target": "#9467bd", "milestone": "#2ca02c", "statistic": "#17becf",
                "appointment": "#bcbd22", "agreement": "#ff7f0e", "announcement": "#7f7f7f"}

_HTML_SCRIPT = """
(function () {
  var facts = Array.prototype.slice.call(document.querySelectorAll('li.fact'));
  var days = JSON.parse(document.getElementById('days').textContent);
  var filter = document.getElementById('filter'), asof = document.getElementById('asof');
  var shown = document.getElementById('asof-day'), count = document.getElementById('count');
  function update() {
    var words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var day = days[Number(asof.value)] || '9999-12-31', n = 0;
    shown.textContent = Number(asof.value) === days.length - 1 ? 'as exported' : day;
    facts.forEach(function (li) {
      var text = li.getAttribute('data-text');
      var ok = li.getAttribute('data-visible-from') <= day &&
               words.every(function (w) { return text.indexOf(w) >= 0; });
      li.hidden = !ok; if (ok) { n += 1; }
    });
    count.textContent = n + ' of ' + facts.length + ' facts';
  }
  filter.addEventListener('input', update); asof.addEventListener('input', update); update();
})();
"""


def visible_from(fact: Fact) -> date:
    """The first knowledge date on which the record held the fact (its earliest source's)."""
    return min(reported_by(source) for source in fact.sources)


def to_html(data: ExportSet) -> str:
    """One self-contained page (inline CSS and JS, no network): a vertical timeline coloured by kind, in lanes by
    first project (else first partner), each fact opening to its summary and sources; a text filter; and an
    "as of" slider over the days facts were first reported, hiding facts not yet reported on the chosen day."""
    names = data.names
    esc = html.escape
    lanes: dict[str, list[str]] = {}
    days: set[str] = set()
    for _, seen in _views(data):
        fact = seen.fact
        lane_id = next(iter(fact.projects), None) or next(iter(fact.partners), None)
        lane = names.get(lane_id, lane_id) if lane_id else "Other"
        first = visible_from(fact).isoformat()
        days.add(first)
        words = " ".join([fact.title, fact.summary or "", fact.kind, seen.occurred.display(),
                          *(names.get(i, i) for i in (*fact.projects, *fact.partners)),
                          *(source_label(s) for s in fact.sources)]).lower()
        status = f" <span class=status>{esc(fact.status)}</span>" if fact.status != "happened" else ""
        sources = "".join(f"<li>{source_html(s)}" + (f"<blockquote>{esc(s.quote)}</blockquote>" if s.quote else "")
                          + "</li>" for s in fact.sources)
        partners = (f"<p>Partners: {esc(', '.join(names.get(p, p) for p in fact.partners))}</p>"
                    if fact.partners else "")
        lanes.setdefault(lane, []).append(
            f'<li class="fact kind-{esc(fact.kind)} status-{esc(fact.status)}" id="{esc(fact.id)}" '
            f'data-visible-from="{first}" data-text="{esc(words, quote=True)}">'
            f'<details><summary><time>{esc(seen.occurred.display())}</time> '
            f'<span class=kind>{esc(fact.kind)}</span>{status} {esc(fact.title)}</summary>'
            f'{f"<p>{esc(fact.summary)}</p>" if fact.summary else ""}{partners}'
            f'<ol class=sources>{sources}</ol></details></li>')
    ordered = sorted(days)
    title = f"{subject(data)} — {known(data)}"
    style = "".join(f".kind-{kind}{{border-left-color:{colour}}}.kind-{kind} .kind{{color:{colour}}}"
                    for kind, colour in KIND_COLOURS.items())
    body = "".join(f'<section class=lane><h2>{esc(lane)}</h2><ol class=facts>{"".join(items)}</ol></section>'
                   for lane, items in lanes.items())
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f"<title>{esc(title)}</title><style>"
        "body{font:15px/1.4 system-ui,sans-serif;margin:1em 2em}main{display:flex;gap:1.5em;align-items:flex-start}"
        ".lane{flex:1;min-width:16em}ol.facts{list-style:none;padding:0;border-left:3px solid #ddd}"
        ".fact{border-left:6px solid #999;margin:.6em 0 .6em -4px;padding:.2em .6em;background:#fafafa}"
        ".status-scheduled{border-left-style:dashed;background:#fff}.kind{font-weight:600}"
        "time{font-variant-numeric:tabular-nums;color:#555}.status{font-style:italic}"
        f"blockquote{{margin:.2em 1em;color:#444}}{style}"
        "</style></head><body>"
        f"<h1>{esc(title)}</h1>"
        '<p><label>Filter <input type=search id=filter></label> '
        f'<label>As of <input type=range id=asof min=0 max={max(len(ordered) - 1, 0)} '
        f'value={max(len(ordered) - 1, 0)}></label> <output id=asof-day></output> '
        '<span id=count></span></p>'
        f'<script type="application/json" id=days>{json.dumps(ordered)}</script>'
        f"<main>{body or '<p>No facts.</p>'}</main>"
        f"<script>{_HTML_SCRIPT}</script></body></html>\n"
    )


_WRITERS: dict[str, Callable[[ExportSet], str]] = {
    "jsonl": to_jsonl, "csv": to_csv, "ics": to_ics, "md": to_md, "timelinejs": to_timelinejs, "html": to_html,
}

"""Renderers for people: each builds rich renderables from a view and never prints.

User text goes into `Text` objects, never into markup strings, so a title like "[1850?]" is shown as is.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from events.inputs import Source
from timeline.ingest import Plan
from timeline.service import CheckReport, ProjectTimeline
from timeline.store import LoggedEvent

KIND_STYLES = {
    "meeting": "cyan", "target": "magenta", "milestone": "green", "statistic": "blue",
    "appointment": "yellow", "agreement": "bright_green", "announcement": "white",
}


def canonical_json(value: Any) -> str:
    """Sorted keys, two-space indent, UTF-8 text: the same data always gives the same bytes."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2)


def source_label(source: Source) -> str:
    return f"{source.outlet} ({source.language}, {source.reported})"


def project_timeline(view: ProjectTimeline) -> RenderableType:
    known = f"as of {view.as_of.isoformat()}" if view.as_of else "as known now"
    window = ""
    if not view.window.is_open:
        since = view.window.since.isoformat() if view.window.since else "…"
        until = view.window.until.isoformat() if view.window.until else "…"
        window = f", occurred {since} to {until}"
    heading = Text.assemble((view.project.name, "bold"), f" — timeline {known}{window}")
    if not view.entries:
        when = f"by {view.as_of.isoformat()}" if view.as_of else "yet"
        return Group(heading, Text(f"No facts about {view.project.name} had been reported {when}."))
    table = Table(show_header=True, header_style="bold", expand=False, pad_edge=False, show_lines=True)
    table.add_column("Occurred", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Fact")
    for entry in view.entries:
        fact = entry.view.fact
        date = Text(entry.view.occurred.display() + (" *" if entry.partial else ""))
        kind = Text(fact.kind, style=KIND_STYLES.get(fact.kind, ""))
        if fact.status != "happened":
            kind.append(f"\n{fact.status}", style="italic")
        lines = [Text(fact.title, style="bold")]
        if fact.partners:
            lines.append(Text("partners: " + ", ".join(view.names.get(p, p) for p in fact.partners)))
        lines.append(Text("sources: " + "; ".join(source_label(s) for s in fact.sources), style="dim"))
        lines += [Text(f"note, {s.outlet}: {s.note}", style="dim") for s in fact.sources if s.note]
        for d in entry.view.disagreements:
            said = ", ".join(source_label(s) for s in d.sources)
            lines.append(Text(f"disagreement: {d.field} = {_short(d.value)} per {said}", style="yellow"))
        table.add_row(date, kind, Text("\n").join(lines))
    count = len(view.entries)
    footer = Text(f"{count} fact{'s' if count != 1 else ''}" +
                  ("; * = not wholly inside the window" if any(e.partial for e in view.entries) else ""))
    return Group(heading, table, footer)


def _short(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in value.items() if v is not None) + "}"
    return str(value)


def ingest_summary(plan: Plan, db: str) -> RenderableType:
    summary = plan.summary()
    lines = [Text(f"{db}: appended {summary['appended']} events — {plan.new_facts} new facts, "
                  f"{plan.sources_added} sources added, {plan.corrections} corrections, "
                  f"{plan.retractions} retractions, {plan.unchanged} unchanged; "
                  f"{plan.new_entities} new entities, {plan.entity_changes} entities changed.")]
    lines += [Text(f"warning: {w}", style="yellow") for w in plan.warnings]
    if plan.missing:
        shown = ", ".join(plan.missing[:5]) + (" …" if len(plan.missing) > 5 else "")
        lines.append(Text(f"warning: {len(plan.missing)} facts in the store are not in this input "
                          f"(kept; retract with `retracted:`): {shown}", style="yellow"))
    return Group(*lines)


def check_report(report: CheckReport, paths: Iterable[str]) -> RenderableType:
    return Text(f"{', '.join(paths)}: OK — {report.entities} entities, {report.facts} facts, no problems.")


def event_log(events: list[LoggedEvent]) -> RenderableType:
    table = Table(show_header=True, header_style="bold", pad_edge=False)
    for name in ("#", "Recorded (UTC)", "Event", "Subject", "Reported"):
        table.add_column(name, no_wrap=name != "Subject")
    for logged in events:
        table.add_row(
            str(logged.position) if logged.position else "",
            logged.recorded.strftime("%Y-%m-%d %H:%M:%S"),
            type(logged.event).__name__,
            Text(subject(logged)),
            ", ".join(reported_dates(logged)),
        )
    return table


def subject(logged: LoggedEvent) -> str:
    payload = logged.event.model_dump()
    if "fact" in payload:
        return payload["fact"]["id"]
    if "record" in payload:
        return payload["record"]["id"]
    return payload.get("fact_id") or payload.get("entity_id") or ""


def reported_dates(logged: LoggedEvent) -> list[str]:
    payload = logged.event.model_dump()
    sources = payload.get("fact", {}).get("sources", ()) or payload.get("sources", ())
    if "source" in payload:
        sources = [payload["source"]]
    return [source["reported"] for source in sources]


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

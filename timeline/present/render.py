"""Renderers for people: each builds rich renderables from a view and never prints.

User text goes into `Text` objects, never into markup strings, so a title like "[1850?]" is shown as is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from events.text import counted, plural
from events.vocabulary import FACT_KINDS
from projections.chronology import TimelineEntry, Window
from projections.entities import name_at
from timeline.present.labels import count_noun, field_text, figure_text, source_label
from timeline.present.stream import continuation
from timeline.present.views import (
    DiffView,
    OfficeView,
    PartnerView,
    PersonView,
    ProjectTimeline,
    SearchView,
    StatsView,
    TargetsView,
    VerifyReport,
)
from timeline.present.yeartable import YearTable, all_years

if TYPE_CHECKING:  # a query's start-up imports neither ingest nor the event log
    from timeline.intake.plan import Plan
    from timeline.service import CheckReport

KIND_STYLES = {
    "meeting": "cyan",
    "target": "magenta",
    "milestone": "green",
    "statistic": "blue",
    "appointment": "yellow",
    "agreement": "bright_green",
    "announcement": "white",
}


def _known(as_of: date | None, window: Window = Window()) -> str:
    text = f"as of {as_of.isoformat()}" if as_of else "as known now"
    if not window.is_open:
        since = window.since.isoformat() if window.since else "…"
        until = window.until.isoformat() if window.until else "…"
        text += f", occurred {since} to {until}"
    return text


def entries_table(entries: list[TimelineEntry], names: dict[str, str]) -> RenderableType:
    """One row per fact: when, what kind, and the fact with its partners, sources and disagreements."""
    table = Table(show_header=True, header_style="bold", expand=False, pad_edge=False, show_lines=True)
    table.add_column("Occurred", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Fact")
    for entry in entries:
        fact = entry.view.fact
        date_text = Text(entry.view.occurred.display() + (" *" if entry.partial else ""))
        kind = Text(fact.kind, style=KIND_STYLES.get(fact.kind, ""))
        if fact.status != "happened":
            kind.append(f"\n{fact.status}", style="italic")
        lines = [Text(fact.title, style="bold")]
        if entry.retracted is not None:
            kind.append("\nretracted", style="red")
            lines.append(Text(f"retracted on {entry.retracted.on}: {entry.retracted.reason}", style="red"))
        if fact.partners:
            lines.append(Text("partners: " + ", ".join(name_at(names, p, entry.view.occurred) for p in fact.partners)))
        lines += [Text("figure: " + figure_text(figure)) for figure in fact.figures]
        lines.append(Text("sources: " + "; ".join(source_label(s) for s in fact.sources), style="dim"))
        lines += [Text(f"note, {s.outlet}: {s.note}", style="dim") for s in fact.sources if s.note]
        lines += [disagreement_text(d, names) for d in entry.view.disagreements]
        table.add_row(date_text, kind, Text("\n").join(lines))
    return table


def disagreement_text(d: Any, names: dict[str, str]) -> Text:
    """'disagreement: figures: urban railway: 96 km, deadline 2030 per VNA (en, 2022-03-24)'."""
    said = ", ".join(source_label(s) for s in d.sources)
    return Text(f"disagreement: {d.field} = {field_text(d.field, d.value, names)} per {said}", style="yellow")


def _count(entries: list[TimelineEntry], hidden_retracted: int = 0) -> Text:
    partial = "; * = not wholly inside the window" if any(e.partial for e in entries) else ""
    return Text(count_noun(len(entries), "fact") + partial + retracted_note(hidden_retracted))


def retracted_note(hidden: int) -> str:
    """'; 1 retracted fact not shown (--include-retracted)', or nothing."""
    return f"; {count_noun(hidden, 'retracted fact')} not shown (--include-retracted)" if hidden else ""


def project_timeline(view: ProjectTimeline) -> RenderableType:
    heading = Text.assemble((view.project.name, "bold"), f" — timeline {_known(view.as_of, view.window)}")
    if not view.entries:
        when = f"by {view.as_of.isoformat()}" if view.as_of else "yet"
        return Group(
            heading,
            Text(
                f"No facts about {view.project.name} had been reported {when}{retracted_note(view.hidden_retracted)}."
            ),
        )
    return Group(heading, entries_table(view.entries, view.names), _count(view.entries, view.hidden_retracted))


def partner_history(view: PartnerView) -> RenderableType:
    history, names = view.history, view.names
    heading = Text.assemble((view.partner.name, "bold"), f" — partner history {_known(view.as_of, view.window)}")
    parts: list[RenderableType] = [heading]
    if not history.entries:
        return Group(heading, Text(f"No facts name this partner{retracted_note(view.hidden_retracted)}."))
    meetings = ", ".join(f"{year}: {n}" for year, n in history.meetings_per_year.items()) or "none"
    parts.append(Text(f"meetings per year: {meetings}"))
    people = [
        f"{names.get(c.person, c.person)}"
        + (f" ({', '.join(names.get(o, o) for o in c.offices)})" if c.offices else "")
        for c in history.counterparts
    ]
    parts.append(Text("people: " + ("; ".join(people) or "none")))
    projects = ", ".join(f"{names.get(p, p)} ({n})" for p, n in history.projects.items()) or "none"
    parts.append(Text(f"projects: {projects}"))
    parts += [entries_table(history.entries, names), _count(history.entries, view.hidden_retracted)]
    return Group(*parts)


def _figures(figures: Any) -> str:
    shown = []
    for f in figures:
        value = (
            ""
            if f.value is None
            else (f"{f.value[0]:g}–{f.value[1]:g}" if isinstance(f.value, tuple) else f"{f.value:g}")
        )
        text = " ".join(part for part in (f.metric + ":" if value else f.metric, value, f.unit or "") if part)
        if f.deadline:
            text += f" by {f.deadline}"
        if f.vision:
            text += f" (vision {f.vision})"
        shown.append(text)
    return "; ".join(shown)


def targets(view: TargetsView) -> RenderableType:
    scope = f" for {view.project.name}" if view.project else ""
    heading = Text.assemble(
        ("Targets", "bold"), f"{scope} — {_known(view.as_of)} (deadlines judged on {view.judged_on.isoformat()})"
    )
    if not view.tracks:
        return Group(heading, Text("No targets had been reported."))
    table = Table(show_header=True, header_style="bold", pad_edge=False, show_lines=True)
    table.add_column("Target", no_wrap=True)
    table.add_column("State", no_wrap=True)
    table.add_column("Statements")
    for track in view.tracks:
        lines = []
        for statement in track.statements:
            lines.append(
                Text(
                    f"{statement.stated}: {_figures(statement.figures)} — "
                    f"{source_label(statement.source)} [{statement.fact}]"
                )
            )
        if track.revision:
            old, new = track.revision
            lines.append(Text(f"revised: {_figures(old.figures)} → {_figures(new.figures)}", style="yellow"))
        if track.met_by:
            lines.append(Text(f"met by {track.met_by[0]} ({track.met_by[1]})", style="green"))
        style = {"met": "green", "overdue": "red", "revised": "yellow"}.get(track.state, "")
        table.add_row(Text(track.key), Text(track.state, style=style), Text("\n").join(lines))
    return Group(heading, table)


def _tenure(tenure: Any, names: dict[str, str]) -> str:
    span = str(tenure.first) if tenure.first == tenure.last else f"{tenure.first} … {tenure.last}"
    return f"{names.get(tenure.person, tenure.person)} (attested {span}; facts: {', '.join(tenure.facts)})"


def office(view: OfficeView) -> RenderableType:
    names = view.names
    heading = Text.assemble((view.office.name, "bold"), f" — {_known(view.as_of)}")
    answer = view.answer
    if answer is None:
        if not view.holders:
            return Group(heading, Text("No holder is attested."))
        return Group(heading, *[Text("• " + _tenure(t, names)) for t in view.holders])
    day = answer.on.isoformat()
    then = name_at(names, view.office.id, day)
    lines: list[RenderableType] = [heading]
    if then != view.office.name:
        lines.append(Text(f"(on {day} named: {then})"))
    if answer.disagreement:
        lines.append(Text(f"disagreement: {answer.disagreement}", style="red"))
    if not answer.inferred:
        lines += [Text(f"On {day}: " + _tenure(t, names)) for t in answer.holders]
        return Group(*lines)
    if answer.before:
        lines.append(
            Text(
                f"On {day} (inferred): {names.get(answer.before.person, answer.before.person)}, "
                f"the last holder attested before that date",
                style="yellow",
            )
        )
        lines.append(Text("  last before: " + _tenure(answer.before, names)))
    else:
        lines.append(Text(f"On {day}: no holder attested on or before that date", style="yellow"))
    if answer.after:
        lines.append(Text("  first after: " + _tenure(answer.after, names)))
    return Group(*lines)


def person(view: PersonView) -> RenderableType:
    heading = Text.assemble((view.person.name, "bold"), f" — {_known(view.as_of)}")
    offices = [
        Text(
            "• "
            + view.names.get(t.office, t.office)
            + ": attested "
            + (str(t.first) if t.first == t.last else f"{t.first} … {t.last}")
            + f" (facts: {', '.join(t.facts)})"
        )
        for t in view.offices
    ]
    parts: list[RenderableType] = [heading, Text("offices:" if offices else "offices: none attested"), *offices]
    if view.entries or view.hidden_retracted:
        parts += [entries_table(view.entries, view.names), _count(view.entries, view.hidden_retracted)]
    return Group(*parts)


def search(view: SearchView) -> RenderableType:
    heading = Text.assemble(
        ("Search ", "bold"), Text(repr(view.query)), f" — {_known(view.as_of)}{view.scope.describe()}"
    )
    hidden = retracted_note(view.hidden_retracted)
    if not view.hits:
        return Group(heading, Text(f"No matches{hidden}."))
    table = Table(show_header=True, header_style="bold", pad_edge=False)
    table.add_column("#", no_wrap=True)
    table.add_column("Occurred", no_wrap=True)
    table.add_column("Fact")
    for rank, hit in enumerate(view.hits, start=view.after + 1):
        body = Text.assemble((hit.view.fact.title, "bold"), f" [{hit.view.id}]\n", (hit.snippet, "dim"))
        table.add_row(str(rank), hit.view.occurred.display(), body)
    told = [Text(count_noun(len(view.hits), "match", "matches") + hidden)] if hidden else []
    more = [Text(continuation(view.next))] if view.next is not None else []
    return Group(heading, table, *told, *more)


def diff(view: DiffView) -> RenderableType:
    d = view.diff
    scope = f" for {view.project.name}" if view.project else ""
    lines: list[RenderableType] = [
        Text.assemble(("Knowledge diff", "bold"), f"{scope}: {d.since.isoformat()} → {d.until.isoformat()}")
    ]
    lines += [
        Text(
            f"+ reported: {v.fact.occurred} {v.fact.title} [{v.id}] — "
            + "; ".join(source_label(s) for s in v.fact.sources),
            style="green",
        )
        for v in d.reported
    ]
    lines += [Text(f"+ source: [{fact}] {source_label(s)}") for fact, s in d.sources_added]
    lines += [
        Text(
            f"~ changed: [{c.fact}] {c.field}: {field_text(c.field, c.old, {})} → {field_text(c.field, c.new, {})} "
            f"per {source_label(c.source)}",
            style="yellow",
        )
        for c in d.changed
    ]
    lines += [Text(f"- retracted: [{fact}] {reason}", style="red") for fact, reason in d.retracted]
    lines += [Text(f"= target {key}: {old or 'not yet stated'} → {new}") for key, old, new in d.targets]
    if len(lines) == 1:
        lines.append(Text("No change."))
    if view.next is not None:
        lines.append(Text(continuation(view.next)))
    return Group(*lines)


def stats(view: StatsView, plot: str | None = None) -> RenderableType:
    """Two tables: facts per year by kind, and per partner per year; then what was counted and left out."""
    counts, names = view.stats, view.names
    scope = "".join(
        f" {word} {entity.name}" for word, entity in (("of", view.project), ("with", view.partner)) if entity
    )
    heading = Text.assemble(("Facts per year", "bold"), f"{scope} — {_known(view.as_of)}")
    retracted = f"{counted(counts.retracted, 'retracted fact')} excluded"
    if not counts.facts:
        return Group(heading, Text(f"No facts had been reported; {retracted}."))
    years = all_years(counts.by_kind)
    kinds = [kind for kind in FACT_KINDS if any(kind in row for row in counts.by_kind.values())]
    by_kind = YearTable(
        "Kind",
        years,
        [(kind, [counts.by_kind.get(year, {}).get(kind, 0) for year in years]) for kind in kinds],
        [sum(counts.by_kind.get(year, {}).values()) for year in years],
    )
    by_partner = YearTable(
        "Partner",
        years,
        [
            (names.get(partner, partner), [counts.by_partner.get(year, {}).get(partner, 0) for year in years])
            for partner in counts.partners
        ],
    )
    lines: list[RenderableType] = [
        heading,
        Text("By kind:"),
        by_kind,
        Text("By partner (a fact counts once for each partner it names):"),
        by_partner,
        Text(f"{counted(counts.facts, 'fact')} counted; {retracted}."),
        Text("A fact counts in the year it occurred (its start, or its end when the start is open)."),
    ]
    if plot:
        lines.append(Text(f"Plot written to {plot}."))
    return Group(*lines)


def verify_report(report: VerifyReport) -> RenderableType:
    if report.ok:
        return Text(f"OK: the read models equal a rebuild from the log (position {report.position}).")
    shown = report.differences[:50]
    more = len(report.differences) - len(shown)
    return Group(
        Text(
            f"MISMATCH: {len(report.differences)} read-model rows differ from a rebuild "
            f"(position {report.position}); run `timeline rebuild`.",
            style="red",
        ),
        *[Text("  " + line) for line in shown],
        *([Text(f"  … and {more} more")] if more else []),
    )


def ingest_summary(plan: Plan, db: str, verbose: bool = False) -> RenderableType:
    """The counts, the warnings and where to look; with `verbose`, what was done to each fact and entity."""
    from timeline.present.browse_render import change_lines

    lines: list[RenderableType] = [
        Text(
            f"{db}: appended {counted(plan.appended, 'event')} — {counted(plan.new_facts, 'new fact')}, "
            f"{counted(plan.sources_added, 'source')} added, {counted(plan.corrections, 'correction')}, "
            f"{counted(plan.retractions, 'retraction')}, {plan.unchanged} unchanged; "
            f"{counted(plan.new_entities, 'new entity')}, {counted(plan.entity_changes, 'entity')} changed."
        )
    ]
    lines += [Text(f"warning: {w}", style="yellow") for w in plan.warnings]
    if plan.missing:
        shown = ", ".join(plan.missing[:5]) + (" …" if len(plan.missing) > 5 else "")
        lines.append(
            Text(
                f"warning: {counted(len(plan.missing), 'fact')} in the store {plural('is', len(plan.missing))} "
                "not in this input "
                f"(kept; retract with `retracted:`): {shown}",
                style="yellow",
            )
        )
    if verbose:
        lines += change_lines([event for change in plan.changes for event in change.events], {})
        if plan.absorbed:  # a large run keeps only its counts past the first events
            lines.append(Text(f"… and {plan.absorbed:,} more events: timeline changes --last --db {db}", style="dim"))
    elif plan.appended:
        lines.append(Text(f"What changed, fact by fact: timeline changes --last --db {db}", style="dim"))
    return Group(*lines)


def check_report(report: CheckReport, paths: Iterable[str]) -> RenderableType:
    entities, facts = counted(report.entities, "entity"), counted(report.facts, "fact")
    ok = Text(f"{', '.join(paths)}: OK — {entities}, {facts}, no problems.")
    return Group(ok, *(Text(f"warning: {w}", style="yellow") for w in report.warnings)) if report.warnings else ok


def bench_report(figures: dict[str, Any]) -> RenderableType:
    """The benchmark's figures, with the three ratios first."""
    ingest, rebuild, startup = figures["ingest"], figures["rebuild"], figures["startup"]
    summary = Table(
        show_header=True,
        header_style="bold",
        pad_edge=False,
        title=f"{figures['facts']:,} facts, {figures['events']:,} events, store {figures['store_mib']:.1f} MiB",
    )
    for name in ("measure", "engine", "limit", "ratio", "target"):
        summary.add_column(name, justify="left" if name == "measure" else "right")
    summary.add_row(
        "ingest (events/s)",
        f"{ingest['events_per_s']:,.0f}",
        f"{figures['raw_insert']['rows_per_s']:,.0f}",
        f"{figures['ingest_ratio']:.3f}",
        "≥ 0.1",
    )
    summary.add_row(
        "rebuild (s)",
        f"{rebuild['seconds']:.2f}",
        f"{figures['raw_read_decode']['seconds']:.2f}",
        f"{figures['rebuild_ratio']:.1f}",
        "≤ 4",
    )
    summary.add_row(
        "start-up, --help (s)",
        f"{startup['timeline_help_s']:.3f}",
        f"{startup['python_pass_s']:.3f}",
        f"{startup['ratio']:.1f}",
        "≤ 4",
    )
    worst = max(figures["commands_s"]["demo"].items(), key=lambda item: item[1])
    summary.add_row(
        f"slowest query command, demo store: {worst[0]} (s)",
        f"{worst[1]:.3f}",
        f"{startup['python_pass_s']:.3f}",
        f"{startup['worst_demo_command_ratio']:.1f}",
        "≤ 4",
    )
    worst = max(figures["commands_s"]["store"].items(), key=lambda item: item[1])
    summary.add_row(f"slowest query command, this store: {worst[0]} (s)", f"{worst[1]:.3f}", "", "", "≤ 0.25")
    add = figures["add"]
    small = next(key for key in add if key.startswith("into_") and key != "into_store_s")
    summary.add_row(
        f"add {add['facts']:,} facts: this store / {small[5:-2]} facts (s)",
        f"{add['into_store_s']:.2f}",
        f"{add[small]:.2f}",
        f"{add['ratio']:.2f}",
        "≤ 1.5",
    )
    size = figures["bytes_per_fact"]
    summary.add_row(
        "bytes per fact: store / JSONL input",
        f"{size['store']:,.0f}",
        f"{size['input_jsonl']:,.0f}",
        f"{size['ratio']:.1f}",
        "",
    )
    summary.add_row("ingest facts/s", f"{ingest['facts_per_s']:,.0f}", "", "", "")
    summary.add_row(
        "re-ingest with corrections (s)", f"{figures['reingest_with_corrections']['seconds']:.2f}", "", "", ""
    )
    summary.add_row(
        "peak memory ingest / rebuild (MiB)", f"{ingest['peak_mib']:.0f} / {rebuild['peak_mib']:.0f}", "", "", "< 1024"
    )
    latency = Table(show_header=True, header_style="bold", pad_edge=False, title="query latency (ms)")
    for name in ("query", "p50", "p95"):
        latency.add_column(name, justify="left" if name == "query" else "right")
    for name, figure in figures["queries_warm"].items():
        latency.add_row(name, f"{figure['p50_ms']:.1f}", f"{figure['p95_ms']:.1f}")
    return Group(summary, latency)


class ProgressSteps:
    """Draws ingest progress on a terminal: a bar while validating more than `threshold` records, then a line
    per step. Used only when stderr is a terminal, so piped output stays clean."""

    def __init__(self, console: Any, threshold: int = 2000):
        self.console, self.threshold = console, threshold
        self.shown = False

    def track(self, items: list[Any], description: str) -> Iterable[Any]:
        if len(items) <= self.threshold:
            return items
        from rich.progress import track

        self.shown = True
        return track(items, description=description, console=self.console, transient=True)

    def step(self, description: str) -> None:
        if self.shown:
            self.console.print(Text(f"… {description}", style="dim"))

"""Console renderers of the entity views: a project's timeline, a partner's history, targets, an office's holders,
a person. Each builds rich renderables from a view and never prints."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from projections.entities import name_at
from timeline.present.entry_table import count_line, entries_table, known_label, retracted_note
from timeline.present.labels import source_label
from timeline.present.stream import continuation
from timeline.present.views import OfficeView, Page, PartnerView, PersonView, ProjectTimeline, TargetsView


def project_timeline(view: ProjectTimeline) -> RenderableType:
    heading = Text.assemble((view.project.name, "bold"), f" — timeline {known_label(view.as_of, view.window)}")
    if not view.entries:
        when = f"by {view.as_of.isoformat()}" if view.as_of else "yet"
        told = f"after {view.after} " if view.after else ""
        none = f"No facts about {view.project.name} {told}had been reported {when}"
        return _paged(view, [heading, Text(none + retracted_note(view.hidden_retracted) + ".")])
    table = entries_table(view.entries, view.names)
    return _paged(view, [heading, table, count_line(view.entries, view.hidden_retracted)])


def partner_history(view: PartnerView) -> RenderableType:
    history, names = view.history, view.names
    heading = Text.assemble((view.partner.name, "bold"), f" — partner history {known_label(view.as_of, view.window)}")
    parts: list[RenderableType] = [heading]
    if not history.entries:
        told = f" after {view.after}" if view.after else ""
        return _paged(
            view, [heading, Text(f"No facts{told} name this partner{retracted_note(view.hidden_retracted)}.")]
        )
    parts += _page_note(view, "meetings, people and projects")
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
    parts += [entries_table(history.entries, names), count_line(history.entries, view.hidden_retracted)]
    return _paged(view, parts)


def _page_note(view: Page, counted: str) -> list[RenderableType]:
    """On a page, the line saying that what is counted above its facts comes from them alone."""
    if not view.paged:
        return []
    where = f"after {view.after}" if view.after else "from the first"
    return [Text(f"A page: the facts {where}; {counted} counted from them alone.")]


def _paged(view: Page, parts: list[RenderableType]) -> RenderableType:
    """The parts, and on a page that has more, the line saying how to continue."""
    if view.next is not None:
        parts.append(Text(continuation(view.next)))
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
    scope += ("," if scope else "") + f" with {view.partner.name}" if view.partner else ""
    heading = Text.assemble(
        ("Targets", "bold"), f"{scope} — {known_label(view.as_of)} (deadlines judged on {view.judged_on.isoformat()})"
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
    if view.next is not None:
        return Group(heading, table, Text(continuation(view.next)))
    return Group(heading, table)


def _tenure(tenure: Any, names: dict[str, str]) -> str:
    span = str(tenure.first) if tenure.first == tenure.last else f"{tenure.first} … {tenure.last}"
    return f"{names.get(tenure.person, tenure.person)} (attested {span}; facts: {', '.join(tenure.facts)})"


def office(view: OfficeView) -> RenderableType:
    names = view.names
    heading = Text.assemble((view.office.name, "bold"), f" — {known_label(view.as_of, view.window)}")
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
    heading = Text.assemble((view.person.name, "bold"), f" — {known_label(view.as_of)}")
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
    parts: list[RenderableType] = [heading, *_page_note(view, "offices")]
    parts += [Text("offices:" if offices else "offices: none attested"), *offices]
    if view.entries or view.hidden_retracted:
        parts += [entries_table(view.entries, view.names), count_line(view.entries, view.hidden_retracted)]
    return _paged(view, parts)

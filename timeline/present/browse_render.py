"""Renderers for `show`, `list` and `changes`: rich renderables that wrap at any width and never print."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from events.vocabulary import ENTITY_SECTIONS
from timeline.present.browse_views import ChangesView, EntityList, FactDetail, FactList
from timeline.present.entry_table import disagreement_text, retracted_note
from timeline.present.labels import count_noun, field_text, figure_text, source_label

if TYPE_CHECKING:  # events and their descriptions only where events are shown: not for `list`
    from events.domain import DomainEvent
    from timeline.storage.log_reader import LoggedEvent


def _known(as_of: object) -> str:
    return f"as of {as_of}" if as_of else "as known now"


def _grid() -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column()
    return grid


def fact_detail(detail: FactDetail) -> RenderableType:
    """Every field, each source whole, disagreements, retraction, then the fact's events."""
    fact, names = detail.view.fact, detail.names
    heading = Text.assemble((fact.id, "bold"), f" — {_known(detail.as_of)}")
    fields = _grid()
    fields.add_row("title", Text(fact.title))
    fields.add_row("kind", Text(fact.kind))
    fields.add_row("occurred", Text(f"{fact.occurred} ({detail.view.occurred.display()})"
                                    if detail.view.occurred.display() != fact.occurred else fact.occurred))  # fmt: skip
    fields.add_row("status", Text(fact.status))
    for name in ("summary", "projects", "partners", "people", "place"):
        fields.add_row(name, Text(field_text(name, getattr(fact, name), names)))
    fields.add_row("figures", Text("\n".join(figure_text(f) for f in fact.figures) or "(none)"))
    for name in ("target", "fulfils", "notes"):
        fields.add_row(name, Text(field_text(name, getattr(fact, name), names)))
    if detail.retracted and detail.raw.retracted:
        fields.add_row("retracted", Text(f"on {detail.raw.retracted.on}: {detail.raw.retracted.reason}", style="red"))
    else:
        fields.add_row("retracted", Text("no"))
    visible = {source.key() for source in fact.sources}
    sources = [s for s in detail.raw.sources if s.key() in visible]
    grid = _grid()
    for number, source in enumerate(sources, start=1):
        latest = " — shown (the latest)" if source == detail.view.latest_source and len(sources) > 1 else ""
        grid.add_row(f"{number}.", Text(source_label(source) + latest))
        for name in ("title", "url", "quote", "note"):
            value = getattr(source, name)
            if value:
                grid.add_row(f"  {name}", Text(value))
        for name, value in sorted(source.differs.items()):
            grid.add_row("  differs", Text(f"{name}: {field_text(name, value, names)}"))
    parts: list[RenderableType] = [heading, fields, Text(f"Sources ({len(sources)}):", style="bold"), grid]
    parts.append(Text("Disagreements:" if detail.view.disagreements else "Disagreements: none", style="bold"))
    parts += [disagreement_text(d, names) for d in detail.view.disagreements]
    parts += [Text("History (recorded time, UTC):", style="bold"), history(detail.history, names)]
    return Group(*parts)


def history(events: list[LoggedEvent], names: dict[str, str]) -> Table:
    """'2025-01-01 10:00:00  corrected: title' and one line per field under it: 'title: old -> new'."""
    from timeline.present.changes import event_changes

    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for logged in events:
        told = event_changes(logged.event, names)
        grid.add_row(logged.recorded.strftime("%Y-%m-%d %H:%M:%S"), Text(told.headline))
        for change in told.changes:
            grid.add_row("", Text("  " + change.text(names), style="yellow"))
    return grid


def change_lines(events: Iterable[DomainEvent], names: dict[str, str]) -> list[RenderableType]:
    """Per subject, what was done to it: 'fact X: corrected: title' and, indented under it (wrapped lines
    too), each field's old -> new values."""
    from timeline.present.changes import event_changes

    lines: list[RenderableType] = []
    for event in events:
        told = event_changes(event, names)
        lines.append(Text(f"{told.stream} {told.subject}: {told.headline}"))
        if told.changes:
            fields = Table.grid()
            fields.add_column(width=4)
            fields.add_column()
            for change in told.changes:
                fields.add_row("", Text(change.text(names), style="yellow"))
            lines.append(fields)
    return lines


def entity_list(view: EntityList) -> RenderableType:
    scope = view.scope.describe().removeprefix(", ")
    kinds = f" of kind {' or '.join(view.kinds)}" if view.kinds else ""
    heading = Text.assemble((view.what.capitalize(), "bold"), kinds, f" named by facts {scope}" if scope else "")
    noun = ENTITY_SECTIONS[view.what]
    count = Text(count_noun(len(view.rows), noun, "people" if view.what == "people" else None))
    if not view.rows:
        return Group(heading, count)
    table = Table(show_header=True, header_style="bold", pad_edge=False)
    table.add_column("Id", overflow="fold", min_width=min(24, max(len(row.record.id) for row in view.rows)))
    table.add_column("Name")
    if view.what in ("organisations", "offices"):
        table.add_column("Kind" if view.what == "organisations" else "Organisation", min_width=10)
    table.add_column("Facts", justify="right", no_wrap=True, min_width=5)
    for row in view.rows:
        record = row.record
        cells = [Text(record.id), Text(record.name)]
        if view.what == "organisations":
            cells.append(Text(record.kind or ""))
        elif view.what == "offices":
            cells.append(Text(view.names.get(record.organisation or "", record.organisation or "")))
        table.add_row(*cells, str(row.facts))
    if view.next is None:
        return Group(heading, table, count)
    from timeline.present.stream import continuation

    return Group(heading, table, count, Text(continuation(view.next)))


def fact_list(view: FactList) -> RenderableType:
    filters = view.filters
    window = ""
    if not filters.window.is_open:
        since, until = filters.window.since, filters.window.until
        window = f", occurred {since or '…'} to {until or '…'}"
    heading = Text.assemble(("Facts", "bold"), f" — {_known(filters.as_of)}{window}{view.scope.describe()}")
    count = Text(count_noun(len(view.entries), "fact") + retracted_note(view.hidden_retracted))
    if not view.entries:
        return Group(heading, count)
    table = Table(show_header=True, header_style="bold", pad_edge=False)
    table.add_column("Occurred", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Fact", overflow="fold")
    for entry in view.entries:
        fact = entry.view.fact
        kind = fact.kind + ("\nretracted" if entry.retracted else "")
        mark = " *" if entry.partial else ""
        table.add_row(entry.view.occurred.display() + mark, kind, Text.assemble(fact.title, (f"\n{fact.id}", "dim")))
    if view.next is None:
        return Group(heading, table, count)
    from timeline.present.stream import continuation

    return Group(heading, table, count, Text(continuation(view.next)))


def changes(view: ChangesView) -> RenderableType:
    past = f" after position {view.after}" if view.after else ""
    if not view.events:
        when = f"since {view.since.isoformat()}" if view.since else "yet"
        return Text(f"No events recorded {when}{past}.")
    first = view.events[0].recorded.strftime("%Y-%m-%d %H:%M:%S")
    scope = f"since {view.since.isoformat()}" if view.since else f"by the last ingest, recorded {first} UTC"
    from timeline.present.changes import summary_of

    heading = Text.assemble(("Changes", "bold"), f" {scope}: ", summary_of([e.event for e in view.events]))
    lines: list[RenderableType] = [heading]
    if view.paged:
        lines.append(Text(f"A page: the events{past or ' from the first'}, counted alone."))
    lines += change_lines([e.event for e in view.events], view.names)
    lines.append(Text("One fact whole, with its history: timeline show ID", style="dim"))
    if view.next is not None:
        from timeline.present.stream import continuation

        lines.append(Text(continuation(view.next)))
    return Group(*lines)

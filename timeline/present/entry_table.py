"""What the console views share: the table of timeline entries, their count line, and the label of the time
they were asked about (as of a knowledge date, in a window of occurred time).

User text goes into `Text` objects, never into markup strings, so a title like "[1850?]" is shown as is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from projections.chronology import TimelineEntry, Window
from projections.entities import name_at
from timeline.present.labels import count_noun, field_text, figure_text, source_label

KIND_STYLES = {
    "meeting": "cyan",
    "target": "magenta",
    "milestone": "green",
    "statistic": "blue",
    "appointment": "yellow",
    "agreement": "bright_green",
    "announcement": "white",
}


def known_label(as_of: date | None, window: Window = Window()) -> str:
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


def count_line(entries: list[TimelineEntry], hidden_retracted: int = 0) -> Text:
    partial = "; * = not wholly inside the window" if any(e.partial for e in entries) else ""
    return Text(count_noun(len(entries), "fact") + partial + retracted_note(hidden_retracted))


def retracted_note(hidden: int) -> str:
    """'; 1 retracted fact not shown (--include-retracted)', or nothing."""
    return f"; {count_noun(hidden, 'retracted fact')} not shown (--include-retracted)" if hidden else ""

"""Console renderers of the results across entities: search hits, the knowledge diff, statistics per year.
Each builds rich renderables from a view and never prints."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from events.text import counted
from events.vocabulary import FACT_KINDS
from timeline.present.entry_table import known_label, retracted_note
from timeline.present.labels import count_noun, field_text, source_label
from timeline.present.result_views import DiffView, SearchView, StatsView
from timeline.present.stream import continuation
from timeline.present.yeartable import YearTable, all_years


def search(view: SearchView) -> RenderableType:
    heading = Text.assemble(
        ("Search ", "bold"), Text(repr(view.query)), f" — {known_label(view.as_of)}{view.scope.describe()}"
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
    lines: list[RenderableType] = [
        Text.assemble(("Knowledge diff", "bold"), f"{_diff_scope(view)}: {d.since.isoformat()} → {d.until.isoformat()}")
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


def _diff_scope(view: DiffView) -> str:
    """' for Project X, with Partner Y, of kind K, occurred A to B': what the diff's facts were narrowed to."""
    parts = [f"for {view.project.name}"] if view.project else []
    parts += [f"with {e.name}" for e in view.scope.entities if e.entity != "project"]
    parts += [f"of kind {' or '.join(view.scope.kinds)}"] if view.scope.kinds else []
    parts += [known_label(None, view.window).removeprefix("as known now, ")] if not view.window.is_open else []
    return (" " + ", ".join(parts)) if parts else ""


def stats(view: StatsView, plot: str | None = None) -> RenderableType:
    """Two tables: facts per year by kind, and per partner per year; then what was counted and left out."""
    counts, names = view.stats, view.names
    scope = "".join(
        f" {word} {entity.name}" for word, entity in (("of", view.project), ("with", view.partner)) if entity
    )
    known = known_label(view.as_of, view.window) + (f", kind {' or '.join(view.kinds)}" if view.kinds else "")
    heading: RenderableType = Text.assemble(("Facts per year", "bold"), f"{scope} — {known}")
    retracted = f"{counted(counts.retracted, 'retracted fact')} excluded"
    if view.after is not None or view.next is not None:
        heading = Group(heading, Text(f"A page: the {page_of(view.after)}, counted alone."))
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


def page_of(after: str | None) -> str:
    """Which facts a page of `stats` counts."""
    return "facts in occurred order" + (f" after {after}" if after else "")

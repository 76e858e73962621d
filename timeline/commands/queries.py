"""Query commands: an entity's timeline or history (`project`, `partner`, `person`), `targets`, `who`, `search`,
`diff` (knowledge dates, or the audit between recorded times) and `stats`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import click

from timeline.commands.options import (
    db_option,
    json_option,
    page_options,
    parse_bound,
    parse_recorded,
    query_options,
    recorded_option,
)
from timeline.commands.printing import Notices, answer, consult, emit, show

if TYPE_CHECKING:
    from projections.selection import Filters
    from timeline.service import Store


def entity_command(
    name: str, doc: str, filters: tuple[str, ...], ask: Callable[[Store, str, Filters, str | None, int | None], Any]
) -> click.Command:
    """A command that answers about one entity (REF: an id or an alias) under the given query options, all its
    facts or a page of them (--limit N --after FACT, in the order printed)."""

    @click.argument("ref")
    @query_options(*filters)
    @page_options("fact id")
    @db_option()
    @json_option
    def command(ref: str, filters: Filters, limit: int | None, after: str | None, db: str, as_json: bool) -> None:
        answer(db, as_json, lambda store: ask(store, ref, filters, after, limit))

    command.__doc__ = doc
    return click.command(name=name)(command)


project = entity_command(
    "project",
    "A project's timeline, oldest first, as known now or --as-of a past day (--limit N: N facts a page).",
    ("as_of", "window", "partner", "kind", "retracted"),
    lambda store, ref, filters, after, limit: store.project(ref, filters=filters, after=after, limit=limit),
)
partner = entity_command(
    "partner",
    "A partner's history: its facts, meetings per year, people met and projects (--limit N: N facts a page, and "
    "what they count).",
    ("as_of", "window", "project", "kind", "retracted"),
    lambda store, ref, filters, after, limit: store.partner(ref, filters=filters, after=after, limit=limit),
)
person = entity_command(
    "person",
    "The offices a person held over time, and the facts they appear in (--limit N: N facts a page, and the offices "
    "they attest).",
    ("as_of", "window", "project", "partner", "kind", "retracted"),
    lambda store, ref, filters, after, limit: store.person(ref, filters=filters, after=after, limit=limit),
)


@click.command()
@query_options("as_of", "project", "partner")
@page_options("target key")
@db_option()
@json_option
def targets(filters: Filters, limit: int | None, after: str | None, db: str, as_json: bool) -> None:
    """Each target's statements over time and its state: open, revised, met or overdue (--project, --partner:
    the targets stated in facts of the project, naming the partner; --limit N: N targets a page, in key order)."""
    answer(db, as_json, lambda store: store.targets(None, None, date.today(), filters, after, limit))


@click.command(name="who")
@click.argument("ref")
@click.option("--on", help="Who held the office on this day (occurred time).")
@query_options("as_of", "window")
@db_option()
@json_option
def who(ref: str, on: str | None, filters: Filters, db: str, as_json: bool) -> None:
    """Who held an office on a day (with the facts attesting it), or every holder over time (--since/--until:
    the holders attested then)."""
    from timeline.errors import InvalidOption

    on_day = parse_bound("--on", on, upper=False)
    if on is not None and on_day != parse_bound("--on", on, upper=True):
        raise InvalidOption(f"--on: {on!r} is not a single day; give YYYY-MM-DD")
    if on is not None and not filters.window.is_open:
        raise InvalidOption("who: give either --on (one day) or --since/--until (the holders attested then)")
    answer(db, as_json, lambda store: store.office(ref, on_day, filters.as_of, filters.window))


@click.command()
@click.argument("words", nargs=-1, required=True)
@query_options("as_of", "window", "project", "partner", "kind", "retracted")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="Hits per page.")
@click.option("--after", type=click.IntRange(0), default=0, help="Continue after this many hits (a page's end).")
@db_option()
@json_option
def search(words: tuple[str, ...], filters: Filters, limit: int, after: int, db: str, as_json: bool) -> None:
    """Full-text search over titles, summaries, quotes, notes and entity aliases (no diacritics needed)."""
    answer(db, as_json, lambda store: store.search(" ".join(words), limit=limit, filters=filters, after=after))


@click.command()
@click.option("--from", "from_text", help="The earlier knowledge date (EDTF; its last day).")
@click.option("--to", "to_text", help="The later knowledge date (EDTF; its last day).")
@click.option("--recorded-from", help="Audit: from this recorded (system) time, inclusive (ISO date or date-time).")
@click.option("--recorded-to", help="Audit: to this recorded (system) time, exclusive (default: now).")
@query_options("window", "project", "partner", "kind")
@page_options("fact id")
@recorded_option
@db_option()
@json_option
def diff(
    from_text: str | None,
    to_text: str | None,
    recorded_from: str | None,
    recorded_to: str | None,
    filters: Filters,
    limit: int | None,
    after: str | None,
    db: str,
    as_json: bool,
) -> None:
    """What the public record gained, changed or lost between two knowledge dates (--from/--to; --limit N: N facts
    a page; --project, --partner, --kind, --since/--until: only facts some statement puts there), or what this
    store itself gained between two recorded times (--recorded-from/--recorded-to: the audit, corrections
    included)."""
    from projections.selection import Filters
    from timeline.errors import InvalidOption

    if recorded_from is not None or recorded_to is not None:
        if from_text or to_text or filters != Filters():
            raise InvalidOption("diff: give either --from/--to (knowledge dates) or --recorded-from/--recorded-to")
        if recorded_from is None:
            raise InvalidOption("diff: --recorded-to needs --recorded-from")
        low = parse_recorded("--recorded-from", recorded_from)
        high = parse_recorded("--recorded-to", recorded_to) if recorded_to else datetime.now(UTC)
        from timeline.present.audit import render as render_audit
        from timeline.service import Store

        with Store(db, steps=Notices()) as store:
            audit = store.audit(low, high)
        emit(as_json, audit.to_json, lambda: render_audit(audit))
        return
    if from_text is None or to_text is None:
        raise InvalidOption("diff: give --from and --to (knowledge dates), or --recorded-from (recorded times)")
    since, until = parse_bound("--from", from_text, upper=True), parse_bound("--to", to_text, upper=True)
    answer(db, as_json, lambda store: store.diff(since, until, after=after, limit=limit, filters=filters))


@click.command()
@query_options("as_of", "window", "project", "partner", "kind")
@click.option("--plot", "plot_path", help="Also draw the counts and target values to FILE.svg or FILE.png.")
@page_options("fact id")
@db_option()
@json_option
def stats(
    filters: Filters, plot_path: str | None, limit: int | None, after: str | None, db: str, as_json: bool
) -> None:
    """Facts per year by kind and per partner (retracted facts excluded); --plot draws them; --limit N counts a
    page of N facts in occurred order."""
    if plot_path:
        from timeline.present.plots import plot, plot_format

        plot_format(plot_path)  # a wrong extension fails before any work
    view = consult(db, lambda store: store.stats(after=after, limit=limit, filters=filters))
    if plot_path:
        plot(view, plot_path)
    show(as_json, view, lambda view: _stats_table(view, plot_path))
    if view.next is not None and not as_json:  # one line, never wrapped: it is a command to copy
        from timeline.present.stream import continuation

        click.echo(continuation(view.next))


def _stats_table(view: Any, plot_path: str | None) -> Any:
    from timeline.present import result_render  # rich: only to print for people

    return result_render.stats(view, plot_path)


COMMANDS = (project, partner, person, targets, who, search, diff, stats)

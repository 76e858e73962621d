"""The `timeline` command: parse options, call the service once, render. Nothing else lives here."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from timeline.cli_options import page_options, parse_bound, parse_kinds, parse_position, parse_recorded, query_options
from timeline.exports import FORMATS

if TYPE_CHECKING:
    from projections.selection import Filters

DEMO_DB = "timeline-demo.db"


class TimelineGroup(click.Group):
    """Renders every user error once, as plain lines on stderr, with its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        from timeline.errors import TimelineError

        try:
            return super().invoke(ctx)
        except TimelineError as error:
            if os.environ.get("TIMELINE_DEBUG"):
                raise
            for line in error.lines():
                click.echo(line, err=True)
            ctx.exit(error.exit_code)


def console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def emit(as_json: bool, data: Callable[[], Any], renderable: Callable[[], Any]) -> None:
    from timeline.present.canonical import canonical_json

    if as_json:
        click.echo(canonical_json(data()))
    else:
        console().print(renderable())


def answer(db: str, as_json: bool, ask: Callable[[Any], Any], renderer: str, module: str = "render") -> None:
    """Open the store, ask it one question, print the view it returns (canonical JSON or rich)."""
    from timeline.service import Timeline

    with Timeline(db) as store:
        view = ask(store)
    emit(as_json, view.to_json, lambda: getattr(_render(module), renderer)(view))


def _render(module: str = "render"):  # type: ignore[no-untyped-def]
    """The rich renderers, imported only to print for people (not for --json)."""
    from importlib import import_module

    return import_module(f"timeline.present.{module}")


def store_label(db: str) -> str:
    """The store as output names it: never with a PostgreSQL password."""
    from timeline.storage import database

    return database.store_label(db)


def db_option(default: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--db",
        envvar="TIMELINE_DB",
        default=default,
        show_default=bool(default),
        help="Store: an SQLite file path or postgresql://user[:password]@host[:port]/db[?schema=name] "
        "(env TIMELINE_DB; default ./timeline.db).",
    )


json_option = click.option("--json", "as_json", is_flag=True, help="Print canonical JSON for machines.")
as_of_option = click.option("--as-of", "as_of", help="Replay the record as it stood on this day (EDTF).")


_bound = parse_bound


def _as_of(text: str | None) -> date | None:
    return _bound("--as-of", text, upper=True)


def _window(since: str | None, until: str | None):  # type: ignore[no-untyped-def]
    from projections.chronology import Window

    return Window(_bound("--since", since, upper=False), _bound("--until", until, upper=True))


def date_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--as-of (knowledge date) and --since/--until (occurred window); a partial date means its whole span."""
    func = click.option("--until", help="Only facts that occurred by this date (EDTF; 2023 = end of 2023).")(func)
    func = click.option("--since", help="Only facts that occurred from this date (EDTF).")(func)
    return as_of_option(func)


@click.group(cls=TimelineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="timeline")
def main() -> None:
    """An event-sourced timeline of projects and partnerships, built from sourced news facts."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@db_option()
@json_option
def check(paths: tuple[str, ...], db: str | None, as_json: bool) -> None:
    """Validate input files and directories without writing anything."""
    from timeline import service
    from timeline.present import render

    report = service.check(paths, db)
    emit(as_json, report.to_json, lambda: render.check_report(report, paths))


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--complete",
    is_flag=True,
    help="The input holds every fact: also report the facts in the store that it lacks (reads every fact id).",
)
@click.option("-v", "--verbose", is_flag=True, help="Say what was done to each fact and entity.")
@db_option("timeline.db")
@json_option
def ingest(paths: tuple[str, ...], complete: bool, verbose: bool, db: str, as_json: bool) -> None:
    """Validate everything, then append the resulting events in one transaction (all or nothing)."""
    from rich.console import Console

    from timeline import service
    from timeline.present import render

    progress = Console(stderr=True)
    steps = render.ProgressSteps(progress) if progress.is_terminal else service.Quiet()
    plan = service.ingest(paths, db, steps, complete)
    emit(as_json, plan.summary, lambda: render.ingest_summary(plan, store_label(db), verbose))


@main.command()
@click.argument("ref")
@query_options("as_of", "window", "partner", "kind", "retracted")
@db_option("timeline.db")
@json_option
def project(ref: str, filters: Filters, db: str, as_json: bool) -> None:
    """A project's timeline, oldest first, as known now or --as-of a past day."""
    answer(db, as_json, lambda store: store.project(ref, filters=filters), "project_timeline")


@main.command()
@click.argument("ref")
@query_options("as_of", "window", "project", "kind", "retracted")
@db_option("timeline.db")
@json_option
def partner(ref: str, filters: Filters, db: str, as_json: bool) -> None:
    """A partner's history: its facts, meetings per year, people met and projects."""
    answer(db, as_json, lambda store: store.partner(ref, filters=filters), "partner_history")


@main.command()
@click.option("--project", "ref", help="Only targets of this project.")
@as_of_option
@db_option("timeline.db")
@json_option
def targets(ref: str | None, as_of: str | None, db: str, as_json: bool) -> None:
    """Each target's statements over time and its state: open, revised, met or overdue."""
    answer(db, as_json, lambda store: store.targets(ref, _as_of(as_of), date.today()), "targets")


@main.command(name="who")
@click.argument("ref")
@click.option("--on", help="Who held the office on this day (occurred time).")
@as_of_option
@db_option("timeline.db")
@json_option
def who_command(ref: str, on: str | None, as_of: str | None, db: str, as_json: bool) -> None:
    """Who held an office on a day (with the facts attesting it), or every holder over time."""
    on_day = _bound("--on", on, upper=False)
    if on is not None and on_day != _bound("--on", on, upper=True):
        from timeline.errors import InvalidOption

        raise InvalidOption(f"--on: {on!r} is not a single day; give YYYY-MM-DD")
    answer(db, as_json, lambda store: store.office(ref, on_day, _as_of(as_of)), "office")


@main.command()
@click.argument("ref")
@query_options("as_of", "window", "project", "partner", "kind", "retracted")
@db_option("timeline.db")
@json_option
def person(ref: str, filters: Filters, db: str, as_json: bool) -> None:
    """The offices a person held over time, and the facts they appear in."""
    answer(db, as_json, lambda store: store.person(ref, filters=filters), "person")


@main.command()
@click.argument("words", nargs=-1, required=True)
@query_options("as_of", "window", "project", "partner", "kind", "retracted")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="Hits per page.")
@click.option("--after", type=click.IntRange(0), default=0, help="Continue after this many hits (a page's end).")
@db_option("timeline.db")
@json_option
def search(words: tuple[str, ...], filters: Filters, limit: int, after: int, db: str, as_json: bool) -> None:
    """Full-text search over titles, summaries, quotes, notes and entity aliases (no diacritics needed)."""
    ask = lambda store: store.search(" ".join(words), limit=limit, filters=filters, after=after)  # noqa: E731
    answer(db, as_json, ask, "search")


@main.command()
@click.argument("ref")
@query_options("as_of")
@db_option("timeline.db")
@json_option
def show(ref: str, filters: Filters, db: str, as_json: bool) -> None:
    """One fact whole: every field and figure, each source, disagreements, retraction and its history."""
    from timeline import browse

    answer(db, as_json, lambda store: browse.show(store, ref, filters.as_of), "fact_detail", "browse_render")


@main.command(name="list")
@click.argument("what", type=click.Choice(["projects", "organisations", "offices", "people", "facts"]))
@query_options("as_of", "window", "project", "partner", "retracted")
@click.option("--kind", "kinds", multiple=True, help="Facts of this kind, or organisations of this kind.")
@db_option("timeline.db")
@json_option
def list_command(what: str, filters: Filters, kinds: tuple[str, ...], db: str, as_json: bool) -> None:
    """What is stored: projects, organisations, offices, people (with how many facts name each) or facts."""
    from timeline import browse

    if what == "facts":
        facts = replace(filters, kinds=parse_kinds(kinds))
        answer(db, as_json, lambda store: browse.list_facts(store, facts), "fact_list", "browse_render")
    else:
        answer(db, as_json, lambda store: browse.list_entities(store, what, kinds, filters), "entity_list",
               "browse_render")  # fmt: skip


@main.command()
@click.option("--last", "last", is_flag=True, help="What the last ingest changed (the default).")
@click.option("--since", help="Everything recorded at or after this time (YYYY-MM-DD[THH:MM[:SS]], UTC).")
@db_option("timeline.db")
@json_option
def changes(last: bool, since: str | None, db: str, as_json: bool) -> None:
    """What an ingest changed: new facts, sources added, corrections (old -> new) and retractions."""
    from timeline import browse

    when = parse_recorded("--since", since) if since else None
    if last and when:
        from timeline.errors import InvalidOption

        raise InvalidOption("changes: give --last or --since, not both")
    answer(db, as_json, lambda store: browse.changes(store, when), "changes", "browse_render")


@main.command()
@click.option("--from", "since", required=True, help="The earlier knowledge date (EDTF; its last day).")
@click.option("--to", "until", required=True, help="The later knowledge date (EDTF; its last day).")
@click.option("--project", "ref", help="Only facts of this project.")
@page_options("fact id")
@db_option("timeline.db")
@json_option
def diff(since: str, until: str, ref: str | None, limit: int | None, after: str | None, db: str, as_json: bool) -> None:
    """What the public record gained, changed or lost between two knowledge dates; --limit N: N facts a page."""
    since_day, until_day = _bound("--from", since, upper=True), _bound("--to", until, upper=True)
    answer(db, as_json, lambda store: store.diff(since_day, until_day, ref, after, limit), "diff")


@main.command(name="export")
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(list(FORMATS)),
    help="jsonl (input format, ingestible), csv, ics (iCalendar), md (Markdown), timelinejs (JSON), "
    "html (one self-contained page).",
)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write to this file (default: stdout).")
@click.option("--project", "project_ref", help="Only facts of this project.")
@click.option("--partner", "partner_ref", help="Only facts naming this partner.")
@date_options
@db_option("timeline.db")
def export_command(
    fmt: str,
    out: str | None,
    project_ref: str | None,
    partner_ref: str | None,
    as_of: str | None,
    since: str | None,
    until: str | None,
    db: str,
) -> None:
    """Export the selected facts (and the entities they name) for other tools."""
    from timeline.exports import export
    from timeline.service import Timeline

    with Timeline(db) as store:
        selected = store.export(_as_of(as_of), _window(since, until), project_ref, partner_ref)
    text = export(fmt, selected)
    if out is None:
        click.echo(text, nl=False)
    else:
        from pathlib import Path

        from timeline.errors import OutputError

        try:
            Path(out).write_bytes(text.encode("utf-8"))
        except OSError as error:  # a full disk, /dev/full, a vanished directory
            raise OutputError(f"--out {out}: cannot write: {error.strerror or error}") from None


@main.command()
@click.option("--project", "project_ref", help="Only facts of this project.")
@click.option("--partner", "partner_ref", help="Only facts naming this partner.")
@click.option("--plot", "plot_path", help="Also draw the counts and target values to FILE.svg or FILE.png.")
@as_of_option
@db_option("timeline.db")
@json_option
def stats(
    project_ref: str | None, partner_ref: str | None, plot_path: str | None, as_of: str | None, db: str, as_json: bool
) -> None:
    """Facts per year by kind and per partner (retracted facts excluded); --plot draws them."""
    from timeline.present import render
    from timeline.service import Timeline

    if plot_path:
        from timeline.present.plots import plot, plot_format

        plot_format(plot_path)  # a wrong extension fails before any work
    with Timeline(db) as store:
        view = store.stats(_as_of(as_of), project_ref, partner_ref)
    if plot_path:
        plot(view, plot_path)
    emit(as_json, view.to_json, lambda: render.stats(view, plot_path))


@main.command()
@db_option("timeline.db")
@json_option
def rebuild(db: str, as_json: bool) -> None:
    """Recreate every read model from the log."""
    from rich.text import Text

    from timeline.service import Timeline

    with Timeline(db) as store:
        applied = store.rebuild()
    shown = store_label(db)
    emit(
        as_json, lambda: {"applied": applied}, lambda: Text(f"{shown}: rebuilt the read models from {applied} events.")
    )


@main.command()
@db_option("timeline.db")
@json_option
def verify(db: str, as_json: bool) -> None:
    """Rebuild in memory and compare with the stored read models; exit 1 on any difference."""
    from timeline.present import render
    from timeline.service import Timeline

    with Timeline(db, catch_up=False) as store:
        report = store.verify()
    emit(as_json, report.to_json, lambda: render.verify_report(report))
    if not report.ok:
        raise SystemExit(1)


@main.command()
@click.option(
    "--facts",
    default=10_000,
    show_default=True,
    type=click.IntRange(100, 10_000_000),
    help="Size of the synthetic corpus.",
)
@click.option("--seed", default=7, show_default=True, help="Seed of the corpus generator.")
@json_option
def bench(facts: int, seed: int, as_json: bool) -> None:
    """Benchmark ingest, rebuild, queries and start-up against raw SQLite on a fresh synthetic store."""
    from timeline.dev.bench import run
    from timeline.present import render

    figures = run(facts, seed)
    emit(as_json, lambda: figures, lambda: render.bench_report(figures))


def write(text: str) -> None:
    click.echo(text, nl=False)


@main.command()
@click.option("--fact", help="Only this fact's events.")
@page_options("position (with --fact: version)")
@db_option("timeline.db")
@json_option
def log(fact: str | None, limit: int | None, after: str | None, db: str, as_json: bool) -> None:
    """The raw events, with their recorded time and, where they have one, reported dates; streamed."""
    from timeline.present import stream
    from timeline.present.canonical import canonical_json
    from timeline.service import Timeline

    start = parse_position(after)
    with Timeline(db) as store:
        events = store.event_page(fact, start, limit)
        if as_json and limit is None:
            stream.json_list(map(stream.event_json, events), write)
        elif as_json:
            items = [stream.event_json(logged) for logged in events]
            write(canonical_json({"events": items, "next": events.next}) + "\n")
        else:
            stream.event_lines(events, write, by_version=fact is not None)
            if events.next is not None:
                write(stream.continuation(events.next) + "\n")


@main.command()
@click.argument("article", type=click.Path(dir_okay=False))
@click.option("--published", help="Publication date (EDTF); else a stamp on the page; else none.")
@click.option("--url", help="The article's address.")
@click.option("--outlet", help="The outlet's name.")
@click.option("--lang", type=click.Choice(["vi", "en"]), help="The article's language (guessed when absent).")
@db_option()
def draft(
    article: str, published: str | None, url: str | None, outlet: str | None, lang: str | None, db: str | None
) -> None:
    """Draft candidate facts from an article (rules only) as YAML to review, fill in and ingest."""
    from timeline import service

    click.echo(service.draft_article(article, published, url, outlet, lang, db), nl=False)


@main.command()
@db_option(DEMO_DB)
@click.option("--project", "ref", default="north-hanoi-smart-city", show_default=True)
def demo(db: str, ref: str) -> None:
    """Load the bundled sample (built from the seed articles) and print a timeline now and as of 2022-03-22."""
    from rich.text import Text

    from timeline.present import render
    from timeline.service import Timeline, sample_paths

    out = console()
    with Timeline(db, create=True) as store:
        plan = store.ingest(sample_paths())
        now = store.project(ref)
        before = store.project(ref, date(2022, 3, 22))
    shown = store_label(db)
    out.print(render.ingest_summary(plan, shown))
    out.print()
    out.print(render.project_timeline(now))
    out.print()
    out.print(render.project_timeline(before))
    out.print()
    out.print(
        Text(
            f"Replay: on 2022-03-22 the public record held {len(before.entries)} of the "
            f"{len(now.entries)} facts known now. Query this store: timeline project {ref} --db {shown}"
        )
    )


if __name__ == "__main__":
    sys.exit(main())

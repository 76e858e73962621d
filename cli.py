"""The `timeline` command: parse options, call the service once, render. Nothing else lives here."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import click

from timeline import DEFAULT_DB
from timeline.cli_options import (
    page_options,
    parse_bound,
    parse_kinds,
    parse_position,
    parse_recorded,
    query_options,
    recorded_before,
    recorded_option,
)
from timeline.exports import FORMATS

if TYPE_CHECKING:
    from projections.selection import Filters


class TimelineGroup(click.Group):
    """Renders every user error once, as plain lines on stderr, with its exit code; with --json, also as
    `{"error": {...}, "problems": [...]}` on stdout. Ctrl-C, unwritable paths, a full disk and a closed pipe are
    user errors too: never a traceback (unless TIMELINE_DEBUG is set)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["as_json"] = "--json" in args
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        from timeline.errors import FileError, Interrupted, TimelineError

        as_json = bool(ctx.meta.get("as_json"))
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a full disk or a closed pipe shows here, not at exit
            return result
        except BrokenPipeError:  # `timeline ... | head`: the reader has what it wanted
            _silence_stdout()
            ctx.exit(141)
        except (TimelineError, KeyboardInterrupt, OSError) as caught:
            if os.environ.get("TIMELINE_DEBUG"):
                raise
            error = (
                caught
                if isinstance(caught, TimelineError)
                else Interrupted()
                if isinstance(caught, KeyboardInterrupt)
                else FileError.from_os_error(caught)
            )
            _fail(ctx, error, as_json)


def _fail(ctx: click.Context, error: Any, as_json: bool) -> None:
    """The error's lines on stderr (and its JSON on stdout with --json), then its exit code."""
    if as_json:
        from timeline.present.canonical import canonical_json

        try:
            click.echo(canonical_json(error.to_json()))
        except OSError:
            _silence_stdout()
    for line in error.lines():
        click.echo(line, err=True)
    ctx.exit(error.exit_code)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush cannot fail again at exit."""
    try:
        sys.stdout.flush()
    except OSError:
        pass
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test runner's buffer)
        pass


def console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    class Stdout(Console):
        def on_broken_pipe(self) -> None:  # rich would exit 1; a closed pipe ends every command alike
            raise BrokenPipeError

    return Stdout(highlight=False, soft_wrap=False)


def emit(as_json: bool, data: Callable[[], Any], renderable: Callable[[], Any]) -> None:
    from timeline.present.canonical import canonical_json

    if as_json:
        click.echo(canonical_json(data()))
    else:
        console().print(renderable())


def answer(db: str, as_json: bool, ask: Callable[[Any], Any]) -> None:
    """Open the store (as recorded before --recorded-before, if given), ask it one question, print the view it
    returns (canonical JSON or rich)."""
    from timeline.service import Timeline

    before = recorded_before()
    with Timeline(db, recorded_before=before) as store:
        view = ask(store)
    emit(
        as_json,
        lambda: system_time_json(view.to_json(), before),
        lambda: system_time_note(before, _renderable(view)),
    )


def system_time_json(data: Any, before: datetime | None) -> Any:
    if before is None or not isinstance(data, dict):
        return data
    from timeline.storage.recorded import recorded_key

    return {**data, "recorded_before": recorded_key(before)}


def system_time_note(before: datetime | None, renderable: Any) -> Any:
    """A printout answered from an earlier state of the store says so first."""
    if before is None:
        return renderable
    from rich.console import Group
    from rich.text import Text

    from timeline.storage.recorded import recorded_key

    return Group(Text(f"As this store held it before {recorded_key(before)} (system time)", style="bold"), renderable)


def _renderable(view: object) -> Any:
    """The view drawn for people; the renderers (and rich) are imported only then, never for --json."""
    from timeline.present.renderers import renderable

    return renderable(view)


def store_label(db: str) -> str:
    """The store as output names it: never with a PostgreSQL password."""
    from timeline.storage import database

    return database.store_label(db)


def db_option(default: str | None = DEFAULT_DB) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--db: the store; `default` None means "none unless given" (check and draft then work without one)."""
    fallback = f"default ./{default}" if default else "default: none, the files alone"
    return click.option(
        "--db",
        envvar="TIMELINE_DB",
        default=default,
        help="Store: an SQLite file path or postgresql://user[:password]@host[:port]/db[?schema=name] "
        f"(env TIMELINE_DB; {fallback}).",
    )


json_option = click.option("--json", "as_json", is_flag=True, help="Print canonical JSON for machines.")
_as_of_only = click.option("--as-of", "as_of", help="Replay the record as it stood on this day (EDTF).")


def as_of_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--as-of (knowledge time) and --recorded-before (system time): together, a bitemporal query."""
    return recorded_option(_as_of_only(func))


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
@db_option(None)
@json_option
def check(paths: tuple[str, ...], db: str | None, as_json: bool) -> None:
    """Validate input files and directories without writing anything."""
    from timeline import service
    from timeline.present import render

    report = service.check(paths, db, date.today())
    emit(as_json, report.to_json, lambda: render.check_report(report, paths))


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--complete",
    is_flag=True,
    help="The input holds every fact: also report the facts in the store that it lacks (reads every fact id).",
)
@click.option("-v", "--verbose", is_flag=True, help="Say what was done to each fact and entity.")
@db_option()
@json_option
def ingest(paths: tuple[str, ...], complete: bool, verbose: bool, db: str, as_json: bool) -> None:
    """Validate everything, then append the resulting events in one transaction (all or nothing)."""
    from rich.console import Console

    from timeline import service
    from timeline.present import render

    progress = Console(stderr=True)
    steps = render.ProgressSteps(progress) if progress.is_terminal else service.Quiet()
    plan = service.ingest(paths, db, steps, complete, date.today())
    try:
        emit(as_json, plan.summary, lambda: render.ingest_summary(plan, store_label(db), verbose))
    except KeyboardInterrupt:  # everything was written; only the summary was cut short
        from timeline.errors import Interrupted

        raise Interrupted(plan.appended) from None


@main.command()
@click.argument("ref")
@query_options("as_of", "window", "partner", "kind", "retracted")
@db_option()
@json_option
def project(ref: str, filters: Filters, db: str, as_json: bool) -> None:
    """A project's timeline, oldest first, as known now or --as-of a past day."""
    answer(db, as_json, lambda store: store.project(ref, filters=filters))


@main.command()
@click.argument("ref")
@query_options("as_of", "window", "project", "kind", "retracted")
@db_option()
@json_option
def partner(ref: str, filters: Filters, db: str, as_json: bool) -> None:
    """A partner's history: its facts, meetings per year, people met and projects."""
    answer(db, as_json, lambda store: store.partner(ref, filters=filters))


@main.command()
@click.option("--project", "ref", help="Only targets of this project.")
@as_of_option
@db_option()
@json_option
def targets(ref: str | None, as_of: str | None, db: str, as_json: bool) -> None:
    """Each target's statements over time and its state: open, revised, met or overdue."""
    answer(db, as_json, lambda store: store.targets(ref, _as_of(as_of), date.today()))


@main.command(name="who")
@click.argument("ref")
@click.option("--on", help="Who held the office on this day (occurred time).")
@as_of_option
@db_option()
@json_option
def who_command(ref: str, on: str | None, as_of: str | None, db: str, as_json: bool) -> None:
    """Who held an office on a day (with the facts attesting it), or every holder over time."""
    on_day = _bound("--on", on, upper=False)
    if on is not None and on_day != _bound("--on", on, upper=True):
        from timeline.errors import InvalidOption

        raise InvalidOption(f"--on: {on!r} is not a single day; give YYYY-MM-DD")
    answer(db, as_json, lambda store: store.office(ref, on_day, _as_of(as_of)))


@main.command()
@click.argument("ref")
@query_options("as_of", "window", "project", "partner", "kind", "retracted")
@db_option()
@json_option
def person(ref: str, filters: Filters, db: str, as_json: bool) -> None:
    """The offices a person held over time, and the facts they appear in."""
    answer(db, as_json, lambda store: store.person(ref, filters=filters))


@main.command()
@click.argument("words", nargs=-1, required=True)
@query_options("as_of", "window", "project", "partner", "kind", "retracted")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="Hits per page.")
@click.option("--after", type=click.IntRange(0), default=0, help="Continue after this many hits (a page's end).")
@db_option()
@json_option
def search(words: tuple[str, ...], filters: Filters, limit: int, after: int, db: str, as_json: bool) -> None:
    """Full-text search over titles, summaries, quotes, notes and entity aliases (no diacritics needed)."""
    ask = lambda store: store.search(" ".join(words), limit=limit, filters=filters, after=after)  # noqa: E731
    answer(db, as_json, ask)


@main.command()
@click.argument("ref")
@query_options("as_of")
@db_option()
@json_option
def show(ref: str, filters: Filters, db: str, as_json: bool) -> None:
    """One fact whole: every field and figure, each source, disagreements, retraction and its history."""
    from timeline import browse

    answer(db, as_json, lambda store: browse.show(store, ref, filters.as_of))


@main.command(name="list")
@click.argument("what", type=click.Choice(["projects", "organisations", "offices", "people", "facts"]))
@query_options("as_of", "window", "project", "partner", "retracted")
@click.option("--kind", "kinds", multiple=True, help="Facts of this kind, or organisations of this kind.")
@db_option()
@json_option
def list_command(what: str, filters: Filters, kinds: tuple[str, ...], db: str, as_json: bool) -> None:
    """What is stored: projects, organisations, offices, people (with how many facts name each) or facts."""
    from timeline import browse

    if what == "facts":
        facts = replace(filters, kinds=parse_kinds(kinds))
        answer(db, as_json, lambda store: browse.list_facts(store, facts))
    else:
        answer(db, as_json, lambda store: browse.list_entities(store, what, kinds, filters))


@main.command()
@click.option("--last", "last", is_flag=True, help="What the last ingest changed (the default).")
@click.option("--since", help="Everything recorded at or after this time (YYYY-MM-DD[THH:MM[:SS]], UTC).")
@db_option()
@json_option
def changes(last: bool, since: str | None, db: str, as_json: bool) -> None:
    """What an ingest changed: new facts, sources added, corrections (old -> new) and retractions."""
    from timeline import browse

    when = parse_recorded("--since", since) if since else None
    if last and when:
        from timeline.errors import InvalidOption

        raise InvalidOption("changes: give --last or --since, not both")
    answer(db, as_json, lambda store: browse.changes(store, when))


@main.command()
@click.option("--from", "since", help="The earlier knowledge date (EDTF; its last day).")
@click.option("--to", "until", help="The later knowledge date (EDTF; its last day).")
@click.option("--recorded-from", help="Audit: from this recorded (system) time, inclusive (ISO date or date-time).")
@click.option("--recorded-to", help="Audit: to this recorded (system) time, exclusive (default: now).")
@click.option("--project", "ref", help="Only facts of this project.")
@page_options("fact id")
@recorded_option
@db_option()
@json_option
def diff(
    since: str | None,
    until: str | None,
    recorded_from: str | None,
    recorded_to: str | None,
    ref: str | None,
    limit: int | None,
    after: str | None,
    db: str,
    as_json: bool,
) -> None:
    """What the public record gained, changed or lost between two knowledge dates (--from/--to; --limit N: N facts
    a page), or what this store itself gained between two recorded times (--recorded-from/--recorded-to: the
    audit, corrections included)."""
    from timeline.errors import InvalidOption

    if recorded_from is not None or recorded_to is not None:
        if since or until or ref:
            raise InvalidOption("diff: give either --from/--to (knowledge dates) or --recorded-from/--recorded-to")
        if recorded_from is None:
            raise InvalidOption("diff: --recorded-to needs --recorded-from")
        low = parse_recorded("--recorded-from", recorded_from)
        high = parse_recorded("--recorded-to", recorded_to) if recorded_to else datetime.now(UTC)
        from timeline.present.audit import render as render_audit
        from timeline.service import Timeline

        with Timeline(db) as store:
            audit = store.audit(low, high)
        emit(as_json, audit.to_json, lambda: render_audit(audit))
        return
    if since is None or until is None:
        raise InvalidOption("diff: give --from and --to (knowledge dates), or --recorded-from (recorded times)")
    since_day, until_day = _bound("--from", since, upper=True), _bound("--to", until, upper=True)
    answer(db, as_json, lambda store: store.diff(since_day, until_day, ref, after, limit))


@main.command(name="export")
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(list(FORMATS)),
    help="jsonl (input format, ingestible), csv, ics (iCalendar), md (Markdown), timelinejs (JSON), "
    "html (one self-contained page).",
)
@click.option("--out", help="Write to this file (default: stdout).")
@click.option("--excel", is_flag=True, help="csv only: start with a UTF-8 byte order mark, so Excel reads the text.")
@click.option("--project", "project_ref", help="Only facts of this project.")
@click.option("--partner", "partner_ref", help="Only facts naming this partner.")
@date_options
@db_option()
def export_command(
    fmt: str,
    out: str | None,
    excel: bool,
    project_ref: str | None,
    partner_ref: str | None,
    as_of: str | None,
    since: str | None,
    until: str | None,
    db: str,
) -> None:
    """Export the selected facts (and the entities they name) for other tools."""
    from timeline.errors import InvalidOption
    from timeline.exports import export, left_out
    from timeline.service import Timeline

    if excel and fmt != "csv":
        raise InvalidOption(f"--excel: only for --format csv, not {fmt}")
    with Timeline(db, recorded_before=recorded_before()) as store:
        selected = store.export(_as_of(as_of), _window(since, until), project_ref, partner_ref)
    text = ("\ufeff" if excel else "") + export(fmt, selected)
    for line in left_out(fmt, selected):
        click.echo(f"note: {line}", err=True)
    if out is None:
        click.echo(text, nl=False)
    else:
        from timeline.output import write_file

        write_file(out, text.encode("utf-8"))


@main.command()
@click.option("--project", "project_ref", help="Only facts of this project.")
@click.option("--partner", "partner_ref", help="Only facts naming this partner.")
@click.option("--plot", "plot_path", help="Also draw the counts and target values to FILE.svg or FILE.png.")
@as_of_option
@db_option()
@json_option
def stats(
    project_ref: str | None, partner_ref: str | None, plot_path: str | None, as_of: str | None, db: str, as_json: bool
) -> None:
    """Facts per year by kind and per partner (retracted facts excluded); --plot draws them."""
    from timeline.service import Timeline

    if plot_path:
        from timeline.present.plots import plot, plot_format

        plot_format(plot_path)  # a wrong extension fails before any work
    with Timeline(db, recorded_before=recorded_before()) as store:
        view = store.stats(_as_of(as_of), project_ref, partner_ref)
    if plot_path:
        plot(view, plot_path)
    before = recorded_before()
    emit(
        as_json,
        lambda: system_time_json(view.to_json(), before),
        lambda: system_time_note(before, _stats_table(view, plot_path)),
    )


def _stats_table(view: Any, plot_path: str | None) -> Any:
    from timeline.present import render  # rich: only to print for people

    return render.stats(view, plot_path)


@main.command()
@db_option()
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
@db_option()
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
@recorded_option
@page_options("position (with --fact: version)")
@db_option()
@json_option
def log(fact: str | None, limit: int | None, after: str | None, db: str, as_json: bool) -> None:
    """The raw events, with their recorded time and, where they have one, reported dates; streamed."""
    from timeline.present import stream
    from timeline.present.canonical import canonical_json
    from timeline.service import Timeline

    start = parse_position(after)
    with Timeline(db, recorded_before=recorded_before()) as store:
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
@db_option(None)
def draft(
    article: str, published: str | None, url: str | None, outlet: str | None, lang: str | None, db: str | None
) -> None:
    """Draft candidate facts from an article (rules only) as YAML to review, fill in and ingest."""
    from timeline import service

    click.echo(service.draft_article(article, published, url, outlet, lang, db), nl=False)


@main.command()
@db_option()
@click.option("--project", "ref", default="north-hanoi-smart-city", show_default=True)
def demo(db: str, ref: str) -> None:
    """Load the bundled sample (built from the seed articles) and print a timeline now and as of 2022-03-22."""
    from rich.text import Text

    from events.text import counted
    from timeline import service
    from timeline.present import render
    from timeline.service import Timeline, db_hint, sample_paths

    out = console()
    plan = service.ingest(sample_paths(), db, today=date.today())
    with Timeline(db) as store:
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
            f"{counted(len(now.entries), 'fact')} known now. Query this store: timeline project {ref}{db_hint(db)}"
        )
    )


if __name__ == "__main__":
    sys.exit(main())

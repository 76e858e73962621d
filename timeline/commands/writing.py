"""Commands that read input files: `check` (validate), `ingest` (append), `draft` (from an article), `demo`."""

from __future__ import annotations

from datetime import date

import click

from timeline.commands.options import db_option, json_option
from timeline.commands.printing import console, emit, store_label


@click.command()
@click.argument("paths", nargs=-1, required=True)
@db_option(None)
@json_option
def check(paths: tuple[str, ...], db: str | None, as_json: bool) -> None:
    """Validate input files and directories without writing anything."""
    from timeline import service
    from timeline.present import report_render

    report = service.check(paths, db, date.today())
    emit(as_json, report.to_json, lambda: report_render.check_report(report, paths))


@click.command()
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
    from timeline.present import report_render

    progress = Console(stderr=True)
    steps = report_render.ProgressSteps(progress) if progress.is_terminal else service.Quiet()
    plan = service.ingest(paths, db, steps, complete, date.today())
    try:
        emit(as_json, plan.summary, lambda: report_render.ingest_summary(plan, store_label(db), verbose))
    except KeyboardInterrupt:  # everything was written; only the summary was cut short
        from timeline.errors import Interrupted

        raise Interrupted(plan.appended) from None


@click.command()
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


@click.command()
@db_option()
@click.option("--project", "ref", default="north-hanoi-smart-city", show_default=True)
def demo(db: str, ref: str) -> None:
    """Load the bundled sample (built from the seed articles) and print a timeline now and as of 2022-03-22."""
    from rich.text import Text

    from events.text import counted
    from timeline import service
    from timeline.present import entity_render, report_render

    out = console()
    plan = service.ingest(service.sample_paths(), db, today=date.today())
    with service.Store(db) as store:
        now = store.project(ref)
        before = store.project(ref, date(2022, 3, 22))
    out.print(report_render.ingest_summary(plan, store_label(db)))
    out.print()
    out.print(entity_render.project_timeline(now))
    out.print()
    out.print(entity_render.project_timeline(before))
    out.print()
    out.print(
        Text(
            f"Replay: on 2022-03-22 the public record held {len(before.entries)} of the "
            f"{counted(len(now.entries), 'fact')} known now. "
            f"Query this store: timeline project {ref}{service.db_hint(db)}"
        )
    )


COMMANDS = (check, ingest, draft, demo)

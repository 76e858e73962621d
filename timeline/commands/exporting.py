"""`export`: the selected facts (and the entities they name) in a format for other tools."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import click

from timeline.commands.options import db_option, page_options, query_options
from timeline.commands.printing import consult
from timeline.exports import FORMATS

if TYPE_CHECKING:
    from projections.selection import Filters
    from timeline.present.result_views import ExportSet
    from timeline.service import Store


@click.command(name="export")
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
@query_options("as_of", "window", "project", "partner", "kind")
@page_options("fact id")
@db_option()
def export_command(
    fmt: str, out: str | None, excel: bool, filters: Filters, limit: int | None, after: str | None, db: str
) -> None:
    """Export the selected facts (and the entities they name) for other tools; --limit N: N facts a page, in
    occurred order (the next page's --after is on stderr)."""
    from timeline.errors import InvalidOption
    from timeline.present.stream import continuation

    if excel and fmt != "csv":
        raise InvalidOption(f"--excel: only for --format csv, not {fmt}")

    def written(store: Store) -> ExportSet:  # inside the open store: a whole store streams as it is read
        selected = store.export(after=after, limit=limit, filters=filters)
        write_export(fmt, selected, out, excel)
        return selected

    selected = consult(db, written)
    if selected.next is not None:
        click.echo(f"note: {continuation(selected.next)}", err=True)


def write_export(fmt: str, selected: ExportSet, out: str | None, excel: bool) -> None:
    """The export to the file (whole or nothing) or to stdout, a piece at a time; then what it left out."""
    from timeline.exports import left_out, pieces

    text = pieces(fmt, selected)
    if excel:
        text = itertools.chain(["\ufeff"], text)
    if out is None:
        for piece in text:
            click.echo(piece, nl=False)
    else:
        from timeline.output import write_file

        write_file(out, (piece.encode("utf-8") for piece in text))
    for line in left_out(fmt, selected):
        click.echo(f"note: {line}", err=True)


COMMANDS = (export_command,)

"""`export`: the selected facts (and the entities they name) in a format for other tools."""

from __future__ import annotations

import click

from timeline.commands.options import date_options, db_option, to_filters
from timeline.commands.printing import consult
from timeline.exports import FORMATS


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

    if excel and fmt != "csv":
        raise InvalidOption(f"--excel: only for --format csv, not {fmt}")
    dates = to_filters({"as_of": as_of, "since": since, "until": until})
    selected = consult(db, lambda store: store.export(dates.as_of, dates.window, project_ref, partner_ref))
    text = ("\ufeff" if excel else "") + export(fmt, selected)
    for line in left_out(fmt, selected):
        click.echo(f"note: {line}", err=True)
    if out is None:
        click.echo(text, nl=False)
    else:
        from timeline.output import write_file

        write_file(out, text.encode("utf-8"))


COMMANDS = (export_command,)

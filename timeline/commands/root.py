"""The `timeline` group: every command of `timeline/commands/`, under the group that renders every user error
once (ErrorRenderingGroup)."""

from __future__ import annotations

import click

from timeline.commands import browsing, exporting, maintenance, queries, writing
from timeline.commands.group import ErrorRenderingGroup


@click.group(cls=ErrorRenderingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="timeline")
def main() -> None:
    """An event-sourced timeline of projects and partnerships, built from sourced news facts."""


for group in (writing, queries, browsing, exporting, maintenance):
    for command in group.COMMANDS:
        main.add_command(command)

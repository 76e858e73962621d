"""The `timeline` command: parse options, call the service once, render. Nothing else lives here.

The commands live by group in `timeline/commands/` (writing, queries, browsing, exporting, maintenance); the group
class there renders every user error once.
"""

from __future__ import annotations

import sys

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


if __name__ == "__main__":
    sys.exit(main())

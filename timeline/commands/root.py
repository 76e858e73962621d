"""The `timeline` group: every command of `timeline/commands/`, under the group that renders every user error
once (ErrorRenderingGroup). A command's module is imported only when that command runs (or help lists them all):
`timeline project` does not load what ingest, export or the daily loop need."""

from __future__ import annotations

from importlib import import_module

import click

from timeline.commands.group import ErrorRenderingGroup

# Each command by the module of timeline/commands/ that defines it (in that module's COMMANDS).
COMMAND_MODULES = {
    **dict.fromkeys(("check", "ingest", "draft", "demo"), "writing"),
    **dict.fromkeys(("project", "partner", "person", "targets", "who", "search", "diff", "stats"), "queries"),
    **dict.fromkeys(("show", "list", "changes"), "browsing"),
    "export": "exporting",
    **dict.fromkeys(("rebuild", "verify", "log", "bench", "serve"), "maintenance"),
}


class TimelineGroup(ErrorRenderingGroup):
    """The group whose commands are loaded from their module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            for command in import_module(f"timeline.commands.{module}").COMMANDS:
                self.add_command(command)
        return self.commands.get(cmd_name)


@click.group(cls=TimelineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="timeline")
def main() -> None:
    """An event-sourced timeline of projects and partnerships, built from sourced news facts."""


def run_as_process() -> None:
    """The group as the whole of a process: the installed command's, or a resident server's fork for one command
    (see ErrorRenderingGroup.owns_process)."""
    TimelineGroup.owns_process = True
    main()

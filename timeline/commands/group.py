"""The `timeline` command group: every user error is rendered once, here, with its exit code."""

from __future__ import annotations

import os
import sys
from typing import Any

import click


class ErrorRenderingGroup(click.Group):
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

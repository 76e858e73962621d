"""The `timeline` command: parse options, call the service once, render. Nothing else lives here.

The commands live by group in `timeline/commands/` (writing, queries, browsing, exporting, maintenance), assembled
under one group in `timeline/commands/root.py`; the group class renders every user error once. This module
imports them only when the command runs (`run`) or the group is asked for (`cli.main`), so that a Ctrl-C while
Python loads them is one line too, not a traceback.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing's: importing typing costs every command ~5 ms (mypy reads the name alike)
if TYPE_CHECKING:
    from typing import Any

    from timeline.commands.root import main as main

INTERRUPTED_LOADING = "error: interrupted; the log is unchanged"


def __getattr__(name: str) -> Any:
    """`cli.main`, the click group (for tests and programs), loaded on first use."""
    if name == "main":
        from timeline.commands.root import main

        return main
    raise AttributeError(f"module 'cli' has no attribute {name!r}")


def run() -> None:
    """The installed `timeline` command: served by a resident server if one runs (`timeline serve`), else here."""
    try:
        from timeline.resident.client import run_served

        run_served()  # exits once a server has run the command
        from timeline.commands.root import run_as_process
    except KeyboardInterrupt:  # Ctrl-C while the commands load: nothing has run
        print(INTERRUPTED_LOADING, file=sys.stderr)
        raise SystemExit(130) from None
    run_as_process()


if __name__ == "__main__":
    run()

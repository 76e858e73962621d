"""How a command prints its answer: canonical JSON for machines, or a rich renderable for people (one console)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from timeline.commands.options import recorded_before

if TYPE_CHECKING:
    from rich.console import Console

    from timeline.service import Store

T = TypeVar("T")


def console() -> Console:
    from rich.console import Console

    class Stdout(Console):
        def on_broken_pipe(self) -> None:  # rich would exit 1; a closed pipe ends every command alike
            raise BrokenPipeError

    return Stdout(highlight=False, soft_wrap=False)


def emit(as_json: bool, data: Callable[[], Any], renderable: Callable[[], Any]) -> None:
    from timeline.present.canonical import canonical_pieces

    if as_json:
        for piece in canonical_pieces(data()):
            click.echo(piece, nl=False)
        click.echo()
    else:
        console().print(renderable())


def write(text: str) -> None:
    click.echo(text, nl=False)


def answer(db: str, as_json: bool, ask: Callable[[Store], Any]) -> None:
    """Ask the store one question and print the view it returns (canonical JSON, or the view type's renderer)."""
    show(as_json, consult(db, ask))


def consult(db: str, ask: Callable[[Store], T]) -> T:
    """Open the store (as recorded before --recorded-before, if given), ask it one question, close it."""
    from timeline.service import Store

    with Store(db, recorded_before=recorded_before(), steps=Notices()) as store:
        return ask(store)


class Notices:
    """What a store says before long work (Steps): a line on stderr, so that stdout (and --json) stays the answer."""

    def track(self, items: list[T], description: str) -> list[T]:
        return items

    def step(self, description: str) -> None:
        click.echo(f"… {description}", err=True)


def show(as_json: bool, view: Any, draw: Callable[[Any], Any] | None = None) -> None:
    """Print a view: its canonical JSON, or rich (`draw`, else the view type's renderer), saying first when it was
    answered from an earlier state of the store (--recorded-before)."""
    before = recorded_before()
    emit(
        as_json,
        lambda: system_time_json(view.to_json(), before),
        lambda: system_time_note(before, draw(view) if draw else _renderable(view)),
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

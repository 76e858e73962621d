"""Options shared by the commands, parsed to typed values at the edge (STYLE.md point 10).

`@query_options("as_of", "window", "project", "partner", "kind", "retracted")` adds those options to a command
and hands it one `filters: Filters` instead of their raw text. Imports stay light: the CLI starts fast.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, overload

import click

from timeline import DEFAULT_DB

if TYPE_CHECKING:
    from projections.selection import Filters


@overload
def parse_bound(option: str, text: str, upper: bool) -> date: ...


@overload
def parse_bound(option: str, text: None, upper: bool) -> None: ...


@overload
def parse_bound(option: str, text: str | None, upper: bool) -> date | None: ...


def parse_bound(option: str, text: str | None, upper: bool) -> date | None:
    """An EDTF option as a day: a partial date's first day (`upper=False`) or last day; None when not given."""
    from events.dates import InvalidDate, parse_edtf
    from timeline.errors import InvalidOption

    if text is None:
        return None
    try:
        parsed = parse_edtf(text)
        bound = parsed.upper if upper else parsed.lower
    except InvalidDate as error:
        raise InvalidOption(f"{option}: {error}") from None
    if bound is None:
        raise InvalidOption(f"{option}: {text!r} has an open end; give a date")
    return bound


def parse_kinds(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """Fact kinds given to an option that also takes other kinds (`list --kind`); did you mean otherwise."""
    from timeline.errors import InvalidOption

    try:
        return tuple(FactKind().convert(kind, None, None) for kind in dict.fromkeys(kinds))
    except click.BadParameter as error:
        raise InvalidOption(f"--kind: {error.message}") from None


def parse_recorded(option: str, text: str) -> datetime:
    """A recorded (system) time: an ISO date or date and time; UTC unless it says otherwise."""
    from timeline.errors import InvalidOption

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidOption(f"{option}: {text!r} is not a time; write 2025-01-31 or 2025-01-31T14:30 (UTC)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class FactKind(click.ParamType):
    """A fact kind, with "did you mean" for a near miss."""

    name = "kind"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from events.vocabulary import FACT_KINDS

        if value in FACT_KINDS:
            return str(value)
        close = difflib.get_close_matches(str(value), FACT_KINDS, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        self.fail(f"{value!r} is not a kind of fact; {hint}kinds: {', '.join(FACT_KINDS)}", param, ctx)


_OPTIONS: dict[str, list[Callable[[Any], Any]]] = {
    "as_of": [click.option("--as-of", "as_of", help="Replay the record as it stood on this day (EDTF).")],
    "window": [
        click.option("--since", help="Only facts that occurred from this date (EDTF)."),
        click.option("--until", help="Only facts that occurred by this date (EDTF; 2023 = end of 2023)."),
    ],
    "project": [click.option("--project", "project_ref", help="Only facts of this project (id or any alias).")],
    "partner": [click.option("--partner", "partner_ref", help="Only facts naming this partner (id or any alias).")],
    "kind": [
        click.option(
            "--kind", "kinds", multiple=True, type=FactKind(), help="Only facts of this kind (repeat for several)."
        )
    ],
    "retracted": [
        click.option("--include-retracted", is_flag=True, help="Also show retracted facts (marked as such).")
    ],
}
_NAMES = {"as_of": ("as_of",), "window": ("since", "until"), "project": ("project_ref",),
          "partner": ("partner_ref",), "kind": ("kinds",), "retracted": ("include_retracted",)}  # fmt: skip


def _recorded_callback(ctx: click.Context, param: click.Parameter, text: str | None) -> None:
    if text is not None:
        ctx.meta["recorded_before"] = parse_recorded("--recorded-before", text)


# System time: every query command that takes --as-of takes it (the CLI opens the store as it was then).
recorded_option = click.option(
    "--recorded-before",
    callback=_recorded_callback,
    expose_value=False,
    help="System time: answer as this store held it before this time (ISO date = its midnight UTC, or date-time).",
)


def recorded_before() -> datetime | None:
    """The --recorded-before time of the running command, if given."""
    return click.get_current_context().meta.get("recorded_before")


def query_options(*wanted: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add the named option groups to a command; it receives `filters` (a `projections.selection.Filters`).
    With "as_of", --recorded-before comes too (see `recorded_before`)."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def command(**kwargs: Any) -> Any:
            raw = {name: kwargs.pop(name) for group in wanted for name in _NAMES[group]}
            return func(filters=to_filters(raw), **kwargs)

        for group in reversed(wanted):
            for option in reversed(_OPTIONS[group]):
                command = option(command)
        return recorded_option(command) if "as_of" in wanted else command

    return decorate


def to_filters(raw: dict[str, Any]) -> Filters:
    """The raw texts of the query options as typed filters."""
    from projections.chronology import Window
    from projections.selection import Filters

    return Filters(
        as_of=parse_bound("--as-of", raw.get("as_of"), upper=True),
        window=Window(
            parse_bound("--since", raw.get("since"), upper=False), parse_bound("--until", raw.get("until"), upper=True)
        ),
        kinds=tuple(dict.fromkeys(raw.get("kinds") or ())),
        project=raw.get("project_ref"),
        partner=raw.get("partner_ref"),
        include_retracted=bool(raw.get("include_retracted")),
    )


def page_options(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--limit N and --after CURSOR: a long answer a page at a time; the page's last line (and `next` in --json)
    says where the next page starts."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func = click.option("--after", "after", help=f"Continue after this {what} (from the last page's end).")(func)
        return click.option("--limit", type=click.IntRange(1), help="Print at most N, then how to continue (--after).")(
            func
        )

    return decorate


def parse_position(after: str | None) -> int:
    """A log cursor (--after): the position (or stream version) a page ended with."""
    if after is None:
        return 0
    if not after.isdigit():
        from timeline.errors import InvalidOption

        raise InvalidOption(f"--after: {after!r} is not a position; give the number a page ended with")
    return int(after)


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


def as_of_day(text: str | None) -> date | None:
    """--as-of as a day: a partial date's last day."""
    return parse_bound("--as-of", text, upper=True)

"""The daily loop's commands: `show` one fact whole, `list` what is stored, `changes` an ingest made."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import click

from timeline.commands.options import (
    db_option,
    json_option,
    page_options,
    parse_kinds,
    parse_position,
    parse_recorded,
    query_options,
)
from timeline.commands.printing import answer

if TYPE_CHECKING:
    from projections.selection import Filters


@click.command()
@click.argument("ref")
@query_options("as_of")
@db_option()
@json_option
def show(ref: str, filters: Filters, db: str, as_json: bool) -> None:
    """One fact whole: every field and figure, each source, disagreements, retraction and its history."""
    answer(db, as_json, lambda store: store.show(ref, filters.as_of))


@click.command(name="list")
@click.argument("what", type=click.Choice(["projects", "organisations", "offices", "people", "facts"]))
@query_options("as_of", "window", "project", "partner", "retracted")
@click.option("--kind", "kinds", multiple=True, help="Facts of this kind, or organisations of this kind.")
@page_options("fact id (facts) or entity id")
@db_option()
@json_option
def list_command(
    what: str, filters: Filters, kinds: tuple[str, ...], limit: int | None, after: str | None, db: str, as_json: bool
) -> None:
    """What is stored: projects, organisations, offices, people in id order (with how many facts name each) or
    facts in occurred order (--limit N: a page of N)."""
    if what == "facts":
        facts = replace(filters, kinds=parse_kinds(kinds))
        answer(db, as_json, lambda store: store.list_facts(facts, after, limit))
    else:
        from timeline.present.browse_views import entity_section

        section = entity_section(what)
        answer(db, as_json, lambda store: store.list_entities(section, kinds, filters, after, limit))


@click.command()
@click.option("--last", "last", is_flag=True, help="What the last ingest changed (the default).")
@click.option("--since", help="Everything recorded at or after this time (YYYY-MM-DD[THH:MM[:SS]], UTC).")
@page_options("log position")
@db_option()
@json_option
def changes(last: bool, since: str | None, limit: int | None, after: str | None, db: str, as_json: bool) -> None:
    """What an ingest changed: new facts, sources added, corrections (old -> new) and retractions."""
    when = parse_recorded("--since", since) if since else None
    if last and when:
        from timeline.errors import InvalidOption

        raise InvalidOption("changes: give --last or --since, not both")
    start = parse_position(after)
    answer(db, as_json, lambda store: store.changes(when, start, limit))


COMMANDS = (show, list_command, changes)

"""Maintenance commands: `rebuild` and `verify` the read models, `log` (the raw events), `bench`, `serve`."""

from __future__ import annotations

from typing import Any

import click

from timeline.commands.options import (
    db_option,
    json_option,
    page_options,
    parse_position,
    recorded_before,
    recorded_option,
)
from timeline.commands.printing import Notices, emit, store_label, write


@click.command()
@db_option()
@json_option
def rebuild(db: str, as_json: bool) -> None:
    """Recreate every read model from the log."""
    from rich.console import Console
    from rich.text import Text

    from timeline.present.report_render import counted_progress
    from timeline.service import Store

    with Store(db, catch_up=False) as store:  # (it rebuilds: catching up first would apply the log twice)
        with counted_progress(Console(stderr=True), "rebuilding the read models") as progress:
            applied = store.rebuild(progress)
    shown = store_label(db)
    emit(
        as_json, lambda: {"applied": applied}, lambda: Text(f"{shown}: rebuilt the read models from {applied} events.")
    )


@click.command()
@db_option()
@json_option
def verify(db: str, as_json: bool) -> None:
    """Rebuild in memory and compare with the stored read models; exit 1 on any difference."""
    from timeline.present import report_render
    from timeline.service import Store

    with Store(db, catch_up=False) as store:
        report = store.verify()
    emit(as_json, report.to_json, lambda: report_render.verify_report(report))
    if not report.ok:
        raise SystemExit(1)


@click.command()
@click.option("--fact", help="Only this fact's events.")
@recorded_option
@page_options("position (with --fact: version)")
@db_option()
@json_option
def log(fact: str | None, limit: int | None, after: str | None, db: str, as_json: bool) -> None:
    """The raw events, with their recorded time and, where they have one, reported dates; streamed."""
    from timeline.present import stream
    from timeline.present.canonical import canonical_json
    from timeline.service import Store

    start = parse_position(after)
    with Store(db, recorded_before=recorded_before(), steps=Notices()) as store:
        events = store.event_page(fact, start, limit)
        if as_json and limit is None:
            stream.json_list(map(stream.event_json, events), write)
        elif as_json:
            items = [stream.event_json(logged) for logged in events]
            write(canonical_json({"events": items, "next": events.next}) + "\n")
        else:
            stream.event_lines(events, write, by_version=fact is not None)
            if events.next is not None:
                write(stream.continuation(events.next) + "\n")


@click.command()
@click.option(
    "--facts",
    default=10_000,
    show_default=True,
    type=click.IntRange(100, 10_000_000),
    help="Size of the synthetic corpus.",
)
@click.option("--seed", default=7, show_default=True, help="Seed of the corpus generator.")
@click.option(
    "--db",
    "db_url",
    help="Run on this PostgreSQL server (postgresql://user[:password]@host[:port]/db) in schemas of its own, "
    "dropped at the end; default: SQLite files in a scratch directory.",
)
@json_option
def bench(facts: int, seed: int, db_url: str | None, as_json: bool) -> None:
    """Benchmark ingest, rebuild, queries and start-up against the raw limit of the same database (plain SQLite,
    or with --db plain PostgreSQL executemany and COPY) on a fresh synthetic store."""
    from timeline.dev.bench import run
    from timeline.present import report_render

    if db_url is not None:
        from timeline.errors import InvalidOption
        from timeline.storage.database import locate

        if not locate(db_url).is_postgres:
            raise InvalidOption("bench --db: give a PostgreSQL URL; the SQLite benchmark makes its own files")
    figures = run(facts, seed, db_url=db_url)
    emit(as_json, lambda: figures, lambda: report_render.bench_report(figures))


@click.command()
@click.option("--stop", is_flag=True, help="Stop the server that serves this installation.")
@click.option(
    "--warm-up/--no-warm-up",
    default=True,
    show_default=True,
    help="Let each waiting fork answer a few questions on a sample store of its own before its command comes "
    "(~0.1 s of CPU in the background per command served; it halves a served command's own CPU).",
)
@json_option
def serve(stop: bool, warm_up: bool, as_json: bool) -> None:
    """Keep the program loaded, so that every command starts in milliseconds: each runs in a fork of this process,
    with its caller's streams, directory and environment. Runs until Ctrl-C or `timeline serve --stop`; a line (or
    with --json a JSON line) on stdout for each command served."""
    from timeline.present.canonical import canonical_line
    from timeline.resident import server

    if stop:
        stopped = server.stop()
        emit(as_json, lambda: {"stopped": stopped}, lambda: f"stopped the server (pid {stopped}).")
    else:
        from timeline.commands.root import run_as_process

        server.serve(
            run_as_process,
            lambda record: write((canonical_line(record) if as_json else _server_line(record)) + "\n"),
            warm_up,
        )


def _server_line(record: dict[str, Any]) -> str:
    from events.text import counted

    pid = record.get("pid")
    if record["event"] == "serving":
        warm = "" if record["warm_up"] else ", no warm-up"
        return (
            f"serving timeline commands at {record['socket']} (pid {pid}{warm}); Ctrl-C or `timeline serve --stop` "
            "ends it"
        )
    if record["event"] == "served":
        ending = f"exit {record['exit']}" if "exit" in record else f"signal {record['signal']}"
        warmed = (
            f"; warmed up by {counted(record['warm_up'], 'command')}, {record['warm_up_cpu_ms']} ms CPU"
            if record["warm_up"]
            else ""
        )
        return f"served pid {pid}: {ending}, {record['ms']} ms ({record['cpu_ms']} ms CPU{warmed})"
    if record["event"] == "stopping":
        running = (
            f"; waiting for the {counted(record['running'], 'command')} it is running" if record["running"] else ""
        )
        return f"stopping ({record['reason']}){running}"
    return "stopped"


COMMANDS = (rebuild, verify, log, bench, serve)

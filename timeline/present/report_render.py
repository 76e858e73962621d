"""Console reports of the commands that write, check or measure: the ingest summary and its progress, the check
and verify reports, the benchmark's figures. Each builds rich renderables and never prints (progress excepted)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from events.text import counted, plural
from timeline.paging import LISTED_AT_ONCE
from timeline.present.result_views import VerifyReport

if TYPE_CHECKING:  # a query's start-up imports neither ingest nor the event log
    from timeline.intake.plan import Plan
    from timeline.service import CheckReport


def verify_report(report: VerifyReport) -> RenderableType:
    if report.ok:
        return Text(f"OK: the read models equal a rebuild from the log (position {report.position}).")
    shown = report.differences[:50]
    more = len(report.differences) - len(shown)
    return Group(
        Text(
            f"MISMATCH: {len(report.differences)} read-model rows differ from a rebuild "
            f"(position {report.position}); run `timeline rebuild`.",
            style="red",
        ),
        *[Text("  " + line) for line in shown],
        *([Text(f"  … and {more} more")] if more else []),
    )


def ingest_summary(plan: Plan, db: str, verbose: bool = False) -> RenderableType:
    """The counts, the warnings and where to look; with `verbose`, what was done to each fact and entity."""
    from timeline.present.browse_render import change_lines

    lines: list[RenderableType] = [
        Text(
            f"{db}: appended {counted(plan.appended, 'event')} — {counted(plan.new_facts, 'new fact')}, "
            f"{counted(plan.sources_added, 'source')} added, {counted(plan.corrections, 'correction')}, "
            f"{counted(plan.retractions, 'retraction')}, {plan.unchanged} unchanged; "
            f"{counted(plan.new_entities, 'new entity')}, {counted(plan.entity_changes, 'entity')} changed."
        )
    ]
    lines += [Text(f"warning: {w}", style="yellow") for w in plan.warnings]
    if plan.missing:
        shown = ", ".join(plan.missing[:5]) + (" …" if len(plan.missing) > 5 else "")
        lines.append(
            Text(
                f"warning: {counted(len(plan.missing), 'fact')} in the store {plural('is', len(plan.missing))} "
                "not in this input "
                f"(kept; retract with `retracted:`): {shown}",
                style="yellow",
            )
        )
    if verbose:
        lines += change_lines([event for change in plan.changes for event in change.events], {})
        if plan.absorbed:  # a large run keeps only its counts past the first events
            lines.append(Text(f"… and {plan.absorbed:,} more events: timeline changes --last --db {db}", style="dim"))
    elif plan.appended:
        page = " --limit 1000" if plan.appended > LISTED_AT_ONCE else ""  # (more are told a page at a time)
        lines.append(Text(f"What changed, fact by fact: timeline changes --last{page} --db {db}", style="dim"))
    return Group(*lines)


def check_report(report: CheckReport, paths: Iterable[str]) -> RenderableType:
    entities, facts = counted(report.entities, "entity"), counted(report.facts, "fact")
    ok = Text(f"{', '.join(paths)}: OK — {entities}, {facts}, no problems.")
    return Group(ok, *(Text(f"warning: {w}", style="yellow") for w in report.warnings)) if report.warnings else ok


def bench_report(figures: dict[str, Any]) -> RenderableType:
    """The benchmark's figures, with the three ratios first."""
    ingest, rebuild, startup = figures["ingest"], figures["rebuild"], figures["startup"]
    summary = Table(
        show_header=True,
        header_style="bold",
        pad_edge=False,
        title=f"{figures['facts']:,} facts, {figures['events']:,} events, store {figures['store_mib']:.1f} MiB "
        f"({figures['store']['server']})",
    )
    for name in ("measure", "engine", "limit", "ratio", "target"):
        summary.add_column(name, justify="left" if name == "measure" else "right")
    summary.add_row(
        "ingest (events/s)",
        f"{ingest['events_per_s']:,.0f}",
        f"{figures['raw_insert']['rows_per_s']:,.0f}",
        f"{figures['ingest_ratio']:.3f}",
        "≥ 0.1",
    )
    if "raw_copy" in figures:
        summary.add_row(
            "ingest (events/s) against COPY",
            f"{ingest['events_per_s']:,.0f}",
            f"{figures['raw_copy']['rows_per_s']:,.0f}",
            f"{figures['ingest_ratio_copy']:.3f}",
            "",
        )
    summary.add_row(
        "rebuild (s)",
        f"{rebuild['seconds']:.2f}",
        f"{figures['raw_read_decode']['seconds']:.2f}",
        f"{figures['rebuild_ratio']:.1f}",
        "≤ 4",
    )
    summary.add_row(
        "  of which the stack's floor: input validation only; stored events decoded only",
        "",
        "",
        f"{figures['ingest_ratio_validation_only']:.3f}; {figures['rebuild_ratio_decode_only']:.1f}",
        "",
    )
    summary.add_row(
        "start-up, --help (s)",
        f"{startup['timeline_help_s']:.3f}",
        f"{startup['python_pass_s']:.3f}",
        f"{startup['ratio']:.1f}",
        "≤ 4",
    )
    worst = max(figures["commands_s"]["demo"].items(), key=lambda item: item[1])
    summary.add_row(
        f"slowest query command, demo store: {worst[0]} (s)",
        f"{worst[1]:.3f}",
        f"{startup['python_pass_s']:.3f}",
        f"{startup['worst_demo_command_ratio']:.1f}",
        "≤ 4",
    )
    worst = max(figures["commands_served_s"]["demo"].items(), key=lambda item: item[1])
    summary.add_row(
        f"slowest query command served by `timeline serve`, demo store: {worst[0]} (s)",
        f"{worst[1]:.3f}",
        f"{startup['python_pass_s']:.3f}",
        f"{startup['worst_demo_served_command_ratio']:.1f}",
        "≤ 4",
    )
    worst = max(figures["commands_s"]["store"].items(), key=lambda item: item[1])
    summary.add_row(f"slowest query command, this store: {worst[0]} (s)", f"{worst[1]:.3f}", "", "", "≤ 0.25")
    add = figures["add"]
    small = next(key for key in add if key.startswith("into_") and key != "into_store_s")
    summary.add_row(
        f"add {add['facts']:,} facts: this store / {small[5:-2]} facts (s)",
        f"{add['into_store_s']:.2f}",
        f"{add[small]:.2f}",
        f"{add['ratio']:.2f}",
        "≤ 1.5",
    )
    article = figures["one_article_s"]
    summary.add_row(
        "add one article (1 fact) as a new process: served / alone (s)",
        f"{article['served_s']:.3f}",
        f"{article['alone_s']:.3f}",
        f"{article['served_s'] / article['alone_s']:.2f}",
        "",
    )
    size = figures["bytes_per_fact"]
    summary.add_row(
        "bytes per fact: store / JSONL input",
        f"{size['store']:,.0f}",
        f"{size['input_jsonl']:,.0f}",
        f"{size['ratio']:.1f}",
        "",
    )
    summary.add_row("ingest facts/s", f"{ingest['facts_per_s']:,.0f}", "", "", "")
    summary.add_row(
        "re-ingest with corrections (s)", f"{figures['reingest_with_corrections']['seconds']:.2f}", "", "", ""
    )
    summary.add_row(
        "peak memory ingest / rebuild (MiB)", f"{ingest['peak_mib']:.0f} / {rebuild['peak_mib']:.0f}", "", "", "< 1024"
    )
    latency = Table(show_header=True, header_style="bold", pad_edge=False, title="query latency (ms)")
    for name in ("query", "p50", "p95"):
        latency.add_column(name, justify="left" if name == "query" else "right")
    for name, figure in figures["queries_warm"].items():
        latency.add_row(name, f"{figure['p50_ms']:.1f}", f"{figure['p95_ms']:.1f}")
    return Group(summary, latency)


class ProgressSteps:
    """Draws ingest progress on a terminal: a bar while validating more than `threshold` records, then a line
    per step. Used only when stderr is a terminal, so piped output stays clean."""

    def __init__(self, console: Any, threshold: int = 2000):
        self.console, self.threshold = console, threshold
        self.shown = False

    def track(self, items: list[Any], description: str) -> Iterable[Any]:
        if len(items) <= self.threshold:
            return items
        from rich.progress import track

        self.shown = True
        return track(items, description=description, console=self.console, transient=True)

    def step(self, description: str) -> None:
        if self.shown:
            self.console.print(Text(f"… {description}", style="dim"))


@contextmanager
def counted_progress(console: Any, description: str) -> Iterator[Callable[[int, int], None] | None]:
    """A bar of events applied out of a total (`rebuild`) on a terminal, gone when done; None elsewhere, so that
    piped output stays clean."""
    if not console.is_terminal:
        yield None
        return
    from rich.progress import Progress

    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)

"""Ingest shows progress on a terminal for big inputs only, and never changes what is ingested."""

from __future__ import annotations

from io import StringIO

from rich.console import Console

from timeline.present.report_render import ProgressSteps


def _terminal() -> tuple[Console, StringIO]:
    out = StringIO()
    return Console(file=out, force_terminal=True, width=80, color_system=None), out


def test_progress_bar_shows_for_more_than_the_threshold_and_yields_every_record():
    console, out = _terminal()
    steps = ProgressSteps(console, threshold=10)
    assert list(steps.track(list(range(11)), "validating")) == list(range(11))
    steps.step("appending 11 events in one transaction")
    assert "validating" in out.getvalue()
    assert "… appending 11 events in one transaction" in out.getvalue()


def test_small_inputs_draw_nothing():
    console, out = _terminal()
    steps = ProgressSteps(console, threshold=10)
    records = list(range(10))
    assert steps.track(records, "validating") is records
    steps.step("appending")
    assert out.getvalue() == ""

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


def test_rebuild_tells_its_progress_batch_by_batch_up_to_the_whole_log(tmp_path, monkeypatch):
    from timeline.service import Store, sample_paths
    from timeline.storage.readmodels import models

    db = str(tmp_path / "t.db")
    with Store(db, create=True) as store:
        store.ingest(sample_paths())
        expected = store.read_models.dump()
    monkeypatch.setattr(models, "FLUSH", 10)
    heard: list[tuple[int, int]] = []
    with Store(db) as store:
        applied = store.rebuild(lambda done, total: heard.append((done, total)))
        assert store.read_models.dump() == expected
    assert [done for done, _ in heard] == [*range(10, applied, 10), applied]
    assert {total for _, total in heard} == {applied}


def test_the_rebuild_bar_draws_on_a_terminal_only():
    from timeline.present.report_render import counted_progress

    console, out = _terminal()
    with counted_progress(console, "rebuilding the read models") as progress:
        assert progress is not None
        progress(5, 10)
    assert "rebuilding the read models" in out.getvalue()
    piped = Console(file=StringIO(), force_terminal=False)
    with counted_progress(piped, "rebuilding the read models") as progress:
        assert progress is None

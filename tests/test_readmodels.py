"""Read models written in several flushes within one catch-up equal those written at once."""

from __future__ import annotations

from timeline import readmodels
from timeline.service import Timeline, sample_paths


def test_rebuild_in_small_flushes_equals_rebuild_in_one(tmp_path, monkeypatch):
    with Timeline(str(tmp_path / "t.db"), create=True) as store:
        store.ingest(sample_paths())
        whole = store.read_models.dump()
        monkeypatch.setattr(readmodels, "FLUSH", 3)  # the sample has 51 events over 51 streams
        store.rebuild()
        assert store.read_models.dump() == whole
        assert store.verify().ok

"""Read models written in several flushes within one catch-up equal those written at once."""

from __future__ import annotations

import shutil

from timeline import readmodels
from timeline.service import Timeline, sample_paths


def test_rebuild_in_small_flushes_equals_rebuild_in_one(tmp_path, monkeypatch):
    entities, facts = sample_paths()
    edited = tmp_path / "facts"
    shutil.copytree(facts, edited)
    file = edited / "2022-03-nhsc.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("on North Hanoi Smart City", "on the smart city"),
                    encoding="utf-8")
    with Timeline(str(tmp_path / "t.db"), create=True) as store:
        store.ingest([entities, facts])
        assert store.ingest([entities, edited]).corrections == 1  # a second event, far down the log
        whole = store.read_models.dump()
        monkeypatch.setattr(readmodels, "FLUSH", 3)  # 52 events: the corrected fact is flushed before it
        store.rebuild()
        assert store.read_models.dump() == whole
        assert store.verify().ok

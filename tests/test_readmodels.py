"""Read models written in several flushes within one catch-up equal those written at once."""

from __future__ import annotations

import shutil

from timeline.service import Store, sample_paths
from timeline.storage.readmodels import models


def test_rebuild_in_small_flushes_equals_rebuild_in_one(tmp_path, monkeypatch):
    entities, facts = sample_paths()
    edited = tmp_path / "facts"
    shutil.copytree(facts, edited)
    file = edited / "2022-03-nhsc.yaml"
    file.write_text(
        file.read_text(encoding="utf-8").replace("on North Hanoi Smart City", "on the smart city"), encoding="utf-8"
    )
    with Store(str(tmp_path / "t.db"), create=True) as store:
        store.ingest([entities, facts])
        assert store.ingest([entities, edited]).corrections == 1  # a second event, far down the log
        whole = store.read_models.dump()
        monkeypatch.setattr(models, "FLUSH", 3)  # 52 events: the corrected fact is flushed before it
        store.rebuild()
        assert store.read_models.dump() == whole
        assert store.verify().ok


def test_a_house_rule_added_later_never_makes_logged_events_unreadable(tmp_path):
    """Control characters are refused in new input, but a fact logged before that rule existed still loads."""
    from events.domain import FactReported
    from events.inputs import Fact
    from timeline.intake.plan import Change

    old = Fact.model_validate(
        {  # no input context: what an older version of the engine accepted and logged
            "id": "old-fact",
            "kind": "meeting",
            "occurred": "2020-01-02",
            "title": "Bản tin\x85cũ",
            "projects": ["north-hanoi-smart-city"],
            "sources": [{"outlet": "VNA", "language": "vi", "reported": "2020-01-03"}],
        }
    )
    with Store(str(tmp_path / "t.db"), create=True) as store:
        store.ingest(sample_paths())
        store.log.append([Change("fact", "old-fact", 0, (FactReported(fact=old),))])
    with Store(str(tmp_path / "t.db")) as store:
        titles = [entry.view.fact.title for entry in store.project("north-hanoi-smart-city").entries]
        assert "Bản tin\x85cũ" in titles
        assert store.rebuild() > 0 and store.verify().ok

"""The benchmark corpus is deterministic and shaped like real reporting (its figures live in `make bench`)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

from conftest import STORE_FREE

from events.inputs import FACT_KINDS
from timeline.dev.corpus import RETRACTED_ON, generate
from timeline.service import ingest, validate_files


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@STORE_FREE
def test_same_seed_gives_byte_identical_corpus(tmp_path):
    first, second = generate(tmp_path / "a", 300, seed=3), generate(tmp_path / "b", 300, seed=3)
    for a, b in ((first.entities, second.entities), (first.facts, second.facts), (first.revised, second.revised)):
        assert a.read_bytes() == b.read_bytes()
    assert generate(tmp_path / "c", 300, seed=4).facts.read_bytes() != first.facts.read_bytes()


@STORE_FREE
def test_corpus_has_every_kind_corrections_retractions_and_met_targets(tmp_path):
    corpus = generate(tmp_path, 2000)
    facts, revised = _lines(corpus.facts), _lines(corpus.revised)
    assert len(facts) == 2000 and {f["id"] for f in facts} == {f["id"] for f in revised}
    assert set(Counter(f["kind"] for f in facts)) == set(FACT_KINDS)
    corrected = sum(1 for a, b in zip(facts, revised) if a["title"] != b["title"])
    retracted = sum(1 for f in revised if "retracted" in f)
    assert 150 <= corrected <= 250 and 20 <= retracted <= 60  # ~10% and ~2%
    assert any("fulfils" in f for f in facts)
    keys = Counter(f["target"] for f in facts if "target" in f)
    assert any(count > 1 for count in keys.values())  # restated targets
    entities = _lines(corpus.entities)
    assert 0.04 <= len(entities) / len(facts) <= 0.06  # about N/20


@STORE_FREE
def test_corpus_is_valid_input(tmp_path):
    corpus = generate(tmp_path, 500)
    valid = validate_files([corpus.entities, corpus.revised])
    assert len(valid.facts) == 500


def test_corpus_and_its_revision_ingest_on_any_day_after_its_last_retraction(tmp_path):
    # The CLI checks dates against today: no report may lie ahead of it, no retraction before a fact's report.
    # 3,000 facts hold reports in the corpus's last year and ~60 retractions, enough to meet both checks.
    corpus = generate(tmp_path / "corpus", 3000)
    today = date.fromisoformat(RETRACTED_ON)
    db = str(tmp_path / "store.db")
    assert ingest([corpus.entities, corpus.facts], db, today=today).new_facts == 3000
    revised = ingest([corpus.entities, corpus.revised], db, today=today)
    assert revised.new_facts == 0 and revised.appended > 300  # ~10% corrected and ~2% retracted

"""`timeline bench` runs each phase in a child process; a phase that fails is one clear error, not a traceback."""

from __future__ import annotations

import pytest
from conftest import STORE_FREE

from timeline.dev.bench import _child
from timeline.dev.corpus import generate
from timeline.errors import TimelineError

pytestmark = STORE_FREE


def test_a_failing_benchmark_phase_says_which_phase_and_why(tmp_path):
    with pytest.raises(TimelineError) as failed:
        _child("no-such-phase", str(tmp_path / "bench.db"))
    message = str(failed.value)
    assert "no-such-phase phase failed" in message and "unknown phase no-such-phase" in message
    assert "Traceback" not in message


def test_the_stacks_floor_phases_validate_every_input_fact_and_decode_every_stored_event(tmp_path):
    corpus = generate(tmp_path / "corpus", 150)
    db = str(tmp_path / "bench.db")
    ingested = _child("ingest", db, str(corpus.entities.parent))
    validated = _child("validate", db, str(corpus.entities.parent))
    decoded = _child("decode", db)
    assert validated["rows"] == corpus.facts_count and validated["cpu_s"] > 0
    assert decoded["rows"] == ingested["rows"] > corpus.facts_count  # (entities have events of their own)

"""`timeline bench` runs each phase in a child process; a phase that fails is one clear error, not a traceback."""

from __future__ import annotations

import pytest
from conftest import STORE_FREE

from timeline.dev.bench import _child
from timeline.errors import TimelineError

pytestmark = STORE_FREE


def test_a_failing_benchmark_phase_says_which_phase_and_why(tmp_path):
    with pytest.raises(TimelineError) as failed:
        _child("no-such-phase", str(tmp_path / "bench.db"))
    message = str(failed.value)
    assert "no-such-phase phase failed" in message and "unknown phase no-such-phase" in message
    assert "Traceback" not in message

"""`timeline bench --db URL`: the benchmark's PostgreSQL stores are schemas of their own, and no password is ever
printed, put on a command line or kept in a figure."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import STORE_FREE

from timeline.dev.bench import _child
from timeline.dev.bench_stores import Stores
from timeline.errors import TimelineError

URL = "postgresql://alice:s3cret@127.0.0.1:1/research"
pytestmark = STORE_FREE  # no store is opened (the PostgreSQL pass would map bench.db to a schema)


def test_bench_db_takes_only_a_postgresql_url(cli):
    result = cli("bench", "--facts", "100", "--db", "bench.db")
    assert result.exit_code == 2 and "give a PostgreSQL URL" in result.stderr and not Path("bench.db").exists()


def test_each_benchmark_store_is_a_schema_of_its_own_and_the_figures_name_the_server_without_its_password(
    tmp_path: Path,
):
    stores = Stores(tmp_path, URL)
    bench, small = stores.address("bench"), stores.address("small")
    assert bench != small and "schema=timeline_bench_" in bench and bench.endswith("_bench")
    assert stores.label == "postgresql://alice@127.0.0.1:1/research" and stores.backend == "postgresql"
    assert stores.made == [bench.split("schema=")[1], small.split("schema=")[1]]


def test_a_failed_phase_is_one_error_without_the_password():
    """The child gets the address in its environment: neither its command line nor the error shows it."""
    with pytest.raises(TimelineError) as failed:
        _child("rebuild", URL + "?schema=nowhere")
    assert "rebuild phase failed" in str(failed.value) and "s3cret" not in str(failed.value)

"""Invariant 8 (DESIGN.md): ingesting a set of facts in one bulk run, or file by file in any split, gives the same
events (per stream: versions, kinds and payloads) and the same read models."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from events.domain import FACT_EVENTS, entity_id_of, fact_id_of
from tests.test_readmodels_properties import SETTINGS, Case, cases, dependency_order, new_store, write_yaml
from timeline.service import Store


def streams(store: Store) -> dict[tuple[str, str], list[tuple[int, str, dict[str, Any]]]]:
    """Every stream's events, oldest first, without their positions or recorded times (which differ by run)."""
    found: dict[tuple[str, str], list[tuple[int, str, dict[str, Any]]]] = {}
    for logged in store.log.read():
        event = logged.event
        key = ("fact", fact_id_of(event)) if isinstance(event, FACT_EVENTS) else ("entity", entity_id_of(event))
        found.setdefault(key, []).append((logged.version, type(event).__name__, event.model_dump(mode="json")))
    return found


@st.composite
def case_and_split(draw: st.DrawFn) -> tuple[Case, list[list[dict[str, Any]]]]:
    """A case, its facts in an order that states each target before a milestone fulfils it, and cuts of that
    order into 1-5 consecutive files."""
    case = draw(cases(min_facts=1, max_facts=8))
    order = dependency_order(case, draw(st.permutations(range(len(case.facts)))))
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(order) - 1)), max_size=4)))
    bounds = [0, *(cut for cut in cuts if cut < len(order)), len(order)]
    files = [[case.facts[i] for i in order[a:b]] for a, b in zip(bounds, bounds[1:]) if b > a]
    return case, files


@SETTINGS
@given(case_and_split())
def test_one_bulk_run_and_file_by_file_give_the_same_events_and_read_models(
    split: tuple[Case, list[list[dict[str, Any]]]],
) -> None:
    case, files = split
    with tempfile.TemporaryDirectory() as tmp:
        bulk_dir = Path(tmp) / "bulk"
        bulk_dir.mkdir()
        entities = write_yaml(bulk_dir / "entities.yaml", case.entities)
        every = write_yaml(bulk_dir / "facts.yaml", [fact for part in files for fact in part])
        with Store(str(bulk_dir / "timeline.db"), create=True) as bulk:
            bulk.ingest([entities, every])
            bulk_streams, bulk_rows = streams(bulk), bulk.read_models.dump()
        file_by_file = new_store(Path(tmp) / "split", case, files)
        try:
            assert streams(file_by_file) == bulk_streams
            assert file_by_file.read_models.dump() == bulk_rows
        finally:
            file_by_file.close()

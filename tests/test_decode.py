"""Read-model rows decoded without validation: the same states as validation gives, and damage still one line."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from projections.facts import EntityState, FactState
from timeline.errors import StoreError
from timeline.service import Store
from timeline.storage import decode

PROJECT = "north-hanoi-smart-city"


@pytest.fixture(params=["by hand", "validated"])
def decoding(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a row is decoded: by hand (a process's first rows) and by the compiled validator (the rest)."""
    if request.param == "validated":
        monkeypatch.setattr(decode, "CHEAP_ROWS", 0)
    return request.param


@pytest.mark.sqlite_only("reads and tampers the store file's rows with sqlite3")
def test_every_stored_row_decodes_to_what_validation_gives(sample_store, decoding):
    connection = sqlite3.connect(sample_store)
    facts = [row[0] for row in connection.execute("SELECT state FROM rm_facts")]
    entities = [row[0] for row in connection.execute("SELECT state FROM rm_entities")]
    connection.close()
    assert facts and entities
    for text in facts:
        assert decode.fact_state(text) == FactState.model_validate_json(text)
    for text in entities:
        assert decode.entity_state(text) == EntityState.model_validate_json(text)


@pytest.mark.sqlite_only("a child process opens the store file by its path")
def test_a_query_builds_no_validator(sample_store):
    """The schemas are built on first validation only (`defer_build`); a query decodes and dumps without them
    (a fresh interpreter: this one has validated input already)."""
    script = (
        "import sys; from timeline.service import Store; from events.domain import EntityRecord; "
        "from events.inputs import Fact, Figure, Source\n"
        f"with Store({str(sample_store)!r}) as store: store.project({PROJECT!r}).to_json()\n"
        "print([m.__name__ for m in (Fact, Source, Figure, EntityRecord) if m.__pydantic_complete__])"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


GARBAGE = {
    "not json": '{"fact": 42',
    "a list": "[]",
    "null": "null",
    "no fact": '{"version": 1}',
    "fact not an object": '{"fact": 1, "version": 1}',
    "bad date": None,  # a real row with its occurred date broken
    "unknown field": None,
    "wrong kind": None,
    "no sources": None,
}


def _broken(real: str, case: str) -> str:
    import json

    state = json.loads(real)
    if case == "bad date":
        state["fact"]["occurred"] = "2024-13-45"
    elif case == "unknown field":
        state["fact"]["colour"] = "red"
    elif case == "wrong kind":
        state["fact"]["kind"] = "party"
    elif case == "no sources":
        state["fact"]["sources"] = []
    return json.dumps(state)


@pytest.mark.sqlite_only("reads and tampers the store file's rows with sqlite3")
@pytest.mark.parametrize("case", list(GARBAGE))
def test_a_damaged_fact_row_is_one_store_error_saying_rebuild(sample_store, case, decoding):
    connection = sqlite3.connect(sample_store)
    with connection:
        real = connection.execute("SELECT state FROM rm_facts LIMIT 1").fetchone()[0]
        text = GARBAGE[case] or _broken(real, case)
        connection.execute(
            "UPDATE rm_facts SET state=? WHERE id IN (SELECT fact_id FROM rm_mentions WHERE entity_id=?)",
            (text, PROJECT),
        )
    connection.close()
    with Store(str(sample_store)) as store, pytest.raises(StoreError) as raised:
        store.project(PROJECT)
    line = str(raised.value)
    assert line.startswith(f"{sample_store}: the read models hold a damaged row (fact state")
    assert "`timeline rebuild`" in line and "\n" not in line


@pytest.mark.sqlite_only("reads and tampers the store file's rows with sqlite3")
def test_a_damaged_entity_row_is_one_store_error(sample_store, decoding):
    connection = sqlite3.connect(sample_store)
    with connection:
        connection.execute('UPDATE rm_entities SET state=\'{"record": {"entity": "planet"}, "version": 1}\'')
    connection.close()
    with Store(str(sample_store)) as store, pytest.raises(StoreError, match=r"damaged row \(entity state"):
        store.project(PROJECT)

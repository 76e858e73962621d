"""A store written by an older schema is read by today's code through upcasting.

tests/fixtures/store-v1.db was made by the code at commit 52835cd (every event at schema 1): the bundled sample
ingested, then ingested again with one title edited, which recorded a schema-1 FactCorrected (that schema did
not keep the replaced values). Today FactCorrected is schema 2 (`previous`); its upcaster fills `previous=None`.
Tests work on a copy: the committed file is never written.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pydantic
import pytest

from events.domain import FactCorrected

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "store-v1.db"
FACT = "nhsc-land-clearance-basically-met-2022-03"
CORRECTED = "North Hanoi Smart City land clearance basically meets the requirements (corrected)"

pytestmark = pytest.mark.sqlite_only("the fixture is an SQLite file written by the old code")


@pytest.fixture
def old_store(cli) -> Path:
    return Path(shutil.copyfile(FIXTURE, cli.root / "timeline.db"))


def stored_states(db: Path, topic: str) -> list[dict]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT state FROM stored_events WHERE topic LIKE ? ORDER BY rowid", (f"%{topic}",))
        return [json.loads(state) for (state,) in rows]


def test_fixture_holds_a_schema_1_correction_that_todays_model_cannot_read_without_its_upcaster():
    (state,) = stored_states(FIXTURE, "FactStream.Corrected")
    assert "class_version" not in state  # eventsourcing's mark of version 1
    assert state["payload"]["changes"] == {"title": CORRECTED}
    with pytest.raises(pydantic.ValidationError, match="previous"):
        FactCorrected.model_validate(state["payload"])


def test_old_store_is_read_through_the_upcaster_and_says_the_replaced_values_were_not_recorded(cli, old_store):
    events = cli.json("log", "--fact", FACT)
    assert [e["type"] for e in events] == ["FactReported", "FactCorrected"]
    assert events[1]["payload"]["previous"] is None
    assert events[1]["payload"]["changes"] == {"title": CORRECTED}
    titles = [entry["title"] for entry in cli.json("project", "north-hanoi-smart-city")["entries"]]
    assert CORRECTED in titles


def test_old_store_rebuilds_and_verifies_with_todays_code(cli, old_store):
    before = cli.json("project", "north-hanoi-smart-city")
    assert cli.ok("rebuild").exit_code == 0
    assert cli.ok("verify").stdout.startswith("OK")
    assert cli.json("project", "north-hanoi-smart-city") == before


def test_new_correction_on_an_old_store_is_stored_at_schema_2_beside_the_schema_1_one(cli, old_store):
    cli.edit(
        "sample/facts/2022-03-nhsc.yaml",
        "  title: North Hanoi Smart City land clearance basically meets requirements\n",
        "  title: Land clearance for North Hanoi Smart City basically complete\n",
    )
    cli.ok("ingest", "sample/entities.yaml", "sample/facts")
    states = stored_states(old_store, "FactStream.Corrected")
    assert ["class_version" in state for state in states] == [False, True]
    assert states[1]["class_version"] == 2
    events = cli.json("log", "--fact", FACT)
    assert [e["payload"].get("previous") for e in events[1:]] == [None, {"title": CORRECTED}]
    assert cli.ok("verify").stdout.startswith("OK")

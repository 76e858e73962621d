"""The log's reader for queries (timeline.storage.log_reader) gives what the eventsourcing application gives:
the same events, the same `log` output, byte for byte; whatever it does not decode itself goes to the event log."""

from __future__ import annotations

import io
import json

import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import domain, records
from timeline.dev.corpus import generate
from timeline.present import stream
from timeline.present.browse_views import logged_json
from timeline.present.canonical import canonical_json
from timeline.service import Store, ingest
from timeline.storage import log, log_reader
from timeline.storage.log_reader import decoded

EXAMPLES = REPO / "docs" / "examples"
EVENTS = [
    (records.FactReported, domain.FactReported),
    (records.SourceAdded, domain.SourceAdded),
    (records.FactCorrected, domain.FactCorrected),
    (records.FactRetracted, domain.FactRetracted),
    (records.EntityRegistered, domain.EntityRegistered),
    (records.AliasAdded, domain.AliasAdded),
    (records.EntityCorrected, domain.EntityCorrected),
    (records.EntityMerged, domain.EntityMerged),
]


@pytest.mark.store_free
@pytest.mark.parametrize(("record", "model"), EVENTS, ids=lambda kind: kind.__name__)
def test_each_event_record_mirrors_its_domain_event_and_schema_version(record, model):
    assert (record.__name__, record.schema_version) == (model.__name__, model.schema_version)
    assert list(record.model_fields) == list(model.model_fields)
    for name, field in model.model_fields.items():
        default = record._defaults[name]
        assert default == (records.REQUIRED if field.is_required() else field.get_default(call_default_factory=True))


@pytest.mark.store_free
def test_the_reader_knows_exactly_the_topics_the_event_log_reads():
    assert {topic: kind.__name__ for topic, kind in log_reader.TOPICS.items()} == {
        topic: log.DOMAIN[cls].__name__ for topic, cls in log.EVENT_CLASSES.items()
    }
    assert log.fact_stream_id is log_reader.fact_stream_id and log.LoggedEvent is log_reader.LoggedEvent


def _both_ways(db: str) -> tuple[list[str], list[str]]:
    """Each event's `log --json` item and its `show`/`changes` item, read by the reader and by the event log."""
    with Store(db) as store:
        ways = [list(store.log_reader.read()), list(store.log.read())]
    assert ways[0] and all(type(e.event).__module__ == "events.records" for e in ways[0])
    assert all(isinstance(e.event, domain.DomainEvent) for e in ways[1])
    return tuple(  # type: ignore[return-value]
        [canonical_json([stream.event_json(e), logged_json(e, {})]) for e in events] for events in ways
    )


def _lines(db: str) -> tuple[str, str]:
    """`log` as printed, from the reader and from the event log."""
    printed = []
    with Store(db) as store:
        for events in (store.log_reader.read(), store.log.read()):
            out = io.StringIO()
            stream.event_lines(events, out.write)
            printed.append(out.getvalue())
    return printed[0], printed[1]


def test_the_reader_and_the_event_log_give_the_same_log_of_every_kind_of_event(cli, sample_store):
    cli.ok("ingest", str(EXAMPLES / "daily" / "correction.yaml"))
    cli.edit("sample/entities.yaml", "      - Hanoi Smart City\n", "      - Hanoi Smart City\n      - NHSC\n")
    cli.edit("sample/entities.yaml", "      Smart city in the north", "      A smart city in the north")
    cli.ok("ingest", "sample/entities.yaml")
    cli.ok("ingest", str(EXAMPLES / "merge"))
    retracted = cli.write("retracted.yaml", (EXAMPLES / "daily" / "correction.yaml").read_text("utf-8"))
    text = retracted.read_text("utf-8").replace(
        "\n  sources:", '\n  retracted: {on: "2026-01-06", reason: wrong}\n  sources:', 1
    )
    retracted.write_text(text, "utf-8")
    cli.ok("ingest", str(retracted))
    by_reader, by_log = _both_ways(str(sample_store))
    assert by_reader == by_log
    types = {json.loads(item)[0]["type"] for item in by_reader}
    assert types == {model.__name__ for _, model in EVENTS}
    assert _lines(str(sample_store))[0] == _lines(str(sample_store))[1]


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 1000))
def test_on_a_generated_store_the_reader_and_the_event_log_give_the_same_log(tmp_path_factory, seed):
    """A corpus ingested, then its revision (corrections, retractions): the same `log --json`, event by event."""
    root = tmp_path_factory.mktemp("generated")
    corpus = generate(root / "corpus", 60, seed=seed)
    db = str(root / "generated.db")
    ingest([corpus.entities, corpus.facts], db)
    ingest([corpus.entities, corpus.revised], db)
    by_reader, by_log = _both_ways(db)
    assert by_reader == by_log
    printed_by_reader, printed_by_log = _lines(db)
    assert printed_by_reader == printed_by_log


@pytest.mark.sqlite_only("reads the stored rows with sqlite3")
def test_what_the_reader_does_not_decode_itself_goes_to_the_event_log(sample_store):
    import sqlite3

    with sqlite3.connect(sample_store) as connection:
        topic, state = connection.execute("SELECT topic, state FROM stored_events WHERE rowid = 1").fetchone()
    assert decoded(topic, state) is not None
    data = json.loads(state)
    rewritten = {
        "older schema": {**data, "class_version": 1},
        "newer schema": {**data, "class_version": 3},
        "no recorded time": {key: value for key, value in data.items() if key != "timestamp"},
        "naive recorded time": {**data, "timestamp": {**data["timestamp"], "_data_": "2026-01-01T00:00:00"}},
        "damaged field": {**data, "payload": {"record": {**data["payload"]["record"], "entity": "planet"}}},
        "unknown field": {**data, "payload": {**data["payload"], "colour": "red"}},
    }
    for case, value in rewritten.items():
        assert decoded(topic, json.dumps(value).encode()) is None, case
    for case, blob in {
        "not JSON": b"\xff{",
        "a list": b'["_type_"]',
        "NaN": state.replace(b"}}", b', "x": NaN}}', 1),
    }.items():
        assert decoded(topic, blob) is None, case
    assert decoded("os:system", state) is None
    assert decoded("timeline.store:EntityStream.Registered", state) is not None  # the legacy topic


@pytest.mark.sqlite_only("the fixture is an SQLite file written by the old code")
def test_show_and_changes_of_an_old_store_upcast_through_the_event_log(cli):
    """The schema-1 correction of tests/fixtures/store-v1.db is read by the event log's upcaster: its replaced
    values 'not recorded', as before."""
    import shutil

    shutil.copyfile(REPO / "tests" / "fixtures" / "store-v1.db", cli.root / "timeline.db")
    fact = "nhsc-land-clearance-basically-met-2022-03"
    history = cli.json("show", fact)["history"]
    assert [e["type"] for e in history] == ["FactReported", "FactCorrected"]
    assert history[1]["changes"][0]["from_recorded"] is False
    assert "(not recorded)" in cli.ok("changes").stdout

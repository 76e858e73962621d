"""Read-model rows decoded into the read side's records (queries) or into the models (the write side): the same
values either way, and damage still one line."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from events import records
from events.domain import EntityRecord
from events.inputs import DatedName, Fact, Figure, Merge, PersonRole, Retraction, Source
from projections import stored
from projections.facts import EntityState, FactState
from timeline.errors import StoreError
from timeline.service import Store
from timeline.storage import decode

PROJECT = "north-hanoi-smart-city"


@pytest.fixture(params=["records", "models"])
def decoding(request: pytest.FixtureRequest) -> bool:
    """Both ways a row is decoded: into records (a query) and into the models (ingest, by a writer's store)."""
    return request.param == "models"


@pytest.mark.sqlite_only("reads and tampers the store file's rows with sqlite3")
def test_every_stored_row_decodes_to_what_validation_gives(sample_store):
    connection = sqlite3.connect(sample_store)
    facts = [row[0] for row in connection.execute("SELECT state FROM rm_facts")]
    entities = [row[0] for row in connection.execute("SELECT state FROM rm_entities")]
    connection.close()
    assert facts and entities
    for text in facts:
        model = FactState.model_validate_json(text)
        assert decode.fact_model(text) == model
        assert isinstance(decode.fact_state(text), stored.FactState)
        assert decode.fact_state(text).model_dump() == model.model_dump()
        for options in ({"mode": "json", "exclude_none": True}, {"mode": "json", "exclude_defaults": True}):
            assert decode.fact_state(text).model_dump(**options) == model.model_dump(**options)
    for text in entities:
        model = EntityState.model_validate_json(text)
        assert decode.entity_model(text) == model
        assert decode.entity_state(text).model_dump() == model.model_dump()


@pytest.mark.parametrize(
    ("record", "model"),
    [
        (records.Figure, Figure),
        (records.PersonRole, PersonRole),
        (records.Source, Source),
        (records.Retraction, Retraction),
        (records.Fact, Fact),
        (records.DatedName, DatedName),
        (records.Merge, Merge),
        (records.EntityRecord, EntityRecord),
        (stored.FactState, FactState),
        (stored.EntityState, EntityState),
    ],
    ids=lambda kind: kind.__name__,
)
def test_each_record_mirrors_its_model_field_for_field(record, model):
    assert record.__name__ == model.__name__
    assert list(record.model_fields) == list(model.model_fields)
    for name, field in model.model_fields.items():
        default = record._defaults[name]
        if field.is_required():
            assert default is records.REQUIRED, name
        else:
            assert default == field.get_default(call_default_factory=True), name


def test_a_record_is_frozen_and_copies_like_a_model():
    source = records.Source.model_validate({"outlet": "VnExpress", "language": "en", "reported": "2024-07-02"})
    with pytest.raises(AttributeError):
        source.outlet = "other"  # type: ignore[misc]
    changed = source.model_copy(update={"title": "A title"})
    assert (changed.title, source.title, changed.differs, changed.key()) == (
        "A title",
        None,
        {},
        ("vnexpress", "en", "2024-07-02", ""),
    )
    assert changed != source and source.model_copy() == source


@pytest.mark.sqlite_only("a child process opens the store file by its path")
@pytest.mark.parametrize(
    "command",
    [
        ["project", PROJECT],
        ["partner", "japan"],
        ["targets"],
        ["who", "guangzhou-vice-mayor", "--on", "2020-06-01"],
        ["person", "dinh-tien-dung"],
        ["search", "metro"],
        ["diff", "--from", "2020", "--to", "2024"],
        ["list", "facts"],
        ["stats"],
        ["log"],
        ["log", "--fact", "hanoi-urban-rail-96-8-km-2030", "--limit", "1"],
        ["show", "hanoi-urban-rail-96-8-km-2030"],
        ["changes"],
        ["changes", "--since", "2020-01-01", "--limit", "3"],
    ],
    ids=lambda command: command[0],
)
def test_a_json_query_imports_neither_pydantic_nor_rich_nor_the_log(sample_store, command):
    """A query process decodes rows into records and prints JSON: no models, no rich, no event log, no ingest,
    no export or drafting code. `log`, `show` and `changes` read the stored events into records too, without
    eventsourcing."""
    script = (
        "import sys\n"
        f"sys.argv = ['timeline', *{command!r}, '--db', {str(sample_store)!r}, '--json']\n"
        "import cli\n"
        "try:\n    cli.main()\nexcept SystemExit as done:\n    assert not done.code, done.code\n"
        "heavy = ('pydantic', 'rich', 'eventsourcing', 'yaml', 'events.inputs', 'events.domain', 'projections.facts',"
        " 'timeline.intake', 'timeline.service.writing', 'timeline.service.articles', 'timeline.drafting',"
        " 'timeline.exports', 'timeline.commands.writing', 'timeline.commands.exporting')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.startswith(("{", "["))  # `log --json` is a list
    assert done.stderr.strip() == "[]"


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
    with Store(str(sample_store), create=decoding) as store, pytest.raises(StoreError) as raised:
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
    with (
        Store(str(sample_store), create=decoding) as store,
        pytest.raises(StoreError, match=r"damaged row \(entity state"),
    ):
        store.project(PROJECT)


def _state_with(**fact: object) -> str:
    import json

    source = {"outlet": "VNA", "language": "en", "reported": "2024-01-05"}
    base = {"id": "f-1", "kind": "statistic", "occurred": "2024", "title": "T", "sources": [source]}
    return json.dumps({"fact": {**base, **fact}, "version": 1})


@pytest.mark.parametrize(
    ("damage", "where"),
    [
        ({"sources": [{"outlet": "VNA", "language": "en", "reported": "2024-13-45"}]}, "fact.sources.0.reported"),
        ({"sources": [{"outlet": "VNA", "language": "en", "reported": "2024", "tone": 1}]}, "fact.sources.0.tone"),
        ({"figures": [{"metric": "m", "value": 1}, {"metric": "m", "value": [1, "x"]}]}, "fact.figures.1.value.1"),
        ({"people": [{"person": ""}]}, "fact.people.0.person"),
        ({"projects": ["p", 3]}, "fact.projects.1"),
        ({"title": None}, "fact.title"),
    ],
)
def test_a_damaged_field_is_named_by_its_whole_path(damage: dict[str, object], where: str) -> None:
    with pytest.raises(decode.DamagedRow) as raised:
        decode.fact_state(_state_with(**damage))
    assert raised.value.where == f"fact state.{where}"

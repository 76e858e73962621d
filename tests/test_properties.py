"""Property tests of the invariants in docs/design.md §6, on generated inputs.

Each test builds entities and facts with the strategies in tests/strategies.py (Vietnamese aliases, references
in other cases / without diacritics / in NFD form, mixed EDTF dates, sources with `differs`, retractions),
writes them as YAML, JSON or JSONL into a temporary directory and ingests them into a fresh SQLite store.
"""

from __future__ import annotations

import copy
import os
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import constants
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from strategies import STATUSES, Input, facts_text, inputs, with_separators, write_input

from events.dates import parse_edtf
from events.domain import FactCorrected
from timeline.errors import InvalidInput
from timeline.exports import export
from timeline.present.canonical import canonical_json
from timeline.service import Store
from timeline.storage import database
from timeline.storage.readmodels import ReadModels, models

# TIMELINE_EXAMPLES=500 for a longer hunt; the default keeps the whole file well under 90 s.
EXAMPLES = int(os.environ.get("TIMELINE_EXAMPLES", "30"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Knowledge dates at which every projection is compared, besides "everything known now".
PROBE_DATES = (None, date(2021, 6, 30), date(2023, 1, 1), date(2024, 12, 31))


# Helpers ----------------------------------------------------------------------------------------------------


def project_ids(data: Input) -> list[str]:
    return [project["id"] for project in data.entities["projects"]]


def timelines(store: Store, data: Input, as_of: date | None = None) -> dict[str, str]:
    """Every project's timeline as canonical JSON, keyed by project id."""
    return {pid: canonical_json(store.project(pid, as_of).to_json()) for pid in project_ids(data)}


def projections(store: Store, data: Input) -> tuple[Any, ...]:
    """The read-model rows and every project's timeline at the probe dates."""
    return (store.read_models.dump(), [timelines(store, data, as_of) for as_of in PROBE_DATES])


def ingest_new(directory: Path, data: Input) -> tuple[Path, list[Path]]:
    """A fresh store in `directory` holding `data`; returns the db path and the input files."""
    paths = write_input(data, directory)
    db = directory / "timeline.db"
    with Store(str(db), create=True) as store:
        store.ingest(paths)
    return db, paths


def store_files(db: Path) -> dict[str, bytes | None]:
    """The bytes of the SQLite file and its -wal / -shm companions (None where absent)."""
    found: dict[str, bytes | None] = {}
    for suffix in ("", "-wal", "-shm"):
        path = Path(str(db) + suffix)
        found[suffix or "db"] = path.read_bytes() if path.exists() else None
    return found


# 1 and 2: replay -----------------------------------------------------------------------------------------------


@SETTINGS
@given(inputs())
def test_replaying_the_same_log_twice_gives_identical_projections(data: Input) -> None:
    """Invariant 1: rebuilding the read models from the same log twice gives the same rows and the same
    byte-identical canonical JSON for every project's timeline (now and as of several knowledge dates)."""
    with tempfile.TemporaryDirectory() as tmp:
        db, _ = ingest_new(Path(tmp), data)
        with Store(str(db)) as store:
            store.read_models.rebuild(store.log)
            first = projections(store, data)
            store.read_models.rebuild(store.log)
            second = projections(store, data)
        with Store(str(db)) as store:  # a second process replaying into its own read models
            replica = ReadModels(database.locate(str(Path(tmp) / "replica.db")))
            try:
                replica.rebuild(store.log)
                third = replica.dump()
            finally:
                replica.close()
    assert first == second
    assert first[0] == third


@SETTINGS
@given(inputs(min_facts=2), st.data())
def test_rebuilding_from_scratch_equals_the_incrementally_maintained_projections(
    data: Input, draws: st.DataObject
) -> None:
    """Invariant 2: read models kept current over several ingests equal a rebuild of the whole log."""
    split = draws.draw(st.integers(1, len(data.facts) - 1), label="split")
    with tempfile.TemporaryDirectory() as tmp:
        first = data.copy()
        first.facts = first.facts[:split]
        paths = write_input(first, Path(tmp), stem="first")
        db = Path(tmp) / "timeline.db"
        with Store(str(db), create=True) as store:
            store.ingest(paths)
            store.ingest(write_input(data, Path(tmp), stem="all"))
            incremental = projections(store, data)
            store.read_models.rebuild(store.log)
            rebuilt = projections(store, data)
    assert incremental == rebuilt


@SETTINGS
@given(inputs(min_facts=2), st.data())
def test_a_catch_up_in_batches_of_any_size_stopped_anywhere_and_resumed_equals_the_maintained_read_models(
    data: Input, draws: st.DataObject
) -> None:
    """Invariant 2, a batch at a time: a rebuild in batches of any size (a bulk load or not) stopped by Ctrl-C
    before any batch keeps exactly the batches before it, and catching up again in batches of another size gives
    the rows, the indexes and the answers the ingest left."""
    with tempfile.TemporaryDirectory() as tmp:
        db, _ = ingest_new(Path(tmp), data)
        with Store(str(db)) as store:
            expected, indexes = projections(store, data), index_names(store)
            positions = [logged.position for logged in store.log.read()]
            size = draws.draw(st.integers(1, len(positions)), label="batch size")
            stop = draws.draw(st.integers(1, -(-len(positions) // size)), label="stopped before batch")
            settings = {"FLUSH": size, "BULK": draws.draw(st.sampled_from((1, models.BULK)), label="bulk from")}
            applied: list[int] = []

            def interrupted(db: Any, batch: list[Any]) -> None:
                applied.append(len(batch))
                if len(applied) == stop:
                    raise KeyboardInterrupt
                apply(db, batch)

            apply, store.read_models._apply = store.read_models._apply, interrupted  # type: ignore[method-assign]
            with constants(models, **settings), pytest.raises(KeyboardInterrupt):
                store.read_models.rebuild(store.log)
            del store.read_models._apply
            assert store.read_models.position() == ([0] + positions)[(stop - 1) * size]
            with constants(models, FLUSH=draws.draw(st.integers(1, len(positions)), label="then batches of")):
                store.read_models.catch_up(store.log)
            assert projections(store, data) == expected
            assert index_names(store) == indexes


def index_names(store: Store) -> set[str]:
    connection = store.read_models.connection
    if connection.dialect == "postgresql":
        return {
            row[0] for row in connection.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        }
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='index'")}


# 3: order of ingestion ---------------------------------------------------------------------------------------


@SETTINGS
@given(inputs(min_facts=2, max_facts=5), st.data())
def test_reordering_ingestion_of_independent_facts_changes_no_projection(data: Input, draws: st.DataObject) -> None:
    """Invariant 3: ingesting the facts one file at a time, in two different orders, into two stores gives
    the same read-model rows and the same timelines."""
    n = len(data.facts)
    orders = [draws.draw(st.permutations(range(n)), label=f"order {k}") for k in (1, 2)]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, order in enumerate(orders):
            directory = Path(tmp) / f"store-{k}"
            directory.mkdir()
            entities_only = data.copy()
            entities_only.facts = []
            entities, _ = write_input(entities_only, directory, stem="none")
            with Store(str(directory / "timeline.db"), create=True) as store:
                store.ingest([entities])
                for i in order:
                    path = directory / f"fact-{i}.{data.formats[1]}"
                    path.write_text(facts_text([data.facts[i]], data.formats[1]), encoding="utf-8")
                    store.ingest([path])
                results.append(projections(store, data))
    assert results[0] == results[1]


# 4: as-of equals replay of what was reported by then ------------------------------------------------------------


def reported_by(text: str) -> date:
    """The first day a source dated `text` is certainly public: a month or a year counts from its last day."""
    return parse_edtf(text).upper_or_max


def known_by(data: Input, day: date) -> Input:
    """The input as it would have been written on `day`: only sources reported by then, facts without such a
    source dropped, retractions dated after `day` removed, facts retracted on or before `day` gone."""
    kept = []
    for raw in data.facts:
        fact = copy.deepcopy(raw)
        retracted = fact.pop("retracted", None)
        if retracted is not None and parse_edtf(retracted["on"]).lower_or_min <= day:
            continue
        fact["sources"] = [source for source in fact["sources"] if reported_by(source["reported"]) <= day]
        if fact["sources"]:
            kept.append(fact)
    filtered = data.copy()
    filtered.facts = kept
    return filtered


@st.composite
def input_and_knowledge_date(draw: st.DrawFn) -> tuple[Input, date]:
    data = draw(inputs())
    edges = [reported_by(s["reported"]) for f in data.facts for s in f["sources"]]
    edges += [parse_edtf(f["retracted"]["on"]).lower_or_min for f in data.facts if "retracted" in f]
    edges += [parse_edtf(s["reported"]).lower_or_min for f in data.facts for s in f["sources"]]
    day = draw(
        st.one_of(
            st.dates(date(2019, 6, 1), date(2026, 6, 30)),
            st.sampled_from(edges).flatmap(lambda d: st.sampled_from((d, d - timedelta(days=1)))),
        ),
        label="as of",
    )
    return data, day


def without_as_of(view_json: dict[str, Any]) -> str:
    # A store built only from what was known then holds no fact retracted by then, so it has none to count.
    return canonical_json(
        {key: value for key, value in view_json.items() if key not in ("as_of", "retracted_not_shown")}
    )


@SETTINGS
@given(input_and_knowledge_date())
def test_as_of_query_equals_replay_of_only_what_was_reported_by_then(case: tuple[Input, date]) -> None:
    """Invariant 4: every project's timeline --as-of D from the full store equals the timeline (everything
    known) of a fresh store built only from the sources reported by D, without the retractions after D."""
    data, day = case
    with tempfile.TemporaryDirectory() as tmp:
        full_dir, past_dir = Path(tmp) / "full", Path(tmp) / "past"
        full_dir.mkdir()
        past_dir.mkdir()
        full_db, _ = ingest_new(full_dir, data)
        past_db, _ = ingest_new(past_dir, known_by(data, day))
        with Store(str(full_db)) as full, Store(str(past_db)) as past:
            for pid in project_ids(data):
                as_of = full.project(pid, day).to_json()
                replayed = past.project(pid).to_json()
                event(
                    f"as-of entries: {min(len(as_of['entries']), 3)}; hidden: "
                    f"{min(len(full.project(pid).to_json()['entries']) - len(as_of['entries']), 2)}"
                )
                assert as_of["as_of"] == day.isoformat()
                assert without_as_of(as_of) == without_as_of(replayed), pid


# 5: idempotent re-ingest, corrections ------------------------------------------------------------------------


@SETTINGS
@given(inputs())
def test_reingesting_the_same_input_appends_nothing(data: Input) -> None:
    """Invariant 5a: a second ingest of identical files appends no event and changes no projection; nor does
    the same input written in other file formats (YAML / JSON / JSONL)."""
    other = data.copy()
    other.formats = (data.formats[1], {"yaml": "json", "json": "jsonl", "jsonl": "yaml"}[data.formats[0]])
    with tempfile.TemporaryDirectory() as tmp:
        db, paths = ingest_new(Path(tmp), data)
        (Path(tmp) / "other").mkdir()
        with Store(str(db)) as store:
            before = (len(store.events()), projections(store, data))
            again = store.ingest(paths)
            after = (len(store.events()), projections(store, data))
            converted = store.ingest(write_input(other, Path(tmp) / "other"))
    assert again.appended == 0, again.summary()
    assert before == after
    assert converted.appended == 0, converted.summary()


@SETTINGS
@given(inputs())
def test_jsonl_export_round_trips_and_reingests_as_nothing(data: Input) -> None:
    """Invariant 5c: the jsonl export, ingested into an empty store, exports the same bytes; ingested into the
    store it came from, it appends nothing (sources differing in any field, values of any shape)."""
    with tempfile.TemporaryDirectory() as tmp:
        db, _ = ingest_new(Path(tmp), data)
        with Store(str(db)) as store:
            first = export("jsonl", store.export())
            exported = Path(tmp) / "export.jsonl"
            exported.write_text(first, encoding="utf-8")
            again = store.ingest([exported])
        with Store(str(Path(tmp) / "copy.db"), create=True) as copy_store:
            copy_store.ingest([exported])
            second = export("jsonl", copy_store.export())
    assert again.appended == 0, again.summary()
    assert first == second


@SETTINGS
@given(inputs().flatmap(with_separators))
def test_csv_export_reingests_into_its_store_as_nothing(data: Input) -> None:
    """Export, edit, ingest: every row of the spreadsheet export, left as exported, reads back as the fact it was
    (people and roles, figures, sources differing in any field with values of any shape, retractions; names,
    roles and outlets holding the cells' separators, brackets and backslashes)."""
    with tempfile.TemporaryDirectory() as tmp:
        db, _ = ingest_new(Path(tmp), data)
        with Store(str(db)) as store:
            exported = Path(tmp) / "export.csv"
            exported.write_text(export("csv", store.export()), encoding="utf-8")
            again = store.ingest([exported])
    assert again.appended == 0, again.summary()


@st.composite
def input_and_edit(draw: st.DrawFn) -> tuple[Input, int, str, str]:
    data = draw(inputs())
    index = draw(st.integers(0, len(data.facts) - 1), label="fact")
    fact = data.facts[index]
    # a status neither the fact nor any of its sources states (else the fact may say the same: unchanged)
    stated = {fact.get("status", "happened")} | {s.get("differs", {}).get("status") for s in fact["sources"]}
    statuses = [s for s in STATUSES if s not in stated]
    field = draw(st.sampled_from(("title", "status") if statuses else ("title",)), label="field")
    if field == "title":
        value = fact["title"] + draw(st.sampled_from((" (sửa)", " — corrected", "!")))
    else:
        value = draw(st.sampled_from(statuses))
    return data, index, field, value


@SETTINGS
@given(input_and_edit())
def test_changed_fact_appends_one_correction(case: tuple[Input, int, str, str]) -> None:
    """Invariant 5b: editing one fact's title or status (to a value none of its sources states) and ingesting
    again appends exactly one event, a FactCorrected carrying that change, visible in the fact's own events."""
    data, index, field, value = case
    fact_id = data.facts[index]["id"]
    with tempfile.TemporaryDirectory() as tmp:
        db, _ = ingest_new(Path(tmp), data)
        edited = data.copy()
        edited.facts[index][field] = value
        (Path(tmp) / "edited").mkdir()
        with Store(str(db)) as store:
            before = store.events()
            plan = store.ingest(write_input(edited, Path(tmp) / "edited"))
            after = store.events()
            stream = store.events(fact_id)
    assert plan.appended == 1, plan.summary()
    assert len(after) == len(before) + 1
    new = after[-1].event
    assert isinstance(new, FactCorrected)
    assert new.fact_id == fact_id
    assert new.changes == {field: value}
    assert isinstance(stream[-1].event, FactCorrected) and stream[-1].event == new


# 6: malformed input -------------------------------------------------------------------------------------------

BAD_DATES = (
    "2022-13-01",
    "23/3/2022",
    "2022-02-30",
    "yesterday",
    "2022-03-23T10:00",
    "0000",
    "2030/2020",
    "../..",
    "2022-3-5",
    "",
    "2022-03-00",
    "２０２２",
)
DROPPABLE = {
    "fact": ("id", "kind", "occurred", "title", "sources"),
    "source": ("outlet", "language", "reported"),
    "entity": ("id", "name"),
}
WRONG_TYPES = (
    ("title", 42),
    ("occurred", 20.5),
    ("projects", {"a": 1}),
    ("sources", "VNA"),
    ("people", ["x"]),
    ("kind", ["meeting"]),
    ("status", True),
    ("partners", "japan"),
    ("sources", []),
    ("retracted", "yes"),
)
# Raw C0 controls are invalid inside YAML and JSON strings alike (DEL is invalid only in YAML: not used).
CONTROL = ("\x00", "\x07", "\x1b", "\x08", "\x1f")
MARK = "MARK-7f3a"


class Mutation:
    """A malformed version of a valid input: which file is broken and how it is written."""

    def __init__(self, name: str, data: Input, target: str, raw: Callable[[str], str] | None = None):
        self.name, self.data, self.target, self.raw = name, data, target, raw

    def __repr__(self) -> str:
        return f"Mutation({self.name!r}, target={self.target!r})"


MUTATIONS = (
    "drop required",
    "wrong type",
    "unknown key",
    "bad date",
    "unknown reference",
    "duplicate id",
    "broken text",
    "huge string",
    "control character",
    "duplicate key",
    "huge number",
)


@st.composite
def malformed(draw: st.DrawFn, kind: str) -> tuple[Input, Mutation]:
    """A valid generated input, and a copy broken in one way (`kind`, one of MUTATIONS)."""
    base = draw(inputs())
    data = base.copy()
    facts, entities = data.facts, data.entities
    i = draw(st.integers(0, len(facts) - 1), label="fact")
    fact = facts[i]
    source = draw(st.sampled_from(fact["sources"]), label="source")
    section = draw(st.sampled_from(sorted(entities)), label="section")
    entity = draw(st.sampled_from(entities[section]), label="entity")
    target = "facts"
    raw: Callable[[str], str] | None = None
    if kind == "drop required":
        where = draw(st.sampled_from(("fact", "source", "entity", "organisation kind", "office organisation")))
        if where == "fact":
            del fact[draw(st.sampled_from(DROPPABLE["fact"]))]
        elif where == "source":
            del source[draw(st.sampled_from(DROPPABLE["source"]))]
        elif where == "organisation kind":
            del draw(st.sampled_from(entities["organisations"]))["kind"]
            target = "entities"
        elif where == "office organisation":
            del draw(st.sampled_from(entities["offices"]))["organisation"]
            target = "entities"
        else:
            del entity[draw(st.sampled_from(DROPPABLE["entity"]))]
            target = "entities"
    elif kind == "wrong type":
        name, value = draw(st.sampled_from(WRONG_TYPES))
        if draw(st.booleans()):
            fact[name] = value
        else:
            source["reported"] = draw(st.sampled_from((20220324.0, ["2022"], {"on": "2022"}, None)))
    elif kind == "unknown key":
        where = draw(st.sampled_from(("fact", "source", "entity", "retracted", "figure")))
        if where == "fact":
            fact[draw(st.sampled_from(("colour", "titel", "occured", "Title")))] = "x"
        elif where == "source":
            source[draw(st.sampled_from(("publisher", "date", "differ")))] = "x"
        elif where == "retracted":
            fact["retracted"] = {"on": "2024-01-05", "reason": "withdrawn", "by": "editor"}
        elif where == "figure":
            fact["figures"] = [{"metric": "km", "value": 1.0, "units": "km"}]
        else:
            entity["website"] = "https://example.org"
            target = "entities"
    elif kind == "bad date":
        bad = draw(st.sampled_from(BAD_DATES))
        where = draw(st.sampled_from(("occurred", "reported", "retracted", "differs", "deadline")))
        if where == "occurred":
            fact["occurred"] = bad
        elif where == "reported":
            source["reported"] = bad
        elif where == "retracted":
            fact["retracted"] = {"on": bad, "reason": "withdrawn"}
        elif where == "differs":
            source["differs"] = {**source.get("differs", {}), "occurred": bad}
        else:
            fact["figures"] = [{"metric": "km", "deadline": bad}]
    elif kind == "unknown reference":
        where = draw(st.sampled_from(("project", "partner", "person", "office", "differs", "organisation")))
        unknown = draw(st.sampled_from(("Atlantis", "Sumitomo Corp. (Osaka)", "nobody-at-all", "Hà Nội Mới", "x")))
        if where == "project":
            fact["projects"] = [*fact["projects"], unknown]
        elif where == "partner":
            fact["partners"] = [*fact.get("partners", []), unknown]
        elif where == "person":
            fact["people"] = [{"person": unknown}]
        elif where == "office":
            fact["people"] = [{"person": entities["people"][0]["id"], "office": unknown}]
        elif where == "differs":
            source["differs"] = {"partners": [unknown]}
        else:
            entities["offices"][0]["organisation"] = unknown
            target = "entities"
    elif kind == "duplicate id":
        if draw(st.booleans()):
            facts.append({**copy.deepcopy(fact), "title": "A different fact with the same id"})
        else:
            entities[section].append({**copy.deepcopy(entity), "name": "Another entity"})
            target = "entities"
    elif kind == "broken text":
        target = draw(st.sampled_from(("facts", "entities")))
        broken = draw(st.sampled_from(("truncate", "garbage", "tab", "binary", "scalar", "unknown section")))

        def raw(text: str, broken: str = broken) -> str:
            if broken == "truncate":
                return text[: max(1, len(text) // 2)] + "\n- {unclosed: ["
            if broken == "garbage":
                return text + '\n- {id: [unclosed, : : \n  "\n'
            if broken == "tab":
                return "\t" + text.replace("\n", "\n\t\t", 1) + "\n  - : ]"
            if broken == "binary":
                return "\udcff"  # written with surrogateescape: the byte 0xff, not UTF-8
            if broken == "scalar":
                return "42\n"
            return '{"chapters": []}\n' if not text.lstrip().startswith('{"entity"') else '{"entity": "city"}\n'
    elif kind == "huge string":
        how = draw(st.sampled_from(("id", "reference", "date", "language")))
        if how == "id":
            fact["id"] = "a" * 300 + "-" + "b" * 5000
        elif how == "reference":
            fact["projects"] = ["Không tồn tại " * 20000]
        elif how == "date":
            fact["occurred"] = "2022" * 50000
        else:
            source["language"] = "vi" * 100000
    elif kind == "duplicate key":  # the same key twice in one mapping: which value was meant?
        key = draw(st.sampled_from([key for key in ("title", "occurred", "id", "status") if key in fact]))
        fact[MARK] = {"title": "Another title", "occurred": "2019", "id": "another-id", "status": "cancelled"}[key]

        def raw(text: str, key: str = key) -> str:
            return text.replace(MARK, key)
    elif kind == "huge number":  # more digits than Python converts to int by default (4300)
        digits = "9" * draw(st.sampled_from((4301, 5000, 20000)))
        if draw(st.booleans()):
            fact["figures"] = [{"metric": "km", "value": MARK}]
        else:
            fact["figures"] = [{"metric": "km", "deadline": MARK}]

        def raw(text: str, digits: str = digits) -> str:
            return text.replace(f'"{MARK}"', digits).replace(f"'{MARK}'", digits).replace(MARK, digits)
    else:  # a raw control character inside a string (not escaped): neither valid YAML nor JSON
        char = draw(st.sampled_from(CONTROL))
        fact["title"] = fact["title"] + MARK

        def raw(text: str, char: str = char) -> str:
            return text.replace(MARK, char)

    return base, Mutation(kind, data, target, raw)


def write_mutated(mutation: Mutation, directory: Path) -> tuple[list[Path], Path]:
    """The input files with the mutation applied; returns them and the broken file."""
    paths = write_input(mutation.data, directory)
    broken = paths[0] if mutation.target == "entities" else paths[1]
    if mutation.raw is not None:
        text = mutation.raw(broken.read_text(encoding="utf-8"))
        broken.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    return paths, broken


@pytest.mark.parametrize("kind", MUTATIONS)
@settings(SETTINGS, max_examples=max(4, EXAMPLES // 5))
@given(case=st.data(), via_cli=st.booleans())
def test_malformed_input_never_crashes_nor_writes(kind: str, case: st.DataObject, via_cli: bool) -> None:
    """Invariant 6: a malformed input raises InvalidInput (never another exception) whose problems name the
    broken file, and leaves the store's bytes (file and -wal) unchanged; through the CLI it exits with 1 and
    no traceback."""
    base, mutation = case.draw(malformed(kind), label="input and mutation")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "valid").mkdir()
        (root / "bad").mkdir()
        entities_only = base.copy()
        entities_only.facts = []
        entities, _ = write_input(entities_only, root / "valid")
        db = root / "timeline.db"
        with Store(str(db), create=True) as store:
            store.ingest([entities])
        paths, broken = write_mutated(mutation, root / "bad")
        before = store_files(db)

        with Store(str(db)) as store:
            with pytest.raises(InvalidInput) as raised:
                store.ingest(paths)
        problems = raised.value.problems
        event(f"{mutation.name} in {mutation.target}" + (" (and CLI)" if via_cli else ""))
        assert problems
        assert any(problem.file == str(broken) for problem in problems), [str(p)[:300] for p in problems]
        assert store_files(db) == before

        if via_cli:
            from cli import main

            result = CliRunner().invoke(main, ["ingest", *map(str, paths), "--db", str(db)])
            output = result.output + (result.stderr if result.stderr_bytes is not None else "")
            assert result.exit_code == 1, output[-2000:]
            assert "Traceback" not in output
            assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
            assert str(broken) in output
            assert store_files(db) == before


NON_FINITE = {
    "yaml": (".nan", ".inf", "-.inf", "1.0e+400"),
    "json": ("NaN", "Infinity", "-Infinity", "1e400"),
    "jsonl": ("NaN", "Infinity", "-Infinity", "1e400"),
}


@settings(SETTINGS, max_examples=max(10, EXAMPLES // 3))
@given(inputs(), st.integers(0, 3))
def test_non_finite_figure_value_is_invalid_input(data: Input, which: int) -> None:
    """Invariant 6 (and 5): a figure value that is not a finite number (NaN, ±Infinity, a float beyond the
    range of a double) is an InvalidInput naming the file; it is never stored (as null) nor re-corrected."""
    data = data.copy()
    data.facts[0]["figures"] = [{"metric": "urban railway completed", "unit": "km", "value": MARK}]
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_input(data, Path(tmp))
        number = NON_FINITE[data.formats[1]][which]
        text = paths[1].read_text(encoding="utf-8")
        paths[1].write_text(text.replace(f'"{MARK}"', number).replace(MARK, number), encoding="utf-8")
        with Store(str(Path(tmp) / "timeline.db"), create=True) as store:
            with pytest.raises(InvalidInput) as raised:
                store.ingest(paths)
    assert any(problem.file == str(paths[1]) for problem in raised.value.problems)

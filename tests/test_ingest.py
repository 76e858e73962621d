"""Ingesting: what an input run appends to the log, and what the timeline then shows at each knowledge date.

Given a store holding the sample (tests' ./timeline.db), when an edited input is ingested, then the summary,
the fact's events (`log --fact ID --json`) and the project timeline (`project --json`, now and --as-of)
say what docs/design.md promises. A few tests drive `timeline.service.Store` directly.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from pathlib import Path

import pytest
import yaml
from conftest import SAMPLE, SAMPLE_ARGS, SAMPLE_FACTS, store_digest

from timeline.service import Store, sample_paths

PROJECT = "north-hanoi-smart-city"
RECEPTION = "nhsc-reception-2022-03-23"
MAJOR_ITEMS = "nhsc-major-items-by-50th-anniversary-2023"
NHSC_FILE = "sample/facts/2022-03-nhsc.yaml"
RECEPTION_TITLE = "Hanoi Party Secretary receives the Japanese Ambassador, Sumitomo and BRG on North Hanoi Smart City"


def event_types(cli, fact_id: str) -> list[str]:
    return [event["type"] for event in cli.json("log", "--fact", fact_id)]


def entries(cli, *args: str) -> dict[str, dict]:
    """The project's timeline entries by fact id, as `project --json` gives them."""
    return {entry["fact"]: entry for entry in cli.json("project", *args)["entries"]}


def summary(cli, *paths: str) -> dict:
    return cli.json("ingest", *(paths or SAMPLE_ARGS))


# ---------------------------------------------------------------- idempotence


def test_reingesting_the_sample_appends_nothing(cli, sample_store):
    before = len(cli.json("log"))
    result = summary(cli)
    assert result["appended"] == 0
    assert result["unchanged"] == SAMPLE_FACTS
    assert result["new_facts"] == result["new_entities"] == result["corrections"] == 0
    assert result["missing"] == [] and result["warnings"] == []
    assert len(cli.json("log")) == before


def test_first_ingest_summary_counts_every_fact_and_entity(cli):
    result = summary(cli)
    assert result["new_facts"] == SAMPLE_FACTS
    assert result["new_entities"] == 36
    assert result["appended"] == SAMPLE_FACTS + 36
    assert result["unchanged"] == 0


def test_service_reingest_returns_an_empty_plan(tmp_path):
    with Store(str(tmp_path / "t.db"), create=True) as store:
        first = store.ingest(sample_paths())
        again = store.ingest(sample_paths())
        logged = store.events()
    assert first.appended == len(logged) == 51
    assert (again.appended, again.unchanged, again.changes) == (0, SAMPLE_FACTS, [])


def test_ingestion_order_does_not_change_the_timeline(tmp_path):
    facts = sorted((SAMPLE / "facts").glob("*.yaml"))
    views = []
    for name, order in (("forward", facts), ("backward", facts[::-1])):
        with Store(str(tmp_path / f"{name}.db"), create=True) as store:
            store.ingest([SAMPLE / "entities.yaml"])
            for path in order:
                store.ingest([path])
            views.append([store.project(ref).to_json() for ref in (PROJECT, "hanoi-urban-rail")])
    assert views[0] == views[1]


# ---------------------------------------------------------------- corrections, sources, retractions


def test_changed_title_appends_one_correction_with_the_diff(cli, sample_store):
    new_title = RECEPTION_TITLE + " project"
    cli.edit(NHSC_FILE, f"title: {RECEPTION_TITLE}\n", f"title: {new_title}\n")

    result = summary(cli)

    assert (result["appended"], result["corrections"], result["unchanged"]) == (1, 1, SAMPLE_FACTS - 1)
    events = cli.json("log", "--fact", RECEPTION)
    assert [event["type"] for event in events] == ["FactReported", "FactCorrected"]
    assert events[1]["payload"]["changes"] == {"title": new_title}
    assert events[1]["payload"]["sources"] == []
    assert events[1]["version"] == 2


def test_correction_applies_at_every_knowledge_date(cli, sample_store):
    new_title = RECEPTION_TITLE + " project"
    cli.edit(NHSC_FILE, f"title: {RECEPTION_TITLE}\n", f"title: {new_title}\n")
    summary(cli)
    for as_of in ((), ("--as-of", "2022-03-24"), ("--as-of", "2022-03-31"), ("--as-of", "2030-01-01")):
        assert entries(cli, PROJECT, *as_of)[RECEPTION]["title"] == new_title, as_of
    assert entries(cli, PROJECT, "--as-of", "2022-03-24")[RECEPTION]["disagreements"] == []


def test_fixed_source_quote_is_a_correction_of_that_source(cli, sample_store):
    old = 'quote: "land clearance has so far basically met requirements"'
    cli.edit(NHSC_FILE, old, 'quote: "land clearance has so far basically met requirements."')
    result = summary(cli)
    assert (result["appended"], result["corrections"], result["sources_added"]) == (1, 1, 0)
    events = cli.json("log", "--fact", "nhsc-land-clearance-basically-met-2022-03")
    assert events[-1]["type"] == "FactCorrected"
    assert events[-1]["payload"]["changes"] == {}
    assert [s["quote"] for s in events[-1]["payload"]["sources"]] == [
        "land clearance has so far basically met requirements."
    ]
    shown = entries(cli, PROJECT)["nhsc-land-clearance-basically-met-2022-03"]["sources"]
    assert [s["outlet"] for s in shown] == ["Thời Đại (VUFO)", "VNA"]  # corrected in place, not added
    assert shown[1]["quote"] == "land clearance has so far basically met requirements."


NEW_SOURCE = """\
    - outlet: Kinh tế & Đô thị
      language: vi
      reported: "2022-03-25"
      quote: "triển khai một số hạng mục lớn"
"""


def test_new_source_appends_source_added_and_makes_the_fact_known_earlier(cli, sample_store):
    # The target was reported only by a page dated to the month (public from 2022-03-31).
    assert MAJOR_ITEMS not in entries(cli, PROJECT, "--as-of", "2022-03-25")
    anchor = "  notes: >-\n    Stated at the 23 March 2022 meeting."
    cli.edit(NHSC_FILE, anchor, NEW_SOURCE + anchor)

    result = summary(cli)

    assert (result["appended"], result["sources_added"], result["corrections"]) == (1, 1, 0)
    events = cli.json("log", "--fact", MAJOR_ITEMS)
    assert [event["type"] for event in events] == ["FactReported", "SourceAdded"]
    assert events[1]["payload"]["source"]["outlet"] == "Kinh tế & Đô thị"
    assert events[1]["reported"] == ["2022-03-25"]
    assert MAJOR_ITEMS not in entries(cli, PROJECT, "--as-of", "2022-03-24")
    seen = entries(cli, PROJECT, "--as-of", "2022-03-25")[MAJOR_ITEMS]
    assert [s["outlet"] for s in seen["sources"]] == ["Kinh tế & Đô thị"]
    now = entries(cli, PROJECT)[MAJOR_ITEMS]
    assert [s["outlet"] for s in now["sources"]] == ["Thời Đại (VUFO)", "Kinh tế & Đô thị"]
    assert summary(cli)["appended"] == 0  # and the new source is not added twice


def test_source_removed_from_input_is_kept_with_a_warning(cli, sample_store):
    vna = (
        '    - outlet: VNA\n      language: en\n      reported: "2022-03-24"\n'
        '      quote: "land clearance has so far basically met requirements"\n'
    )
    cli.edit(NHSC_FILE, vna, "")
    result = summary(cli)
    assert result["appended"] == 0
    assert result["warnings"] == [
        "fact 'nhsc-land-clearance-basically-met-2022-03': source VNA (2022-03-24) is "
        "no longer in the input; it is kept"
    ]
    shown = entries(cli, PROJECT)["nhsc-land-clearance-basically-met-2022-03"]["sources"]
    assert [s["outlet"] for s in shown] == ["Thời Đại (VUFO)", "VNA"]


RETRACTION = '  retracted: {on: "2024-01-05", reason: "duplicate of another report"}\n'


def test_retraction_appends_fact_retracted_and_hides_the_fact_from_its_date(cli, sample_store):
    cli.edit(NHSC_FILE, f"- id: {RECEPTION}\n", f"- id: {RECEPTION}\n{RETRACTION}")

    result = summary(cli)

    assert (result["appended"], result["retractions"]) == (1, 1)
    events = cli.json("log", "--fact", RECEPTION)
    assert [event["type"] for event in events] == ["FactReported", "FactRetracted"]
    assert events[1]["payload"]["retraction"] == {"on": "2024-01-05", "reason": "duplicate of another report"}
    assert RECEPTION in entries(cli, PROJECT, "--as-of", "2022-03-24")
    assert RECEPTION in entries(cli, PROJECT, "--as-of", "2024-01-04")
    assert RECEPTION not in entries(cli, PROJECT, "--as-of", "2024-01-05")
    assert RECEPTION not in entries(cli, PROJECT)
    assert len(entries(cli, PROJECT)) == 3  # the others stay
    assert summary(cli)["appended"] == 0  # re-ingesting the same retraction appends nothing


def test_fact_retracted_in_its_first_input_is_reported_then_retracted(cli):
    cli.edit(NHSC_FILE, f"- id: {RECEPTION}\n", f"- id: {RECEPTION}\n{RETRACTION}")
    result = summary(cli)
    assert (result["new_facts"], result["retractions"]) == (SAMPLE_FACTS, 1)
    assert event_types(cli, RECEPTION) == ["FactReported", "FactRetracted"]
    assert RECEPTION in entries(cli, PROJECT, "--as-of", "2023-12-31")
    assert RECEPTION not in entries(cli, PROJECT)


def test_removing_a_retraction_from_the_input_does_not_undo_it(cli, sample_store):
    cli.edit(NHSC_FILE, f"- id: {RECEPTION}\n", f"- id: {RECEPTION}\n{RETRACTION}")
    summary(cli)
    cli.edit(NHSC_FILE, RETRACTION, "")
    result = summary(cli)
    assert result["appended"] == 0
    assert result["warnings"] == [
        f"fact '{RECEPTION}': retracted on 2024-01-05; a retraction is not undone by removing it from the input"
    ]
    assert RECEPTION not in entries(cli, PROJECT)


def test_fact_missing_from_a_later_input_is_kept_and_reported_with_complete(cli, sample_store):
    result = summary(cli, "--complete", "sample/entities.yaml", NHSC_FILE)
    assert result["appended"] == 0
    assert result["unchanged"] == 3
    assert len(result["missing"]) == SAMPLE_FACTS - 3
    assert "hanoi-chairman-meets-japan-ambassador-2024-07-02" in result["missing"]
    assert result["missing"] == sorted(result["missing"])
    assert "hanoi-chairman-meets-japan-ambassador-2024-07-02" in entries(cli, PROJECT)
    assert len(cli.json("log")) == 51


def test_adding_some_facts_reports_no_missing_ones_unless_asked(cli, sample_store):
    result = summary(cli, "sample/entities.yaml", NHSC_FILE)
    assert result["missing"] == [] and result["unchanged"] == 3
    assert "not in this input" not in cli.ok("ingest", "sample/entities.yaml", NHSC_FILE).stdout


def test_missing_facts_warning_is_shown_in_the_text_summary(cli, sample_store):
    result = cli.ok("ingest", "--complete", "sample/entities.yaml", NHSC_FILE)
    assert (
        "warning: 12 facts in the store are not in this input (kept; retract with `retracted:`): "
        "guangzhou-gdp-2024, hanoi-chairman-meets-japan-ambassador-2024-07-02" in " ".join(result.stdout.split())
    )


# ---------------------------------------------------------------- formats


class _TextDates(yaml.SafeLoader):
    """Plain YAML with dates kept as text, independent of the project's loader."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_KINDS = {"projects": "project", "organisations": "organisation", "offices": "office", "people": "person"}


def _read_yaml(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_TextDates)  # noqa: S506 (a SafeLoader)


def test_yaml_json_and_jsonl_inputs_give_identical_projections(cli):
    entities = _read_yaml(SAMPLE / "entities.yaml")
    facts = [f for path in sorted((SAMPLE / "facts").glob("*.yaml")) for f in _read_yaml(path)]
    assert len(facts) == SAMPLE_FACTS
    cli.write("json/entities.json", json.dumps(entities, ensure_ascii=False, indent=1))
    cli.write("json/facts.json", json.dumps({"facts": facts}, ensure_ascii=False))
    lines = [{"entity": _KINDS[section], **item} for section, items in entities.items() for item in items]
    cli.write("all.jsonl", "\n".join(json.dumps(line, ensure_ascii=False) for line in lines + facts) + "\n")

    outputs = {}
    for name, paths in (("yaml", SAMPLE_ARGS), ("json", ("json",)), ("jsonl", ("all.jsonl",))):
        db = f"{name}.db"
        counts = cli.json("ingest", *paths, "--db", db)
        assert (counts["new_facts"], counts["new_entities"]) == (SAMPLE_FACTS, 36), name
        outputs[name] = [
            cli.ok("project", ref, *as_of, "--db", db, "--json").stdout
            for ref in (PROJECT, "hanoi-urban-rail", "red-river-planning")
            for as_of in ((), ("--as-of", "2022-03-24"))
        ]
    assert outputs["yaml"] == outputs["json"] == outputs["jsonl"]
    # And each format re-ingested into the YAML store changes nothing.
    assert cli.json("ingest", "json", "--db", "yaml.db")["appended"] == 0
    assert cli.json("ingest", "all.jsonl", "--db", "yaml.db")["appended"] == 0


# ---------------------------------------------------------------- references


HANOI_NFC = unicodedata.normalize("NFC", "Hà Nội")
HANOI_NFD = unicodedata.normalize("NFD", "Hà Nội")
SPELLINGS = [
    # fact id, partner as written, project as written
    ("spelled-lower-ascii", "ha noi", "north hanoi smart city"),
    ("spelled-upper-vietnamese", "HÀ NỘI", "THÀNH PHỐ THÔNG MINH BẮC HÀ NỘI"),
    ("spelled-decomposed", HANOI_NFD, unicodedata.normalize("NFD", "Thành phố thông minh Bắc Hà Nội")),
    ("spelled-alias-no-diacritics", "thanh pho ha noi", "du an thanh pho thong minh bac ha noi"),
]


def test_references_resolve_case_diacritic_and_unicode_form_insensitively(cli, sample_store):
    assert HANOI_NFD != HANOI_NFC and len(HANOI_NFD) > len(HANOI_NFC)
    text = "".join(
        f'- id: {fact_id}\n  kind: meeting\n  occurred: "2023-05-01"\n  title: Spelled {fact_id}\n'
        f"  projects: [{project}]\n  partners: [{partner}]\n"
        f'  sources: [{{outlet: VNA, language: en, reported: "2023-05-02"}}]\n'
        for fact_id, partner, project in SPELLINGS
    )
    cli.write("spellings.yaml", text)
    assert summary(cli, "spellings.yaml")["new_facts"] == len(SPELLINGS)
    shown = entries(cli, PROJECT)
    for fact_id, _, _ in SPELLINGS:
        assert shown[fact_id]["partners"] == [{"id": "hanoi", "name": "Hanoi"}], fact_id
        assert shown[fact_id]["projects"] == [{"id": PROJECT, "name": "North Hanoi Smart City"}], fact_id


@pytest.mark.parametrize(
    "ref",
    [
        "North Hanoi Smart City",
        "thanh pho thong minh bac ha noi",
        "HANOI SMART CITY",
        unicodedata.normalize("NFD", "Thành phố thông minh Bắc Hà Nội"),
    ],
)
def test_project_command_accepts_any_spelling_of_the_project(cli, sample_store, ref):
    assert cli.json("project", ref) == cli.json("project", PROJECT)


# ---------------------------------------------------------------- disagreements between sources


PREVIEW = """\
- id: nhsc-site-visit-2023-03-01
  kind: meeting
  occurred: "2023-03-01"
  title: Site visit to North Hanoi Smart City
  projects: [north-hanoi-smart-city]
  partners: [japan]
  sources:
    - {outlet: VNA, language: en, reported: "2023-02-20", differs: {status: scheduled}, note: a preview}
    - {outlet: Nhân Dân, language: vi, reported: "2023-03-02"}
"""


def test_source_differs_gives_a_disagreement_and_the_latest_visible_source_wins(cli, sample_store):
    cli.write("preview.yaml", PREVIEW)
    summary(cli, "preview.yaml")

    before = entries(cli, PROJECT, "--as-of", "2023-02-25")["nhsc-site-visit-2023-03-01"]
    assert before["status"] == "scheduled"
    assert before["disagreements"] == []
    assert [s["outlet"] for s in before["sources"]] == ["VNA"]

    now = entries(cli, PROJECT)["nhsc-site-visit-2023-03-01"]
    assert now["status"] == "happened"
    assert [(d["field"], d["value"], [s["outlet"] for s in d["sources"]]) for d in now["disagreements"]] == [
        ("status", "scheduled", ["VNA"])
    ]
    assert now["disagreements"][0]["sources"][0]["reported"] == "2023-02-20"


def test_disagreement_is_shown_with_its_source_in_the_text_timeline(cli, sample_store):
    cli.write("preview.yaml", PREVIEW)
    summary(cli, "preview.yaml")
    text = cli.ok("project", PROJECT, "--since", "2023-03", "--until", "2023-03").stdout
    assert "disagreement: status = scheduled per VNA (en, 2023-02-20)" in text


def test_same_day_sources_the_later_in_the_file_wins_and_differs_references_resolve(cli, sample_store):
    cli.write(
        "twins.yaml",
        """\
- id: nhsc-partners-2023-04-10
  kind: meeting
  occurred: "2023-04-10"
  title: Partners meet on North Hanoi Smart City
  projects: [north-hanoi-smart-city]
  partners: [Tập đoàn Sumitomo]
  sources:
    - {outlet: VNA, language: en, reported: "2023-04-10"}
    - {outlet: Kinh tế & Đô thị, language: vi, reported: "2023-04-10",
       differs: {partners: [sumitomo, tap doan brg]}}
""",
    )
    summary(cli, "twins.yaml")
    seen = entries(cli, PROJECT)["nhsc-partners-2023-04-10"]
    assert [p["id"] for p in seen["partners"]] == ["sumitomo", "brg"]
    assert [(d["field"], d["value"], [s["outlet"] for s in d["sources"]]) for d in seen["disagreements"]] == [
        ("partners", ["sumitomo"], ["VNA"])
    ]


# ---------------------------------------------------------------- choosing and guarding the store


@pytest.mark.sqlite_only("the store is a file in the working directory")
def test_default_store_is_timeline_db_in_the_working_directory(cli):
    result = cli.ok("ingest", *SAMPLE_ARGS)
    assert result.stdout.startswith("timeline.db: appended 51 events")
    assert (cli.root / "timeline.db").exists()
    assert len(cli.json("project", PROJECT)["entries"]) == 4


@pytest.mark.sqlite_only("the store is a file in the working directory")
def test_timeline_db_environment_variable_chooses_the_store(cli):
    env = {"TIMELINE_DB": "from-env.db"}
    assert cli.ok("ingest", *SAMPLE_ARGS, env=env).stdout.startswith("from-env.db: appended 51 events")
    assert (cli.root / "from-env.db").exists()
    assert not (cli.root / "timeline.db").exists()
    assert len(cli.json("project", PROJECT, env=env)["entries"]) == 4
    assert cli("project", PROJECT).exit_code == 1  # without it, the default ./timeline.db does not exist


def test_db_option_overrides_the_environment_variable(cli, sample_store):
    result = cli.ok("project", PROJECT, "--db", "timeline.db", env={"TIMELINE_DB": "elsewhere.db"})
    assert "4 facts" in result.stdout
    assert not (cli.root / "elsewhere.db").exists()


@pytest.mark.parametrize("args", [("project", PROJECT), ("log",), ("log", "--fact", RECEPTION)])
@pytest.mark.parametrize("db", [None, "missing.db"])
def test_querying_a_missing_store_fails_clearly_and_creates_nothing(cli, args, db):
    name = db or "timeline.db"
    result = cli(*args, *(("--db", db) if db else ()))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    hint = f" --db {db}" if db else ""
    assert result.stderr == (
        f"error: {name}: no timeline store here; create one with `timeline ingest FILES{hint}` "
        f"or load the sample with `timeline demo{hint}`\n"
    )
    assert sorted(p.name for p in cli.root.iterdir()) == ["sample"]


def test_check_without_a_store_validates_alone_and_creates_nothing(cli):
    result = cli.ok("check", *SAMPLE_ARGS, "--db", "missing.db")
    assert result.stdout == "sample/entities.yaml, sample/facts: OK — 36 entities, 15 facts, no problems.\n"
    assert sorted(p.name for p in cli.root.iterdir()) == ["sample"]


COMMANDS_ON_A_STORE = [("project", PROJECT), ("log",), ("ingest", *SAMPLE_ARGS), ("check", *SAMPLE_ARGS)]


@pytest.mark.sqlite_only("a foreign file; tests/test_postgres.py refuses a foreign schema")
@pytest.mark.parametrize("args", COMMANDS_ON_A_STORE, ids=[args[0] for args in COMMANDS_ON_A_STORE])
def test_a_file_that_is_not_sqlite_is_refused_and_left_unchanged(cli, args):
    path = cli.write("notes.db", "SQLite is mentioned here, but this is a text file.\n")
    before = store_digest(path)
    result = cli(*args, "--db", "notes.db")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr == "error: notes.db: not a timeline store (not an SQLite database)\n"
    assert store_digest(path) == before


@pytest.mark.sqlite_only("a foreign file; tests/test_postgres.py refuses a foreign schema")
@pytest.mark.parametrize("args", COMMANDS_ON_A_STORE, ids=[args[0] for args in COMMANDS_ON_A_STORE])
def test_another_programs_sqlite_database_is_refused_and_left_unchanged(cli, args):
    path = cli.root / "contacts.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)")
    connection.execute("INSERT INTO people (name) VALUES ('Nguyen Van A')")
    connection.commit()
    connection.close()
    before = store_digest(path)
    result = cli(*args, "--db", "contacts.db")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr == (
        "error: contacts.db: an SQLite database of another program (tables: people); "
        "refusing to add timeline tables to it\n"
    )
    assert store_digest(path) == before


FIGURES_DIFFER = """\
- id: investment-2023
  kind: statistic
  occurred: 2023-05-01
  title: Investment in the project
  figures: [{metric: investment, value: 100, unit: million USD}]
  sources:
    - {outlet: VNA, language: en, reported: 2023-05-02}
    - outlet: VnExpress
      language: vi
      reported: 2023-05-03
      differs:
        figures: [{metric: investment, value: 120, unit: million USD}]
        partners: []
"""


def test_reingesting_a_source_that_differs_in_figures_appends_nothing(cli):
    """Issue 12.1: a `differs` holding figures (or a list) equals itself once read back from the log."""
    cli.write("figures.yaml", FIGURES_DIFFER)
    first = cli.json("ingest", "figures.yaml")
    again = cli.json("ingest", "figures.yaml")
    assert (first["appended"], first["new_facts"]) == (1, 1)
    assert (again["appended"], again["corrections"], again["unchanged"]) == (0, 0, 1)
    events = cli.json("log", "--fact", "investment-2023")
    assert len(events) == 1

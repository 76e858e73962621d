"""Every query that takes an entity follows merges: from a merge's knowledge date on, the merged record and the
surviving one answer alike (`who`, `person`, `targets`, `search`, `list`, `diff`, `export`, and the --project/
--partner filters of every query); before it (`--as-of`), or before the merge was recorded (`--recorded-before`),
they answer apart. Real stores: the CLI on a real SQLite file (or the PostgreSQL server of the test run)."""

from __future__ import annotations

import json
from typing import Any

from events.domain import EntityMerged
from timeline.service import Store
from timeline.storage.recorded import recorded_key

ENTITIES = """
organisations:
  - {id: hanoi, name: Hanoi, kind: city}
  - {id: brg, name: BRG Joint Stock Company, kind: company}
  - {id: brg-group, name: BRG Group, kind: company}
projects:
  - {id: ring-road, name: Ring Road 4}
  - {id: outer-ring, name: Outer Ring Expressway}
people:
  - {id: a, name: Nguyen Van A}
  - {id: a-dup, name: Nguyễn Văn A (second record)}
offices:
  - {id: chair, name: Chair of the Capital Region Council, organisation: hanoi}
  - {id: chair-old, name: Chair of the Old Council, organisation: hanoi}
"""
MERGES = {  # each second record found (as of 2021) to be the first
    "  - {id: brg, name: BRG Joint Stock Company, kind: company}": "brg-group",
    "  - {id: outer-ring, name: Outer Ring Expressway}": "ring-road",
    "  - {id: a-dup, name: Nguyễn Văn A (second record)}": "a",
    "  - {id: chair-old, name: Chair of the Old Council, organisation: hanoi}": "chair",
}
MERGED = ENTITIES
for line, into in MERGES.items():
    MERGED = MERGED.replace(line, line[:-1] + f", merged: {{into: {into}, on: 2021}}}}")
FACTS = """
- {id: old, kind: meeting, occurred: 2010-05-01, title: Expressway survey meeting, projects: [outer-ring],
   partners: [brg], people: [{person: a-dup, office: chair-old}],
   sources: [{outlet: VNA, language: en, reported: 2010-05-02}]}
- {id: old-target, kind: target, occurred: 2010-06-01, title: Expressway to open by 2015, projects: [outer-ring],
   target: outer-ring-open, figures: [{metric: opened, deadline: "2015"}],
   sources: [{outlet: VNA, language: en, reported: 2010-06-02}]}
- {id: new, kind: meeting, occurred: 2020-05-01, title: Ring road financing meeting, projects: [ring-road],
   partners: [brg-group], people: [{person: a, office: chair}],
   sources: [{outlet: VNA, language: en, reported: 2020-05-02}]}
"""
BEFORE_MERGE = "2020-12-31"


def merged_store(cli, entities: str = MERGED) -> str:  # type: ignore[no-untyped-def]
    cli.write("in/entities.yaml", entities)
    cli.write("in/facts.yaml", FACTS)
    cli.ok("ingest", "in", "--db", "m.db")
    return "m.db"


def facts_of(answer: dict[str, Any], key: str = "entries") -> list[str]:
    return sorted(item["fact"] for item in answer[key])


def test_who_answers_for_the_merged_office_and_the_same_person_under_either_record(cli) -> None:  # type: ignore[no-untyped-def]
    db = merged_store(cli)
    every = cli.json("who", "chair", "--db", db)
    assert [(h["office"]["id"], h["person"]["id"], h["facts"]) for h in every["holders"]] == [
        ("chair", "a", ["new", "old"])
    ]
    assert cli.json("who", "chair-old", "--db", db) == every  # the merged record answers for the surviving one
    between = cli.json("who", "chair", "--on", "2015-01-01", "--db", db)
    assert between["disagreement"] is None  # one person under two records is no disagreement
    assert [h["person"]["id"] for h in between["holders"]] == ["a"]
    on_the_day = cli.json("who", "chair-old", "--on", "2010-05-01", "--db", db)
    assert on_the_day["office"]["id"] == "chair" and not on_the_day["inferred"]
    assert [(h["person"]["id"], h["facts"]) for h in on_the_day["holders"]] == [("a", ["old"])]


def test_who_keeps_the_records_apart_before_the_merge(cli) -> None:  # type: ignore[no-untyped-def]
    db = merged_store(cli)
    apart = cli.json("who", "chair", "--db", db, "--as-of", BEFORE_MERGE)
    assert [(h["person"]["id"], h["facts"]) for h in apart["holders"]] == [("a", ["new"])]
    old = cli.json("who", "chair-old", "--db", db, "--as-of", BEFORE_MERGE)
    assert old["office"]["id"] == "chair-old"
    assert [(h["person"]["id"], h["facts"]) for h in old["holders"]] == [("a-dup", ["old"])]


def test_person_answers_for_both_records_with_their_offices_followed(cli) -> None:  # type: ignore[no-untyped-def]
    db = merged_store(cli)
    person = cli.json("person", "a", "--db", db)
    assert facts_of(person) == ["new", "old"]
    assert [(t["office"]["id"], t["first_attested"], t["last_attested"]) for t in person["offices"]] == [
        ("chair", "2010-05-01", "2020-05-01")
    ]
    assert cli.json("person", "a-dup", "--db", db) == person
    apart = cli.json("person", "a-dup", "--db", db, "--as-of", BEFORE_MERGE)
    assert apart["person"]["id"] == "a-dup" and facts_of(apart) == ["old"]
    assert [t["office"]["id"] for t in apart["offices"]] == ["chair-old"]


def test_entity_filters_follow_merges_in_project_partner_person_and_list(cli) -> None:  # type: ignore[no-untyped-def]
    db = merged_store(cli)
    for partner in ("brg", "brg-group"):
        assert facts_of(cli.json("project", "ring-road", "--partner", partner, "--db", db)) == ["new", "old"]
        assert facts_of(cli.json("person", "a", "--partner", partner, "--db", db)) == ["new", "old"]
        assert facts_of(cli.json("list", "facts", "--partner", partner, "--db", db), "items") == ["new", "old"]
    for project in ("outer-ring", "ring-road"):
        assert facts_of(cli.json("partner", "brg-group", "--project", project, "--db", db)) == ["new", "old"]
        listed = cli.json("list", "facts", "--project", project, "--db", db)
        assert facts_of(listed, "items") == ["new", "old", "old-target"]
        organisations = cli.json("list", "organisations", "--project", project, "--db", db)["items"]
        assert {row["id"] for row in organisations} == {"brg", "brg-group"}
    before = cli.json("project", "ring-road", "--partner", "brg", "--db", db, "--as-of", BEFORE_MERGE)
    assert facts_of(before) == []
    listed = cli.json("list", "facts", "--project", "outer-ring", "--db", db, "--as-of", BEFORE_MERGE)
    assert facts_of(listed, "items") == ["old", "old-target"]


def test_search_filters_and_entity_names_follow_merges(cli) -> None:  # type: ignore[no-untyped-def]
    db = merged_store(cli)
    for partner in ("brg", "brg-group"):
        hits = cli.json("search", "meeting", "--partner", partner, "--db", db)
        assert facts_of(hits, "hits") == ["new", "old"]
    assert facts_of(cli.json("search", "meeting", "--project", "outer-ring", "--db", db), "hits") == ["new", "old"]
    apart = cli.json("search", "meeting", "--project", "outer-ring", "--db", db, "--as-of", BEFORE_MERGE)
    assert facts_of(apart, "hits") == ["old"]
    # A word only in the merged record's name finds the facts naming the surviving one too, from the merge on.
    assert facts_of(cli.json("search", "joint", "--db", db), "hits") == ["new", "old"]
    assert facts_of(cli.json("search", "joint", "--db", db, "--as-of", BEFORE_MERGE), "hits") == ["old"]


def test_targets_of_a_project_include_those_stated_for_its_merged_record(cli) -> None:  # type: ignore[no-untyped-def]
    db = merged_store(cli)
    keys = [t["key"] for t in cli.json("targets", "--project", "ring-road", "--db", db)["targets"]]
    assert keys == ["outer-ring-open"]
    answer = cli.json("targets", "--project", "outer-ring", "--db", db)
    assert answer["project"]["id"] == "ring-road" and [t["key"] for t in answer["targets"]] == keys
    apart = cli.json("targets", "--project", "ring-road", "--db", db, "--as-of", BEFORE_MERGE)
    assert apart["targets"] == []


def test_diff_and_export_of_a_project_include_its_merged_record_without_rewriting_facts(cli) -> None:  # type: ignore[no-untyped-def]
    db = merged_store(cli)
    gained = cli.json("diff", "--from", "2009", "--to", "2024", "--project", "ring-road", "--db", db)
    assert sorted(f["fact"] for f in gained["reported"]) == ["new", "old", "old-target"]
    exported = cli.ok("export", "--format", "jsonl", "--project", "ring-road", "--db", db).stdout
    facts = {row["id"]: row for row in map(json.loads, exported.splitlines()) if "title" in row}
    assert sorted(facts) == ["new", "old", "old-target"]
    assert facts["old"]["projects"] == ["outer-ring"]  # nothing rewritten: the fact names the id it named
    by_partner = cli.ok("export", "--format", "jsonl", "--partner", "brg", "--db", db).stdout
    assert sorted(row["id"] for row in map(json.loads, by_partner.splitlines()) if "title" in row) == ["new", "old"]
    apart = cli.ok("export", "--format", "jsonl", "--partner", "brg", "--db", db, "--as-of", BEFORE_MERGE).stdout
    assert [row["id"] for row in map(json.loads, apart.splitlines()) if "title" in row] == ["old"]


def test_a_merge_recorded_later_changes_no_answer_recorded_before_it(cli) -> None:  # type: ignore[no-untyped-def]
    db = merged_store(cli, ENTITIES)
    asked = [("who", "chair"), ("person", "a"), ("search", "meeting", "--partner", "brg-group")]
    then = {args: cli.json(*args, "--db", db) for args in asked}
    merged_store(cli)  # the merges, recorded now
    with Store(db) as store:
        recorded = min(e.recorded for e in store.events() if isinstance(e.event, EntityMerged))
    for args, answer in then.items():
        again = cli.json(*args, "--db", db, "--recorded-before", recorded_key(recorded))
        assert {k: v for k, v in again.items() if k != "recorded_before"} == answer
        assert cli.json(*args, "--db", db) != answer  # and now the merge is followed

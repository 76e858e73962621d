"""Entities over time: dated names (the name in force at a fact's date), merges of two records, office holders
in disagreement."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from events.domain import EntityMerged
from events.inputs import DatedName
from projections.entities import Names, merge_map
from timeline.service import Store

ENTITIES = """
organisations:
  - {id: hanoi, name: Hanoi, kind: city}
  - {id: ha-tay, name: Hà Tây Province, kind: government, names: [{name: Hà Tây, until: 2008-07-31}]}
  - {id: brg, name: BRG, kind: company}
  - {id: brg-group, name: BRG Group, kind: company, aliases: [Tập đoàn BRG]}
projects:
  - id: ring-road
    name: Ring Road 4
    names: [{name: Outer Ring Road, until: 2015}, {name: Vành đai 4, since: 2016}]
people:
  - {id: a, name: Nguyen Van A}
  - {id: b, name: Tran Thi B}
offices:
  - {id: chair, name: Chair of the Capital Region Council, organisation: hanoi,
     names: [{name: Chair of the Hà Tây Council, until: 2008-07-31}]}
"""
FACTS = """
- {id: old, kind: meeting, occurred: 2010-05-01, title: Old road meeting, projects: [ring-road], partners: [brg],
   people: [{person: a, office: chair}],
   sources: [{outlet: VNA, language: en, reported: 2010-05-02}]}
- {id: new, kind: meeting, occurred: 2020-05-01, title: New road meeting, projects: [ring-road],
   partners: [brg-group], people: [{person: a, office: chair}, {person: b, office: chair}],
   sources: [{outlet: VNA, language: en, reported: 2020-05-02}]}
"""
MERGED = ENTITIES.replace(
    "  - {id: brg, name: BRG, kind: company}",
    "  - {id: brg, name: BRG, kind: company, merged: {into: BRG Group, on: 2021}}",
)


def store_with(cli, entities: str = ENTITIES) -> str:  # type: ignore[no-untyped-def]
    cli.write("in/entities.yaml", entities)
    cli.write("in/facts.yaml", FACTS)
    cli.ok("ingest", "in", "--db", "t.db")
    return "t.db"


def test_a_timeline_names_each_entity_as_it_was_named_when_the_fact_occurred(cli) -> None:  # type: ignore[no-untyped-def]
    db = store_with(cli)
    data = cli.json("partner", "brg", "--db", db)
    assert data["partner"]["name"] == "BRG"
    timeline = cli.json("project", "ring-road", "--db", db)
    names = {e["fact"]: [p["name"] for p in e["projects"]] for e in timeline["entries"]}
    assert names == {"old": ["Outer Ring Road"], "new": ["Vành đai 4"]}


def test_an_old_name_finds_the_entity_in_references_and_search(cli) -> None:  # type: ignore[no-untyped-def]
    db = store_with(cli)
    assert cli.json("project", "outer ring road", "--db", db)["project"]["id"] == "ring-road"
    assert cli.json("partner", "Ha Tay", "--db", db)["partner"]["id"] == "ha-tay"
    hits = cli.json("search", "vanh dai", "--db", db)
    assert {hit["fact"] for hit in hits["hits"]} == {"old", "new"}


def test_a_merge_joins_partner_histories_from_its_date_and_keeps_them_apart_before(cli) -> None:  # type: ignore[no-untyped-def]
    db = store_with(cli, MERGED)
    after = cli.json("partner", "brg", "--db", db)
    assert after["partner"]["id"] == "brg-group"  # both ids answer for one entity
    assert sorted(e["fact"] for e in after["entries"]) == ["new", "old"]
    assert cli.json("partner", "brg-group", "--db", db)["entries"] == after["entries"]
    before = cli.json("partner", "brg", "--db", db, "--as-of", "2020-12-31")
    assert before["partner"]["id"] == "brg" and [e["fact"] for e in before["entries"]] == ["old"]
    per_year = cli.json("stats", "--db", db)["per_year_by_partner"]
    assert per_year == {"2010": {"brg-group": 1}, "2020": {"brg-group": 1}}
    apart = cli.json("stats", "--db", db, "--as-of", "2020-12-31")["per_year_by_partner"]
    assert apart == {"2010": {"brg": 1}, "2020": {"brg-group": 1}}
    with Store(db) as store:
        merged = [e.event for e in store.events() if isinstance(e.event, EntityMerged)]
        assert [(m.entity_id, m.merge.into, m.merge.on) for m in merged] == [("brg", "brg-group", "2021")]
        assert {f.id: f.partners for f in store.export().facts}["old"] == ("brg",)  # nothing rewritten


def test_a_merge_added_later_is_one_event_and_removing_it_warns(cli) -> None:  # type: ignore[no-untyped-def]
    db = store_with(cli)
    cli.write("in/entities.yaml", MERGED)
    summary = cli.json("ingest", "in", "--db", db)
    assert summary["appended"] == 1 and summary["entity_changes"] == 1
    cli.write("in/entities.yaml", ENTITIES)
    again = cli.json("ingest", "in", "--db", db)
    assert again["appended"] == 0
    assert any("a merge is not undone" in w for w in again["warnings"])


def test_a_merge_into_an_unknown_entity_is_refused_naming_the_field(cli) -> None:  # type: ignore[no-untyped-def]
    cli.write(
        "in/entities.yaml",
        ENTITIES.replace(
            "{id: brg, name: BRG, kind: company}", "{id: brg, name: BRG, kind: company, merged: {into: BRG Grup}}"
        ),
    )
    result = cli("check", "in/entities.yaml")
    assert result.exit_code == 1
    assert "field 'merged.into'" in result.stderr and "did you mean 'brg-group'" in result.stderr


def test_two_holders_on_one_day_are_a_disagreement_with_their_facts(cli) -> None:  # type: ignore[no-untyped-def]
    db = store_with(cli)
    answer = cli.json("who", "chair", "--on", "2020-05-01", "--db", db)
    assert answer["disagreement"] == "two or more holders are attested on this day"
    assert sorted(h["person"]["id"] for h in answer["holders"]) == ["a", "b"]
    assert answer["holders"][0]["facts"] == ["new"]
    old = cli.json("who", "Chair of the Ha Tay Council", "--on", "2008-01-01", "--db", db)
    assert old["office_name_then"] == "Chair of the Hà Tây Council"
    printed = cli.ok("who", "chair", "--on", "2008-01-01", "--db", db).stdout
    assert "(on 2008-01-01 named: Chair of the Hà Tây Council)" in printed


@given(st.dates(date(1990, 1, 1), date(2030, 12, 31)))
def test_the_name_in_force_is_the_dated_one_within_its_dates_else_the_current(day: date) -> None:
    names = Names({"x": "Now"}, {"x": (DatedName(name="Then", since="2000", until="2008-07-31"),)})
    expected = "Then" if date(2000, 1, 1) <= day <= date(2008, 7, 31) else "Now"
    assert names.at("x", day.isoformat()) == expected


def test_merge_chains_are_followed_and_cycles_ignored() -> None:
    from events.domain import EntityRecord
    from events.inputs import Merge

    def record(i: str, into: str, on: str | None = None) -> EntityRecord:
        return EntityRecord(entity="organisation", id=i, name=i, kind="company", merged=Merge(into=into, on=on))

    chain = [record("a", "b"), record("b", "c", "2020")]
    assert merge_map(chain) == {"a": "c", "b": "c"}
    assert merge_map(chain, date(2019, 12, 31)) == {"a": "b"}
    assert merge_map([record("a", "b"), record("b", "a")]) == {}

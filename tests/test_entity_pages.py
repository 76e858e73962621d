"""`project`, `partner` and `person` a page at a time (--limit N --after FACT, in the order printed), and `list
projects|organisations|offices|people` (--limit N --after ID, in id order): pages of any size, under every filter,
join up to exactly the unpaged answer; a cursor the answer cannot hold is one error; an unpaged answer above
LISTED_AT_ONCE asks for pages. Real stores built through the real ingest (two ingests: --recorded-before between
them sees the facts and the correction of the first one only)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_pages_export_stats import EXTRA as PAGES_EXTRA

from projections.chronology import Window
from projections.selection import Filters
from timeline.errors import InvalidOption
from timeline.service import Store, sample_paths

PAGING = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
W80 = {"COLUMNS": "80"}

# Records merged into another in 2021 (before then they answer apart), and facts naming them.
ENTITIES = """
organisations:
  - {id: brg-jsc, name: BRG JSC (second record), kind: company, merged: {into: brg, on: 2021}}
projects:
  - {id: ring-road4, name: Ring Road 4}
  - {id: outer-ring-x, name: Outer Ring Expressway, merged: {into: ring-road4, on: 2021}}
offices:
  - {id: chair-x, name: Chair of the Ring Road Board, organisation: hanoi}
  - {id: chair-x-old, name: Chair of the Old Board, organisation: hanoi, merged: {into: chair-x, on: 2021}}
people:
  - {id: nva, name: Nguyen Van A}
  - {id: nva-dup, name: Nguyễn Văn A (second record), merged: {into: nva, on: 2021}}
"""
FACTS = """
- {id: rr-old, kind: meeting, occurred: 2010-05-01, title: Expressway survey meeting, projects: [outer-ring-x],
   partners: [brg-jsc], people: [{person: nva-dup, office: chair-x-old}],
   sources: [{outlet: VNA, language: en, reported: 2010-05-02}]}
- {id: rr-target, kind: target, occurred: 2010-06-01, title: Expressway to open by 2015, projects: [outer-ring-x],
   target: rr-open, figures: [{metric: opened, deadline: "2015"}],
   sources: [{outlet: VNA, language: en, reported: 2010-06-02}]}
- {id: rr-new, kind: meeting, occurred: 2020-05-01, title: Ring road financing meeting, projects: [ring-road4],
   partners: [brg, japan], people: [{person: nva, office: chair-x}],
   sources: [{outlet: VNA, language: en, reported: 2020-05-02}]}
- {id: rr-both, kind: announcement, occurred: 2021-03-01, title: Both ring road records named,
   projects: [ring-road4, outer-ring-x], partners: [brg-jsc, brg], people: [{person: nva-dup}, {person: nva}],
   sources: [{outlet: VNA, language: en, reported: 2021-03-02}]}
"""
# The second ingest: a fact moved by a later source, a retracted one, an open start, and a correction that moves
# rr-new and makes it name North Hanoi Smart City too.
EXTRA = PAGES_EXTRA.replace(  # (test_pages_export_stats's extra facts, the moved meeting naming people too)
    "  partners: [japan]\n  sources:",
    "  partners: [japan]\n  people: [{person: nva, office: chair-x}, "
    "{person: duong-duc-tuan, office: hanoi-pc-vice-chairman}]\n  sources:",
    1,
)
CORRECTED = FACTS.replace(
    "occurred: 2020-05-01, title: Ring road financing meeting, projects: [ring-road4],",
    "occurred: 2009-01-01, title: Ring road financing meeting, projects: [ring-road4, north-hanoi-smart-city],",
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, datetime]:
    """The store, and a recorded time between its two ingests."""
    root = tmp_path_factory.mktemp("entity-pages")
    for name, text in (("entities.yaml", ENTITIES), ("facts.yaml", FACTS), ("extra.yaml", EXTRA)):
        (root / name).write_text(text, encoding="utf-8")
    (root / "corrected").mkdir()
    (root / "corrected" / "facts.yaml").write_text(CORRECTED, encoding="utf-8")
    db = str(root / "t.db")
    with Store(db, create=True) as timeline:
        timeline.ingest([*sample_paths(), root / "entities.yaml", root / "facts.yaml"])
    time.sleep(0.01)
    between = datetime.now(UTC)
    time.sleep(0.01)
    with Store(db, create=True) as timeline:
        timeline.ingest(
            [*sample_paths(), root / "entities.yaml", root / "corrected" / "facts.yaml", root / "extra.yaml"]
        )
    return db, between


ASK = {"project": "project", "organisation": "partner", "person": "person"}
REFS = st.sampled_from(
    [
        ("project", "north-hanoi-smart-city"),
        ("project", "ring-road4"),
        ("project", "outer-ring-x"),
        ("organisation", "japan"),
        ("organisation", "brg"),
        ("organisation", "brg-jsc"),
        ("person", "nva"),
        ("person", "duong-duc-tuan"),
    ]
)
AS_OF = st.sampled_from([None, date(2020, 12, 31), date(2022, 3, 24), date(2023, 7, 1), date(2024, 6, 1)])
WINDOW = st.sampled_from(  # (bounds on the day a fact begins or ends, too)
    [
        Window(),
        Window(date(2023, 1, 1), None),
        Window(None, date(2022, 12, 31)),
        Window(date(2010, 5, 1), date(2021, 3, 1)),
        Window(date(2020, 5, 1), None),
    ]
)
KINDS = st.sampled_from([(), ("meeting",), ("target", "milestone", "announcement")])


@st.composite
def filters(draw: st.DrawFn, kind: str) -> Filters:
    project = draw(st.sampled_from([None, "north-hanoi-smart-city", "ring-road4"])) if kind != "project" else None
    partner = draw(st.sampled_from([None, "japan", "brg"])) if kind != "organisation" else None
    return Filters(draw(AS_OF), draw(WINDOW), draw(KINDS), project, partner, draw(st.booleans()))


def ask(
    timeline: Store, kind: str, ref: str, chosen: Filters, after: str | None = None, limit: int | None = None
) -> Any:
    return getattr(timeline, ASK[kind])(ref, filters=chosen, after=after, limit=limit).to_json()


def _in_scope(entry: dict[str, Any], chosen: Filters) -> bool:
    """Whether a timeline entry names the project and the partner of the filters (ids as given: surviving ones)."""
    projects, partners = {p["id"] for p in entry["projects"]}, {p["id"] for p in entry["partners"]}
    return (chosen.project is None or chosen.project in projects) and (
        chosen.partner is None or chosen.partner in partners
    )


def _counted(history: dict[str, Any]) -> tuple[Counter[str], Counter[str]]:
    return Counter(history["meetings_per_year"]), Counter({p["id"]: p["facts"] for p in history["projects"]})


@PAGING
@given(data=st.data(), ref=REFS, limit=st.integers(1, 5), then=st.booleans())
def test_pages_of_an_entitys_facts_join_up_to_the_unpaged_answer(store, data, ref, limit, then):
    db, between = store
    kind, entity = ref
    chosen = data.draw(filters(kind))
    with Store(db, recorded_before=between if then else None) as timeline:
        whole = ask(timeline, kind, entity, chosen)
        bare = ask(timeline, kind, entity, replace(chosen, project=None, partner=None))
        entries, hidden, after, pages = [], 0, None, []
        while True:
            page = ask(timeline, kind, entity, chosen, after, limit)
            assert page["after"] == after
            assert len(page["entries"]) + page["retracted_not_shown"] <= limit
            entries += page["entries"]
            hidden += page["retracted_not_shown"]
            pages.append(page)
            if page["next"] is None:
                break
            after = page["next"]
            assert len(pages) <= 40
    assert entries == whole["entries"]
    assert hidden == whole["retracted_not_shown"]
    # Read from the range of the scope's project or partner when it holds fewer facts: the same as filtering.
    assert whole["entries"] == [entry for entry in bare["entries"] if _in_scope(entry, chosen)]
    assert "next" not in whole and "after" not in whole  # the unpaged JSON is unchanged
    if kind == "organisation":  # what a partner's pages count adds up to what the whole answer counts
        meetings, projects = Counter[str](), Counter[str]()
        for page in pages:
            page_meetings, page_projects = _counted(page)
            meetings, projects = meetings + page_meetings, projects + page_projects
        assert (meetings, projects) == _counted(whole)


@pytest.mark.parametrize(
    ("kind", "ref", "after", "message"),
    [
        ("project", "north-hanoi-smart-city", "nowhere", "--after: no fact 'nowhere' naming north-hanoi-smart-city"),
        ("project", "ring-road4", "cc-open-start-2023", "--after: no fact 'cc-open-start-2023' naming ring-road4"),
        ("organisation", "japan", "rr-old", "--after: no fact 'rr-old' naming japan"),
        ("person", "nva", "rr-target", "--after: no fact 'rr-target' naming nva"),
    ],
)
def test_a_cursor_the_answer_cannot_hold_is_one_error(store, kind, ref, after, message):
    with Store(store[0]) as timeline, pytest.raises(InvalidOption) as error:
        ask(timeline, kind, ref, Filters(), after, 2)
    assert str(error.value) == f"{message}; give the fact id a page ended with"


def test_a_cursor_of_a_merged_records_fact_continues_the_surviving_entitys_pages(store):
    with Store(store[0]) as timeline:
        whole = [e["fact"] for e in ask(timeline, "project", "ring-road4", Filters())["entries"]]
        page = ask(timeline, "project", "ring-road4", Filters(), "rr-old", 10)  # rr-old names outer-ring-x only
    assert [e["fact"] for e in page["entries"]] == whole[whole.index("rr-old") + 1 :]


LISTS = st.sampled_from(["projects", "organisations", "offices", "people"])
ORGANISATION_KINDS = st.sampled_from([(), ("company",), ("government", "city")])


@PAGING
@given(what=LISTS, org_kinds=ORGANISATION_KINDS, scope=st.sampled_from([(None, None), ("north-hanoi-smart-city", None),
       (None, "japan")]), limit=st.integers(1, 8), then=st.booleans())  # fmt: skip
def test_pages_of_a_list_of_entities_join_up_to_the_unpaged_list(store, what, org_kinds, scope, limit, then):
    db, between = store
    kinds = org_kinds if what == "organisations" else ()
    chosen = Filters(project=scope[0], partner=scope[1])
    with Store(db, recorded_before=between if then else None) as timeline:
        whole = timeline.list_entities(what, kinds, chosen).to_json()
        items = listed_in_pages(timeline, what, kinds, chosen, limit)
    assert items == whole["items"]
    assert "next" not in whole


def listed_in_pages(timeline: Store, what: str, kinds: tuple[str, ...], chosen: Filters, limit: int) -> list[Any]:
    """Every item of `list WHAT` read `limit` at a time, each page checked: it says where it starts, holds at most
    `limit` items and ends with the cursor of the next."""
    items, after = [], None
    while True:
        page = timeline.list_entities(what, kinds, chosen, after, limit).to_json()
        assert page["after"] == after and page["count"] == len(page["items"]) <= limit
        items += page["items"]
        if page["next"] is None:
            return items
        assert page["next"] == page["items"][-1]["id"]
        after = page["next"]


NAMED_BY = st.sampled_from(
    [
        ("north-hanoi-smart-city", None),
        (None, "japan"),
        ("ring-road4", None),
        ("outer-ring-x", None),
        (None, "brg-jsc"),
        ("ring-road4", "brg"),
        ("north-hanoi-smart-city", "japan"),
    ]
)


@PAGING
@given(what=LISTS, org_kinds=ORGANISATION_KINDS, scope=NAMED_BY, as_of=AS_OF, window=WINDOW, retracted=st.booleans(),
       limit=st.integers(1, 8), then=st.booleans())  # fmt: skip
def test_pages_of_the_entities_a_scope_names_join_up_to_those_its_every_fact_names(
    store, monkeypatch, what, org_kinds, scope, as_of, window, retracted, limit, then
):
    """`list people|... --project P --partner Q` a page at a time, each entity after the cursor looked up in the index
    (as for a scope naming many facts), lists exactly what reading every fact of the scope lists (as for a few)."""
    from timeline.service import browse

    db, between = store
    kinds = org_kinds if what == "organisations" else ()
    chosen = Filters(as_of, window, project=scope[0], partner=scope[1], include_retracted=retracted)
    with Store(db, recorded_before=between if then else None) as timeline:
        whole = timeline.list_entities(what, kinds, chosen).to_json()
        monkeypatch.setattr(browse, "SCOPE_READ_WHOLE", 0)
        items = listed_in_pages(timeline, what, kinds, chosen, limit)
    assert items == whole["items"]


def test_a_printed_page_of_a_project_ends_with_how_to_continue(cli, sample_store, golden):
    first = cli.ok("project", "north-hanoi-smart-city", "--limit", "2", env=W80).stdout
    golden("pages/project-nhsc-limit-2.txt", first)
    last = cli.json("project", "north-hanoi-smart-city", "--limit", "2")["next"]
    rest = cli.ok("project", "north-hanoi-smart-city", "--limit", "2", "--after", last, env=W80).stdout
    golden("pages/project-nhsc-limit-2-after.txt", rest)


def test_a_printed_page_of_a_partner_says_it_counts_its_own_facts(cli, sample_store, golden):
    golden("pages/partner-japan-limit-2.txt", cli.ok("partner", "japan", "--limit", "2", env=W80).stdout)


def test_a_printed_page_of_a_person_says_its_offices_come_from_its_facts(cli, sample_store, golden):
    golden("pages/person-limit-1.txt", cli.ok("person", "duong-duc-tuan", "--limit", "1", env=W80).stdout)


def test_a_printed_page_of_people_ends_with_how_to_continue(cli, sample_store, golden):
    golden("pages/list-people-limit-3.txt", cli.ok("list", "people", "--limit", "3", env=W80).stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("project", "north-hanoi-smart-city"), "4 facts naming North Hanoi Smart City"),
        (("partner", "japan"), "6 facts naming Japan"),
        (("person", "duong-duc-tuan"), "4 facts naming Duong Duc Tuan"),
        (("list", "people"), "10 people"),
        (("list", "organisations", "--partner", "japan"), "4 organisations named by facts with Japan"),
    ],
)
def test_unpaged_answers_above_the_cap_ask_for_pages(cli, sample_store, monkeypatch, args, message):
    from timeline import paging

    monkeypatch.setattr(paging, "LISTED_AT_ONCE", 2)
    result = cli(*args)
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: {message} are too many to list at once; list them a page at a time with --limit 1000 (each page "
        "ends with the --after for the next)\n",
    )
    assert cli.json(*args, "--limit", "2")["next"] is not None  # a page is answered


@pytest.mark.parametrize(
    ("office", "span", "told"),
    [
        ("japan-ambassador-vietnam", (), "Ambassador of Japan to Vietnam"),
        ("hanoi-pc-vice-chairman", ("--since", "2025"), "Vice Chairman of the Hanoi People's Committee occurred "
         "2025-01-01 to …"),
    ],
)  # fmt: skip
def test_who_over_a_span_above_the_cap_asks_for_a_shorter_span(cli, sample_store, monkeypatch, office, span, told):
    """`who OFFICE` without --on holds at most LISTED_AT_ONCE facts of its span: above, one error asking for a
    shorter span (4 facts name the ambassador, 3 of them since 2024; 6 the vice chairman, all in 2025)."""
    from timeline import paging

    monkeypatch.setattr(paging, "LISTED_AT_ONCE", 3)
    result = cli("who", office, *span)
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: more than 3 facts naming {told} are too many to list at once; ask for the holders of a shorter "
        "span with --since/--until, or of a day with --on\n",
    )
    holders = cli.json("who", "japan-ambassador-vietnam", "--since", "2024")["holders"]
    assert [(h["person"]["id"], len(h["facts"])) for h in holders] == [("ito-naoki", 3)]


def test_the_printed_unpaged_answers_are_unchanged(cli, sample_store, golden):
    """Below the cap an unpaged answer prints what it printed before pages (the goldens of before)."""
    golden("project-nhsc-now.txt", cli.ok("project", "north-hanoi-smart-city", env={"COLUMNS": "100"}).stdout)


OFFICES = st.sampled_from(["chair-x", "chair-x-old", "hanoi-pc-vice-chairman", "hanoi-party-secretary"])


@PAGING
@given(office=OFFICES, as_of=AS_OF, window=WINDOW, then=st.booleans())
def test_who_over_a_window_reads_its_facts_and_answers_as_from_every_fact(store, office, as_of, window, then):
    """`who OFFICE --since/--until` reads the facts of the window from the index: the holders are those the office's
    every fact attests in the window."""
    from projections.entities import follow_merges
    from projections.offices import attestations, tenures

    db, between = store
    with Store(db, recorded_before=between if then else None) as timeline:
        holders = timeline.office(office, None, as_of, window).to_json()["holders"]
        merged = timeline.merges(as_of)
        record = timeline.surviving(office, "office", merged)
        every = [follow_merges(f, merged) for f in timeline.facts_naming(record.id, "office", as_of, merged)]
    found = [a for a in attestations(every, as_of) if a.office == record.id]
    expected = tenures([a for a in found if a.occurred.overlaps(window.since, window.until)])
    told = [(h["person"]["id"], h["first_attested"], h["last_attested"], h["facts"]) for h in holders]
    assert told == [(t.person, str(t.first), str(t.last), list(t.facts)) for t in expected]


SCOPES = st.sampled_from(
    [
        ("north-hanoi-smart-city", None),
        (None, "japan"),
        ("ring-road4", "brg"),
        (None, "brg-jsc"),
        ("outer-ring-x", None),
        ("north-hanoi-smart-city", "japan"),
    ]
)


@PAGING
@given(as_of=AS_OF, window=WINDOW, scope=SCOPES, kinds=KINDS, then=st.booleans())
def test_a_scope_read_from_its_index_range_holds_the_facts_of_the_scope_in_order(
    store, as_of, window, scope, kinds, then
):
    """`list facts`, `stats` and `export` pages with --project/--partner read the range of the one naming fewer
    facts (sifted by kind and knowledge date before decoding): the facts (as stored), in the order, that sorting every
    fact naming the scope gives."""
    from timeline.occurred import InOrder
    from timeline.service.queries import scope_rows

    db, between = store
    with Store(db, recorded_before=between if then else None) as timeline:
        resolved = timeline.scope(Filters(as_of, window, kinds, project=scope[0], partner=scope[1]))

        def admits(fact: Any, seen: Any) -> bool:
            return seen.occurred.overlaps(window.since, window.until) and resolved.admits(seen.fact)

        models = timeline.read_models
        rows = scope_rows(timeline, resolved, window, as_of)
        ranged = list(InOrder(models, as_of, rows).page(None, None, None, admits))
        every = timeline.facts_in(resolved, as_of)
        assert every is not None
        sorted_ = list(InOrder(models, as_of).page(every, None, None, admits))
    assert ranged == sorted_

"""The query commands (partner, targets, who, person, search, diff, verify, rebuild) on the bundled sample.

Every test runs `timeline` in-process through click's CliRunner, in its own temporary working directory,
against `t.db`: a copy of a store into which `timeline ingest <sample dir>` loaded the bundled sample once per
module (colour off, 100 columns). Golden outputs live in tests/golden/queries/ and are compared exactly;
UPDATE_GOLDEN=1 rewrites them. Behaviour tests assert the meaning directly. Facts that some tests add to the
sample are invented test data, marked "(test data)" in their titles and with example.org addresses.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import copy_store, raw_sql

import timeline
from cli import main
from events.text import fold
from projections.knowledge import reported_by
from projections.search import fact_texts
from timeline.service import validate_files
from timeline.storage.database import locate
from timeline.storage.readmodels import ReadModels

SAMPLE = Path(timeline.__file__).parent / "sample"
GOLDEN = Path(__file__).resolve().parent / "golden" / "queries"
DB = "t.db"
ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "TIMELINE_DB": None, "TIMELINE_DEBUG": None}

CHAIRMAN = "Chairman of the Hanoi People's Committee"
URBAN_RAIL_TARGETS = ["hanoi-urban-rail-km-2030", "hanoi-urban-rail-lines-2045", "hanoi-urban-rail-prep-km-2030"]
NHSC_FACTS = {
    "nhsc-reception-2022-03-23",
    "nhsc-land-clearance-basically-met-2022-03",
    "nhsc-major-items-by-50th-anniversary-2023",
    "hanoi-chairman-meets-japan-ambassador-2024-07-02",
}


# Helpers ------------------------------------------------------------------------------------------------------


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--db", DB], env=ENV)


def ok(*args: str) -> Result:
    """Run in the current directory against t.db and require success: exit 0, nothing on stderr."""
    result = invoke(*args)
    assert result.exception is None, result.output
    assert result.exit_code == 0, result.output
    assert result.stderr == "", result.stderr
    return result


def as_json(*args: str) -> Any:
    return json.loads(ok(*args, "--json").stdout)


def golden(name: str, text: str) -> None:
    """`text` must equal tests/golden/queries/<name>; UPDATE_GOLDEN=1 writes it instead."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8")


def sample_facts() -> dict[str, Any]:
    """The sample's facts as validated input (resolved ids, original text)."""
    return {fact.id: fact for fact in validate_files([SAMPLE]).facts}


def write_facts(name: str, facts: list[dict[str, Any]]) -> str:
    Path(name).write_text(yaml.safe_dump(facts, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return name


def target(view: dict[str, Any], key: str) -> dict[str, Any]:
    (found,) = [t for t in view["targets"] if t["key"] == key]
    return found


@pytest.fixture(scope="module")
def _sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`timeline ingest <sample dir>` into a fresh store, once per module."""
    root = tmp_path_factory.mktemp("queries-sample")
    previous = Path.cwd()
    os.chdir(root)
    try:
        result = invoke("ingest", str(SAMPLE))
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.output
    assert "15 new facts" in result.stdout
    return root / DB


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _sample_db: Path) -> Path:
    """./t.db: a copy of the ingested sample, in a scratch working directory."""
    copy_store(_sample_db, tmp_path / DB)
    monkeypatch.chdir(tmp_path)
    return tmp_path / DB


# Golden outputs ------------------------------------------------------------------------------------------------


def test_partner_history_of_japan_matches_golden(store):
    golden("partner-japan.txt", ok("partner", "japan").stdout)
    result = ok("partner", "japan", "--json")
    golden("partner-japan.json", result.stdout)
    data = json.loads(result.stdout)
    assert data["partner"] == {"id": "japan", "name": "Japan"}
    assert data["meetings_per_year"] == {"2022": 1, "2023": 1, "2024": 1}
    assert [entry["fact"] for entry in data["entries"]] == [
        "ito-naoki-appointed-japan-ambassador",  # ../2024-07-02: an open start sorts first
        "japan-investment-in-hanoi-2024-07",
        "nhsc-reception-2022-03-23",
        "vietnam-japan-comprehensive-strategic-partnership-2023",
        "hanoi-delegation-visits-japan-2023-11",
        "hanoi-chairman-meets-japan-ambassador-2024-07-02",
    ]
    counterparts = {c["person"]["id"]: [o["id"] for o in c["offices"]] for c in data["counterparts"]}
    assert counterparts["yamada-takio"] == ["japan-ambassador-vietnam"]
    assert counterparts["tran-sy-thanh"] == ["hanoi-pc-chairman"]
    assert {p["id"]: p["facts"] for p in data["projects"]}["north-hanoi-smart-city"] == 2


def test_urban_rail_target_tracker_matches_golden(store):
    args = ("targets", "--project", "hanoi-urban-rail", "--as-of", "2025-12-31")
    golden("targets-hanoi-urban-rail-2025-12-31.txt", ok(*args).stdout)
    result = ok(*args, "--json")
    golden("targets-hanoi-urban-rail-2025-12-31.json", result.stdout)
    data = json.loads(result.stdout)
    assert data["project"]["id"] == "hanoi-urban-rail"
    assert data["as_of"] == data["judged_on"] == "2025-12-31"
    assert [t["key"] for t in data["targets"]] == URBAN_RAIL_TARGETS
    assert {t["state"] for t in data["targets"]} == {"open"}
    lines = target(data, "hanoi-urban-rail-lines-2045")
    assert lines["deadline"] == "2045"
    assert lines["set_by"]["figures"][0]["vision"] == "2065"
    assert target(data, "hanoi-urban-rail-km-2030")["set_by"]["figures"][0]["as_written"] == "96,8 km"


def test_who_chaired_the_hanoi_peoples_committee_on_2_july_2024_matches_golden(store):
    golden("who-hanoi-pc-chairman-2024-07-02.txt", ok("who", CHAIRMAN, "--on", "2024-07-02").stdout)
    result = ok("who", CHAIRMAN, "--on", "2024-07-02", "--json")
    golden("who-hanoi-pc-chairman-2024-07-02.json", result.stdout)
    data = json.loads(result.stdout)
    assert data["office"]["id"] == "hanoi-pc-chairman"
    assert data["inferred"] is False
    assert [h["person"]["id"] for h in data["holders"]] == ["tran-sy-thanh"]
    assert data["holders"][0]["facts"] == ["hanoi-chairman-meets-japan-ambassador-2024-07-02"]
    assert data["last_before"] is None and data["first_after"] is None
    # The Vietnamese alias, with or without diacritics, names the same office.
    for alias in ("Chủ tịch UBND thành phố Hà Nội", "chu tich ubnd thanh pho ha noi"):
        assert ok("who", alias, "--on", "2024-07-02", "--json").stdout == result.stdout


def test_who_was_japanese_ambassador_between_attestations_is_inferred_matches_golden(store):
    golden("who-japan-ambassador-2023-01-01.txt", ok("who", "japan-ambassador-vietnam", "--on", "2023-01-01").stdout)
    result = ok("who", "japan-ambassador-vietnam", "--on", "2023-01-01", "--json")
    golden("who-japan-ambassador-2023-01-01.json", result.stdout)
    data = json.loads(result.stdout)
    assert data["inferred"] is True
    assert data["last_before"]["person"]["id"] == "yamada-takio"
    assert data["last_before"]["facts"] == ["nhsc-reception-2022-03-23"]
    assert data["first_after"]["person"]["id"] == "ito-naoki"
    assert "ito-naoki-appointed-japan-ambassador" in data["first_after"]["facts"]
    assert [h["person"]["id"] for h in data["holders"]] == ["yamada-takio"]


def test_search_without_diacritics_finds_north_hanoi_smart_city_matches_golden(store):
    golden("search-thanh-pho-thong-minh.txt", ok("search", "thanh", "pho", "thong", "minh").stdout)
    result = ok("search", "thanh", "pho", "thong", "minh", "--json")
    golden("search-thanh-pho-thong-minh.json", result.stdout)
    hits = json.loads(result.stdout)["hits"]
    assert NHSC_FACTS <= {hit["fact"] for hit in hits}


def test_search_ha_noi_finds_the_facts_written_with_ha_noi_matches_golden(store):
    golden("search-ha-noi.txt", ok("search", "ha", "noi").stdout)
    result = ok("search", "ha", "noi", "--json")
    golden("search-ha-noi.json", result.stdout)
    found = {hit["fact"] for hit in json.loads(result.stdout)["hits"]}
    written = {fid for fid, fact in sample_facts().items() if any("Hà Nội" in text for text in fact_texts(fact))}
    assert len(written) >= 5
    assert written <= found


def test_knowledge_diff_over_2024_matches_golden(store):
    args = ("diff", "--from", "2023-12-31", "--to", "2024-12-31")
    golden("diff-2023-12-31-2024-12-31.txt", ok(*args).stdout)
    result = ok(*args, "--json")
    golden("diff-2023-12-31-2024-12-31.json", result.stdout)
    data = json.loads(result.stdout)
    reported_2_july = {
        fid for fid, fact in sample_facts().items() if any(source.reported == "2024-07-02" for source in fact.sources)
    }
    assert len(reported_2_july) == 5
    assert {entry["fact"] for entry in data["reported"]} == reported_2_july
    assert all(s["reported"] == "2024-07-02" for entry in data["reported"] for s in entry["sources"])
    assert data["sources_added"] == data["changed"] == data["retracted"] == []
    # The 2023 deadline passed on 2024-01-01, inside the window.
    assert data["targets"] == [{"key": "nhsc-major-items-2023", "from": "open", "to": "overdue"}]


# As of a day before anything was reported ---------------------------------------------------------------------


def first_report_day() -> date:
    return min(reported_by(source) for fact in sample_facts().values() for source in fact.sources)


QUERIES_BEFORE_ANY_REPORT = [
    (("partner", "japan"), "entries"),
    (("targets",), "targets"),
    (("targets", "--project", "north-hanoi-smart-city"), "targets"),
    (("who", "hanoi-party-secretary"), "holders"),
    (("who", "japan-ambassador-vietnam", "--on", "2022-03-23"), "holders"),
    (("person", "dinh-tien-dung"), "entries"),
    (("project", "north-hanoi-smart-city"), "entries"),
    (("search", "thanh", "pho", "thong", "minh"), "hits"),
]


@pytest.mark.parametrize(
    "args, items", QUERIES_BEFORE_ANY_REPORT, ids=lambda v: " ".join(v) if isinstance(v, tuple) else None
)
def test_each_query_as_of_before_the_first_report_returns_nothing(store, args, items):
    day_before = first_report_day() - timedelta(days=1)
    assert day_before == date(2022, 3, 23)  # VNA's English report of the 23 March meeting, stamped 2022-03-24
    assert as_json(*args)[items], "known now: the query has something to hide"
    data = as_json(*args, "--as-of", day_before.isoformat())
    assert data["as_of"] == day_before.isoformat()
    assert data[items] == []
    if args[0] == "who" and "--on" in args:
        assert data["last_before"] is None and data["first_after"] is None


def test_diff_up_to_a_day_before_the_first_report_is_empty(store):
    data = as_json("diff", "--from", "2020-01-01", "--to", "2022-03-23")
    assert data["reported"] == data["sources_added"] == data["changed"] == data["targets"] == []
    assert [entry["fact"] for entry in as_json("diff", "--from", "2022-03-23", "--to", "2022-03-24")["reported"]] == [
        "nhsc-land-clearance-basically-met-2022-03",
        "nhsc-reception-2022-03-23",
    ]


def test_diff_lists_a_target_that_fell_overdue_between_the_two_dates(store):
    key = "nhsc-major-items-2023"
    assert target(as_json("targets", "--as-of", "2022-06-01"), key)["state"] == "open"
    assert target(as_json("targets", "--as-of", "2024-06-01"), key)["state"] == "overdue"
    assert {"key": key, "from": None, "to": "overdue"} in as_json("diff", "--from", "2022-03-01", "--to", "2024-06-01")[
        "targets"
    ]
    assert {"key": key, "from": "open", "to": "overdue"} in as_json(
        "diff", "--from", "2022-06-01", "--to", "2024-06-01"
    )["targets"]


# Targets ------------------------------------------------------------------------------------------------------


def test_target_is_overdue_after_its_deadline_and_open_before(store):
    key = "nhsc-major-items-2023"  # "vào năm sau": deadline 2023, stated 23 March 2022
    overdue = target(as_json("targets", "--as-of", "2024-06-01"), key)
    assert overdue["state"] == "overdue"
    assert overdue["deadline"] == "2023"
    assert target(as_json("targets", "--as-of", "2022-06-01"), key)["state"] == "open"
    assert target(as_json("targets", "--as-of", "2023-12-31"), key)["state"] == "open"  # the deadline's last day
    assert target(as_json("targets", "--as-of", "2024-01-01"), key)["state"] == "overdue"
    text = ok("targets", "--as-of", "2024-06-01").stdout
    assert re.search(r"nhsc-major-items-2023\s+│ overdue", text)


def test_milestone_that_fulfils_a_target_marks_it_met_with_its_date(store):
    milestone = "nhsc-first-major-items-deployed-2023-09"
    write_facts(
        "milestone.yaml",
        [
            {
                "id": milestone,
                "kind": "milestone",
                "occurred": "2023-09",
                "title": "First major items of North Hanoi Smart City deployed (test data)",
                "projects": ["Thành phố thông minh Bắc Hà Nội"],
                "fulfils": "nhsc-major-items-2023",
                "sources": [
                    {
                        "outlet": "VNA",
                        "language": "en",
                        "reported": "2023-09-15",
                        "url": "https://example.org/nhsc-first-items",
                    }
                ],
            }
        ],
    )
    ok("ingest", "milestone.yaml")
    met = target(as_json("targets", "--as-of", "2023-12-31"), "nhsc-major-items-2023")
    assert met["state"] == "met"
    assert met["met_by"] == {"fact": milestone, "occurred": "2023-09"}
    # Met stays met after the deadline; before the milestone was reported the target was open.
    assert target(as_json("targets", "--as-of", "2024-06-01"), "nhsc-major-items-2023")["state"] == "met"
    before = target(as_json("targets", "--as-of", "2023-09-14"), "nhsc-major-items-2023")
    assert (before["state"], before["met_by"]) == ("open", None)
    assert f"met by {milestone} (2023-09)" in ok("targets", "--as-of", "2023-12-31").stdout


def test_restatement_with_another_value_marks_target_revised_from_to(store):
    write_facts(
        "restated.yaml",
        [
            {
                "id": "hanoi-urban-rail-km-2030-restated",
                "kind": "target",
                "occurred": "2026-01-15",
                "title": "Hanoi restates its 2030 urban railway target as 120 km (test data)",
                "projects": ["hanoi-urban-rail"],
                "target": "hanoi-urban-rail-km-2030",
                "figures": [{"metric": "urban railway completed", "value": 120.0, "unit": "km", "deadline": "2030"}],
                "sources": [
                    {
                        "outlet": "HNP",
                        "language": "vi",
                        "reported": "2026-01-16",
                        "url": "https://example.org/rail-120-km",
                    }
                ],
            },
            {
                "id": "hanoi-urban-rail-15-lines-2045-restated",
                "kind": "target",
                "occurred": "2026-01-15",
                "title": "Hanoi restates 15 urban railway lines by 2045 (test data)",
                "projects": ["hanoi-urban-rail"],
                "target": "hanoi-urban-rail-lines-2045",
                "figures": [
                    {
                        "metric": "urban railway lines",
                        "value": 15.0,
                        "unit": "lines",
                        "deadline": "2045",
                        "vision": "2065",
                    }
                ],
                "sources": [
                    {
                        "outlet": "HNP",
                        "language": "vi",
                        "reported": "2026-01-16",
                        "url": "https://example.org/rail-15-lines",
                    }
                ],
            },
        ],
    )
    ok("ingest", "restated.yaml")
    view = as_json("targets", "--project", "hanoi-urban-rail", "--as-of", "2026-02-01")
    revised = target(view, "hanoi-urban-rail-km-2030")
    assert revised["state"] == "revised"
    assert revised["set_by"]["fact"] == "hanoi-urban-rail-96-8-km-2030"
    assert revised["revised"]["from"]["fact"] == "hanoi-urban-rail-96-8-km-2030"
    assert revised["revised"]["from"]["figures"][0]["value"] == 96.8
    assert revised["revised"]["to"]["fact"] == "hanoi-urban-rail-km-2030-restated"
    assert revised["revised"]["to"]["figures"][0]["value"] == 120.0
    assert [s["fact"] for s in revised["statements"]] == [
        "hanoi-urban-rail-96-8-km-2030",
        "hanoi-urban-rail-km-2030-restated",
    ]
    # The same value restated is not a revision.
    restated = target(view, "hanoi-urban-rail-lines-2045")
    assert (restated["state"], restated["revised"], len(restated["statements"])) == ("open", None, 2)
    # The day before the restatement was reported the target was open, with one statement.
    earlier = target(
        as_json("targets", "--project", "hanoi-urban-rail", "--as-of", "2026-01-15"), "hanoi-urban-rail-km-2030"
    )
    assert (earlier["state"], earlier["revised"], len(earlier["statements"])) == ("open", None, 1)
    text = ok("targets", "--as-of", "2026-02-01").stdout
    assert re.search(r"hanoi-urban-rail-km-2030\s+│ revised", text)
    assert "revised: urban railway completed: 96.8 km by 2030 →" in text


# Verify and rebuild -------------------------------------------------------------------------------------------


def test_verify_detects_a_hand_edited_read_model_row_and_rebuild_repairs_it(store):
    result = ok("verify")
    assert result.stdout.startswith("OK: the read models equal a rebuild from the log")
    with raw_sql(store) as connection:
        changed = connection.execute("UPDATE rm_facts SET version=99 WHERE id='guangzhou-gdp-2024'").rowcount
    assert changed == 1
    broken = invoke("verify")
    assert broken.exit_code == 1, broken.output
    assert broken.exception is None or isinstance(broken.exception, SystemExit)
    assert "Traceback" not in broken.output
    assert "MISMATCH: 2 read-model rows differ" in broken.stdout
    assert "rm_facts: missing ('guangzhou-gdp-2024', 1," in broken.stdout
    assert "rm_facts: unexpected ('guangzhou-gdp-2024', 99," in broken.stdout
    report = json.loads(invoke("verify", "--json").stdout)
    assert report["ok"] is False and len(report["differences"]) == 2
    assert "rebuilt the read models from 51 events" in ok("rebuild").stdout
    assert ok("verify").stdout.startswith("OK:")
    assert as_json("verify") == {"ok": True, "position": 51, "differences": []}


# Search -------------------------------------------------------------------------------------------------------


def test_search_ranks_direct_matches_first_and_snippets_are_original_text(store):
    facts = sample_facts()
    terms = ["thanh", "pho", "thong", "minh"]
    hits = as_json("search", *terms)["hits"]
    assert [hit["rank"] for hit in hits] == list(range(1, len(hits) + 1))

    def direct(fact_id: str) -> bool:  # every word in the fact's own text (the last one as a prefix)
        words = fold(" ".join(fact_texts(facts[fact_id]))).split()
        return all(t in words for t in terms[:-1]) and any(w.startswith(terms[-1]) for w in words)

    kinds = [direct(hit["fact"]) for hit in hits]
    assert kinds == sorted(kinds, reverse=True), "a fact found only through an entity alias ranks last"
    assert kinds[-1] is False and hits[-1]["fact"] == "hanoi-chairman-meets-japan-ambassador-2024-07-02"
    for hit in hits:
        core = hit["snippet"].removeprefix("…").removesuffix("…")
        assert any(core in text for text in [facts[hit["fact"]].title, *fact_texts(facts[hit["fact"]])]), hit
        if hit["fact"] in NHSC_FACTS - {"hanoi-chairman-meets-japan-ambassador-2024-07-02"}:
            assert "Thành phố thông minh" in hit["snippet"]  # diacritics kept


def test_search_snippet_shows_the_words_searched_not_a_longer_word_containing_them(store):
    # "Hanoi" contains the letters of "ha" and "noi" but is not a match: the snippet shows where the fact's own
    # text has the words ("Hà Nội"), e.g. the Vietnamese title of the forum's report, not the English title.
    facts = sample_facts()
    hits = {hit["fact"]: hit["snippet"] for hit in as_json("search", "ha", "noi")["hits"]}
    assert "Hà Nội - Seoul chia sẻ kinh nghiệm" in hits["hanoi-seoul-urban-policy-forum-2025-12-05"]
    for fact_id, shown in hits.items():
        if any(re.search(r"\bha noi", fold(text)) for text in fact_texts(facts[fact_id])):
            assert re.search(r"\bha noi", fold(shown)), (fact_id, shown)


def test_search_snippet_finds_the_words_in_text_written_in_nfd(store):
    quote = (
        "Theo kế hoạch được đưa ra hôm nay tại trụ sở Ủy ban nhân dân thành phố, sau nhiều năm chuẩn bị, "
        "lễ khởi công tuyến đường sắt đô thị mới sẽ diễn ra vào tháng sau."
    )
    decomposed = unicodedata.normalize("NFD", quote)
    write_facts(
        "nfd.yaml",
        [
            {
                "id": "nfd-groundbreaking-announced",
                "kind": "announcement",
                "occurred": "2025-03-01",
                "title": "Groundbreaking of a new urban railway line announced (test data)",
                "projects": ["hanoi-urban-rail"],
                "sources": [
                    {
                        "outlet": "HNP",
                        "language": "vi",
                        "reported": "2025-03-01",
                        "url": "https://example.org/nfd",
                        "quote": decomposed,
                    }
                ],
            }
        ],
    )
    ok("ingest", "nfd.yaml")
    (hit,) = [h for h in as_json("search", "khoi", "cong")["hits"] if h["fact"] == "nfd-groundbreaking-announced"]
    core = hit["snippet"].removeprefix("…").removesuffix("…")
    assert core in decomposed
    assert "lễ khởi công" in unicodedata.normalize("NFC", hit["snippet"])


def test_search_as_of_finds_nothing_by_text_reported_later(store):
    # "chủ trì tiếp" is only in the Vietnamese report (dated 2022-03: public from 2022-03-31); on 2022-03-24 only
    # VNA's English twin of the same meeting was out.
    assert [h["fact"] for h in as_json("search", "chu", "tri", "tiep", "--as-of", "2022-03-31")["hits"]] == [
        "nhsc-reception-2022-03-23"
    ]
    assert as_json("search", "chu", "tri", "tiep", "--as-of", "2022-03-24")["hits"] == []


def test_search_as_of_with_a_limit_returns_the_best_facts_known_then(store):
    known_then = as_json("search", "smart", "city", "--as-of", "2022-03-24")["hits"]
    assert len(known_then) == 2
    assert [h["fact"] for h in as_json("search", "smart", "city", "--as-of", "2022-03-24", "--limit", "1")["hits"]] == [
        known_then[0]["fact"]
    ]


# Indexes ------------------------------------------------------------------------------------------------------


@pytest.mark.sqlite_only("reads SQLite's query plan")
def test_as_of_query_reads_rm_knowledge_through_an_index(store):
    read_models = ReadModels(locate(str(store)))
    try:
        statements: list[str] = []
        read_models.connection.connection.set_trace_callback(statements.append)
        facts = read_models.facts_mentioning("japan", "partner", date(2024, 1, 1))
        read_models.connection.connection.set_trace_callback(None)
        assert [fact.id for fact in facts] == ["nhsc-reception-2022-03-23"]
        (query,) = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
        assert "rm_knowledge" in query
        plan = [row[3] for row in read_models.connection.execute("EXPLAIN QUERY PLAN " + query)]
    finally:
        read_models.close()
    knowledge = [step for step in plan if re.match(r"(SCAN|SEARCH) k\b", step)]
    assert knowledge, plan
    assert all(re.match(r"SEARCH k USING (COVERING )?(INDEX|PRIMARY KEY)", step) for step in knowledge), plan
    assert not any(step.startswith(("SCAN k", "SCAN rm_knowledge")) for step in plan), plan


# Partner history counts what happened ---------------------------------------------------------------------------


def test_partner_history_lists_a_cancelled_meeting_but_does_not_count_it(store):
    write_facts(
        "cancelled.yaml",
        [
            {
                "id": "japan-meeting-cancelled-2026-01",
                "kind": "meeting",
                "occurred": "2026-01-20",
                "status": "cancelled",
                "title": "Planned Hanoi–Japan meeting called off (test data)",
                "partners": ["Nhật Bản"],
                "people": [{"person": "ito-naoki", "office": "japan-ambassador-vietnam"}],
                "sources": [{"outlet": "VNA", "language": "en", "reported": "2026-01-19"}],
            }
        ],
    )
    ok("ingest", "cancelled.yaml")
    history = as_json("partner", "japan")
    assert "japan-meeting-cancelled-2026-01" in [entry["fact"] for entry in history["entries"]]
    assert "2026" not in history["meetings_per_year"]
    ito = next(c for c in history["counterparts"] if c["person"]["id"] == "ito-naoki")
    assert "japan-meeting-cancelled-2026-01" not in ito["facts"]


# Read-model versions --------------------------------------------------------------------------------------------


def test_a_long_catch_up_is_announced_on_stderr_before_the_answer(store, monkeypatch):
    """Read models of another version are rebuilt from the whole log on open: minutes for a large store. The
    user is told on stderr first; stdout (and --json) is the answer, the same as before."""
    expected = as_json("project", "north-hanoi-smart-city")
    with raw_sql(store) as connection:
        connection.execute("UPDATE rm_position SET position=1 WHERE name='schema'")
    monkeypatch.setattr(timeline.service.Store, "LONG_CATCH_UP", 10)  # (the sample's log: a few dozen events)
    result = invoke("project", "north-hanoi-smart-city", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == expected
    assert re.fullmatch(
        r"… .*: the read models are \d+ events behind the log \(.*\): applying them once, before answering\n",
        result.stderr,
    )
    assert ok("project", "north-hanoi-smart-city").stderr == ""  # once: caught up now


def test_rebuild_of_a_store_of_another_version_applies_the_log_once(store, monkeypatch):
    """`timeline rebuild` on read models of another version: opening the store must not catch them up first."""
    applied: list[int] = []
    catch_up = ReadModels.catch_up

    def counted(self: ReadModels, *args: Any, **kwargs: Any) -> int:
        applied.append(catch_up(self, *args, **kwargs))
        return applied[-1]

    with raw_sql(store) as connection:
        connection.execute("UPDATE rm_position SET position=1 WHERE name='schema'")
    monkeypatch.setattr(ReadModels, "catch_up", counted)
    events = as_json("rebuild")["applied"]
    assert [n for n in applied if n] == [events]


def test_read_models_of_an_older_version_are_rebuilt_on_open(store):
    with raw_sql(store) as connection:
        connection.execute("UPDATE rm_position SET position=1 WHERE name='schema'")
        connection.execute("DELETE FROM rm_knowledge")
    assert as_json("project", "north-hanoi-smart-city", "--as-of", "2022-03-24")["entries"]  # needs rm_knowledge
    assert ok("verify").stdout.startswith("OK")
    with raw_sql(store) as connection:
        assert connection.execute("SELECT position FROM rm_position WHERE name='schema'").fetchone()[0] > 1

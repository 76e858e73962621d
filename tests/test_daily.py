"""The daily loop (issue 16): browse what is stored (`show`, `list`), see what an ingest changed (`ingest
--verbose`, `log`, `changes`), filters shared by every query, messages in plain words, tables at 80 columns,
plots people can read and the spreadsheet round trip."""

from __future__ import annotations

import json
import re
import warnings

import pytest
from conftest import SAMPLE_ARGS

W80 = {"COLUMNS": "80"}
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:\+00:00)?")
RAIL = "sample/facts/2025-guangzhou.yaml"
JAPAN = "sample/facts/2024-07-japan-ambassador.yaml"


def flat(text: str) -> str:
    """A printout as one line of words: table borders and line wraps removed."""
    return " ".join(text.replace("│", " ").split())


def stamped(text: str) -> str:
    """Recorded times replaced by a placeholder: they are the time the test ran."""
    return STAMP.sub("<recorded>", text)


def correct_the_rail_target(cli) -> None:
    """A second ingest: the 96.8 km target corrected to 97 km and its title changed; one fact retracted."""
    cli.edit(RAIL, "      value: 96.8\n", "      value: 97\n")
    cli.edit(RAIL, "title: Hanoi aims to complete 96.8 km", "title: Hanoi aims to complete 97 km")
    cli.edit(
        JAPAN,
        "  notes: >-\n    The article gives no appointment date",
        '  retracted: {on: "2024-08-01", reason: "the outlet corrected the report"}\n'
        "  notes: >-\n    The article gives no appointment date",
    )


# ---------------------------------------------------------------- show


def test_show_prints_one_fact_whole_at_80_columns(cli, sample_store, golden):
    text = cli.ok("show", "nhsc-reception-2022-03-23", env=W80).stdout
    golden("daily/show-nhsc-reception.txt", stamped(text))
    for part in ("quote", "note", "Disagreements: none", "History (recorded time, UTC):", "new fact:"):
        assert part in text


def test_show_finds_a_fact_by_title_words(cli, sample_store):
    data = cli.json("show", "ito naoki becomes")
    assert data["fact"]["fact"] == "ito-naoki-appointed-japan-ambassador"
    assert data["fact"]["sources"][0]["differs"] == {}


def test_show_suggests_the_closest_id_and_says_how_to_list_them(cli, sample_store):
    result = cli("show", "nhsc-receptio")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: no fact 'nhsc-receptio' in timeline.db; did you mean 'nhsc-reception-2022-03-23'? "
        "(list them: timeline list facts)\n"
    )


def test_show_lists_the_candidates_when_words_match_several_facts(cli, sample_store):
    result = cli("show", "smart city")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: 'smart city' matches 3 facts: nhsc-land-clearance-basically-met-2022-03")
    assert result.stderr.endswith("; give the id\n")


def test_show_as_of_a_day_before_the_second_source_shows_one_source(cli, sample_store):
    data = cli.json("show", "nhsc-reception-2022-03-23", "--as-of", "2022-03-24")
    assert [s["outlet"] for s in data["fact"]["sources"]] == ["VNA"]
    assert data["as_of"] == "2022-03-24"


def test_show_of_a_fact_not_yet_reported_says_when_it_was(cli, sample_store):
    result = cli("show", "nhsc-reception-2022-03-23", "--as-of", "2022-03-01")
    assert result.exit_code == 1
    assert "had not been reported by 2022-03-01" in result.stderr


def test_show_history_gives_old_and_new_values_of_each_correction(cli, sample_store):
    correct_the_rail_target(cli)
    cli.ok("ingest", *SAMPLE_ARGS)
    text = flat(cli.ok("show", "hanoi-urban-rail-96-8-km-2030", env=W80).stdout)
    assert "corrected: figures, title" in text
    assert "title: Hanoi aims to complete 96.8 km of urban railway by 2030 -> Hanoi aims to complete 97 km" in text
    assert "figures: urban railway completed: 96.8 km" in text
    history = cli.json("show", "hanoi-urban-rail-96-8-km-2030")["history"]
    assert [e["type"] for e in history] == ["FactReported", "FactCorrected"]
    title = next(c for c in history[1]["changes"] if c["field"] == "title")
    assert title["from"] == "Hanoi aims to complete 96.8 km of urban railway by 2030"
    assert title["to"] == "Hanoi aims to complete 97 km of urban railway by 2030"


def test_show_of_a_retracted_fact_says_so(cli, sample_store):
    correct_the_rail_target(cli)
    cli.ok("ingest", *SAMPLE_ARGS)
    text = cli.ok("show", "ito-naoki-appointed-japan-ambassador", env=W80).stdout
    assert "retracted on 2024-08-01: the outlet corrected the report" in text
    assert "retracted on 2024-08-01: the outlet corrected the report" in " ".join(text.split())


# ---------------------------------------------------------------- list


def test_list_organisations_at_80_columns(cli, sample_store, golden):
    golden("daily/list-organisations.txt", cli.ok("list", "organisations", env=W80).stdout)


def test_list_facts_with_filters_at_80_columns(cli, sample_store, golden):
    text = cli.ok("list", "facts", "--partner", "japan", "--since", "2024", env=W80).stdout
    golden("daily/list-facts-japan-2024.txt", text)


def test_list_facts_json_counts_and_filters_by_kind(cli, sample_store):
    data = cli.json("list", "facts", "--kind", "target", "--project", "hanoi-urban-rail")
    assert data["count"] == 3
    assert {item["kind"] for item in data["items"]} == {"target"}
    assert cli.json("list", "facts")["count"] == 15


LIST_FILTERS = [
    (),
    ("--partner", "japan"),
    ("--project", "hanoi-urban-rail", "--kind", "target"),
    ("--since", "2023", "--include-retracted"),
    ("--as-of", "2024-01-01"),
]


@pytest.mark.parametrize("filters", LIST_FILTERS, ids=" ".join)
@pytest.mark.parametrize("size", [1, 4, 100])
def test_list_facts_in_pages_gives_the_unpaged_list_page_after_page(cli, sample_store, filters, size):
    correct_the_rail_target(cli)  # (a retraction: pages count the retracted facts they hide)
    cli.ok("ingest", *SAMPLE_ARGS)
    whole = cli.json("list", "facts", *filters)
    items, hidden, after = [], 0, ()
    while True:
        page = cli.json("list", "facts", *filters, "--limit", str(size), *after)
        assert page["count"] == len(page["items"]) <= size
        items += page["items"]
        hidden += page["retracted_not_shown"]
        if page["next"] is None:
            break
        assert page["next"] == page["items"][-1]["fact"] if page["items"] else page["next"]
        after = ("--after", page["next"])
    assert items == whole["items"]
    assert hidden == whole["retracted_not_shown"]


def test_list_facts_of_more_than_a_page_at_once_asks_for_pages(cli, sample_store, monkeypatch):
    """An unpaged list holds every fact it looks at: above LISTED_AT_ONCE (10,000; here 10) it says how to page
    instead (a million facts took 16 GiB before), and a printed page ends with how to continue."""
    from timeline import paging

    monkeypatch.setattr(paging, "LISTED_AT_ONCE", 10)
    result = cli("list", "facts")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: 15 facts are too many to list at once; list them a page at a time with --limit 1000 (each page "
        "ends with the --after for the next), or write them all with `timeline export --format jsonl`\n"
    )
    assert cli.json("list", "facts", "--project", "hanoi-urban-rail")["count"] <= 10  # a scope small enough
    printed = cli.ok("list", "facts", "--limit", "2", env=W80).stdout
    last = cli.json("list", "facts", "--limit", "2")["next"]
    assert flat(printed).endswith(f"-- more: run the same command with --after {last} for the next page")


def test_list_people_after_an_id_that_is_not_a_person_is_one_error(cli, sample_store):
    result = cli("list", "people", "--limit", "2", "--after", "japan")
    assert result.exit_code == 2
    assert result.stderr == "error: --after: no person 'japan'; give the id a page ended with\n"


def test_list_people_counts_their_facts(cli, sample_store):
    data = cli.json("list", "people")
    counts = {item["id"]: item["facts"] for item in data["items"]}
    assert counts["dinh-tien-dung"] == 3 and data["count"] == len(data["items"]) == 10


def test_list_organisations_of_a_kind_and_did_you_mean(cli, sample_store):
    assert [i["id"] for i in cli.json("list", "organisations", "--kind", "company")["items"]] == ["brg", "sumitomo"]
    result = cli("list", "organisations", "--kind", "citty")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --kind: 'citty' is not a kind of organisation; did you mean 'city'?")


def test_list_facts_with_an_unknown_kind_suggests_the_closest(cli, sample_store):
    result = cli("list", "facts", "--kind", "meting")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --kind: 'meting' is not a kind of fact; did you mean 'meeting'?")


def test_unknown_project_says_how_to_list_them_all(cli, sample_store):
    result = cli("list", "facts", "--project", "nowhere")
    assert result.exit_code == 1
    assert result.stderr.rstrip().endswith("(list them all: timeline list projects)")


# ---------------------------------------------------------------- retracted facts, shared filters, figures


def test_query_that_hides_a_retracted_fact_says_so_and_includes_it_on_request(cli, sample_store):
    correct_the_rail_target(cli)
    cli.ok("ingest", *SAMPLE_ARGS)
    text = flat(cli.ok("partner", "japan", "--since", "2024", env=W80).stdout)
    assert "2 facts; * = not wholly inside the window; 1 retracted fact not shown (--include-retracted)" in text
    shown = flat(cli.ok("partner", "japan", "--since", "2024", "--include-retracted", env=W80).stdout)
    assert "retracted on 2024-08-01: the outlet corrected the report" in shown
    assert cli.json("list", "facts", "--partner", "japan")["retracted_not_shown"] == 1
    assert cli.json("person", "ito-naoki", "--include-retracted")["retracted_not_shown"] == 0


def test_project_kind_and_partner_filters(cli, sample_store):
    data = cli.json("project", "north-hanoi-smart-city", "--kind", "meeting", "--partner", "sumitomo")
    assert [e["fact"] for e in data["entries"]] == ["nhsc-reception-2022-03-23"]


def test_search_scoped_to_a_project_and_a_partner(cli, sample_store):
    everywhere = {h["fact"] for h in cli.json("search", "hanoi")["hits"]}
    in_rail = {h["fact"] for h in cli.json("search", "hanoi", "--project", "hanoi-urban-rail")["hits"]}
    with_seoul = {h["fact"] for h in cli.json("search", "hanoi", "--partner", "seoul")["hits"]}
    assert in_rail and in_rail < everywhere
    assert with_seoul == {
        "hanoi-seoul-urban-policy-forum-2025-12-05",
        "hanoi-proposes-red-river-cooperation-with-seoul-2025-12-05",
    }


def test_project_printout_shows_figures_as_written_with_deadline(cli, sample_store):
    text = cli.ok("project", "hanoi-urban-rail", env=W80).stdout
    flat = " ".join(text.replace("│", " ").split())
    assert 'figure: urban railway completed: 96.8 km (as written "96,8 km"), deadline 2030' in flat


def test_disagreement_on_a_figure_reads_like_the_figure(cli, sample_store):
    cli.edit(
        RAIL,
        "  target: hanoi-urban-rail-km-2030\n  sources:\n",
        "  target: hanoi-urban-rail-km-2030\n  sources:\n"
        '    - outlet: VNA\n      language: en\n      reported: "2026-01-05"\n'
        '      differs: {figures: [{metric: urban railway completed, value: 96, unit: km, deadline: "2030"}]}\n',
    )
    cli.ok("ingest", *SAMPLE_ARGS)
    flat = " ".join(cli.ok("project", "hanoi-urban-rail", env=W80).stdout.replace("│", " ").split())
    assert (
        'disagreement: figures = urban railway completed: 96.8 km (as written "96,8 km"), deadline 2030 '
        "per Thời Đại (VUFO) (vi, 2025?)" in flat
    )
    assert "{" not in flat and "'metric'" not in flat


# ---------------------------------------------------------------- what changed


def test_ingest_verbose_names_what_it_did_to_each_fact(cli, sample_store, golden):
    correct_the_rail_target(cli)
    text = cli.ok("ingest", *SAMPLE_ARGS, "--verbose", env=W80).stdout
    golden("daily/ingest-verbose.txt", text)


def test_ingest_summary_says_where_to_look(cli):
    text = cli.ok("ingest", *SAMPLE_ARGS).stdout
    assert text.rstrip().endswith("What changed, fact by fact: timeline changes --last --db timeline.db")


def test_changes_last_is_what_the_last_ingest_changed(cli, sample_store, golden):
    correct_the_rail_target(cli)
    cli.ok("ingest", *SAMPLE_ARGS)
    golden("daily/changes-last.txt", stamped(cli.ok("changes", "--last", env=W80).stdout))
    data = cli.json("changes", "--last")
    assert sorted(e["type"] for e in data["events"]) == ["FactCorrected", "FactRetracted"]
    assert data["last"] is True


def test_changes_since_a_recorded_time_covers_every_ingest_after_it(cli, sample_store):
    everything = cli.json("changes", "--since", "2000-01-01")["events"]
    assert len(everything) == 51
    assert cli.json("changes", "--since", "2999-01-01")["events"] == []
    bad = cli("changes", "--since", "yesterday")
    assert bad.exit_code == 2 and "is not a time" in bad.stderr


def test_changes_of_more_events_than_a_page_at_once_ask_for_pages_and_the_ingest_says_so(cli, monkeypatch):
    """`changes` holds every event it tells: above LISTED_AT_ONCE (10,000; here 10) it asks for pages instead (the
    first bulk load of a million facts would have held them all), and the ingest's hint already asks for a page."""
    from timeline import paging
    from timeline.present import report_render

    monkeypatch.setattr(paging, "LISTED_AT_ONCE", 10)
    monkeypatch.setattr(report_render, "LISTED_AT_ONCE", 10)
    text = cli.ok("ingest", *SAMPLE_ARGS).stdout
    assert text.rstrip().endswith("What changed, fact by fact: timeline changes --last --limit 1000 --db timeline.db")
    since = "recorded since 2000-01-01T00:00:00+00:00"
    for args, what in [((), "of the last ingest"), (("--since", "2000-01-01"), since)]:
        result = cli("changes", *args)
        assert result.exit_code == 2
        assert result.stderr == (
            f"error: 51 events {what} are too many to list at once; list them a page at a time with --limit 1000 "
            "(each page ends with the --after for the next)\n"
        )
    pages, after = [], ()
    while True:
        page = cli.json("changes", "--limit", "20", *after)
        pages += page["events"]
        if page["next"] is None:
            break
        after = ("--after", str(page["next"]))
    monkeypatch.setattr(paging, "LISTED_AT_ONCE", 10_000)
    assert pages == cli.json("changes")["events"]


def test_log_shows_each_corrected_field_old_and_new(cli, sample_store):
    correct_the_rail_target(cli)
    cli.ok("ingest", *SAMPLE_ARGS)
    text = cli.ok("log", "--fact", "hanoi-urban-rail-96-8-km-2030", env={"COLUMNS": "160"}).stdout
    assert "title: Hanoi aims to complete 96.8 km of urban railway by 2030 -> Hanoi aims to complete 97 km" in text


# ---------------------------------------------------------------- messages in plain words

BROKEN_YAML = {
    "colon in a value": (
        "- id: a\n  kind: meeting\n  occurred: 2022\n  title: Meeting: Hanoi and Japan\n",
        "error: f.yaml:4: invalid YAML: a value holds ': ' (a colon and a space), which YAML reads as a new key; "
        'put the value in quotes, e.g. title: "Meeting: Hanoi and Japan"',
    ),
    "bad indentation": (
        "- id: a\n  kind: meeting\n occurred: 2022\n  title: T\n",
        "error: f.yaml:3: invalid YAML: this line is not indented like the lines around it (or an earlier quote "
        "is not closed); give each field of a fact the same indentation, e.g. '    title: ...' under '  - id: ...'",
    ),
}


def test_yaml_errors_read_as_sentences_with_an_example(cli):
    for name, (text, line) in BROKEN_YAML.items():
        cli.write("f.yaml", text)
        result = cli("check", "f.yaml")
        assert result.exit_code == 1, name
        assert result.stderr.splitlines()[0] == line, name


def test_pydantic_errors_read_as_sentences_at_the_line_of_the_field(cli):
    cli.write(
        "f.yaml",
        "- id: a\n  kind: meting\n  occurred: 2022\n  title: A\n  title: B\n  status: happend\n  partners: japan\n"
        "  sources:\n    - {outlet: VNA, language: EN, reported: 2022}\n  retracted: yes\n",
    )
    result = cli("check", "f.yaml")
    assert result.stderr.splitlines() == [
        "error: f.yaml:2: fact 'a': field 'kind': 'meting' is not a kind of fact; did you mean 'meeting'? write one "
        "of meeting, target, milestone, statistic, appointment, agreement, announcement, e.g. kind: meeting",
        "error: f.yaml:5: duplicate key 'title': written twice in one mapping (first on line 4); keep one",
        "error: f.yaml:6: fact 'a': field 'status': 'happend' is not a status; did you mean 'happened'? write one "
        "of happened, scheduled, postponed, cancelled, e.g. status: happened",
        "error: f.yaml:7: fact 'a': field 'partners': must be a list, found the text 'japan'; write it in brackets "
        "or as '- ' items; e.g. partners: [japan, sumitomo]",
        "error: f.yaml:9: fact 'a': field 'sources[0].language': 'EN' is not a language code; did you mean 'en'? "
        "write the two- or three-letter lowercase ISO 639 code, e.g. language: vi",
        "error: f.yaml:10: fact 'a': field 'retracted': must be a mapping of fields, found the text 'yes'; "
        'e.g. retracted: {on: 2024-05-01, reason: "the outlet withdrew the report"}',
        "6 problems found; nothing was written.",
    ]


def test_a_duplicate_key_does_not_stop_the_checks_of_the_rest_of_the_file(cli):
    cli.write("f.yaml", "- id: a\n  id: a\n  kind: meeting\n- id: b\n  kind: meeting\n  occurred: 2022-13\n")
    lines = cli("check", "f.yaml").stderr.splitlines()
    assert "error: f.yaml:2: duplicate key 'id': written twice in one mapping (first on line 1); keep one" in lines
    assert any("fact 'b': field 'occurred'" in line for line in lines)


# ---------------------------------------------------------------- tables and plots


def test_stats_at_80_columns_cuts_no_header_and_no_year(cli, sample_store, golden):
    text = cli.ok("stats", env=W80).stdout
    golden("daily/stats-80.txt", text)
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_stats_at_40_columns_splits_the_years_into_tables(cli, sample_store):
    text = cli.ok("stats", env={"COLUMNS": "40"}).stdout
    assert "…" not in text
    assert text.count("Total") >= 3


def test_stats_plot_has_every_year_whole_counts_and_other_partners(cli, sample_store):
    from timeline.present.plots import TOP_PARTNERS, partner_series
    from timeline.service import Store

    with Store("timeline.db") as store:
        view = store.stats()
    many = view.stats.partners
    series = partner_series(view, [2021, 2022, 2023, 2024, 2025])
    assert len(series) == min(len(many), TOP_PARTNERS + 1)
    assert all(len(heights) == 5 and heights[0] == 0 for _, heights in series)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = cli.ok("stats", "--plot", "p.svg")
    assert "warning" not in result.output.lower()
    svg = (cli.root / "p.svg").read_text()
    for year in ("2022", "2023", "2024", "2025"):
        assert f">{year}<" in svg


def test_plot_groups_partners_beyond_the_top_ones_as_other(cli, sample_store, monkeypatch):
    import timeline.present.plots as plots
    from timeline.service import Store

    monkeypatch.setattr(plots, "TOP_PARTNERS", 3)
    with Store("timeline.db") as store:
        view = store.stats()
    labels = [label for label, _ in plots.partner_series(view, [2022, 2023, 2024, 2025])]
    assert labels[:3] == ["Japan", "BRG Group", "Guangzhou"]
    assert labels[-1] == f"other ({len(view.stats.partners) - 3} partners)"


# ---------------------------------------------------------------- spreadsheets in


def test_csv_export_ingests_back_and_exports_the_same_bytes(cli, sample_store):
    cli.ok("export", "--format", "csv", "--out", "first.csv")
    cli.ok("ingest", "sample/entities.yaml", "first.csv", "--db", "copy.db")
    cli.ok("export", "--format", "csv", "--out", "second.csv", "--db", "copy.db")
    assert (cli.root / "second.csv").read_bytes() == (cli.root / "first.csv").read_bytes()


def test_csv_export_ingested_into_its_own_store_changes_nothing(cli, sample_store):
    """Export, edit, ingest: a row left as exported must not correct its fact (quotes, titles, notes, what a
    source states differently and every role survive the spreadsheet)."""
    cli.ok("export", "--format", "csv", "--out", "facts.csv")
    written = json.loads(cli.ok("ingest", "facts.csv", "--json").stdout)
    assert written["appended"] == 0, written
    assert written["unchanged"] == 15, written


def test_csv_round_trips_names_holding_the_cells_separators_and_a_role_without_an_office(cli):
    cli.write(
        "entities.yaml",
        "projects: [{id: p1, name: 'Line (2); phase, one'}]\n"
        "organisations: [{id: o1, name: 'A, B (C)', kind: company}]\n"
        "offices: [{id: off, name: 'Chair, board (acting)', organisation: o1}]\n"
        "people: [{id: ann, name: 'Ann (Jr.)'}, {id: bob, name: Bob}]\n",
    )
    cli.write(
        "facts.yaml",
        "- {id: f1, kind: meeting, occurred: 2024-05-01, title: T, projects: [p1], partners: [o1],\n"
        "   people: [{person: ann, office: off, role: 'Chair, board (acting)'}, {person: bob, role: 'guest, host'}],\n"
        "   figures: [{metric: length, value: 3, unit: km, note: 'first; then more'}],\n"
        "   sources: [{outlet: VNA, language: en, reported: 2024-05-02, quote: 'He said: \"(yes); no\"'},\n"
        "             {outlet: 'Tuổi Trẻ', language: vi, reported: 2024-05-03,\n"
        "              differs: {title: 'T2', figures: []}}]}\n",
    )
    cli.ok("ingest", "entities.yaml", "facts.yaml")
    cli.ok("export", "--format", "csv", "--out", "facts.csv")
    written = json.loads(cli.ok("ingest", "facts.csv", "--json").stdout)
    assert (written["appended"], written["unchanged"]) == (0, 1), written


def test_csv_round_trips_roles_outlets_and_figures_holding_the_cells_separator(cli):
    """A role, an outlet or a figure holding '; ' (the cell's separator) and backslashes reads back as it was."""
    cli.write(
        "entities.yaml",
        "organisations: [{id: o1, name: Board, kind: company}]\noffices: [{id: off, name: Chair, organisation: o1}]\n"
        "people: [{id: ann, name: Ann}, {id: bob, name: Bob}, {id: cy, name: Cy}]\n",
    )
    cli.write(
        "facts.yaml",
        "- {id: f1, kind: meeting, occurred: 2024-05-01, title: T,\n"
        "   people: [{person: ann, office: off, role: 'Phó Chủ tịch; phụ trách (đô thị)'},\n"
        "            {person: bob, role: 'deputy\\'}, {person: cy, role: 'a\\; b;c; \\\\; d;'}],\n"
        "   figures: [{metric: 'length; total', value: 3, unit: 'km; est.'}, {metric: area}],\n"
        "   sources: [{outlet: 'Tuổi Trẻ; Online', language: vi, reported: 2024-05-02},\n"
        "             {outlet: 'VNA\\', language: en, reported: 2024-05-03}]}\n",
    )
    cli.ok("ingest", "entities.yaml", "facts.yaml")
    stored = cli.json("show", "f1")["fact"]
    assert [p["role"] for p in stored["people"]] == [
        "Phó Chủ tịch; phụ trách (đô thị)",
        "deputy\\",
        "a\\; b;c; \\\\; d;",
    ]
    cli.ok("export", "--format", "csv", "--out", "facts.csv")
    written = json.loads(cli.ok("ingest", "facts.csv", "--json").stdout)
    assert (written["appended"], written["unchanged"]) == (0, 1), written
    cli.ok("ingest", "entities.yaml", "facts.csv", "--db", "copy.db")
    assert cli.json("show", "f1", "--db", "copy.db")["fact"] == stored


def test_csv_round_trips_values_that_start_like_formulas(cli):
    """The export neutralises a cell starting like a formula with an apostrophe; ingest takes it off again."""
    cli.write("entities.yaml", "projects: [{id: p1, name: '=SUM(A1)'}]\n")
    cli.write(
        "facts.yaml",
        "- {id: f1, kind: statistic, occurred: 2024, title: '-5% in exports', summary: \"'=quoted\", projects: [p1],\n"
        "   sources: [{outlet: '@VNA', language: en, reported: 2024-05-02}]}\n",
    )
    cli.ok("ingest", "entities.yaml", "facts.yaml")
    cli.ok("export", "--format", "csv", "--out", "facts.csv")
    assert "'-5% in exports" in (cli.root / "facts.csv").read_text(encoding="utf-8")
    written = json.loads(cli.ok("ingest", "facts.csv", "--json").stdout)
    assert (written["appended"], written["unchanged"]) == (0, 1), written


def test_csv_a_separator_written_with_a_backslash_stays_in_its_item(cli):
    """What a person types in the sheet: '\\; ' keeps '; ' inside a role or an outlet."""
    cli.write("entities.yaml", "people: [{id: ann, name: Ann}, {id: bob, name: Bob}]\n")
    cli.write(
        "f.csv",
        "id,kind,occurred,title,people,sources\n"
        'f1,meeting,2024,T,"Ann (, chair\\; deputy); Bob","Báo A\\; B (vi, 2024); VNA (en, 2024)"\n',
    )
    cli.ok("ingest", "entities.yaml", "f.csv")
    fact = cli.json("show", "f1")["fact"]
    assert [(p["person"]["id"], p["role"]) for p in fact["people"]] == [("ann", "chair; deputy"), ("bob", None)]
    assert [s["outlet"] for s in fact["sources"]] == ["Báo A; B", "VNA"]


def test_csv_files_written_before_separators_were_escaped_read_as_they_did():
    """A backslash not followed by ';' is itself; a figure's note holding '; ' is still joined back."""
    from timeline.intake.spreadsheet import fact_of

    read = fact_of(
        {
            "people": "Ann (Chair, C:\\dir\\); Bob (, x \\ y)",
            "figures": "length: 3 km, note: first; then more; area: 2",
            "sources": "VNA\\x (en, 2024) https://a.example/b; Báo (vi, 2024)",
        }
    )
    assert read == {
        "people": [{"person": "Ann", "office": "Chair", "role": "C:\\dir\\"}, {"person": "Bob", "role": "x \\ y"}],
        "figures": [
            {"metric": "length", "value": 3.0, "unit": "km", "note": "first; then more"},
            {"metric": "area", "value": 2.0},
        ],  # fmt: skip
        "sources": [
            {"outlet": "VNA\\x", "language": "en", "reported": "2024", "url": "https://a.example/b"},
            {"outlet": "Báo", "language": "vi", "reported": "2024"},
        ],
    }


@pytest.mark.parametrize(
    ("details", "said"),
    [
        ("not json", "column 'source_details': not JSON; write a JSON list with one object per source"),
        ("[{}, {}]", "column 'source_details': 2 objects for 1 sources; keep one per source"),
        ('[{"url": "x"}]', "column 'source_details': unknown key 'url'; write a JSON list"),
    ],
)
def test_csv_source_details_that_cannot_be_read_name_the_column(cli, details, said):
    row = ["a", "meeting", "2022", "T", "VNA (en, 2022)", details]
    cli.write("f.csv", "id,kind,occurred,title,sources,source_details\n" + ",".join(f'"{c}"' if "," in c or '"' in c
              else c for c in (x.replace('"', '""') for x in row)) + "\n")  # fmt: skip
    result = cli("check", "f.csv")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: f.csv:2: {said}"), result.stderr


def test_csv_with_a_byte_order_mark_is_read(cli, sample_store):
    cli.ok("export", "--format", "csv", "--out", "first.csv")
    (cli.root / "bom.csv").write_bytes(b"\xef\xbb\xbf" + (cli.root / "first.csv").read_bytes())
    cli.ok("ingest", "sample/entities.yaml", "bom.csv", "--db", "bom.db")
    assert cli.json("list", "facts", "--db", "bom.db")["count"] == 15


def test_csv_with_a_wrong_column_names_the_columns(cli):
    cli.write("f.csv", "id,kind,when,title,sources\na,meeting,2022,T,VNA (en, 2022)\n")
    result = cli("check", "f.csv")
    assert result.stderr.splitlines()[0] == (
        "error: f.csv:1: unknown column 'when'; missing occurred; the columns are id, kind, occurred, status, title, "
        "summary, projects, partners, people, place, figures, target, fulfils, sources, source_details, retracted, "
        "notes"
    )


def test_csv_that_the_csv_module_cannot_read_is_one_clear_problem(cli):
    cli.write("f.csv", 'id,kind,occurred,title,sources\na,meeting,2022,"' + "x" * 200_000 + '",VNA (en, 2022)\n')
    result = cli("check", "f.csv")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith("error: f.csv: not a readable CSV file: field larger than field limit")


def test_csv_problems_name_the_line_a_row_starts_on(cli):
    cli.write(
        "f.csv", 'id,kind,occurred,title,sources\na,meeting,2022,"two\nlines","VNA (en, 2022)"\nb,meeting,2022,T,VNA\n'
    )
    result = cli("check", "f.csv")
    assert result.stderr.splitlines()[0].startswith(
        "error: f.csv:4: column 'sources': write 'Outlet (language, reported) url'"
    )

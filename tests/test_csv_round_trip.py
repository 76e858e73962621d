"""The spreadsheet export read back by ingest: figure lists and source addresses that the cells' text could
confuse (timeline.exports.sheet_cells, README "Spreadsheets in")."""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import given, reject, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from strategies import AWKWARD_VALUES, marked_text

from events.inputs import INPUT, Figure, Source

EXAMPLES = int(os.environ.get("TIMELINE_EXAMPLES", "40"))

ENTITIES = "projects: [{id: p1, name: Line}]\n"


def round_trip(cli, facts: str, name: str = "facts.yaml") -> dict:
    """The fact as stored, after checking that its CSV export ingests into its store as nothing and into a new
    store as the same fact."""
    cli.write("entities.yaml", ENTITIES)
    cli.write(name, facts)
    cli.ok("ingest", "entities.yaml", name)
    stored = cli.json("show", "f1")["fact"]
    cli.ok("export", "--format", "csv", "--out", "facts.csv")
    written = json.loads(cli.ok("ingest", "facts.csv", "--json").stdout)
    assert (written["appended"], written["unchanged"]) == (0, 1), written
    cli.ok("ingest", "entities.yaml", "facts.csv", "--db", "copy.db")
    assert cli.json("show", "f1", "--db", "copy.db")["fact"] == stored
    return stored


def test_csv_figures_without_a_value_right_after_a_figure_with_a_note_stay_figures(cli):
    stored = round_trip(
        cli,
        "- {id: f1, kind: target, occurred: 2024, title: T, projects: [p1], target: t1,\n"
        "   figures: [{metric: length, value: 3, unit: km, note: 'first; then more'},\n"
        "             {metric: investment, unit: million USD},\n"
        "             {metric: stations, note: 'count: 5'}, {metric: area, deadline: 2030},\n"
        "             {metric: depots, note: n}, {metric: 'ratio: urban', value: 2},\n"
        "             {metric: lines, vision: 2050, note: v}, {metric: '\\depots'}],\n"
        "   sources: [{outlet: VNA, language: en, reported: 2024-05-02}]}\n",
    )
    assert [figure["metric"] for figure in stored["figures"]] == [
        "length", "investment", "stations", "area", "depots", "ratio: urban", "lines", "\\depots"
    ]  # fmt: skip


def test_csv_source_addresses_holding_spaces_read_back_whole(cli):
    stored = round_trip(
        cli,
        "- {id: f1, kind: meeting, occurred: 2024, title: T, projects: [p1],\n"
        "   sources: [{outlet: VNA, language: en, reported: 2024-05-02, url: 'https://a.example/x y; z'},\n"
        "             {outlet: Báo, language: vi, reported: 2024-05-03, url: 'https://a.example/b\\ (vi, 2024) c\\'},\n"
        "             {outlet: Nhân Dân, language: vi, reported: 2024-05-04, url: 'https://a.example/n\u00a0d'}]}\n",
    )
    assert [source["url"] for source in stored["sources"]] == [
        "https://a.example/x y; z",
        "https://a.example/b\\ (vi, 2024) c\\",
        "https://a.example/n\u00a0d",
    ]


def test_csv_a_backslash_starts_a_figure_after_a_note_and_escapes_a_space_in_an_address():
    """What a person types in the sheet (README, "Spreadsheets in"); without the backslash an item after a note
    is still the rest of that note, as files written before the escape need."""
    from timeline.intake.spreadsheet import fact_of

    read = fact_of(
        {
            "figures": "length: 3 km, note: estimated; \\investment (million USD); area: 2, note: a; b (km)",
            "sources": "VNA (en, 2024) https://example.org/a\\ b; Báo (vi, 2024) https://example.org/c\\\\d",
        }
    )
    assert read == {
        "figures": [
            {"metric": "length", "value": 3.0, "unit": "km", "note": "estimated"},
            {"metric": "investment", "unit": "million USD"},
            {"metric": "area", "value": 2.0, "note": "a; b (km)"},
        ],
        "sources": [
            {"outlet": "VNA", "language": "en", "reported": "2024", "url": "https://example.org/a b"},
            {"outlet": "Báo", "language": "vi", "reported": "2024", "url": "https://example.org/c\\\\d"},
        ],
    }


def round_trip_fact(cli, **fields) -> dict:
    """`round_trip` of one fact given as data (written as JSON, so any text can be given as it is)."""
    fact = {"id": "f1", "kind": "statistic", "occurred": "2024", "title": "T", "projects": ["p1"]}
    fact |= {"sources": [{"outlet": "VNA", "language": "en", "reported": "2024-05-02"}]} | fields
    return round_trip(cli, json.dumps([fact], ensure_ascii=False), "facts.json")


MARKED_FIGURES = [
    {"metric": "x: 5"},  # no value: read as the value 5
    {"metric": "x: 5", "unit": "km"},
    {"metric": "ratio, note: urban", "value": 2.0},
    {"metric": "length", "unit": "km (approx)"},
    {"metric": "length (km)"},
    {"metric": "stations", "value": 3.0, "as_written": 'ba"), vision 2050'},
    {"metric": "depots", "as_written": "x\\"},
    {"metric": 'area (as written "2")', "deadline": "2030"},
    {"metric": "tracks\\", "value": 4.0, "unit": "km, deadline 2030"},
    {"metric": "trains\\:", "value": 5.0, "unit": "(sets)\\"},
    {"metric": "lines\non two rows", "value": 1.0, "unit": "line\nbreak", "note": "a\nb, note: c"},
    {"metric": "investment", "value": 1234567.891, "unit": "USD", "note": "exact"},
    {"metric": "share", "value": [1e-07, 0.30000000000000004]},
]


def test_csv_figure_texts_holding_the_formats_own_markers_read_back_whole(cli):
    stored = round_trip_fact(cli, figures=MARKED_FIGURES)
    assert [{key: value for key, value in figure.items() if value is not None} for figure in stored["figures"]] == (
        MARKED_FIGURES
    )


def test_csv_source_outlets_holding_brackets_and_line_breaks_read_back_whole(cli):
    outlets = ["VNA (en, 2024) https://a.example/x\\", "Báo (vi, 2023) số 5", "Nhân\nDân", "A (x, y)"]
    sources = [{"outlet": outlet, "language": "vi", "reported": "2024-05-02"} for outlet in outlets]
    stored = round_trip_fact(cli, sources=[*sources, {**sources[0], "url": "https://a.example/y (vi, 2024)"}])
    assert [source["outlet"] for source in stored["sources"]] == [*outlets, outlets[0]]


def valid(model: type[Any], data: dict[str, Any]) -> Any:
    """The input model of the data with its absent (None) fields left out, or a rejected example if the input
    would be refused (an address holding a line break)."""
    try:
        return model.model_validate({key: value for key, value in data.items() if value is not None}, context=INPUT)
    except ValidationError:
        reject()


figure_data = st.fixed_dictionaries(
    {"metric": marked_text},
    optional={
        "value": st.sampled_from((5.0, [1.0, 2.5], *AWKWARD_VALUES)),
        "unit": marked_text,
        "as_written": marked_text,
        "deadline": st.just("2030"),
        "vision": st.just("2050~"),
        "note": marked_text,
    },
)
source_data = st.fixed_dictionaries(
    {"outlet": marked_text, "language": st.just("vi"), "reported": st.just("2024-05")},
    optional={"url": marked_text.map(lambda text: "https://a.example/" + text)},
)


@settings(max_examples=EXAMPLES * 10, deadline=None)
@given(st.lists(figure_data, min_size=1, max_size=4))
def test_csv_figures_cell_holding_any_of_the_formats_markers_reads_back_as_its_figures(drawn):
    """A figures cell as the export writes it (each figure's text, the items after notes, the list's escape) reads
    back as the same figures, whatever their metric, unit, as-written text and note hold."""
    from timeline.exports.figure_cells import figure_cell_text, figure_items, figure_of, figure_texts
    from timeline.exports.sheet_cells import joined, split

    figures = [valid(Figure, data) for data in drawn]
    cell = joined(figure_items(figure_cell_text(figure) for figure in figures))
    assert [valid(Figure, figure_of(text)) for text in figure_texts(split(cell))] == figures, cell


@settings(max_examples=EXAMPLES * 10, deadline=None)
@given(st.lists(source_data, min_size=1, max_size=3))
def test_csv_sources_cell_holding_any_of_the_formats_markers_reads_back_as_its_sources(drawn):
    """A sources cell as the export writes it reads back as the same outlets and addresses, whatever they hold."""
    from timeline.exports.sheet_cells import joined, split
    from timeline.exports.spreadsheet import source_cell
    from timeline.intake.spreadsheet import _source

    sources = [valid(Source, data) for data in drawn]
    cell = joined(source_cell(source) for source in sources)
    assert [valid(Source, _source(text)) for text in split(cell)] == sources, cell


def test_csv_a_backslash_makes_a_figures_marker_plain_text():
    """What a person types (README, "Spreadsheets in"): `\\:`, `\\,`, `\\(`, `\\)` and `\\"` in a metric, unit or
    as-written text are those characters, two backslashes there one; the note is read whole."""
    from timeline.intake.spreadsheet import fact_of

    figures = 'x\\: 5; length (km \\(approx\\)); C\\\\: 2 (as written "2 \\"C\\"\\)\\, vision 1"), note: a\\, b'
    assert fact_of({"figures": figures})["figures"] == [
        {"metric": "x: 5"},
        {"metric": "length", "unit": "km (approx)"},
        {"metric": "C\\", "value": 2.0, "as_written": '2 "C"), vision 1', "note": "a\\, b"},
    ]

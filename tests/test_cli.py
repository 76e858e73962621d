"""The `timeline` command as a user sees it: golden output for the sample, and every class of bad input.

Goldens live in tests/golden/ and are compared exactly (UPDATE_GOLDEN=1 rewrites them). Error tests run
`ingest` against a store already holding the sample and check the exit code, the full error lines on
stderr, the absence of a traceback, and that the store file is byte-for-byte unchanged.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

import pytest
from conftest import SAMPLE_ARGS, SAMPLE_FACTS, store_digest

PROJECT = "north-hanoi-smart-city"

# ---------------------------------------------------------------- golden output


def test_project_now_matches_golden(cli, sample_store, golden):
    result = cli.ok("project", PROJECT)
    golden("project-nhsc-now.txt", result.stdout)
    assert result.stdout.rstrip().endswith("4 facts")


def test_as_of_day_after_meeting_shows_only_the_vna_source(cli, sample_store, golden):
    # The Vietnamese source is dated only "2022-03", so it is certainly public from 2022-03-31; the VNA
    # English twin is stamped 2022-03-24. On the 24th only VNA is visible.
    result = cli.ok("project", PROJECT, "--as-of", "2022-03-24")
    golden("project-nhsc-as-of-2022-03-24.txt", result.stdout)
    assert "VNA (en, 2022-03-24)" in result.stdout
    assert "Thời Đại" not in result.stdout
    assert "major items" not in result.stdout  # reported by the Vietnamese source only


def test_as_of_before_any_report_shows_nothing(cli, sample_store, golden):
    result = cli.ok("project", PROJECT, "--as-of", "2022-03-22")
    golden("project-nhsc-as-of-2022-03-22.txt", result.stdout)
    assert "No facts about North Hanoi Smart City had been reported by 2022-03-22." in result.stdout


def test_project_json_now_matches_golden(cli, sample_store, golden):
    result = cli.ok("project", PROJECT, "--json")
    golden("project-nhsc-now.json", result.stdout)
    data = json.loads(result.stdout)
    assert [entry["fact"] for entry in data["entries"]] == [
        "nhsc-land-clearance-basically-met-2022-03",
        "nhsc-major-items-by-50th-anniversary-2023",
        "nhsc-reception-2022-03-23",
        "hanoi-chairman-meets-japan-ambassador-2024-07-02",
    ]


def test_window_of_one_year_keeps_only_facts_that_occurred_in_it(cli, sample_store, golden):
    result = cli.ok("project", PROJECT, "--since", "2024", "--until", "2024")
    golden("project-nhsc-2024.txt", result.stdout)
    assert "occurred 2024-01-01 to 2024-12-31" in result.stdout
    assert "2022-03-23" not in result.stdout


def test_ingest_summary_of_sample_matches_golden(cli, golden):
    result = cli.ok("ingest", *SAMPLE_ARGS)
    golden("ingest-sample.txt", result.stdout)
    assert "appended 51 events — 15 new facts" in result.stdout


def test_check_of_sample_matches_golden(cli, golden):
    result = cli.ok("check", *SAMPLE_ARGS)
    golden("check-sample.txt", result.stdout)
    assert not (cli.root / "timeline.db").exists()  # check writes nothing, not even an empty store


def test_log_of_one_fact_matches_golden_with_timestamps_normalised(cli, sample_store, golden):
    result = cli.ok("log", "--fact", "nhsc-reception-2022-03-23")
    normalised, count = re.subn(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "YYYY-MM-DD hh:mm:ss", result.stdout)
    assert count == 1  # one event, one recorded time
    golden("log-nhsc-reception.txt", normalised)


def test_check_against_a_store_validates_references_with_its_entities(cli, sample_store):
    # Facts alone resolve against the entities already in the store.
    result = cli.ok("check", "sample/facts", "--db", "timeline.db")
    assert result.stdout == "sample/facts: OK — 0 entities, 15 facts, no problems.\n"


# ---------------------------------------------------------------- bad input


def nothing_written(count: int) -> str:
    return f"{count} problem{'s' if count != 1 else ''} found; nothing was written."


FACT = """\
- id: {id}
  kind: meeting
  occurred: "2023-03-01"
  title: A test meeting
  projects: [north-hanoi-smart-city]
  sources:
    - {{outlet: VNA, language: en, reported: "2023-03-02"}}
"""


def fact(id: str = "test-meeting", **replace: str) -> str:
    """The YAML of one valid fact, a field's whole line replaced (or added): title="  title: 42"."""
    text = FACT.format(id=id)
    for key, line in replace.items():
        text, found = re.subn(rf"^  {key}:.*$", line, text, count=1, flags=re.M)
        if not found:
            text += line + "\n"
    return text


@dataclass(frozen=True)
class BadInput:
    name: str
    files: dict[str, str]
    errors: list[str]
    args: tuple[str, ...] = field(default=())  # input paths; default: every file written


BAD_INPUTS = [
    BadInput(
        "unknown partner, with a suggestion",
        {"facts.yaml": fact(partners="  partners: [Sumitomo Corp]")},
        [
            "facts.yaml:8: fact 'test-meeting': field 'partners[0]': unknown partner 'Sumitomo Corp'; "
            "did you mean 'sumitomo' (Sumitomo Corporation)?"
        ],
    ),
    BadInput(
        "duplicate fact id across two files",
        {"a.yaml": fact("twice"), "b.yaml": "# the same id again\n" + fact("twice")},
        ["b.yaml:2: fact 'twice': field 'id': duplicate fact id 'twice' (first defined at a.yaml:1)"],
    ),
    BadInput(
        "duplicate of a sample fact id in another file",
        {"extra.yaml": fact("nhsc-reception-2022-03-23")},
        [
            "sample/facts/2022-03-nhsc.yaml:6: fact 'nhsc-reception-2022-03-23': field 'id': duplicate fact id "
            "'nhsc-reception-2022-03-23' (first defined at extra.yaml:1)"
        ],
        ("extra.yaml", "sample/facts"),
    ),
    BadInput(
        "missing sources",
        {
            "facts.yaml": fact(sources="  place: Hanoi").replace(
                '    - {outlet: VNA, language: en, reported: "2023-03-02"}\n', ""
            )
        },
        ["facts.yaml:1: fact 'test-meeting': field 'sources': required field is missing"],
    ),
    BadInput(
        "empty sources",
        {
            "facts.yaml": fact(sources="  sources: []").replace(
                '    - {outlet: VNA, language: en, reported: "2023-03-02"}\n', ""
            )
        },
        [
            "facts.yaml:6: fact 'test-meeting': field 'sources': at least one source is required "
            "(outlet, language, reported)"
        ],
    ),
    BadInput(
        "source without its reported date",
        {"facts.yaml": fact().replace(', reported: "2023-03-02"', "")},
        ["facts.yaml:7: fact 'test-meeting': field 'sources[0].reported': required field is missing"],
    ),
    BadInput(
        "wrong type: a number as title",
        {"facts.yaml": fact(title="  title: 42")},
        ["facts.yaml:4: fact 'test-meeting': field 'title': Input should be a valid string, got 42"],
    ),
    BadInput(
        "unknown key, with a suggestion",
        {"facts.yaml": fact(title="  titel: A test meeting")},
        [
            "facts.yaml:1: fact 'test-meeting': field 'title': required field is missing",
            "facts.yaml:4: fact 'test-meeting': field 'titel': unknown field 'titel'; did you mean 'title'?",
        ],
    ),
    BadInput(
        "unknown key in a source",
        {"facts.yaml": fact().replace("language: en", "language: en, lang: en")},
        ["facts.yaml:7: fact 'test-meeting': field 'sources[0].lang': unknown field 'lang'; did you mean 'language'?"],
    ),
    BadInput(
        "day that does not exist",
        {"facts.yaml": fact(occurred='  occurred: "2023-02-30"')},
        [
            "facts.yaml:3: fact 'test-meeting': field 'occurred': '2023-02-30' is not a valid date: "
            "February 2023 has 28 days"
        ],
    ),
    BadInput(
        "month 13",
        {"facts.yaml": fact(occurred='  occurred: "2023-13"')},
        [
            "facts.yaml:3: fact 'test-meeting': field 'occurred': '2023-13' is not a valid date: "
            "month 13 does not exist (months run 01..12)"
        ],
    ),
    BadInput(
        "day/month as written in an article, as a source's reported date",
        {"facts.yaml": fact().replace('reported: "2023-03-02"', 'reported: "23/3"')},
        [
            "facts.yaml:7: fact 'test-meeting': field 'sources[0].reported': '23/3' is not an EDTF date; write "
            "YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2022-03-23), optionally with ~, ? or %; also 2022-03-23T10:30:00Z, "
            "202X, 2022-XX, 2022-21 (spring), 2022-33 (first quarter), or an interval A/B, ../B, A/.., /B, A/"
        ],
    ),
    BadInput(
        "number written as text with a decimal comma",
        {"facts.yaml": fact(kind="  kind: statistic") + '  figures:\n    - {metric: length, value: "96,8"}\n'},
        [
            "facts.yaml:9: fact 'test-meeting': field 'figures[0].value': '96,8' is text, not a number; write it "
            "as a number (e.g. 96.8 for '96,8', 3100 for '3.100') and keep the source's spelling in as_written"
        ],
    ),
    BadInput(
        "unknown target key in fulfils, with a suggestion",
        {"facts.yaml": fact(kind="  kind: milestone") + "  fulfils: hanoi-urban-rail-km-2031\n"},
        [
            "facts.yaml:8: fact 'test-meeting': field 'fulfils': unknown target key 'hanoi-urban-rail-km-2031'; "
            "did you mean 'hanoi-urban-rail-km-2030'?"
        ],
    ),
    BadInput(
        "broken YAML",
        {"facts.yaml": fact(title="  title: [unclosed")},
        ["facts.yaml:5: invalid YAML: did not find expected ',' or ']'"],
    ),
    BadInput(
        "broken JSON",
        {"facts.json": '[\n  {"id": "test-meeting",\n   "kind": "meeting",,\n  }\n]\n'},
        ["facts.json:3: invalid JSON: Expecting property name enclosed in double quotes"],
    ),
    BadInput(
        "wrong type in a JSON file (no line numbers: file, fact and field)",
        {
            "facts.json": json.dumps(
                [
                    {
                        "id": "test-meeting",
                        "kind": "meeting",
                        "occurred": "2023",
                        "title": 42,
                        "sources": [{"outlet": "VNA", "language": "en", "reported": "2023"}],
                    }
                ]
            )
        },
        ["facts.json: fact 'test-meeting': field 'title': Input should be a valid string, got 42"],
    ),
    BadInput(
        "wrong type in a JSONL line",
        {
            "facts.jsonl": "\n"
            + json.dumps(
                {
                    "id": "test-meeting",
                    "kind": "meeting",
                    "occurred": "2023",
                    "title": "T",
                    "projects": "north-hanoi-smart-city",
                    "sources": [{"outlet": "VNA", "language": "en", "reported": "2023"}],
                }
            )
        },
        [
            "facts.jsonl:2: fact 'test-meeting': field 'projects': must be a list, found the text "
            "'north-hanoi-smart-city'; write it in brackets or as '- ' items; e.g. projects: [north-hanoi-smart-city]"
        ],
    ),
    BadInput(
        "bad JSONL lines, each reported",
        {
            "facts.jsonl": json.dumps(
                {
                    "id": "good-line",
                    "kind": "meeting",
                    "occurred": "2023",
                    "title": "Fine",
                    "sources": [{"outlet": "VNA", "language": "en", "reported": "2023"}],
                }
            )
            + "\n{not json\n\n[1, 2\n"
        },
        [
            "facts.jsonl:2: invalid JSON line: Expecting property name enclosed in double quotes",
            "facts.jsonl:4: invalid JSON line: Expecting ',' delimiter",
        ],
    ),
    BadInput(
        "unknown entity kind in JSONL",
        {"entities.jsonl": '{"entity": "building", "id": "opera-house", "name": "Hanoi Opera House"}\n'},
        [
            "entities.jsonl:1: field 'entity': unknown entity kind 'building'; "
            "expected one of project, organisation, office, person"
        ],
    ),
    BadInput(
        "unknown entity section in YAML",
        {"entities.yaml": "buildings:\n  - {id: opera-house, name: Hanoi Opera House}\n"},
        ["entities.yaml: unknown section 'buildings'; expected one of projects, organisations, offices, people, facts"],
    ),
    BadInput(
        "unknown organisation kind",
        {"entities.yaml": "organisations:\n  - {id: jica, name: JICA, kind: donor}\n"},
        [
            "entities.yaml:2: field 'kind': 'donor' is not a kind of organisation; write one of country, city, "
            "company, agency, university, government, party, other, e.g. kind: country"
        ],
    ),
    BadInput(
        "a control character written as an escape",
        {"facts.yaml": fact().replace("title: A test meeting", 'title: "A test\\emeeting"')},
        [
            "facts.yaml:4: fact 'test-meeting': field 'title': contains the control character U+001B at position 6; "
            "remove it"
        ],
    ),
    BadInput(
        "an entity name with no letter or digit",
        {"entities.yaml": "organisations:\n  - {id: odd, name: '!!!', kind: other}\n"},
        ["entities.yaml:2: field 'name': '!!!' has no letter or digit, so nothing could refer to it"],
    ),
    BadInput(
        "a huge bad date is shown clipped, with its length",
        {"facts.yaml": fact(occurred='  occurred: "' + "2022" * 1000 + '"')},
        [
            "facts.yaml:3: fact 'test-meeting': field 'occurred': '" + "2022" * 15 + "'… (4000 characters) is not "
            "an EDTF date; write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2022-03-23), optionally with ~, ? or %; also "
            "2022-03-23T10:30:00Z, 202X, 2022-XX, 2022-21 (spring), 2022-33 (first quarter), or an interval A/B, "
            "../B, A/.., /B, A/"
        ],
    ),
    BadInput(
        "a path that does not exist",
        {},
        ["no-such-dir/facts.yaml: no such file or directory"],
        ("no-such-dir/facts.yaml",),
    ),
]


@pytest.mark.parametrize("case", BAD_INPUTS, ids=[case.name for case in BAD_INPUTS])
def test_bad_input_is_reported_exactly_and_nothing_is_written(cli, sample_store, case):
    for name, text in case.files.items():
        cli.write(name, text)
    before = store_digest(sample_store)

    result = cli("ingest", *(case.args or tuple(case.files)))

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    expected = [f"error: {line}" for line in case.errors] + [nothing_written(len(case.errors))]
    assert result.stderr.splitlines() == expected
    assert store_digest(sample_store) == before


def test_check_reports_the_same_problems_as_ingest(cli, sample_store):
    cli.write("facts.yaml", fact(partners="  partners: [Sumitomo Corp]", occurred='  occurred: "2023-13"'))
    checked = cli("check", "facts.yaml", "--db", "timeline.db")
    ingested = cli("ingest", "facts.yaml")
    assert checked.exit_code == ingested.exit_code == 1
    assert checked.stderr == ingested.stderr
    assert checked.stderr.splitlines()[-1] == nothing_written(2)


def test_all_problems_of_a_run_are_reported_at_once(cli, sample_store):
    cli.write(
        "a.yaml",
        fact("first", title="  title: 42", partners="  partners: [Sumitomo Corp]")
        + fact("second", occurred='  occurred: "2023-02-30"', kind="  kind: meating"),
    )
    cli.write("b.json", "[{]")
    cli.write(
        "c.jsonl",
        '{"entity": "building", "id": "x", "name": "X"}\n'
        + json.dumps(
            {
                "id": "first",
                "kind": "meeting",
                "occurred": "2023",
                "title": "T",
                "sources": [{"outlet": "VNA", "language": "en", "reported": "2023", "colour": "red"}],
            }
        )
        + "\n",
    )
    before = store_digest(sample_store)

    result = cli("ingest", "a.yaml", "b.json", "c.jsonl", "missing.yaml")

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        "error: a.yaml:4: fact 'first': field 'title': Input should be a valid string, got 42",
        "error: a.yaml:8: fact 'first': field 'partners[0]': unknown partner 'Sumitomo Corp'; "
        "did you mean 'sumitomo' (Sumitomo Corporation)?",
        "error: a.yaml:10: fact 'second': field 'kind': 'meating' is not a kind of fact; did you mean 'meeting'? "
        "write one of meeting, target, milestone, statistic, appointment, agreement, announcement, e.g. kind: meeting",
        "error: a.yaml:11: fact 'second': field 'occurred': '2023-02-30' is not a valid date: "
        "February 2023 has 28 days",
        "error: b.json:1: invalid JSON: Expecting property name enclosed in double quotes",
        "error: c.jsonl:1: field 'entity': unknown entity kind 'building'; "
        "expected one of project, organisation, office, person",
        "error: c.jsonl:2: fact 'first': field 'id': duplicate fact id 'first' (first defined at a.yaml:1)",
        "error: missing.yaml: no such file or directory",
        nothing_written(8),
    ]
    assert store_digest(sample_store) == before


def test_unknown_reference_is_reported_even_when_the_fact_has_other_problems(cli, sample_store):
    cli.write("facts.yaml", fact(title="  title: 42", partners="  partners: [Sumitomo Corp]"))
    result = cli("ingest", "facts.yaml")
    assert any("unknown partner 'Sumitomo Corp'" in line for line in result.stderr.splitlines())


def test_unknown_reference_in_decomposed_unicode_still_gets_a_suggestion(cli, sample_store):
    ref = unicodedata.normalize("NFD", "Tập đoàn Sumitomoo")
    assert ref != unicodedata.normalize("NFC", ref)
    cli.write("facts.yaml", fact(partners=f"  partners: [{ref}]"))
    result = cli("ingest", "facts.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(
        "error: facts.yaml:8: fact 'test-meeting': field 'partners[0]': unknown partner "
        f"{ref!r}; did you mean 'sumitomo' (Sumitomo Corporation)"
    )


def test_failed_ingest_into_a_new_store_leaves_no_store_file(cli):
    cli.write("facts.yaml", fact(title="  title: 42"))
    result = cli("ingest", "facts.yaml", "--db", "fresh.db")
    assert result.exit_code == 1
    assert result.stderr.endswith("problems found; nothing was written.\n")
    assert not (cli.root / "fresh.db").exists()


# ---------------------------------------------------------------- bad options and references


def test_unknown_project_suggests_the_closest(cli, sample_store):
    result = cli("project", "north hanoi smart citty")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: unknown project 'north hanoi smart citty'; did you mean "
        "'north-hanoi-smart-city' (North Hanoi Smart City)? (list them all: timeline list projects)\n"
    )


def test_bad_as_of_date_is_a_usage_error(cli, sample_store):
    result = cli("project", PROJECT, "--as-of", "23/3")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr == (
        "error: --as-of: '23/3' is not an EDTF date; write YYYY, YYYY-MM or YYYY-MM-DD "
        "(e.g. 2022-03-23), optionally with ~, ? or %; also 2022-03-23T10:30:00Z, 202X, 2022-XX, 2022-21 (spring), "
        "2022-33 (first quarter), or an interval A/B, ../B, A/.., /B, A/\n"
    )


def test_log_of_an_unknown_fact_is_not_found(cli, sample_store):
    result = cli("log", "--fact", "no-such-fact")
    assert result.exit_code == 1
    assert result.stderr == "error: no fact 'no-such-fact' in timeline.db\n"


def test_log_holds_one_fact_reported_per_sample_fact(cli, sample_store):
    data = cli.json("log")
    reported = {event["subject"] for event in data if event["type"] == "FactReported"}
    assert len(reported) == SAMPLE_FACTS

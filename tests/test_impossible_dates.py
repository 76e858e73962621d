"""Dates that cannot be true are refused (or, when a source may know better, warned about), naming file, fact
and field; an unedited draft cannot be checked or ingested. "Today" is a value the CLI reads and passes in."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from timeline.errors import InvalidInput
from timeline.service import validate_files

SEED = Path(os.environ.get("TIMELINE_SHARED", "/work/shared")) / "seeds" / "003_00e807009d3b6aee.txt"


def fact(fact_id: str, occurred: str = "2023-05-01", reported: str = "2023-05-02", **extra: str) -> str:
    text = (
        f"- id: {fact_id}\n  kind: meeting\n  occurred: {occurred}\n  title: T {fact_id}\n"
        f"  sources: [{{outlet: VNA, language: en, reported: '{reported}'}}]\n"
    )
    return text + "".join(f"  {key}: {value}\n" for key, value in extra.items())


def problems_of(path: Path, today: date | None) -> list[tuple[str | None, str | None, str]]:
    with pytest.raises(InvalidInput) as raised:
        validate_files([path], today=today)
    return [(p.fact, p.field, p.message) for p in raised.value.problems]


def test_a_source_reported_after_today_is_refused(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(fact("late", reported="2024-03-02") + fact("month", reported="2024-03"), encoding="utf-8")
    (problem,) = problems_of(path, today=date(2024, 3, 1))
    assert problem == (
        "late",
        "sources[0].reported",
        "reported 2024-03-02, after today (2024-03-01); a source cannot have appeared yet: check the date",
    )
    assert validate_files([path], today=date(2024, 3, 2)).facts  # the next day both are fine


def test_the_cli_passes_today(cli):
    cli.write("f.yaml", fact("far", reported="2999-01-01"))
    result = cli("check", "f.yaml")
    assert result.exit_code == 1
    assert "fact 'far': field 'sources[0].reported': reported 2999-01-01, after today" in result.stderr


def test_a_retraction_before_the_first_report_is_refused(tmp_path):
    path = tmp_path / "f.yaml"
    retracted = "{on: 2023-04-30, reason: withdrawn}"
    path.write_text(
        fact("early", retracted=retracted) + fact("same-month", reported="2023-04", retracted=retracted),
        encoding="utf-8",
    )
    (problem,) = problems_of(path, today=None)
    assert problem[:2] == ("early", "retracted.on")
    assert problem[2].startswith("retracted on 2023-04-30, before the fact was first reported (2023-05-02)")


@pytest.mark.parametrize(
    ("occurred", "status", "warned"),
    [
        ("2023-06-01", "happened", True),
        ("2023-06-01?", "happened", False),  # uncertain: the source may know better
        ("~2023-06-01", "happened", False),
        ("2023-05-01/2023-06-30", "happened", False),  # an interval that starts before the report
        ("../2023-06-01", "happened", False),
        ("2023-06-01", "scheduled", False),
        ("2023-05", "happened", False),  # the month has begun by the report
    ],
)
def test_happened_before_it_occurred_is_a_warning_unless_the_date_allows_it(cli, occurred, status, warned):
    cli.write("f.yaml", fact("f", occurred=f"'{occurred}'", reported="2023-05-02", status=status))
    result = cli.ok("check", "f.yaml", "--json")
    warnings = json.loads(result.stdout)["warnings"]
    assert bool(warnings) == warned, warnings
    if warned:
        (line,) = warnings
        assert "fact 'f': field 'sources[0].reported': reported 2023-05-02 as happened, but it occurred" in line
        summary = cli.ok("ingest", "f.yaml").stdout
        assert "warning:" in summary and "as happened" in " ".join(summary.split())


def test_an_unedited_draft_is_refused_by_check_and_ingest(cli):
    draft = cli.ok("draft", str(SEED), "--published", "2024-07-02").stdout
    assert "# review: rename" in draft and "REVIEW:" in draft  # what a draft prints today
    cli.write("draft.yaml", draft)
    for command in ("check", "ingest"):
        result = cli(command, "sample/entities.yaml", "draft.yaml")
        assert result.exit_code == 1
        lines = result.stderr.splitlines()
        renames = [line for line in lines if "field 'id': still the draft's id" in line]
        placeholders = [line for line in lines if "still the draft's placeholder 'REVIEW: outlet'" in line]
        assert len(renames) == draft.count("# review: rename")
        assert placeholders and all("field 'outlet'" in line for line in placeholders)
    assert not Path("timeline.db").exists()


def test_an_unedited_draft_converted_to_json_lines_is_refused(cli):
    """JSON Lines has no comments and is read a line at a time: a placeholder left in a value is still found,
    named by the fact and the field's whole path."""
    import yaml

    draft = cli.ok("draft", str(SEED), "--published", "2024-07-02").stdout
    facts = yaml.safe_load(draft)
    facts = facts["facts"] if isinstance(facts, dict) else facts
    lines = [json.dumps({**f, "id": f"reviewed-{n}"}, ensure_ascii=False) for n, f in enumerate(facts)]
    placed = [n for n, line in enumerate(lines) if "REVIEW:" in line]
    assert placed  # the draft left at least one placeholder in a value
    cli.write("draft.jsonl", "\n".join(lines) + "\n")
    for command in ("check", "ingest"):
        result = cli(command, "sample/entities.yaml", "draft.jsonl")
        assert result.exit_code == 1, result.stdout
        found = [line for line in result.stderr.splitlines() if "still the draft's placeholder 'REVIEW:" in line]
        assert {f"fact 'reviewed-{n}'" for n in placed} <= {part for line in found for part in _named(line)}
        assert any("field 'sources[0].outlet'" in line for line in found)
    assert not Path("timeline.db").exists()


def _named(line: str) -> list[str]:
    start = line.find("fact '")
    return [line[start : line.index("'", start + 6) + 1]] if start >= 0 else []


def test_a_reviewed_draft_passes(cli):
    draft = cli.ok("draft", str(SEED), "--published", "2024-07-02", "--outlet", "The Hanoi Times").stdout
    first = draft[draft.index("\n- id:") + 1 :].split("\n\n")[0]  # the first drafted fact
    reviewed = first.replace("  # review: rename", "").replace("-meeting", "-meeting-reviewed")
    cli.write("reviewed.yaml", reviewed)
    result = cli("check", "sample/entities.yaml", "reviewed.yaml")
    assert "draft" not in result.stderr, result.stderr

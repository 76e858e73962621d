"""The shared filter options on `stats`, `export`, `diff`, `targets` and `who`, where they make sense: each selects
the same facts as `list facts` with the same options (the sample store, real SQLite file or PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any

import pytest

FILTERS = [
    ("--kind", "meeting", "--since", "2023"),
    ("--partner", "japan", "--until", "2024-06"),
    ("--project", "hanoi-urban-rail", "--kind", "target", "--kind", "milestone"),
    ("--as-of", "2024-12-31", "--since", "2022", "--until", "2024"),
]


def listed(cli, *filters: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The ids `list facts` selects with these options (retracted facts left out)."""
    return sorted(item["fact"] for item in cli.json("list", "facts", *filters)["items"])


@pytest.mark.parametrize("filters", FILTERS, ids=" ".join)
def test_stats_counts_the_facts_list_selects(cli, sample_store, filters: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    counts = cli.json("stats", *filters)
    expected = listed(cli, *filters)
    assert counts["facts"] == len(expected) > 0
    assert sum(sum(kinds.values()) for kinds in counts["per_year_by_kind"].values()) == len(expected)


@pytest.mark.parametrize("filters", FILTERS, ids=" ".join)
def test_export_writes_the_facts_list_selects(cli, sample_store, filters: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    rows = [json.loads(line) for line in cli.ok("export", "--format", "jsonl", *filters).stdout.splitlines()]
    exported = sorted(row["id"] for row in rows if "title" in row and not row.get("retracted"))
    assert exported == listed(cli, *filters)
    paged = cli("export", "--format", "jsonl", "--limit", "2", *filters)
    assert paged.exit_code == 0
    assert [json.loads(line)["id"] for line in paged.stdout.splitlines() if '"title"' in line] == [
        row["id"] for row in rows if "title" in row
    ][:2]


def test_stats_heading_says_the_window_and_the_kinds(cli, sample_store) -> None:  # type: ignore[no-untyped-def]
    printed = cli.ok("stats", "--kind", "meeting", "--kind", "agreement", "--since", "2023").stdout
    heading = "Facts per year — as known now, occurred 2023-01-01 to …, kind meeting or agreement"
    assert printed.splitlines()[0] == heading


def test_a_misspelt_kind_is_refused_with_a_suggestion_by_stats_and_export(cli, sample_store) -> None:  # type: ignore[no-untyped-def]
    for command in (("stats",), ("export", "--format", "csv")):
        result = cli(*command, "--kind", "meting")
        assert result.exit_code == 2 and "did you mean 'meeting'?" in result.stderr


def by_id(answer: dict[str, Any]) -> list[str]:
    keys = ("reported", "sources_added", "changed", "retracted")
    return sorted({item["fact"] for key in keys for item in answer[key]})

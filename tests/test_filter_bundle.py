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


DIFF_FILTERS = [
    ("--kind", "meeting"),
    ("--partner", "japan", "--since", "2024"),
    ("--project", "hanoi-urban-rail", "--kind", "target"),
    ("--until", "2023"),
]


@pytest.mark.parametrize("filters", DIFF_FILTERS, ids=" ".join)
def test_diff_tells_only_the_facts_the_filters_admit(cli, sample_store, filters: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    dates = ("--from", "2023-12-31", "--to", "2025-12-31")
    whole, narrowed = cli.json("diff", *dates), cli.json("diff", *dates, *filters)
    admitted = set(listed(cli, "--as-of", "2025-12-31", *filters))
    assert by_id(narrowed) == sorted(set(by_id(whole)) & admitted) != []
    pages, after = [], None
    while True:
        page = cli.json("diff", *dates, *filters, "--limit", "1", *(("--after", after) if after else ()))
        pages += by_id(page)
        if (after := page["next"]) is None:
            break
    assert sorted(pages) == by_id(narrowed)


def test_diff_heading_says_the_filters(cli, sample_store) -> None:  # type: ignore[no-untyped-def]
    printed = cli.ok("diff", "--from", "2023", "--to", "2025", "--partner", "japan", "--kind", "meeting").stdout
    assert printed.startswith("Knowledge diff with Japan, of kind meeting: 2023-12-31 → 2025-12-31\n")
    refused = cli("diff", "--recorded-from", "2024-01-01", "--kind", "meeting")
    assert refused.exit_code == 2 and "give either --from/--to" in refused.stderr


TARGETS = {
    "in/entities.yaml": """
organisations:
  - {id: jica, name: Japan International Cooperation Agency, kind: agency, aliases: [JICA]}
projects:
  - {id: metro, name: Metro Line 2}
  - {id: ring, name: Ring Road 4}
""",
    "in/facts.yaml": """
- {id: loan, kind: target, occurred: 2020-01-01, title: JICA loan for 10 km by 2030, projects: [metro],
   partners: [jica], target: metro-km, figures: [{metric: km, value: 10, unit: km, deadline: "2030"}],
   sources: [{outlet: VNA, language: en, reported: 2020-01-02}]}
- {id: city, kind: target, occurred: 2021-01-01, title: City aims at 5 stations by 2028, projects: [metro],
   target: metro-stations, figures: [{metric: stations, value: 5, deadline: "2028"}],
   sources: [{outlet: VNA, language: en, reported: 2021-01-02}]}
- {id: ring-jica, kind: target, occurred: 2022-01-01, title: Ring road design by 2025, projects: [ring],
   partners: [jica], target: ring-design, figures: [{metric: design, deadline: "2025"}],
   sources: [{outlet: VNA, language: en, reported: 2022-01-02}]}
""",
}


def test_targets_with_a_partner_are_those_stated_in_facts_naming_it(cli) -> None:  # type: ignore[no-untyped-def]
    for name, text in TARGETS.items():
        cli.write(name, text)
    cli.ok("ingest", "in", "--db", "t.db")

    def keys(*filters: str) -> list[str]:
        return sorted(t["key"] for t in cli.json("targets", "--db", "t.db", *filters)["targets"])

    assert keys() == ["metro-km", "metro-stations", "ring-design"]
    assert keys("--partner", "JICA") == ["metro-km", "ring-design"]
    assert keys("--partner", "jica", "--project", "metro") == ["metro-km"]
    assert keys("--partner", "jica", "--as-of", "2021-12-31") == ["metro-km"]
    printed = cli.ok("targets", "--db", "t.db", "--partner", "jica", "--project", "metro").stdout
    assert printed.startswith("Targets for Metro Line 2, with Japan International Cooperation Agency — as known now")


def test_who_since_until_lists_the_holders_attested_in_the_window(cli, sample_store) -> None:  # type: ignore[no-untyped-def]
    every = cli.json("who", "japan-ambassador-vietnam")["holders"]
    later = cli.json("who", "japan-ambassador-vietnam", "--since", "2023")["holders"]
    assert [h["person"]["id"] for h in later] == [h["person"]["id"] for h in every if h["last_attested"] >= "2023"]
    assert len(later) < len(every)
    printed = cli.ok("who", "japan-ambassador-vietnam", "--since", "2023").stdout
    assert printed.splitlines()[0] == "Ambassador of Japan to Vietnam — as known now, occurred 2023-01-01 to …"
    refused = cli("who", "japan-ambassador-vietnam", "--on", "2024-01-01", "--until", "2024")
    assert refused.exit_code == 2 and "give either --on" in refused.stderr

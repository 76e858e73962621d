"""`timeline stats`: counts per year by kind and per partner on the bundled sample, checked against numbers counted
here straight from the sample's YAML; canonical JSON; the rich tables (golden); `--plot` to SVG and PNG; errors.
Facts added here are invented test data, marked "(test data)", with example.org addresses.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from events.inputs import Fact
from projections.stats import TargetValue, fact_stats, target_values
from tests.conftest import SAMPLE, SAMPLE_FACTS
from tests.test_exports import with_test_facts
from timeline.present.canonical import canonical_json


def sample_facts() -> list[dict[str, Any]]:
    """The sample's facts as written (ids, not resolved aliases: the sample names entities by id)."""
    return [
        fact
        for path in sorted((SAMPLE / "facts").glob("*.yaml"))
        for fact in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]


def year_written(fact: dict[str, Any]) -> str:
    """The first year written in `occurred` ('../2024-07-02' → 2024, '2025?' → 2025)."""
    return re.search(r"\d{4}", fact["occurred"]).group()  # type: ignore[union-attr]


def per_year(pairs: list[tuple[str, str]]) -> dict[str, dict[str, int]]:
    counted: dict[str, Counter[str]] = {}
    for year, key in pairs:
        counted.setdefault(year, Counter())[key] += 1
    return {year: dict(counts) for year, counts in counted.items()}


def test_stats_counts_the_sample_per_year_by_kind(cli, sample_store):
    facts = sample_facts()
    counted = cli.json("stats")
    assert counted["facts"] == len(facts) == SAMPLE_FACTS
    assert counted["per_year_by_kind"] == per_year([(year_written(f), f["kind"]) for f in facts])
    assert counted["retracted_excluded"] == 0


def test_stats_counts_each_partner_a_fact_names_per_year(cli, sample_store):
    facts = sample_facts()
    counted = cli.json("stats")
    expected = per_year([(year_written(f), partner) for f in facts for partner in set(f.get("partners", ()))])
    assert counted["per_year_by_partner"] == expected
    assert counted["partners"]["japan"] == "Japan"
    assert list(counted["partners"]) == sorted(counted["partners"])  # canonical: sorted keys


def test_stats_as_of_counts_only_what_had_been_reported(cli, sample_store):
    counted = cli.json("stats", "--as-of", "2022-03-30")  # only VNA's report of 2022-03-24 was out
    assert counted["facts"] == 2
    assert counted["per_year_by_kind"] == {"2022": {"meeting": 1, "milestone": 1}}
    assert counted["as_of"] == "2022-03-30"


def test_stats_leave_out_retracted_facts_from_their_retraction_day(cli, sample_store):
    with_test_facts(cli)  # adds a 2026 meeting and a 2024 announcement retracted on 2024-02-01
    now = cli.json("stats")
    assert (now["facts"], now["retracted_excluded"]) == (SAMPLE_FACTS + 1, 1)
    assert "announcement" not in now["per_year_by_kind"]["2024"]
    assert now["per_year_by_kind"]["2026"] == {"meeting": 1}
    before = cli.json("stats", "--as-of", "2024-01-31")
    assert before["retracted_excluded"] == 0 and before["per_year_by_kind"]["2024"]["announcement"] == 1
    assert before["facts"] == 4  # the three of March 2022 and the announcement; nothing of 2025 was out yet
    assert "4 facts counted; 0 retracted facts excluded." in cli.ok("stats", "--as-of", "2024-01-31").stdout
    assert "1 retracted fact excluded." in cli.ok("stats").stdout


def test_stats_of_a_partner_or_a_project_count_only_their_facts(cli, sample_store):
    facts = sample_facts()
    guangzhou = cli.json("stats", "--partner", "Quảng Châu")
    assert guangzhou["partner"] == {"id": "guangzhou", "name": "Guangzhou"}
    assert guangzhou["facts"] == sum("guangzhou" in f.get("partners", ()) for f in facts) == 2
    rail = cli.json("stats", "--project", "hanoi-urban-rail")
    assert rail["facts"] == sum("hanoi-urban-rail" in f.get("projects", ()) for f in facts) == 4
    assert set(rail["targets"]) == {
        "hanoi-urban-rail-km-2030",
        "hanoi-urban-rail-lines-2045",
        "hanoi-urban-rail-prep-km-2030",
    }


def test_stats_json_is_canonical_with_each_target_value_and_its_knowledge_date(cli, sample_store):
    printed = cli.ok("stats", "--json").stdout
    parsed = json.loads(printed)
    assert printed == canonical_json(parsed) + "\n"
    assert parsed["targets"]["hanoi-urban-rail-km-2030"] == [
        {"known": "2025-12-31", "value": 96.8, "unit": "km", "fact": "hanoi-urban-rail-96-8-km-2030"}
    ]
    assert "nhsc-major-items-2023" not in parsed["targets"]  # a target that is only a deadline has no value


def test_stats_table_on_the_sample(cli, sample_store, golden):
    golden("stats-sample.txt", cli.ok("stats").stdout)


def test_stats_with_nothing_reported_says_so(cli, sample_store):
    assert cli.ok("stats", "--as-of", "2000-01-01").stdout == (
        "Facts per year — as of 2000-01-01\nNo facts had been reported; 0 retracted facts excluded.\n"
    )


# Target values over restatements (the pure function) ------------------------------------------------------------


def target_fact(fact_id: str, value: float, *sources: dict[str, Any]) -> Fact:
    return Fact.model_validate(
        {
            "id": fact_id,
            "kind": "target",
            "occurred": "2024",
            "title": f"{fact_id} (test data)",
            "target": "rail-km",
            "figures": [{"metric": "urban railway", "value": value, "unit": "km"}],
            "sources": list(sources),
        }
    )


def source(day: str, **differs: Any) -> dict[str, Any]:
    return {
        "outlet": "Example News",
        "language": "en",
        "reported": day,
        "url": "https://example.org/t",
        "differs": differs,
    }


def test_target_values_follow_restatements_and_sources_in_knowledge_order():
    first = target_fact("rail-first", 10.0, source("2024-01-05"))
    revised = target_fact(
        "rail-revised",
        12.0,
        source("2024-06-01"),
        source("2024-09-01", figures=[{"metric": "urban railway", "value": 13.0, "unit": "km"}]),
    )
    values = target_values([revised, first])
    assert values == {
        "rail-km": (
            TargetValue(date(2024, 1, 5), 10.0, "km", "rail-first"),
            TargetValue(date(2024, 6, 1), 12.0, "km", "rail-revised"),
            TargetValue(date(2024, 9, 1), 13.0, "km", "rail-revised"),
        )
    }
    assert [v.value for v in target_values([revised, first], date(2024, 8, 31))["rail-km"]] == [10.0, 12.0]


def test_fact_counts_a_range_target_at_its_midpoint_and_a_fact_in_its_start_year():
    ranged = Fact.model_validate(
        {
            "id": "share",
            "kind": "target",
            "occurred": "2023-12/2024-02",
            "title": "A share (test data)",
            "target": "share",
            "figures": [{"metric": "share", "value": [50.0, 55.0], "unit": "%"}],
            "sources": [source("2024-03-01")],
        }
    )
    counted = fact_stats([ranged])
    assert counted.by_kind == {2023: {"target": 1}}
    assert counted.targets["share"][0].value == 52.5


# --plot --------------------------------------------------------------------------------------------------------


def test_plot_writes_a_parseable_svg_naming_the_partners_and_targets(cli, sample_store):
    assert "Plot written to counts.svg." in cli.ok("stats", "--plot", "counts.svg").stdout
    svg = Path("counts.svg").read_text(encoding="utf-8")
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = " ".join("".join(element.itertext()) for element in root.iter("{http://www.w3.org/2000/svg}text"))
    for name in ("Japan", "Guangzhou", "Sumitomo Corporation", "hanoi-urban-rail-km-2030 (km)", "96.8 km"):
        assert name in texts
    cli.ok("stats", "--plot", "again.svg")
    assert Path("again.svg").read_bytes() == Path("counts.svg").read_bytes()  # deterministic


def test_plot_writes_a_real_png_and_json_still_prints_alone(cli, sample_store):
    printed = cli.ok("stats", "--plot", "counts.png", "--json").stdout
    assert json.loads(printed)["facts"] == SAMPLE_FACTS
    head = Path("counts.png").read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    assert (width, height) == (1000, 800)
    cli.ok("stats", "--plot", "again.png")
    assert Path("again.png").read_bytes() == Path("counts.png").read_bytes()


@pytest.mark.parametrize(
    "path, message",
    [
        ("counts.pdf", "error: --plot: 'counts.pdf' must end in .svg or .png"),
        ("no-such-dir/counts.svg", "error: --plot: cannot write 'no-such-dir/counts.svg': No such file or directory"),
    ],
)
def test_plot_to_an_unusable_path_fails_with_one_line(cli, sample_store, path, message):
    result = cli("stats", "--plot", path)
    assert result.exit_code == 2
    assert result.stderr == message + "\n"
    assert result.stdout == "" and "Traceback" not in result.output
    assert not Path(path).exists()


def test_help_does_not_load_the_plotting_library():
    """matplotlib is imported by --plot alone, so that every command starts fast."""
    probe = (
        "import sys, cli\n"
        "for args in (['--help'], ['stats', '--help']):\n"
        "    cli.main(args, standalone_mode=False)\n"
        "print(sorted(m for m in ('matplotlib', 'timeline.present.plots') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert "--plot TEXT" in run.stdout
    assert run.stdout.splitlines()[-1] == "[]"


def test_a_plot_of_many_targets_draws_the_most_restated_in_key_order_and_says_how_many_it_left_out():
    """A whole store states thousands of targets: a line and a label per value each made the figure grow with
    the store (3.5 KiB a fact) and unreadable; the plot draws TOP_TARGETS of them and its title says so."""
    from timeline.present.plots import TOP_TARGETS, draw, drawn_targets
    from timeline.present.result_views import StatsView

    def line(n: int, key: str) -> tuple[TargetValue, ...]:
        return tuple(TargetValue(date(2020, 1, 1 + i), float(i), "km", f"{key}-{i}") for i in range(n))

    values = {f"t{i:02d}": line(1 + (i * 7) % 5, f"t{i:02d}") for i in range(TOP_TARGETS + 5)}
    drawn = drawn_targets(values)
    ranked = sorted(values, key=lambda key: (-len(values[key]), key))
    assert list(drawn) == sorted(ranked[:TOP_TARGETS])
    assert drawn_targets(dict(list(values.items())[:TOP_TARGETS])) == dict(list(values.items())[:TOP_TARGETS])
    stats = fact_stats([])
    view = StatsView(None, None, None, replace(stats, targets=values), {})
    title = draw(view).axes[1].get_title()
    assert title.endswith(f"({TOP_TARGETS} of {TOP_TARGETS + 5} targets: the most restated)")

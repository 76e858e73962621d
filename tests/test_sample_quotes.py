"""The bundled sample dataset quotes its sources faithfully.

Every `quote` in timeline/sample/facts/*.yaml must be a verbatim substring of one of the seed articles
in ../shared/seeds (relative to the repository), and every fact must carry at least one quoted source.
Plain YAML loading only: no project imports.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import STORE_FREE

pytestmark = STORE_FREE

REPO = Path(__file__).resolve().parents[1]
FACTS_DIR = REPO / "timeline" / "sample" / "facts"
SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"


class _NoTimestampLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings (no implicit timestamp resolution)."""


_NoTimestampLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _fact_files() -> list[Path]:
    return sorted(p for p in FACTS_DIR.iterdir() if p.suffix in {".yaml", ".yml"})


def _load_facts() -> list[tuple[str, dict]]:
    facts: list[tuple[str, dict]] = []
    for path in _fact_files():
        with path.open(encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=_NoTimestampLoader)
        if isinstance(data, dict):
            data = data.get("facts", [])
        for fact in data or []:
            facts.append((path.name, fact))
    return facts


def _seed_texts() -> list[str]:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed articles not available at {SEEDS_DIR}")
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.iterdir()) if p.is_file()]
    if not texts:
        pytest.skip(f"no seed articles in {SEEDS_DIR}")
    return texts


def test_sample_dataset_has_fact_files():
    assert _fact_files(), f"no fact files in {FACTS_DIR}"
    assert _load_facts(), "the sample fact files hold no facts"


def test_every_fact_has_at_least_one_quoted_source():
    unquoted = [
        f"{name}: {fact.get('id')}"
        for name, fact in _load_facts()
        if not any(isinstance(s, dict) and s.get("quote") for s in fact.get("sources") or [])
    ]
    assert not unquoted, "facts without a quoted source:\n" + "\n".join(unquoted)


def test_every_sample_quote_is_verbatim_in_a_seed_article():
    texts = _seed_texts()
    missing = []
    for name, fact in _load_facts():
        for source in fact.get("sources") or []:
            quote = source.get("quote")
            if quote and not any(quote in text for text in texts):
                missing.append(f"{name}: {fact.get('id')} [{source.get('outlet')}]: {quote!r}")
    assert not missing, "quotes not found verbatim in any seed article:\n" + "\n".join(missing)


def test_every_figure_as_written_is_verbatim_in_a_seed_article():
    texts = _seed_texts()
    missing = []
    for name, fact in _load_facts():
        for figure in fact.get("figures") or []:
            written = figure.get("as_written")
            if written and not any(written in text for text in texts):
                missing.append(f"{name}: {fact.get('id')}: {written!r}")
    assert not missing, "as_written strings not found verbatim in any seed article:\n" + "\n".join(missing)


def test_sample_dates_are_quoted_strings():
    # Plain safe_load here: an unquoted 2022-03-23 would become a date, an unquoted 2030 an int.
    bad = []
    for path in _fact_files():
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        if isinstance(data, dict):
            data = data.get("facts", [])
        for fact in data or []:
            bad += _unquoted_dates(path.name, fact)
    assert not bad, "dates must be quoted strings:\n" + "\n".join(bad)


def _unquoted_dates(name: str, fact: dict) -> list[str]:
    dates = [("occurred", fact.get("occurred"))]
    dates += [("reported", s.get("reported")) for s in fact.get("sources") or []]
    for figure in fact.get("figures") or []:
        dates += [(k, figure[k]) for k in ("deadline", "vision") if k in figure]
    return [f"{name}: {fact.get('id')} {k}={v!r}" for k, v in dates if not isinstance(v, str)]

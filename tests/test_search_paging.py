"""Search pages are slices of one order, whatever the store's size: the window of the newest matches ranked by
relevance, then the older text matches newest first, then the facts matching by an entity's name only, by id
(timeline/service/text_search.py). Real stores (SQLite file, or the PostgreSQL server of the test run); the
window is made small so that a few dozen facts reach past it."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.chronology import Window
from projections.selection import Filters
from timeline.present.result_views import SearchView
from timeline.service import Store, text_search

ENTITIES = [
    {"entity": "project", "id": "quay", "name": "Quay Works"},
    {"entity": "project", "id": "pier", "name": "Pier Project", "merged": {"into": "quay", "on": "2021"}},
    {"entity": "organisation", "id": "port", "name": "Harbour Authority", "kind": "agency"},
    {
        "entity": "organisation",
        "id": "old-port",
        "name": "Old Port Board",
        "kind": "agency",
        "aliases": ["Harbour Board"],
        "merged": {"into": "port", "on": "2021"},
    },  # fmt: skip
    {"entity": "organisation", "id": "city", "name": "City Council", "kind": "city"},
]


def facts(count: int, seed: int) -> list[dict[str, Any]]:
    """Facts saying 'harbour' 0-3 times in the title (0: found only by naming the Harbour Authority or Board),
    sometimes 'harbours' in the summary, over twenty years, some reported late and some retracted."""
    rng = random.Random(seed)
    found = []
    for i in range(count):
        year = rng.randint(2005, 2022)
        fact: dict[str, Any] = {
            "id": f"f{i:04d}",
            "kind": rng.choice(["meeting", "announcement", "agreement"]),
            "occurred": f"{year}-{rng.randint(1, 12):02d}",
            "title": " ".join(["Harbour"] * rng.randint(0, 3) + ["works", "report", str(i)]),
            "projects": [rng.choice(["quay", "pier"])],
            "partners": rng.sample(["port", "old-port", "city"], rng.randint(0, 2)),
            "sources": [{"outlet": "VNA", "language": "en", "reported": f"{year + rng.randint(0, 2)}-06-01"}],
        }
        if rng.random() < 0.3:
            fact["summary"] = "Two harbours"
        if rng.random() < 0.15:
            fact["retracted"] = {"on": "2025-01-01", "reason": "withdrawn"}
        found.append(fact)
    return found


def ingest(root: Path, count: int, seed: int) -> str:
    root.mkdir(parents=True, exist_ok=True)
    (root / "entities.jsonl").write_text("".join(json.dumps(e) + "\n" for e in ENTITIES), encoding="utf-8")
    (root / "facts.jsonl").write_text("".join(json.dumps(f) + "\n" for f in facts(count, seed)), encoding="utf-8")
    db = str(root / "t.db")
    with Store(db, create=True) as store:
        store.ingest([root / "entities.jsonl", root / "facts.jsonl"])
    return db


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> str:
    return ingest(tmp_path_factory.mktemp("search-small"), 40, seed=3)


def hits(view: SearchView) -> list[tuple[int, str]]:
    return [(hit["rank"], hit["fact"]) for hit in view.to_json()["hits"]]


def paged(store: Store, words: str, filters: Filters, limit: int) -> tuple[list[tuple[int, str]], int]:
    """Every page of `limit` hits in turn, continued with `next`: the hits and the retracted ones not shown."""
    found, hidden, after = [], 0, 0
    while True:
        page = store.search(words, limit=limit, filters=filters, after=after)
        assert len(page.hits) <= limit and page.after == after
        found += hits(page)
        hidden += page.hidden_retracted
        if page.next is None:
            return found, hidden
        assert page.next == after + limit and len(page.hits) == limit
        after = page.next


def test_pages_are_slices_of_one_order_when_matches_outnumber_the_candidates(tmp_path: Path) -> None:
    # More matches than any candidate cap: the unpaged answer ranks them all, and every page is its slice (the old
    # code ranked the newest 100 for the first page and more for later ones: facts came twice or never).
    db = ingest(tmp_path / "large", 260, seed=11)
    with Store(db) as store:
        whole = store.search("harbour", limit=1000)
        assert whole.next is None and len(whole.hits) > 150
        for limit in (20, 7):
            found, hidden = paged(store, "harbour", Filters(), limit)
            assert found == hits(whole)
            assert hidden == whole.hidden_retracted  # each retracted match counted once, on the page it falls in


PAGING = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FILTERS = st.builds(
    Filters,
    as_of=st.sampled_from([None, date(2012, 1, 1), date(2021, 6, 1), date(2026, 1, 1)]),
    window=st.sampled_from([Window(), Window(date(2010, 1, 1), None), Window(date(2008, 1, 1), date(2015, 12, 31))]),
    kinds=st.sampled_from([(), ("meeting",), ("announcement", "agreement")]),
    project=st.sampled_from([None, "quay", "pier"]),
    partner=st.sampled_from([None, "port", "old-port"]),
    include_retracted=st.booleans(),
)
WORDS = st.sampled_from(["harbour", "harb", "works report", "harbour board", "port", "two harbours", "report 1"])


@PAGING
@given(
    words=WORDS,
    filters=FILTERS,
    limit=st.integers(1, 6),
    window=st.integers(1, 5),
    naming=st.integers(1, 4),
    batch=st.integers(1, 4),
    entities=st.integers(1, 3),
    scoped=st.sampled_from([0, 5, 10**6]),
    few=st.sampled_from([0, 10**6]),
)
def test_concatenated_pages_of_any_size_are_the_unpaged_hits(
    small: str,
    words: str,
    filters: Filters,
    limit: int,
    window: int,
    naming: int,
    batch: int,
    entities: int,
    scoped: int,
    few: int,
) -> None:
    sizes = {"WINDOW": window, "NAMING": naming, "BATCH": batch, "ENTITIES": entities, "SCOPED": scoped, "FEW": few}
    with Store(small) as store, patch.multiple(text_search, **sizes):
        whole = store.search(words, limit=1000, filters=filters)
        assert paged(store, words, filters, limit) == (hits(whole), whole.hidden_retracted)
        with patch.object(text_search, "SCOPED", -1):  # past the window every match read, whatever the scope
            assert hits(store.search(words, limit=1000, filters=filters)) == hits(whole)
        with patch.multiple(text_search, WINDOW=10**6, NAMING=10**6):  # every match ranked: the same hits
            ranked = store.search(words, limit=1000, filters=filters)
    assert sorted(fact for _, fact in hits(whole)) == sorted(fact for _, fact in hits(ranked))
    assert whole.hidden_retracted == ranked.hidden_retracted


@PAGING
@given(words=WORDS, filters=FILTERS, window=st.integers(1, 5))
def test_filters_only_drop_hits_from_the_unfiltered_order(
    small: str, words: str, filters: Filters, window: int
) -> None:
    everything = Filters(filters.as_of, include_retracted=filters.include_retracted)
    with Store(small) as store, patch.multiple(text_search, WINDOW=window, NAMING=window, BATCH=2):
        unfiltered = [fact for _, fact in hits(store.search(words, limit=1000, filters=everything))]
        filtered = [fact for _, fact in hits(store.search(words, limit=1000, filters=filters))]
    assert [fact for fact in unfiltered if fact in filtered] == filtered


def test_past_the_window_text_matches_come_newest_first_then_entity_name_matches_by_id(small: str) -> None:
    def says_harbour(fact: dict[str, Any]) -> bool:
        return "harbour" in (fact["title"] + fact.get("summary", "")).lower()

    every = facts(40, seed=3)  # the fixture's facts, in the order ingested (ids in that order too)
    by_text = [fact["id"] for fact in reversed(every) if says_harbour(fact)]
    by_name = [fact["id"] for fact in every if not says_harbour(fact) and {"port", "old-port"} & set(fact["partners"])]
    window = {
        *by_text[:2],
        *sorted({*by_name, *by_text} & {f["id"] for f in every if set(f["partners"]) - {"city"}})[:2],
    }
    with Store(small) as store, patch.multiple(text_search, WINDOW=2, NAMING=2, BATCH=3):
        found = [
            hit.view.id for hit in store.search("harbour", limit=1000, filters=Filters(include_retracted=True)).hits
        ]
    assert sorted(found[: len(window)]) == sorted(window)
    assert found[len(window) :] == [i for i in by_text if i not in window] + [i for i in by_name if i not in window]
    assert len(by_text) > 5 and len(by_name) > 5


def test_recorded_before_a_later_ingest_pages_as_the_store_of_the_first_ingest_alone(tmp_path: Path) -> None:
    # The second ingest rewrites titles (some gain the word, some lose it), retracts one fact and adds new ones:
    # as recorded before it, the refolded facts take their old place in the order, the new ones none.
    first = facts(30, seed=5)
    second = [{**fact, "title": f"Harbour {fact['title']}" if i % 3 else fact["title"].replace("Harbour", "Pier")}
              for i, fact in enumerate(first) if i % 2]  # fmt: skip
    second[0] = {**second[0], "retracted": {"on": "2025-02-01", "reason": "withdrawn"}}
    second += facts(40, seed=6)[30:]
    whole = ingest(tmp_path / "whole", 30, seed=5)
    between = datetime.now(UTC)
    (tmp_path / "second.jsonl").write_text("".join(json.dumps(f) + "\n" for f in second), encoding="utf-8")
    with Store(whole, create=True) as store:
        store.ingest([tmp_path / "second.jsonl"])
    alone = ingest(tmp_path / "alone", 30, seed=5)
    for words in ("harbour", "harbour board", "pier"):
        with patch.multiple(text_search, WINDOW=3, NAMING=3, BATCH=2):
            with Store(whole, recorded_before=between) as then, Store(alone) as past:
                expected = hits(past.search(words, limit=1000))
                assert hits(then.search(words, limit=1000)) == expected and expected
                assert paged(then, words, Filters(), 4)[0] == expected
            with Store(whole) as now:
                assert hits(now.search(words, limit=1000)) != expected

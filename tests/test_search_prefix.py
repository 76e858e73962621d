"""The last word of a search is a prefix. On SQLite it is looked up in rm_vocabulary as the few indexed words it
begins (FTS5's own prefix query reads every row of every such word first): the matches are the same as FTS5's
prefix query finds, and the vocabulary holds every word the index holds, after corrections too."""

from __future__ import annotations

import re
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.text import fold
from projections.search import fact_texts
from timeline.service import Store, sample_paths
from timeline.storage.readmodels import queries
from timeline.storage.readmodels.search import TOP

CORRECTION = Path(__file__).resolve().parents[1] / "docs" / "examples" / "daily" / "correction.yaml"


@pytest.fixture(scope="module")
def corrected(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The sample, then a correction of one fact's text (words it no longer says stay in the vocabulary)."""
    db = str(tmp_path_factory.mktemp("prefix") / "t.db")
    with Store(db, create=True) as store:
        store.ingest(sample_paths())
    with Store(db, create=True) as store:
        store.ingest([CORRECTION])
    return db


def words_of_the_store(db: str) -> list[str]:
    with Store(db) as store:
        facts = store.read_models.fact_states(store.read_models.fact_ids()).values()
        return sorted({word for state in facts for word in re.findall(r"\w+", fold(" ".join(fact_texts(state.fact))))})


def matches(db: str, terms: list[str], expanded: bool) -> list[str]:
    with Store(db) as store:
        if expanded:
            found, _ = store.read_models.text_matches(terms, TOP, 1000)
        else:
            with patch.object(queries, "prefix_words", lambda db, term: None):
                found, _ = store.read_models.text_matches(terms, TOP, 1000)
    return [fact.id for _, fact in found]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_prefix_looked_up_in_the_vocabulary_matches_what_fts5s_prefix_query_matches(corrected, data) -> None:  # type: ignore[no-untyped-def]
    words = words_of_the_store(corrected)
    word = data.draw(st.sampled_from(words))
    prefix = word[: data.draw(st.integers(1, len(word)))]
    before = data.draw(st.lists(st.sampled_from(["ha", "noi", "smart", "city", "japan", "thanh"]), max_size=2))
    terms = [*dict.fromkeys(before), prefix] if prefix not in before else [prefix]
    assert matches(corrected, terms, expanded=True) == matches(corrected, terms, expanded=False)


@pytest.mark.sqlite_only("reads FTS5's own vocabulary")
def test_the_vocabulary_holds_every_word_the_full_text_index_holds(corrected) -> None:  # type: ignore[no-untyped-def]
    with Store(corrected) as store:
        connection = store.read_models.connection
        connection.execute("CREATE VIRTUAL TABLE temp.indexed USING fts5vocab(main, rm_fact_search, row)")
        indexed = {term for (term,) in connection.execute("SELECT term FROM temp.indexed")}
        vocabulary = {word for (word,) in connection.execute("SELECT word FROM rm_vocabulary")}
    assert indexed and indexed <= vocabulary
    assert set(words_of_the_store(corrected)) <= vocabulary


def test_a_prefix_no_word_begins_matches_nothing_and_a_common_one_still_matches(corrected) -> None:  # type: ignore[no-untyped-def]
    assert matches(corrected, ["zzzq"], expanded=True) == []
    assert matches(corrected, ["h"], expanded=True) == matches(corrected, ["h"], expanded=False) != []

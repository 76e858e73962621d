"""FTS5 on SQLite indexes the same words as when every text was folded in Python first (events.text.fold) and
tokenized by plain `unicode61`, though the tokenizer now folds Latin diacritics itself: the search answers, their
ranks and `verify` (which compares with PostgreSQL's words split from the text folded in Python) depend on it.
Checked against the SQLite library this Python links, for every character."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from events.text import fold
from timeline.storage.readmodels.schema import statements
from timeline.storage.readmodels.search import WORD, tokenizer_ready

VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
LETTERS = VIETNAMESE + VIETNAMESE.upper() + "bcfghjklmnpqrstvwxzBCDFGH0123456789 _-.,:'\"()\n\t"


def _indexed_words(texts: list[str], folded_in_python: bool = False) -> list[list[str]]:
    """The words the store's fact-search table indexes for each text, in order (its own CREATE statement); or
    with `folded_in_python`, those the table indexed before: the folded text, split by plain unicode61."""
    connection = sqlite3.connect(":memory:")
    create = next(s for s in statements("sqlite") if "rm_fact_search" in s)
    if folded_in_python:
        create = create.replace("unicode61 remove_diacritics 2", "unicode61")
    connection.execute(create)
    connection.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, rm_fact_search, instance)")
    prepare = fold if folded_in_python else tokenizer_ready
    connection.executemany(
        "INSERT INTO rm_fact_search (rowid, body) VALUES (?, ?)",
        [(number, prepare(text)) for number, text in enumerate(texts, 1)],
    )
    words: list[list[str]] = [[] for _ in texts]
    for doc, term, _ in connection.execute("SELECT doc, term, offset FROM temp.terms ORDER BY doc, offset"):
        words[doc - 1].append(term)
    connection.close()
    return words


def test_every_character_is_indexed_as_its_folded_words() -> None:
    texts = [f"Xq{chr(code)}qx" for code in range(0x10000) if not 0xD800 <= code < 0xE000]
    before = _indexed_words(texts, folded_in_python=True)
    differing = [(text, was, now) for text, was, now in zip(texts, before, _indexed_words(texts)) if was != now]
    assert differing == []
    assert sum(now != fold(text).split() for text, now in zip(texts, before)) < 100  # a few scripts' marks split


def test_folded_query_words_are_tokenized_as_before() -> None:
    """Query words are folded in Python (and so is text with a character the tokenizer is not trusted with)."""
    queries = [fold(f"Xq{chr(code)}qx") for code in range(0x20000) if not 0xD800 <= code < 0xE000]
    connection = sqlite3.connect(":memory:")
    for table, tokenizer in (("before", "unicode61"), ("now", "unicode61 remove_diacritics 2")):
        connection.execute(f"CREATE VIRTUAL TABLE {table} USING fts5(body, content='', tokenize='{tokenizer}')")
        connection.execute(f"CREATE VIRTUAL TABLE temp.{table}_terms USING fts5vocab(main, {table}, instance)")
        connection.executemany(f"INSERT INTO {table} (rowid, body) VALUES (?, ?)", enumerate(queries, 1))
    words = {
        table: connection.execute(f"SELECT doc, term, offset FROM temp.{table}_terms ORDER BY doc, offset").fetchall()
        for table in ("before", "now")
    }
    assert words["before"] == words["now"]


def test_vietnamese_text_skips_the_python_fold_and_keeps_its_words() -> None:
    text = "Đường sắt Bắc–Nam: Hà Nội đến TP. Hồ Chí Minh (ĐƯỜNG Ổ ĐẮK LẮK) ½ œuvre"
    assert tokenizer_ready(text) != fold(text)  # left to the tokenizer, but for đ, ½, œ
    assert _indexed_words([text]) == [fold(text).split()] == [WORD.findall(fold(text))]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=LETTERS, max_size=40) | st.text(max_size=12), min_size=1, max_size=20))
def test_any_text_is_indexed_as_its_folded_words(texts: list[str]) -> None:
    assert _indexed_words(texts) == _indexed_words(texts, folded_in_python=True) == [fold(t).split() for t in texts]

"""Full-text search in each dialect: FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL (see sql/).

The words indexed are those of the folded text (`events.text.fold`: no case, no diacritics) in both dialects. On
PostgreSQL the text is folded in Python before it is stored. On SQLite FTS5's tokenizer (`unicode61
remove_diacritics 2`) folds Latin letters itself, in C: only the few it folds otherwise (đ, æ, ß, ², ...) are
replaced before insert, and a text with a character beyond the Latin blocks is folded in Python as before. Either
way FTS5 indexes exactly the words of the folded text (tests/test_search_folding.py compares them for every
character), so queries, ranks and `verify` are unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from events.text import fold, fold_character
from timeline.storage.database import Database

WORD = re.compile(r"\w+")  # a word as FTS5's unicode61 tokenizer sees one

# The entities whose names match a query, best first (by the full-text rank, then rowid), at most `?`.
ENTITIES_MATCHING = {
    "sqlite": "SELECT e.id, e.entity FROM (SELECT rowid, rank AS r FROM rm_entity_search WHERE rm_entity_search "
    "MATCH ?) hits JOIN rm_entities e ON e.rowid = hits.rowid ORDER BY hits.r, e.rowid LIMIT ?",
    "postgresql": "SELECT e.id, e.entity FROM (SELECT rowid, -ts_rank(words, q) AS r FROM rm_entity_search, "
    "to_tsquery('simple', ?) AS q WHERE words @@ q) hits JOIN rm_entities e ON e.rowid = hits.rowid "
    "ORDER BY hits.r, e.rowid LIMIT ?",
}

# The rowids of the facts whose text matches a query below a rowid, newest (highest rowid) first, at most `?`:
# FTS5 walks its index in rowid order and stops at the limit (no rank: ranking counts every match first).
TEXT_MATCHES = {
    "sqlite": "SELECT rowid FROM rm_fact_search WHERE rm_fact_search MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?",
    "postgresql": "SELECT rowid FROM rm_fact_search, to_tsquery('simple', ?) AS q WHERE words @@ q AND rowid < ? "
    "ORDER BY rowid DESC LIMIT ?",
}
TOP = 2**63 - 1  # above every rowid (both dialects' rowids are 64-bit integers)

# The Latin letters (and digits) that unicode61 with remove_diacritics 2 does not fold as `fold` does: letters
# without a decomposition (đ, ø, ł...), ligatures, ordinals, superscripts and fractions. A text with a character
# beyond the Latin blocks and the punctuation (U+0000-U+024F, U+1E00-U+1EFF, U+2000-U+2064: dashes, quotes, ...)
# is folded in Python.
UNFOLDED_LATIN = "ª²³¹º¼½¾ÆÐØßæðøĐđĲĳĿŀŁłŉŒœǄǅǆǇǈǉǊǋǌǠǡǢǣǮǯǱǲǳǼǽǾǿẚẞ"
_BEYOND_LATIN = re.compile("[^\x00-\u024f\u1e00-\u1eff\u2000-\u2064]")
_UNFOLDED = re.compile(f"[{UNFOLDED_LATIN}]")
_LATIN_FOLDS = {char: re.sub(r"[\W_]+", " ", fold_character(char)) for char in UNFOLDED_LATIN}


def tokenizer_ready(text: str) -> str:
    """The text FTS5 (unicode61, remove_diacritics 2) tokenizes into the words of `fold(text)`. (A regular
    expression replaces the few letters: `str.translate` costs about five times as much on Vietnamese text.)"""
    if text.isascii():
        return text
    if _BEYOND_LATIN.search(text):
        return fold(text)
    return _UNFOLDED.sub(_folded_letter, text)


def _folded_letter(found: re.Match[str]) -> str:
    return _LATIN_FOLDS[found.group()]


def match_query(dialect: str, terms: list[str], last: list[str] | None = None) -> str:
    """Every term, the last as a prefix (FTS5 phrases; PostgreSQL words joined by &); on SQLite with `last`, the
    last term as any of these words instead (`prefix_words`: those it begins)."""
    if dialect == "sqlite":
        if last is not None:
            either = " OR ".join(f'"{word}"' for word in last)
            return " AND ".join([*(f'"{term}"' for term in terms[:-1]), f"({either})"])
        return " ".join(f'"{term}"' for term in terms[:-1]) + f' "{terms[-1]}"*'
    words = [word for term in terms for word in WORD.findall(term)]
    return " & ".join(words[:-1] + [f"{words[-1]}:*"]) if words else ""


PREFIX_WORDS = 32  # the most words a last (prefix) term is looked up as; beyond, FTS5 expands it itself


def prefix_words(db: Database, term: str) -> list[str] | None:
    """The indexed words (rm_vocabulary) that begin with the last term of a search on SQLite, when there are
    at most PREFIX_WORDS of them: FTS5 then reads only the rows it returns (a prefix query merges every row of
    every word it begins before the first). None: FTS5 expands the prefix."""
    if db.dialect != "sqlite" or not WORD.fullmatch(term):
        return None
    rows = db.execute(
        "SELECT word FROM rm_vocabulary WHERE word >= ? AND word < ? ORDER BY word LIMIT ?",
        (term, term + "\U0010ffff", PREFIX_WORDS + 1),
    ).fetchall()
    return [word for (word,) in rows] if len(rows) <= PREFIX_WORDS else None


def delete_search(db: Database, table: str, rows: list[tuple[int, str]]) -> None:
    """Unindex texts by rowid: FTS5's contentless tables are told the text that was indexed, to remove its words."""
    if db.dialect == "sqlite":
        rows = [(rowid, tokenizer_ready(text)) for rowid, text in rows]
        db.executemany(f"INSERT INTO {table} ({table}, rowid, body) VALUES ('delete', ?, ?)", rows)
    else:
        db.executemany(f"DELETE FROM {table} WHERE rowid=?", [(rowid,) for rowid, _ in rows])


def dumped(db: Database, table: str, owner: str) -> Iterator[tuple[str, str, int]]:
    """What a search table holds, as (id of the state indexed, word, its position) rows, the same in both dialects
    (`verify` compares a store with read models rebuilt on SQLite), streamed: on SQLite read from the index (a
    contentless table keeps no text), on PostgreSQL split from the text as FTS5 splits it."""
    if db.dialect == "sqlite":
        db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table}_terms USING fts5vocab(main, {table}, instance)")
        terms = f"SELECT o.id, v.term, v.offset FROM temp.{table}_terms v JOIN {owner} o ON o.rowid = v.doc"
        yield from ((state_id, term, at) for state_id, term, at in db.stream(terms))
        return
    for state_id, body in db.stream(f"SELECT o.id, s.body FROM {table} s JOIN {owner} o ON o.rowid = s.rowid"):
        yield from ((state_id, word, at) for at, word in enumerate(WORD.findall(body)))


def insert_search(db: Database, table: str, rows: list[tuple[int, str]]) -> None:
    """Index texts (as written: folded here) under their rowids."""
    if db.dialect == "sqlite":
        ready = [(rowid, tokenizer_ready(text)) for rowid, text in rows]
        db.executemany(f"INSERT INTO {table} (rowid, body) VALUES (?, ?)", ready)
        if table == "rm_fact_search" and ready:
            _add_words(db, ready)
    else:
        folded = [(rowid, fold(text)) for rowid, text in rows]
        db.executemany(
            f"INSERT INTO {table} (rowid, body, words) VALUES (?, ?, to_tsvector('simple', ?))",
            [(rowid, body, " ".join(WORD.findall(body))) for rowid, body in folded],
        )


def _add_words(db: Database, ready: list[tuple[int, str]]) -> None:
    """Add the words of these texts to rm_vocabulary, as FTS5 splits them: the texts go through a scratch FTS5
    table with the same tokenizer (no positions kept: about as fast again as indexing them) and its vocabulary."""
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.rm_new_text USING fts5(body, content='', detail=none, "
        "columnsize=0, tokenize='unicode61 remove_diacritics 2')"
    )
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.rm_new_words USING fts5vocab(temp, rm_new_text, row)")
    db.executemany("INSERT INTO temp.rm_new_text (rowid, body) VALUES (?, ?)", ready)
    db.execute("INSERT OR IGNORE INTO rm_vocabulary (word) SELECT term FROM temp.rm_new_words")
    db.execute("INSERT INTO temp.rm_new_text (rm_new_text) VALUES ('delete-all')")

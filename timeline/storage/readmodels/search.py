"""Full-text search in each dialect: FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL (see sql/)."""

from __future__ import annotations

import re

from timeline.storage.database import Database

WORD = re.compile(r"\w+")  # a word as FTS5's unicode61 tokenizer sees one

# Rows of a search table matching a query, with a rank that sorts best first.
MATCHING = {
    "sqlite": "SELECT rowid, rank AS r FROM {table} WHERE {table} MATCH ?",
    "postgresql": "SELECT rowid, -ts_rank(words, q) AS r FROM {table}, to_tsquery('simple', ?) AS q WHERE words @@ q",
}

# The newest rows of a search table matching a query (no rank: ranking counts every match first), at most `?`.
NEWEST = {
    "sqlite": "SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?",
    "postgresql": "SELECT rowid FROM {table}, to_tsquery('simple', ?) AS q WHERE words @@ q "
    "ORDER BY rowid DESC LIMIT ?",
}


def match_query(dialect: str, terms: list[str]) -> str:
    """Every term, the last as a prefix (FTS5 phrases; PostgreSQL words joined by &)."""
    if dialect == "sqlite":
        return " ".join(f'"{term}"' for term in terms[:-1]) + f' "{terms[-1]}"*'
    words = [word for term in terms for word in WORD.findall(term)]
    return " & ".join(words[:-1] + [f"{words[-1]}:*"]) if words else ""


def delete_search(db: Database, table: str, rows: list[tuple[int, str]]) -> None:
    """Unindex texts by rowid: FTS5's contentless tables are told the text that was indexed, to remove its words."""
    if db.dialect == "sqlite":
        db.executemany(f"INSERT INTO {table} ({table}, rowid, body) VALUES ('delete', ?, ?)", rows)
    else:
        db.executemany(f"DELETE FROM {table} WHERE rowid=?", [(rowid,) for rowid, _ in rows])


def dumped(db: Database, table: str, owner: str) -> list[tuple[str, str, int]]:
    """What a search table holds, as (id of the state indexed, word, its position) rows, the same in both dialects
    (`verify` compares a store with read models rebuilt in memory on SQLite): on SQLite read from the index (a
    contentless table keeps no text), on PostgreSQL split from the text as FTS5 splits it."""
    if db.dialect == "sqlite":
        db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table}_terms USING fts5vocab(main, {table}, instance)")
        query = f"SELECT o.id, v.term, v.offset FROM temp.{table}_terms v JOIN {owner} o ON o.rowid = v.doc"
        return db.execute(query).fetchall()
    rows = db.execute(f"SELECT o.id, s.body FROM {table} s JOIN {owner} o ON o.rowid = s.rowid")
    return [(state_id, word, at) for state_id, body in rows for at, word in enumerate(WORD.findall(body))]


def insert_search(db: Database, table: str, rows: list[tuple[int, str]]) -> None:
    """Index folded texts under their rowids."""
    if db.dialect == "sqlite":
        db.executemany(f"INSERT INTO {table} (rowid, body) VALUES (?, ?)", rows)
    else:
        db.executemany(
            f"INSERT INTO {table} (rowid, body, words) VALUES (?, ?, to_tsvector('simple', ?))",
            [(rowid, body, " ".join(WORD.findall(body))) for rowid, body in rows],
        )

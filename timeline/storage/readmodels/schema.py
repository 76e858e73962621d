"""The read-model tables: their SQL (package data, `sql/<dialect>.sql`), their names and version, and the
statements that create, drop and empty them."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from timeline.storage.database import Database

# Bump when the read-model tables or what they hold change: stores built by older code are then rebuilt on open.
READ_MODEL_VERSION = 13
TABLES = (
    "rm_facts",
    "rm_entities",
    "rm_aliases",
    "rm_mentions",
    "rm_office_days",
    "rm_knowledge",
    "rm_targets",
    "rm_fulfils",
    "rm_occurred",
    "rm_named_occurred",
    "rm_fact_search",
    "rm_entity_search",
    "rm_vocabulary",
    "rm_recorded",
)
SQL = Path(__file__).with_name("sql")  # package data: see pyproject's package-data
_COMMENT = re.compile(r"--[^\n]*")
_INDEX = re.compile(r"CREATE INDEX IF NOT EXISTS (\w+)")


@cache
def statements(dialect: str) -> tuple[str, ...]:
    """The statements creating every read-model table and index in a dialect ('sqlite' or 'postgresql')."""
    text = _COMMENT.sub("", (SQL / f"{dialect}.sql").read_text(encoding="utf-8"))
    return tuple(statement.strip() for statement in text.split(";") if statement.strip())


def create(db: Database) -> None:
    """Create the tables and indexes that are missing."""
    for statement in statements(db.dialect):
        db.execute(statement)


def recreate(db: Database) -> None:
    """Drop every read-model table (faster than deleting every row: FTS5 deletes row by row) and create them again,
    empty, at this code's version and log position 0."""
    for table in TABLES:
        db.execute(f"DROP TABLE IF EXISTS {table}")
    create(db)
    forget(db)


def forget(db: Database) -> None:
    """Empty every read model and start again from log position 0, at this code's read-model version."""
    for table in TABLES:
        db.execute(f"DELETE FROM {table}")
    db.execute("DELETE FROM rm_position")
    db.execute("INSERT INTO rm_position (name, position) VALUES ('schema', ?)", (READ_MODEL_VERSION,))


def secondary_indexes(dialect: str) -> dict[str, str]:
    """The statement creating each secondary index, by name: no write reads one (rows are replaced by primary
    key), so a bulk load drops them and builds each once at the end."""
    found = (_INDEX.match(statement) for statement in statements(dialect))
    return {match.group(1): match.string for match in found if match}

"""The index rows a fact or an entity contributes to the read models, derived from its folded state (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from events.dates import parse_edtf
from events.records import EntityRecord, Fact, Figure
from events.text import match_key
from projections.chronology import mentions
from projections.knowledge import reported_by
from projections.search import fact_texts

# The index tables of facts and their columns, all of them their primary key (rm_office_days: its first two).
FACT_COLUMNS = {
    "rm_mentions": ("entity_id", "role", "fact_id"),
    "rm_knowledge": ("fact_id", "day", "what"),
    "rm_office_days": ("office", "fact_id", "first", "last"),
    "rm_targets": ("key", "fact_id"),
    "rm_fulfils": ("key", "fact_id"),
    "rm_occurred": ("start", "stop", "fact_id"),
    "rm_named_occurred": ("entity_id", "role", "start", "stop", "fact_id"),
}
# The roles whose facts are read in occurred order, a page or a window at a time (rm_named_occurred).
NAMED_IN_ORDER = ("project", "partner", "person", "office")


def fact_rows(facts: Iterable[Fact]) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of each index table that these facts hold."""
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in FACT_COLUMNS}
    for fact in facts:
        named = mentions(fact)
        rows["rm_mentions"] += [(entity, role, fact.id) for role, ids in named.items() for entity in ids]
        rows["rm_knowledge"] += [(fact.id, day, what) for day, what in knowledge_days_of(fact)]
        rows["rm_office_days"] += [(office, fact.id, *days) for office, days in office_days(fact).items()]
        rows["rm_targets"] += [(key, fact.id) for key in keys_of(fact, "target")]
        rows["rm_fulfils"] += [(key, fact.id) for key in keys_of(fact, "fulfils")]
        keys = occurred_keys(fact)
        rows["rm_occurred"] += [(*key, fact.id) for key in keys]
        rows["rm_named_occurred"] += [
            (entity, role, *key, fact.id) for role in NAMED_IN_ORDER for entity in named[role] for key in keys
        ]
    return rows


def office_days(fact: Fact) -> dict[str, tuple[str, str]]:
    """Per office the fact names (in any statement), the first and last day it can attest a holder."""
    main = (fact.occurred, [role.office for role in fact.people if role.office])
    statements = [main] if main[1] else []
    for source in fact.sources:
        if source.differs and ("people" in source.differs or "occurred" in source.differs):
            people = source.differs.get("people")
            offices = main[1] if people is None else [role["office"] for role in people if role.get("office")]
            statements.append((source.differs.get("occurred", fact.occurred), offices))
    spans: dict[str, tuple[str, str]] = {}
    for occurred_text, offices in statements:
        occurred = parse_edtf(occurred_text)
        last = occurred.upper_or_max.isoformat()
        first = last if occurred.lower is None else occurred.lower.isoformat()  # "by D" attests D only
        for office in offices:
            old_first, old_last = spans.get(office, (first, last))
            spans[office] = (min(old_first, first), max(old_last, last))
    return spans


def knowledge_days_of(fact: Fact) -> set[tuple[str, str]]:
    """The days on which what the record says about the fact can change (see rm_knowledge)."""
    days = {(reported_by(source).isoformat(), "source") for source in fact.sources}
    if fact.retracted is not None:
        days.add((parse_edtf(fact.retracted.on).lower_or_min.isoformat(), "retraction"))
    if fact.kind == "target":
        figures = [
            *fact.figures,
            *(Figure.model_validate(f) for s in fact.sources for f in s.differs.get("figures", ())),
        ]
        deadlines = [parse_edtf(f.deadline).upper_or_max for f in figures if f.deadline]
        days.update(((day + timedelta(days=1)).isoformat(), "deadline") for day in deadlines if day < date.max)
    return days


def occurred_keys(fact: Fact) -> set[tuple[int, int]]:
    """The sort keys of every occurred date the fact can show (its main values' and each source's that differs):
    the rows of rm_occurred."""
    dates = {fact.occurred, *(source.differs["occurred"] for source in fact.sources if "occurred" in source.differs)}
    return {parse_edtf(text).sort_key for text in dates}


def keys_of(fact: Fact, field: str) -> set[str]:
    """The target keys the fact states (`target`) or fulfils (`fulfils`), in any statement."""
    keys = {getattr(fact, field), *(source.differs.get(field) for source in fact.sources if source.differs)}
    keys.discard(None)
    return keys


def fact_search_text(fact: Fact) -> str:
    """The text a fact is found by, as written (search.py folds it for its dialect)."""
    return " ".join(fact_texts(fact))


def entity_names(record: EntityRecord) -> tuple[str, ...]:
    """Every name the entity goes by: its id, name, aliases and dated names."""
    return (record.id, record.name, *record.aliases, *(dated.name for dated in record.names))


def alias_rows(records: Iterable[EntityRecord]) -> list[tuple[str, str]]:
    """The rows of rm_aliases: each match key of each entity."""
    return [(key, record.id) for record in records for key in {match_key(name) for name in entity_names(record)}]


def entity_search_text(record: EntityRecord) -> str:
    """The text an entity is found by, as written (search.py folds it for its dialect)."""
    return " ".join((record.id.replace("-", " "), *entity_names(record)[1:]))

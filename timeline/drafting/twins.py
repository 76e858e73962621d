"""Twins: a drafted fact that matches a stored fact (same kind, dates within a day, a shared entity) is proposed
as a new source of the stored fact rather than as a new fact."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from timeline.drafting.facts import DraftFact
from timeline.drafting.stamps import parse_or_none


def _entities_of(fact: Any) -> set[str]:
    return {*fact.projects, *fact.partners, *(p.person for p in fact.people)}


def find_twins(facts: list[DraftFact], known: Iterable[Any]) -> None:
    """Mark each drafted fact that matches a stored fact: same kind, dates within a day, shared entities."""
    known = list(known)
    for fact in facts:
        mine = parse_or_none(fact.occurred)
        if mine is None or mine.lower is None or mine.precision != "day":
            continue
        entities = {*fact.projects, *fact.partners, *(p for p, _ in fact.people)}
        for other in known:
            theirs = parse_or_none(str(other.occurred))
            if theirs is None or theirs.lower is None or theirs.upper is None or other.kind != fact.kind:
                continue
            if theirs.upper - theirs.lower > timedelta(days=1):
                continue
            if abs((theirs.lower - mine.lower).days) > 1 or not (entities & _entities_of(other)):
                continue
            fact.twin_of = other.id
            break

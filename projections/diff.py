"""The knowledge diff: what the public record gained, changed or lost between two knowledge dates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from events.records import STATED_FIELDS, Fact, Source
from projections.knowledge import FactView, knowledge_days, view
from projections.targets import tracks_of_views


@dataclass(frozen=True, slots=True)
class ValueChange:
    fact: str
    field: str
    old: Any
    new: Any
    source: Source  # the source stating the new value


@dataclass(frozen=True, slots=True)
class KnowledgeDiff:
    since: date
    until: date
    reported: tuple[FactView, ...]  # facts first reported
    sources_added: tuple[tuple[str, Source], ...]
    changed: tuple[ValueChange, ...]
    retracted: tuple[tuple[str, str], ...]  # (fact, reason)
    targets: tuple[tuple[str, str | None, str], ...]  # (key, old state or None, new state)


def knowledge_diff(facts: Iterable[Fact], since: date, until: date, changed: set[str] | None = None) -> KnowledgeDiff:
    """Compare views of the facts on two dates; `changed` limits fact-level entries (targets use all facts).
    Each fact is viewed once per date, and once only when no knowledge day of it falls between the dates."""
    facts = sorted(facts, key=lambda fact: fact.id)
    olds, news = [], []
    for fact in facts:
        old = view(fact, since)
        olds.append(old)
        news.append(view(fact, until) if _changes_between(fact, since, until) else old)
    reported, added, values, retracted = [], [], [], []
    for fact, old, new in zip(facts, olds, news):
        if changed is not None and fact.id not in changed:
            continue
        if old is None and new is not None:
            reported.append(new)
        elif old is not None and new is None:
            reason = fact.retracted.reason if fact.retracted else "no longer visible"
            retracted.append((fact.id, reason))
        elif old is not None and new is not None and old is not new:
            known = {source.key() for source in old.fact.sources}
            added += [(fact.id, source) for source in new.fact.sources if source.key() not in known]
            for name in STATED_FIELDS:
                before, after = getattr(old.fact, name), getattr(new.fact, name)
                if before != after:
                    values.append(ValueChange(fact.id, name, _plain(before), _plain(after), new.latest_source))
    old_targets = {t.key: t.state for t in tracks_of_views(olds, since)}
    new_targets = {t.key: t.state for t in tracks_of_views(news, until)}
    targets = tuple(
        (key, old_targets.get(key), state)
        for key, state in sorted(new_targets.items())
        if old_targets.get(key) != state
    )
    return KnowledgeDiff(
        since,
        until,
        tuple(sorted(reported, key=lambda v: (v.occurred.sort_key, v.id))),
        tuple(added),
        tuple(values),
        tuple(retracted),
        targets,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return value


def _changes_between(fact: Fact, since: date, until: date) -> bool:
    """Whether what the record says about the fact can differ between the two dates (a view on `until` is then
    not the view on `since`)."""
    return any(since < day <= until for day in knowledge_days(fact))

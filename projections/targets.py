"""The target tracker: each target key's statements over time and its state on a knowledge date.

A target is set by its first statement and restated by later ones (facts of kind `target` sharing the key).
Its state on D: `met` when a visible milestone `fulfils` it; else `overdue` when the latest deadline ended
before D; else `revised` when a value or deadline changed since it was set; else `open`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from events.dates import parse_edtf
from events.records import Fact, Figure, Source
from projections.knowledge import FactView, view

TargetState = Literal["open", "revised", "met", "overdue"]


@dataclass(frozen=True, slots=True)
class Statement:
    fact: str
    stated: str  # EDTF occurred
    figures: tuple[Figure, ...]
    source: Source  # the latest visible source

    def terms(self) -> tuple[tuple[Any, str | None, str | None], ...]:
        return tuple((f.value, f.unit, f.deadline) for f in self.figures)


@dataclass(frozen=True, slots=True)
class TargetTrack:
    key: str
    statements: tuple[Statement, ...]
    state: TargetState
    met_by: tuple[str, str] | None  # (milestone fact, occurred)
    deadline: str | None

    @property
    def set_by(self) -> Statement:
        return self.statements[0]

    @property
    def revision(self) -> tuple[Statement, Statement] | None:
        first, last = self.statements[0], self.statements[-1]
        return (first, last) if first.terms() != last.terms() else None


def target_tracker(
    facts: Iterable[Fact], as_of: date | None, judged_on: date, keys: set[str] | None = None
) -> list[TargetTrack]:
    """Every target (or those in `keys`) as the record stood on `as_of`; a deadline before `judged_on` that no
    milestone met is overdue. The caller chooses the day (a fold reads no clock)."""
    return tracks_of_views((view(fact, as_of) for fact in facts), judged_on, keys)


def tracks_of_views(
    views: Iterable[FactView | None], judged_on: date, keys: set[str] | None = None
) -> list[TargetTrack]:
    """`target_tracker` of facts already viewed on the knowledge date (None: not visible then)."""
    statements: dict[str, list[tuple[tuple[Any, ...], Statement]]] = {}
    milestones: dict[str, list[tuple[tuple[Any, ...], str, str]]] = {}
    for seen in views:
        if seen is None:
            continue
        shown = seen.fact
        if shown.kind == "target" and shown.target and (keys is None or shown.target in keys):
            statement = Statement(shown.id, shown.occurred, shown.figures, seen.latest_source)
            statements.setdefault(shown.target, []).append(((seen.occurred.sort_key, shown.id), statement))
        if shown.fulfils:
            milestones.setdefault(shown.fulfils, []).append(
                ((seen.occurred.sort_key, shown.id), shown.id, shown.occurred)
            )
    tracks = []
    for key in sorted(statements):
        ordered = tuple(statement for _, statement in sorted(statements[key], key=lambda pair: pair[0]))
        deadlines = [f.deadline for f in ordered[-1].figures if f.deadline]
        deadline = max(deadlines, key=lambda d: parse_edtf(d).upper_or_max) if deadlines else None
        met = min(milestones[key], key=lambda m: m[0])[1:] if key in milestones else None
        state: TargetState
        if met:
            state = "met"
        elif deadline and parse_edtf(deadline).upper_or_max < judged_on:
            state = "overdue"
        elif ordered[0].terms() != ordered[-1].terms():
            state = "revised"
        else:
            state = "open"
        tracks.append(TargetTrack(key, ordered, state, met, deadline))
    return tracks

"""Exports: the facts (and the entities they need) selected for another tool, as the record stood on a day."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from events.dates import parse_edtf
from events.records import Fact
from projections.chronology import Window, mentions
from projections.knowledge import is_visible, view
from timeline.present.views import ExportSet

if TYPE_CHECKING:
    from timeline.service.store import Store


def export(
    store: Store,
    as_of: date | None = None,
    window: Window = Window(),
    project: str | None = None,
    partner: str | None = None,
) -> ExportSet:
    """The facts (and the entities they need) to export: as the record stood on `as_of` (sources reported by
    then; a retraction only if it applied by then), that overlap the window and name the project and the
    partner (as stated then). Without --project/--partner every entity is exported."""
    scope = [store.entity(ref, kind) for ref, kind in ((project, "project"), (partner, "organisation")) if ref]
    if scope:
        role = "project" if project else "partner"
        facts = store.read_models.facts_mentioning(scope[0].id, role, as_of)
    else:
        facts = [state.fact for state in store.read_models.fact_states(sorted(store.read_models.fact_ids())).values()]
    chosen: list[tuple[tuple[Any, ...], str, Fact]] = []
    for fact in facts:
        known = as_known(fact, as_of)
        if known is None:
            continue
        seen = view(known.model_copy(update={"retracted": None}), as_of)
        if seen is None or not seen.occurred.overlaps(window.since, window.until):
            continue
        if project and scope[0].id not in seen.fact.projects:
            continue
        if partner and scope[-1].id not in seen.fact.partners:
            continue
        chosen.append((seen.occurred.sort_key, known.id, known))
    chosen.sort(key=lambda item: item[:2])
    selected = [known for *_, known in chosen]
    every = store.read_models.entities()
    if scope:
        wanted = {e.id for e in scope}
        for fact in selected:
            wanted.update(*mentions(fact).values())
        by_id = {e.id: e for e in every}
        wanted.update(org for i in list(wanted) if i in by_id and (org := by_id[i].organisation))
        every = [e for e in every if e.id in wanted]
    return ExportSet(as_of, window, tuple(scope), tuple(selected), tuple(every))


# Maintenance -----------------------------------------------------------------------------------


def as_known(fact: Fact, as_of: date | None) -> Fact | None:
    """The fact as the record held it on `as_of`: only the sources reported by then, and its retraction only if
    it applied by then; None if no source was out yet. Ingested alone, it gives the same view on any day up to
    `as_of` as the full fact does."""
    if as_of is None:
        return fact
    sources = tuple(source for source in fact.sources if is_visible(source, as_of))
    if not sources:
        return None
    retracted = fact.retracted
    if retracted is not None and parse_edtf(retracted.on).lower_or_min > as_of:
        retracted = None
    if len(sources) == len(fact.sources) and retracted is fact.retracted:
        return fact
    return fact.model_copy(update={"sources": sources, "retracted": retracted})

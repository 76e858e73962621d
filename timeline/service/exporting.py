"""Exports: the facts (and the entities they need) selected for another tool, as the record stood on a day."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING

from events.dates import parse_edtf
from events.records import Fact
from projections.chronology import Window, mentions
from projections.knowledge import FactView, is_visible
from projections.selection import Filters
from timeline.occurred import InOrder, Reread, cursor_text
from timeline.present.result_views import ExportSet
from timeline.service.queries import scope_rows

if TYPE_CHECKING:
    from timeline.service.store import Store


def export(
    store: Store,
    as_of: date | None = None,
    window: Window = Window(),
    project: str | None = None,
    partner: str | None = None,
    after: str | None = None,
    limit: int | None = None,
    filters: Filters | None = None,
) -> ExportSet:
    """The facts (and the entities they need) to export: as the record stood on `as_of` (sources reported by
    then; a retraction only if it applied by then), that overlap the window and name the project and the
    partner (as stated then), in occurred order: `limit` of them after the fact `after` (all when None).
    Every entity comes with the whole export (or its first page) when there is no --project/--partner;
    otherwise, and on later pages, only the entities the facts name. The whole store is read as it is
    iterated (the store must stay open), never held. `filters`, when given, holds the knowledge date, the window,
    the project and partner and the kinds of fact (`--kind`)."""
    filters = filters or Filters(as_of, window, project=project, partner=partner)
    as_of, window, scope = filters.as_of, filters.window, store.scope(filters)
    rows = scope_rows(store, scope, window, as_of)  # facts as stored: the export rewrites no id, a merged one included

    def admits(fact: Fact, seen: FactView) -> bool:
        return seen.occurred.overlaps(window.since, window.until) and scope.admits(seen.fact)

    in_order = InOrder(store.read_models, as_of, rows)

    def chosen(paged: Iterable[Fact]) -> Iterator[Fact]:
        return (known for fact in paged if (known := as_known(fact, as_of)) is not None)

    if not scope.entities and after is None and limit is None:  # the whole store: streamed as it is written
        whole = Reread(lambda: chosen(in_order.page(None, None, None, admits)))
        return ExportSet(as_of, window, (), whole, tuple(store.read_models.entities()))
    paged = in_order.page(None, after, limit, admits)
    selected = list(chosen(paged))
    if scope.entities or after is not None:  # only the entities these facts name (and their offices' organisations)
        wanted = {e.id for e in scope.entities}.union(*(ids for fact in selected for ids in mentions(fact).values()))
        named = store.read_models.entity_states(wanted)
        organisations = {org for state in named.values() if (org := state.record.organisation)} - set(named)
        named.update(store.read_models.entity_states(organisations))
        every = [named[i].record for i in sorted(named)]
    else:
        every = store.read_models.entities()
    return ExportSet(as_of, window, scope.entities, tuple(selected), tuple(every), after, cursor_text(paged.next))


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

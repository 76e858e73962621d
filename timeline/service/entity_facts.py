"""The facts naming one entity (a project, a partner, a person) that the filters admit, in the order they occurred:
all of them (at most LISTED_AT_ONCE facts naming it), or a page of `limit` facts after the fact `after`, read as a
range of the index of the entity's facts by occurred date (rm_named_occurred), so that a page costs what it lists.

The window is served by the index itself (the rows of dates outside it are never read); with --project or
--partner the range read is that of whichever of them and the entity names the fewest facts (every fact of the
answer is in each). The index read also passes over the facts not reported by the knowledge date and those whose
stored state names none of the kinds asked for (a `Sieve`, before any state is decoded). The filters and
retractions are applied to the facts a page reads (a batch at a time, up to 500)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from events.records import EntityRecord, Fact
from projections.chronology import mentions
from projections.entities import MENTION_ROLE, follow_merges, one_with
from projections.knowledge import FactView
from projections.selection import Filters, Scope, Selected, select
from timeline.occurred import InOrder, cursor_text, index_window
from timeline.paging import at_most_a_page
from timeline.service.queries import facts_naming, merges, surviving
from timeline.storage.readmodels.pages import Sieve

if TYPE_CHECKING:
    from timeline.service.store import Store


@dataclass(frozen=True)
class EntityFacts:
    """An entity, the facts naming it that the filters admit (`chosen`), every fact read (for names), and with a
    page (`paged`) the cursor it continued after and the one to continue after (None at the end)."""

    record: EntityRecord
    chosen: Selected
    facts: list[Fact]
    paged: bool = False
    after: str | None = None
    next: str | None = None


NAMES: dict[str, Callable[[Fact, str], bool]] = {  # whether a fact (as stated) names the entity in its kind's role
    "project": lambda fact, entity: entity in fact.projects,
    "organisation": lambda fact, entity: entity in fact.partners,
    "person": lambda fact, entity: any(role.person == entity for role in fact.people),
}


def entity_facts(
    store: Store, ref: str, kind: str, filters: Filters, after: str | None = None, limit: int | None = None
) -> EntityFacts:
    """The entity of `kind` that `ref` names (or the one it was merged into by the knowledge date) and the facts
    naming it, or a record merged into it, that the filters admit as stated on the knowledge date."""
    role, merged = MENTION_ROLE[kind], merges(store, filters.as_of)
    record = surviving(store, ref, kind, merged)
    scope = store.scope(filters)

    def belongs(fact: Fact) -> bool:
        return NAMES[kind](fact, record.id) and scope.admits(fact)

    unpaged = limit is None and after is None
    held, root, role_read = _fewest(store, record, kind, scope, merged, unpaged)
    ids = one_with(root, merged)
    if unpaged:
        named = {record.id: record.name} | {entity.id: entity.name for entity in scope.entities}
        at_most_a_page(f"{held} facts naming {named[root]}", held)
        facts = [follow_merges(fact, merged) for fact in facts_naming(store, root, role_read, filters.as_of, merged)]
        return EntityFacts(record, select(facts, belongs, filters), facts)
    bounds, sieve = index_window(filters.window), Sieve(filters.as_of, scope.kinds)

    def rows(start: tuple[int, int, str] | None, size: int) -> list[tuple[int, int, str]]:
        return store.read_models.named_occurred_after(ids, role_read, start, size, bounds, sieve)

    def admits(fact: Fact, seen: FactView) -> bool:  # (retracted ones too: select counts those it hides)
        return seen.occurred.overlaps(filters.window.since, filters.window.until) and belongs(seen.fact)

    def member(fact: Fact) -> bool:  # named in any statement: a fact the entity's pages can end with
        return record.id in mentions(fact)[role]

    in_order = InOrder(store.read_models, filters.as_of, rows, merged, (f" naming {record.id}", member))
    paged = in_order.page(None, after, limit, admits)
    facts = list(paged)
    return EntityFacts(record, select(facts, belongs, filters), facts, True, after, cursor_text(paged.next))


def _fewest(
    store: Store, record: EntityRecord, kind: str, scope: Scope, merged: Mapping[str, str], unpaged: bool
) -> tuple[int, str, str]:
    """The index range the answer is read from, as how many facts it holds, an entity's id and its role: of the
    entity itself and of the project and partner the filters name (every fact of the answer names them too), the
    one holding the fewest facts. A person's unpaged answer reads the person's own (its offices come from every fact
    naming the person). A page with a single range to read does not count it (0)."""
    role = MENTION_ROLE[kind]
    ranges = [(record.id, role)]
    if not (unpaged and kind == "person"):
        ranges += [(scope.project, "project")] if scope.project and kind != "project" else []
        ranges += [(scope.partner, "partner")] if scope.partner and kind != "organisation" else []
    if len(ranges) == 1 and not unpaged:
        return 0, record.id, role
    counted = [(store.read_models.named_count(one_with(root, merged), named), root, named) for root, named in ranges]
    return min(counted, key=lambda range_: range_[0])

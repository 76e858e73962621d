"""Full-text search: the facts whose visible text has every word of a query (the last as a prefix), ranked."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from events.records import Fact
from events.text import fold
from projections.chronology import mentions
from projections.entities import MENTION_ROLE, one_with
from projections.search import snippet, text_score
from projections.selection import Filters, shown_view
from timeline.errors import InvalidOption
from timeline.present.result_views import SearchHit, SearchView

if TYPE_CHECKING:
    from timeline.service.store import Store


def search(
    store: Store,
    query: str,
    as_of: date | None = None,
    limit: int = 20,
    filters: Filters | None = None,
    after: int = 0,
) -> SearchView:
    """Facts whose visible text has every word (the last as a prefix), or that name an entity whose names
    do; ranked by how often the words occur, then date and id. FTS5 finds the candidates (the newest few
    hundred matches, so that a common word stays fast in a large store). The filters narrow the
    hits (as stated on the knowledge date); retracted facts are counted apart unless included. A page is the
    `limit` hits after the first `after`; candidates are capped by how far the page reaches."""
    filters = filters or Filters(as_of)
    terms = search_terms(query)
    scope, window = store.scope(filters), filters.window
    narrowed = scope.narrows or not window.is_open
    cap = max(100, (50 if narrowed else 5) * (after + limit))
    facts, entity_ids = store.read_models.search(terms, cap=cap)
    if entity_ids:
        facts, entity_ids = _one_with_matched(store, facts, entity_ids, filters.as_of, cap)
    scored, hidden = [], 0
    for fact in facts:
        seen, retracted = shown_view(fact, filters.as_of)
        if seen is None or not scope.admits(seen.fact) or not seen.occurred.overlaps(window.since, window.until):
            continue
        score = text_score(seen.fact, terms)
        if not score and not entity_ids & set().union(*mentions(seen.fact).values()):
            continue
        if retracted and not filters.include_retracted:
            hidden += 1
            continue
        scored.append((-score, seen.occurred.sort_key, seen.id, seen))
    scored.sort(key=lambda item: item[:3])
    hits = [SearchHit(seen, snippet(seen.fact, terms)) for *_, seen in scored[after : after + limit]]
    more = after + limit if len(scored) > after + limit else None
    return SearchView(query, filters.as_of, hits, hidden, scope, after, more)


def _one_with_matched(
    store: Store, facts: list[Fact], entity_ids: set[str], as_of: date | None, cap: int
) -> tuple[list[Fact], set[str]]:
    """The candidates and the entities whose names match, grown by the records that are one entity with a matched
    one on the knowledge date (merges) and by the facts naming them (up to `cap` for each)."""
    merged = store.merges(as_of)
    groups = {ref: one_with(merged.get(ref, ref), merged) for ref in entity_ids}
    groups = {ref: group for ref, group in groups.items() if len(group) > 1}
    if not groups:
        return facts, entity_ids
    found = {fact.id: fact for fact in facts}
    for ref, state in store.read_models.entity_states(groups).items():
        naming = store.facts_naming(merged.get(ref, ref), MENTION_ROLE[state.record.entity], as_of, merged)
        for fact in naming[:cap]:
            found.setdefault(fact.id, fact)
    return list(found.values()), entity_ids.union(*groups.values())


SEARCH_WORDS = 32  # distinct words in one search: each is matched and scored in every candidate's text


def search_terms(query: str) -> list[str]:
    """The query's distinct words in order, the last one (a prefix) last; at least one, at most SEARCH_WORDS."""
    words = fold(query).split()
    if not words:
        raise InvalidOption("search: give at least one word")
    terms = [word for word in dict.fromkeys(words) if word != words[-1]] + [words[-1]]
    if len(terms) > SEARCH_WORDS:
        raise InvalidOption(f"search: {len(terms)} different words; give at most {SEARCH_WORDS}")
    return terms

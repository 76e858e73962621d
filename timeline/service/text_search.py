"""Full-text search: the facts whose visible text has every word of a query (the last as a prefix), or that name
an entity whose names do, in one order for every page."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from events.records import Fact
from events.text import fold
from projections.chronology import mentions
from projections.entities import MENTION_ROLE, one_with
from projections.knowledge import FactView
from projections.search import snippet, text_score
from projections.selection import Filters, Scope, shown_view
from timeline.errors import InvalidOption
from timeline.present.result_views import SearchHit, SearchView
from timeline.storage.readmodels import chunks
from timeline.storage.readmodels.queries import Among
from timeline.storage.readmodels.search import TOP

if TYPE_CHECKING:
    from timeline.service.store import Store


# The order of hits (the same for every page, so that pages are slices of one sequence):
WINDOW = 100  # the newest text matches: ranked by relevance
NAMING = 20  # the first facts naming a matching entity (by id), ranked with them
ENTITIES = 100  # the entities whose names match best (by the full-text rank): the facts naming one are hits
BATCH = 200  # matches read at a time past the window
SCOPED = 20_000  # past the window, a search --project/--partner named by at most this many facts reads only theirs
FEW = 2_000  # ... and of at most this many, reads them without the full-text index (each: a lookup of its own)


def search(
    store: Store,
    query: str,
    as_of: date | None = None,
    limit: int = 20,
    filters: Filters | None = None,
    after: int = 0,
) -> SearchView:
    """Facts whose visible text has every word (the last as a prefix), or that name an entity whose names
    do, in one order whatever the page (`_ordered`). The filters narrow the hits (as stated on the knowledge
    date); retracted facts are counted apart unless included. A page is the `limit` hits after the first `after`:
    it reads the sequence up to the hit after it (to tell whether there are more), so a page costs what it
    reaches."""
    filters = filters or Filters(as_of)
    terms = search_terms(query)
    scope = store.scope(filters)
    judge = _Judge(terms, scope, filters, _named(store, terms, filters.as_of))
    ordered = _ordered(store.read_models, judge, _among(store, scope))
    hits, hidden, more = _page(ordered, after, limit, filters.include_retracted)
    found = [SearchHit(seen, snippet(seen.fact, terms)) for seen in hits]
    return SearchView(query, filters.as_of, found, hidden, judge.scope, after, after + limit if more else None)


@dataclass(frozen=True, slots=True)
class _Hit:
    key: tuple[int, tuple[int, int], str]  # rank in the window: -score, when it occurred, id
    seen: FactView
    retracted: bool


@dataclass(frozen=True, slots=True)
class _Judge:
    """Whether a fact, as stated on the knowledge date, is a hit: admitted by the filters, and its visible text
    has the words or it names (in the role of its kind) a matching entity or one that is one with it."""

    terms: list[str]
    scope: Scope
    filters: Filters
    named: dict[str, set[str]]  # role → the ids of matching entities (and of those one with them)

    def __call__(self, fact: Fact) -> _Hit | None:
        seen, retracted = shown_view(fact, self.filters.as_of)
        window = self.filters.window
        if seen is None or not self.scope.admits(seen.fact) or not seen.occurred.overlaps(window.since, window.until):
            return None
        score = text_score(seen.fact, self.terms)
        if not score:
            roles = mentions(seen.fact)
            if not any(ids & roles[role] for role, ids in self.named.items()):
                return None
        return _Hit((-score, seen.occurred.sort_key, seen.id), seen, retracted)


def _ordered(models: Any, judge: _Judge, among: Among | None) -> Iterator[_Hit]:
    """Every hit once, in one order: first the window (the WINDOW newest facts whose text matches, by rowid, and
    the first NAMING facts naming a matching entity, by id) ranked by relevance (word counts with the title
    three times, then date and id); then the older facts whose visible text matches, newest first; then the other
    facts that only name a matching entity, by id. Filters only drop hits: the order is theirs. Past the window,
    only the facts `among` (a small scope's, if any) are read."""
    newest, below = models.text_matches(judge.terms, TOP, WINDOW)
    first, after = models.facts_naming_after(judge.named, "", NAMING) if judge.named else ([], None)
    window = {fact.id: fact for _, fact in newest}
    for fact in first:
        window.setdefault(fact.id, fact)
    yield from sorted((hit for hit in map(judge, window.values()) if hit), key=lambda hit: hit.key)
    if among is not None and len(among.ids) <= FEW:
        yield from _few(models, judge, among, window, below is not None, after)
        return
    while below is not None:
        older, below = models.text_matches(judge.terms, below, BATCH, among)
        for _, fact in older:
            hit = None if fact.id in window else judge(fact)
            if hit and hit.key[0]:  # a fact matching by an entity's name only comes later, with the others
                yield hit
    while after is not None:
        facts, after = models.facts_naming_after(judge.named, after, BATCH, among)
        for fact in facts:
            hit = None if fact.id in window else judge(fact)
            if hit and not hit.key[0]:
                yield hit


def _few(
    models: Any, judge: _Judge, among: Among, window: dict[str, Fact], older: bool, after: str | None
) -> Iterator[_Hit]:
    """Past the window, from the facts of a small scope alone, the hits `_ordered` gives: a fact whose visible text
    has the words matches the full-text index (its text is indexed), one naming a matching entity is a fact naming
    it (rm_mentions); those in the window were given. The facts are read a batch at a time, in the order given."""
    judged: dict[str, _Hit | None] = {}

    def hits(ids: list[str]) -> Iterator[_Hit | None]:
        for batch in chunks(ids, BATCH):
            states = models.fact_states([i for i in batch if i not in judged])
            judged.update((i, judge(state.fact)) for i, state in states.items())
            yield from (judged.get(i) for i in batch)

    rest = [i for i in among.ids if i not in window]
    if older:  # text matches older than the window, newest first
        yield from (hit for hit in hits(sorted(rest, key=lambda i: -among.ids[i])) if hit and hit.key[0])
    if after is not None:  # facts naming a matching entity after those in the window, by id
        yield from (hit for hit in hits(sorted(i for i in rest if i > after)) if hit and not hit.key[0])


def _among(store: Store, scope: Scope) -> Among | None:
    """The facts naming the scope's project (else its partner), or a record one with it, when at most SCOPED."""
    if not (scope.project or scope.partner):
        return None
    role, root = ("project", scope.project) if scope.project else ("partner", scope.partner)
    return store.read_models.facts_naming_few(role, one_with(root, scope.merges), SCOPED)  # type: ignore[arg-type]


def _page(ordered: Iterable[_Hit], after: int, limit: int, include_retracted: bool) -> tuple[list[FactView], int, bool]:
    """The `limit` hits after the first `after`, the retracted ones left out between the page's first and last
    hit (all those left on the last page: the pages' counts add up), and whether more hits follow."""
    hits: list[FactView] = []
    hidden = later = shown = 0
    for hit in ordered:
        if hit.retracted and not include_retracted:
            if shown < after + limit:
                hidden += shown >= after
            else:
                later += 1
            continue
        if shown == after + limit:
            return hits, hidden, True
        if shown >= after:
            hits.append(hit.seen)
        shown += 1
    return hits, hidden + later, False


def _named(store: Store, terms: list[str], as_of: date | None) -> dict[str, set[str]]:
    """The ENTITIES whose names match best, with every record one with one of them on the knowledge date
    (merges), by the role in which a fact names an entity of their kind."""
    kinds = store.read_models.entities_matching(terms, ENTITIES)
    merged = store.merges(as_of) if kinds else {}
    named: dict[str, set[str]] = {}
    for ref, kind in kinds.items():
        named.setdefault(MENTION_ROLE[kind], set()).update(one_with(merged.get(ref, ref), merged))
    return named


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

"""Facts in the order they occurred, as the record stated it on a knowledge date, a page at a time.

The order is the one every unpaged answer sorts by: the occurred date's start (open first), the wider span
first, then the fact id. A page is cut by `limit` and continued after a fact id (the cursor): that fact's place
in the order is looked up again, so the next page starts right after it.

Without a scope the facts come from an index of fact states by occurred date, read a batch at a time after the
cursor: one row per date some statement of the fact gives (its main value, each source's `differs`). A fact is
taken at the row of the date it shows on the knowledge date, so it comes once, where an unpaged answer puts it,
and a page costs the rows it reads, not the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import Generic, TypeVar

from events.records import Fact
from projections.chronology import Window
from projections.knowledge import FactView, view
from timeline.errors import InvalidOption
from timeline.paging import Paged

T = TypeVar("T")
Key = tuple[int, int, str]  # the occurred date's sort key (start, -end) and the fact id
BATCH = 500  # index rows read at a time


def shown(fact: Fact, as_of: date | None) -> FactView | None:
    """The fact as stated on the knowledge date, retracted or not; None before its first source."""
    return view(fact.model_copy(update={"retracted": None}) if fact.retracted else fact, as_of)


def order_key(fact: Fact, seen: FactView) -> Key:
    return (*seen.occurred.sort_key, fact.id)


def cursor_text(cursor: str | int | None) -> str | None:
    """A page's cursor here: a fact id (None at the end)."""
    return None if cursor is None else str(cursor)


Admits = Callable[[Fact, FactView], bool]
ReadRows = Callable[[Key | None, int], list[Key]]  # the index rows after a row (from the first: None), at most so many


class InOrder:
    """The facts of a store (or of a scope, or of one entity) in occurred order as stated on `as_of`, after a
    cursor. `rows` reads the index rows to page through (those of every fact by default); facts are read with the
    surviving ids of the records merged into another (`follow`); a cursor must be a fact the answer can hold, which
    `member` tells (its text, such as " naming north-hanoi-smart-city", goes into the error otherwise)."""

    def __init__(
        self,
        models: object,
        as_of: date | None,
        rows: ReadRows | None = None,
        follow: Mapping[str, str] | None = None,
        member: tuple[str, Callable[[Fact], bool]] | None = None,
    ):
        self.models = models
        self.as_of = as_of
        self.rows: ReadRows = rows or models.occurred_after  # type: ignore[attr-defined]
        self.follow = follow or {}
        self.member = member

    def start(self, after: str | None) -> Key | None:
        """Where a page continues: right after the cursor fact's place (None: from the first fact)."""
        if after is None:
            return None
        fact = self._facts([after]).get(after)
        seen = shown(fact, self.as_of) if fact else None
        among, member = self.member or ("", None)
        if fact is None or seen is None or (member is not None and not member(fact)):
            when = f" as of {self.as_of}" if self.as_of else ""
            raise InvalidOption(f"--after: no fact '{after}'{among}{when}; give the fact id a page ended with")
        return order_key(fact, seen)

    def page(self, facts: Iterable[Fact] | None, after: str | None, limit: int | None, admits: Admits) -> Paged[Fact]:
        """Up to `limit` facts that `admits` (as stated on the knowledge date) after the cursor; `facts` is a
        scope already read (sorted here), None for the whole store (read from the index as iterated)."""
        start = self.start(after)
        found = self._scoped(facts, start) if facts is not None else self._indexed(start, (limit or BATCH) + 1)
        chosen = (fact for fact, seen in found if admits(fact, seen))
        return Paged(chosen, limit, lambda fact: fact.id)

    def _scoped(self, facts: Iterable[Fact], start: Key | None) -> Iterator[tuple[Fact, FactView]]:
        placed = [(order_key(f, seen), f, seen) for f in facts if (seen := shown(f, self.as_of)) is not None]
        placed.sort(key=lambda item: item[0])
        return ((fact, seen) for key, fact, seen in placed if start is None or key > start)

    def _indexed(self, start: Key | None, first: int) -> Iterator[tuple[Fact, FactView]]:
        for rows in occurred_rows(self.rows, start, first):
            facts = self._facts(sorted({row[2] for row in rows}))
            for row in rows:
                fact = facts.get(row[2])
                seen = shown(fact, self.as_of) if fact else None
                if fact is not None and seen is not None and order_key(fact, seen) == row:
                    yield fact, seen

    def _facts(self, ids: list[str]) -> dict[str, Fact]:
        states = self.models.fact_states(ids)  # type: ignore[attr-defined]
        if not self.follow:
            return {fact_id: state.fact for fact_id, state in states.items()}
        from projections.entities import follow_merges

        return {fact_id: follow_merges(state.fact, self.follow) for fact_id, state in states.items()}


def occurred_rows(read: ReadRows, start: Key | None, first: int = BATCH) -> Iterator[list[Key]]:
    """The index rows `read` gives after `start`, in order, a batch at a time: `first` rows (a page and one), then
    twice as many each time (rows a knowledge date or a filter leaves out) up to BATCH."""
    size = max(1, min(first, BATCH))
    while True:
        rows = read(start, size)
        if rows:
            yield rows
        if len(rows) < size:
            return
        start, size = rows[-1], min(size * 2, BATCH)


class Reread(Generic[T]):
    """Items read from the store again each time they are iterated, never held: a whole store streamed. The
    store must stay open while they are read."""

    def __init__(self, read: Callable[[], Iterable[T]]):
        self._read = read

    def __iter__(self) -> Iterator[T]:
        return iter(self._read())


def index_window(window: Window) -> tuple[int, int] | None:
    """The bounds rm_named_occurred's rows of dates overlapping the window keep (see `EdtfDate.sort_key`): a start
    (the first day's ordinal, 0 when open) up to the window's last day, a stop (minus the last day's ordinal) up to
    minus the window's first day; None for an open window."""
    if window.is_open:
        return None
    last = (window.until or date.max).toordinal()
    first = -window.since.toordinal() if window.since else 0
    return last, first

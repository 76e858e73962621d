"""Pages of a long answer: at most `limit` items, and the cursor to continue after the last one (None at the end).

The source is read lazily and asked for one item more than the page, so the cost follows what is printed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


LISTED_AT_ONCE = 10_000  # facts, events or targets an unpaged answer holds: more go a page at a time


def at_most_a_page(what: str, count: int, instead: str = "") -> None:
    """An unpaged answer holds everything it tells: more than LISTED_AT_ONCE items are asked for a page at a time."""
    page = "list them a page at a time with --limit 1000 (each page ends with the --after for the next)"
    at_most_at_once(what, count, page + instead)


def at_most_at_once(what: str, count: int, ask: str) -> None:
    """An answer read at once holds at most LISTED_AT_ONCE items: more are asked for as `ask` says (a page at a
    time, a shorter span)."""
    if count > LISTED_AT_ONCE:
        from timeline.errors import InvalidOption

        raise InvalidOption(f"{what} are too many to list at once; {ask}")


class Paged(Generic[T]):
    """Iterate once: yields at most `limit` items (all when None); afterwards `next` is the cursor of the last item
    yielded if the source held more, else None."""

    def __init__(self, items: Iterable[T], limit: int | None, cursor: Callable[[T], str | int]):
        self._items = items
        self._limit = limit
        self._cursor = cursor
        self.next: str | int | None = None

    def __iter__(self) -> Iterator[T]:
        last: T | None = None
        for count, item in enumerate(self._items):
            if self._limit is not None and count == self._limit:
                self.next = self._cursor(last)  # type: ignore[arg-type]
                return
            last = item
            yield item


def page(items: Iterable[T], limit: int | None, cursor: Callable[[T], str | int]) -> tuple[list[T], str | int | None]:
    """A page read at once: its items and the cursor after them (None at the end)."""
    paged = Paged(items, limit, cursor)
    return list(paged), paged.next

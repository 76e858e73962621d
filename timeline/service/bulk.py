"""Long runs (ingest, rebuild): how they report their progress, and the cyclic collector paused while they build."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Protocol, TypeVar

T = TypeVar("T")


class Steps(Protocol):
    """How a long run tells its progress (the CLI draws a bar on a terminal); the default says nothing."""

    def track(self, items: list[T], description: str) -> Iterable[T]: ...

    def step(self, description: str) -> None: ...


class Quiet:
    def track(self, items: list[T], description: str) -> Iterable[T]:
        return items

    def step(self, description: str) -> None:
        pass


@contextmanager
def without_gc() -> Iterator[None]:
    """Bulk work allocates many long-lived objects and few cycles: the cyclic collector would rescan them
    again and again (a third of ingest time at 10,000 facts). Pause it; collect once at the end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

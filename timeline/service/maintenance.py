"""Maintenance and the log: rebuild and verify the read models; read the raw events; audit what the store gained."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from timeline import paging
from timeline.errors import InvalidOption, NotFound
from timeline.paging import Paged
from timeline.present.result_views import VerifyReport
from timeline.service.bulk import without_gc
from timeline.storage import database
from timeline.storage.readmodels import ReadModels
from timeline.storage.readmodels.compare import differences
from timeline.storage.recorded import recorded_before_only, recorded_key

if TYPE_CHECKING:
    from timeline.present.audit import AuditView
    from timeline.service.store import Store
    from timeline.storage.log import EventLog
    from timeline.storage.log_reader import LoggedEvent, LogReader


def rebuild(store: Store, progress: Callable[[int, int], None] | None = None) -> int:
    """Recreate every read model from the log; returns the events applied (`progress` hears, batch by batch, how
    many of how many are applied)."""
    try:
        with without_gc():
            return store.read_models.rebuild(store.log, progress)
    except KeyboardInterrupt:
        raise store.catch_up_interrupted() from None


def verify(store: Store) -> VerifyReport:
    """Rebuild into a scratch file and compare with the stored read models, table by table, in bounded memory
    (timeline.storage.readmodels.compare). Read models that are merely behind the log (a run killed after its
    append) are first caught up, as every other command does."""
    store.read_models.catch_up(store.log)
    with tempfile.TemporaryDirectory(prefix="timeline-verify-") as scratch_directory:
        scratch = ReadModels(database.locate(str(Path(scratch_directory) / "rebuilt.db")))
        try:
            scratch.catch_up(store.log)
            expected, actual = scratch.contents(system_time=True), store.read_models.contents(system_time=True)
            found = [line for table in expected for line in differences(table, expected[table], actual[table])]
        finally:
            scratch.close()
    return VerifyReport(found, store.read_models.position())


def events(store: Store, fact: str | None = None) -> list[LoggedEvent]:
    """Every event of the log (or of one fact's stream), oldest first, as domain events (the pydantic models, read
    by the event log: for programs; `log` prints the reader's records); with `recorded_before`, only those
    recorded before it."""
    return list(_page(store, store.log, fact))


def event_page(store: Store, fact: str | None = None, after: int = 0, limit: int | None = None) -> Paged[LoggedEvent]:
    """The log after a position (one fact's stream after a version), read a page at a time as it is iterated:
    at most `limit` events, then `next` says where to continue. Events are records, read without eventsourcing
    where they can be (timeline.storage.log_reader)."""
    return _page(store, store.log_reader, fact, after, limit)


def _page(
    store: Store, log: EventLog | LogReader, fact: str | None, after: int = 0, limit: int | None = None
) -> Paged[LoggedEvent]:
    if fact is None:
        batch = min(limit + 1, 1000) if limit else 1000
        return Paged(
            recorded_before_only(log.read(after, batch), store.recorded_before), limit, lambda logged: logged.position
        )
    found = log.stream(fact, after, None if store.recorded_before else (limit + 1 if limit else None))
    if not found and not (after and log.stream(fact, 0, 1)):
        raise NotFound(f"no fact '{fact}' in {store.location}")
    return Paged(list(recorded_before_only(found, store.recorded_before)), limit, lambda logged: logged.version)


def audit(store: Store, since: datetime, until: datetime) -> AuditView:
    """What this store itself gained (events, corrections included) recorded since <= t < until."""
    from timeline.present.audit import AuditView  # it draws with rich: imported only for the audit

    if until < since:
        raise InvalidOption(
            f"diff: --recorded-to {recorded_key(until)} is before --recorded-from {recorded_key(since)}"
        )
    low, high = recorded_key(since), recorded_key(until)
    spans = store.read_models.recorded_between(low, high)
    held = sum(last - first + 1 for _, first, last in spans)  # (at most: a span's ends may fall outside)
    if held > paging.LISTED_AT_ONCE:
        raise InvalidOption(
            f"{held} events recorded from {_second(since)} to {_second(until)} are too many to list at once; list "
            f"them a page at a time with `timeline changes --since {_second(since)} --limit 1000` (each page ends "
            "with the --after for the next)"
        )
    found: list[LoggedEvent] = []
    for _, first, last in spans:
        found += [e for e in store.log.between(first, last) if low <= recorded_key(e.recorded) < high]
    return AuditView(since, until, tuple(found))


def _second(moment: datetime) -> str:
    """A recorded time as `changes --since` reads it (UTC, to the second)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")

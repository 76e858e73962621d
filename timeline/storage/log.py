"""The event log: an `eventsourcing` application on SQLite or PostgreSQL, with one stream per fact and per entity.

Stream ids are uuid5 of the input ids, so re-ingesting and re-ordering give the same streams. Domain events
(pydantic, in `events.domain`) travel as the JSON `payload` of one stored event class each; that class's
`class_version` is the domain event's `schema_version`, and upcasters on it keep old logs readable.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, PersistenceError
from eventsourcing.utils import get_topic, register_topic

from events import domain
from timeline.errors import Conflict, StoreError
from timeline.intake.plan import Change
from timeline.storage.database import APP_NAME, LOCK_TIMEOUT_SECONDS, Location, failure_message, store_errors

NAMESPACE = uuid.UUID("6f1c2a7e-3b8d-5e4f-9a10-7c2d4e6f8a9b")


def fact_stream_id(fact_id: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "fact:" + fact_id)


def entity_stream_id(entity_id: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "entity:" + entity_id)


class FactStream(Aggregate):
    """The stream of one fact's events."""

    class Reported(Aggregate.Created):
        payload: dict[str, Any]

    class SourceAdded(Aggregate.Event):
        payload: dict[str, Any]

    class Corrected(Aggregate.Event):
        payload: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Schema 1 did not keep the values a correction replaced: say so (None), invent nothing."""
            state["payload"] = {**state["payload"], "previous": None}

    class Retracted(Aggregate.Event):
        payload: dict[str, Any]


class EntityStream(Aggregate):
    """The stream of one entity's events."""

    class Registered(Aggregate.Created):
        payload: dict[str, Any]

    class AliasAdded(Aggregate.Event):
        payload: dict[str, Any]

    class Corrected(Aggregate.Event):
        payload: dict[str, Any]


STORED: dict[type[domain.DomainEvent], type[Aggregate.Event]] = {
    domain.FactReported: FactStream.Reported,
    domain.SourceAdded: FactStream.SourceAdded,
    domain.FactCorrected: FactStream.Corrected,
    domain.FactRetracted: FactStream.Retracted,
    domain.EntityRegistered: EntityStream.Registered,
    domain.AliasAdded: EntityStream.AliasAdded,
    domain.EntityCorrected: EntityStream.Corrected,
}
DOMAIN = {stored: model for model, stored in STORED.items()}
for _model, _stored in STORED.items():
    _stored.class_version = _model.schema_version  # type: ignore[attr-defined]

# Stores written before the layout of issue 14 name this module `timeline.store` in their topics.
LEGACY_MODULE = "timeline.store"
for _cls in (FactStream, EntityStream, *DOMAIN):
    register_topic(f"{LEGACY_MODULE}:{_cls.__qualname__}", _cls)


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """A domain event as the log holds it: its position, stream version and recorded time."""

    position: int
    version: int
    recorded: datetime
    event: domain.DomainEvent


class TimelineApplication(Application[uuid.UUID]):
    name = APP_NAME


def check_is_timeline_store(location: Location) -> bool:
    """Whether there is a store to open at the location (a file, or the log's table); refuse to open one that
    belongs to another program."""
    if location.is_postgres:
        return _check_postgres(location)
    path = location.path
    assert path is not None
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a store file")
    if not path.parent.is_dir():
        raise StoreError(f"{path}: cannot create a store there: no directory {path.parent}")
    if not path.exists() or path.stat().st_size == 0:
        return path.exists()
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise StoreError(f"{path}: not a timeline store (not an SQLite database)")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=LOCK_TIMEOUT_SECONDS)
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            claimed = (
                connection.execute("PRAGMA application_id").fetchone()[0]
                or connection.execute("PRAGMA user_version").fetchone()[0]
            )
        finally:
            connection.close()
    except sqlite3.OperationalError as error:
        raise StoreError(failure_message(location, error)) from None
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path}: cannot read the store: {error}") from None
    if not tables and claimed:
        raise StoreError(
            f"{path}: an SQLite database of another program (application id or user version set); "
            "refusing to add timeline tables to it"
        )
    foreign = sorted(t for t in tables if not t.startswith("rm_"))  # read models come first in a new store
    if foreign and "stored_events" not in tables:
        raise StoreError(
            f"{path}: an SQLite database of another program (tables: {', '.join(foreign)}); "
            "refusing to add timeline tables to it"
        )
    return True


def _check_postgres(location: Location) -> bool:
    with store_errors(location):
        database = location.connect()
        try:
            tables = database.tables()
        finally:
            database.close()
    log_table = f"{APP_NAME}_events"
    foreign = sorted(t for t in tables if t != log_table and not t.startswith("rm_"))
    if foreign and log_table not in tables:
        raise StoreError(
            f"{location}: schema holds tables of another program ({', '.join(foreign[:5])}); "
            "refusing to add timeline tables to it; give another schema with ?schema=NAME"
        )
    return log_table in tables


class EventLog:
    """Appending to and reading from the log. Every append is one transaction: all or nothing."""

    def __init__(self, location: Location, create: bool = True):
        self.location = location
        try:
            self.app = TimelineApplication(env={**location.eventsourcing_env(), "CREATE_TABLE": "y" if create else "n"})
        except (PersistenceError, sqlite3.Error, OSError) as error:
            raise StoreError(failure_message(location, error)) from None

    def close(self) -> None:
        self.app.close()

    def append(self, changes: Sequence[Change]) -> dict[int, LoggedEvent]:
        """Append every change's events after its stream's expected version, in one transaction.

        Returns the appended events by log position, so that read models need not decode them again."""
        stored, events = [], []
        now = Aggregate.Event.create_timestamp()  # one recorded time per append: `timeline changes --last`
        for change in changes:
            originator_id = (fact_stream_id if change.stream == "fact" else entity_stream_id)(change.id)
            for offset, event in enumerate(change.events, start=1):
                stored.append(_stored_event(originator_id, change.version + offset, event, now))
                events.append(event)
        if not stored:
            return {}
        try:
            recordings = self.app.save(*stored)
        except IntegrityError:
            moved = self._moved(changes)
            ids = ", ".join(f"{c.stream} '{c.id}'" for c in moved[:5]) + (" ..." if len(moved) > 5 else "")
            raise Conflict(
                f"{self.location}: conflict: another writer changed {ids} first; "
                "nothing was written; run the command again"
            ) from None
        except PersistenceError as error:  # busy, read-only, unreachable, or another refusal of the database
            raise StoreError(failure_message(self.location, error, doing="cannot write")) from None
        return {
            recording.notification.id: LoggedEvent(
                recording.notification.id, made.originator_version, made.timestamp, event
            )
            for recording, made, event in zip(recordings, stored, events)
        }

    def _moved(self, changes: Sequence[Change]) -> Sequence[Change]:
        """The changes whose stream another writer has taken past the version this run planned from (all of
        them, if the store cannot say)."""
        try:
            moved = [c for c in changes if c.version != self._version(c.stream, c.id)]
        except PersistenceError:
            return changes
        return moved or changes

    def _version(self, stream: str, stream_id: str) -> int:
        originator_id = (fact_stream_id if stream == "fact" else entity_stream_id)(stream_id)
        latest = self.app.recorder.select_events(originator_id, desc=True, limit=1)
        return latest[0].originator_version if latest else 0

    def max_position(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def read(
        self, after: int = 0, batch: int = 1000, known: dict[int, LoggedEvent] | None = None
    ) -> Iterator[LoggedEvent]:
        """Every event after a position, oldest first; events in `known` (by position) are not decoded again."""
        known = known or {}
        while True:
            notifications = self.app.recorder.select_notifications(after, batch, inclusive_of_start=False)
            for notification in notifications:
                logged = known.get(notification.id)
                yield logged or _logged(notification.id, self.app.mapper.to_domain_event(notification))
            if len(notifications) < batch:
                return
            after = notifications[-1].id

    def read_back(self, batch: int = 500) -> Iterator[LoggedEvent]:
        """Every event, newest first, read in batches from the end (cheap when only the tail is wanted)."""
        before = self.max_position() + 1
        while before > 1:
            start = max(1, before - batch)
            notifications = self.app.recorder.select_notifications(start, before - start, stop=before - 1)
            for notification in reversed(notifications):
                yield _logged(notification.id, self.app.mapper.to_domain_event(notification))
            before = start

    def stream(self, fact_id: str) -> list[LoggedEvent]:
        """One fact's events, oldest first (positions are not kept per stream: 0)."""
        return [_logged(0, event) for event in self.app.events.get(fact_stream_id(fact_id))]


def _stored_event(
    originator_id: uuid.UUID, version: int, event: domain.DomainEvent, timestamp: datetime
) -> Aggregate.Event:
    cls = STORED[type(event)]
    fields: dict[str, Any] = {
        "originator_id": originator_id,
        "originator_version": version,
        "timestamp": timestamp,
        "payload": event.model_dump(mode="json"),
    }
    if cls in _CREATED_TOPICS:
        fields["originator_topic"] = _CREATED_TOPICS[cls]
    return cls(**fields)


_CREATED_TOPICS = {FactStream.Reported: get_topic(FactStream), EntityStream.Registered: get_topic(EntityStream)}


def _logged(position: int, stored: Any) -> LoggedEvent:
    event = DOMAIN[type(stored)].model_validate(stored.payload)
    return LoggedEvent(position, stored.originator_version, stored.timestamp, event)


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch

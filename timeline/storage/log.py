"""The event log: an `eventsourcing` application on SQLite or PostgreSQL, with one stream per fact and per entity.

Stream ids are uuid5 of the input ids, so re-ingesting and re-ordering give the same streams. Domain events
(pydantic, in `events.domain`) travel as the JSON `payload` of one stored event class each; that class's
`class_version` is the domain event's `schema_version`, and upcasters on it keep old logs readable.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Mapper,
    PersistenceError,
    StoredEvent,
    Transcoder,
)
from eventsourcing.utils import get_topic, register_topic
from pydantic import ValidationError

from events import domain
from timeline.errors import Conflict, StoreError
from timeline.intake.plan import Change
from timeline.storage import envelope
from timeline.storage.database import APP_NAME, Location, failure_message
from timeline.storage.log_reader import LoggedEvent, entity_stream_id, fact_stream_id
from timeline.storage.probe import check_is_timeline_store  # noqa: F401  (its home before issue 15)


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

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Schema 1 records had no dated names (and no merge: that is an event of its own)."""
            record = state["payload"]["record"]
            state["payload"] = {**state["payload"], "record": {**record, "names": [], "merged": None}}

    class AliasAdded(Aggregate.Event):
        payload: dict[str, Any]

    class Corrected(Aggregate.Event):
        payload: dict[str, Any]

    class Merged(Aggregate.Event):
        payload: dict[str, Any]


STORED: dict[type[domain.DomainEvent], type[Aggregate.Event]] = {
    domain.FactReported: FactStream.Reported,
    domain.SourceAdded: FactStream.SourceAdded,
    domain.FactCorrected: FactStream.Corrected,
    domain.FactRetracted: FactStream.Retracted,
    domain.EntityRegistered: EntityStream.Registered,
    domain.AliasAdded: EntityStream.AliasAdded,
    domain.EntityCorrected: EntityStream.Corrected,
    domain.EntityMerged: EntityStream.Merged,
}
DOMAIN = {stored: model for model, stored in STORED.items()}
for _model, _stored in STORED.items():
    _stored.class_version = _model.schema_version  # type: ignore[attr-defined]

# Stores written before the layout of issue 14 name this module `timeline.store` in their topics.
LEGACY_MODULE = "timeline.store"
_streams: tuple[type[Aggregate], ...] = (FactStream, EntityStream)
for _cls in (*_streams, *DOMAIN):
    register_topic(f"{LEGACY_MODULE}:{_cls.__qualname__}", _cls)
# The only topics a stored event may name (current and legacy): anything else is not a timeline event, and is
# never imported (a topic names a module and an attribute: resolving any would run any module's code).
EVENT_CLASSES: dict[str, type[Aggregate.Event]] = {
    **{get_topic(cls): cls for cls in DOMAIN},
    **{f"{LEGACY_MODULE}:{cls.__qualname__}": cls for cls in DOMAIN},
}


class UnreadableEvent(Exception):
    """A stored event this program cannot read back (tampered, damaged, or written by a newer timeline)."""

    def __init__(self, reason: str, newer: bool = False):
        super().__init__(reason)
        self.newer = newer


class EventMapper(Mapper[uuid.UUID]):
    """Reads back only the project's own event classes, at a schema version this program knows."""

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        cls = EVENT_CLASSES.get(stored_event.topic)
        if cls is None:
            raise UnreadableEvent(f"its topic {stored_event.topic[:80]!r} is not a timeline event")
        try:
            state = self.transcoder.decode(stored_event.state)
        except Exception:  # whatever the bytes are, they are not an event's JSON
            raise UnreadableEvent("its stored state is not an event's JSON") from None
        if not isinstance(state, dict) or not isinstance(state.get("payload"), dict):
            raise UnreadableEvent("its stored state has no payload")
        written, known = state.pop("class_version", 1), getattr(cls, "class_version", 1)
        if not isinstance(written, int) or written < 1:
            raise UnreadableEvent(f"its schema version {written!r} is not a version")
        if written > known:
            raise UnreadableEvent(
                f"{DOMAIN[cls].__name__} schema {written} was written by a newer timeline (this one reads up to "
                f"{known}): upgrade timeline",
                newer=True,
            )
        try:
            for version in range(written, known):
                getattr(cls, f"upcast_v{version}_v{version + 1}")(state)
        except (KeyError, TypeError, AttributeError):  # an upcaster met a payload of another shape
            raise UnreadableEvent(f"its payload does not hold an {DOMAIN[cls].__name__} of schema {written}") from None
        state["originator_id"] = stored_event.originator_id
        state["originator_version"] = stored_event.originator_version
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        return event


class FastJSONTranscoder(JSONTranscoder):
    """The JSON transcoder, decoding the states this log writes with one `json.loads` and the recorded time
    converted afterwards (the library's decoder calls a Python hook for every JSON object). A state holding any
    other transcoded value is decoded by the library's way."""

    def decode(self, data: bytes) -> Any:
        if data.count(b'"_type_"') != 1:
            return super().decode(data)
        state = json.loads(data)
        stamp = state.get("timestamp")
        if not (isinstance(stamp, dict) and stamp.get("_type_") == "datetime_iso"):
            return super().decode(data)
        state["timestamp"] = datetime.fromisoformat(stamp["_data_"])
        return state


class TimelineApplication(Application[uuid.UUID]):
    name = APP_NAME

    def construct_transcoder(self) -> Transcoder:
        transcoder = FastJSONTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def construct_mapper(self) -> Mapper[uuid.UUID]:
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=EventMapper)


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
        return self.append_batches([changes]) or {}

    def append_batches(self, batches: Iterable[Sequence[Change]], keep: int = 20_000) -> dict[int, LoggedEvent] | None:
        """Append batch after batch of changes in ONE transaction (all or nothing), never holding more than a
        batch (on SQLite). Returns the appended events by log position while they are at most `keep` (the read
        models then need not decode them again); None when there were more (read them back from the log)."""
        recorded = datetime.now(tz=UTC)
        known: dict[int, LoggedEvent] | None = {}
        current: list[Sequence[Change]] = []  # the batch being inserted, for a conflict's message

        def stored_batches() -> Iterator[tuple[list[StoredEvent], list[domain.DomainEvent]]]:
            for changes in batches:
                current[:] = [*current, changes] if self.location.is_postgres else [changes]
                stored, events = [], []
                for change in changes:
                    originator_id = (fact_stream_id if change.stream == "fact" else entity_stream_id)(change.id)
                    for offset, event in enumerate(change.events, start=1):
                        stored.append(stored_event(originator_id, change.version + offset, event, recorded))
                        events.append(event)
                if stored:
                    yield stored, events

        with self._inserting(current) as insert:
            for stored, events in stored_batches():
                positions = insert(stored)
                if known is not None and len(known) + len(stored) <= keep and positions:
                    known.update(
                        (position, LoggedEvent(position, made.originator_version, recorded, event))
                        for position, made, event in zip(positions, stored, events)
                    )
                else:
                    known = None
        return known

    @contextmanager
    def _inserting(self, current: list[Sequence[Change]]) -> Iterator[Callable[[list[StoredEvent]], list[int]]]:
        """A function inserting stored events inside ONE transaction, committed when the block ends (rolled back
        if it raises). SQLite inserts each batch at once in the recorder's own transaction; PostgreSQL inserts them
        all at the end in one `insert_events` call (its database function takes an array)."""
        held: list[StoredEvent] = []
        try:
            if self.location.is_postgres:

                def hold(stored: list[StoredEvent]) -> list[int]:
                    held.extend(stored)
                    return []

                yield hold
                self.app.recorder.insert_events(held)
            else:
                recorder = self.app.recorder
                with recorder.datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
                    yield lambda stored: list(recorder._insert_events(cursor, stored) or [])  # type: ignore[attr-defined]
        except IntegrityError:
            changes = [change for changes in current for change in changes]
            moved = self._moved(changes) if changes else ()
            ids = ", ".join(f"{c.stream} '{c.id}'" for c in moved[:5]) + (" ..." if len(moved) > 5 else "")
            raise Conflict(
                f"{self.location}: conflict: another writer changed {ids or 'the same facts'} first; "
                "nothing was written; run the command again"
            ) from None
        except PersistenceError as error:  # busy, read-only, unreachable, or another refusal of the database
            raise StoreError(failure_message(self.location, error, doing="cannot write")) from None

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
        self, after: int = 0, batch: int = 5000, known: dict[int, LoggedEvent] | None = None
    ) -> Iterator[LoggedEvent]:
        """Every event after a position, oldest first; events in `known` (by position) are not decoded again."""
        known = known or {}
        while True:
            notifications = self.app.recorder.select_notifications(after, batch, inclusive_of_start=False)
            for notification in notifications:
                logged = known.get(notification.id)
                yield logged or self._decoded(notification.id, notification)
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

    def stream(self, fact_id: str, after: int = 0, limit: int | None = None) -> list[LoggedEvent]:
        """One fact's events after a version, oldest first (positions are not kept per stream: 0)."""
        stored = self.app.recorder.select_events(fact_stream_id(fact_id), gt=after or None, limit=limit)
        return [self._decoded(0, event) for event in stored]

    def history(self, stream: str, stream_id: str) -> list[LoggedEvent]:
        """One fact's or entity's events, oldest first (positions are not kept per stream: 0)."""
        originator_id = (fact_stream_id if stream == "fact" else entity_stream_id)(stream_id)
        return [self._decoded(0, event) for event in self.app.recorder.select_events(originator_id)]

    def between(self, first: int, last: int) -> Iterator[LoggedEvent]:
        """The events at log positions first..last, oldest first."""
        for logged in self.read(after=first - 1):
            if logged.position > last:
                return
            yield logged

    def decoded_row(self, position: int, originator_id: Any, version: int, topic: str, state: bytes) -> LoggedEvent:
        """A row of the log's table (as timeline.storage.log_reader reads it) as a domain event, upcast if old,
        or one clear StoreError saying which and why not."""
        try:
            stream = originator_id if isinstance(originator_id, uuid.UUID) else uuid.UUID(str(originator_id))
        except ValueError:  # a damaged id: named as it is stored
            stream = originator_id
        return self._decoded(position, StoredEvent(stream, version, topic, bytes(state)))

    def _decoded(self, position: int, stored: StoredEvent) -> LoggedEvent:
        """One stored event as a domain event, or one clear StoreError saying which and why not."""
        cls = EVENT_CLASSES.get(stored.topic)
        fast = envelope.decoded(DOMAIN[cls], stored.state) if cls else None  # the common case, in one step
        if fast is not None:
            return LoggedEvent(position, stored.originator_version, *fast)
        try:
            return _logged(position, self.app.mapper.to_domain_event(stored))
        except UnreadableEvent as error:
            reason, newer = str(error), error.newer
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"])
            reason, newer = f"its payload does not hold a valid event ({where or 'payload'}: {first['msg']})", False
        where = f"event {position}" if position else f"an event of stream {stored.originator_id}"
        where += f" (version {stored.originator_version})"
        if newer:
            raise StoreError(f"{self.location}: {where}: {reason}") from None
        raise StoreError(
            f"{self.location}: the log is damaged: {where}: {reason}; `rebuild` and `verify` cannot repair the "
            "log itself: restore the store from a backup"
        ) from None


def stored_event(originator_id: uuid.UUID, version: int, event: domain.DomainEvent, recorded: datetime) -> StoredEvent:
    """The stored form of a domain event, as the application's mapper would write it (same topic, same JSON
    state: recorded time, originator topic for a stream's first event, class version, payload), encoded once by
    pydantic's serialiser instead of through an aggregate event object and the JSON transcoder."""
    cls = STORED[type(event)]
    state = b'{"timestamp":{"_type_":"datetime_iso","_data_":"%s%s%s}' % (
        recorded.isoformat().encode(),
        _HEADS[cls],
        event.model_dump_json().encode(),
    )
    return StoredEvent(originator_id, version, _TOPICS[cls], state)


_CREATED_TOPICS = {FactStream.Reported: get_topic(FactStream), EntityStream.Registered: get_topic(EntityStream)}
_TOPICS = {cls: get_topic(cls) for cls in DOMAIN}
_HEADS = {  # what follows the recorded time in the stored state
    cls: b'"},'
    + (b'"originator_topic":"' + _CREATED_TOPICS[cls].encode() + b'",' if cls in _CREATED_TOPICS else b"")
    + (b'"class_version":%d,' % cls.class_version if cls.class_version > 1 else b"")  # type: ignore[attr-defined]
    + b'"payload":'
    for cls in DOMAIN
}


def _logged(position: int, stored: Any) -> LoggedEvent:
    if not isinstance(stored.timestamp, datetime) or stored.timestamp.tzinfo is None:  # system time is queried
        raise UnreadableEvent("its recorded time is not a date and time with a time zone")
    event = DOMAIN[type(stored)].model_validate(stored.payload)
    return LoggedEvent(position, stored.originator_version, stored.timestamp, event)

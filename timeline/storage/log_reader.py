"""The event log read for queries (`log`, `show`, `changes`): its table read with plain SELECTs, and each stored
event of the current schema decoded into a frozen record (events.records), checked field by field.

Opening the eventsourcing application and validating pydantic domain events costs a new process about five times
`python -c pass` before it reads a row; this reader imports neither. It takes only the common case: a state this
program writes, at the class version it knows. Anything else (an older version to upcast, a newer one, a topic
that is not a timeline event, a damaged row) goes, row by row, to the event log (timeline.storage.log, opened
then), which upcasts it or says what is wrong, exactly as before. Appends never come here.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from events import records
from timeline.storage.database import APP_NAME, Database

if TYPE_CHECKING:
    from events.domain import DomainEvent
    from timeline.storage.log import EventLog

NAMESPACE = uuid.UUID("6f1c2a7e-3b8d-5e4f-9a10-7c2d4e6f8a9b")  # of the stream ids


def fact_stream_id(fact_id: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "fact:" + fact_id)


def entity_stream_id(entity_id: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "entity:" + entity_id)


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """A domain event as the log holds it: its position, stream version and recorded time."""

    position: int
    version: int
    recorded: datetime
    event: DomainEvent


# The stored event classes (timeline.storage.log) by their qualified names, and the records of their payloads.
_STORED = {
    "FactStream.Reported": records.FactReported,
    "FactStream.SourceAdded": records.SourceAdded,
    "FactStream.Corrected": records.FactCorrected,
    "FactStream.Retracted": records.FactRetracted,
    "EntityStream.Registered": records.EntityRegistered,
    "EntityStream.AliasAdded": records.AliasAdded,
    "EntityStream.Corrected": records.EntityCorrected,
    "EntityStream.Merged": records.EntityMerged,
}
# Their topics, current and legacy (`timeline.store`, before the layout of issue 14), as the log names them.
TOPICS: dict[str, Any] = {  # (for the type checker the records are the models they mirror)
    f"{module}:{name}": kind for module in ("timeline.storage.log", "timeline.store") for name, kind in _STORED.items()
}

Row = tuple[Any, ...]  # position, originator id, version, topic, state


def _not_a_number(constant: str) -> Any:
    raise ValueError(f"{constant} is not a number")


@lru_cache(maxsize=256)  # every event of one ingest shares its recorded time
def _recorded(text: str) -> datetime | None:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else None


def decoded(topic: str, state: bytes) -> tuple[datetime, Any] | None:
    """The recorded time and the event record of a stored state at the current schema version of its topic, or
    None when it is not that (the event log decodes it then, or says why it cannot). Never raises."""
    kind = TOPICS.get(topic)
    state = bytes(state)  # (a memoryview from some drivers)
    if kind is None or state.count(b'"_type_"') != 1:  # another transcoded value: only the library reads it
        return None
    try:
        data = json.loads(state, parse_constant=_not_a_number)
        stamp, version = data["timestamp"], data.get("class_version", 1)
        if (
            type(stamp) is not dict
            or stamp.keys() != {"_type_", "_data_"}
            or stamp["_type_"] != "datetime_iso"
            or type(stamp["_data_"]) is not str
            or type(version) is not int
            or version != kind.schema_version
        ):
            return None
        recorded = _recorded(stamp["_data_"])
        event = kind.model_validate(data["payload"], "payload")
    except (ValueError, TypeError, KeyError):  # not JSON, not an object, no such key, a damaged field
        return None
    return (recorded, event) if recorded is not None else None


class LogReader:
    """Reads the log's table with the read models' connection; `log` opens the event log for a row this reader
    does not decode (on first need, once)."""

    def __init__(self, db: Database, log: Callable[[], EventLog]):
        self.db = db
        self._log = log
        postgres = db.dialect != "sqlite"
        self._table = f"{APP_NAME}_events" if postgres else "stored_events"
        self._position = "notification_id" if postgres else "rowid"
        self._stream_key: Callable[[uuid.UUID], Any] = (lambda i: i) if postgres else (lambda i: i.hex)
        self._exists: bool | None = None

    def _rows(self, where: str, order: str, params: tuple[Any, ...], limit: int | None) -> list[Row]:
        if self._exists is None:
            self._exists = self._table in self.db.tables()
        if not self._exists:  # a store whose log has no table yet holds no events
            return []
        query = f"SELECT {self._position}, originator_id, originator_version, topic, state FROM {self._table} "
        query += f"WHERE {where} ORDER BY {order}" + (" LIMIT ?" if limit is not None else "")
        return list(self.db.execute(query, (*params, limit) if limit is not None else params).fetchall())

    def read(self, after: int = 0, batch: int = 1000, last: int | None = None) -> Iterator[LoggedEvent]:
        """The events after a position (up to `last`), oldest first, read `batch` rows at a time."""
        while True:
            rows = self._rows(f"{self._position} > ?", self._position, (after,), batch)
            for row in rows:
                if last is not None and row[0] > last:
                    return
                yield self._logged(row[0], row)
            if len(rows) < batch:
                return
            after = rows[-1][0]

    def read_back(self, batch: int = 500) -> Iterator[LoggedEvent]:
        """Every event, newest first, read in batches from the end (cheap when only the tail is wanted)."""
        before: int | None = None
        while True:
            where = f"{self._position} < ?" if before is not None else f"{self._position} > ?"
            rows = self._rows(where, f"{self._position} DESC", (before if before is not None else 0,), batch)
            yield from (self._logged(row[0], row) for row in rows)
            if len(rows) < batch:
                return
            before = rows[-1][0]

    def stream(self, fact_id: str, after: int = 0, limit: int | None = None) -> list[LoggedEvent]:
        """One fact's events after a version, oldest first (positions are not kept per stream: 0)."""
        return [self._logged(0, row) for row in self._stream_rows(fact_stream_id(fact_id), after, limit)]

    def history(self, stream: str, stream_id: str) -> list[LoggedEvent]:
        """One fact's or entity's events, oldest first, as records (what `projections.stored.fold` folds; a row the
        event log upcasts is given as a record too)."""
        originator_id = (fact_stream_id if stream == "fact" else entity_stream_id)(stream_id)
        found = [self._logged(0, row) for row in self._stream_rows(originator_id, 0, None)]
        return [logged if isinstance(logged.event, records.Record) else _as_record(logged) for logged in found]

    def _stream_rows(self, originator_id: uuid.UUID, after: int, limit: int | None) -> list[Row]:
        key = self._stream_key(originator_id)
        return self._rows("originator_id = ? AND originator_version > ?", "originator_version", (key, after), limit)

    def last_position(self) -> int:
        rows = self._rows(f"{self._position} > ?", f"{self._position} DESC", (0,), 1)
        return int(rows[0][0]) if rows else 0

    def _logged(self, position: int, row: Row) -> LoggedEvent:
        found = decoded(row[3], row[4])
        if found is not None:
            return LoggedEvent(position, row[2], *found)
        return self._log().decoded_row(position, row[1], row[2], row[3], row[4])


def _as_record(logged: LoggedEvent) -> LoggedEvent:
    """A domain event (upcast by the event log) as the record of its class."""
    kind: Any = getattr(records, type(logged.event).__name__)
    event = kind.model_validate(json.loads(logged.event.model_dump_json()))
    return LoggedEvent(logged.position, logged.version, logged.recorded, event)

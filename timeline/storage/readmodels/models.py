"""The read models of one store: opened (created or rebuilt when built by other code), caught up with the log, and
dumped for `verify`.

They remember the last log position they applied and are updated with it in one transaction, so catching up is
idempotent and `rebuild` (from position 0) must give exactly what incremental updates gave.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING

from timeline.storage.database import Database, Location, store_errors
from timeline.storage.readmodels import schema
from timeline.storage.readmodels.pages import PageQueries
from timeline.storage.readmodels.queries import Queries
from timeline.storage.readmodels.search import dumped
from timeline.storage.readmodels.writes import chunks, write_entities, write_facts
from timeline.storage.recorded import Spans, recorded_key, write_recorded

if TYPE_CHECKING:  # queries import neither the event log (nor eventsourcing) nor the models: catching up does
    from projections.facts import EntityState, FactState
    from timeline.storage.log import EventLog, LoggedEvent

FLUSH = 5000  # events folded and written per batch while catching up
BULK = 5000  # events from empty read models on: secondary indexes are dropped and built once at the end


class ReadModels(Queries, PageQueries):
    def __init__(self, location: Location, models: bool = False):
        """States are read as the read side's records (no pydantic), or as the models with `models` (the write
        side: ingest compares them with new input). Catching up always folds into models."""
        self.location = location
        self.models = models
        with store_errors(location):
            self.connection = location.connect()
        try:
            with store_errors(location):
                present = self.connection.tables()
                if not set(schema.TABLES) <= present:  # only then: a reader may not create tables
                    with self.connection.preparing() as db:
                        if "rm_position" in present:  # built by older code: its tables may lack new columns
                            for table in schema.TABLES:
                                db.execute(f"DROP TABLE IF EXISTS {table}")
                            db.execute("DELETE FROM rm_position")
                        schema.create(db)
                row = self.connection.execute("SELECT position FROM rm_position WHERE name='schema'").fetchone()
            if row is None or row[0] != schema.READ_MODEL_VERSION:  # new, or built by other code: start again
                with self._writing() as db:
                    schema.recreate(db)
        except BaseException:
            self.connection.close()
            raise

    def close(self) -> None:
        self.connection.close()

    @contextmanager
    def _writing(self, wait: bool = True) -> Iterator[Database]:
        with store_errors(self.location), self.connection.writing(wait) as db:  # busy or read-only: a StoreError
            yield db

    def catch_up(
        self,
        log: EventLog,
        known: dict[int, LoggedEvent] | None = None,
        wait: bool = True,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Apply every event after the stored position; returns how many.

        Each batch (FLUSH events) is one transaction that also stores the position it reaches: an interrupted
        catch-up keeps the batches it committed and the next one goes on from there, and the journal holds one
        batch, never the whole log. `known` holds events this process just appended, by position: when they are
        all that is new, they are applied without reading the log again. `progress` hears after each batch how
        many events of how many are applied. Without `wait`, another process at work is a StoreError at once; when
        another process applied some between two of our batches, this one goes on from where that one stopped."""
        first = self.position()
        if log.max_position() <= first:
            return 0
        applied, expected = 0, -1
        batches: Iterator[list[LoggedEvent]] = iter(())
        while True:
            with self._writing(wait) as db:
                position = self.position()  # re-read under the write lock: another process may have caught up
                if position != expected:  # our first batch, or another process applied some meanwhile
                    last = log.max_position()
                    if expected < 0 and position == 0 and last >= BULK:  # a bulk load: each index built once
                        for name in schema.secondary_indexes(db.dialect):
                            db.execute(f"DROP INDEX IF EXISTS {name}")
                    batches = chunks(self._events_after(log, position, last, known), FLUSH)
                batch = next(batches, None)
                if batch is None:  # (also those a bulk load dropped and an interrupt left missing)
                    for statement in schema.secondary_indexes(db.dialect).values():
                        db.execute(statement)
                    return applied
                self._apply(db, batch)
                expected = batch[-1].position
                db.execute(
                    "INSERT INTO rm_position (name, position) VALUES ('log', ?) "
                    "ON CONFLICT (name) DO UPDATE SET position=excluded.position",
                    (expected,),
                )
            applied += len(batch)
            if progress:
                progress(expected - first, last - first)

    @staticmethod
    def _events_after(
        log: EventLog, start: int, last: int, known: dict[int, LoggedEvent] | None
    ) -> Iterable[LoggedEvent]:
        if known and len(known) == last - start and min(known) == start + 1:
            return (known[position] for position in sorted(known))
        return log.read(after=start)

    def _apply(self, db: Database, batch: list[LoggedEvent]) -> None:
        """Fold a batch of events into the states they touch (loaded from the tables, a query per 500 ids) and
        write those states and their index rows within the open transaction."""
        from events.domain import FACT_EVENTS, entity_id_of, fact_id_of
        from projections.facts import evolve

        # In the order of their first event: new rows get rowids in log order (search's "newest first").
        fact_keys = list(dict.fromkeys(fact_id_of(e.event) for e in batch if isinstance(e.event, FACT_EVENTS)))
        entity_keys = list(dict.fromkeys(entity_id_of(e.event) for e in batch if not isinstance(e.event, FACT_EVENTS)))
        old_facts, old_entities = self.fact_states(fact_keys, models=True), self._entity_states(entity_keys, True)
        facts: dict[str, FactState | None] = {**dict.fromkeys(fact_keys), **old_facts}
        entities: dict[str, EntityState | None] = {**dict.fromkeys(entity_keys), **old_entities}
        spans = Spans()
        for logged in batch:
            event = logged.event
            recorded = recorded_key(logged.recorded)
            spans.note(recorded, logged.position)
            if isinstance(event, FACT_EVENTS):
                key = fact_id_of(event)
                facts[key] = evolve(facts[key], event)
                spans.touch(spans.facts, key, recorded)
            else:
                key = entity_id_of(event)
                entities[key] = evolve(entities[key], event)
                spans.touch(spans.entities, key, recorded)
        write_facts(db, list(facts.values()), old_facts, spans.facts)  # type: ignore[arg-type]
        write_entities(db, list(entities.values()), old_entities, spans.entities)  # type: ignore[arg-type]
        write_recorded(db, spans.positions)

    def rebuild(self, log: EventLog, progress: Callable[[int, int], None] | None = None) -> int:
        """Forget every read model (dropped and created again: faster than deleting every row) and apply the whole
        log again (`progress`: as for catch_up)."""
        with self._writing() as db:
            schema.recreate(db)
        return self.catch_up(log, progress=progress)

    def contents(self, system_time: bool = False) -> dict[str, Callable[[], Iterator[tuple[object, ...]]]]:
        """Every read model's rows, by table, each read afresh as a stream whenever it is called: what `verify`
        compares. Recorded (system) times only with `system_time`: two stores holding the same events recorded at
        other times otherwise hold the same."""
        searched = {"rm_fact_search": "rm_facts", "rm_entity_search": "rm_entities"}  # by id: rowids differ
        queries = {table: f"SELECT * FROM {table}" for table in schema.TABLES if table not in searched}
        recorded = ", first, last" if system_time else ""
        queries["rm_facts"] = f"SELECT id, version, state{recorded} FROM rm_facts"
        queries["rm_entities"] = f"SELECT id, entity, name, version, state{recorded} FROM rm_entities"
        if not system_time:
            del queries["rm_recorded"]
        del queries["rm_vocabulary"]  # keeps every word once indexed: a store's holds more than a rebuild's
        db = self.connection
        found: dict[str, Callable[[], Iterator[tuple[object, ...]]]] = {
            table: partial(_rows, db, query) for table, query in queries.items()
        }
        found.update({table: partial(dumped, db, table, owner) for table, owner in searched.items()})
        return found

    def dump(self, system_time: bool = False) -> dict[str, list[tuple[object, ...]]]:
        """Every read-model row (see `contents`), in a stable order, in memory: for tests of small stores."""
        return {table: sorted(rows(), key=repr) for table, rows in self.contents(system_time).items()}


def _rows(db: Database, query: str) -> Iterator[tuple[object, ...]]:
    return (tuple(row) for row in db.stream(query))

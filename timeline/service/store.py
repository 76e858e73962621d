"""The facade: `Store`, one open store (its event log and read models, kept current on open) with one method per
task or question. Each method is a function of its concern's module (writing, queries, text_search,
knowledge_diff, browse, exporting, maintenance), bound to the class: the CLI calls one method per command.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime
from importlib import import_module
from typing import TYPE_CHECKING, Any

from timeline import DEFAULT_DB
from timeline.errors import Interrupted, StoreError
from timeline.service.bulk import Quiet, Steps, without_gc
from timeline.storage import database
from timeline.storage.database import store_errors
from timeline.storage.probe import check_is_timeline_store, log_position
from timeline.storage.readmodels import ReadModels

if TYPE_CHECKING:
    from events.records import EntityRecord
    from timeline.service import (
        browse,
        exporting,
        knowledge_diff,
        maintenance,
        offices,
        queries,
        stats,
        targets,
        text_search,
        timelines,
        writing,
    )
    from timeline.storage.log import EventLog
    from timeline.storage.log_reader import LogReader


class _Concern:
    """A concern's module as the class body below names it: each function named through it becomes a method
    that imports the module when first used, so that a command loads only the concern it asks (issue 15)."""

    def __init__(self, module: str):
        self.module = f"timeline.service.{module}"

    def __getattr__(self, function: str) -> _Method:
        return _Method(self.module, function)


class _Method:
    def __init__(self, module: str, function: str):
        self.module, self.function = module, function

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, store: Store | None, owner: type) -> Any:
        function = getattr(import_module(self.module), self.function)
        setattr(owner, self.name, function)  # an ordinary method from now on
        return function if store is None else function.__get__(store, owner)


if not TYPE_CHECKING:  # each concern's module by its name (the type checker sees the modules themselves)
    _CONCERNS = (
        "browse exporting knowledge_diff maintenance offices queries stats targets text_search timelines writing"
    )
    globals().update({name: _Concern(name) for name in _CONCERNS.split()})


def db_hint(db: str) -> str:
    """The --db option a command needs to reach this store ('' for the default one); a PostgreSQL URL without
    its password."""
    import shlex

    return "" if db == DEFAULT_DB else f" --db {shlex.quote(str(database.locate(db)))}"


class Store:
    """One timeline store as the application sees it: the event log and its read models, kept current on open."""

    LONG_CATCH_UP = 5000  # events: a catch-up this long is announced (through `steps`) before it starts

    def __init__(
        self,
        db: str,
        *,
        create: bool = False,
        catch_up: bool = True,
        recorded_before: datetime | None = None,
        steps: Steps | None = None,
    ):
        """`recorded_before` (system time) makes every query answer as this store held it before that time;
        `steps` hears of a long catch-up (read models built by another version are rebuilt from the log)."""
        self.location = database.locate(db)
        exists = check_is_timeline_store(self.location)
        if not exists and not create:
            hint = db_hint(db)
            raise StoreError(
                f"{self.location}: no timeline store here; create one with `timeline ingest FILES{hint}` "
                f"or load the sample with `timeline demo{hint}`"
            )
        self.read_models = ReadModels(self.location, models=create)  # a writer compares stored states with input
        self._reader: LogReader | None = None
        self._connection = self.read_models.connection  # (read_models may become a view of an earlier time)
        # On PostgreSQL the log's tables are created only for a new store: a reader may not create any.
        self._create_log = not exists or not self.location.is_postgres
        self._log: EventLog | None = None
        self._merged: tuple[int, list[EntityRecord]] | None = None  # see merged_records
        try:
            with store_errors(self.location):
                if not exists:
                    self.log  # noqa: B018  (a new store: its log's tables now)
                self._repair_ahead()
                behind = log_position(self.read_models.connection) - self.read_models.position()
                if catch_up and behind > 0:
                    if behind >= self.LONG_CATCH_UP:
                        (steps or Quiet()).step(
                            f"{self.location}: the read models are {behind} events behind the log (built by another "
                            "version, or not yet caught up): applying them once, before answering"
                        )
                    self._catch_up(wait=create or behind >= self.LONG_CATCH_UP)
        except BaseException:
            self.close()
            raise
        self.recorded_before = recorded_before
        if recorded_before is not None:
            from timeline.storage.system_time import RecordedBefore

            self.read_models = RecordedBefore(self.read_models, self.log_reader, recorded_before)  # type: ignore[assignment]

    def _catch_up(self, wait: bool) -> None:
        """Bring the read models up to the log. A writer waits for another process catching up (it plans from
        them), and so does a reader of read models far behind (what they hold is committed a batch at a time, so
        it would answer from part of the log); a reader a few events behind reads what is committed rather than
        wait."""
        try:
            with without_gc():
                self.read_models.catch_up(self.log, wait=wait)
        except StoreError as error:
            if wait or "busy" not in str(error):
                raise
        except KeyboardInterrupt:
            raise self.catch_up_interrupted() from None

    def catch_up_interrupted(self) -> Interrupted:
        """What a Ctrl-C while the read models catch up leaves: the batches committed stay (ReadModels.catch_up)."""
        return Interrupted(read_models=(self.read_models.position(), self.log.max_position()))

    def _repair_ahead(self) -> None:
        """Read models that claim more of the log than it holds (a store restored from a backup under newer read
        models, or tampered with) would hide new facts and call every re-ingest a conflict: rebuild them."""
        position = self.read_models.position()
        if not isinstance(position, int) or position > log_position(self.read_models.connection):
            self.read_models.rebuild(self.log)

    @property
    def log(self) -> EventLog:
        """The event log, opened when first needed: a query on current read models never opens it (nor imports
        eventsourcing). Only a new store's creator takes the creators' lock: readers never wait for writers."""
        if self._log is None:
            from timeline.storage.log import EventLog

            with self.read_models.connection.creating() if self._create_log else nullcontext():
                self._log = EventLog(self.location, create=self._create_log)
        return self._log

    @property
    def log_reader(self) -> LogReader:
        """The log read for `log`, `show` and `changes`: events as records, without eventsourcing unless a row
        needs it (timeline.storage.log_reader), with the read models' connection."""
        if self._reader is None:
            from timeline.storage.log_reader import LogReader

            self._reader = LogReader(self._connection, lambda: self.log)
        return self._reader

    def merged_records(self) -> list[EntityRecord]:
        """The entity records merged into another, read once per read-model position: they take a scan of every
        entity's state, and a query that names two entities (or is asked again in one process) needs them again."""
        position = self.read_models.position()
        if self._merged is None or self._merged[0] != position:
            self._merged = (position, self.read_models.merged_records())
        return self._merged[1]

    def close(self) -> None:
        """The log's connections first: the read models' one holds the store's claim (timeline/storage/claims.py)
        until nothing of this store is open."""
        try:
            if self._log is not None:
                self._log.close()
        finally:
            self.read_models.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, *rest: object) -> None:
        """Closes the store; what a damaged store raised while in use becomes one StoreError naming it."""
        self.close()
        if isinstance(error, Exception):
            with store_errors(self.location):
                raise error

    # Each task or question is a function of its concern's module, bound here as a method (imported on first use).
    validate = writing.validate
    ingest = writing.append

    entity = queries.entity
    names = queries.names
    merges = queries.merges  # merges: resolved in one place, followed by every query taking an entity
    surviving = queries.surviving
    facts_naming = queries.facts_naming
    facts_in = queries.facts_in
    scope = queries.scope
    project = timelines.project
    partner = timelines.partner
    targets = targets.targets
    office = offices.office
    person = offices.person
    stats = stats.stats
    search = text_search.search
    diff = knowledge_diff.diff

    show = browse.show  # the daily loop
    list_entities = browse.list_entities
    list_facts = browse.list_facts
    changes = browse.changes

    export = exporting.export

    rebuild = maintenance.rebuild
    verify = maintenance.verify
    events = maintenance.events
    event_page = maintenance.event_page
    audit = maintenance.audit

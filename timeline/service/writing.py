"""Writing: validate input files (`check`), and ingest them into a store, creating it once the input is valid.

Ingest and validation modules, and the event log, are imported when used: a query needs none of them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from timeline.errors import Interrupted, InvalidInput, StoreError
from timeline.service.bulk import Quiet, Steps, without_gc
from timeline.storage import database
from timeline.storage.probe import check_is_timeline_store

if TYPE_CHECKING:
    from events.domain import EntityRecord
    from timeline.intake.plan import Change, Plan
    from timeline.intake.resolve import KnownEntities
    from timeline.intake.stream import Survey
    from timeline.intake.validate import ValidInput
    from timeline.service.store import Store

INGEST_BATCH = 2000  # facts planned and appended at a time
KEEP_APPENDED = 20_000  # events a run keeps to update the read models from; beyond it they are read back


@dataclass(frozen=True)
class CheckReport:
    entities: int
    facts: int
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"entities": self.entities, "facts": self.facts, "problems": [], "warnings": list(self.warnings)}


def validate_files(
    paths: Iterable[str | Path],
    known: Iterable[EntityRecord] | KnownEntities = (),
    known_targets: Collection[str] = (),
    steps: Steps = Quiet(),
    today: date | None = None,
) -> ValidInput:
    """Every problem in the files, or the validated input: file-level and record-level problems together."""
    from timeline.intake.loader import load
    from timeline.intake.validate import validate

    records, problems = load(paths)
    try:
        valid = validate(steps.track(records, "validating"), known, known_targets, today)
    except InvalidInput as error:
        raise InvalidInput(problems + error.problems) from None
    if problems:
        raise InvalidInput(problems)
    return valid


def validate(
    store: Store, paths: Iterable[str | Path], steps: Steps = Quiet(), today: date | None = None
) -> ValidInput:
    """The input validated against the store's entities and target keys, read only as far as it names them."""
    store.read_models.models = True  # input is compared with what is stored: both as models
    return validate_files(paths, store.read_models, store.read_models.targets(), steps, today)


def check(paths: Iterable[str | Path], db: str | None, today: date | None = None) -> CheckReport:
    """Validate files against the store's entities when there is a store; write nothing."""
    from timeline.service.store import Store

    if db and check_is_timeline_store(database.locate(db)):
        with Store(db, catch_up=False) as store:
            valid = store.validate(paths, today=today)
    else:
        valid = validate_files(paths, today=today)
    return CheckReport(len(valid.entities), len(valid.facts), tuple(str(doubt) for doubt in valid.warnings))


def ingest(
    paths: Iterable[str | Path], db: str, steps: Steps = Quiet(), complete: bool = False, today: date | None = None
) -> Plan:
    """Ingest into a store, creating it only once the input is known to be valid; `complete` also reports the
    stored facts the input lacks. A store this run created is removed again if the run fails or is interrupted
    before anything was written."""
    from timeline.intake.stream import survey
    from timeline.service.store import Store
    from timeline.storage.discard import discard_empty_store

    paths = list(paths)
    location = database.locate(db)
    existed = True
    done: Plan | None = None
    try:
        with without_gc():
            # A new store knows nothing yet: validate (pass 1) before creating it.
            existed = check_is_timeline_store(location)
            surveyed = None if existed else survey(paths, today=today)
            with Store(db, create=True, steps=steps) as store:
                done = store.ingest(paths, surveyed, steps, complete, today)
        return done
    except BaseException as stopped:
        if not existed:
            if isinstance(stopped, KeyboardInterrupt):
                _release_connections(stopped)
            discard_empty_store(location)  # a failed or interrupted first ingest leaves nothing behind
        if isinstance(stopped, Interrupted):
            raise
        if isinstance(stopped, KeyboardInterrupt):  # what was written is what the finished plan appended, if any
            raise Interrupted(done.appended if done is not None else 0) from None
        raise


def _release_connections(interrupt: KeyboardInterrupt) -> None:
    """A Ctrl-C can land while a store is being created, before its owner holds the new connection: the frames
    of the traceback keep it open, its transaction unfinished, and the store file would look in use. Drop them
    and collect, so that every connection of this run is closed (rolled back) before the file is judged."""
    import gc

    interrupt.__traceback__ = None
    gc.collect()


def append(
    store: Store,
    paths: Iterable[str | Path],
    surveyed: Survey | None = None,
    steps: Steps = Quiet(),
    complete: bool = False,
    today: date | None = None,
) -> Plan:
    """Validate everything (pass 1, unless given its survey), then read the input again and append its events
    a batch at a time in ONE transaction, and bring the read models up to date. Memory follows a batch, not
    the input; the cost follows the input, not the store; only `complete` (the input is meant to hold every
    fact) reads every fact id to report those it lacks. Ctrl-C raises Interrupted, counting what the log
    gained: nothing before the commit; after it, the events the read models have yet to catch up with."""
    start = store.log.max_position()
    try:
        with without_gc():
            return _append(store, paths, surveyed, steps, complete, today)
    except KeyboardInterrupt:
        raise Interrupted(store.log.max_position() - start) from None


def _append(
    store: Store,
    paths: Iterable[str | Path],
    surveyed: Survey | None,
    steps: Steps,
    complete: bool,
    today: date | None,
) -> Plan:
    from timeline.intake.plan import Plan, plan
    from timeline.intake.stream import resolved_facts, survey
    from timeline.intake.validate import ValidInput
    from timeline.storage.readmodels import chunks

    read_models = store.read_models
    store.read_models.models = True  # input is compared with what is stored: both as models
    steps.step("validating")
    surveyed = surveyed or survey(paths, read_models, read_models.targets(), today)
    total = Plan()
    total.warnings += [str(doubt) for doubt in surveyed.warnings]

    def batches() -> Iterator[list[Change]]:
        entities = read_models.entity_states(record.id for record in surveyed.entities)
        for part in (plan(ValidInput(surveyed.entities, ()), {}, entities),):
            total.absorb(part, keep=KEEP_APPENDED)
            yield part.changes
        for facts in chunks(resolved_facts(surveyed), INGEST_BATCH):
            part = plan(ValidInput((), tuple(facts)), read_models.fact_states(f.id for f in facts), {})
            total.absorb(part, keep=KEEP_APPENDED)
            yield part.changes

    steps.step("appending events in one transaction")
    appended = store.log.append_batches(batches(), keep=KEEP_APPENDED)
    if complete and surveyed.first_seen:
        total.missing = sorted(read_models.fact_ids() - surveyed.fact_ids())
    steps.step(f"updating the read models ({total.appended:,} events)")
    try:
        read_models.catch_up(store.log, known=appended)
    except StoreError as error:  # the events are committed: this run did its job, the read models lag
        reason = str(error).removeprefix(f"{store.location}: ").removesuffix("; try again")
        total.warnings.append(
            f"{total.appended} events written; the read models will catch up on the next command ({reason})"
        )
    return total

"""The application service: the one place that coordinates files, the store and the projections.

It takes plain values (paths, references, dates) and returns view objects; it turns store failures into
`TimelineError`s. The CLI calls one method per command and renders what comes back.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from events.dates import parse_edtf
from events.records import EntityRecord, Fact
from events.text import fold, match_key
from projections.chronology import Window, mentions
from projections.diff import knowledge_diff
from projections.entities import follow_merges, merge_map, one_with
from projections.knowledge import is_visible, view
from projections.offices import attestations, tenures, who
from projections.partners import history_of
from projections.search import snippet, text_score
from projections.selection import Filters, Scope, select, shown_view
from projections.stats import fact_stats
from projections.targets import target_tracker
from timeline import DEFAULT_DB
from timeline.errors import Interrupted, InvalidInput, InvalidOption, NotFound, StoreError
from timeline.paging import Paged
from timeline.present.views import (
    DiffView,
    ExportSet,
    OfficeView,
    PartnerView,
    PersonView,
    ProjectTimeline,
    SearchHit,
    SearchView,
    StatsView,
    TargetsView,
    VerifyReport,
)
from timeline.storage.database import discard_empty_store, locate, store_errors
from timeline.storage.probe import check_is_timeline_store, log_position
from timeline.storage.readmodels import ReadModels
from timeline.storage.recorded import recorded_key

if TYPE_CHECKING:  # ingest, the models and the event log are imported where they are used: a query needs none
    from projections.facts import FactState
    from timeline.intake.plan import Change, Plan
    from timeline.intake.resolve import KnownEntities
    from timeline.intake.stream import Survey
    from timeline.intake.validate import ValidInput
    from timeline.present.audit import AuditView
    from timeline.storage.log import EventLog, LoggedEvent

T = TypeVar("T")
INGEST_BATCH = 2000  # facts planned and appended at a time
KEEP_APPENDED = 20_000  # events a run keeps to update the read models from; beyond it they are read back


class Steps(Protocol):
    """How a long run tells its progress (the CLI draws a bar on a terminal); the default says nothing."""

    def track(self, items: list[T], description: str) -> Iterable[T]: ...

    def step(self, description: str) -> None: ...


class Quiet:
    def track(self, items: list[T], description: str) -> Iterable[T]:
        return items

    def step(self, description: str) -> None:
        pass


def db_hint(db: str) -> str:
    """The --db option a command needs to reach this store ('' for the default one); a PostgreSQL URL without
    its password."""
    import shlex

    return "" if db == DEFAULT_DB else f" --db {shlex.quote(str(locate(db)))}"


def sample_paths() -> list[Path]:
    """The bundled sample dataset, recorded from the seed articles."""
    from importlib import resources

    root = resources.files("timeline") / "sample"
    return [Path(str(root / "entities.yaml")), Path(str(root / "facts"))]


@dataclass(frozen=True)
class CheckReport:
    entities: int
    facts: int
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"entities": self.entities, "facts": self.facts, "problems": [], "warnings": list(self.warnings)}


class Timeline:
    """A timeline store: the event log and its read models, kept current on open."""

    def __init__(
        self, db: str, *, create: bool = False, catch_up: bool = True, recorded_before: datetime | None = None
    ):
        """`recorded_before` (system time) makes every query answer as this store held it before that time."""
        self.location = locate(db)
        exists = check_is_timeline_store(self.location)
        if not exists and not create:
            hint = db_hint(db)
            raise StoreError(
                f"{self.location}: no timeline store here; create one with `timeline ingest FILES{hint}` "
                f"or load the sample with `timeline demo{hint}`"
            )
        self.read_models = ReadModels(self.location, models=create)  # a writer compares stored states with input
        # On PostgreSQL the log's tables are created only for a new store: a reader may not create any.
        self._create_log = not exists or not self.location.is_postgres
        self._log: EventLog | None = None
        try:
            with store_errors(self.location):
                if not exists:
                    self.log  # noqa: B018  (a new store: its log's tables now)
                self._repair_ahead()
                if catch_up and log_position(self.read_models.connection) > self.read_models.position():
                    self._catch_up(writer=create)
        except BaseException:
            self.close()
            raise
        self.recorded_before = recorded_before
        if recorded_before is not None:
            from timeline.storage.system_time import RecordedBefore  # folds events again: the models, the log

            self.read_models = RecordedBefore(self.read_models, self.log, recorded_before)  # type: ignore[assignment]

    def _catch_up(self, writer: bool) -> None:
        """Bring the read models up to the log. A writer waits for another process catching up (it plans from
        them); a reader that finds one at work reads what is committed, a moment behind, rather than wait."""
        try:
            self.read_models.catch_up(self.log, wait=writer)
        except StoreError as error:
            if writer or "busy" not in str(error):
                raise

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

    def close(self) -> None:
        self.read_models.close()
        if self._log is not None:
            self._log.close()

    def __enter__(self) -> Timeline:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, *rest: object) -> None:
        """Closes the store; what a damaged store raised while in use becomes one StoreError naming it."""
        self.close()
        if isinstance(error, Exception):
            with store_errors(self.location):
                raise error

    # Writing --------------------------------------------------------------------------------------

    def validate(self, paths: Iterable[str | Path], steps: Steps = Quiet(), today: date | None = None) -> ValidInput:
        """The input validated against the store's entities and target keys, read only as far as it names them."""
        self.read_models.models = True  # input is compared with what is stored: both as models
        return validate_files(paths, self.read_models, self.read_models.targets(), steps, today)

    def ingest(
        self,
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
        start = self.log.max_position()
        try:
            with without_gc():
                return self._ingest(paths, surveyed, steps, complete, today)
        except KeyboardInterrupt:
            raise Interrupted(self.log.max_position() - start) from None

    def _ingest(
        self, paths: Iterable[str | Path], surveyed: Survey | None, steps: Steps, complete: bool, today: date | None
    ) -> Plan:
        from timeline.intake.plan import Plan, plan
        from timeline.intake.stream import resolved_facts, survey
        from timeline.intake.validate import ValidInput
        from timeline.storage.readmodels import chunks

        self.read_models.models = True  # input is compared with what is stored: both as models
        steps.step("validating")
        surveyed = surveyed or survey(paths, self.read_models, self.read_models.targets(), today)
        total = Plan()
        total.warnings += [str(doubt) for doubt in surveyed.warnings]

        def batches() -> Iterator[list[Change]]:
            entities = self.read_models.entity_states(record.id for record in surveyed.entities)
            for part in (plan(ValidInput(surveyed.entities, ()), {}, entities),):
                total.absorb(part, keep=KEEP_APPENDED)
                yield part.changes
            for facts in chunks(resolved_facts(surveyed), INGEST_BATCH):
                part = plan(ValidInput((), tuple(facts)), self.read_models.fact_states(f.id for f in facts), {})
                total.absorb(part, keep=KEEP_APPENDED)
                yield part.changes

        steps.step("appending events in one transaction")
        appended = self.log.append_batches(batches(), keep=KEEP_APPENDED)
        if complete and surveyed.first_seen:
            total.missing = sorted(self.read_models.fact_ids() - surveyed.fact_ids())
        steps.step(f"updating the read models ({total.appended:,} events)")
        try:
            self.read_models.catch_up(self.log, known=appended)
        except StoreError as error:  # the events are committed: this run did its job, the read models lag
            reason = str(error).removeprefix(f"{self.location}: ").removesuffix("; try again")
            total.warnings.append(
                f"{total.appended} events written; the read models will catch up on the next command ({reason})"
            )
        return total

    # Reading --------------------------------------------------------------------------------------

    def entity(self, ref: str, kind: str) -> EntityRecord:
        """The entity of `kind` that `ref` names (id or alias); NotFound with suggestions otherwise."""
        named = self.read_models.entities_named(match_key(ref), kind)
        if len(named) == 1:
            return named[0]
        from timeline.intake.resolve import EntityIndex, Unresolved

        index = EntityIndex(known=self.read_models)
        try:
            return index.record(index.resolve(ref, kind))  # type: ignore[return-value]
        except Unresolved as error:
            every = {"project": "projects", "organisation": "organisations", "office": "offices", "person": "people"}
            raise NotFound(f"{error} (list them all: timeline list {every[kind]})") from None

    def names(self, facts: Iterable[Fact] = (), *ids: str) -> dict[str, str]:
        """The names of the entities these facts (in any statement) and ids refer to."""
        wanted = set(ids)
        for fact in facts:
            wanted.update(*mentions(fact).values())
        return self.read_models.names(wanted)

    def one_entity(self, ref: str, kind: str, role: str, as_of: date | None) -> tuple[EntityRecord, list[Fact]]:
        """The entity `ref` names, or the one it was merged into (by `as_of`), and the facts naming any record
        of it in that role, with merged ids replaced by the surviving one."""
        merges = merge_map(self.read_models.merged_records(), as_of)
        record = self.entity(ref, kind)
        if record.id in merges:
            record = self.entity(merges[record.id], kind)
        found: dict[str, Fact] = {}
        for entity_id in sorted(one_with(record.id, merges)):
            for fact in self.read_models.facts_mentioning(entity_id, role, as_of):
                found.setdefault(fact.id, follow_merges(fact, merges))
        return record, [found[i] for i in sorted(found)]

    def scope(self, filters: Filters) -> Scope:
        """The filters' project and partner references resolved to ids (NotFound with suggestions)."""
        project = self.entity(filters.project, "project") if filters.project else None
        partner = self.entity(filters.partner, "organisation") if filters.partner else None
        named = tuple(entity for entity in (project, partner) if entity)
        return Scope(project.id if project else None, partner.id if partner else None, filters.kinds, named)

    def project(
        self, ref: str, as_of: date | None = None, window: Window = Window(), filters: Filters | None = None
    ) -> ProjectTimeline:
        filters = filters or Filters(as_of, window)
        scope = self.scope(filters)
        project, facts = self.one_entity(ref, "project", "project", filters.as_of)
        chosen = select(facts, lambda fact: project.id in fact.projects and scope.admits(fact), filters)
        return ProjectTimeline(
            project, filters.as_of, filters.window, chosen.entries, self.names(facts), chosen.hidden_retracted
        )

    def partner(
        self, ref: str, as_of: date | None = None, window: Window = Window(), filters: Filters | None = None
    ) -> PartnerView:
        filters = filters or Filters(as_of, window)
        scope = self.scope(filters)
        partner, facts = self.one_entity(ref, "organisation", "partner", filters.as_of)
        chosen = select(facts, lambda fact: partner.id in fact.partners and scope.admits(fact), filters)
        history = history_of(chosen.entries)
        return PartnerView(partner, filters.as_of, filters.window, history, self.names(facts), chosen.hidden_retracted)

    def targets(self, project: str | None, as_of: date | None, today: date) -> TargetsView:
        """Every target (or a project's) with its statements and its state as of a knowledge date; deadlines are
        judged on the knowledge date, or on `today` (the caller's clock) when the query is as known now."""
        scope = self.entity(project, "project") if project else None
        if scope is None:
            keys = self.read_models.target_keys()
        else:
            seen = (view(fact, as_of) for fact in self.read_models.facts_mentioning(scope.id, "project", as_of))
            keys = {v.fact.target for v in seen if v and v.fact.target and scope.id in v.fact.projects}
        facts = self.read_models.facts_with_target(keys) + self.read_models.facts_fulfilling(keys)
        judged_on = as_of or today
        return TargetsView(as_of, judged_on, scope, target_tracker(facts, as_of, judged_on, keys))

    def office(self, ref: str, on: date | None = None, as_of: date | None = None) -> OfficeView:
        """Who held the office on a day (from the facts near that day), or every holder over time."""
        office = self.entity(ref, "office")
        facts = (
            self.read_models.facts_attesting(office.id, on)
            if on
            else self.read_models.facts_mentioning(office.id, "office", as_of)
        )
        found = [a for a in attestations(facts, as_of) if a.office == office.id]
        if on:
            return OfficeView(office, as_of, who(found, office.id, on), [], self.names(facts, office.id))
        return OfficeView(office, as_of, None, tenures(found), self.names(facts, office.id))

    def person(
        self, ref: str, as_of: date | None = None, window: Window = Window(), filters: Filters | None = None
    ) -> PersonView:
        filters = filters or Filters(as_of, window)
        person, scope = self.entity(ref, "person"), self.scope(filters)
        facts = self.read_models.facts_mentioning(person.id, "person", filters.as_of)
        held = [t for t in tenures(attestations(facts, filters.as_of)) if t.person == person.id]
        chosen = select(
            facts, lambda fact: any(p.person == person.id for p in fact.people) and scope.admits(fact), filters
        )
        return PersonView(
            person, filters.as_of, held, chosen.entries, self.names(facts, person.id), chosen.hidden_retracted
        )

    def search(
        self,
        query: str,
        as_of: date | None = None,
        limit: int = 20,
        filters: Filters | None = None,
        after: int = 0,
    ) -> SearchView:
        """Facts whose visible text has every word (the last as a prefix), or that name an entity whose names
        do; ranked by how often the words occur, then date and id. FTS5 finds the candidates (the best few
        hundred by its own rank, so that a common word stays fast in a large store). The filters narrow the
        hits (as stated on the knowledge date); retracted facts are counted apart unless included. A page is the
        `limit` hits after the first `after`; candidates are capped by how far the page reaches."""
        filters = filters or Filters(as_of)
        terms = search_terms(query)
        scope, window = self.scope(filters), filters.window
        narrowed = scope.narrows or not window.is_open
        facts, entity_ids = self.read_models.search(terms, cap=max(100, (50 if narrowed else 5) * (after + limit)))
        scored, hidden = [], 0
        for fact in facts:
            seen, retracted = shown_view(fact, filters.as_of)
            if seen is None or not scope.admits(seen.fact) or not seen.occurred.overlaps(window.since, window.until):
                continue
            score = text_score(seen.fact, terms)
            if not score and not entity_ids & set().union(*mentions(seen.fact).values()):
                continue
            if retracted and not filters.include_retracted:
                hidden += 1
                continue
            scored.append((-score, seen.occurred.sort_key, seen.id, seen))
        scored.sort(key=lambda item: item[:3])
        hits = [SearchHit(seen, snippet(seen.fact, terms)) for *_, seen in scored[after : after + limit]]
        more = after + limit if len(scored) > after + limit else None
        return SearchView(query, filters.as_of, hits, hidden, scope, after, more)

    def diff(
        self, since: date, until: date, project: str | None = None, after: str | None = None, limit: int | None = None
    ) -> DiffView:
        """What changed between two knowledge dates, over the facts whose knowledge days fall in the window (and
        the facts sharing their target keys). A page holds the next `limit` of those facts by id after `after`; a
        target's change is told on the page of the first changed fact naming it."""
        if until < since:
            raise InvalidOption(f"diff: --to {until} is before --from {since}")
        scope = self.entity(project, "project") if project else None
        ids = self.read_models.ids_changing_between(since, until, after, None if limit is None else limit + 1)
        more = limit is not None and len(ids) > limit
        ids = ids[:limit] if more else ids
        facts = self._in_scope(self.read_models.fact_states(ids).values(), scope)
        keys = {key for f in facts if (key := f.target or f.fulfils)}
        related = {
            f.id: f for f in facts + self.read_models.facts_with_target(keys) + self.read_models.facts_fulfilling(keys)
        }
        found = knowledge_diff(related.values(), since, until, changed={f.id for f in facts})
        if after is not None and found.targets:
            told = self._keys_told_before(since, until, after, keys, scope)
            found = replace(found, targets=tuple(t for t in found.targets if t[0] not in told))
        return DiffView(found, scope, ids[-1] if more else None)

    def _in_scope(self, states: Iterable[FactState], scope: EntityRecord | None) -> list[Fact]:
        facts = sorted((state.fact for state in states), key=lambda f: f.id)
        if scope is None:
            return facts
        return [
            f
            for f in facts
            if scope.id in f.projects or any(scope.id in s.differs.get("projects", ()) for s in f.sources)
        ]

    def _keys_told_before(
        self, since: date, until: date, after: str, keys: set[str], scope: EntityRecord | None
    ) -> set[str]:
        """The target keys named by a changed fact (in scope) on an earlier page: their change was told there."""
        earlier = set(self.read_models.ids_changing_between(since, until, upto=after))
        naming = {key: ids & earlier for key, ids in self.read_models.ids_keyed(keys).items()}
        if scope is not None:
            kept = {
                f.id
                for f in self._in_scope(self.read_models.fact_states(set().union(*naming.values())).values(), scope)
            }
            naming = {key: ids & kept for key, ids in naming.items()}
        return {key for key, ids in naming.items() if ids}

    def export(
        self,
        as_of: date | None = None,
        window: Window = Window(),
        project: str | None = None,
        partner: str | None = None,
    ) -> ExportSet:
        """The facts (and the entities they need) to export: as the record stood on `as_of` (sources reported by
        then; a retraction only if it applied by then), that overlap the window and name the project and the
        partner (as stated then). Without --project/--partner every entity is exported."""
        scope = [self.entity(ref, kind) for ref, kind in ((project, "project"), (partner, "organisation")) if ref]
        if scope:
            role = "project" if project else "partner"
            facts = self.read_models.facts_mentioning(scope[0].id, role, as_of)
        else:
            facts = [state.fact for state in self.read_models.fact_states(sorted(self.read_models.fact_ids())).values()]
        chosen: list[tuple[tuple[Any, ...], str, Fact]] = []
        for fact in facts:
            known = as_known(fact, as_of)
            if known is None:
                continue
            seen = view(known.model_copy(update={"retracted": None}), as_of)
            if seen is None or not seen.occurred.overlaps(window.since, window.until):
                continue
            if project and scope[0].id not in seen.fact.projects:
                continue
            if partner and scope[-1].id not in seen.fact.partners:
                continue
            chosen.append((seen.occurred.sort_key, known.id, known))
        chosen.sort(key=lambda item: item[:2])
        selected = [known for *_, known in chosen]
        every = self.read_models.entities()
        if scope:
            wanted = {e.id for e in scope}
            for fact in selected:
                wanted.update(*mentions(fact).values())
            by_id = {e.id: e for e in every}
            wanted.update(org for i in list(wanted) if i in by_id and (org := by_id[i].organisation))
            every = [e for e in every if e.id in wanted]
        return ExportSet(as_of, window, tuple(scope), tuple(selected), tuple(every))

    # Maintenance -----------------------------------------------------------------------------------

    def rebuild(self) -> int:
        """Recreate every read model from the log; returns the events applied."""
        with without_gc():
            return self.read_models.rebuild(self.log)

    def verify(self) -> VerifyReport:
        """Rebuild into memory and compare with the stored read models, row by row. Read models that are merely
        behind the log (a run killed after its append) are first caught up, as every other command does."""
        self.read_models.catch_up(self.log)
        scratch = ReadModels(locate(":memory:"))
        try:
            scratch.catch_up(self.log)
            expected, actual = scratch.dump(system_time=True), self.read_models.dump(system_time=True)
        finally:
            scratch.close()
        differences = []
        for table in expected:
            want, have = set(expected[table]), set(actual[table])
            differences += [f"{table}: missing {_row(row)}" for row in sorted(want - have, key=repr)]
            differences += [f"{table}: unexpected {_row(row)}" for row in sorted(have - want, key=repr)]
        return VerifyReport(differences, self.read_models.position())

    def events(self, fact: str | None = None) -> list[LoggedEvent]:
        """Every event of the log (or of one fact's stream), oldest first; with `recorded_before`, only those
        recorded before it."""
        return list(self.event_page(fact))

    def event_page(self, fact: str | None = None, after: int = 0, limit: int | None = None) -> Paged[LoggedEvent]:
        """The log after a position (one fact's stream after a version), read a page at a time as it is iterated:
        at most `limit` events, then `next` says where to continue."""
        if fact is None:
            batch = min(limit + 1, 1000) if limit else 1000
            return Paged(self._recorded_then(self.log.read(after, batch)), limit, lambda logged: logged.position)
        found = self.log.stream(fact, after, None if self.recorded_before else (limit + 1 if limit else None))
        if not found and not (after and self.log.stream(fact, 0, 1)):
            raise NotFound(f"no fact '{fact}' in {self.location}")
        return Paged(list(self._recorded_then(found)), limit, lambda logged: logged.version)

    def _recorded_then(self, events: Iterable[LoggedEvent]) -> Iterator[LoggedEvent]:
        """The events recorded before `recorded_before` (all, without it)."""
        before = recorded_key(self.recorded_before) if self.recorded_before else None
        return (e for e in events if before is None or recorded_key(e.recorded) < before)

    def audit(self, since: datetime, until: datetime) -> AuditView:
        """What this store itself gained (events, corrections included) recorded since <= t < until."""
        if until < since:
            raise InvalidOption(
                f"diff: --recorded-to {recorded_key(until)} is before --recorded-from {recorded_key(since)}"
            )
        from timeline.present.audit import AuditView

        low, high = recorded_key(since), recorded_key(until)
        found: list[LoggedEvent] = []
        for _, first, last in self.read_models.recorded_between(low, high):
            found += [e for e in self.log.between(first, last) if low <= recorded_key(e.recorded) < high]
        return AuditView(since, until, tuple(found))

    # Statistics ------------------------------------------------------------------------------------

    def stats(self, as_of: date | None = None, project: str | None = None, partner: str | None = None) -> StatsView:
        """Facts per year by kind and per partner, and each target's values, as the record stood on `as_of`;
        only facts naming the project and the partner when given (as stated then); retracted facts excluded."""
        scope = with_partner = None
        if project:
            scope, facts = self.one_entity(project, "project", "project", as_of)
        if partner:
            with_partner, partner_facts = self.one_entity(partner, "organisation", "partner", as_of)
            facts = facts if project else partner_facts
        if not project and not partner:
            merges = merge_map(self.read_models.merged_records(), as_of)
            ids = sorted(self.read_models.fact_ids())
            facts = [follow_merges(state.fact, merges) for state in self.read_models.fact_states(ids).values()]
        stats = fact_stats(facts, as_of, scope.id if scope else None, with_partner.id if with_partner else None)
        return StatsView(as_of, scope, with_partner, stats, self.names(facts))


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


def as_known(fact: Fact, as_of: date | None) -> Fact | None:
    """The fact as the record held it on `as_of`: only the sources reported by then, and its retraction only if
    it applied by then; None if no source was out yet. Ingested alone, it gives the same view on any day up to
    `as_of` as the full fact does."""
    if as_of is None:
        return fact
    sources = tuple(source for source in fact.sources if is_visible(source, as_of))
    if not sources:
        return None
    retracted = fact.retracted
    if retracted is not None and parse_edtf(retracted.on).lower_or_min > as_of:
        retracted = None
    if len(sources) == len(fact.sources) and retracted is fact.retracted:
        return fact
    return fact.model_copy(update={"sources": sources, "retracted": retracted})


SEARCH_WORDS = 32  # distinct words in one search: each is matched and scored in every candidate's text


def search_terms(query: str) -> list[str]:
    """The query's distinct words in order, the last one (a prefix) last; at least one, at most SEARCH_WORDS."""
    words = fold(query).split()
    if not words:
        raise InvalidOption("search: give at least one word")
    terms = [word for word in dict.fromkeys(words) if word != words[-1]] + [words[-1]]
    if len(terms) > SEARCH_WORDS:
        raise InvalidOption(f"search: {len(terms)} different words; give at most {SEARCH_WORDS}")
    return terms


def _row(row: tuple[object, ...]) -> str:
    text = repr(row)
    return text if len(text) <= 160 else text[:157] + "..."


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


def ingest(
    paths: Iterable[str | Path], db: str, steps: Steps = Quiet(), complete: bool = False, today: date | None = None
) -> Plan:
    """Ingest into a store, creating it only once the input is known to be valid; `complete` also reports the
    stored facts the input lacks. A store this run created is removed again if the run fails or is interrupted
    before anything was written."""
    from timeline.intake.stream import survey

    paths = list(paths)
    location = locate(db)
    existed = True
    try:
        with without_gc():
            # A new store knows nothing yet: validate (pass 1) before creating it.
            existed = check_is_timeline_store(location)
            surveyed = None if existed else survey(paths, today=today)
            with Timeline(db, create=True) as store:
                return store.ingest(paths, surveyed, steps, complete, today)
    except BaseException as stopped:
        if not existed:
            discard_empty_store(location)  # a failed or interrupted first ingest leaves nothing behind
        if isinstance(stopped, (KeyboardInterrupt, Interrupted)):
            raise Interrupted(stopped.written if isinstance(stopped, Interrupted) else 0) from None
        raise


def check(paths: Iterable[str | Path], db: str | None, today: date | None = None) -> CheckReport:
    """Validate files against the store's entities when there is a store; write nothing."""
    if db and check_is_timeline_store(locate(db)):
        with Timeline(db, catch_up=False) as store:
            valid = store.validate(paths, today=today)
    else:
        valid = validate_files(paths, today=today)
    return CheckReport(len(valid.entities), len(valid.facts), tuple(str(doubt) for doubt in valid.warnings))


def draft_article(
    path: str | Path,
    published: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    lang: str | None = None,
    db: str | None = None,
) -> str:
    """Draft facts from an article file as reviewable YAML: entities (and twins) from the store when there is
    one, else from the bundled sample's entities."""
    from events.dates import InvalidDate
    from timeline.drafting import draft, find_twins, to_yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidOption(f"{path}: cannot read the article: {error.strerror}") from None
    known_facts: dict[str, Fact] = {}
    if db and check_is_timeline_store(locate(db)):
        with Timeline(db) as store:
            records = store.read_models.entities()
            known_facts = {i: s.fact for i, s in store.read_models.fact_states(store.read_models.fact_ids()).items()}
    else:
        records = list(validate_files(sample_paths()[:1]).entities)
    try:
        result = draft(text, records, published=published, lang=lang)
    except InvalidDate as error:
        raise InvalidOption(f"--published: {error}") from None
    find_twins(result.facts, known_facts.values())
    return to_yaml(result, outlet or "REVIEW: outlet", url, known_facts)

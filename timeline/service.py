"""The application service: the one place that coordinates files, the store and the projections.

It takes plain values (paths, references, dates) and returns view objects; it turns store failures into
`TimelineError`s. The CLI calls one method per command and renders what comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from events.domain import EntityRecord
from events.text import match_key
from projections.timeline import TimelineEntry, Window, entry_json, timeline
from timeline.errors import InvalidInput, NotFound, StoreError
from timeline.ingest import Plan, plan
from timeline.loader import load
from timeline.readmodels import ReadModels
from timeline.resolve import EntityIndex, Unresolved
from timeline.store import EventLog, LoggedEvent, check_is_timeline_store, sqlite_path
from timeline.validate import ValidInput, validate


def sample_paths() -> list[Path]:
    """The bundled sample dataset, recorded from the seed articles."""
    root = resources.files("timeline") / "sample"
    return [Path(str(root / "entities.yaml")), Path(str(root / "facts"))]


@dataclass(frozen=True)
class ProjectTimeline:
    project: EntityRecord
    as_of: date | None
    window: Window
    entries: list[TimelineEntry]
    names: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {
            "project": {"id": self.project.id, "name": self.project.name},
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "since": self.window.since.isoformat() if self.window.since else None,
            "until": self.window.until.isoformat() if self.window.until else None,
            "entries": [entry_json(entry, self.names) for entry in self.entries],
        }


@dataclass(frozen=True)
class CheckReport:
    entities: int
    facts: int

    def to_json(self) -> dict[str, Any]:
        return {"entities": self.entities, "facts": self.facts, "problems": []}


class Timeline:
    """A timeline store: the event log and its read models, kept current on open."""

    def __init__(self, db: str, *, create: bool = False):
        self.path = sqlite_path(db)
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no timeline store here; create one with `timeline ingest FILES` "
                             "or `timeline demo`")
        check_is_timeline_store(self.path)
        self.log = EventLog(self.path)
        self.read_models = ReadModels(self.path)
        self.read_models.catch_up(self.log)

    def close(self) -> None:
        self.read_models.close()
        self.log.close()

    def __enter__(self) -> Timeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Writing --------------------------------------------------------------------------------------

    def validate(self, paths: Iterable[str | Path]) -> ValidInput:
        return validate_files(paths, self.read_models.entities(), self.read_models.target_keys())

    def ingest(self, paths: Iterable[str | Path]) -> Plan:
        """Validate everything, then append all resulting events in one transaction."""
        valid = self.validate(paths)
        facts = self.read_models.fact_states(fact.id for fact in valid.facts)
        decided = plan(valid, facts, self.read_models.entity_states(), self.read_models.fact_ids())
        self.log.append(decided.changes)
        self.read_models.catch_up(self.log)
        return decided

    # Reading --------------------------------------------------------------------------------------

    def entity(self, ref: str, kind: str) -> EntityRecord:
        rows = self.read_models.connection.execute(
            "SELECT e.state FROM rm_aliases a JOIN rm_entities e ON e.id = a.entity_id "
            "WHERE a.key=? AND e.entity=? ORDER BY e.id", (match_key(ref), kind)).fetchall()
        index = EntityIndex(self.read_models.entities()) if len(rows) != 1 else None
        if index is None:
            from projections.facts import EntityState

            return EntityState.model_validate_json(rows[0][0]).record
        try:
            return index.by_id[index.resolve(ref, kind)]
        except Unresolved as error:
            raise NotFound(str(error)) from None

    def project(self, ref: str, as_of: date | None = None, window: Window = Window()) -> ProjectTimeline:
        project = self.entity(ref, "project")
        facts = self.read_models.facts_mentioning(project.id, "project")
        entries = timeline(facts, lambda fact: project.id in fact.projects, as_of, window)
        names = {record.id: record.name for record in self.read_models.entities()}
        return ProjectTimeline(project, as_of, window, entries, names)

    def events(self, fact: str | None = None) -> list[LoggedEvent]:
        if fact is None:
            return list(self.log.read())
        found = self.log.stream(fact)
        if not found:
            raise NotFound(f"no fact '{fact}' in {self.path}")
        return found


def validate_files(paths: Iterable[str | Path], known: Iterable[EntityRecord] = (),
                   known_targets: Iterable[str] = ()) -> ValidInput:
    """Every problem in the files, or the validated input: file-level and record-level problems together."""
    records, problems = load(paths)
    try:
        valid = validate(records, known, known_targets)
    except InvalidInput as error:
        raise InvalidInput(problems + error.problems) from None
    if problems:
        raise InvalidInput(problems)
    return valid


def check(paths: Iterable[str | Path], db: str | None) -> CheckReport:
    """Validate files against the store's entities when there is a store; write nothing."""
    path = sqlite_path(db) if db else None
    if path is not None and path.exists():
        with Timeline(db) as store:  # type: ignore[arg-type]
            valid = store.validate(paths)
    else:
        valid = validate_files(paths)
    return CheckReport(entities=len(valid.entities), facts=len(valid.facts))

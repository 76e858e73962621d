"""System time (`--recorded-before T`, `diff --recorded-from/--recorded-to`): invariant 7 and examples.

Recorded time is never faked: the store is built in real ingest steps, and each step's recorded time is read
back from the log.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from strategies import OUTLETS, Input, inputs, write_input

from events.dates import parse_edtf
from timeline.exports import export
from timeline.present.canonical import canonical_json
from timeline.service import Store, sample_paths
from timeline.storage.recorded import recorded_key

EXAMPLES = max(8, int(os.environ.get("TIMELINE_EXAMPLES", "30")) // 2)
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# Strategies: one input, then later steps that correct, add sources, retract and rename -----------------------


@st.composite
def later_step(draw: st.DrawFn, previous: Input, all_facts: list[dict[str, Any]], step: int) -> Input:
    """The next version of the input: more of the facts, and edits of those already there."""
    data = previous.copy()
    known = {fact["id"] for fact in data.facts}
    data.facts += [copy.deepcopy(f) for f in all_facts if f["id"] not in known and draw(st.booleans())]
    projects = [p["id"] for p in data.entities["projects"]]
    for fact in data.facts:
        change = draw(st.sampled_from(("none", "title", "projects", "projects", "source", "retract")), label="edit")
        if change == "title":
            fact["title"] += f" (sửa {step})"
        elif change == "projects":  # moved to another project: before T it must still show in the old one
            others = [p for p in projects if p not in fact["projects"]]
            fact["projects"] = [draw(st.sampled_from(others or projects))]
        elif change == "source":
            used = {s["outlet"] for s in fact["sources"]}
            free = [o for o in OUTLETS if o not in used]
            if free:
                reported = draw(st.dates(date(2020, 1, 1), date(2025, 12, 31))).isoformat()
                fact["sources"].append({"outlet": free[0], "language": "en", "reported": reported})
        elif change == "retract" and "retracted" not in fact:
            first = min(parse_edtf(s["reported"]).upper for s in fact["sources"])  # a retraction follows a report
            on = draw(st.dates(max(first, date(2020, 1, 1)), max(first, date(2025, 12, 31)))).isoformat()
            fact["retracted"] = {"on": on, "reason": f"withdrawn at step {step}"}
        event(f"edit: {change}")
    if draw(st.booleans()):
        entity = draw(st.sampled_from(data.entities["organisations"]))
        entity["aliases"] = [*entity.get("aliases", []), f"Tên mới {step}"]
    return data


@st.composite
def recorded_steps(draw: st.DrawFn) -> list[Input]:
    data = draw(inputs(min_facts=2, max_facts=6))
    first = data.copy()
    first.facts = [f for f in first.facts[: draw(st.integers(1, len(data.facts)))]]
    steps = [first]
    for step in range(1, draw(st.integers(2, 3))):
        steps.append(draw(later_step(steps[-1], data.facts, step)))
    return steps


def ingest_step(db: Path, data: Input, directory: Path) -> None:
    directory.mkdir()
    with Store(str(db), create=True) as store:
        store.ingest(write_input(data, directory))


def answers(store: Store, data: Input, as_of: date | None) -> str:
    """Every project's timeline and partner's history, and the whole store exported as it stood on `as_of`."""
    found: dict[str, Any] = {"export": export("jsonl", store.export(as_of))}
    for project in data.entities["projects"]:
        found["project " + project["id"]] = store.project(project["id"], as_of).to_json()
    for partner in data.entities["organisations"]:
        found["partner " + partner["id"]] = store.partner(partner["id"], as_of).to_json()
    found["stats"] = store.stats(as_of).to_json()
    found["targets"] = store.targets(None, as_of, date(2026, 1, 1)).to_json()
    return canonical_json(found)


@SETTINGS
@given(recorded_steps(), st.data())
def test_recorded_before_and_as_of_equals_replay_of_only_the_events_recorded_before(
    steps: list[Input], draws: st.DataObject
) -> None:
    """Invariant 7: a query --recorded-before T --as-of D on the whole store equals the same query --as-of D on a
    store that holds only the events recorded before T (built by the same ingest steps, stopped earlier)."""
    cut = draws.draw(st.integers(1, len(steps)), label="cut before step")
    as_of = draws.draw(st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2026, 1, 1))), label="as of")
    with tempfile.TemporaryDirectory() as tmp:
        whole, replay = Path(tmp) / "whole.db", Path(tmp) / "replay.db"
        marks = []
        for number, data in enumerate(steps):
            marks.append(datetime.now(UTC))
            ingest_step(whole, data, Path(tmp) / f"whole-{number}")
        for number, data in enumerate(steps[:cut]):
            ingest_step(replay, data, Path(tmp) / f"replay-{number}")
        with Store(str(whole)) as store:
            logged = store.events()
        later = [e.recorded for e in logged if e.recorded >= marks[cut]] if cut < len(steps) else []
        before = min(later) if later else (marks[cut] if cut < len(steps) else datetime.now(UTC))
        event(f"events after the cut: {min(len(later), 3)}")
        with Store(str(whole), recorded_before=before) as then, Store(str(replay)) as past:
            assert [e.event for e in then.events()] == [e.event for e in past.events()]
            assert answers(then, steps[-1], as_of) == answers(past, steps[-1], as_of)
            assert then.read_models.dump(system_time=True) == whole_dump_unchanged(whole)


def whole_dump_unchanged(db: Path) -> Any:
    """A query as of a recorded time writes nothing: the read models are those of the whole store."""
    with Store(str(db)) as store:
        return store.read_models.dump(system_time=True)


# Examples -------------------------------------------------------------------------------------------------------


def corrected_sample(tmp_path: Path) -> tuple[Path, datetime]:
    """The sample, then the meeting's title corrected in a second ingest; returns the store and the recorded
    time of the correction."""
    entities, facts = sample_paths()
    edited = tmp_path / "facts"
    shutil.copytree(facts, edited)
    file = edited / "2022-03-nhsc.yaml"
    file.write_text(
        file.read_text(encoding="utf-8").replace("on North Hanoi Smart City", "on the smart city"), encoding="utf-8"
    )
    db = tmp_path / "t.db"
    with Store(str(db), create=True) as store:
        store.ingest([entities, facts])
        store.ingest([entities, edited])
        corrected = store.events()[-1].recorded
    return db, corrected


MEETING = "nhsc-reception-2022-03-23"


def test_a_corrected_title_shows_the_old_text_before_the_correction_was_recorded(tmp_path: Path) -> None:
    db, corrected = corrected_sample(tmp_path)
    with Store(str(db), recorded_before=corrected) as then, Store(str(db)) as now:
        old = {e.view.id: e.view.fact.title for e in then.project("north-hanoi-smart-city").entries}
        new = {e.view.id: e.view.fact.title for e in now.project("north-hanoi-smart-city").entries}
    assert old[MEETING].endswith("on North Hanoi Smart City")
    assert new[MEETING].endswith("on the smart city")
    assert {k: v for k, v in old.items() if k != MEETING} == {k: v for k, v in new.items() if k != MEETING}


def test_recorded_before_the_first_ingest_knows_no_fact_and_no_entity(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    db, _ = corrected_sample(tmp_path)
    result = cli("project", "north-hanoi-smart-city", "--db", str(db), "--recorded-before", "2000-01-01")
    assert result.exit_code == 1
    assert "unknown project 'north-hanoi-smart-city'" in result.stderr


def test_audit_diff_lists_the_correction_with_old_and_new_values(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    db, corrected = corrected_sample(tmp_path)
    result = cli("diff", "--recorded-from", recorded_key(corrected), "--db", str(db), "--json")
    assert result.exit_code == 0, result.stderr
    events = json.loads(result.stdout)["events"]
    assert [(e["type"], e["subject"]) for e in events] == [("FactCorrected", f"fact {MEETING}")]
    assert events[0]["payload"]["previous"]["title"].endswith("on North Hanoi Smart City")
    assert events[0]["change"].startswith("corrected: title (title: Hanoi Party")
    everything = json.loads(cli("diff", "--recorded-from", "2000-01-01", "--db", str(db), "--json").stdout)
    assert len(everything["events"]) == 52
    nothing = cli("diff", "--recorded-from", "2000-01-01", "--recorded-to", "2000-01-02", "--db", str(db))
    assert "Nothing was recorded in that time." in nothing.stdout


def test_recorded_before_is_parsed_at_the_edge(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    db, corrected = corrected_sample(tmp_path)
    bad = cli("search", "smart", "--db", str(db), "--recorded-before", "last tuesday")
    assert bad.exit_code == 2
    assert bad.stderr == (
        "error: --recorded-before: 'last tuesday' is not a time; write 2025-01-31 or 2025-01-31T14:30 (UTC)\n"
    )
    shown = cli("project", "north-hanoi-smart-city", "--db", str(db), "--recorded-before", recorded_key(corrected))
    assert shown.stdout.startswith(f"As this store held it before {recorded_key(corrected)} (system time)\n")
    assert "on North Hanoi Smart City" in shown.stdout
    as_json = cli("who", "hanoi-pc-chairman", "--db", str(db), "--json", "--recorded-before", "2999-01-01T00:00+07:00")
    assert json.loads(as_json.stdout)["recorded_before"] == "2998-12-31T17:00:00.000000Z"
    mixed = cli("diff", "--from", "2024", "--to", "2025", "--recorded-from", "2024-01-01", "--db", str(db))
    assert mixed.stderr == "error: diff: give either --from/--to (knowledge dates) or --recorded-from/--recorded-to\n"

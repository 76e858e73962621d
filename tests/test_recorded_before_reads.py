"""`log` and `show` with `--recorded-before T` read the events table as plain `log` and `show` do (records, no
eventsourcing), keep only the events recorded before T, and fold again only the streams changed since T.

The store is built in real ingest steps (recorded time is never faked): the sample, then a second ingest that
corrects a fact's title and adds an alias to an entity.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from projections import facts, stored
from timeline.service import Store, sample_paths
from timeline.storage import decode
from timeline.storage.log_reader import LoggedEvent
from timeline.storage.recorded import recorded_key

MEETING = "nhsc-reception-2022-03-23"
AMBASSADOR = "ito-naoki-appointed-japan-ambassador"  # unchanged, naming no entity changed by the second ingest
PROJECT = "north-hanoi-smart-city"
HEAVY = ("eventsourcing", "rich", "pydantic", "timeline.storage.log")  # (the event log is timeline.storage.log)


def corrected_twice_recorded(tmp_path: Path) -> tuple[Path, datetime]:
    """The sample, then a second ingest correcting the meeting's title and adding an alias to the project;
    returns the store and the recorded time of the second ingest."""
    entities, facts = sample_paths()
    edited_facts, edited_entities = tmp_path / "facts", tmp_path / "entities.yaml"
    shutil.copytree(facts, edited_facts)
    meeting = edited_facts / "2022-03-nhsc.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("on North Hanoi Smart City", "on the smart city"))
    text = entities.read_text(encoding="utf-8")
    assert text.count("      - Hanoi Smart City\n") == 1
    edited_entities.write_text(text.replace("      - Hanoi Smart City\n", "      - Hanoi Smart City\n      - NHSC\n"))
    db = tmp_path / "t.db"
    with Store(str(db), create=True) as store:
        store.ingest([entities, facts])
        store.ingest([edited_entities, edited_facts])
        second = store.events()[-1].recorded
    return db, second


def imported(db: Path, *command: str) -> tuple[Any, list[str]]:
    """The JSON a command prints in a new process, and the heavy packages that process imported."""
    script = (
        "import sys\n"
        f"sys.argv = ['timeline', *{list(command)!r}, '--db', {str(db)!r}, '--json']\n"
        "import cli\n"
        "try:\n    cli.main()\nexcept SystemExit as done:\n    assert not done.code, done.code\n"
        "packages = {m.split('.')[0] for m in sys.modules}\n"
        f"print(sorted(m for m in {HEAVY!r} if m in packages or m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(done.stdout), json.loads(done.stderr.replace("'", '"'))


@pytest.mark.sqlite_only("a child process opens the store file by its path")
@pytest.mark.parametrize(
    "command",
    [
        ["log"],
        ["log", "--fact", MEETING],
        ["log", "--limit", "3", "--after", "4"],
        ["show", MEETING],
        ["show", AMBASSADOR],
    ],
    ids=lambda command: "-".join(command),
)
def test_recorded_before_log_and_show_do_not_open_the_event_log(tmp_path: Path, command: list[str]) -> None:
    db, second = corrected_twice_recorded(tmp_path)
    shown, heavy = imported(db, *command, "--recorded-before", recorded_key(second))
    # `show` of the fact corrected after T folds it again from its event records before T (projections.stored)
    assert heavy == []
    assert shown  # (something was printed: the store held the sample before the second ingest)


def test_log_recorded_before_is_the_log_up_to_that_time(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    db, second = corrected_twice_recorded(tmp_path)
    everything = cli.json("log", "--db", str(db))
    then = cli.json("log", "--db", str(db), "--recorded-before", recorded_key(second))
    assert then == [e for e in everything if e["recorded"] < second.isoformat()]
    assert 0 < len(then) < len(everything)
    fact = cli.json("log", "--fact", MEETING, "--db", str(db), "--recorded-before", recorded_key(second))
    assert [e["type"] for e in fact] == ["FactReported"]


def test_show_recorded_before_a_correction_shows_the_fact_and_history_as_then(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    db, second = corrected_twice_recorded(tmp_path)
    then = cli.json("show", MEETING, "--db", str(db), "--recorded-before", recorded_key(second))
    now = cli.json("show", MEETING, "--db", str(db))
    assert then["fact"]["title"].endswith("on North Hanoi Smart City")
    assert now["fact"]["title"].endswith("on the smart city")
    assert [e["type"] for e in then["history"]] == ["FactReported"]
    assert [e["type"] for e in now["history"]] == ["FactReported", "FactCorrected"]
    assert then["recorded_before"] == recorded_key(second)


def test_show_recorded_before_a_correction_prints_the_fact_as_then(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    db, second = corrected_twice_recorded(tmp_path)
    printed = cli.ok("show", MEETING, "--db", str(db), "--recorded-before", recorded_key(second)).stdout
    assert printed.startswith(f"As this store held it before {recorded_key(second)} (system time)\n")
    assert "on North Hanoi Smart City" in printed
    assert "FactCorrected" not in printed


def test_an_alias_added_after_t_names_nothing_before_t(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    db, second = corrected_twice_recorded(tmp_path)
    assert cli.json("project", "NHSC", "--db", str(db))["project"]["id"] == PROJECT
    then = cli("project", "NHSC", "--db", str(db), "--recorded-before", recorded_key(second))
    assert then.exit_code == 1
    assert "unknown project 'NHSC'" in then.stderr
    shown = cli.json("project", PROJECT, "--db", str(db), "--recorded-before", recorded_key(second))
    assert "NHSC" not in json.dumps(shown)


def test_the_readers_stream_history_is_the_event_logs(tmp_path: Path) -> None:
    """What the view folds again: the records of the domain events the event log gives, with the same recorded
    times and versions."""
    db, _ = corrected_twice_recorded(tmp_path)
    with Store(str(db)) as store:
        for stream, stream_id in (("fact", MEETING), ("entity", PROJECT), ("fact", "no-such-fact")):
            assert plain(store.log_reader.history(stream, stream_id)) == plain(store.log.history(stream, stream_id))
        assert len(store.log_reader.history("fact", MEETING)) == 2


def plain(history: list[LoggedEvent]) -> list[tuple[Any, ...]]:
    return [(e.version, e.recorded, type(e.event).__name__, e.event.model_dump(mode="json")) for e in history]


def test_streams_folded_again_as_records_are_the_models_fold(tmp_path: Path) -> None:
    """What `--recorded-before` shows of a stream changed since T (projections.stored.fold over the reader's
    records) is what the models' fold gave before it (projections.facts.fold over the event log's domain events,
    decoded as the read models' rows are): every stream of the store, cut after each of its events."""
    db, _ = corrected_twice_recorded(tmp_path)
    with Store(str(db)) as store:
        streams = [("fact", i) for i in sorted(store.read_models.fact_ids())]
        streams += [("entity", i) for i in store.read_models.entity_states()]
        folded = 0
        for stream, stream_id in streams:
            models, records = store.log.history(stream, stream_id), store.log_reader.history(stream, stream_id)
            for cut in range(1, len(models) + 1):
                state = facts.fold(logged.event for logged in models[:cut])
                decoded = (decode.fact_state if stream == "fact" else decode.entity_state)(state.model_dump_json())
                assert stored.fold(logged.event for logged in records[:cut]) == decoded, (stream_id, cut)
                folded += 1
    assert folded > len(streams)  # (some streams have more than one event)

"""Hostile inputs, tampered stores and faults reported truthfully (issue 13), each really done on SQLite by a real
`timeline` process: alias bombs and oversized files, devices and FIFOs posing as input, unreadable directories,
stored topics naming any module, damaged logs and read models, a full disk, and a search of a thousand words.

tests/test_hostile_postgres.py does what only a server can (passwords, advisory locks, schema privileges).
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_faults import (
    ENTITIES,
    PROJECT,
    assert_clean_failure,
    environment,
    fact,
    ok,
    run,
    write_facts,
)

pytestmark = pytest.mark.sqlite_only("real processes on store files; see tests/test_hostile_postgres.py")

SAMPLE = ENTITIES.parent
LOG_TOPIC = "timeline.storage.log:FactStream"


def _limited_memory() -> None:  # pragma: no cover - runs in the child between fork and exec
    """At most 2 GB of address space: a regression that expands an alias bomb fails instead of eating the host."""
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def _without_read_rights() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Root loses the capabilities that bypass file modes (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def problems(stderr: str) -> list[str]:
    """The `error:` lines of a refused input (its last line counts them), with no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert lines and lines[-1].endswith("nothing was written."), stderr
    return [line for line in lines[:-1] if line.startswith("error: ")]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample ingested once by a real process; tests get copies."""
    root = tmp_path_factory.mktemp("hostile-template")
    ok("ingest", SAMPLE, "--db", root / "store.db", cwd=root)
    return root / "store.db"


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copyfile(template, tmp_path / "store.db"))


@pytest.fixture
def tamper(store: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(store, isolation_level=None)
    yield connection
    connection.close()


# 2. YAML alias bombs and sizes -----------------------------------------------------------------------------

BOMB = """- id: bomb
  kind: meeting
  occurred: 2023
  title: An alias bomb
  projects: [north-hanoi-smart-city]
  sources:
    - outlet: VNA
      language: en
      reported: 2024
      differs:
        a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
        f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
        g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
        h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
        i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


@pytest.mark.parametrize("command", ["check", "ingest"])
def test_a_yaml_alias_bomb_is_refused_with_its_line_and_writes_nothing(tmp_path, command):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    result = run(command, bomb, "--db", tmp_path / "new.db", cwd=tmp_path, preexec_fn=_limited_memory)
    assert result.returncode == 1
    (line,) = problems(result.stderr)
    assert line.startswith(f"error: {bomb}:") and "TIMELINE_MAX_ALIAS_VALUES" in line
    assert not (tmp_path / "new.db").exists()


def test_an_alias_to_the_node_that_contains_it_is_refused(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text("- &a\n  id: loop\n  again: *a\n", encoding="utf-8")
    (line,) = problems(run("check", path, cwd=tmp_path, preexec_fn=_limited_memory).stderr)
    assert "refers to a node that contains it" in line


def test_aliases_within_the_budget_are_read_and_the_budget_is_configurable(tmp_path):
    source = "{outlet: VNA, language: en, reported: '2024-01-01'}"
    facts = [f"- {{id: m-{i}, kind: meeting, occurred: 2023, title: Meeting {i}, sources: [*s]}}" for i in range(1, 4)]
    path = tmp_path / "anchored.yaml"
    path.write_text(
        f"- {{id: m-0, kind: meeting, occurred: 2023, title: Meeting 0, sources: [&s {source}]}}\n"
        + "\n".join(facts)
        + "\n",
        encoding="utf-8",
    )
    assert json.loads(ok("check", path, "--json", cwd=tmp_path).stdout)["facts"] == 4
    tight = run("check", path, cwd=tmp_path, env=environment(TIMELINE_MAX_ALIAS_VALUES="10"))
    (line,) = problems(tight.stderr)
    assert "over 10 values" in line


def test_a_string_over_the_limit_is_refused_naming_file_fact_and_field(tmp_path):
    path = write_facts(tmp_path / "long.json", [fact("long-title", title="x" * 1_000_001)])
    (line,) = problems(run("check", path, cwd=tmp_path).stderr)
    assert line == (
        f"error: {path}: fact 'long-title': field 'title': 1,000,001 characters, over the limit of 1,000,000 "
        "(TIMELINE_MAX_TEXT)"
    )
    smaller = run(
        "check", write_facts(tmp_path / "quote.json", [fact("q")]), cwd=tmp_path, env=environment(TIMELINE_MAX_TEXT="5")
    )
    assert "field 'sources[0].quote'" in problems(smaller.stderr)[0] or "field 'kind'" in smaller.stderr


def test_a_jsonl_line_is_held_to_the_text_limit_by_its_strings_not_by_its_length(tmp_path):
    """A line longer than TIMELINE_MAX_TEXT may hold only short strings (escapes are longer written than read);
    a string of exactly the limit passes, one character more is refused, wherever it is nested."""
    escaped = fact("escaped", title="\u00e9" * 30)  # 30 characters, written as 180 in the line
    at_limit = fact("at-limit", title="t" * 40)
    over = fact("over", title="fine")
    over["sources"][0]["quote"] = "q" * 41
    for item in (escaped, at_limit, over):  # no references: the entities file holds longer names
        del item["projects"], item["partners"]
    path = tmp_path / "facts.jsonl"
    path.write_text("\n".join(json.dumps(item) for item in (escaped, at_limit, over)) + "\n", encoding="utf-8")
    result = run("check", path, cwd=tmp_path, env=environment(TIMELINE_MAX_TEXT="40"))
    assert problems(result.stderr) == [
        f"error: {path}:3: fact 'over': field 'sources[0].quote': 41 characters, over the limit of 40 "
        "(TIMELINE_MAX_TEXT)"
    ]


def test_a_key_written_twice_in_a_nested_jsonl_object_is_refused_naming_it(tmp_path):
    line = json.dumps(fact("twice")).replace('"outlet": "VNA"', '"outlet": "VNA", "outlet": "VTV"')
    path = tmp_path / "facts.jsonl"
    path.write_text(json.dumps(fact("once")) + "\n" + line + "\n", encoding="utf-8")
    result = run("check", ENTITIES, path, cwd=tmp_path)
    assert problems(result.stderr) == [f"error: {path}:2: invalid JSON line: duplicate key 'outlet' in one object"]


def test_a_100_mb_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(b"- id: huge\n  title: ")
        handle.truncate(100_000_000)  # sparse: costs no disk
    result = run("ingest", path, "--db", tmp_path / "new.db", cwd=tmp_path, preexec_fn=_limited_memory)
    (line,) = problems(result.stderr)
    assert line == f"error: {path}: 100,000,000 bytes, over the limit of 20,000,000 (TIMELINE_MAX_FILE_BYTES)"
    assert not (tmp_path / "new.db").exists()


def test_a_limit_that_is_not_a_positive_number_is_a_usage_error(tmp_path):
    result = run("check", SAMPLE, cwd=tmp_path, env=environment(TIMELINE_MAX_FILE_BYTES="lots"))
    assert result.returncode == 2
    assert result.stderr.strip() == "error: TIMELINE_MAX_FILE_BYTES: expected a positive whole number, got 'lots'"


# 3. (input side) addresses and control characters --------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://vnexpress.net/a\r\nUID:evil@x", "U+000D"),
        ("https://vnexpress.net/a\nEND:VEVENT", "U+000A"),
        ("https://vnexpress.net/\ta", "U+0009"),
        ("javascript:alert(1)", "not a web address"),
        ("data:text/html,<script>alert(1)</script>", "not a web address"),
        ("JavaScript://%0aalert(1)", "not a web address"),
        ("file:///etc/passwd", "not a web address"),
        ("//evil.example/x", "not a web address"),
    ],
)
def test_a_source_url_must_be_one_line_of_http_or_https(tmp_path, url, words):
    hostile = fact("hostile-url")
    hostile["sources"][0]["url"] = url
    path = write_facts(tmp_path / "url.json", [hostile])
    (line,) = problems(run("check", ENTITIES, path, cwd=tmp_path).stderr)
    assert line.startswith(f"error: {path}: fact 'hostile-url': field 'sources[0].url': ") and words in line


# 4. and 8. Tampered and damaged stores -----------------------------------------------------------------------


def _last_event(connection: sqlite3.Connection, topic_like: str = "%") -> tuple[int, dict[str, Any]]:
    rowid, state = connection.execute(
        "SELECT rowid, state FROM stored_events WHERE topic LIKE ? ORDER BY rowid DESC LIMIT 1", (topic_like,)
    ).fetchone()
    return rowid, json.loads(state)


def _set_state(connection: sqlite3.Connection, rowid: int, state: dict[str, Any] | bytes) -> None:
    blob = state if isinstance(state, bytes) else json.dumps(state).encode()
    connection.execute("UPDATE stored_events SET state=? WHERE rowid=?", (blob, rowid))


def _orphan_correction(connection: sqlite3.Connection) -> None:
    """A correction of a fact that was never reported, appended as the log's newest event."""
    _, state = _last_event(connection, f"{LOG_TOPIC}.Reported")
    state.pop("originator_topic", None)
    state.update(class_version=2, payload={"fact_id": "ghost", "changes": {"title": "Boo"}, "previous": None})
    connection.execute(
        "INSERT INTO stored_events VALUES (?, 1, ?, ?)",
        (str(uuid.uuid4()), f"{LOG_TOPIC}.Corrected", json.dumps(state).encode()),
    )


def _topic(connection: sqlite3.Connection, topic: str) -> None:
    rowid, _ = _last_event(connection)
    connection.execute("UPDATE stored_events SET topic=? WHERE rowid=?", (topic, rowid))


def _missing_field(connection: sqlite3.Connection) -> None:
    rowid, state = _last_event(connection, f"{LOG_TOPIC}.Reported")
    del state["payload"]["fact"]["title"]
    _set_state(connection, rowid, state)


def _newer_schema(connection: sqlite3.Connection) -> None:
    rowid, state = _last_event(connection, f"{LOG_TOPIC}.Reported")
    _set_state(connection, rowid, {**state, "class_version": 7})


def _topic_of_another_stream(connection: sqlite3.Connection) -> None:
    """A fact's first event (schema 1) named as an entity's, whose schema-1 upcaster expects an entity record."""
    rowid, _ = _last_event(connection, f"{LOG_TOPIC}.Reported")
    entity_topic = LOG_TOPIC.replace("FactStream", "EntityStream") + ".Registered"
    connection.execute("UPDATE stored_events SET topic=? WHERE rowid=?", (entity_topic, rowid))


LOG_DAMAGE = {
    "foreign-topic": (lambda c: _topic(c, "this:Zen"), "'this:Zen' is not a timeline event"),
    "unknown-topic": (lambda c: _topic(c, f"{LOG_TOPIC}.Renamed"), "is not a timeline event"),
    "garbage-state": (lambda c: _set_state(c, _last_event(c)[0], b"\x00\xffnot json"), "not an event's JSON"),
    "missing-field": (_missing_field, "fact.title"),
    "newer-schema": (_newer_schema, "written by a newer timeline (this one reads up to 1): upgrade timeline"),
    "another-streams-topic": (_topic_of_another_stream, "does not hold an EntityRegistered of schema 1"),
}


@pytest.mark.parametrize("damage", LOG_DAMAGE, ids=list(LOG_DAMAGE))
def test_a_tampered_event_is_one_clear_line_naming_the_store_for_every_command_that_reads_it(
    tmp_path, store, tamper, damage
):
    how, words = LOG_DAMAGE[damage]
    how(tamper)
    for args in (("log",), ("rebuild",), ("verify",)):
        result = run(*args, "--db", store, cwd=tmp_path)
        line = assert_clean_failure(result.returncode, result.stderr)
        assert line.startswith(f"error: {store}: ") and words in line, line
        assert "Beautiful is better than ugly" not in result.stdout + result.stderr  # `import this` never ran
        if damage != "newer-schema":
            assert "`rebuild` and `verify` cannot repair the log" in line


def test_a_correction_without_its_report_is_log_damage_found_on_catch_up(tmp_path, store, tamper):
    _orphan_correction(tamper)
    for args in (("project", PROJECT), ("rebuild",)):
        result = run(*args, "--db", store, cwd=tmp_path)
        line = assert_clean_failure(result.returncode, result.stderr, "the log is damaged")
        assert "FactCorrected event comes before its stream's first event" in line and str(store) in line


def test_damaged_pages_are_one_line_saying_rebuild_cannot_help(tmp_path, store):
    size = store.stat().st_size
    with store.open("r+b") as handle:  # every page but the first (the schema) overwritten with garbage
        handle.seek(4096)
        handle.write(os.urandom(size - 4096))
    for args in (("project", PROJECT), ("log",), ("verify",), ("rebuild",)):
        result = run(*args, "--db", store, cwd=tmp_path)
        line = assert_clean_failure(result.returncode, result.stderr)
        assert line.startswith(f"error: {store}: "), line
        assert "damaged" in line and "`verify` and `rebuild` cannot repair it" in line, line


def test_a_garbage_read_model_row_says_rebuild_and_rebuild_repairs_it(tmp_path, store, tamper):
    tamper.execute("UPDATE rm_facts SET state='{\"fact\": 42' WHERE id IN (SELECT fact_id FROM rm_mentions)")
    tamper.execute("UPDATE rm_entities SET state='[]'")
    result = run("project", PROJECT, "--db", store, cwd=tmp_path)
    line = assert_clean_failure(result.returncode, result.stderr, "damaged row")
    assert line.startswith(f"error: {store}: ") and "`timeline rebuild`" in line
    ok("rebuild", "--db", store, cwd=tmp_path)
    assert "4 facts" in ok("project", PROJECT, "--db", store, cwd=tmp_path).stdout
    ok("verify", "--db", store, cwd=tmp_path)


@pytest.mark.parametrize("position", ["1000000", "'garbage'"])
def test_read_models_ahead_of_the_log_are_rebuilt_on_open(tmp_path, store, tamper, position):
    """Read models claiming more than the log holds would hide new facts and call every re-ingest a conflict."""
    tamper.execute(f"UPDATE rm_position SET position={position} WHERE name='log'")
    new = write_facts(tmp_path / "new.json", [fact("after-the-restore", title="Met after the restore")])
    summary = json.loads(ok("ingest", new, "--db", store, "--json", cwd=tmp_path).stdout)
    assert summary["new_facts"] == 1
    assert "Met after the restore" in ok("project", PROJECT, "--db", store, cwd=tmp_path).stdout
    again = json.loads(ok("ingest", SAMPLE, new, "--db", store, "--json", cwd=tmp_path).stdout)
    assert again["appended"] == 0
    ok("verify", "--db", store, cwd=tmp_path)


# 7. A full disk ------------------------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """An 8 MB tmpfs of its own (skipped where this process may not mount one)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mount], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", mount], check=False)


def _fill(disk: Path, leave: int = 0) -> None:
    """Fill the disk, then free `leave` bytes of it."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as handle:  # unbuffered: closing never flushes into a full disk
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    os.truncate(filler, max(0, filler.stat().st_size - leave))


def test_a_full_disk_during_catch_up_reports_the_full_disk(tmp_path, template, small_disk):
    """The log holds events the read models have not applied (as after a kill between the two): the next command
    catches up, and the disk is full."""
    ahead = Path(shutil.copyfile(template, tmp_path / "ahead.db"))
    more = [fact(f"more-{i}", title=f"Meeting {i} " + "about the metro " * 20, day=i) for i in range(1000)]
    ok("ingest", write_facts(tmp_path / "more.json", more), "--db", ahead, cwd=tmp_path)
    store = Path(shutil.copyfile(template, small_disk / "store.db"))
    with sqlite3.connect(store) as connection:
        connection.execute("ATTACH ? AS ahead", (str(ahead),))
        connection.execute(
            "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) SELECT rowid, "
            "originator_id, originator_version, topic, state FROM ahead.stored_events WHERE rowid > "
            "(SELECT max(rowid) FROM main.stored_events)"
        )
    _fill(small_disk, leave=100_000)  # room to start catching up (SQLite rolls back when it runs out mid-way)
    result = run("project", PROJECT, "--db", store, cwd=tmp_path)
    line = assert_clean_failure(result.returncode, result.stderr, "full")
    assert "cannot rollback" not in line and line.startswith(f"error: {store}: ")
    (small_disk / "filler").unlink()
    assert "1004 facts" in ok("project", PROJECT, "--db", store, cwd=tmp_path).stdout


def test_a_failed_first_ingest_on_a_full_disk_leaves_no_store_behind(tmp_path, small_disk):
    _fill(small_disk, leave=8192)
    store = small_disk / "new.db"
    result = run("ingest", SAMPLE, "--db", store, cwd=tmp_path)
    assert_clean_failure(result.returncode, result.stderr, "full", "disk")
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


# 9. Files that are not plain readable files ----------------------------------------------------------------------


def test_only_regular_files_are_read(tmp_path):
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo.yaml")
    for name, kind in (("zero.yaml", "a device"), ("fifo.yaml", "a FIFO")):
        result = run("check", tmp_path / name, cwd=tmp_path, preexec_fn=_limited_memory)
        expected = f"error: {tmp_path / name}: not a regular file ({kind}); only files are read"
        assert problems(result.stderr) == [expected]
    inside = run("ingest", tmp_path, "--db", tmp_path / "new.db", cwd=tmp_path, preexec_fn=_limited_memory)
    assert len(problems(inside.stderr)) == 2
    assert not (tmp_path / "new.db").exists()


@pytest.fixture
def unreadable(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A process that obeys file modes (root drops its overriding capabilities), else skipped."""
    probe = tmp_path / "probe"
    probe.write_text("x")
    probe.chmod(0)
    options = {"preexec_fn": _without_read_rights} if os.geteuid() == 0 else {}
    try:
        check = subprocess.run(["cat", probe], capture_output=True, **options)
    except (OSError, subprocess.SubprocessError) as error:
        pytest.skip(f"cannot drop the capabilities that bypass file modes: {error}")
    finally:
        probe.unlink()
    if check.returncode == 0:
        pytest.skip("file modes do not stop this process from reading")
    yield options


def test_an_unreadable_directory_or_file_is_a_problem_not_an_empty_input(tmp_path, unreadable):
    data = tmp_path / "data"
    (data / "locked").mkdir(parents=True)
    write_facts(data / "locked" / "facts.json", [fact("hidden")])
    write_facts(data / "closed.json", [fact("closed")])
    (data / "locked").chmod(0)
    (data / "closed.json").chmod(0)
    try:
        result = run("check", data, cwd=tmp_path, **unreadable)
    finally:
        (data / "locked").chmod(0o755)
    assert problems(result.stderr) == [
        f"error: {data / 'closed.json'}: cannot read: Permission denied",
        f"error: {data / 'locked'}: cannot read the directory: Permission denied",
    ]


def test_an_export_to_a_full_device_is_one_clear_line(tmp_path, store):
    result = run("export", "--format", "csv", "--out", "/dev/full", "--db", store, cwd=tmp_path)
    assert_clean_failure(result.returncode, result.stderr, "no space left")


# 10. Search --------------------------------------------------------------------------------------------------


def test_a_search_of_a_thousand_repeated_words_is_answered_as_one_word(tmp_path, store):
    once = json.loads(ok("search", "hanoi", "--db", store, "--json", cwd=tmp_path).stdout)
    many = json.loads(ok("search", *["hanoi"] * 1000, "--db", store, "--json", cwd=tmp_path).stdout)
    assert many["hits"] == once["hits"] and once["hits"]


def test_a_search_of_too_many_different_words_is_refused(tmp_path, store):
    result = run("search", *[f"w{i}" for i in range(40)], "--db", store, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "error: search: 40 different words; give at most 32"

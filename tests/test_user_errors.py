"""What a user can cause is an error line, never a traceback: paths that cannot be written, a full disk, a pipe
closed early; `--json` failures are JSON on stdout; the default store and the advice agree; messages count and
use articles correctly. Output-side faults run as real processes on real files and devices."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from test_faults import ENTITIES, assert_clean_failure, command, environment, ok, run

from events.text import article, counted

pytestmark = pytest.mark.sqlite_only("real processes on store files")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    ok("demo", "--db", "store.db", cwd=tmp_path)
    return tmp_path / "store.db"


# Paths, permissions, a full disk, a closed pipe ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("out", "words"),
    [
        ("missing/folder/x.csv", ("no folder missing/folder",)),
        ("/proc/timeline.csv", ("cannot write /proc/timeline.csv",)),  # a folder nobody may create files in
        ("/dev/full", ("no space left on device",)),
        (".", ("is a directory",)),
    ],
)
def test_export_to_a_path_that_cannot_be_written_is_one_line(tmp_path, store, out, words):
    result = run("export", "--format", "csv", "--out", out, "--db", store, cwd=tmp_path)
    assert_clean_failure(result.returncode, result.stderr, *words)
    assert not (tmp_path / "missing").exists()


def test_export_replaces_an_existing_file_whole(tmp_path, store):
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    ok("export", "--format", "csv", "--out", target, "--db", store, cwd=tmp_path)
    assert target.read_text(encoding="utf-8").startswith("id,kind,occurred")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "store.db"]


@pytest.mark.parametrize("args", [("export", "--format", "jsonl"), ("log",), ("project", "north-hanoi-smart-city")])
def test_standard_output_on_a_full_disk_is_one_line(tmp_path, store, args):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            command(*args, "--db", store), cwd=tmp_path, env=environment(), stdout=full, stderr=subprocess.PIPE,
            text=True, timeout=120,
        )  # fmt: skip
    line = assert_clean_failure(result.returncode, result.stderr, "no space left on device")
    assert line == "error: standard output: No space left on device"


@pytest.mark.parametrize("args", [("export", "--format", "jsonl"), ("log",), ("log", "--json")])
def test_a_pipe_closed_early_ends_quietly(tmp_path, store, args):
    """`timeline log | head -1`: the reader is gone; no traceback, no 'Exception ignored', exit 141 (SIGPIPE)."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = subprocess.run(
            command(*args, "--db", store), cwd=tmp_path, env=environment(), stdout=writer, stderr=subprocess.PIPE,
            text=True, timeout=120,
        )  # fmt: skip
    finally:
        os.close(writer)
    assert result.stderr == ""
    assert result.returncode == 141


def test_a_real_shell_pipe_into_head_prints_no_error(tmp_path, store):
    shell = f"{command('log', '--db', store)[0]} log --db {store} | head -c 100 > /dev/null; echo ${{PIPESTATUS[0]}}"
    result = subprocess.run(["bash", "-c", shell], env=environment(), capture_output=True, text=True, timeout=120)
    assert result.stderr == ""
    assert result.stdout.strip() in ("0", "141")


def test_a_stats_plot_into_a_missing_folder_is_one_line(tmp_path, store):
    result = run("stats", "--plot", "nowhere/plot.svg", "--db", store, cwd=tmp_path)
    assert_clean_failure(result.returncode, result.stderr, "nowhere")


# --json failures ---------------------------------------------------------------------------------------------------


def test_json_failure_of_invalid_input_is_json_on_stdout_and_lines_on_stderr(cli):
    cli.write("bad.yaml", "- id: f1\n  kind: meeting\n  occurred: 2023-02-30\n  title: T\n  sources: []\n")
    result = cli("check", "bad.yaml", "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["error"] == {"exit_code": 1, "message": "2 problems in the input", "type": "invalid_input"}
    assert [(p["fact"], p["field"], p["line"]) for p in document["problems"]] == [
        ("f1", "occurred", 3),
        ("f1", "sources", 5),
    ]
    assert all(p["file"].endswith("bad.yaml") and p["message"] for p in document["problems"])
    assert result.stderr.splitlines()[-1] == "2 problems found; nothing was written."


@pytest.mark.parametrize(
    ("args", "kind", "code"),
    [
        (("project", "north-hanoi-smart-city"), "store_error", 1),
        (("ingest", "missing.yaml"), "invalid_input", 1),
        (("who", "x", "--on", "2023"), "invalid_option", 2),
    ],
)
def test_json_failure_of_every_kind_keeps_its_exit_code(cli, args, kind, code):
    result = cli(*args, "--json")
    assert result.exit_code == code
    document = json.loads(result.stdout)
    assert document["error"]["type"] == kind and document["error"]["exit_code"] == code
    assert result.stderr.startswith("error: ")
    assert not Path("timeline.db").exists()


def test_json_failure_of_a_not_found_reference_names_it(cli, sample_store):
    result = cli("partner", "atlantis", "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["error"]["type"] == "not_found" and "atlantis" in document["error"]["message"]
    assert document["problems"] == []


# The demo and the default store ------------------------------------------------------------------------------------


def test_demo_loads_the_default_store_that_every_command_then_reads(tmp_path):
    missing = run("project", "north-hanoi-smart-city", cwd=tmp_path)
    advice = assert_clean_failure(missing.returncode, missing.stderr, "timeline demo")
    assert "`timeline demo`" in advice
    demo = ok("demo", cwd=tmp_path)
    assert " ".join(demo.stdout.split()).endswith("Query this store: timeline project north-hanoi-smart-city")
    assert "4 facts" in ok("project", "north-hanoi-smart-city", cwd=tmp_path).stdout
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("timeline.db-")) == ["timeline.db"]


def test_advice_for_another_store_names_that_store(tmp_path):
    missing = run("project", "x", "--db", "my store.db", cwd=tmp_path)
    line = assert_clean_failure(missing.returncode, missing.stderr)
    assert "`timeline demo --db 'my store.db'`" in line


@pytest.mark.parametrize("name", ["demo", "ingest", "project", "export", "verify"])
def test_db_help_states_one_default(cli, name):
    help_text = " ".join(cli.ok(name, "--help").stdout.replace("use r[", "user[").split())
    assert help_text.count("(env TIMELINE_DB; default ./timeline.db)") == 1, help_text
    assert ".db]" not in help_text, help_text  # no second "[default: ...]" for the store


# Grammar --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "noun", "text"),
    [(1, "fact", "1 fact"), (2, "fact", "2 facts"), (0, "entity", "0 entities"), (1, "entity", "1 entity"),
     (3, "person", "3 people"), (1500, "fact", "1500 facts"), (1, "problem", "1 problem")],
)  # fmt: skip
def test_counted_agrees_in_number(count, noun, text):
    assert counted(count, noun) == text


@pytest.mark.parametrize(
    ("noun", "text"),
    [("organisation", "an organisation"), ("office", "an office"), ("project", "a project"),
     ("person", "a person"), ("university", "a university"), ("agency", "an agency")],
)  # fmt: skip
def test_article_follows_the_sound(noun, text):
    assert article(noun) == text


def test_messages_count_one_fact_and_name_an_organisation(cli):
    cli.write("entities.yaml", ENTITIES.read_text(encoding="utf-8"))
    one = (
        "- id: f1\n  kind: meeting\n  occurred: 2023-01-02\n  title: T\n  projects: [north-hanoi-smart-city]\n"
        "  sources: [{outlet: VNA, language: en, reported: 2023-01-03}]\n"
    )
    cli.write("one.yaml", one)
    assert "1 entity" not in cli.ok("check", "entities.yaml", "one.yaml").stdout
    assert ", 1 fact, no problems." in cli.ok("check", "entities.yaml", "one.yaml").stdout
    summary = cli.ok("ingest", "entities.yaml", "one.yaml").stdout
    assert "1 new fact," in summary and "0 sources added" in summary and "1 new facts" not in summary
    assert "1 fact\n" in cli.ok("project", "north-hanoi-smart-city").stdout
    cli.write("wrong.yaml", one.replace("f1", "f2").replace("projects: [north-hanoi-smart-city]", "projects: [japan]"))
    line = cli("check", "wrong.yaml", "--db", "timeline.db").stderr.splitlines()[0]
    assert "'japan' is an organisation, not a project" in line

"""Shared fixtures: the CLI run in a scratch directory, the sample store, golden files, store digests.

Every CLI test runs in its own temporary working directory holding a copy of the bundled sample as
`sample/` (so that paths and the default store `timeline.db` print the same on every machine), with
colour off and a fixed width. Set UPDATE_GOLDEN=1 to rewrite tests/golden/ from the current output;
otherwise goldens are compared exactly.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner, Result

from cli import main

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "timeline" / "sample"
GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLE_ARGS = ("sample/entities.yaml", "sample/facts")
SAMPLE_FACTS = 15

# Colour off, fixed width, and no store or debug setting leaking in from the developer's shell.
CLI_ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "TIMELINE_DB": None, "TIMELINE_DEBUG": None}


class Cli:
    """`timeline` invoked in-process, in the current (temporary) directory."""

    def __init__(self, root: Path):
        self.root = root
        self.runner = CliRunner()

    def __call__(self, *args: str, env: dict[str, str | None] | None = None) -> Result:
        return self.runner.invoke(main, list(args), env={**CLI_ENV, **(env or {})})

    def ok(self, *args: str, env: dict[str, str | None] | None = None) -> Result:
        """Run and require success: no exception, exit 0, nothing on stderr."""
        result = self(*args, env=env)
        assert result.exception is None, result.output
        assert result.exit_code == 0, result.output
        assert result.stderr == "", result.stderr
        return result

    def json(self, *args: str, env: dict[str, str | None] | None = None) -> Any:
        return json.loads(self.ok(*args, "--json", env=env).stdout)

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def edit(self, name: str, old: str, new: str) -> None:
        """Replace one exact, unique passage of an input file."""
        path = self.root / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} is not unique in {name}"
        path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The CLI in an empty scratch directory holding a copy of the sample as ./sample."""
    shutil.copytree(SAMPLE, tmp_path / "sample")
    monkeypatch.chdir(tmp_path)
    for name in ("TIMELINE_DB", "TIMELINE_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return Cli(tmp_path)


@pytest.fixture(scope="session")
def _sample_store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample ingested once per session; tests get a copy (the store does not know its own path)."""
    root = tmp_path_factory.mktemp("sample-store")
    shutil.copytree(SAMPLE, root / "sample")
    previous = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["ingest", *SAMPLE_ARGS], env=CLI_ENV)
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.output
    assert not (root / "timeline.db-wal").exists(), "a closed store should leave no write-ahead log"
    return root / "timeline.db"


@pytest.fixture
def sample_store(cli: Cli, _sample_store_template: Path) -> Path:
    """./timeline.db holding the ingested sample (the default store of every command)."""
    target = cli.root / "timeline.db"
    shutil.copyfile(_sample_store_template, target)
    return target


def store_digest(db: Path) -> dict[str, str | None]:
    """sha256 of the store file and of its write-ahead log and shared-memory files (None: absent)."""
    digest: dict[str, str | None] = {}
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        digest[path.name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
    return digest


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """compare(name, text): text must equal tests/golden/<name>; UPDATE_GOLDEN=1 writes it instead."""

    def compare(name: str, text: str) -> None:
        path = GOLDEN / name
        if os.environ.get("UPDATE_GOLDEN") == "1":
            GOLDEN.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1 to create it"
        assert text == path.read_text(encoding="utf-8")

    return compare

"""The README stays honest: it names every command, and its examples are the commands' real output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

pytestmark = pytest.mark.store_free  # the examples run on SQLite files of their own

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def test_readme_documents_every_command() -> None:
    from cli import main

    missing = [name for name in main.list_commands(click.Context(main)) if f"timeline {name}" not in README]
    assert not missing, f"commands the README never shows: {missing}"


def test_readme_examples_are_real_output() -> None:
    script = ROOT / "scripts" / "readme_examples.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]

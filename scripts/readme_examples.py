"""Keep the README's examples real: run every `$ timeline ...` line of its ```text blocks and write (or check) the
output printed under it.

    python scripts/readme_examples.py           # rewrite README.md's example outputs in place
    python scripts/readme_examples.py --check   # exit 1, with a diff, when an output differs

The commands run in order, in one scratch directory that starts with the files of `docs/examples/` and the
bundled sample at `timeline/sample`, so the first example (`timeline demo --db demo.db`) creates the store the
others query. They run through `bash` (pipes work) with `COLUMNS=100` and colour off. Recorded timestamps are
compared as a placeholder, since they are the time the example ran.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"^```text\n(\$ timeline .*?)^```$", re.M | re.S)
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)?")


def run(command: str, cwd: Path) -> str:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    env.pop("TIMELINE_DB", None)
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    return (done.stdout + done.stderr).replace(f"{cwd}/", "")


def rendered(block: str, cwd: Path) -> str:
    """The block with each command followed by its real output."""
    lines = [line for line in block.splitlines() if line.startswith("$ ")]
    parts = []
    for line in lines:
        output = run(line[2:], cwd)
        parts.append(line + "\n" + output + ("" if output.endswith("\n") or not output else "\n"))
    return "".join(parts)


def regenerate(text: str) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        cwd = Path(scratch)
        examples = ROOT / "docs" / "examples"
        if examples.is_dir():
            shutil.copytree(examples, cwd, dirs_exist_ok=True)
        (cwd / "timeline").mkdir(exist_ok=True)
        (cwd / "timeline" / "sample").symlink_to(ROOT / "timeline" / "sample")
        return BLOCK.sub(lambda match: "```text\n" + rendered(match.group(1), cwd) + "```", text)


def main(argv: list[str]) -> int:
    text = README.read_text("utf-8")
    fresh = regenerate(text)
    if "--check" not in argv:
        README.write_text(fresh, "utf-8")
        return 0
    old, new = TIMESTAMP.sub("<time>", text), TIMESTAMP.sub("<time>", fresh)
    if old == new:
        return 0
    sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True), "README.md", "real output"))
    print("\nREADME examples differ from real output: run `python scripts/readme_examples.py`.")
    return 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

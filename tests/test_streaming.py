"""The streamed ingest (issue 15): batches, a second read of the files and JSONL line by line change nothing of
what is stored or reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from timeline import service
from timeline.dev.corpus import generate
from timeline.errors import InvalidInput
from timeline.intake import stream
from timeline.service import Store, writing


def stored(db: Path) -> tuple[list[Any], dict[str, list[tuple[object, ...]]]]:
    with Store(str(db)) as store:
        events = [(logged.position, logged.version, logged.event) for logged in store.events()]
        return events, store.read_models.dump()


def test_an_ingest_streamed_in_small_batches_stores_what_one_batch_stores(tmp_path: Path, monkeypatch) -> None:
    corpus = generate(tmp_path / "corpus", 120)
    runs = {}
    for name, batch in (("whole", None), ("streamed", 7)):
        if batch is not None:  # facts read again in pass 2, appended 7 at a time, read models fed from the log
            monkeypatch.setattr(writing, "INGEST_BATCH", batch)
            monkeypatch.setattr(writing, "KEEP_APPENDED", 10)
            monkeypatch.setattr(stream, "KEEP_PARSED", 5)
        db = tmp_path / f"{name}.db"
        first = service.ingest([corpus.entities, corpus.facts], str(db))
        again = service.ingest([corpus.entities, corpus.revised], str(db))
        runs[name] = (first.summary(), again.summary(), stored(db))
    assert runs["streamed"] == runs["whole"]
    assert runs["whole"][0]["new_facts"] == 120 and runs["whole"][1]["corrections"] > 0


def test_a_jsonl_file_larger_than_the_file_limit_is_read_line_by_line(tmp_path: Path, monkeypatch) -> None:
    corpus = generate(tmp_path / "corpus", 40)
    longest = max(len(line.encode()) for line in corpus.facts.read_text("utf-8").splitlines())
    monkeypatch.setenv("TIMELINE_MAX_FILE_BYTES", str(longest + 1))
    assert corpus.facts.stat().st_size > 10 * longest
    assert service.ingest([corpus.entities, corpus.facts], str(tmp_path / "s.db")).new_facts == 40


def test_a_jsonl_line_over_the_file_limit_is_one_problem_naming_its_line(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "facts.jsonl"
    path.write_text(json.dumps({"id": "a"}) + "\n" + json.dumps({"id": "b", "title": "x" * 500}) + "\n", "utf-8")
    monkeypatch.setenv("TIMELINE_MAX_FILE_BYTES", "100")
    with pytest.raises(InvalidInput) as raised:
        service.check([path], None)
    messages = [str(problem) for problem in raised.value.problems]
    assert any("line 2 is over the limit of 100 bytes (TIMELINE_MAX_FILE_BYTES)" in m for m in messages), messages
    assert not (tmp_path / "s.db").exists()


def test_a_jsonl_file_that_is_not_utf8_gives_one_problem_with_its_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "facts.jsonl"
    path.write_bytes(json.dumps({"id": "a"}).encode() + b"\n" + "é".encode() * 700_000 + b"\xff\n")
    with pytest.raises(InvalidInput) as raised:
        service.ingest([path], str(tmp_path / "s.db"))
    (problem,) = raised.value.problems
    assert f"not UTF-8 text (byte {len(json.dumps({'id': 'a'})) + 1 + 1_400_000})" in str(problem)
    assert not (tmp_path / "s.db").exists()

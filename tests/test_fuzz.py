"""Fuzzing malformed input (issue 5, "Bad input"): at least 10,000 generated malformed inputs per run.

Every case is a valid input (facts about the entities of tests/strategies.py, sometimes with an entities file
of new entities) broken in one way: broken YAML/JSON/JSONL text, wrong types for every field, missing
required fields, unknown fields at every level, bad dates, bad numbers, unknown, wrong-kind and ambiguous
references, duplicate ids, huge strings, deep nesting, control characters, mixed Unicode normal forms. For
each case:

* reading and validating raises InvalidInput, never another exception (RecursionError, a crash, ...);
* a problem names the broken file (Problem.file) and, where the broken thing is inside a fact, that fact and
  the field path (Problem.fact / Problem.field); every problem renders as one printable line of bounded length;
* nothing is written: most cases run through `validate_files` against known entities (no store, pure and
  fast); `test_store_is_untouched` runs a sample through `service.ingest` on a copy of a pre-built store and
  compares the bytes of the SQLite file and its -wal/-shm files; `test_cli_exits_1_without_traceback` runs a
  sample through `timeline ingest`.

Generating a base input with tests/strategies.py costs ~35 ms (hundreds of draws, pure-Python YAML), too much
for 10,000 cases, so a base input here is built from its tables by a seeded `random.Random` (one draw) and
hypothesis draws the mutation. `test_zz_fuzz_case_count` (last in file order) asserts that the run checked
at least 10,000 malformed inputs and prints how many.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import POSTGRES, STORE_FREE, store_digest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from strategies import (
    FACT_KINDS,
    LANGUAGES,
    OFFICES,
    ORGANISATIONS,
    OUTLETS,
    PEOPLE,
    PROJECTS,
    STATUSES,
    VIETNAMESE_LETTERS,
    strip_diacritics,
)

from events.dates import parse_edtf
from events.domain import EntityRecord
from events.inputs import (
    ORGANISATION_KINDS,
    STATED_FIELDS,
    Fact,
    Figure,
    Office,
    Organisation,
    Person,
    PersonRole,
    Project,
    Retraction,
    Source,
)
from events.text import match_key
from timeline import service
from timeline.errors import InvalidInput, Problem, StoreError

# Examples per test function. The malformed ones must sum to at least 10,000 (asserted at the end).
BUDGET = {
    "test_broken_text": 1100,
    "test_wrong_types": 1500,
    "test_missing_required_fields": 700,
    "test_unknown_fields": 1000,
    "test_bad_dates": 1000,
    "test_bad_numbers": 800,
    "test_bad_references": 1000,
    "test_duplicate_ids": 700,
    "test_huge_strings": 400,
    "test_deep_nesting": 300,
    "test_control_characters": 800,
    "test_mixed_normal_forms": 700,
    "test_alias_bombs": 300,
    "test_oversized_values": 300,
    "test_hostile_urls": 300,
    "test_store_is_untouched": 300,
    "test_cli_exits_1_without_traceback": 100,
    "test_hostile_stores": 100,
}
# TIMELINE_FUZZ_SCALE=5 for a longer hunt; below 1 (a quick local look) the minimum shrinks with it.
SCALE = float(os.environ.get("TIMELINE_FUZZ_SCALE", "1"))
BUDGET = {name: max(1, round(examples * SCALE)) for name, examples in BUDGET.items()}
MINIMUM_CASES = round(10_000 * min(SCALE, 1.0))
assert sum(BUDGET.values()) >= MINIMUM_CASES * 1.03  # a little room: hypothesis may stop a test early
FUZZ = settings(
    deadline=None,
    derandomize=False,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
)
COUNTS: Counter[str] = Counter()  # cases checked, per test function
STARTED: set[str] = set()
MAX_LINE = 1000  # characters in one rendered problem: huge values must be clipped
CLI_ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "TIMELINE_DB": None, "TIMELINE_DEBUG": None}


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# Known entities: the tables of tests/strategies.py, and pairs of one kind that share a name ------------------


def _record(entity: str, id: str, name: str, aliases: list[str], **extra: Any) -> EntityRecord:
    return EntityRecord(entity=entity, id=id, name=name, aliases=tuple(aliases), **extra)


OWNERS = {"hanoi-pc-chairman": "hanoi-pc", "japan-ambassador-vietnam": "japan"}
POOL: dict[str, list[EntityRecord]] = {  # what valid base facts refer to
    "project": [_record("project", r[0], r[1], [r[2]]) for r in PROJECTS],
    "organisation": [_record("organisation", r[0], r[1], [r[2]], kind=r[3]) for r in ORGANISATIONS],
    "person": [_record("person", r[0], r[1], [r[2]]) for r in PEOPLE],
    "office": [_record("office", r[0], r[1], [r[2]], organisation=OWNERS[r[0]]) for r in OFFICES],
}
# Two entities of each kind answer to the same name (written in other Unicode forms / accent placements).
SHARED = {
    "project": "Vành đai 3",
    "organisation": "Tập đoàn Hòa Bình",
    "person": "Nguyễn Văn Hùng",
    "office": "Bí thư Thành ủy",
}
AMBIGUOUS = [
    _record("project", "ring-road-3", "Ring Road 3", [SHARED["project"]]),
    _record("project", "ring-road-3-viaduct", "Ring Road 3 viaduct", [nfd(SHARED["project"])]),
    _record("organisation", "hoa-binh-construction", "Hoa Binh Construction", ["Tập đoàn Hòa Bình"], kind="company"),
    _record("organisation", "hoa-binh-group", "Hoa Binh Group", ["Tập Đoàn Hoà Bình"], kind="company"),
    _record("person", "nguyen-van-hung", "Nguyen Van Hung", [SHARED["person"]]),
    _record("person", "nguyen-van-hung-2", nfd("Nguyễn Văn Hùng"), []),
    _record(
        "office",
        "hanoi-party-secretary",
        "Secretary of the Hanoi Party Committee",
        [SHARED["office"]],
        organisation="hanoi-pc",
    ),
    _record(
        "office",
        "hcmc-party-secretary",
        "Secretary of the Ho Chi Minh City Party Committee",
        [nfd(SHARED["office"])],
        organisation="hanoi-pc",
    ),
]
KNOWN: list[EntityRecord] = [record for records in POOL.values() for record in records] + AMBIGUOUS
KIND_OF_ID = {record.id: record.entity for record in KNOWN}
KEYS: dict[str, set[str]] = {kind: set() for kind in POOL}
for _r in KNOWN:
    KEYS[_r.entity] |= {match_key(name) for name in (_r.id, _r.name, *_r.aliases)}
assert all(
    match_key(SHARED[k]) not in {match_key(n) for r in POOL[k] for n in (r.id, r.name, *r.aliases)} for k in SHARED
)
REF_KIND = {
    "projects": "project",
    "partners": "organisation",
    "person": "person",
    "office": "office",
    "organisation": "organisation",
}

FIGURE = {"metric": "urban railway completed", "value": 96.8, "unit": "km", "as_written": "96,8 km", "deadline": "2030"}
PERSON = {"person": "tran-sy-thanh", "office": "hanoi-pc-chairman", "role": "Chủ tịch"}
RETRACTION = {"on": "2024-01-05", "reason": "the outlet withdrew the report"}
FORMATS = ("yaml", "json", "jsonl")
SECTIONS = {"projects": "project", "organisations": "organisation", "people": "person", "offices": "office"}
ENTITY_FIELDS = {
    "project": list(Project.model_fields),
    "organisation": list(Organisation.model_fields),
    "person": list(Person.model_fields),
    "office": list(Office.model_fields),
}
MARK = "MARK-7f3a"


# A valid base input, built from one seed ---------------------------------------------------------------------


def spell(rng: random.Random, text: str) -> str:
    """The same name as a person might write it: other case, no diacritics, NFD or mixed form."""
    how = rng.choice(("as-is", "upper", "lower", "bare", "nfd", "mixed"))
    if how == "mixed":
        return "".join(nfd(ch) if rng.random() < 0.5 else ch for ch in nfc(text))
    return {
        "as-is": text,
        "upper": text.upper(),
        "lower": text.lower(),
        "bare": strip_diacritics(text),
        "nfd": nfd(text),
    }[how]


def refer(rng: random.Random, kind: str, low: int) -> list[str]:
    chosen = rng.sample(POOL[kind], rng.randint(low, min(3, len(POOL[kind]))))
    return [spell(rng, rng.choice((r.id, r.name, *r.aliases))) for r in chosen]


def day(rng: random.Random, low: int = 2015, high: int = 2035) -> str:
    return f"{rng.randint(low, high):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def edtf(rng: random.Random) -> str:
    text = day(rng)[: rng.choice((4, 7, 10))]
    form = rng.choice(("plain", "plain", "~", "?", "%", "interval", "open-start", "open-end"))
    if form in ("~", "?", "%"):
        return text + form
    if form == "interval":
        return f"{text[:4]}/{int(text[:4]) + rng.randint(0, 20)}"
    return {"plain": text, "open-start": f"../{day(rng)}", "open-end": f"{text}/.."}[form]


def base_fact(rng: random.Random, number: int) -> dict[str, Any]:
    kind = rng.choice(FACT_KINDS)
    fact: dict[str, Any] = {
        "id": f"fuzz-{number}-{rng.choice(('hn', 'gz', 'seoul', 'tokyo'))}",
        "kind": kind,
        "occurred": edtf(rng),
    }
    if rng.random() < 0.5:
        fact["status"] = rng.choice(STATUSES)
    fact["title"] = (
        rng.choice(
            (
                "Hanoi receives the Japanese Ambassador",
                "Lễ khởi công tuyến số 2",
                "Target restated",
                "Hội nghị Đô thị Seoul – Hà Nội",
            )
        )
        + f" #{number}"
    )
    if rng.random() < 0.3:
        fact["summary"] = "Tóm tắt: hợp tác Việt – Nhật."
    fact["projects"] = refer(rng, "project", 1)
    if rng.random() < 0.7:
        fact["partners"] = refer(rng, "organisation", 1)
    if rng.random() < 0.4:
        fact["people"] = [{"person": spell(rng, person.name)} for person in rng.sample(POOL["person"], 2)]
        if rng.random() < 0.5:
            fact["people"][0]["office"] = spell(rng, rng.choice(POOL["office"]).aliases[0])
            fact["people"][0]["role"] = "Chủ tịch"
    if rng.random() < 0.3:
        fact["place"] = rng.choice(("Hanoi", "Hà Nội", "Tokyo"))
    if kind in ("target", "statistic", "milestone") and rng.random() < 0.6:
        fact["figures"] = [dict(FIGURE, value=rng.choice((96.8, 11, [50, 55.5])))]
        if kind == "target":
            fact["target"] = f"target-{number}"
    fact["sources"] = []
    for i, outlet in enumerate(rng.sample(OUTLETS, rng.randint(1, 3))):
        source: dict[str, Any] = {
            "outlet": outlet,
            "language": rng.choice(LANGUAGES),
            "reported": day(rng, 2020, 2025)[: rng.choice((10, 10, 7, 4))],
        }
        if rng.random() < 0.4:
            source["url"] = f"https://news.example/{number}/{i}"
        if rng.random() < 0.3:
            source["quote"] = "Ngày 23/3, Bí thư Thành ủy tiếp Đại sứ Nhật Bản."
        if rng.random() < 0.3:
            source["differs"] = rng.choice(
                (
                    {"status": "scheduled"},
                    {"title": "Hội nghị"},
                    {"occurred": edtf(rng)},
                    {"partners": refer(rng, "organisation", 1)},
                )
            )
        if rng.random() < 0.3:
            source["note"] = "calls BRG 'of Japan'"
        fact["sources"].append(source)
    if rng.random() < 0.2:  # never before the first report (an impossible date is refused)
        first = min(parse_edtf(source["reported"]).lower_or_min for source in fact["sources"])
        fact["retracted"] = {**RETRACTION, "on": max(first, date.fromisoformat(RETRACTION["on"])).isoformat()}
    if rng.random() < 0.3:
        fact["notes"] = "Năm 2022 suy ra từ bản tiếng Anh."
    return fact


def words(rng: random.Random) -> str:
    return " ".join(
        "".join(rng.choice(VIETNAMESE_LETTERS) for _ in range(rng.randint(2, 6))) for _ in range(rng.randint(1, 3))
    )


def new_entities(rng: random.Random, start: int) -> dict[str, list[dict[str, Any]]]:
    """1-2 new entities of each kind; names start with a label and a number, so no two share a match key."""
    found: dict[str, list[dict[str, Any]]] = {}
    for section, kind, label in (
        ("projects", "project", "Dự án mới"),
        ("organisations", "organisation", "Đối tác mới"),
        ("people", "person", "Nhân vật mới"),
        ("offices", "office", "Chức vụ mới"),
    ):
        found[section] = []
        for n in range(start, start + rng.randint(1, 2)):
            entity: dict[str, Any] = {
                "id": f"new-{kind}-{n}",
                "name": f"{label} {n}",
                "aliases": [f"{label} {n} {words(rng)}"],
            }
            if rng.random() < 0.3:
                entity["description"] = "Đối tác"
            if kind == "organisation":
                entity["kind"] = rng.choice(ORGANISATION_KINDS)
            if kind == "office":
                entity["organisation"] = spell(rng, rng.choice(POOL["organisation"]).name)
            found[section].append(entity)
    return found


# Writing -------------------------------------------------------------------------------------------------------

DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(data: Any, fmt: str, flow: bool = False) -> str:
    if fmt == "yaml":
        return yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=10**6, default_flow_style=flow)
    return json.dumps(data, ensure_ascii=False, indent=1)


def facts_text(facts: list[Any], fmt: str) -> str:
    if fmt == "jsonl":
        return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in facts)
    return dump(facts, fmt)


def entities_text(entities: dict[str, list[Any]], fmt: str) -> str:
    if fmt == "jsonl":
        return "".join(
            json.dumps({"entity": SECTIONS[section], **item} if isinstance(item, dict) else item, ensure_ascii=False)
            + "\n"
            for section, items in entities.items()
            for item in items
        )
    return dump(entities, fmt)


@dataclass
class Doc:
    """A valid input: facts (and optionally new entities), with the format of each file."""

    facts: list[dict[str, Any]]
    fmt: str
    entities: dict[str, list[dict[str, Any]]] | None
    efmt: str

    @property
    def facts_name(self) -> str:
        return f"facts.{self.fmt}"

    @property
    def entities_name(self) -> str:
        return f"entities.{self.efmt}"

    def text(self, target: str) -> str:
        if target == "entities":
            assert self.entities is not None
            return entities_text(self.entities, self.efmt)
        return facts_text(self.facts, self.fmt)

    def files(
        self,
        facts: str | bytes | None = None,
        entities: str | bytes | None = None,
        extra: list[tuple[str, str | bytes]] = (),
    ) -> list[tuple[str, bytes]]:
        """The files in load order: entities, facts, then any extra files."""
        found: list[tuple[str, str | bytes]] = []
        if self.entities is not None:
            found.append((self.entities_name, self.text("entities") if entities is None else entities))
        found.append((self.facts_name, self.text("facts") if facts is None else facts))
        found.extend(extra)
        return [
            (name, content if isinstance(content, bytes) else content.encode("utf-8", "surrogateescape"))
            for name, content in found
        ]


@st.composite
def docs(draw: st.DrawFn, entities: bool | None = False, max_facts: int = 2) -> Doc:
    """A valid base input; `entities`: with an entities file (None: sometimes)."""
    seed = draw(st.integers(0, 2**32 - 1), label="seed")
    rng = random.Random(seed)
    start = rng.randint(0, 10**6)
    facts = [base_fact(rng, start + i) for i in range(rng.randint(1, max_facts))]
    with_entities = draw(st.booleans(), label="with entities") if entities is None else entities
    return Doc(
        facts,
        draw(st.sampled_from(FORMATS), label="facts format"),
        new_entities(rng, start) if with_entities else None,
        draw(st.sampled_from(FORMATS), label="entities format"),
    )


# Cases and expectations ------------------------------------------------------------------------------------------

ANY = object()


@dataclass(frozen=True)
class Expect:
    """One acceptable problem: its fact and field (a value, a predicate, or ANY), words of its message, its line."""

    fact: Any = None
    field: Any = None
    words: tuple[str, ...] = ()
    line: Any = ANY

    def accepts(self, problem: Problem) -> bool:
        message = problem.message.lower()
        return (
            _ok(self.fact, problem.fact)
            and _ok(self.field, problem.field)
            and _ok(self.line, problem.line)
            and all(word in message for word in self.words)
        )


def _ok(want: Any, got: Any) -> bool:
    if want is ANY:
        return True
    if callable(want):
        return bool(want(got))
    return want == got


@dataclass
class Case:
    kind: str
    files: list[tuple[str, bytes]]
    broken: str  # the file a problem must name
    expect: tuple[Expect, ...]  # a problem of the broken file must match one of these

    def __repr__(self) -> str:
        shown = [(name, content[:400] + (b"..." if len(content) > 400 else b"")) for name, content in self.files]
        return f"Case({self.kind!r}, broken={self.broken!r}, expect={self.expect!r}, files={shown!r})"


def sane(text: Any) -> bool:
    """Short printable text: a fact id or key a message can show as it is."""
    return isinstance(text, str) and 0 < len(text) <= 100 and text.isprintable()


def shown_fact(raw_id: Any) -> Any:
    """What Problem.fact must be for a fact whose `id` is raw_id: itself when it can be shown as it is, a
    printable, clipped rendering when it is huge or holds control characters, None when it is not text."""
    if not isinstance(raw_id, str):
        return None
    if sane(raw_id) or raw_id == "":
        return raw_id
    return lambda got: isinstance(got, str) and 0 < len(got) <= 200 and got.isprintable()


def within(parent: str) -> Callable[[Any], bool]:
    """A field path inside `parent`, whatever it shows for a key that cannot be shown as it is."""
    return lambda got: isinstance(got, str) and got.startswith(parent) and len(got) <= 200 and got.isprintable()


def join(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key


# Paths inside a fact: "sources[1].differs.title" ------------------------------------------------------------------


def steps(path: str) -> list[Any]:
    return [int(index) if index else name for index, name in re.findall(r"\[(\d+)\]|([^.\[\]]+)", path)]


def parent_of(root: Any, path: str) -> tuple[Any, Any]:
    *head, last = steps(path)
    node = root
    for step in head:
        node = node[step]
    return node, last


def put(root: Any, path: str, value: Any) -> None:
    node, last = parent_of(root, path)
    node[last] = value


def drop(root: Any, path: str) -> None:
    node, last = parent_of(root, path)
    del node[last]


def prepare(fact: dict[str, Any], path: str) -> None:
    """Make the containers on `path` exist (a figure, a person, a retraction, a source's differs)."""
    head = path.split(".")[0].split("[")[0]
    if head == "figures" and path != "figures":
        fact["figures"] = fact.get("figures") or [dict(FIGURE)]
    elif head == "people" and path != "people":
        fact["people"] = fact.get("people") or [dict(PERSON)]
    elif head == "partners" and path != "partners":
        fact["partners"] = fact.get("partners") or ["japan"]
    elif head == "retracted" and path != "retracted":
        fact["retracted"] = dict(fact.get("retracted") or RETRACTION)
    match = re.match(r"sources\[(\d+)\]\.differs\.(\w+)", path)
    if match:
        source = fact["sources"][int(match.group(1))]
        differs = source["differs"] = dict(source.get("differs") or {})
        name = match.group(2)
        if path != match.group(0):  # inside a stated list: give it an item to break
            differs[name] = {
                "figures": [dict(FIGURE)],
                "people": [dict(PERSON)],
                "partners": ["japan"],
                "projects": ["metro-line-2"],
            }[name]


def fact_paths(draw: st.DrawFn, fact: dict[str, Any], table: dict[str, Any]) -> tuple[str, Any]:
    """A path of `table` (templates with S = a source index) made real for this fact, and its table entry."""
    template = draw(st.sampled_from(sorted(table)), label="path")
    source = draw(st.integers(0, len(fact["sources"]) - 1), label="source")
    path = template.replace("[S]", f"[{source}]")
    prepare(fact, path)
    return path, table[template]


def pick_fact(draw: st.DrawFn, doc: Doc) -> dict[str, Any]:
    return doc.facts[draw(st.integers(0, len(doc.facts) - 1), label="fact")]


def pick_entity(draw: st.DrawFn, doc: Doc) -> tuple[str, dict[str, Any]]:
    assert doc.entities is not None
    section = draw(st.sampled_from(sorted(doc.entities)), label="section")
    return SECTIONS[section], draw(st.sampled_from(doc.entities[section]), label="entity")


def fact_case(
    kind: str,
    doc: Doc,
    fact: dict[str, Any],
    field: Any,
    *words: str,
    raw: Callable[[str], str] | None = None,
    alternatives: tuple[Expect, ...] = (),
) -> Case:
    """A case broken inside `fact` of the facts file: a problem must name the fact and `field`."""
    text = doc.text("facts")
    return Case(
        kind,
        doc.files(facts=raw(text) if raw else text),
        doc.facts_name,
        (Expect(shown_fact(fact.get("id")), field, words), *alternatives),
    )


def entity_case(
    kind: str,
    doc: Doc,
    field: Any,
    *words: str,
    raw: Callable[[str], str] | None = None,
    alternatives: tuple[Expect, ...] = (),
) -> Case:
    """A case broken inside an entity of the entities file: a problem must name `field` (and no fact)."""
    text = doc.text("entities")
    return Case(
        kind,
        doc.files(entities=raw(text) if raw else text),
        doc.entities_name,
        (Expect(None, field, words), *alternatives),
    )


def replace_mark(text: str, token: str) -> str:
    """The text with the placeholder value (quoted or not) replaced by a raw token."""
    return text.replace(f'"{MARK}"', token).replace(f"'{MARK}'", token).replace(MARK, token)


FILE_LEVEL = Expect(None, None)


# 1. Broken text ---------------------------------------------------------------------------------------------------


def brackets(text: str, fmt: str) -> list[int]:
    """Positions of structural brackets (outside strings) in JSON or flow-style YAML."""
    found, quote, i = [], None, 0
    while i < len(text):
        c = text[i]
        if quote is not None:
            if c == "\\" and quote == '"':
                i += 2
                continue
            if c == quote:
                quote = None
        elif c == '"' or (c == "'" and fmt == "yaml" and text[:i].rstrip()[-1:] in ("", "[", "{", ",", ":")):
            quote = c
        elif c in "[]{}":
            found.append(i)
        i += 1
    return found


def unbalance(draw: st.DrawFn, text: str, fmt: str) -> str:
    positions = brackets(text, fmt)
    openers = [i for i in positions if text[i] in "[{"]
    closers = [i for i in positions if text[i] in "]}"]
    how = draw(st.sampled_from(("drop closer", "drop opener", "extra closer", "extra opener")), label="unbalance")
    if how.endswith("closer"):
        i = draw(st.sampled_from(closers), label="closer")
        return text[:i] + text[i + 1 :] if how == "drop closer" else text[: i + 1] + text[i] + text[i + 1 :]
    i = draw(st.sampled_from(openers), label="opener")
    return text[:i] + text[i + 1 :] if how == "drop opener" else text[:i] + text[i] + text[i:]


def yaml_parses(text: str) -> bool:
    """The oracle for broken YAML: does the stock safe loader read it?"""
    try:
        yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return False
    return True


YAML_BREAKERS = (
    "\t- tab: indented",
    '"unclosed quote',
    "[unclosed, flow",
    "*undefined_alias",
    "- : ]",
    "key: [1, 2",
    "{a: 1",
    "? ? ?",
    "  - ]",
    "%YAML 1.1",
)


@st.composite
def broken_text(draw: st.DrawFn) -> Case:
    doc = draw(docs(entities=None))
    target = "entities" if doc.entities is not None and draw(st.booleans(), label="entities?") else "facts"
    data: Any = doc.entities if target == "entities" else doc.facts
    fmt = doc.efmt if target == "entities" else doc.fmt
    name = doc.entities_name if target == "entities" else doc.facts_name
    expect: tuple[Expect, ...] = (FILE_LEVEL,)
    common = ("not utf-8", "scalar document", "duplicate key")
    how = draw(
        st.sampled_from(
            {
                "yaml": (
                    "truncate",
                    "unbalanced",
                    "indentation",
                    "stray line",
                    "two documents",
                    "python tag",
                    "unknown section",
                    "section not a list",
                )
                + common,
                "json": (
                    "truncate",
                    "unbalanced",
                    "stray token",
                    "two values",
                    "trailing comma",
                    "single quotes",
                    "comment",
                    "bare word",
                    "unknown section",
                    "section not a list",
                )
                + common,
                "jsonl": (
                    "truncate",
                    "unbalanced",
                    "stray token",
                    "two values",
                    "yaml line",
                    "scalar line",
                    "unknown entity kind",
                    "not utf-8",
                    "duplicate key",
                ),
            }[fmt]
        ),
        label="how",
    )
    text = doc.text(target)
    if fmt == "jsonl" and how not in ("not utf-8", "duplicate key"):
        lines = text.rstrip("\n").split("\n")
        j = draw(st.integers(0, len(lines) - 1), label="line")
        line = lines[j]
        expect = (Expect(None, None, line=j + 1),)
        if how == "truncate":
            line = line[: draw(st.integers(1, len(line) - 1), label="cut")]
        elif how == "unbalanced":
            line = unbalance(draw, line, "json")
        elif how == "stray token":
            at = draw(st.sampled_from(brackets(line, "json")), label="at")
            line = line[:at] + draw(st.sampled_from((",", "x", ":", '"')), label="token") + line[at:]
        elif how == "two values":
            line = line + " " + line
        elif how == "yaml line":
            line = dump(json.loads(line), "yaml").replace("\n", " ")  # "id: ... kind: ...": not JSON
        elif how == "scalar line":
            line = draw(st.sampled_from(("42", '"a fact"', "[]", "null", "true", "[1, 2]")), label="scalar")
            expect = (Expect(None, None, ("expected a mapping",), line=j + 1),)
        else:
            line = json.dumps(
                {
                    "entity": draw(st.sampled_from(("city", "Project", "projects", "", "fact")), label="entity kind"),
                    "id": "x",
                    "name": "X",
                }
            )
            expect = (Expect(None, "entity", ("unknown entity kind",), line=j + 1),)
        lines[j] = line
        text = "\n".join(lines) + "\n"
    elif how == "truncate":
        text = dump(data, fmt, flow=True) if fmt == "yaml" else text
        last = max(text.rindex("]") if "]" in text else -1, text.rindex("}") if "}" in text else -1)
        text = text[: draw(st.integers(1, last), label="cut")]
    elif how == "unbalanced":
        text = unbalance(draw, dump(data, fmt, flow=True) if fmt == "yaml" else text, fmt)
    elif how in ("indentation", "stray line"):
        lines = text.split("\n")
        j = draw(st.integers(1, max(1, len(lines) - 2)), label="line")
        if how == "indentation":
            shift = draw(st.sampled_from((1, -1, 3, -2)), label="shift")
            indent = len(lines[j]) - len(lines[j].lstrip(" "))
            lines[j] = " " * max(0, indent + shift) + lines[j].lstrip(" ")
        else:
            lines.insert(
                j, " " * draw(st.integers(0, 4), label="indent") + draw(st.sampled_from(YAML_BREAKERS), label="breaker")
            )
        text = "\n".join(lines)
        if yaml_parses(text):  # still YAML after all (e.g. a list indented further): break it for sure
            event("broken yaml: still parsed, made invalid")
            text += "\n- : ]\n"
    elif how == "stray token":
        at = draw(st.sampled_from(brackets(text, "json")), label="at")
        text = text[:at] + draw(st.sampled_from((",", "x", ":", '"')), label="token") + text[at:]
    elif how == "two values":
        text = text + text
    elif how == "two documents":
        text = text + "---\n" + text
    elif how == "python tag":
        text = (
            text.replace("title:", "title: !!python/object/apply:os.getcwd []", 1)
            if "title:" in text
            else "!!python/object/apply:os.getcwd []\n"
        )
    elif how == "trailing comma":
        last = text.rindex("]") if "]" in text else text.rindex("}")
        text = text[:last] + "," + text[last:]
    elif how == "single quotes":
        text = text.replace('"id"', "'id'", 1) if '"id"' in text else "{'facts': []}"
    elif how == "comment":
        text = "// the facts of 2022\n" + text
    elif how == "bare word":
        text = (
            re.sub(r'"(kind|language|name)": "([^"]*)"', r'"\1": \2', text, count=1)
            if re.search(r'"(kind|language|name)": "', text)
            else text + "undefined"
        )
    elif how == "unknown section":
        section = draw(st.sampled_from(("chapters", "Facts", "project", "person", "events", "", "1")), label="section")
        mapping = {"facts": doc.facts} if target == "facts" else dict(data)
        mapping[section] = []
        if draw(st.booleans(), label="first?"):
            mapping = {section: [], **{k: v for k, v in mapping.items() if k != section}}
        text = dump(mapping, fmt)
        expect = (Expect(None, None, ("unknown section",)),)
    elif how == "section not a list":
        section = draw(st.sampled_from(("facts", "projects", "organisations", "people", "offices")), label="section")
        text = dump({section: draw(st.sampled_from(({"id": "x"}, "x", 42, True)), label="value")}, fmt)
        expect = (Expect(None, None, ("must be a list",)),)
    elif how == "scalar document":
        text = draw(
            st.sampled_from(("42\n", '"a fact"\n', "true\n", "3.5\n", "'x'\n" if fmt == "yaml" else "1e5\n")),
            label="scalar",
        )
        expect = (Expect(None, None, ("expected a list of facts",)),)
    if how == "not utf-8":
        raw = text.encode("utf-8")
        at = draw(st.integers(0, len(raw)), label="at")
        content: str | bytes = (
            raw[:at]
            + draw(st.sampled_from((b"\xff", b"\xfe\xff", b"\xc0\xaf", b"\xed\xa0\x80")), label="bytes")
            + raw[at:]
        )
        expect = (Expect(None, None, ("utf-8",)),)
    elif how == "duplicate key":
        item = (
            data[draw(st.integers(0, len(data) - 1), label="item")]
            if isinstance(data, list)
            else data[draw(st.sampled_from(sorted(data)), label="section")][0]
        )
        key = draw(st.sampled_from([k for k in ("id", "title", "name", "kind", "sources") if k in item]), label="key")
        item[MARK] = "another value"
        content = doc.text(target).replace(MARK, key)
        del item[MARK]
        expect = (Expect(None, None, ("duplicate key",)),)
    else:
        content = text
    files = doc.files(**{target: content})
    return Case(f"broken {fmt}: {how}", files, name, expect)


# 2. Wrong types ---------------------------------------------------------------------------------------------------

NOT_TEXT = (42, -7, 3.5, True, False, [], ["x"], {}, {"a": 1}, "")
CATEGORIES: dict[str, tuple[Any, ...]] = {
    "text": NOT_TEXT + ("   ",),
    "text!": NOT_TEXT + ("   ", None),
    "verbatim": NOT_TEXT,
    "slug": NOT_TEXT + ("Not A Slug", "a--b", "-a", "đ-1"),
    "slug!": NOT_TEXT + ("Not A Slug", "a_b", None),
    "edtf": (0, -2022, 10000, 20220323, 2022.0, 3.5, True, [], ["2022"], {}, {"on": "2022"}, "", "  "),
    "edtf!": (0, -2022, 10000, 2022.0, True, [], ["2022"], {}, "", None),
    "literal": (42, True, [], ["meeting"], {}, "", "MEETING", "Happened", None),
    "language": (42, True, [], ["vi"], {}, "", "VI", "vie-x", "v", "english", None),
    "number": (True, False, [], [1.0], [1, 2, 3], [[1, 2]], {"v": 1}, ["1", 2], [1, None]),
    "seq": ("x", "japan", 42, 3.5, True, {"a": 1}, {}, None),
    "seq!": ("x", 42, True, {"a": 1}, None, []),
    "item": (42, 3.5, True, None, [], ["x"], {}, {"a": 1}),
    "model item": ("x", 42, 3.5, True, None, [], ["x"]),
    "model?": ("yes", 42, True, [], ["2024-01-05"]),
    "dict": ("x", 42, True, [], ["status"], None),
}
FACT_FIELDS = {
    "id": "slug!",
    "kind": "literal",
    "occurred": "edtf!",
    "status": "literal",
    "title": "text!",
    "summary": "text",
    "projects": "seq",
    "partners": "seq",
    "people": "seq",
    "place": "text",
    "figures": "seq",
    "target": "slug",
    "fulfils": "slug",
    "sources": "seq!",
    "retracted": "model?",
    "notes": "text",
    "projects[0]": "item",
    "partners[0]": "item",
    "people[0]": "model item",
    "people[0].person": "text!",
    "people[0].office": "text",
    "people[0].role": "text",
    "figures[0]": "model item",
    "figures[0].metric": "text!",
    "figures[0].value": "number",
    "figures[0].unit": "text",
    "figures[0].as_written": "verbatim",
    "figures[0].deadline": "edtf",
    "figures[0].vision": "edtf",
    "figures[0].note": "text",
    "sources[S]": "model item",
    "sources[S].outlet": "text!",
    "sources[S].language": "language",
    "sources[S].reported": "edtf!",
    "sources[S].url": "text",
    "sources[S].title": "text",
    "sources[S].quote": "verbatim",
    "sources[S].differs": "dict",
    "sources[S].note": "text",
    "retracted.on": "edtf!",
    "retracted.reason": "text!",
    "sources[S].differs.kind": "literal",
    "sources[S].differs.occurred": "edtf!",
    "sources[S].differs.status": "literal",
    "sources[S].differs.title": "text!",
    "sources[S].differs.summary": "text",
    "sources[S].differs.projects": "seq",
    "sources[S].differs.partners": "seq",
    "sources[S].differs.partners[0]": "item",
    "sources[S].differs.people[0].person": "text!",
    "sources[S].differs.figures[0].value": "number",
    "sources[S].differs.place": "text",
    "sources[S].differs.target": "slug",
}
ENTITY_FIELD_TYPES = {"id": "slug!", "name": "text!", "aliases": "seq", "aliases[0]": "item", "description": "text"}
ENTITY_EXTRA_TYPES = {"organisation": {"kind": "literal"}, "office": {"organisation": "text!"}}
YAML_TAGGED = {
    "text": ("!!binary aGVsbG8=", "!!timestamp 2022-03-23", "!!int 42"),
    "seq": (
        "!!set {metro-line-2: null, ring-road-4: null}",
        "!!set {nhon-line: null}",
        "!!omap [{a: 1}]",
        "!!pairs [[a, b]]",
    ),  # a set of known projects: a list in no stable order
    "edtf": ("!!timestamp 2022-03-23", "!!float 2022", "!!binary MjAyMg=="),
    "dict": ("!!omap [{status: scheduled}]", "!!set {status: null}"),
}


@st.composite
def wrong_types(draw: st.DrawFn) -> Case:
    doc = draw(docs(entities=None))
    where = draw(
        st.sampled_from(
            ("fact", "fact", "fact", "entity", "record", "yaml tag") if doc.entities else ("fact", "record", "yaml tag")
        ),
        label="where",
    )
    if where == "entity":
        kind, entity = pick_entity(draw, doc)
        table = {**ENTITY_FIELD_TYPES, **ENTITY_EXTRA_TYPES.get(kind, {})}
        path = draw(st.sampled_from(sorted(table)), label="path")
        value = draw(
            st.sampled_from(CATEGORIES[table[path]] + (("!!!", "\u0301") if path in ("name", "aliases[0]") else ())),
            label="value",
        )
        put(entity, path, value)
        return entity_case(f"wrong type: entity {path}", doc, path)
    fact = pick_fact(draw, doc)
    if where == "record":  # a whole fact or entity that is not a mapping
        value = draw(st.sampled_from(("a fact", 42, 3.5, True, None, [], ["id", "x"])), label="record")
        index = doc.facts.index(fact)
        doc.facts[index] = value  # type: ignore[call-overload]
        expect = Expect(None, None, ("expected a mapping of fields",))
        return Case(f"wrong type: record {type(value).__name__}", doc.files(), doc.facts_name, (expect,))
    path, category = fact_paths(draw, fact, FACT_FIELDS)
    if where == "yaml tag":
        doc.fmt = "yaml"
        category = draw(st.sampled_from(sorted(YAML_TAGGED)), label="tag category")
        path = {"text": "title", "seq": "projects", "edtf": "occurred", "dict": "sources[0].differs"}[category]
        put(fact, path, MARK)
        tagged = draw(st.sampled_from(YAML_TAGGED[category]), label="tagged")
        event(f"wrong type: yaml {tagged.split()[0]}")
        return fact_case(
            f"wrong type: yaml tag at {path}",
            doc,
            fact,
            within(path),
            raw=lambda text: replace_mark(text, tagged),
            alternatives=(FILE_LEVEL,),
        )  # the loader may refuse the tag itself
    value = draw(st.sampled_from(CATEGORIES[category]), label="value")
    put(fact, path, value)
    event(f"wrong type: {category}")
    return fact_case(f"wrong type: {path} = {value!r}", doc, fact, path)


# 3. Missing required fields ----------------------------------------------------------------------------------------

REQUIRED = (
    "id",
    "kind",
    "occurred",
    "title",
    "sources",
    "sources[S].outlet",
    "sources[S].language",
    "sources[S].reported",
    "figures[0].metric",
    "people[0].person",
    "retracted.on",
    "retracted.reason",
    "sources[S].differs.figures[0].metric",
    "sources[S].differs.people[0].person",
    "no sources",
)
ENTITY_REQUIRED = {
    "project": ("id", "name"),
    "person": ("id", "name"),
    "organisation": ("id", "name", "kind"),
    "office": ("id", "name", "organisation"),
}


@st.composite
def missing_required(draw: st.DrawFn) -> Case:
    doc = draw(docs(entities=None))
    if doc.entities is not None and draw(st.booleans(), label="entity?"):
        kind, entity = pick_entity(draw, doc)
        name = draw(st.sampled_from(ENTITY_REQUIRED[kind]), label="field")
        del entity[name]
        return entity_case(f"missing: entity {name}", doc, name, "required")
    fact = pick_fact(draw, doc)
    path, _ = fact_paths(draw, fact, {name: None for name in REQUIRED})
    if path == "no sources":
        fact["sources"] = []
        return fact_case("missing: no sources", doc, fact, "sources", "at least one source")
    drop(fact, path)
    if path == "id":
        return fact_case("missing: id", doc, fact, "id", "required")
    return fact_case(f"missing: {path}", doc, fact, path, "required")


# 4. Unknown fields ------------------------------------------------------------------------------------------------

KEY_NAMES = (
    "colour",
    "titel",
    "occured",
    "Title",
    "ID",
    "source",
    "date",
    "publisher",
    "units",
    "by",
    "entity_id",
    "list",
    "str",
    "float",
    "int",
    "dict",
    "none",
    "tuple",
    "bool",
    "literal",
    "constrained-str",
    "function-after",
    "a[0]",
    "x.y",
    "tiêu đề",
    nfd("tiêu đề"),
    " title",
    "title ",
    "",
    "\x1b[31m",
    "k" * 300,
    "ngày\u00a0đăng",
)
LEVELS = {
    "": Fact,
    "sources[S]": Source,
    "figures[0]": Figure,
    "people[0]": PersonRole,
    "retracted": Retraction,
    "sources[S].differs": None,
    "sources[S].differs.figures[0]": Figure,
    "sources[S].differs.people[0]": PersonRole,
}
key_names = st.one_of(
    st.sampled_from(KEY_NAMES), st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=24)
)


@st.composite
def unknown_fields(draw: st.DrawFn) -> Case:
    doc = draw(docs(entities=None))
    if doc.entities is not None and draw(st.booleans(), label="entity?"):
        kind, entity = pick_entity(draw, doc)
        key = draw(key_names, label="key")
        if key in ENTITY_FIELDS[kind] or key == "entity":
            key += "_x"
        entity[key] = draw(st.sampled_from(("x", 1, None, [], {"a": 1})), label="value")
        return entity_case("unknown field: entity", doc, key if sane(key) else within(""), "unknown field")
    fact = pick_fact(draw, doc)
    template = draw(st.sampled_from(sorted(LEVELS)), label="level")
    parent = template.replace("[S]", f"[{draw(st.integers(0, len(fact['sources']) - 1), label='source')}]")
    prepare(fact, parent + ".x")
    model = LEVELS[template]
    allowed = set(STATED_FIELDS) if model is None else set(model.model_fields)
    non_string = doc.fmt == "yaml" and model is not None and draw(st.integers(0, 9), label="non-string?") == 0
    key = MARK if non_string else draw(key_names, label="key")
    if key in allowed or key == "entity":  # "entity" makes a JSONL line an entity
        key += "_x"
    node = parent_of(fact, parent + ".x")[0] if parent else fact
    node[key] = draw(st.sampled_from(("x", 1, None, [], {"a": 1}, "2022")), label="value")
    if non_string:  # a key YAML reads as a number, a boolean or null
        token = draw(st.sampled_from(("1", "true", "null", "2.5", "0x1F", "~")), label="key token")
        return fact_case(
            f"unknown field: {token} in {template or 'fact'}",
            doc,
            fact,
            within(parent),
            raw=lambda text: text.replace(MARK, token),
        )
    if model is None:  # a source's differs: fields the fact has, except those that cannot differ
        return fact_case("unknown field: differs", doc, fact, parent, "cannot differ")
    field = join(parent, key) if sane(key) else within(parent)
    return fact_case(f"unknown field in {template or 'fact'}", doc, fact, field, "unknown field")


# 5. Bad dates -----------------------------------------------------------------------------------------------------

_SINGLE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?[~?%]?")


def edtf_valid(text: str) -> bool:
    """The oracle: is `text` in the README's EDTF subset (calendar-checked), after surrounding whitespace?"""
    import calendar

    def single(part: str) -> tuple[int, int, int, int, int, int] | None:
        m = _SINGLE.fullmatch(part)
        if m is None or int(m.group(1)) == 0:
            return None
        y = int(m.group(1))
        if m.group(2) is None:
            return (y, 1, 1, y, 12, 31)
        mo = int(m.group(2))
        if not 1 <= mo <= 12:
            return None
        last = calendar.monthrange(y, mo)[1]
        if m.group(3) is None:
            return (y, mo, 1, y, mo, last)
        d = int(m.group(3))
        return (y, mo, d, y, mo, d) if 1 <= d <= last else None

    text = text.strip()
    if "/" not in text:
        return single(text) is not None
    parts = text.split("/")
    if len(parts) != 2 or parts == ["..", ".."]:
        return False
    a = None if parts[0] == ".." else single(parts[0])
    b = None if parts[1] == ".." else single(parts[1])
    if (a is None and parts[0] != "..") or (b is None and parts[1] != ".."):
        return False
    return a is None or b is None or a[:3] <= b[3:]


# The shapes README's Dates table added to the plain subset above: X digits, date-times, a qualifier before or
# inside a date, seasons and quarters (months 21..41), an unknown (empty) interval end. A text with any of them
# may be valid, so the bad-date pool leaves it out; the rest the plain oracle judges exactly.
_LATER_SHAPES = re.compile(r"[XT]|[~?%][^/~?%]|(?:^|/)[~?%]?[0-9]{4}[~?%]?-[~?%]?(?:2[1-9]|3[0-9]|4[01])|^/|/$")


def maybe_valid_later_shape(text: str) -> bool:
    return _LATER_SHAPES.search(text.strip()) is not None


@st.composite
def impossible_day(draw: st.DrawFn) -> str:
    import calendar

    year = draw(st.integers(1, 9999))
    month = draw(st.integers(1, 12))
    last = calendar.monthrange(year, month)[1]
    how = draw(st.sampled_from(("past the end", "day 00", "month", "year 0")))
    if how == "past the end":
        return f"{year:04d}-{month:02d}-{draw(st.integers(last + 1, 99)):02d}"
    if how == "day 00":
        return f"{year:04d}-{month:02d}-00"
    if how == "month":
        return f"{year:04d}-{draw(st.sampled_from((0, *range(13, 100)))):02d}" + draw(st.sampled_from(("", "-01")))
    return "0000" + draw(st.sampled_from(("", "-01", "-01-01")))


@st.composite
def reversed_interval(draw: st.DrawFn) -> str:
    a = draw(st.integers(1000, 9999))
    b = draw(st.integers(1, a - 1))
    return f"{a:04d}/{b:04d}" if draw(st.booleans()) else f"{a:04d}-06-15/{a:04d}-06-{draw(st.integers(1, 14)):02d}"


BAD_DATE_TEXT = (
    "2022-3-5",
    "23/3/2022",
    "2022-03-23T10:00",
    "2022-03-23 10:00",
    "２０２２",
    "٢٠٢٢",
    "20220323",
    "../..",
    "2022/../2023",
    "2022~~",
    "~2022",
    "2022-W05",
    "2022-Q1",
    "yesterday",
    "tháng 3 năm 2022",
    "2022--03",
    "2022-03-",
    "+2022",
    "-2022",
    "12022",
    "2022-02-29",
    "1900-02-29",
    "2022 / 2023",
    "2022/",
    "/2022",
    "..",
    "2022/2023/2024",
    "202",
    "2022-1",
    "2022-03-2",
    "XXXX",
    "2022-XX",
    "1e3",
    "nan",
)
bad_dates = st.one_of(
    st.sampled_from(BAD_DATE_TEXT),
    impossible_day(),
    reversed_interval(),
    st.text(st.sampled_from("0123456789-/.~?%Xu T:+"), min_size=1, max_size=24),
).filter(lambda text: not edtf_valid(text) and not maybe_valid_later_shape(text))
DATE_FIELDS = (
    "occurred",
    "sources[S].reported",
    "retracted.on",
    "figures[0].deadline",
    "figures[0].vision",
    "sources[S].differs.occurred",
)


@st.composite
def bad_dates_case(draw: st.DrawFn) -> Case:
    doc = draw(docs())
    fact = pick_fact(draw, doc)
    path, _ = fact_paths(draw, fact, {name: None for name in DATE_FIELDS})
    text = draw(bad_dates, label="date")
    put(fact, path, text)
    return fact_case(f"bad date at {path}", doc, fact, path)


# 6. Bad numbers ---------------------------------------------------------------------------------------------------

NUMBER_TEXT = (
    "96,8",
    "3.100",
    "1,500",
    "96.8",
    "12 km",
    "",
    "NaN",
    "inf",
    "-Infinity",
    "1e3",
    "½",
    "٣",
    "１２",
    "-",
    "~50",
    "1_000",
    "0x10",
    "96.8 km",
)
NON_FINITE = {
    "yaml": (".nan", ".NaN", ".inf", "-.inf", "+.inf", "1.0e+400", "-9.9e+999"),
    "json": ("NaN", "Infinity", "-Infinity", "1e400", "-1e999"),
    "jsonl": ("NaN", "Infinity", "-Infinity", "1e400", "-1e999"),
}


@st.composite
def bad_numbers(draw: st.DrawFn) -> Case:
    doc = draw(docs())
    fact = pick_fact(draw, doc)
    path, _ = fact_paths(draw, fact, {"figures[0].value": None, "sources[S].differs.figures[0].value": None})
    how = draw(
        st.sampled_from(("text", "non-finite", "huge", "too many digits", "bad range", "reversed range")), label="how"
    )
    event(f"bad number: {how}")
    if how == "text":
        value = draw(
            st.one_of(st.sampled_from(NUMBER_TEXT), st.from_regex(r"\A-?[0-9]{1,4}[,.][0-9]{1,3}\Z")), label="text"
        )
        put(fact, path, value)
        return fact_case(f"bad number: {value!r}", doc, fact, path)
    if how == "bad range":
        put(
            fact,
            path,
            draw(
                st.sampled_from(
                    ([1], [1, 2, 3], ["1", 2], [1, "2,5"], [[1], [2]], [True, 1], [None, 1], {"from": 1, "to": 2})
                ),
                label="range",
            ),
        )
        return fact_case("bad number: range", doc, fact, path)
    if how == "reversed range":
        low = draw(st.floats(-1e6, 1e6, allow_nan=False), label="low")
        high = low + draw(st.floats(0.001, 1e6), label="above")
        put(fact, path, [high, low])
        return fact_case("bad number: reversed range", doc, fact, path, "range")
    put(fact, path, MARK)
    if how == "non-finite":
        token = draw(st.sampled_from(NON_FINITE[doc.fmt]), label="token")
        if draw(st.booleans(), label="in a range?"):
            token = f"[1, {token}]"
        return fact_case(f"bad number: {token}", doc, fact, path, raw=lambda text: replace_mark(text, token))
    digits = draw(st.integers(310, 4200) if how == "huge" else st.integers(4301, 30000), label="digits")
    token = "9" * digits
    # Over Python's 4300-digit limit the loader cannot read the number, so the file is the most it can name.
    alternatives = (FILE_LEVEL,) if how == "too many digits" else ()
    return fact_case(
        f"bad number: {digits} digits",
        doc,
        fact,
        path,
        raw=lambda text: replace_mark(text, token),
        alternatives=alternatives,
    )


# 7. References -----------------------------------------------------------------------------------------------------

REF_FIELDS = (
    "projects[0]",
    "partners[0]",
    "people[0].person",
    "people[0].office",
    "sources[S].differs.partners[0]",
    "sources[S].differs.projects[0]",
    "sources[S].differs.people[0].person",
)


def kind_at(path: str) -> str:
    name = re.sub(r"\[\d+\]", "", path).split(".")[-1]
    return REF_KIND[name]


def resolves(ref: str, kind: str, extra_keys: set[str] = frozenset()) -> bool:
    """The oracle: would `ref` name an entity of `kind` (or fail as a text before being looked up)?"""
    text = ref.strip()
    return match_key(text) in KEYS[kind] | extra_keys or KIND_OF_ID.get(text) == kind


def unknown(ref: str, kind: str, extra_keys: set[str] = frozenset()) -> str:
    """`ref`, made unknown if it happens to name an entity of `kind`."""
    return ref + " zq" if resolves(ref, kind, extra_keys) else ref


unknown_names = st.one_of(
    st.sampled_from(
        (
            "Atlantis",
            "Sumitomo Corp. (Osaka)",
            "nobody-at-all",
            "Hà Nội Mới",
            "x",
            "!!!",
            "Japan Inc",
            "Bac Ha Noi",
            "metro line 3",
            "Tập đoàn",
            nfd("Đường sắt đô thị"),
            "０",
            "ß",
        )
    ),
    st.text(
        st.sampled_from(VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + " -'.()0123456789"), min_size=1, max_size=30
    ),
    st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=20),
)


@st.composite
def bad_references(draw: st.DrawFn) -> Case:
    doc = draw(docs(entities=None))
    how = draw(
        st.sampled_from(
            ("unknown", "other kind", "ambiguous", "made ambiguous", "office organisation")
            if doc.entities
            else ("unknown", "other kind", "ambiguous")
        ),
        label="how",
    )
    if how == "office organisation":
        office = draw(st.sampled_from(doc.entities["offices"]), label="office")  # type: ignore[index]
        new_keys = {match_key(n) for e in doc.entities["organisations"] for n in (e["id"], e["name"], *e["aliases"])}  # type: ignore[index]
        name = unknown(draw(unknown_names, label="ref"), "organisation", new_keys)
        office["organisation"] = name
        return entity_case("reference: office organisation", doc, "organisation")
    fact = pick_fact(draw, doc)
    path, _ = fact_paths(draw, fact, {name: None for name in REF_FIELDS})
    kind = kind_at(path)
    words: tuple[str, ...] = ()
    if how == "unknown":
        ref = unknown(draw(unknown_names, label="ref"), kind)
    elif how == "other kind":
        other = draw(st.sampled_from([r for r in KNOWN if r.entity != kind]), label="other")
        ref = draw(st.sampled_from((other.id, other.name, *other.aliases)), label="name")
        if resolves(ref, kind):
            ref = other.id + "-x"
    elif how == "ambiguous":
        ref = spell(random.Random(draw(st.integers(0, 99), label="spelling")), SHARED[kind])
        words = ("ambiguous",)
    else:  # a new entity in the input answers to the same name as a known one, written in another form
        assert doc.entities is not None
        known = draw(st.sampled_from([r for r in POOL[kind] if r.aliases]), label="known")
        section = {v: k for k, v in SECTIONS.items()}[kind]
        twin = dict(doc.entities[section][0])
        twin["aliases"] = [
            *twin["aliases"],
            spell(random.Random(draw(st.integers(0, 99), label="s1")), known.aliases[0]),
        ]
        doc.entities[section][0] = twin
        ref = spell(random.Random(draw(st.integers(0, 99), label="s2")), known.aliases[0])
        words = ("ambiguous",)
    put(fact, path, ref)
    return fact_case(f"reference {how}: {path} = {ref!r}", doc, fact, path, *words)


# 8. Duplicate ids -------------------------------------------------------------------------------------------------


@st.composite
def duplicate_ids(draw: st.DrawFn) -> Case:
    doc = draw(docs(entities=None))
    how = draw(
        st.sampled_from(
            ("fact, same file", "fact, two files")
            + (("entity, same file", "entity, two files", "entity, another kind") if doc.entities else ())
        ),
        label="how",
    )
    if how.startswith("fact"):
        fact = pick_fact(draw, doc)
        twin = dict(fact, title=fact["title"] + " (bản khác)")
        if draw(st.booleans(), label="other kind?"):
            twin["kind"] = draw(st.sampled_from([k for k in FACT_KINDS if k != fact["kind"]]), label="kind")
        if how == "fact, same file":
            doc.facts.insert(draw(st.integers(doc.facts.index(fact) + 1, len(doc.facts)), label="at"), twin)
            return fact_case(how, doc, fact, "id", "duplicate")
        fmt = draw(st.sampled_from(FORMATS), label="second format")
        name = f"more-facts.{fmt}"
        others = [
            base_fact(random.Random(draw(st.integers(0, 2**32 - 1), label="seed 2")), 10**7 + i) for i in range(2)
        ]
        facts = others[: draw(st.integers(0, 2), label="before")] + [twin] + others[2:]
        files = doc.files(extra=[(name, facts_text(facts, fmt))])
        return Case(how, files, name, (Expect(fact["id"], "id", ("duplicate",)),))
    assert doc.entities is not None
    kind, entity = pick_entity(draw, doc)
    section = {v: k for k, v in SECTIONS.items()}[kind]
    if how == "entity, another kind":
        other = draw(st.sampled_from([s for s in SECTIONS if s != section]), label="other section")
        target = dict(doc.entities[other][0], id=entity["id"])
        doc.entities[other].append(target)
        return entity_case(how, doc, "id", "duplicate")
    twin = dict(entity, name=entity["name"] + " B", aliases=[])
    if how == "entity, same file":
        doc.entities[section].append(twin)
        return entity_case(how, doc, "id", "duplicate")
    fmt = draw(st.sampled_from(FORMATS), label="second format")
    name = f"more-entities.{fmt}"
    files = doc.files(extra=[(name, entities_text({section: [twin]}, fmt))])
    return Case(how, files, name, (Expect(None, "id", ("duplicate",)),))


# 9. Huge strings (100,000+ characters) -------------------------------------------------------------------------------

HUGE = 100_000


@st.composite
def huge_strings(draw: st.DrawFn) -> Case:
    doc = draw(docs(entities=None))
    size = draw(st.integers(HUGE, 3 * HUGE), label="size")
    where = draw(
        st.sampled_from(
            (
                "id",
                "reference",
                "date",
                "language",
                "kind",
                "status",
                "target",
                "key",
                "title with a control character",
                "blank title",
                "number as text",
                "outlet and date",
                "garbage file",
                "garbage line",
                "section name",
                "entity kind",
            )
            + (("entity name", "entity id") if doc.entities else ())
        ),
        label="where",
    )
    event(f"huge: {where}")
    if where == "garbage file":
        text = draw(st.sampled_from(("[", "{", "- {", '"', "x: [")), label="start") + "ă" * size
        return Case("huge: garbage file", doc.files(facts=text), doc.facts_name, (FILE_LEVEL,))
    if where == "section name":
        doc.fmt = draw(st.sampled_from(("yaml", "json")), label="format")
        text = dump({"facts": doc.facts, draw(st.sampled_from(("x", "ă", "\x1b")), label="c") * size: []}, doc.fmt)
        return Case(
            "huge: section name", doc.files(facts=text), doc.facts_name, (Expect(None, None, ("unknown section",)),)
        )
    if where == "entity kind":
        doc.fmt = "jsonl"
        line = json.dumps({"entity": "p" * size, "id": "x", "name": "X"})
        return Case(
            "huge: entity kind",
            doc.files(facts=doc.text("facts") + line + "\n"),
            doc.facts_name,
            (Expect(None, "entity", ("unknown entity kind",), line=len(doc.facts) + 1),),
        )
    if where == "garbage line":
        doc.fmt = "jsonl"
        lines = doc.text("facts").splitlines()
        lines.insert(1, '{"id": "' + "x" * size)
        return Case(
            "huge: garbage line",
            doc.files(facts="\n".join(lines) + "\n"),
            doc.facts_name,
            (Expect(None, None, line=2),),
        )
    if where.startswith("entity"):
        kind, entity = pick_entity(draw, doc)
        field = "name" if where == "entity name" else "id"
        entity[field] = "!" * size if field == "name" else "a" * size
        return entity_case(f"huge: {where}", doc, field)
    fact = pick_fact(draw, doc)
    filler = draw(st.sampled_from(("a", "Không tồn tại ", "ă", nfd("ệ"), "2022")), label="filler")
    text = (filler * (size // len(filler) + 1))[:size]
    if where == "id":
        fact["id"] = "a" * size if draw(st.booleans(), label="slug-like?") else text
        return fact_case("huge: id", doc, fact, "id")
    if where == "key":
        fact[text] = "x"
        return fact_case("huge: key", doc, fact, within(""), "unknown field")
    path = {
        "reference": "projects[0]",
        "date": "occurred",
        "language": "sources[0].language",
        "kind": "kind",
        "status": "status",
        "target": "target",
        "title with a control character": "title",
        "blank title": "title",
        "number as text": "figures[0].value",
        "outlet and date": "occurred",
    }[where]
    prepare(fact, path)
    value = {
        "reference": text,
        "date": "2022" * (size // 4),
        "language": "vi" * (size // 2),
        "kind": text,
        "status": "happened" * (size // 8),
        "target": "t" * size,
        "blank title": " " * size,
        "title with a control character": text + "\x07",
        "number as text": "9" * size,
        "outlet and date": "2022-02-30",
    }[where]
    put(fact, path, value)
    if where == "outlet and date":  # a huge (valid) outlet does not hide the bad date
        fact["sources"][0]["outlet"] = text
    return fact_case(f"huge: {where}", doc, fact, path)


# 10. Deep nesting ---------------------------------------------------------------------------------------------------


@st.composite
def deep_nesting(draw: st.DrawFn) -> Case:
    doc = draw(docs())
    depth = draw(st.one_of(st.integers(2, 400), st.sampled_from((1000, 5000, 10_000, 50_000, 100_000))), label="depth")
    how = draw(st.sampled_from(("document", "field", "field of dicts", "yaml block", "recursive alias")), label="how")
    event(f"deep: {how}, {'≥ 1000' if depth >= 1000 else '< 1000'} levels")
    if how == "document":
        text = "[" * depth + "]" * depth
        if doc.fmt == "jsonl":
            text = doc.text("facts") + text + "\n"
        return Case(f"deep: document {depth}", doc.files(facts=text), doc.facts_name, (FILE_LEVEL,))
    if how == "yaml block":
        doc.fmt = "yaml"
        text = "- " * depth + "x\n"
        return Case(f"deep: yaml block {depth}", doc.files(facts=text), doc.facts_name, (FILE_LEVEL,))
    fact = pick_fact(draw, doc)
    path, _ = fact_paths(
        draw,
        fact,
        {
            name: None
            for name in (
                "title",
                "projects",
                "sources",
                "figures[0].value",
                "people",
                "sources[S].differs.title",
                "retracted",
                "colour",
            )
        },
    )
    field = within(path)  # the field, or an item of it
    put(fact, path, MARK)
    if how == "recursive alias":  # an anchor used inside itself: infinitely deep
        doc.fmt = "yaml"
        token = draw(st.sampled_from(("&a [*a]", "&a [1, [*a]]", "&a {x: *a}", "&a [{x: [*a]}]")), label="alias")
        return fact_case(
            f"deep: recursive alias at {path}",
            doc,
            fact,
            field,
            raw=lambda text: replace_mark(text, token),
            alternatives=(FILE_LEVEL,),
        )
    if how == "field":
        token = "[" * depth + "1" + "]" * depth
    else:
        token = '{"a": ' * depth + "1" + "}" * depth
    # Nested deeper than the loader goes, the file is all a problem can name.
    return fact_case(
        f"deep: {how} {depth} at {path}",
        doc,
        fact,
        field,
        raw=lambda text: replace_mark(text, token),
        alternatives=(FILE_LEVEL,),
    )


# 11. Control characters --------------------------------------------------------------------------------------------

CONTROLS = tuple(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)))
TEXT_FIELDS = (
    "title",
    "summary",
    "place",
    "notes",
    "projects[0]",
    "partners[0]",
    "people[0].person",
    "people[0].office",
    "people[0].role",
    "figures[0].metric",
    "figures[0].unit",
    "figures[0].as_written",
    "figures[0].note",
    "sources[S].outlet",
    "sources[S].url",
    "sources[S].title",
    "sources[S].quote",
    "sources[S].note",
    "retracted.reason",
    "occurred",
    "sources[S].language",
    "target",
    "kind",
    "sources[S].differs.title",
)


@st.composite
def control_characters(draw: st.DrawFn) -> Case:
    doc = draw(docs(entities=None))
    char = draw(st.sampled_from(CONTROLS), label="char")
    raw = draw(st.booleans(), label="raw?")  # raw: written unescaped into the file
    if char == "\x85" and "yaml" in (doc.fmt, doc.efmt):
        raw = False  # raw, NEL is a line break in YAML (as the spec says), not a character of the text
    event(f"control: {'raw' if raw else 'escaped'} {'C1' if ord(char) >= 0x80 else 'C0/DEL'}")
    if doc.entities is not None and draw(st.booleans(), label="entity?"):
        kind, entity = pick_entity(draw, doc)
        path = draw(
            st.sampled_from(("name", "aliases[0]", "description") + (("organisation",) if kind == "office" else ())),
            label="path",
        )
        value = parent_of(entity, path)[0][parent_of(entity, path)[1]] if path != "description" else "Mô tả dự án"
        at = draw(st.integers(1, max(1, len(value) - 1)), label="at")
        put(entity, path, value[:at] + (MARK if raw else char) + value[at:])
        return entity_case(
            f"control {ord(char):#x} in entity {path}",
            doc,
            path,
            raw=(lambda text: text.replace(MARK, char)) if raw else None,
            alternatives=(FILE_LEVEL,) if raw else (),
        )
    fact = pick_fact(draw, doc)
    path, _ = fact_paths(draw, fact, {name: None for name in TEXT_FIELDS})
    node, last = parent_of(fact, path)
    value = node[last] if isinstance(node, list) or last in node else "Giá trị mặc định"
    if not isinstance(value, str):
        value = "Giá trị mặc định"
    at = draw(st.integers(1, max(1, len(value) - 1)), label="at")  # inside: never stripped as surrounding space
    put(fact, path, value[:at] + (MARK if raw else char) + value[at:])
    # Raw, a C0 control is no valid YAML nor JSON text: the file is all a problem can name.
    return fact_case(
        f"control {ord(char):#x} ({'raw' if raw else 'escaped'}) at {path}",
        doc,
        fact,
        path,
        raw=(lambda text: text.replace(MARK, char)) if raw else None,
        alternatives=(FILE_LEVEL,) if raw else (),
    )


# 12. Mixed Unicode normal forms ------------------------------------------------------------------------------------

vietnamese_name = st.lists(
    st.text(st.sampled_from(VIETNAMESE_LETTERS), min_size=2, max_size=7), min_size=1, max_size=4
).map(lambda parts: " ".join(parts).title())


fresh_vietnamese_name = vietnamese_name.filter(
    lambda n: len(match_key(n)) > 2 and all(match_key(n) not in keys for keys in KEYS.values())
)


@st.composite
def mixed_form(draw: st.DrawFn, text: str) -> str:
    how = draw(st.sampled_from(("nfc", "nfd", "mixed", "nfkd", "upper nfd")), label="form")
    if how == "mixed":
        flips = draw(st.lists(st.booleans(), min_size=len(nfc(text)), max_size=len(nfc(text))), label="flips")
        return "".join(nfd(ch) if flip else ch for ch, flip in zip(nfc(text), flips))
    return {
        "nfc": nfc(text),
        "nfd": nfd(text),
        "nfkd": unicodedata.normalize("NFKD", text),
        "upper nfd": nfd(text.upper()),
    }[how]


@st.composite
def mixed_normal_forms(draw: st.DrawFn) -> Case:
    doc = draw(docs(entities=True))
    assert doc.entities is not None
    how = draw(st.sampled_from(("twins", "slug", "marks only", "unknown")), label="how")
    event(f"normal forms: {how}")
    name = draw(fresh_vietnamese_name, label="name")
    if how == "twins":  # two new entities of one kind whose names differ only in Unicode form
        section = draw(st.sampled_from(sorted(SECTIONS)), label="section")
        kind = SECTIONS[section]
        first, second = doc.entities[section][0], dict(doc.entities[section][0])
        first["aliases"] = [*first["aliases"], nfc(name)]
        second.update(id=first["id"] + "-twin", name=second["name"] + " B", aliases=[nfd(name)])
        doc.entities[section].append(second)
        fact = pick_fact(draw, doc)
        path = {
            "project": "projects[0]",
            "organisation": "partners[0]",
            "person": "people[0].person",
            "office": "people[0].office",
        }[kind]
        prepare(fact, path)
        put(fact, path, draw(mixed_form(name), label="ref"))
        return fact_case(f"normal forms: twins ({kind})", doc, fact, path, "ambiguous")
    if how == "slug":  # an id, target key or entity id written with Vietnamese letters, in either form
        if name.isascii():
            name += " Đà"
        slug = draw(mixed_form(name.lower().replace(" ", "-")), label="slug")
        where = draw(st.sampled_from(("fact id", "target", "fulfils", "entity id")), label="where")
        if where == "entity id":
            kind, entity = pick_entity(draw, doc)
            entity["id"] = slug
            return entity_case("normal forms: entity id", doc, "id")
        fact = pick_fact(draw, doc)
        field = {"fact id": "id", "target": "target", "fulfils": "fulfils"}[where]
        fact[field] = slug
        return fact_case(f"normal forms: {where}", doc, fact, field)
    if how == "marks only":  # a name of combining marks alone (what NFD leaves without its letters)
        marks = "".join(ch for ch in nfd(name) if unicodedata.combining(ch)) or "\u0301\u0323"
        kind, entity = pick_entity(draw, doc)
        field = draw(st.sampled_from(("name", "aliases[0]")), label="field")
        put(entity, field, marks)
        return entity_case("normal forms: marks only", doc, field, "no letter or digit")
    fact = pick_fact(draw, doc)
    path, _ = fact_paths(draw, fact, {n: None for n in REF_FIELDS})
    new_keys = {
        match_key(n) for items in doc.entities.values() for e in items for n in (e["id"], e["name"], *e["aliases"])
    }
    ref = draw(mixed_form(name), label="ref")
    if resolves(ref, kind_at(path), new_keys):
        ref += " X"
    put(fact, path, ref)
    return fact_case("normal forms: unknown", doc, fact, path, "unknown")


# 13. YAML aliases, oversized values, hostile addresses (issue 13) ---------------------------------------------------

ALIAS_PATHS = ("notes", "summary", "sources[S].differs.summary", "sources[S].note", "figures[0].note")


@st.composite
def alias_bombs(draw: st.DrawFn) -> Case:
    """Nested aliases whose expansion passes the budget (or an alias to the node holding it), in a field of a
    YAML fact: refused at the file's level, with the budget's name, whatever the field."""
    doc = draw(docs(entities=None))
    doc.fmt = "yaml"
    fact = pick_fact(draw, doc)
    path, _ = fact_paths(draw, fact, {name: None for name in ALIAS_PATHS})
    put(fact, path, MARK)
    if draw(st.integers(0, 9), label="recursive?") == 0:
        return Case(
            "aliases: recursive",
            doc.files(facts=replace_mark(doc.text("facts"), "&loop [x, *loop]")),
            doc.facts_name,
            (Expect(None, None, ("refers to a node that contains it",)),),
        )
    width = draw(st.integers(2, 9), label="width")
    depth = next(d for d in count(1) if width**d > 100_000) + draw(st.integers(0, 3), label="extra depth")
    leaf = draw(st.sampled_from(("lol", "'ă'", "{a: 1}", "[1, 2]", "''")), label="leaf")
    levels = [f"&a0 [{', '.join([leaf] * width)}]"]
    levels += [f"&a{level} [{', '.join([f'*a{level - 1}'] * width)}]" for level in range(1, depth + 1)]
    event(f"aliases: width {width}")
    return Case(
        f"aliases: {width}^{depth} at {path}",
        doc.files(facts=replace_mark(doc.text("facts"), "[" + ", ".join(levels) + "]")),
        doc.facts_name,
        (Expect(None, None, ("timeline_max_alias_values",)),),
    )


OVERSIZED_LIMIT = 3000  # TIMELINE_MAX_TEXT while test_oversized_values runs: over any string a base fact holds


@st.composite
def oversized_values(draw: st.DrawFn) -> Case:
    """A string (in any text field, an entity's, or a key) longer than TIMELINE_MAX_TEXT: the fact (or entity)
    and the field are named, with the limit."""
    doc = draw(docs(entities=None))
    size = draw(st.integers(OVERSIZED_LIMIT + 1, 3 * OVERSIZED_LIMIT), label="size")
    filler = draw(st.sampled_from(("a", "ệ", nfd("ệ"), " word", "2022")), label="filler")
    text = (filler * (size // len(filler) + 1))[:size]
    if doc.entities is not None and draw(st.booleans(), label="entity?"):
        _, entity = pick_entity(draw, doc)
        field = draw(st.sampled_from(("name", "description")), label="field")
        entity[field] = text
        return entity_case(f"oversized: entity {field}", doc, field, "timeline_max_text")
    fact = pick_fact(draw, doc)
    path, _ = fact_paths(draw, fact, {name: None for name in (*TEXT_FIELDS, "id")})
    put(fact, path, text)
    return fact_case(f"oversized: {path}", doc, fact, path, "timeline_max_text")


HOSTILE_URLS = (
    "javascript:alert(1)",
    "JAVASCRIPT:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.org/x",
    "//example.org/x",
    "example.org/x",
    "https:/example.org",
)
URL_BREAKS = ("\r\n", "\n", "\r", "\t", "\u2028", "\u2029", "\x0b", "\x85")


@st.composite
def hostile_urls(draw: st.DrawFn) -> Case:
    """A source address that is not http(s), or that holds a line end, a tab or another control character
    (escaped in the file, so that it reaches validation): the fact and `sources[i].url` are named."""
    doc = draw(docs(entities=None))
    fact = pick_fact(draw, doc)
    source = draw(st.integers(0, len(fact["sources"]) - 1), label="source")
    if draw(st.booleans(), label="scheme?"):
        url = draw(st.sampled_from(HOSTILE_URLS), label="url")
        words: tuple[str, ...] = ("not a web address",)
    else:
        url = draw(st.sampled_from(("https://vnexpress.net/a", "http://x.vn/")), label="url")
        at = draw(st.integers(8, len(url) - 1), label="at")  # inside: never stripped as surrounding space
        extra = draw(st.sampled_from(("", "UID:evil@x", "END:VEVENT", "=HYPERLINK(1)")), label="payload")
        url = url[:at] + draw(st.sampled_from(URL_BREAKS), label="break") + extra + url[at:]
        words = ("control character",)
    if doc.fmt == "yaml" and any(c in url for c in "\r\n\u2028\u2029\x85"):
        doc.fmt = "json"  # raw in block YAML these are line breaks (folded): escaped in JSON, they reach the field
    fact["sources"][source]["url"] = url
    event(f"url: {words[0]}")
    return fact_case(f"url {url!r}", doc, fact, f"sources[{source}].url", *words)


# Running a case ----------------------------------------------------------------------------------------------------

_numbers = count()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where cases are written: in memory (tmpfs) when there is one; creating and deleting ~20,000 small files
    on a disk-backed /tmp costs more than the cases themselves."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        root = Path(tempfile.mkdtemp(prefix="timeline-fuzz-", dir=shm))
        yield root
        shutil.rmtree(root, ignore_errors=True)
    else:
        yield tmp_path_factory.mktemp("fuzz")


def write(case: Case, directory: Path) -> tuple[list[Path], Path]:
    directory.mkdir()
    paths = []
    for name, content in case.files:
        path = directory / name
        path.write_bytes(content)
        paths.append(path)
    return paths, directory / case.broken


def check(problems: list[Problem], paths: list[Path], broken: Path, case: Case) -> None:
    """A problem of the broken file matches the case's expectation; every problem is one short printable line
    naming one of the input files."""
    assert problems, case.kind
    names = {str(path) for path in paths}
    for problem in problems:
        line = str(problem)
        assert problem.file in names, line[:300]
        assert len(line) <= MAX_LINE, (case.kind, line[:300], len(line))
        assert line.isprintable(), (case.kind, line[:300])  # one line, no control characters
    assert any(
        problem.file == str(broken) and expect.accepts(problem) for problem in problems for expect in case.expect
    ), (case.kind, case.expect, [str(p)[:300] for p in problems])


def run_validate(test: str, case: Case, workdir: Path) -> None:
    STARTED.add(test)
    event(case.kind.split(":")[0])
    directory = workdir / f"case-{next(_numbers)}"
    try:
        paths, broken = write(case, directory)
        with pytest.raises(InvalidInput) as raised:  # any other exception fails the case as it is
            service.validate_files(paths, KNOWN)
        check(raised.value.problems, paths, broken, case)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    COUNTS[test] += 1


@contextmanager
def environ(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def fuzz(
    strategy: st.SearchStrategy[Case], env: dict[str, str] | None = None
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """A test that runs BUDGET[its name] generated cases through validate_files (with `env` set meanwhile)."""

    def decorate(func: Callable[..., None]) -> Callable[..., None]:
        name = func.__name__

        def test(case: Case, workdir: Path) -> None:
            with environ(env or {}):
                run_validate(name, case, workdir)

        test.__name__ = test.__qualname__ = name  # before @given: each test keeps its own examples database key
        test.__doc__ = func.__doc__
        return STORE_FREE(settings(FUZZ, max_examples=BUDGET[name])(given(case=strategy)(test)))

    return decorate


@fuzz(broken_text())
def test_broken_text() -> None:
    """Truncated flow YAML / JSON / JSONL lines, unbalanced brackets, bad indentation, stray lines and tokens, two
    documents, python tags, duplicate keys, bytes that are not UTF-8, scalar documents, unknown sections."""


@fuzz(wrong_types())
def test_wrong_types() -> None:
    """A wrong type (or an empty / blank text) in every field of a fact, a source, a figure, a person, a
    retraction, a source's differs and an entity; a record that is not a mapping; YAML tags (!!set, !!binary,
    !!timestamp, !!omap) where a text, a list or a mapping belongs."""


@fuzz(missing_required())
def test_missing_required_fields() -> None:
    """Each required field dropped: a fact's, a source's, a figure's, a person's, a retraction's, in a source's
    differs, an entity's; a fact with no sources."""


@fuzz(unknown_fields())
def test_unknown_fields() -> None:
    """An unknown field at every level (fact, source, figure, person, retraction, differs, entity), named like a
    typo, a pydantic type tag, with brackets or dots, in Vietnamese, blank, huge or with control characters; in
    YAML also keys that read as numbers, booleans or null."""


@fuzz(bad_dates_case())
def test_bad_dates() -> None:
    """Invalid EDTF text and impossible days (checked by an oracle of the README's plain shapes) in every date
    field."""


@fuzz(bad_numbers())
def test_bad_numbers() -> None:
    """Figure values written as text ("96,8"), NaN and infinities (as text and raw), numbers too big for a
    float, more digits than Python reads, malformed and reversed ranges; also in a source's differs."""


@fuzz(bad_references())
def test_bad_references() -> None:
    """Unknown references, references to an entity of another kind, ambiguous references (two known entities
    share a name) and references made ambiguous by a new entity named like a known one in another form."""


@fuzz(duplicate_ids())
def test_duplicate_ids() -> None:
    """A fact id twice in one file and across two files (in any formats); an entity id twice in one file, across
    two files, and shared by two kinds."""


@fuzz(huge_strings())
def test_huge_strings() -> None:
    """100,000-300,000 character ids, references, dates, languages, kinds, keys, titles (blank, or with a control
    character at the end), numbers as text, entity names and ids, garbage files and lines; messages clip them."""


@fuzz(deep_nesting())
def test_deep_nesting() -> None:
    """Lists and mappings nested 2-100,000 levels deep (YAML flow and block, JSON, JSONL) as the document or a
    field's value, and recursive YAML aliases: never a RecursionError or a crash of the loader."""


@fuzz(control_characters())
def test_control_characters() -> None:
    """C0, DEL and C1 control characters inside every text field of facts and entities, escaped or raw."""


@fuzz(mixed_normal_forms())
def test_mixed_normal_forms() -> None:
    """Two new entities whose names differ only in Unicode form (a reference in any form is ambiguous); ids and
    keys written with Vietnamese letters in NFC / NFD; names of combining marks alone; unknown names in mixed
    forms."""


@fuzz(alias_bombs())
def test_alias_bombs() -> None:
    """YAML aliases nested to expand past the budget (2 to 9 wide, as deep as it takes and up to 3 deeper), or
    an alias to the node that holds it, in any of several fields: refused at the file, never expanded."""


@fuzz(oversized_values(), env={"TIMELINE_MAX_TEXT": str(OVERSIZED_LIMIT)})
def test_oversized_values() -> None:
    """A string over TIMELINE_MAX_TEXT in every text field of a fact (and an entity's name or description):
    the fact or entity and the field are named, with the limit."""


@fuzz(hostile_urls())
def test_hostile_urls() -> None:
    """Source addresses with other schemes (javascript:, data:, file:, none) or a line end, tab or control
    character inside (an export injection): the fact and `sources[i].url` are named."""


# Positive: NFC and NFD names are one entity ----------------------------------------------------------------------


@settings(FUZZ, max_examples=300)
@given(
    name=fresh_vietnamese_name,
    kind=st.sampled_from(sorted(SECTIONS)),
    stored=st.sampled_from(("nfc", "nfd", "mixed")),
    as_alias=st.booleans(),
    fmt=st.sampled_from(FORMATS),
    data=st.data(),
)
def test_nfc_and_nfd_names_resolve_to_the_same_entity(
    name: str, kind: str, stored: str, as_alias: bool, fmt: str, data: st.DataObject, workdir: Path
) -> None:
    """A Vietnamese name written in NFC in one place and NFD (or mixed) in another names the same entity: the
    input validates and every reference resolves to that entity's id."""
    written = (
        data.draw(mixed_form(name), label="entity's spelling")
        if stored == "mixed"
        else (nfc(name) if stored == "nfc" else nfd(name))
    )
    entity_kind = SECTIONS[kind]
    entity: dict[str, Any] = {
        "id": "viet-entity",
        "name": written if not as_alias else "Viet entity",
        "aliases": [written] if as_alias else [],
    }
    if entity_kind == "organisation":
        entity["kind"] = "company"
    if entity_kind == "office":
        entity["organisation"] = "hanoi-pc"
    spellings = [nfc(name), nfd(name), data.draw(mixed_form(name), label="mixed spelling")]
    facts = []
    for i, ref in enumerate(spellings):
        fact: dict[str, Any] = {
            "id": f"viet-{i}",
            "kind": "meeting",
            "occurred": "2024-07-02",
            "title": "Hội nghị",
            "projects": ["metro-line-2"],
            "sources": [{"outlet": "VNA", "language": "vi", "reported": "2024-07-02"}],
        }
        if entity_kind == "project":
            fact["projects"] = [ref]
        elif entity_kind == "organisation":
            fact["partners"] = [ref]
        elif entity_kind == "person":
            fact["people"] = [{"person": ref}]
        else:
            fact["people"] = [{"person": "tran-sy-thanh", "office": ref}]
        facts.append(fact)
    directory = workdir / f"case-{next(_numbers)}"
    directory.mkdir()
    try:
        (directory / f"entities.{fmt}").write_text(entities_text({kind: [entity]}, fmt), encoding="utf-8")
        (directory / f"facts.{fmt}").write_text(facts_text(facts, fmt), encoding="utf-8")
        valid = service.validate_files([directory / f"entities.{fmt}", directory / f"facts.{fmt}"], KNOWN)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    resolved = []
    for fact in valid.facts:
        resolved.append(
            {
                "project": fact.projects[0] if fact.projects else None,
                "organisation": fact.partners[0] if fact.partners else None,
                "person": fact.people[0].person if fact.people else None,
                "office": fact.people[0].office if fact.people else None,
            }[entity_kind]
        )
    assert resolved == ["viet-entity"] * 3, (spellings, resolved)


@STORE_FREE
def test_generated_base_inputs_are_valid(workdir: Path) -> None:
    """The unbroken inputs the cases start from validate: a problem a case finds comes from its mutation."""

    @settings(FUZZ, max_examples=100)
    @given(doc=docs(entities=None, max_facts=4))
    def valid(doc: Doc) -> None:
        directory = workdir / f"case-{next(_numbers)}"
        try:
            paths, _ = write(Case("valid", doc.files(), doc.facts_name, ()), directory)
            service.validate_files(paths, KNOWN)
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    valid()


def test_jsonl_strings_may_hold_unicode_line_separators(workdir: Path) -> None:
    """JSONL lines end at '\\n' only: U+2028 and U+2029 inside a string (JSON writes them raw) are text."""
    directory = workdir / "jsonl-separators"
    directory.mkdir()
    fact = {
        "id": "sep",
        "kind": "meeting",
        "occurred": "2024",
        "title": "Hội nghị\u2028Hà Nội\u2029 Tokyo",
        "projects": ["metro-line-2"],
        "sources": [{"outlet": "VNA", "language": "vi", "reported": "2024", "quote": "a\u2028b"}],
    }
    (directory / "facts.jsonl").write_text(json.dumps(fact, ensure_ascii=False) + "\n", encoding="utf-8")
    valid = service.validate_files([directory / "facts.jsonl"], KNOWN)
    assert valid.facts[0].title == fact["title"]


# Through the store and the CLI: nothing written ------------------------------------------------------------------

STRATEGIES = {
    "broken text": broken_text(),
    "wrong types": wrong_types(),
    "missing": missing_required(),
    "unknown fields": unknown_fields(),
    "dates": bad_dates_case(),
    "numbers": bad_numbers(),
    "references": bad_references(),
    "duplicates": duplicate_ids(),
    "huge": huge_strings(),
    "deep": deep_nesting(),
    "control": control_characters(),
    "normal forms": mixed_normal_forms(),
    "aliases": alias_bombs(),
    "urls": hostile_urls(),
}
any_case = st.sampled_from(sorted(STRATEGIES)).flatmap(lambda name: STRATEGIES[name])


@pytest.fixture(scope="module")
def store_template(workdir: Path) -> Path:
    """A store holding the known entities and two facts, closed (no -wal / -shm left)."""
    root = workdir / "store-template"
    root.mkdir()
    entities: dict[str, list[dict[str, Any]]] = {section: [] for section in SECTIONS}
    sections = {kind: section for section, kind in SECTIONS.items()}
    for record in KNOWN:
        entities[sections[record.entity]].append(record.model_dump(exclude={"entity"}, exclude_none=True))
    (root / "entities.yaml").write_text(dump(entities, "yaml"), encoding="utf-8")
    rng = random.Random(5)
    (root / "facts.json").write_text(facts_text([base_fact(rng, 10**8 + i) for i in range(2)], "json"), "utf-8")
    db = root / "timeline.db"
    service.ingest([root / "entities.yaml", root / "facts.json"], str(db))
    assert not Path(f"{db}-wal").exists() and not Path(f"{db}-shm").exists()
    return db


@contextmanager
def untouched_store(case: Case, workdir: Path, template: Path) -> Iterator[tuple[list[Path], Path, Path]]:
    """The case's files in a fresh directory and a store to feed them to: (paths, broken file, store). The store
    must be unchanged afterwards; the directory is removed."""
    directory = workdir / f"case-{next(_numbers)}"
    try:
        paths, broken = write(case, directory)
        db = fuzz_store(template, directory)
        before = store_digest(db)
        yield paths, broken, db
        assert store_digest(db) == before
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def fuzz_store(template: Path, directory: Path) -> Path:
    """A copy of the template store for one case; on PostgreSQL the template itself (every case must leave it
    row-identical, so the next case starts from the same rows)."""
    if POSTGRES:
        return template
    shutil.copyfile(template, directory / "timeline.db")
    return directory / "timeline.db"


@settings(FUZZ, max_examples=BUDGET["test_store_is_untouched"])
@given(case=any_case)
def test_store_is_untouched(case: Case, workdir: Path, store_template: Path) -> None:
    """A sample of every kind of case through `service.ingest` into a copy of a store: InvalidInput only, the
    same problems' guarantees, and the SQLite file and its -wal/-shm files byte-identical afterwards."""
    STARTED.add("test_store_is_untouched")
    event(case.kind.split(":")[0])
    with untouched_store(case, workdir, store_template) as (paths, broken, db):
        with pytest.raises(InvalidInput) as raised:
            service.ingest(paths, str(db))
        check(raised.value.problems, paths, broken, case)
    COUNTS["test_store_is_untouched"] += 1


@settings(FUZZ, max_examples=BUDGET["test_cli_exits_1_without_traceback"])
@given(case=any_case)
def test_cli_exits_1_without_traceback(case: Case, workdir: Path, store_template: Path) -> None:
    """A sample of every kind of case through `timeline ingest`: exit code 1, no traceback, one error line naming
    the broken file (and the fact and field where expected), "nothing was written", the store unchanged."""
    from cli import main

    STARTED.add("test_cli_exits_1_without_traceback")
    event(case.kind.split(":")[0])
    with untouched_store(case, workdir, store_template) as (paths, broken, db):
        result = CliRunner().invoke(main, ["ingest", *map(str, paths), "--db", str(db)], env=CLI_ENV)
        output = result.output
        assert result.exit_code == 1, (case.kind, output[-2000:], repr(result.exception))
        assert "Traceback" not in output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        errors = [line for line in output.splitlines() if line.startswith("error: ")]
        assert errors and output.rstrip().endswith("nothing was written."), output[-2000:]
        assert any(
            line.startswith(f"error: {broken}")
            and all(
                not (isinstance(want, str) and want) or f"{label} '{want}'" in line
                for label, want in (("fact", expect.fact), ("field", expect.field))
            )
            for line in errors
            for expect in case.expect
        ), (case.kind, case.expect, errors[:10])
    COUNTS["test_cli_exits_1_without_traceback"] += 1


# Hostile stores: a tampered row of the log or of a read model ------------------------------------------------------

TOPICS = (
    "this:Zen",
    "os:system",
    "subprocess:Popen",
    "",
    "timeline.storage.log:FactStream.Nope",
    "timeline.storage.log:FactStream",
    "timeline.store:FactStream.Corrected",
    "timeline.storage.log:EntityStream.Registered",
    "timeline.storage.log:FactStream.Retracted",
)


@st.composite
def tampering(draw: st.DrawFn) -> tuple[str, str, Any]:
    """(what, SQL, parameters): one row of the log or of a read model changed as a hostile hand would."""
    target = draw(st.sampled_from(("topic", "state", "json", "version", "payload", "read model", "position")))
    if target == "topic":
        topic = draw(st.one_of(st.sampled_from(TOPICS), st.text(max_size=40)), label="topic")
        return target, "UPDATE stored_events SET topic=? WHERE rowid=?", topic
    if target == "state":
        blob = draw(st.binary(max_size=60), label="bytes")
        return target, "UPDATE stored_events SET state=? WHERE rowid=?", blob
    if target in ("json", "payload"):
        value = draw(
            st.recursive(
                st.none() | st.integers() | st.text(max_size=8),
                lambda inner: st.lists(inner) | st.dictionaries(st.text(max_size=6), inner),
                max_leaves=8,
            ),
            label="json",
        )
        path = (
            "$"
            if target == "json"
            else draw(
                st.sampled_from(("$.payload", "$.payload.fact", "$.timestamp", "$.payload.fact_id", "$.payload.record"))
            )
        )
        sql = "UPDATE stored_events SET state=CAST(json_set(CAST(state AS TEXT), ?, json(?)) AS BLOB) WHERE rowid=?"
        return target, sql, (path, json.dumps(value))
    if target == "version":
        version = draw(st.one_of(st.integers(-3, 50), st.just("2"), st.none()), label="class_version")
        sql = "UPDATE stored_events SET state=CAST(json_set(CAST(state AS TEXT), '$.class_version', json(?)) AS BLOB) "
        return target, sql + "WHERE rowid=?", json.dumps(version)
    if target == "read model":
        table = draw(st.sampled_from(("rm_facts", "rm_entities")), label="table")
        garbage = draw(st.one_of(st.text(max_size=30), st.sampled_from(("{}", "[]", '{"fact": 1}', "null"))))
        return target, f"UPDATE {table} SET state=? WHERE rowid=?", garbage
    position = draw(st.one_of(st.integers(-5, 10**6), st.text(max_size=5)), label="position")
    return target, "UPDATE rm_position SET position=? WHERE name='log' AND ?", position


@pytest.mark.sqlite_only("tampers with the bytes of an SQLite store")
@settings(FUZZ, max_examples=BUDGET["test_hostile_stores"])
@given(tamper=tampering(), row=st.integers(1, 60))
def test_hostile_stores(tamper: tuple[str, str, Any], row: int, workdir: Path, store_template: Path) -> None:
    """One row tampered with, then the log read, a query, a rebuild and a verify: each either answers or raises
    one StoreError naming the store (a one-line message), never another exception; `import this` never runs."""
    STARTED.add("test_hostile_stores")
    what, sql, value = tamper
    event(f"store: {what}")
    directory = workdir / f"case-{next(_numbers)}"
    directory.mkdir()
    try:
        db = fuzz_store(store_template, directory)
        with sqlite3.connect(db, isolation_level=None) as connection:
            table = "stored_events" if "stored_events" in sql else "rm_facts"
            rows = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] or 1
            connection.execute(sql, (*(value if isinstance(value, tuple) else (value,)), 1 + row % rows))
        for step in ("events", "log", "changes", "search", "rebuild", "verify"):
            try:
                with service.Store(str(db)) as store:
                    {
                        "events": store.events,
                        "log": lambda: list(store.event_page()),  # the log's reader: records
                        "changes": lambda: store.changes(datetime(2000, 1, 1, tzinfo=UTC)),
                        "rebuild": store.rebuild,
                        "verify": store.verify,
                    }.get(step, lambda: store.search("hanoi"))()
            except StoreError as error:
                line = str(error)
                assert line.startswith(f"{db}: ") and line.isprintable() and len(line) <= MAX_LINE, line
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    assert "this" not in sys.modules  # no stored topic made anything import a module
    COUNTS["test_hostile_stores"] += 1


# Last in file order: how many malformed inputs this run checked ---------------------------------------------------


def test_zz_fuzz_case_count(capsys: pytest.CaptureFixture[str]) -> None:
    """At least 10,000 malformed inputs were checked, when every fuzz test of this file ran (skipped when some
    were deselected, e.g. with -k)."""
    missing = sorted(set(BUDGET) - STARTED)
    if missing:
        pytest.skip(f"not every fuzz test ran (missing: {', '.join(missing)})")
    total = sum(COUNTS.values())
    with capsys.disabled():
        print(
            f"\nfuzz: {total} malformed inputs checked: "
            + ", ".join(f"{name.removeprefix('test_')} {COUNTS[name]}" for name in BUDGET)
        )
    assert total >= MINIMUM_CASES, dict(COUNTS)

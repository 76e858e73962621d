"""A deterministic synthetic corpus for benchmarks: entities and facts shaped like real reporting.

N facts over ~30 years with mixed date precision, all seven kinds, 1–3 sources in Vietnamese and English,
about N/20 entities with Vietnamese aliases, targets restated over time and met by milestones. A second
version of the facts corrects ~10% of them and retracts ~2%, as later reporting does.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from events.inputs import FACT_KINDS

_SYLLABLES = (
    "Hà",
    "Nội",
    "Đông",
    "Anh",
    "Bắc",
    "Nam",
    "Thành",
    "Phố",
    "Cầu",
    "Đường",
    "Sắt",
    "Xanh",
    "Long",
    "Biên",
    "Sông",
    "Hồng",
    "Yên",
    "Xá",
    "Quảng",
    "Châu",
    "Thủ",
    "Đô",
    "Việt",
    "Nhật",
    "Hàn",
    "Trung",
)
_OUTLETS = (
    ("VNA", "en"),
    ("Nhân Dân", "vi"),
    ("Tuổi Trẻ", "vi"),
    ("The Hanoi Times", "en"),
    ("VnExpress", "vi"),
    ("Hà Nội Mới", "vi"),
    ("Vietnam News", "en"),
)
_KINDS = FACT_KINDS
_KIND_WEIGHTS = (30, 12, 12, 12, 8, 12, 14)


# Every report falls in or before LAST_YEAR and every retraction after it, so the corpus stays valid input
# whatever day it is ingested (a report after today and a retraction before the first report are errors).
LAST_YEAR = 2025
RETRACTED_ON = "2026-01-15"


@dataclass(frozen=True)
class Corpus:
    entities: Path
    facts: Path  # first reporting
    revised: Path  # the same facts, ~10% corrected and ~2% retracted
    facts_count: int


def _name(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_SYLLABLES) for _ in range(words))


def _date(rng: random.Random, year: int) -> str:
    shape = rng.random()
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    if shape < 0.55:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if shape < 0.75:
        return f"{year:04d}-{month:02d}"
    if shape < 0.85:
        return f"{year:04d}"
    if shape < 0.92:
        return f"{year:04d}~"
    if shape < 0.96:
        return f"{year:04d}-{month:02d}/{year + 1:04d}-{month:02d}"
    return f"../{year:04d}-{month:02d}-{day:02d}"


def _entities(rng: random.Random, n: int) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    per_kind = max(3, n // 60)
    ids: dict[str, list[str]] = {"project": [], "organisation": [], "office": [], "person": []}
    lines = []
    for kind in ("project", "organisation", "person"):
        for i in range(per_kind):
            entity_id = f"{kind[:3]}-{i:06d}"
            words = _name(rng, 3)
            line: dict[str, Any] = {
                "entity": kind,
                "id": entity_id,
                "name": f"{words} {i}",
                "aliases": [f"{kind} {words} {i}"],
            }
            if kind == "organisation":
                line["kind"] = rng.choice(("company", "city", "country", "agency", "government"))
            lines.append(line)
            ids[kind].append(entity_id)
    for i in range(max(3, per_kind // 10)):
        office_id = f"off-{i:06d}"
        lines.append(
            {
                "entity": "office",
                "id": office_id,
                "name": f"Chủ tịch {_name(rng, 2)} {i}",
                "organisation": rng.choice(ids["organisation"]),
            }
        )
        ids["office"].append(office_id)
    return lines, ids


def _facts(rng: random.Random, n: int, ids: dict[str, list[str]], start: int = 0) -> Iterator[dict[str, Any]]:
    targets: list[str] = []
    for i in range(start, start + n):
        kind = rng.choices(_KINDS, _KIND_WEIGHTS)[0]
        year = rng.randint(1996, LAST_YEAR)
        fact: dict[str, Any] = {
            "id": f"fact-{i:07d}",
            "kind": kind,
            "occurred": _date(rng, year),
            "title": f"{kind.title()} {i} về {_name(rng, 4)}",
            "summary": f"Tóm tắt {i}: {_name(rng, 8)}.",
            "projects": rng.sample(ids["project"], rng.randint(1, 2)),
            "partners": rng.sample(ids["organisation"], rng.randint(0, 3)),
        }
        if rng.random() < 0.5:
            fact["people"] = [{"person": rng.choice(ids["person"]), "office": rng.choice(ids["office"])}]
        if kind == "target":
            restating = targets and rng.random() < 0.4
            key = rng.choice(targets) if restating else f"target-{i:07d}"
            if not restating:
                targets.append(key)
            fact["target"] = key
            fact["figures"] = [
                {
                    "metric": "km",
                    "value": float(rng.randint(10, 500)),
                    "unit": "km",
                    "deadline": f"{year + rng.randint(1, 10):04d}",
                }
            ]
        elif kind == "milestone" and targets and rng.random() < 0.3:
            fact["fulfils"] = rng.choice(targets)
        elif kind == "statistic":
            fact["figures"] = [{"metric": "GDP", "value": round(rng.uniform(1, 5000), 1), "unit": "billion USD"}]
        sources = []
        for k in range(rng.choices((1, 2, 3), (50, 35, 15))[0]):
            outlet, language = rng.choice(_OUTLETS)
            sources.append(
                {
                    "outlet": outlet,
                    "language": language,
                    "reported": f"{min(year + rng.randint(0, 1), LAST_YEAR):04d}-{rng.randint(1, 12):02d}-"
                    f"{rng.randint(1, 28):02d}",
                    "url": f"https://news.example.vn/{i}/{k}",
                    "quote": f"Trích dẫn {i}.{k}: {_name(rng, 6)}",
                }
            )
        fact["sources"] = sources
        yield fact


def generate(directory: Path, n: int, seed: int = 7) -> Corpus:
    """Write entities.jsonl, facts.jsonl and facts-revised.jsonl for n facts; same seed, same bytes."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    entity_lines, ids = _entities(rng, n)
    entities = directory / "entities.jsonl"
    entities.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in entity_lines), "utf-8")
    facts, revised = directory / "facts" / "facts.jsonl", directory / "revised" / "facts.jsonl"
    facts.parent.mkdir(exist_ok=True)
    revised.parent.mkdir(exist_ok=True)
    change = random.Random(seed + 1)
    with facts.open("w", encoding="utf-8") as first, revised.open("w", encoding="utf-8") as second:
        for fact in _facts(rng, n, ids):
            first.write(json.dumps(fact, ensure_ascii=False) + "\n")
            roll = change.random()
            if roll < 0.10:
                fact = {**fact, "title": fact["title"] + " (đã sửa)"}
            elif roll < 0.12:
                fact = {**fact, "retracted": {"on": RETRACTED_ON, "reason": "nguồn rút lại bài"}}
            second.write(json.dumps(fact, ensure_ascii=False) + "\n")
    return Corpus(entities, facts, revised, n)


def more_facts(path: Path, k: int, base: int, seed: int = 7, first: int = 9_000_000) -> Path:
    """k new facts (ids from `first`, after any corpus's) naming only entities that a corpus of `base` or more facts
    has: the daily case of adding an article or two, for stores of any size."""
    _, ids = _entities(random.Random(seed), base)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for fact in _facts(random.Random(seed + 2 + first), k, ids, start=first):
            out.write(json.dumps(fact, ensure_ascii=False) + "\n")
    return path

"""Scores `timeline draft` on the hand-recorded development corpus in tests/articles/ (run by `make draft-eval`
and by `pytest tests/test_draft.py -s`).

A drafted fact *matches* a recorded fact when its `occurred` is one the analyst accepts and its quote overlaps
one of the recorded quotes (one contains the other: the same passage). `../P` counts as `P` when P is the real
publication day (both say "as of the day it was reported"), and for a statistic `../X` counts as `X`. Each
recorded fact absorbs one draft: a second draft of the same fact is noise (one event, one fact).

recall = matched recorded non-target facts / recorded non-target facts
noise  = drafts matching no recorded fact (targets included) / drafts
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from timeline.drafting import draft  # noqa: E402
from timeline.service import sample_paths, validate_files  # noqa: E402

ARTICLES = Path(__file__).parent / "articles"


@dataclass
class Score:
    name: str
    found: int = 0
    total: int = 0
    noise: int = 0
    drafted: int = 0
    misses: list[str] = field(default_factory=list)
    noisy: list[str] = field(default_factory=list)


def _list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _same_day(drafted: str, accepted: list[str], reported: str | None, statistic: bool) -> bool:
    """`../P` is `P` for the publication day P; for a statistic, "true by X" is "as of X"."""

    def norm(value: str) -> str:
        return value[3:] if value.startswith("../") and (statistic or value == f"../{reported}") else value

    return norm(drafted) in {norm(a) for a in accepted}


def _overlaps(quote: str, recorded: list[str]) -> bool:
    return any(r in quote or quote in r for r in recorded)


def split() -> dict[str, list[str]]:
    data = yaml.safe_load((ARTICLES / "split.yaml").read_text(encoding="utf-8"))
    return {"tune": list(data["tune"]), "held_out": list(data["held_out"])}


def score(name: str, records: list[Any]) -> Score:
    text = (ARTICLES / f"{name}.txt").read_text(encoding="utf-8")
    sidecar = yaml.safe_load((ARTICLES / f"{name}.facts.yaml").read_text(encoding="utf-8"))
    published = sidecar.get("published")
    reported = sidecar.get("reported")
    result = draft(text, records, published=str(published) if published else None)
    facts = sidecar["facts"]
    taken = [False] * len(facts)
    out = Score(name, drafted=len(result.facts))
    for d in result.facts:
        hit = None
        for i, f in enumerate(facts):
            if (
                not taken[i]
                and _same_day(d.occurred, _list(f["occurred"]), reported, "statistic" in (f["kind"], d.kind))
                and _overlaps(d.quote, _list(f["quote"]))
            ):
                hit = i
                break
        if hit is None:
            out.noise += 1
            out.noisy.append(f"{d.kind} {d.occurred} {d.quote[:60]!r}")
        else:
            taken[hit] = True
    for i, f in enumerate(facts):
        if f["kind"] == "target":
            continue
        out.total += 1
        if taken[i]:
            out.found += 1
        else:
            out.misses.append(f"{f['kind']} {_list(f['occurred'])[0]} {_list(f['quote'])[0][:60]!r}")
    return out


def evaluate(verbose: bool = True) -> dict[str, tuple[float, float, list[Score]]]:
    records = list(validate_files(sample_paths()[:1]).entities)
    results: dict[str, tuple[float, float, list[Score]]] = {}
    lines: list[str] = []
    for part, names in split().items():
        scores = [score(n, records) for n in names]
        found, total = sum(s.found for s in scores), sum(s.total for s in scores)
        noise, drafted = sum(s.noise for s in scores), sum(s.drafted for s in scores)
        recall = found / total if total else 1.0
        noise_rate = noise / drafted if drafted else 0.0
        results[part] = (recall, noise_rate, scores)
        lines.append(f"== {part}: {len(names)} articles")
        for s in scores:
            lines.append(f"{s.name}: recall {s.found}/{s.total}, noise {s.noise}/{s.drafted}")
            lines.extend(f"    missed {m}" for m in s.misses)
            if verbose:
                lines.extend(f"    noise  {m}" for m in s.noisy)
        lines.append(f"{part}: recall {found}/{total} = {recall:.2f}, noise {noise}/{drafted} = {noise_rate:.2f}")
    print("\n".join(lines))
    return results


if __name__ == "__main__":
    evaluate(verbose="-q" not in sys.argv)

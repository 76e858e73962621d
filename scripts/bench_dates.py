"""Our EDTF parser against the `edtf` package: speed on a seeded mix of date shapes, and correctness on every
example of the specification (the table in tests/test_dates_spec.py).

    .venv/bin/python scripts/bench_dates.py [--count 1000000] [--edtf-sample 2000] [--seed 7]

Ours parses all `count` texts (no cache: each call does the work); `edtf` takes milliseconds per parse, so it
parses the first `edtf-sample` texts and its figure for `count` is extrapolated. Prints canonical JSON. `run()`
is the function a benchmark command can call.
"""

from __future__ import annotations

import calendar
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from events.dates import InvalidDate, parse_edtf  # noqa: E402


def _single(rng: random.Random) -> str:
    year, month = rng.randint(1900, 2060), rng.randint(1, 12)
    day = rng.randint(1, calendar.monthrange(year, month)[1])
    shape = rng.random()
    if shape < 0.45:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if shape < 0.60:
        return f"{year:04d}-{month:02d}"
    if shape < 0.72:
        return f"{year:04d}"
    if shape < 0.78:
        return f"{year:04d}-{month:02d}-{day:02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+07:00"
    if shape < 0.86:
        return f"{year:04d}-{month:02d}" + rng.choice("~?%")
    if shape < 0.90:
        return rng.choice([f"{year // 10}X", f"{year:04d}-XX", f"{year:04d}-{month:02d}-XX"])
    if shape < 0.96:
        return f"{year:04d}-{rng.randint(21, 41)}"
    return rng.choice([f"{year:04d}-{month:02d}~-{day:02d}", f"{year:04d}?-{month:02d}-{day:02d}"])


def corpus(count: int, seed: int) -> list[str]:
    """`count` date texts: mostly days, months and years, some date-times, qualified, X-digit, season and
    quarter dates, and one in eight an interval (a tenth of those with an open or unknown end)."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        if rng.random() < 0.875:
            texts.append(_single(rng))
            continue
        a, b = sorted((f"{rng.randint(1900, 2060):04d}", f"{rng.randint(1900, 2060):04d}"))
        end = rng.random()
        texts.append(f"{a}/.." if end < 0.05 else f"/{b}" if end < 0.1 else f"{a}/{b}")
    return texts


def _timed(parse: Callable[[str], Any], texts: list[str]) -> tuple[float, int]:
    refused = 0
    started = time.perf_counter()
    for text in texts:
        try:
            parse(text)
        except Exception:
            refused += 1
    return time.perf_counter() - started, refused


def _edtf_bounds(text: str) -> tuple[Any, Any]:
    import edtf

    value = edtf.parse_edtf(text)

    def day(bound: Any) -> Any:
        return None if isinstance(bound, float) else (bound.tm_year, bound.tm_mon, bound.tm_mday)

    return day(value.lower_strict()), day(value.upper_strict())


def _ours_bounds(text: str) -> tuple[Any, Any]:
    value = parse_edtf(text)
    return tuple(None if d is None else (d.year, d.month, d.day) for d in (value.lower, value.upper))  # type: ignore


def correctness() -> dict[str, Any]:
    """How many specification examples each parser reads to the table's span; the ones edtf misses."""
    from test_dates_spec import SPEC, UNPLACEABLE  # type: ignore[import-not-found]

    figures: dict[str, Any] = {"examples": len(SPEC), "out_of_range_examples": len(UNPLACEABLE)}
    for name, bounds in (("ours", _ours_bounds), ("edtf", _edtf_bounds)):
        right, wrong = 0, []
        for case in SPEC:
            want = tuple(None if d is None else (d.year, d.month, d.day) for d in (case.lower, case.upper))
            got: Any
            try:
                got = bounds(case.text)
            except Exception as error:  # edtf raises its own exceptions
                got = type(error).__name__
            right += got == want
            if got != want:
                wrong.append(f"{case.text}: {got}")
        figures[name] = {"right": right, "wrong": wrong}
    ours_refused = 0
    for _, text, _ in UNPLACEABLE:
        try:
            parse_edtf(text)
        except InvalidDate:
            ours_refused += 1
    figures["ours"]["out_of_range_refused"] = ours_refused
    return figures


def run(count: int = 1_000_000, edtf_sample: int = 2_000, seed: int = 7) -> dict[str, Any]:
    """The figures: seconds and microseconds per date for each parser, import times, correctness."""
    texts = corpus(count, seed)
    ours, ours_refused = _timed(parse_edtf.__wrapped__, texts)
    started = time.perf_counter()
    import edtf

    edtf_import = time.perf_counter() - started
    sample = texts[:edtf_sample]
    theirs, theirs_refused = _timed(edtf.parse_edtf, sample)
    return {
        "count": count,
        "ours": {"seconds": round(ours, 2), "us_per_date": round(ours / count * 1e6, 2), "refused": ours_refused},
        "edtf": {
            "sample": len(sample),
            "seconds_for_sample": round(theirs, 2),
            "us_per_date": round(theirs / len(sample) * 1e6, 1),
            "seconds_for_count_extrapolated": round(theirs / len(sample) * count),
            "refused_in_sample": theirs_refused,
            "import_seconds": round(edtf_import, 3),
        },
        "correctness": correctness(),
    }


def main(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--edtf-sample", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.count, args.edtf_sample, args.seed), sort_keys=True, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])

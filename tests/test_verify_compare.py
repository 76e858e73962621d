"""`verify` compares two sets of rows in bounded memory (timeline/storage/readmodels/compare.py): whatever the order
the rows arrive in, it lists exactly the rows only one side holds, and when they are too many to hold or to list it
lists some and says that at least so many more differ, never fewer than it lists or more than there are."""

from __future__ import annotations

import random
from collections import Counter

from conftest import constants
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.storage.readmodels import compare

# Values that Python hashes alike though they differ (0, '', 0.0, False) or compares equal (1, 1.0, True).
VALUES = st.one_of(st.none(), st.integers(-3, 3), st.text("aăđ ", max_size=3), st.sampled_from((0.5, 1.0, 0.0, 1e12)))
ROWS = st.lists(st.tuples(VALUES, VALUES, VALUES), max_size=60)


def brute_force(table: str, expected: list[tuple[object, ...]], actual: list[tuple[object, ...]]) -> list[str]:
    """Rows as written (0 and '' differ, 1 and 1.0 too), each side a multiset."""
    wanted, found = Counter(map(repr, expected)), Counter(map(repr, actual))
    lines = [f"{table}: missing {text}" for text in sorted((wanted - found).elements())]
    return lines + [f"{table}: unexpected {text}" for text in sorted((found - wanted).elements())]


@settings(max_examples=200)
@given(ROWS, ROWS, st.randoms(use_true_random=False))
def test_the_differences_are_exactly_the_rows_one_side_holds_in_any_order(
    expected: list[tuple[object, ...]], extra: list[tuple[object, ...]], shuffler: random.Random
) -> None:
    actual = expected[: len(expected) // 2] + extra  # some shared, some missing, some unexpected
    shuffled = actual[:]
    shuffler.shuffle(shuffled)
    lines = compare.differences("t", lambda: iter(expected), lambda: iter(shuffled))
    assert lines == brute_force("t", expected, actual)
    assert compare.differences("t", lambda: iter(expected), lambda: iter(expected[::-1])) == []


def test_rows_python_hashes_alike_are_still_told_apart() -> None:
    assert hash((0, "")) == hash(("", 0.0))  # (the trap)
    lines = compare.differences("t", lambda: iter([(0, "")]), lambda: iter([("", 0.0)]))
    assert lines == ["t: missing (0, '')", "t: unexpected ('', 0.0)"]


@settings(max_examples=100)
@given(ROWS, ROWS, st.integers(1, 8), st.integers(1, 8), st.integers(1, 64))
def test_too_many_differences_are_listed_in_part_with_a_true_lower_bound_of_the_rest(
    expected: list[tuple[object, ...]], actual: list[tuple[object, ...]], listed: int, collected: int, buckets: int
) -> None:
    truth = brute_force("t", expected, actual)
    with constants(compare, LISTED=listed, COLLECTED=collected, BUCKETS=buckets):
        lines = compare.differences("t", lambda: iter(expected), lambda: iter(actual))
    if not truth:
        assert lines == []
        return
    if not lines[-1].endswith("more rows differ (not listed)"):
        assert lines == truth
        return
    *shown, summary = lines
    more = int(summary.split("at least ")[1].split()[0])
    assert set(shown) <= set(truth) and len(shown) <= listed
    assert 1 <= more and len(shown) + more <= len(truth)


def test_a_long_row_is_shown_cut_to_one_line() -> None:
    long = ("id", "x" * 500)
    (line,) = compare.differences("rm_facts", lambda: iter([long]), lambda: iter([]))
    assert line.startswith("rm_facts: missing ('id', 'xxx") and line.endswith("...") and len(line) < 200

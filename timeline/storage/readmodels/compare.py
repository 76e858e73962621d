"""Two sets of rows compared in bounded memory, as `verify` compares a store's read models with a rebuild.

Each side is read as a stream, twice at most. The first pass sums a 64-bit hash of every row's text (its `repr`:
0 and '' differ, though Python hashes them alike) into one of BUCKETS buckets, with a count (a multiset's digest:
the order rows arrive in does not matter, so the two sides may come from different databases); equal sums mean
equal buckets. Only the rows of the buckets that differ are then read into memory, as many buckets as COLLECTED
rows allow, and listed row by row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

Rows = Callable[[], Iterable[tuple[object, ...]]]  # a table's rows, read afresh on each call

BUCKETS = 4096
COLLECTED = 200_000  # rows of differing buckets held at once, per side
LISTED = 1000  # differences listed per table
_MASK = (1 << 64) - 1


def differences(table: str, expected: Rows, actual: Rows) -> list[str]:
    """`table: missing ROW` (expected, not found) and `table: unexpected ROW` lines, at most LISTED of them, then
    one line saying how many rows at least differ beyond those when there are more."""
    want, have = _digest(expected()), _digest(actual())
    differing = [bucket for bucket in range(BUCKETS) if want[bucket] != have[bucket]]
    if not differing:
        return []
    chosen: set[int] = set()
    held = 0
    for bucket in differing:
        size = max(want[bucket][0], have[bucket][0])
        if chosen and held + size > COLLECTED:
            break
        chosen.add(bucket)
        held += size
    wanted, found = _collected(expected(), chosen), _collected(actual(), chosen)
    lines = [f"{table}: missing {_shown(text)}" for text in sorted((wanted - found).elements())]
    lines += [f"{table}: unexpected {_shown(text)}" for text in sorted((found - wanted).elements())]
    unlisted = max(0, len(lines) - LISTED)
    unlisted += sum(max(1, abs(want[bucket][0] - have[bucket][0])) for bucket in differing if bucket not in chosen)
    if unlisted:
        return lines[:LISTED] + [f"{table}: at least {unlisted} more rows differ (not listed)"]
    return lines


def _digest(rows: Iterable[tuple[object, ...]]) -> list[tuple[int, int]]:
    counts, sums = [0] * BUCKETS, [0] * BUCKETS
    for row in rows:
        digest = hash(repr(row)) & _MASK  # (one process hashes both sides: its hash seed is the same for both)
        bucket = digest % BUCKETS
        counts[bucket] += 1
        sums[bucket] = (sums[bucket] + digest) & _MASK
    return list(zip(counts, sums))


def _collected(rows: Iterable[tuple[object, ...]], buckets: set[int]) -> Counter[str]:
    return Counter(text for text in map(repr, rows) if (hash(text) & _MASK) % BUCKETS in buckets)


def _shown(text: str) -> str:
    return text if len(text) <= 160 else text[:157] + "..."

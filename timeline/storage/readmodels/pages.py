"""What a page of an entity's facts or of the entities of a kind asks of the read models: ranges of their indexes
after a cursor, so that a page reads its own rows and not every row of the entity (or of the kind)."""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from timeline.storage.database import Database
from timeline.storage.readmodels.writes import chunks

Row = tuple[int, int, str]  # an occurred date's sort key (start, stop) and the fact id: rm_occurred's order
Range = tuple[Collection[str], str]  # entities (a surviving one and the records merged into it) and a role


@dataclass(frozen=True)
class Sieve:
    """What the fact of an index row must be to be shown, checked before its state is decoded (a superset of the
    facts a query then admits): reported by a day (a source's day in rm_knowledge), of one of these kinds in some
    statement (its stored state, compact JSON, holds `"kind":"<kind>"` for the main values or a source's `differs`)."""

    reported_by: date | None = None
    kinds: tuple[str, ...] = ()

    def conditions(self, row: str) -> tuple[list[str], list[object]]:
        """The SQL conditions on the fact of a row of the index table `row` that leave out those the sieve
        stops, and their values: a lookup of rm_knowledge's key, a match on the stored state."""
        clauses: list[str] = []
        values: list[object] = []
        if self.reported_by is not None:
            clauses.append(
                f"EXISTS (SELECT 1 FROM rm_knowledge k WHERE k.fact_id = {row}.fact_id AND k.day <= ? "
                "AND k.what = 'source')"
            )
            values.append(self.reported_by.isoformat())
        if self.kinds:
            either = " OR ".join("f.state LIKE ?" for _ in self.kinds)
            clauses.append(f"EXISTS (SELECT 1 FROM rm_facts f WHERE f.id = {row}.fact_id AND ({either}))")
            values += [f'%"kind":"{kind}"%' for kind in self.kinds]
        return clauses, values


class PageQueries:
    """Pages read from the read models of one store, on an open connection."""

    connection: Database

    def named_occurred_after(
        self,
        ids: Collection[str],
        role: str,
        start: Row | None,
        limit: int,
        window: tuple[int, int] | None = None,
        sieve: Sieve = Sieve(),
    ) -> list[Row]:
        """The next `limit` rows of rm_named_occurred naming one of these entities in that role after `start` (a
        row), in (start, stop, fact) order, each row once; `window` (the highest start and the highest stop a date
        overlapping an occurred window has) leaves out the rows of dates outside it in the index itself, and `sieve`
        the rows of facts that cannot be shown (before a state is decoded). Each id is a range of the key: the ranges
        are read `limit` rows at a time and merged."""
        query = "SELECT start, stop, fact_id FROM rm_named_occurred WHERE entity_id = ? AND role = ?"
        bounds: list[object] = []
        if start is not None:
            query += " AND (start, stop, fact_id) > (?, ?, ?)"
            bounds += start
        if window is not None:
            query += " AND start <= ? AND stop <= ?"
            bounds += window
        sifted, values = sieve.conditions("rm_named_occurred")
        query += "".join(f" AND {clause}" for clause in sifted) + " ORDER BY start, stop, fact_id LIMIT ?"
        bounds += values
        ranges = [
            [
                (int(first), int(stop), fact_id)
                for first, stop, fact_id in self.connection.execute(query, [i, role, *bounds, limit])
            ]
            for i in sorted(ids)
        ]
        rows: list[Row] = []
        for row in heapq.merge(*ranges):
            if not rows or row != rows[-1]:
                rows.append(row)
        return rows[:limit]

    def named_count(self, ids: Collection[str], role: str) -> int:
        """How many facts name one of these entities in that role (in any statement), counted in the index."""
        marks = ",".join("?" * len(ids))
        query = f"SELECT COUNT(DISTINCT fact_id) FROM rm_mentions WHERE entity_id IN ({marks}) AND role = ?"
        return int(self.connection.execute(query, [*sorted(ids), role]).fetchone()[0])

    def named_count_at_most(
        self, ids: Collection[str], role: str, most: int, window: tuple[int, int] | None = None
    ) -> int:
        """How many facts name one of these entities in that role (in any statement) at a date `window` keeps (as
        `named_occurred_after`), counted in the index up to `most`: above it the count is `most` + 1, and the rows
        past that fact are not read."""
        marks = ",".join("?" * len(ids))
        query = f"SELECT DISTINCT fact_id FROM rm_named_occurred WHERE entity_id IN ({marks}) AND role = ?"
        params: list[object] = [*sorted(ids), role]
        if window is not None:
            query += " AND start <= ? AND stop <= ?"
            params += window
        return len(self.connection.execute(f"{query} LIMIT ?", [*params, most + 1]).fetchall())

    def entity_ids_after(self, entity: str, after: str | None, limit: int) -> list[str]:
        """The ids of the next `limit` entities of a kind after the id `after` (from the first when None), in id
        order (the index rm_entities_by_kind)."""
        where, params = ("AND id > ? ", [after]) if after is not None else ("", [])
        query = f"SELECT id FROM rm_entities WHERE entity = ? {where}ORDER BY id LIMIT ?"
        return [row[0] for row in self.connection.execute(query, [entity, *params, limit])]

    def co_named_after(
        self, entity: str, role: str, scope: Sequence[Range], after: str | None, limit: int
    ) -> list[str]:
        """The ids of the next `limit` entities of a kind after the id `after` (from the first when None), in id
        order (the index rm_entities_by_kind), that a fact names in `role` together with one entity of each range
        of `scope` (in any statement): each entity's facts are looked up by key, at the first one naming the scope."""
        naming, params = _naming_all(scope)
        query = (
            "SELECT e.id FROM rm_entities e WHERE e.entity = ? AND e.id > ? AND EXISTS (SELECT 1 FROM rm_mentions a "
            f"WHERE a.entity_id = e.id AND a.role = ? AND {naming}) ORDER BY e.id LIMIT ?"
        )
        rows = self.connection.execute(query, [entity, after or "", role, *params, limit])
        return [row[0] for row in rows]

    def co_naming_facts(self, entity_id: str, role: str, scope: Sequence[Range]) -> list[str]:
        """The ids of the facts naming the entity in `role` and one entity of each range of `scope` (in any
        statement), by id."""
        naming, params = _naming_all(scope)
        query = (
            f"SELECT a.fact_id FROM rm_mentions a WHERE a.entity_id = ? AND a.role = ? AND {naming} ORDER BY a.fact_id"
        )
        return [row[0] for row in self.connection.execute(query, [entity_id, role, *params])]

    def entity_count(self, entity: str) -> int:
        """How many entities of a kind are stored (counted in the index)."""
        return int(
            self.connection.execute("SELECT COUNT(*) FROM rm_entities WHERE entity = ?", (entity,)).fetchone()[0]
        )

    def mention_counts_of(self, ids: Iterable[str]) -> dict[str, int]:
        """For each of these entities, how many facts name it (in any role, in any statement)."""
        found: dict[str, int] = {}
        for batch in chunks(sorted(ids), 500):
            marks = ",".join("?" * len(batch))
            found.update(
                self.connection.execute(
                    f"SELECT entity_id, COUNT(DISTINCT fact_id) FROM rm_mentions WHERE entity_id IN ({marks}) "
                    "GROUP BY entity_id",
                    batch,
                )
            )
        return found


def _naming_all(scope: Sequence[Range]) -> tuple[str, list[object]]:
    """The condition that the fact `a.fact_id` names one entity of each range (in any statement), and its values:
    a lookup of rm_mentions' key per range."""
    clauses: list[str] = []
    params: list[object] = []
    for k, (ids, role) in enumerate(scope):
        marks = ",".join("?" * len(ids))
        clauses.append(
            f"EXISTS (SELECT 1 FROM rm_mentions s{k} WHERE s{k}.entity_id IN ({marks}) AND s{k}.role = ? "
            f"AND s{k}.fact_id = a.fact_id)"
        )
        params += [*sorted(ids), role]
    return " AND ".join(clauses), params

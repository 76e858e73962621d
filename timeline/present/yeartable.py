"""A table of counts per year that fits any width: labels down the side, one column per year, and a total.

When the years do not fit the console, the table is split into several, each with as many years as fit (the
total in the last), so that no header or year is ever cut to `20…`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

_LABEL_MAX = 30


@dataclass(frozen=True)
class YearTable:
    label: str  # the heading of the label column
    years: list[int]
    rows: list[tuple[str, list[int]]]  # a label and its count per year
    total_row: list[int] | None = None  # per-year totals, shown as a last row "Total"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        label_width = min(_LABEL_MAX, max([len(self.label), *(len(label) for label, _ in self.rows), 5]))
        digits = max([4, *(len(str(sum(counts))) for _, counts in self.rows)])
        room = options.max_width - (label_width + 2) - (digits + 3) - 1  # label, total and the edges
        per_table = max(1, room // (digits + 3))
        chunks = [self.years[i : i + per_table] for i in range(0, len(self.years), per_table)] or [[]]
        for number, years in enumerate(chunks):
            yield self._table(years, number == len(chunks) - 1, label_width)

    def _table(self, years: list[int], last: bool, label_width: int) -> Table:
        table = Table(show_header=True, header_style="bold", pad_edge=False)
        table.add_column(self.label, max_width=label_width)
        columns = [self.years.index(year) for year in years]
        for year in years:
            table.add_column(str(year), justify="right", no_wrap=True, min_width=4)
        if last:
            table.add_column("Total", justify="right", no_wrap=True, min_width=5)
        for label, counts in self.rows:
            cells = [_cell(counts[i]) for i in columns] + ([str(sum(counts))] if last else [])
            table.add_row(Text(label), *cells, end_section=label == self.rows[-1][0] and self.total_row is not None)
        if self.total_row is not None:
            cells = [str(self.total_row[i]) for i in columns] + ([str(sum(self.total_row))] if last else [])
            table.add_row("Total", *cells)
        return table


def _cell(count: int) -> str:
    return str(count) if count else "·"


def all_years(years: Iterable[int]) -> list[int]:
    """Every year from the first to the last given, empty ones too."""
    found = sorted(set(years))
    return list(range(found[0], found[-1] + 1)) if found else []

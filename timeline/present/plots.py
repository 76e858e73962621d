"""`timeline stats --plot FILE.svg|FILE.png`: the counts drawn with matplotlib (Agg backend, no window).

Two panels: facts per year per partner (stacked bars), and each target's value over its restatements (one line
per target key; x = the knowledge date from which the record stated the value). The output is deterministic: the
same counts give the same bytes (a fixed SVG hash salt, no date in the metadata). Imported only by that option,
so that the CLI starts fast.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot: never a display

from matplotlib.dates import AutoDateLocator, DateFormatter  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from projections.stats import TargetValue  # noqa: E402
from timeline.errors import InvalidOption  # noqa: E402
from timeline.present.result_views import StatsView  # noqa: E402
from timeline.present.yeartable import all_years  # noqa: E402

TOP_PARTNERS = 10  # the legend names the partners with most facts; the rest are drawn as one "other" bar
TOP_TARGETS = 12  # target lines drawn at most: the most restated (a line and a label per value each)

FORMATS = {".svg": "svg", ".png": "png"}
METADATA = {"svg": {"Date": None}, "png": {"Software": None}}
MARGIN = timedelta(days=120)  # around the knowledge dates, so that a single restatement is not at the edge
STYLE: dict[str, Any] = {"svg.hashsalt": "timeline", "svg.fonttype": "none", "font.size": 9}


def plot_format(path: str) -> str:
    """The format a path asks for, from its extension; InvalidOption for any other."""
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InvalidOption(f"--plot: {path!r} must end in .svg or .png")
    return fmt


def draw(view: StatsView) -> Figure:
    """The figure: facts per year per partner above, target values over knowledge dates below."""
    stats = view.stats
    figure = Figure(figsize=(10, 8), dpi=100, layout="constrained")
    counts, targets = figure.subplots(2, 1)
    years = all_years([*stats.by_kind, *stats.by_partner])
    bottom = [0] * len(years)
    colours = matplotlib.colormaps["tab20"]
    for i, (label, heights) in enumerate(partner_series(view, years)):
        colour = "#b0b0b0" if label.startswith("other") else colours(i % 20)
        counts.bar([str(year) for year in years], heights, bottom=bottom, label=label, color=colour)
        bottom = [b + h for b, h in zip(bottom, heights)]
    counts.yaxis.set_major_locator(MaxNLocator(integer=True))
    counts.set_title(f"Facts per year per partner — {_known(view)}")
    counts.set_ylabel("facts naming the partner")
    if stats.partners:
        counts.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    else:
        counts.text(0.5, 0.5, "No facts name a partner", ha="center", va="center", transform=counts.transAxes)
    drawn = drawn_targets(stats.targets)
    for key, values in drawn.items():
        unit = next((v.unit for v in values if v.unit), None)
        (line,) = targets.plot(
            [v.known for v in values], [v.value for v in values], marker="o", label=f"{key} ({unit})" if unit else key
        )
        for v in values:
            targets.annotate(
                f"{v.value:g} {v.unit or ''}".strip(),
                (v.known, v.value),
                textcoords="offset points",
                xytext=(6, 4),
                fontsize=8,
                color=line.get_color(),
            )
    hidden = len(stats.targets) > len(drawn)
    more = f" ({len(drawn)} of {len(stats.targets)} targets: the most restated)" if hidden else ""
    targets.set_title(f"Target values over their restatements — {_known(view)}{more}")
    targets.set_xlabel("knowledge date (from which the record stated the value)")
    targets.set_ylabel("value")
    if drawn:
        days = [v.known for values in drawn.values() for v in values]
        targets.set_xlim(min(days) - MARGIN, max(days) + MARGIN)
        targets.xaxis.set_major_locator(AutoDateLocator(maxticks=6))
        targets.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))
        targets.set_ylim(bottom=0)
        targets.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    else:
        targets.text(0.5, 0.5, "No target values stated", ha="center", va="center", transform=targets.transAxes)
    return figure


def drawn_targets(values: dict[str, tuple[TargetValue, ...]]) -> dict[str, tuple[TargetValue, ...]]:
    """The target lines to draw, in key order: every target, or the TOP_TARGETS with most values (then by key),
    so that a whole store's plot stays readable and its figure's size bounded."""
    if len(values) <= TOP_TARGETS:
        return values
    kept = set(sorted(values, key=lambda key: (-len(values[key]), key))[:TOP_TARGETS])
    return {key: line for key, line in values.items() if key in kept}


def partner_series(view: StatsView, years: list[int]) -> list[tuple[str, list[int]]]:
    """The bars to stack: the TOP_PARTNERS partners with most facts, then "other (N partners)" for the rest;
    every year from the first to the last counted, empty years at zero."""
    stats, names = view.stats, view.names
    partners = stats.partners
    shown = partners if len(partners) <= TOP_PARTNERS + 1 else partners[:TOP_PARTNERS]
    series = [(names.get(p, p), [stats.by_partner.get(year, {}).get(p, 0) for year in years]) for p in shown]
    rest = partners[len(shown) :]
    if rest:
        heights = [sum(stats.by_partner.get(year, {}).get(p, 0) for p in rest) for year in years]
        series.append((f"other ({len(rest)} partners)", heights))
    return series


def _known(view: StatsView) -> str:
    return f"as of {view.as_of.isoformat()}" if view.as_of else "as known now"


def plot(view: StatsView, path: str) -> None:
    """Draw the view to `path` (.svg or .png); InvalidOption when it cannot be written."""
    import logging
    import warnings

    logging.getLogger("matplotlib").setLevel(logging.ERROR)
    fmt = plot_format(path)
    with matplotlib.rc_context(STYLE), warnings.catch_warnings():  # type: ignore[arg-type]  # keys typed as Literals
        warnings.simplefilter("ignore")  # font fallbacks and layout notes are for developers, not users
        figure = draw(view)
        try:
            figure.savefig(path, format=fmt, metadata=METADATA[fmt])
        except OSError as error:
            raise InvalidOption(f"--plot: cannot write {path!r}: {error.strerror or error}") from None

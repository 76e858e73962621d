"""Dates that cannot all be true of one fact: a source published after today, a retraction before the fact was
first reported (errors), a fact reported as having happened before it occurred (a warning: the source may be
right about an early start the date does not show).

Pure: "today" is a value the caller reads once at the edge (the CLI), never the clock here. Only what is
certainly impossible is flagged: a partial date counts with its most generous bound.
"""

from __future__ import annotations

from datetime import date

from events.dates import InvalidDate, parse_edtf
from events.inputs import Fact
from timeline.errors import Problem
from timeline.intake.record import Record


def date_problems(record: Record, fact: Fact, today: date | None) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) about the fact's dates, each naming file, fact and field."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    firsts = []
    for number, source in enumerate(fact.sources):
        reported = parse_edtf(source.reported)
        if today is not None and reported.lower is not None and reported.lower > today:
            errors.append(
                record.problem(
                    f"reported {source.reported}, after today ({today.isoformat()}); a source cannot have appeared "
                    "yet: check the date",
                    f"sources[{number}].reported",
                )
            )
        firsts.append(reported.lower_or_min)
        differs = source.differs  # what this source states differently (most state nothing)
        status = differs.get("status", fact.status) if differs else fact.status
        if status == "happened" and reported.upper is not None:
            try:
                occurred = parse_edtf(differs.get("occurred", fact.occurred) if differs else fact.occurred)
            except (InvalidDate, TypeError):  # a source's bad date: validation reports it at its field
                continue
            if not (occurred.approximate or occurred.uncertain) and occurred.lower and occurred.lower > reported.upper:
                warnings.append(
                    record.problem(
                        f"reported {source.reported} as happened, but it occurred {occurred.display()}, later; if it "
                        "was still to come, write status: scheduled, or mark the date ~ (approximate) or ? (uncertain)",
                        f"sources[{number}].reported",
                    )
                )
    if fact.retracted is not None:
        on = parse_edtf(fact.retracted.on)
        first = min(firsts)
        if on.upper is not None and on.upper < first:
            errors.append(
                record.problem(
                    f"retracted on {fact.retracted.on}, before the fact was first reported ({first.isoformat()}); "
                    "a retraction comes after a report: check the date",
                    "retracted.on",
                )
            )
    return errors, warnings

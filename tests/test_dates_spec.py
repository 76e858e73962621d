"""Every example of the EDTF specification (Level 0, Level 1, and the Level 2 parts timeline takes) as a named
case, checked against events.dates and, where the two agree by design, against the `edtf` package."""

from __future__ import annotations

import time
from datetime import date
from typing import NamedTuple

import pytest
from conftest import STORE_FREE

from events.dates import InvalidDate, as_of_bound, parse_edtf

pytestmark = STORE_FREE

D = date
OPEN = None  # an open (..) or unknown (empty) end has no bound


class Case(NamedTuple):
    name: str
    text: str
    lower: date | None
    upper: date | None
    precision: str
    approximate: bool
    uncertain: bool
    shown: str
    differs: str = ""  # why we deliberately differ from the `edtf` package's strict bounds, if we do


UNKNOWN_END = "edtf puts an unknown end 10 years from the known one; we leave it unbounded, like an open end"
WINTER = "edtf ends a winter on 31 December of its year; ours runs December to February of the next year"

# One example a row, as the specification lists them.
# fmt: off
SPEC = [
    # Level 0: date
    Case("L0 date complete", "1985-04-12", D(1985, 4, 12), D(1985, 4, 12), "day", False, False, "1985-04-12"),
    Case("L0 date reduced to month", "1985-04", D(1985, 4, 1), D(1985, 4, 30), "month", False, False, "1985-04"),
    Case("L0 date reduced to year", "1985", D(1985, 1, 1), D(1985, 12, 31), "year", False, False, "1985"),
    # Level 0: date and time; the span is the day as written
    Case("L0 date-time local", "1985-04-12T23:20:30", D(1985, 4, 12), D(1985, 4, 12), "day", False, False,
         "1985-04-12T23:20:30"),
    Case("L0 date-time UTC", "1985-04-12T23:20:30Z", D(1985, 4, 12), D(1985, 4, 12), "day", False, False,
         "1985-04-12T23:20:30Z"),
    Case("L0 date-time offset hours", "1985-04-12T23:20:30-04", D(1985, 4, 12), D(1985, 4, 12), "day", False,
         False, "1985-04-12T23:20:30-04"),
    Case("L0 date-time offset hours and minutes", "1985-04-12T23:20:30+04:30", D(1985, 4, 12), D(1985, 4, 12),
         "day", False, False, "1985-04-12T23:20:30+04:30"),
    # Level 0: time interval
    Case("L0 interval years", "1964/2008", D(1964, 1, 1), D(2008, 12, 31), "interval", False, False,
         "1964\u20132008"),
    Case("L0 interval months", "2004-06/2006-08", D(2004, 6, 1), D(2006, 8, 31), "interval", False, False,
         "2004-06\u20132006-08"),
    Case("L0 interval days", "2004-02-01/2005-02-08", D(2004, 2, 1), D(2005, 2, 8), "interval", False, False,
         "2004-02-01\u20132005-02-08"),
    Case("L0 interval day to month", "2004-02-01/2005-02", D(2004, 2, 1), D(2005, 2, 28), "interval", False,
         False, "2004-02-01\u20132005-02"),
    Case("L0 interval day to year", "2004-02-01/2005", D(2004, 2, 1), D(2005, 12, 31), "interval", False, False,
         "2004-02-01\u20132005"),
    Case("L0 interval year to month", "2005/2006-02", D(2005, 1, 1), D(2006, 2, 28), "interval", False, False,
         "2005\u20132006-02"),
    # Level 1: seasons (Northern meteorological)
    Case("L1 season spring", "2001-21", D(2001, 3, 1), D(2001, 5, 31), "season", False, False, "spring 2001"),
    Case("L1 season summer", "2001-22", D(2001, 6, 1), D(2001, 8, 31), "season", False, False, "summer 2001"),
    Case("L1 season autumn", "2001-23", D(2001, 9, 1), D(2001, 11, 30), "season", False, False, "autumn 2001"),
    Case("L1 season winter", "2001-24", D(2001, 12, 1), D(2002, 2, 28), "season", False, False,
         "winter 2001\u201302", WINTER),
    # Level 1: qualification of the whole date
    Case("L1 uncertain year", "1984?", D(1984, 1, 1), D(1984, 12, 31), "year", False, True, "1984?"),
    Case("L1 approximate month", "2004-06~", D(2004, 6, 1), D(2004, 6, 30), "month", True, False, "~2004-06"),
    Case("L1 uncertain and approximate day", "2004-06-11%", D(2004, 6, 11), D(2004, 6, 11), "day", True, True,
         "~2004-06-11?"),
    # Level 1: unspecified digits from the right, the widest span they allow
    Case("L1 unspecified year digit", "201X", D(2010, 1, 1), D(2019, 12, 31), "decade", False, False, "201X"),
    Case("L1 unspecified year digits", "20XX", D(2000, 1, 1), D(2099, 12, 31), "century", False, False, "20XX"),
    Case("L1 unspecified month", "2004-XX", D(2004, 1, 1), D(2004, 12, 31), "year", False, False, "2004-XX"),
    Case("L1 unspecified day", "1985-04-XX", D(1985, 4, 1), D(1985, 4, 30), "month", False, False, "1985-04-XX"),
    Case("L1 unspecified month and day", "1985-XX-XX", D(1985, 1, 1), D(1985, 12, 31), "year", False, False,
         "1985-XX-XX"),
    # Level 1: extended interval, open ends
    Case("L1 open end from a day", "1985-04-12/..", D(1985, 4, 12), OPEN, "interval", False, False,
         "from 1985-04-12"),
    Case("L1 open end from a month", "1985-04/..", D(1985, 4, 1), OPEN, "interval", False, False, "from 1985-04"),
    Case("L1 open end from a year", "1985/..", D(1985, 1, 1), OPEN, "interval", False, False, "from 1985"),
    Case("L1 open start to a day", "../1985-04-12", OPEN, D(1985, 4, 12), "interval", False, False,
         "by 1985-04-12"),
    Case("L1 open start to a month", "../1985-04", OPEN, D(1985, 4, 30), "interval", False, False, "by 1985-04"),
    Case("L1 open start to a year", "../1985", OPEN, D(1985, 12, 31), "interval", False, False, "by 1985"),
    # Level 1: extended interval, unknown ends
    Case("L1 unknown end after a day", "1985-04-12/", D(1985, 4, 12), OPEN, "interval", False, False,
         "1985-04-12\u2013unknown", UNKNOWN_END),
    Case("L1 unknown end after a month", "1985-04/", D(1985, 4, 1), OPEN, "interval", False, False,
         "1985-04\u2013unknown", UNKNOWN_END),
    Case("L1 unknown end after a year", "1985/", D(1985, 1, 1), OPEN, "interval", False, False,
         "1985\u2013unknown", UNKNOWN_END),
    Case("L1 unknown start before a day", "/1985-04-12", OPEN, D(1985, 4, 12), "interval", False, False,
         "unknown\u20131985-04-12", UNKNOWN_END),
    Case("L1 unknown start before a month", "/1985-04", OPEN, D(1985, 4, 30), "interval", False, False,
         "unknown\u20131985-04", UNKNOWN_END),
    Case("L1 unknown start before a year", "/1985", OPEN, D(1985, 12, 31), "interval", False, False,
         "unknown\u20131985", UNKNOWN_END),
    # Level 1: extended interval, qualified ends
    Case("L1 interval approximate start", "1984~/2004-06", D(1984, 1, 1), D(2004, 6, 30), "interval", True, False,
         "~1984\u20132004-06"),
    Case("L1 interval approximate end", "1984/2004-06~", D(1984, 1, 1), D(2004, 6, 30), "interval", True, False,
         "1984\u2013~2004-06"),
    Case("L1 interval both approximate", "1984~/2004~", D(1984, 1, 1), D(2004, 12, 31), "interval", True, False,
         "~1984\u2013~2004"),
    Case("L1 interval uncertain to both", "1984?/2004%", D(1984, 1, 1), D(2004, 12, 31), "interval", True, True,
         "1984?\u2013~2004?"),
    Case("L1 interval uncertain months", "1984-06?/2004-08?", D(1984, 6, 1), D(2004, 8, 31), "interval", False,
         True, "1984-06?\u20132004-08?"),
    Case("L1 interval uncertain to approximate days", "1984-06-02?/2004-08-08~", D(1984, 6, 2), D(2004, 8, 8),
         "interval", True, True, "1984-06-02?\u2013~2004-08-08"),
    Case("L1 interval uncertain start, unknown end", "1984-06-02?/", D(1984, 6, 2), OPEN, "interval", False, True,
         "1984-06-02?\u2013unknown", UNKNOWN_END),
    # Level 2: sub-year groupings (quarters, and the others as cheap extras)
    Case("L2 quarter 2", "2001-34", D(2001, 4, 1), D(2001, 6, 30), "quarter", False, False, "Q2 2001"),
    Case("L2 quarter 1", "2032-33", D(2032, 1, 1), D(2032, 3, 31), "quarter", False, False, "Q1 2032"),
    Case("L2 quarter 3", "2032-35", D(2032, 7, 1), D(2032, 9, 30), "quarter", False, False, "Q3 2032"),
    Case("L2 quarter 4", "2032-36", D(2032, 10, 1), D(2032, 12, 31), "quarter", False, False, "Q4 2032"),
    Case("L2 northern spring", "2001-25", D(2001, 3, 1), D(2001, 5, 31), "season", False, False,
         "northern spring 2001"),
    Case("L2 northern winter", "2001-28", D(2001, 12, 1), D(2002, 2, 28), "season", False, False,
         "northern winter 2001\u201302", WINTER),
    Case("L2 southern spring", "2001-29", D(2001, 9, 1), D(2001, 11, 30), "season", False, False,
         "southern spring 2001"),
    Case("L2 southern summer", "2003-30", D(2003, 12, 1), D(2004, 2, 29), "season", False, False,
         "southern summer 2003\u201304", WINTER.replace("winter", "southern summer")),
    Case("L2 southern autumn", "2001-31", D(2001, 3, 1), D(2001, 5, 31), "season", False, False,
         "southern autumn 2001"),
    Case("L2 southern winter", "2001-32", D(2001, 6, 1), D(2001, 8, 31), "season", False, False,
         "southern winter 2001"),
    Case("L2 first four months", "2001-37", D(2001, 1, 1), D(2001, 4, 30), "quadrimester", False, False,
         "Jan\u2013Apr 2001"),
    Case("L2 last four months", "2001-39", D(2001, 9, 1), D(2001, 12, 31), "quadrimester", False, False,
         "Sep\u2013Dec 2001"),
    Case("L2 first half", "2023-40", D(2023, 1, 1), D(2023, 6, 30), "semester", False, False, "H1 2023"),
    Case("L2 second half", "2023-41", D(2023, 7, 1), D(2023, 12, 31), "semester", False, False, "H2 2023"),
    # Level 2: qualification of a group (it and the components to its left) or of one component
    Case("L2 approximate year and month", "2004-06~-11", D(2004, 6, 11), D(2004, 6, 11), "day", True, False,
         "2004-06~-11"),
    Case("L2 uncertain year", "2004?-06-11", D(2004, 6, 11), D(2004, 6, 11), "day", False, True, "2004?-06-11"),
    Case("L2 uncertain year, approximate day", "?2004-06-~11", D(2004, 6, 11), D(2004, 6, 11), "day", True, True,
         "?2004-06-~11"),
    Case("L2 uncertain and approximate month", "2004-%06-11", D(2004, 6, 11), D(2004, 6, 11), "day", True, True,
         "2004-%06-11"),
    Case("L2 interval of approximate days", "2004-06-~01/2004-06-~20", D(2004, 6, 1), D(2004, 6, 20), "interval",
         True, False, "2004-06-~01\u20132004-06-~20"),
    Case("L2 interval from an unspecified day", "2004-06-XX/2004-07-03", D(2004, 6, 1), D(2004, 7, 3), "interval",
         False, False, "2004-06-XX\u20132004-07-03"),
]
# fmt: on


@pytest.mark.parametrize("case", SPEC, ids=[case.name for case in SPEC])
def test_specification_example_parses_to_its_span(case: Case) -> None:
    d = parse_edtf(case.text)
    assert (d.lower, d.upper, d.precision) == (case.lower, case.upper, case.precision)
    assert (d.approximate, d.uncertain) == (case.approximate, case.uncertain)
    assert d.display() == case.shown
    assert str(d) == case.text


@pytest.mark.parametrize("case", SPEC, ids=[case.name for case in SPEC])
def test_as_of_takes_the_last_possible_day_of_a_specification_example(case: Case) -> None:
    if case.upper is None:
        with pytest.raises(InvalidDate, match="open end"):
            as_of_bound(case.text)
    else:
        assert as_of_bound(case.text) == case.upper


def _oracle_bound(value: object) -> date | None:
    """edtf's strict bound as a date; its +-infinity floats (open ends) as None."""
    if isinstance(value, float):
        return None
    assert isinstance(value, time.struct_time)
    return date(value.tm_year, value.tm_mon, value.tm_mday)


AGREED = [case for case in SPEC if not case.differs]
DIFFERS = [case for case in SPEC if case.differs]


@pytest.mark.parametrize("case", AGREED, ids=[case.name for case in AGREED])
def test_specification_example_bounds_agree_with_the_edtf_package(case: Case) -> None:
    import edtf

    ref = edtf.parse_edtf(case.text)
    assert (_oracle_bound(ref.lower_strict()), _oracle_bound(ref.upper_strict())) == (case.lower, case.upper)


@pytest.mark.parametrize("case", DIFFERS, ids=[case.name for case in DIFFERS])
def test_specification_example_where_we_differ_from_the_edtf_package_still_differs(case: Case) -> None:
    """Each deliberate difference is named in the table; if edtf changes to agree, this says so."""
    import edtf

    ref = edtf.parse_edtf(case.text)
    assert (_oracle_bound(ref.lower_strict()), _oracle_bound(ref.upper_strict())) != (case.lower, case.upper)


# Valid EDTF that no day from 0001 to 9999 can hold: recognised, then refused with the value and the range.
UNPLACEABLE = [
    ("L1 letter-prefixed year", "Y170000002", "year 170000002 is outside 0001..9999"),
    ("L1 letter-prefixed negative year", "Y-170000002", "year -170000002 is outside 0001..9999"),
    ("L1 negative calendar year", "-1985", "year -1985 is outside 0001..9999"),
    ("L0 year zero", "0000", "year 0000 (1 BC) is outside 0001..9999"),
    ("L1 unspecified digits reaching year zero", "00XX", "years 0000..0099 reach outside 0001..9999"),
    ("L1 winter running into year 10000", "9999-24", "(in year 10000) are outside 0001..9999"),
    ("L1 interval from a negative year", "-1985/1985", "year -1985 is outside"),
]


@pytest.mark.parametrize("name, text, fragment", UNPLACEABLE, ids=[row[0] for row in UNPLACEABLE])
def test_valid_edtf_outside_the_calendar_is_refused_naming_the_value(name: str, text: str, fragment: str) -> None:
    with pytest.raises(InvalidDate) as exc:
        parse_edtf(text)
    message = str(exc.value)
    assert message.startswith(f"{text!r} is valid EDTF, but ")
    assert fragment in message and "e.g. 2022-03-23" in message and "\n" not in message


# The rest of Level 2 is not taken: each is refused with the accepted shapes.
NOT_TAKEN = [
    ("L2 exponential year", "Y-17E7"),
    ("L2 significant digits", "1950S2"),
    ("L2 one of a set", "[1667,1668,1670..1672]"),
    ("L2 all of a set", "{1667,1668,1670..1672}"),
    ("L2 unspecified digits in the year and day", "156X-12-25"),
    ("L2 unspecified year and day", "XXXX-12-XX"),
    ("L2 unspecified three year digits", "1XXX-XX"),
    ("L2 unspecified month digit", "1984-1X"),
]


@pytest.mark.parametrize("name, text", NOT_TAKEN, ids=[row[0] for row in NOT_TAKEN])
def test_level_2_features_not_taken_are_refused_with_the_accepted_shapes(name: str, text: str) -> None:
    with pytest.raises(InvalidDate) as exc:
        parse_edtf(text)
    message = str(exc.value)
    assert message.startswith(f"{text!r} is not")
    assert "e.g." in message and "\n" not in message

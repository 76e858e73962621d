"""Tests for events.dates: the EDTF subset parser and EdtfDate value type."""

from __future__ import annotations

import calendar
import time
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from events.dates import EdtfDate, InvalidDate, as_of_bound, parse_day, parse_edtf

from conftest import STORE_FREE

pytestmark = STORE_FREE

D = date

# ---------------------------------------------------------------- examples

VALID = [
    # text, lower, upper, precision, approximate, uncertain, display
    ("2022-03-23", D(2022, 3, 23), D(2022, 3, 23), "day", False, False, "2022-03-23"),
    ("2023-11", D(2023, 11, 1), D(2023, 11, 30), "month", False, False, "2023-11"),
    ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "month", False, False, "2024-02"),
    ("2023-02", D(2023, 2, 1), D(2023, 2, 28), "month", False, False, "2023-02"),
    ("2023", D(2023, 1, 1), D(2023, 12, 31), "year", False, False, "2023"),
    ("2025~", D(2025, 1, 1), D(2025, 12, 31), "year", True, False, "~2025"),
    ("2024?", D(2024, 1, 1), D(2024, 12, 31), "year", False, True, "2024?"),
    ("2024%", D(2024, 1, 1), D(2024, 12, 31), "year", True, True, "~2024?"),
    ("2023-05-01~", D(2023, 5, 1), D(2023, 5, 1), "day", True, False, "~2023-05-01"),
    ("2020-02-29", D(2020, 2, 29), D(2020, 2, 29), "day", False, False, "2020-02-29"),
    ("0001", D(1, 1, 1), D(1, 12, 31), "year", False, False, "0001"),
    ("9999-12-31", D(9999, 12, 31), D(9999, 12, 31), "day", False, False, "9999-12-31"),
    ("2032-10/2032-12", D(2032, 10, 1), D(2032, 12, 31), "interval", False, False, "2032-10–2032-12"),
    ("2045/2065", D(2045, 1, 1), D(2065, 12, 31), "interval", False, False, "2045–2065"),
    ("2045~/2065?", D(2045, 1, 1), D(2065, 12, 31), "interval", True, True, "~2045–2065?"),
    ("2023-11/2023-11-30", D(2023, 11, 1), D(2023, 11, 30), "interval", False, False, "2023-11–2023-11-30"),
    ("../2022-05-25", None, D(2022, 5, 25), "interval", False, False, "by 2022-05-25"),
    ("2022/..", D(2022, 1, 1), None, "interval", False, False, "from 2022"),
    ("2022~/..", D(2022, 1, 1), None, "interval", True, False, "from ~2022"),
    ("  2023-11\n", D(2023, 11, 1), D(2023, 11, 30), "month", False, False, "2023-11"),
]


@pytest.mark.parametrize(
    "text, lower, upper, precision, approximate, uncertain, shown",
    VALID,
    ids=[row[0].strip() or repr(row[0]) for row in VALID],
)
def test_valid_forms_parse_to_expected_bounds_and_display(
    text, lower, upper, precision, approximate, uncertain, shown
):
    d = parse_edtf(text)
    assert (d.lower, d.upper, d.precision) == (lower, upper, precision)
    assert (d.approximate, d.uncertain) == (approximate, uncertain)
    assert d.display() == shown
    assert str(d) == d.text == text.strip()
    assert d.is_day == (precision == "day")


INVALID = [
    ("2023-02-30", "February 2023 has 28 days"),
    ("2023-11-31", "November 2023 has 30 days"),
    ("2023-13", "month 13"),
    ("2023-00", "month 00"),
    ("2023-01-00", "day 00"),
    ("0000", "year 0000"),
    ("23/3", "not an EDTF date"),
    ("2023-2-3", "not an EDTF date"),
    ("", "not an EDTF date"),
    ("   ", "not an EDTF date"),
    ("abc", "not an EDTF date"),
    ("2022-03-23T10:00", "not an EDTF date"),
    ("../..", "at most one end may be open"),
    ("2025/2024", "start 2025 is after end 2024"),
    ("2023-12-02/2023-12-01", "is after"),
    ("2023/2024/2025", "not an EDTF date"),
    ("2023 / 2024", "not an EDTF date"),
    ("/2024", "not an EDTF date"),
    ("..", "not an EDTF date"),
    ("2023~?", "not an EDTF date"),
    ("~2023", "not an EDTF date"),
    ("12023", "not an EDTF date"),
    ("２０２３", "not an EDTF date"),  # full-width digits are not ASCII digits
]


@pytest.mark.parametrize("text, fragment", INVALID, ids=[repr(t) for t, _ in INVALID])
def test_invalid_forms_raise_invalid_date_with_a_one_line_reason(text, fragment):
    with pytest.raises(InvalidDate) as exc:
        parse_edtf(text)
    message = str(exc.value)
    assert fragment in message
    assert "\n" not in message
    assert isinstance(exc.value, ValueError)


def test_unparseable_text_message_shows_the_accepted_forms():
    with pytest.raises(InvalidDate, match=r"'23/3' is not an EDTF date; write YYYY, YYYY-MM or YYYY-MM-DD"):
        parse_edtf("23/3")


def test_impossible_day_message_names_the_month_length():
    with pytest.raises(InvalidDate) as exc:
        parse_edtf("2023-02-30")
    assert str(exc.value) == "'2023-02-30' is not a valid date: February 2023 has 28 days"


# ---------------------------------------------------------------- sorting


def _sorted(texts_with_ids):
    return [t for t, i in sorted(texts_with_ids, key=lambda ti: (*parse_edtf(ti[0]).sort_key, ti[1]))]


def test_wider_date_sorts_before_narrower_date_with_same_start():
    assert _sorted([("2023-11-01", 1), ("2023-11", 2), ("2023", 3)]) == ["2023", "2023-11", "2023-11-01"]


def test_open_start_sorts_first_and_open_end_sorts_widest():
    items = [("2022-01-01", 1), ("2022/..", 2), ("../2022", 3), ("2022", 4), ("0001", 5)]
    assert _sorted(items) == ["../2022", "0001", "2022/..", "2022", "2022-01-01"]


def test_equal_spans_are_ordered_by_the_callers_id():
    items = [("2023~", 9), ("2023", 2), ("2023-01/2023-12", 5)]
    assert [i for _, i in sorted(items, key=lambda ti: (*parse_edtf(ti[0]).sort_key, ti[1]))] == [2, 5, 9]


def test_later_start_sorts_after_earlier_start_regardless_of_width():
    assert _sorted([("2023-11-02", 1), ("2023-11-01/2030", 2)]) == ["2023-11-01/2030", "2023-11-02"]


# ---------------------------------------------------------------- windows

WINDOW = (D(2023, 1, 1), D(2023, 12, 31))


@pytest.mark.parametrize(
    "text, overlaps, within",
    [
        ("2023-06-15", True, True),
        ("2023", True, True),
        ("2022-12", False, False),
        ("2024-01-01", False, False),
        ("2022-12-31", False, False),
        ("2023-01-01", True, True),
        ("2022-12/2023-01", True, False),  # straddles the window start
        ("2023-12/2024-02", True, False),  # straddles the window end
        ("2020/2030", True, False),
        ("../2023-03", True, False),
        ("2023-10/..", True, False),
        ("../2022", False, False),
        ("2024/..", False, False),
    ],
)
def test_partial_overlap_with_window_is_overlapping_but_not_within(text, overlaps, within):
    d = parse_edtf(text)
    assert d.overlaps(*WINDOW) is overlaps
    assert d.within(*WINDOW) is within


def test_unbounded_window_contains_everything_including_open_ends():
    for text in ("../2022", "2022/..", "0001", "9999-12-31"):
        d = parse_edtf(text)
        assert d.overlaps(None, None) and d.within(None, None)


def test_half_bounded_window():
    d = parse_edtf("2022/..")
    assert d.within(D(2022, 1, 1), None)
    assert not d.within(None, D(2099, 1, 1))
    assert d.overlaps(None, D(2022, 1, 1))
    assert not d.overlaps(None, D(2021, 12, 31))


def test_open_end_helpers_substitute_extreme_dates():
    assert parse_edtf("../2022").lower_or_min == date.min
    assert parse_edtf("2022/..").upper_or_max == date.max
    assert parse_edtf("2022").lower_or_min == D(2022, 1, 1)
    assert parse_edtf("2022").upper_or_max == D(2022, 12, 31)


# ---------------------------------------------------------------- value type & helpers


def test_edtf_date_is_frozen_and_hashable():
    d = parse_edtf("2023-11")
    with pytest.raises(AttributeError):
        d.lower = D(2000, 1, 1)  # type: ignore[misc]
    assert {d: 1}[parse_edtf(" 2023-11 ")] == 1


def test_parse_day_accepts_only_a_plain_full_day():
    assert parse_day("2023-05-01") == D(2023, 5, 1)
    assert parse_day(" 2024-02-29 ") == D(2024, 2, 29)
    for bad in ("2023-05", "2023", "2023-05-01~", "2023-05-01/2023-05-02", "2023-02-29"):
        with pytest.raises(InvalidDate):
            parse_day(bad)


def test_as_of_bound_is_the_upper_end_of_the_date():
    assert as_of_bound("2023") == D(2023, 12, 31)
    assert as_of_bound("2024-02") == D(2024, 2, 29)
    assert as_of_bound("2023-05-01") == D(2023, 5, 1)
    assert as_of_bound("../2022-05-25") == D(2022, 5, 25)
    assert as_of_bound("2020/2021-06") == D(2021, 6, 30)


def test_as_of_bound_rejects_an_open_end():
    with pytest.raises(InvalidDate, match="open end"):
        as_of_bound("2022/..")


# ---------------------------------------------------------------- properties


@st.composite
def single_dates(draw) -> str:
    year = draw(st.integers(1, 9999))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    text = f"{year:04d}"
    if precision != "year":
        month = draw(st.integers(1, 12))
        text += f"-{month:02d}"
        if precision == "day":
            last = calendar.monthrange(year, month)[1]
            text += f"-{draw(st.integers(1, last)):02d}"
    return text + draw(st.sampled_from(["", "~", "?", "%"]))


@st.composite
def closed_intervals(draw) -> str:
    a, b = draw(single_dates()), draw(single_dates())
    if parse_edtf(a).lower > parse_edtf(b).upper:
        a, b = b, a  # then b.upper < a.lower <= a.upper, so b/a is ordered
    return f"{a}/{b}"


@st.composite
def open_intervals(draw) -> str:
    side = draw(single_dates())
    return draw(st.sampled_from([f"../{side}", f"{side}/.."]))


any_valid = st.one_of(single_dates(), closed_intervals(), open_intervals())


@given(any_valid)
def test_lower_never_exceeds_upper_for_any_valid_date(text):
    """Invariant: lower_or_min <= upper_or_max; a date lies within its own bounds."""
    d = parse_edtf(text)
    assert d.lower_or_min <= d.upper_or_max
    assert d.overlaps(d.lower, d.upper) and d.within(d.lower, d.upper)


@given(any_valid, st.sampled_from(["", " ", "\t", "\n "]))
def test_canonical_text_round_trips_through_parse(text, pad):
    """Invariant: parse(str(d)) == d, and surrounding whitespace does not change the result."""
    d = parse_edtf(pad + text + pad)
    assert parse_edtf(str(d)) == d
    assert str(d) == text


def _struct_to_date(t: time.struct_time) -> date:
    return date(t.tm_year, t.tm_mon, t.tm_mday)


@settings(max_examples=150, deadline=None)
@given(st.one_of(single_dates(), closed_intervals()))
def test_bounds_agree_with_the_edtf_reference_package(text):
    """Invariant: our lower/upper equal edtf's lower_strict()/upper_strict() for closed dates."""
    import edtf

    ref = edtf.parse_edtf(text)
    d = parse_edtf(text)
    assert d.lower == _struct_to_date(ref.lower_strict())
    assert d.upper == _struct_to_date(ref.upper_strict())


@given(st.text())
def test_parse_never_raises_anything_but_invalid_date_on_arbitrary_text(text):
    """Invariant: arbitrary text yields an EdtfDate or an InvalidDate, never another error."""
    try:
        result = parse_edtf(text)
    except InvalidDate as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(result, EdtfDate)


@given(st.from_regex(r"\A[0-9./~?%-]{1,24}\Z"))
def test_parse_never_raises_anything_but_invalid_date_on_date_like_text(text):
    """Invariant: near-miss date strings also yield an EdtfDate or an InvalidDate only."""
    try:
        assert isinstance(parse_edtf(text), EdtfDate)
    except InvalidDate:
        pass

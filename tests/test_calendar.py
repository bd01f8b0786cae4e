"""The mainland working-day calendar (catalogue §9, CAL-001/CAL-002)."""

from __future__ import annotations

import pickle
import warnings
from datetime import date, datetime, timedelta
from functools import lru_cache

import attrs
import chinese_calendar  # type: ignore[import-untyped]
import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from permitflow import calendar
from permitflow.calendar import (
    DEFAULT_CALENDAR,
    WorkingDayCalendar,
    add_working_days,
    add_working_days_flagged,
    estimated_years,
    has_official_arrangement,
    is_working_day,
    is_working_day_flagged,
    working_days_between,
    working_days_between_flagged,
)
from permitflow.errors import CalendarEstimateWarning

# Dates whose answers within +-90 days rest only on official arrangements (2001 to 2026-12-24).
official_days = st.dates(date(2002, 1, 1), date(2026, 9, 1))
counts = st.integers(1, 60)


@lru_cache(maxsize=1)
def _holidays_oracle() -> holidays.HolidayBase:
    return holidays.country_holidays("CN", years=range(1998, 2031))


def _walk(day: date, n: int) -> date:
    """The trivially correct answer: step one day at a time."""
    cal = _holidays_oracle()
    step = 1 if n > 0 else -1
    left = abs(n)
    while left:
        day += timedelta(step)
        if cal.is_working_day(day):
            left -= 1
    return day


# --- facts pinned from the State Council notices (catalogue §9.1) -------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 9, 28), True),  # Sunday, make-up working day
        (date(2025, 10, 11), True),  # Saturday, make-up working day
        (date(2025, 10, 8), False),  # Wednesday, day off substituted from 10-11
        (date(2025, 10, 1), False),  # National Day
        (date(2025, 10, 9), True),
        (date(2025, 10, 12), False),  # ordinary Sunday
        (date(2026, 2, 28), True),  # Saturday, make-up working day
        (date(2026, 3, 1), False),
    ],
)
def test_working_days_follow_the_official_notice(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    "makeup",
    [
        "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
        "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
    ],
)  # fmt: skip
def test_weekend_make_up_days_of_2025_and_2026_are_working_days(makeup: str) -> None:
    day = date.fromisoformat(makeup)
    assert day.weekday() >= 5
    assert is_working_day(day)


def test_official_arrangement_detection_is_pinned_to_the_installed_data() -> None:
    # Flips when a holidays release with the 2027 notice is installed: update fixtures then.
    assert has_official_arrangement(2026) is True
    assert has_official_arrangement(2027) is False
    assert has_official_arrangement(2001) is True
    assert has_official_arrangement(2000) is False
    assert has_official_arrangement(1949) is False


def test_chinese_calendar_agrees_on_every_day_2004_to_2026_except_2005_12_31() -> None:
    disagreements = []
    day = date(2004, 1, 1)
    while day <= date(2026, 12, 24):
        working, estimated = is_working_day_flagged(day)
        assert not estimated
        if working != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += timedelta(1)
    # The last week of 2026 is estimated (the 2027 notice may move it); compare it silently.
    while day <= date(2026, 12, 31):
        working, estimated = is_working_day_flagged(day)
        assert estimated
        if working != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += timedelta(1)
    # holidays: Saturday 2005-12-31 worked for the 2006 New Year; chinese_calendar: day off.
    assert disagreements == [date(2005, 12, 31)]


# --- add_working_days ---------------------------------------------------------------------------


def test_twentieth_working_day_before_an_expiry_counts_a_make_up_sunday() -> None:
    # Catalogue §9.3 hand check: Oct 9, 10, 11 (Sat), 13-17, 20-24, 27-30, Sep 30, 29, 28 (Sun).
    assert add_working_days(date(2025, 10, 31), -20) == date(2025, 9, 28)
    assert add_working_days(date(2025, 10, 31), -19) == date(2025, 9, 29)
    assert add_working_days(date(2025, 10, 31), -21) == date(2025, 9, 26)


def test_the_start_day_is_not_counted_even_when_it_is_a_working_day() -> None:
    assert add_working_days(date(2025, 6, 30), 1) == date(2025, 7, 1)
    assert add_working_days(date(2025, 6, 30), -1) == date(2025, 6, 27)
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)  # across the golden week


def test_zero_working_days_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be 0"):
        add_working_days(date(2025, 6, 30), 0)


@pytest.mark.parametrize("day", [date(1949, 12, 31), date(2101, 1, 1)])
def test_dates_outside_the_supported_years_are_refused(day: date) -> None:
    with pytest.raises(ValueError, match="1950-2100"):
        add_working_days_flagged(day, 1)
    with pytest.raises(ValueError, match="1950-2100"):
        is_working_day_flagged(day)
    with pytest.raises(ValueError, match="1950-2100"):
        working_days_between_flagged(day, day + timedelta(1))


def test_results_beyond_the_supported_years_are_refused() -> None:
    with pytest.raises(ValueError, match="outside the supported years"):
        add_working_days_flagged(date(2100, 12, 20), 30)
    with pytest.raises(ValueError, match="outside the supported years"):
        add_working_days_flagged(date(1950, 1, 20), -30)


def test_long_jumps_build_enough_years() -> None:
    start = date(2010, 3, 15)
    far, _ = add_working_days_flagged(start, 5000)
    assert working_days_between_flagged(start + timedelta(1), far + timedelta(1)) == (5000, True)
    back, _ = add_working_days_flagged(far, -5000)
    assert back == start


@given(official_days, st.integers(-60, 60).filter(bool))
def test_add_working_days_matches_a_day_by_day_walk(day: date, n: int) -> None:
    result, estimated = add_working_days_flagged(day, n)
    assert result == _walk(day, n)
    assert not estimated


@given(official_days, counts)
def test_add_working_days_lands_on_working_days(day: date, n: int) -> None:
    for signed in (n, -n):
        result, _ = add_working_days_flagged(day, signed)
        assert is_working_day_flagged(result)[0]


@given(official_days, counts)
def test_add_working_days_is_strictly_monotonic_in_n(day: date, n: int) -> None:
    assert add_working_days_flagged(day, n)[0] < add_working_days_flagged(day, n + 1)[0]
    assert add_working_days_flagged(day, -n - 1)[0] < add_working_days_flagged(day, -n)[0]
    assert add_working_days_flagged(day, -1)[0] < day < add_working_days_flagged(day, 1)[0]


@given(official_days, counts)
def test_counting_back_n_working_days_spans_n_working_days(day: date, n: int) -> None:
    earlier, _ = add_working_days_flagged(day, -n)
    assert working_days_between_flagged(earlier, day)[0] == n
    # One day later and the span is one short: the boundary of "at least n working days".
    later = earlier + timedelta(1)
    assert working_days_between_flagged(later, day)[0] == n - 1


@given(official_days, counts)
def test_counting_forward_from_a_working_day_spans_n_working_days(day: date, n: int) -> None:
    start = day if is_working_day_flagged(day)[0] else add_working_days_flagged(day, 1)[0]
    assert working_days_between_flagged(start, add_working_days_flagged(start, n)[0])[0] == n


# --- working_days_between -----------------------------------------------------------------------


def test_working_days_between_counts_start_but_not_end() -> None:
    assert working_days_between(date(2025, 9, 28), date(2025, 10, 31)) == 20
    assert working_days_between(date(2025, 9, 29), date(2025, 10, 31)) == 19
    assert working_days_between(date(2025, 6, 30), date(2025, 6, 30)) == 0
    assert working_days_between(date(2025, 6, 30), date(2025, 7, 1)) == 1
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 9)) == 0


def test_working_days_between_is_negative_when_reversed() -> None:
    assert working_days_between(date(2025, 10, 31), date(2025, 9, 28)) == -20


@given(official_days, official_days, official_days)
def test_working_days_between_is_additive(a: date, b: date, c: date) -> None:
    ab = working_days_between_flagged(a, b)[0]
    bc = working_days_between_flagged(b, c)[0]
    assert ab + bc == working_days_between_flagged(a, c)[0]
    assert working_days_between_flagged(b, a)[0] == -ab


@given(official_days, st.integers(0, 90))
def test_working_days_between_matches_a_count(start: date, length: int) -> None:
    end = start + timedelta(length)
    cal = _holidays_oracle()
    expected = sum(cal.is_working_day(start + timedelta(i)) for i in range(length))
    assert working_days_between_flagged(start, end) == (expected, False)


# --- estimates (CAL-002) ------------------------------------------------------------------------


def test_an_answer_resting_on_an_unpublished_year_warns() -> None:
    with pytest.warns(CalendarEstimateWarning, match="2027") as caught:
        assert add_working_days(date(2027, 2, 28), -20) == date(2027, 1, 26)
    assert caught[0].filename == __file__
    with pytest.warns(CalendarEstimateWarning, match="2027"):
        is_working_day(date(2027, 3, 1))
    with pytest.warns(CalendarEstimateWarning, match="2027"):
        working_days_between(date(2026, 12, 1), date(2027, 1, 10))
    with pytest.warns(CalendarEstimateWarning, match="1999"):
        add_working_days(date(1999, 6, 1), 5)


def test_flagged_variants_flag_instead_of_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert add_working_days_flagged(date(2027, 2, 28), -20) == (date(2027, 1, 26), True)
        assert add_working_days_flagged(date(2026, 2, 28), -20) == (date(2026, 1, 26), False)
        assert is_working_day_flagged(date(2027, 3, 1)) == (True, True)
        assert working_days_between_flagged(date(2027, 3, 1), date(2027, 3, 1)) == (0, False)


def test_late_december_waits_for_the_next_years_notice() -> None:
    # The 2002 notice made Saturday 2001-12-29 a working day: the 2027 one may do the same.
    assert is_working_day_flagged(date(2026, 12, 24)) == (True, False)
    assert is_working_day_flagged(date(2026, 12, 25))[1] is True
    assert estimated_years(date(2026, 12, 1), date(2026, 12, 24)) == ()
    assert estimated_years(date(2026, 12, 1), date(2026, 12, 25)) == (2027,)
    # An expiry on 1 January counts back through late December only.
    assert add_working_days_flagged(date(2027, 1, 1), -20)[1] is True
    assert add_working_days_flagged(date(2026, 12, 25), -20)[1] is False


def test_only_counted_days_make_an_answer_estimated() -> None:
    # Counting back from 2027-01-01 never looks at 2027 itself, only at days before it.
    assert add_working_days_flagged(date(2026, 12, 25), -1)[1] is False  # counts 12-24
    assert add_working_days_flagged(date(2026, 12, 28), -1)[1] is True  # counts 12-25, 26, 27
    assert add_working_days_flagged(date(2026, 12, 24), 1)[1] is True  # counts 12-25
    assert working_days_between_flagged(date(2026, 12, 1), date(2026, 12, 25))[1] is False
    assert working_days_between_flagged(date(2026, 12, 1), date(2026, 12, 26))[1] is True


def test_estimated_years_lists_years_without_arrangement() -> None:
    assert estimated_years(date(2025, 1, 1), date(2026, 6, 1)) == ()
    assert estimated_years(date(2026, 6, 1), date(2028, 1, 1)) == (2027, 2028)
    assert estimated_years(date(2028, 1, 1), date(2026, 6, 1)) == (2027, 2028)
    assert estimated_years(date(1999, 5, 1), date(2001, 5, 1)) == (1999, 2000)


# --- overrides ----------------------------------------------------------------------------------


def test_overrides_take_precedence_over_the_data() -> None:
    cal = WorkingDayCalendar(
        extra_holidays=frozenset({date(2025, 6, 30)}), extra_workdays={date(2025, 6, 29)}
    )
    assert cal.is_working_day(date(2025, 6, 30)) is False
    assert cal.is_working_day(date(2025, 6, 29)) is True  # a Sunday
    assert cal.add_working_days(date(2025, 7, 1), -1) == date(2025, 6, 29)
    assert cal.working_days_between(date(2025, 6, 27), date(2025, 7, 1)) == 2
    # The default calendar is untouched.
    assert is_working_day(date(2025, 6, 30)) is True


def test_override_datetimes_count_as_their_day() -> None:
    cal = WorkingDayCalendar(extra_holidays={datetime(2025, 6, 30, 9, 0)})
    assert cal.extra_holidays == frozenset({date(2025, 6, 30)})
    assert cal.is_working_day(date(2025, 6, 30)) is False


def test_declared_official_years_stop_the_estimate_warning() -> None:
    # A hypothetical 2027 notice entered by hand before holidays ships it. Counting back from
    # Sunday 02-28: 22-26, Saturday 20, 15-19, (05-12 off), 01-04, 25-29 January.
    cal = WorkingDayCalendar(
        extra_holidays={date(2027, 2, 11), date(2027, 2, 12)},
        extra_workdays={date(2027, 2, 20)},
        extra_official_years={2027},
    )
    assert cal.has_official_arrangement(2027)
    assert cal.add_working_days_flagged(date(2027, 2, 28), -20) == (date(2027, 1, 25), False)
    assert cal.is_working_day(date(2027, 2, 20)) is True


def test_contradictory_overrides_are_refused() -> None:
    with pytest.raises(ValueError, match="2025-06-30"):
        WorkingDayCalendar(extra_holidays={date(2025, 6, 30)}, extra_workdays={date(2025, 6, 30)})
    with pytest.raises(ValueError, match="1950-2100"):
        WorkingDayCalendar(extra_holidays={date(2200, 1, 1)})


def test_calendars_are_immutable_values() -> None:
    a = WorkingDayCalendar(extra_holidays={date(2025, 6, 30)})
    b = WorkingDayCalendar(extra_holidays={date(2025, 6, 30)})
    assert a == b
    assert hash(a) == hash(b)
    assert a != DEFAULT_CALENDAR
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.extra_holidays = frozenset()  # type: ignore[misc]
    a.is_working_day(date(2025, 6, 30))  # builds tables; equality must not depend on them
    assert a == b


def test_a_calendar_survives_pickling() -> None:
    cal = WorkingDayCalendar(extra_holidays={date(2025, 6, 30)})
    cal.is_working_day(date(2025, 6, 30))
    copy = pickle.loads(pickle.dumps(cal))
    assert copy == cal
    assert copy.is_working_day(date(2025, 6, 30)) is False


def test_module_functions_use_the_default_calendar() -> None:
    day = date(2025, 10, 31)
    assert calendar.add_working_days(day, -20) == DEFAULT_CALENDAR.add_working_days(day, -20)
    assert calendar.working_days_between(date(2025, 1, 1), day) == (
        DEFAULT_CALENDAR.working_days_between(date(2025, 1, 1), day)
    )


def test_the_calendar_data_is_the_holidays_data_day_for_day() -> None:
    years = range(calendar.FIRST_SUPPORTED_YEAR, calendar.LAST_SUPPORTED_YEAR + 1)
    reference = holidays.country_holidays("CN", years=years)
    built = calendar._china(years)
    assert set(built) == set(reference)  # the names are not read (nor translated)
    assert built.weekend_workdays == reference.weekend_workdays


_SANDBOXED = """
import gettext, locale, platform
from datetime import date

# The dependencies import as they do (attrs asks platform which Python it runs on).
import attrs, cattrs, dateutil.relativedelta, holidays, transitions

def forbidden(*args, **kwargs):
    raise RuntimeError("forbidden call")

gettext.translation = gettext.find = locale.normalize = locale.setlocale = forbidden
platform.system = platform.uname = platform.python_implementation = forbidden

import permitflow
from permitflow import calendar

# A cache miss far from the years already built, then the module-level helpers.
fresh = calendar.WorkingDayCalendar()
print(fresh.add_working_days_flagged(date(2090, 6, 1), 5)[0])
print(calendar.add_working_days(date(2026, 9, 25), 3))
"""


def test_the_calendar_is_built_without_gettext_locale_or_platform() -> None:
    # What Temporal's workflow sandbox forbids: importing permitflow and using the calendar
    # calls none of it (a fresh interpreter, so that nothing was built before).
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _SANDBOXED], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    expected = [
        calendar.WorkingDayCalendar().add_working_days_flagged(date(2090, 6, 1), 5)[0],
        calendar.add_working_days(date(2026, 9, 25), 3),
    ]
    assert done.stdout.split() == [day.isoformat() for day in expected]


def test_the_supported_years_are_the_years_holidays_models() -> None:
    assert (holidays.China.start_year, holidays.China.end_year) == (
        calendar.FIRST_SUPPORTED_YEAR,
        calendar.LAST_SUPPORTED_YEAR,
    )


def test_an_engine_starts_without_loading_the_holidays_data() -> None:
    # holidays loads every country it knows; a process that counts no working day never pays it.
    import subprocess
    import sys

    program = (
        "import sys, permitflow; permitflow.Engine(); "
        "print(sorted(m for m in ('holidays', 'importlib.metadata') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

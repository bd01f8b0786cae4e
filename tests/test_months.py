"""Calendar-month arithmetic: the same answers as dateutil.relativedelta."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from permitflow.months import add_months, month_index, month_start, month_text

DAYS = st.dates(date(1950, 1, 1), date(2100, 12, 31))


@given(DAYS, st.integers(-240, 240))
def test_add_months_agrees_with_relativedelta(day: date, months: int) -> None:
    assert add_months(day, months) == day + relativedelta(months=months)


@given(DAYS, st.integers(0, 240))
def test_month_start_is_the_first_of_that_month(day: date, back: int) -> None:
    assert month_start(day, back) == day.replace(day=1) - relativedelta(months=back)


def test_month_end_is_clamped_and_leap_days_kept() -> None:
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_consecutive_months_are_consecutive_indices() -> None:
    assert month_index(date(2026, 1, 5)) - month_index(date(2025, 12, 31)) == 1
    assert month_text(month_index(date(2026, 3, 16))) == "2026-03"

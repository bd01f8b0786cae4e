"""Calendar-month arithmetic on dates, without a day-by-day walk or a library call.

Months are counted as consecutive integers (``month_index``), so windows of months are ranges
and "n months later" is an addition. Adding months keeps the day of the month and clamps it to
the last day of a shorter month — the same answer as ``dateutil.relativedelta(months=n)``
(2025-11-30 + 3 months = 2026-02-28), at a fraction of its cost, for the loops that compute it
for every holder (retirement dates, insurance and income windows).
"""

from __future__ import annotations

from calendar import isleap
from datetime import date

_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def month_index(day: date) -> int:
    """Months since year 0: consecutive calendar months are consecutive integers."""
    return day.year * 12 + day.month - 1


def month_text(index: int) -> str:
    """``YYYY-MM`` of a month index."""
    year, month0 = divmod(index, 12)
    return f"{year:04d}-{month0 + 1:02d}"


def days_in_month(year: int, month: int) -> int:
    return 29 if month == 2 and isleap(year) else _MONTH_DAYS[month - 1]


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (negative: earlier), clamped to the month end."""
    year, month0 = divmod(month_index(day) + months, 12)
    last = days_in_month(year, month0 + 1)
    return date(year, month0 + 1, day.day if day.day <= last else last)


def month_start(day: date, months_back: int = 0) -> date:
    """The first day of the month ``months_back`` calendar months before the month of ``day``."""
    year, month0 = divmod(month_index(day) - months_back, 12)
    return date(year, month0 + 1, 1)

"""Statutory retirement age under the 2024 reform (catalogue §8, source R1).

A holder who has reached the statutory retirement age must cancel the permit: "申请人已取得北京市
户口、工作单位转至外省市或已到达法定退休年龄的，应即时注销北京市工作居住证" (M§7).

The schedule is that of the Decision of the Standing Committee of the National People's Congress
on Implementing the Gradual Raising of the Statutory Retirement Age (全国人民代表大会常务委员会
关于实施渐进式延迟法定退休年龄的决定, 2024-09-13, in force 2025-01-01) and of Article 1 of the
State Council measures annexed to it (国务院关于渐进式延迟法定退休年龄的办法):

    从2025年1月1日起，男职工和原法定退休年龄为五十五周岁的女职工，法定退休年龄每四个月延迟一个月，
    分别逐步延迟至六十三周岁和五十八周岁；原法定退休年龄为五十周岁的女职工，法定退休年龄每二个月
    延迟一个月，逐步延迟至五十五周岁。国家另有规定的，从其规定。

(From 1 January 2025 the statutory age of men and of women formerly retiring at 55 is delayed by
one month every four months, to 63 and 58; that of women formerly retiring at 50 by one month every
two months, to 55. Where the state provides otherwise — special posts and the like — that applies
and is out of scope here.)

The official tables are month-granular ("改革后退休时间 YYYY年MM月"): ``retirement_month`` is the
primary answer. ``retirement_date`` is a permitflow convention (catalogue §8.1, I): the same day
of the month as the birth date, clamped to the end of the month (1965-08-31, male →
2025-10-31). For CAN-003 this is the *statutory* age, not a flexible early or late retirement
chosen by the person (catalogue §8.4); the category (female cadre vs worker post) is declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType

from attrs import frozen

from permitflow.errors import Expected, InvalidIdentifier, InvalidInput
from permitflow.identifiers import Sex, parse_resident_id
from permitflow.months import add_months, month_index

__all__ = [
    "SCHEDULE",
    "Retirement",
    "RetirementCategory",
    "RetirementSchedule",
    "has_reached_retirement",
    "retirement_of",
    "statutory_retirement",
]


class RetirementCategory(StrEnum):
    """The retirement categories of the 2025 reform: men, women formerly retiring at 55 (cadres) and
    at 50 (workers)."""

    MALE = "male"
    """男职工: formerly 60, rising to 63."""
    FEMALE_CADRE = "female_cadre"
    """原法定退休年龄为五十五周岁的女职工 (cadre / management posts): 55, rising to 58."""
    FEMALE_WORKER = "female_worker"
    """原法定退休年龄为五十周岁的女职工 (worker posts): 50, rising to 55."""


@frozen
class RetirementSchedule:
    """One row of the reform: who, from which birth month, how fast, how far."""

    category: RetirementCategory
    """The category the schedule is for."""
    base_age_years: int
    """The statutory age before the reform (60 / 55 / 50)."""
    first_cohort: tuple[int, int]
    """(year, month) of the first birth month whose age is delayed."""
    step_months: int
    """Birth months per month of delay (每四个月 / 每二个月)."""
    max_delay_months: int
    """Delay at which the schedule stops (to 63 / 58 / 55)."""


_SCHEDULE: dict[str, RetirementSchedule] = {
    row.category: row
    for row in (
        RetirementSchedule(RetirementCategory.MALE, 60, (1965, 1), 4, 36),
        RetirementSchedule(RetirementCategory.FEMALE_CADRE, 55, (1970, 1), 4, 36),
        RetirementSchedule(RetirementCategory.FEMALE_WORKER, 50, (1975, 1), 2, 60),
    )
}
SCHEDULE: Mapping[str, RetirementSchedule] = MappingProxyType(_SCHEDULE)
"""The reform table (catalogue §8.1), keyed by category. The first delayed cohort is the one that
would have retired in January 2025 at the old age; one month of delay moves it to February 2025."""


@frozen
class Retirement:
    """The statutory retirement of one person."""

    birth_date: date
    """The birth date."""
    category: RetirementCategory
    """The retirement category."""
    age_months: int
    """Statutory age in months (e.g. 723 = 60 years 3 months)."""
    delay_months: int
    """Months added by the reform to the old statutory age (0 … 36, or 0 … 60)."""
    retirement_month: tuple[int, int]
    """(year, month) in which the person retires — what the official tables list."""
    retirement_date: date
    """Day-level convention: the birth day of the month in ``retirement_month``, clamped."""

    @property
    def age_years(self) -> int:
        """The whole years of the statutory age, e.g. 60."""
        return self.age_months // 12

    @property
    def age_extra_months(self) -> int:
        """The months beyond them, e.g. 3 for 60 years and 3 months."""
        return self.age_months % 12

    @property
    def age_zh(self) -> str:
        """E.g. "60岁3个月" or "63岁"."""
        years, months = divmod(self.age_months, 12)
        return f"{years}岁{months}个月" if months else f"{years}岁"

    @property
    def age_en(self) -> str:
        """E.g. "60 years 3 months", "60 years 1 month" or "63 years"."""
        years, months = divmod(self.age_months, 12)
        if not months:
            return f"{years} years"
        return f"{years} years {months} month{'s' if months > 1 else ''}"


def _schedule(category: RetirementCategory | str) -> RetirementSchedule:
    # A StrEnum member hashes and compares like its value, so one lookup serves both types.
    try:
        row = _SCHEDULE.get(category)
    except TypeError:  # unhashable input
        row = None
    if row is None:
        raise InvalidInput(
            "one_of", field="category", value=str(category),
            expected=Expected("one_of", tuple(RetirementCategory), RetirementCategory),
        )  # fmt: skip
    return row


def statutory_retirement(birth_date: date, category: RetirementCategory | str) -> Retirement:
    """The statutory retirement age, month and date of a person born on ``birth_date``.

    ``category`` is a [`RetirementCategory`][permitflow.retirement.RetirementCategory] or its value;
    an unknown value raises
    [`InvalidInput`][permitflow.errors.InvalidInput] with ``field="category"``.

    Algorithm (catalogue §8.1): ``m`` = birth months since the first cohort; no delay before it,
    otherwise ``min(max_delay, m // step + 1)`` months.
    """
    row = _schedule(category)
    first_year, first_month = row.first_cohort
    since_first = month_index(birth_date) - (first_year * 12 + first_month - 1)
    delay = 0 if since_first < 0 else min(row.max_delay_months, since_first // row.step_months + 1)
    age_months = row.base_age_years * 12 + delay
    retires = add_months(birth_date, age_months)
    return Retirement(
        birth_date,
        row.category,
        age_months,
        delay,
        (retires.year, retires.month),
        retires,
    )


def has_reached_retirement(birth_date: date, category: RetirementCategory | str, on: date) -> bool:
    """Whether on ``on`` the person has reached the statutory retirement date (``on >=`` it)."""
    if isinstance(on, datetime):
        on = on.date()
    return on >= statutory_retirement(birth_date, category).retirement_date


def category_for(sex: Sex, declared: str | None) -> RetirementCategory | None:
    """The category a person retires under: a man's follows from his identity number (and a
    contrary declaration is not believed); a woman's is what she declared, cadre or worker,
    since the post decides it. None when it cannot be told."""
    if sex is Sex.MALE:
        return RetirementCategory.MALE if declared in (None, RetirementCategory.MALE) else None
    if declared in (RetirementCategory.FEMALE_CADRE, RetirementCategory.FEMALE_WORKER):
        return RetirementCategory(declared)
    return None


@lru_cache(maxsize=4096)
def retirement_of(resident_id: str, declared: str | None) -> Retirement | None:
    """The statutory retirement of the person with ``resident_id`` (birth date and sex) and the
    declared category (see [`category_for`][permitflow.retirement.category_for]). None when the
    number is not a valid resident
    id (ID-001 says why) or the category cannot be told (a woman who declared none)."""
    try:
        person = parse_resident_id(resident_id, today=date.max)
    except InvalidIdentifier:
        return None
    category = category_for(person.sex, declared)
    return None if category is None else statutory_retirement(person.birth_date, category)

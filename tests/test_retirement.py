"""Statutory retirement age from 2025 (catalogue §8)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from permitflow.errors import InvalidInput
from permitflow.retirement import (
    SCHEDULE,
    Retirement,
    RetirementCategory,
    has_reached_retirement,
    statutory_retirement,
)

M = RetirementCategory.MALE
FC = RetirementCategory.FEMALE_CADRE
FW = RetirementCategory.FEMALE_WORKER


def _ym(text: str) -> tuple[int, int]:
    year, month = text.split("-")
    return int(year), int(month)


# Catalogue §8.3: every worked example (R2/R3 published, F from the formula).
WORKED_EXAMPLES = [
    ("1963-12", M, "2023-12", "60岁", 0),
    ("1964-02", M, "2024-02", "60岁", 0),
    ("1965-01", M, "2025-02", "60岁1个月", 1),
    ("1965-05", M, "2025-07", "60岁2个月", 2),
    ("1965-12", M, "2026-03", "60岁3个月", 3),
    ("1976-08", M, "2039-07", "62岁11个月", 35),
    ("1976-09", M, "2039-09", "63岁", 36),
    ("1995-12", M, "2058-12", "63岁", 36),
    ("2000-12", M, "2063-12", "63岁", 36),
    ("1963-04", FC, "2018-04", "55岁", 0),
    ("1970-01", FC, "2025-02", "55岁1个月", 1),
    ("1971-04", FC, "2026-08", "55岁4个月", 4),
    ("1981-09", FC, "2039-09", "58岁", 36),
    ("2000-12", FC, "2058-12", "58岁", 36),
    ("1974-12", FW, "2024-12", "50岁", 0),
    ("1975-01", FW, "2025-02", "50岁1个月", 1),
    ("1975-03", FW, "2025-05", "50岁2个月", 2),
    ("1984-10", FW, "2039-09", "54岁11个月", 59),
    ("1984-11", FW, "2039-11", "55岁", 60),
    ("1995-12", FW, "2050-12", "55岁", 60),
]


@pytest.mark.parametrize(("birth", "category", "month", "age", "delay"), WORKED_EXAMPLES)
def test_worked_examples_of_the_catalogue(
    birth: str, category: RetirementCategory, month: str, age: str, delay: int
) -> None:
    year, mon = _ym(birth)
    result = statutory_retirement(date(year, mon, 15), category)
    assert result.retirement_month == _ym(month)
    assert result.age_zh == age
    assert result.delay_months == delay
    assert result.retirement_date == date(*_ym(month), 15)
    assert result.category is category


# Catalogue §8.2: each row's first and last birth month, plus the month on the other side.
BOUNDARIES = [
    # (birth month, category, delay, retirement month)
    ("1964-12", M, 0, "2024-12"),
    ("1965-01", M, 1, "2025-02"),
    ("1965-04", M, 1, "2025-05"),
    ("1965-05", M, 2, "2025-07"),
    ("1965-08", M, 2, "2025-10"),
    ("1965-09", M, 3, "2025-12"),
    ("1976-04", M, 34, "2039-02"),
    ("1976-05", M, 35, "2039-04"),
    ("1976-08", M, 35, "2039-07"),
    ("1976-09", M, 36, "2039-09"),
    ("1976-10", M, 36, "2039-10"),
    ("1969-12", FC, 0, "2024-12"),
    ("1970-01", FC, 1, "2025-02"),
    ("1970-04", FC, 1, "2025-05"),
    ("1970-05", FC, 2, "2025-07"),
    ("1981-08", FC, 35, "2039-07"),
    ("1981-09", FC, 36, "2039-09"),
    ("1974-12", FW, 0, "2024-12"),
    ("1975-01", FW, 1, "2025-02"),
    ("1975-02", FW, 1, "2025-03"),
    ("1975-03", FW, 2, "2025-05"),
    ("1975-04", FW, 2, "2025-06"),
    ("1984-08", FW, 58, "2039-06"),
    ("1984-09", FW, 59, "2039-08"),
    ("1984-10", FW, 59, "2039-09"),
    ("1984-11", FW, 60, "2039-11"),
    ("1984-12", FW, 60, "2039-12"),
]


@pytest.mark.parametrize(("birth", "category", "delay", "month"), BOUNDARIES)
def test_schedule_boundaries(
    birth: str, category: RetirementCategory, delay: int, month: str
) -> None:
    result = statutory_retirement(date(*_ym(birth), 1), category)
    assert result.delay_months == delay
    assert result.retirement_month == _ym(month)


def test_day_is_the_birth_day_clamped_to_the_month_end() -> None:
    assert statutory_retirement(date(1965, 8, 31), M).retirement_date == date(2025, 10, 31)
    # 55 years 1 month after 1970-01-31 is February 2025.
    assert statutory_retirement(date(1970, 1, 31), FC).retirement_date == date(2025, 2, 28)
    # 60 years 8 months after 1967-06-30 is February of the leap year 2028.
    assert statutory_retirement(date(1967, 6, 30), M).retirement_date == date(2028, 2, 29)
    # Born 29 February, retiring in a non-leap February.
    assert statutory_retirement(date(1964, 2, 29), M).retirement_date == date(2024, 2, 29)
    assert statutory_retirement(date(1963, 2, 28), FC).retirement_date == date(2018, 2, 28)


def test_reached_on_the_retirement_date_not_the_day_before() -> None:
    birth = date(1965, 8, 31)  # retires 2025-10-31
    assert not has_reached_retirement(birth, M, date(2025, 10, 30))
    assert has_reached_retirement(birth, M, date(2025, 10, 31))
    assert has_reached_retirement(birth, "male", datetime(2025, 10, 31, 8, 0))
    # Under the old rule this man would have retired in August 2025.
    assert not has_reached_retirement(birth, M, date(2025, 9, 1))


def test_category_as_text_is_accepted() -> None:
    assert statutory_retirement(date(1970, 1, 15), "female_cadre") == statutory_retirement(
        date(1970, 1, 15), FC
    )
    assert statutory_retirement(date(1970, 1, 15), "female_cadre").category is FC


@pytest.mark.parametrize("category", ["female", "MALE", "", "cadre"])
def test_unknown_category_names_the_field(category: str) -> None:
    with pytest.raises(InvalidInput) as info:
        statutory_retirement(date(1970, 1, 15), category)
    error = info.value
    assert error.context["field"] == "category"
    assert error.context["value"] == category
    assert "female_worker" in error.message_en
    assert "female_worker" in error.message_zh
    assert error.to_dict()["code"] == "invalid_input"


def test_unhashable_category_is_refused_like_an_unknown_one() -> None:
    with pytest.raises(InvalidInput):
        statutory_retirement(date(1970, 1, 15), ["male"])  # type: ignore[arg-type]


def test_readable_age() -> None:
    result = statutory_retirement(date(1965, 12, 1), M)
    assert (result.age_years, result.age_extra_months) == (60, 3)
    assert result.age_months == 723
    assert result.age_zh == "60岁3个月"
    assert result.age_en == "60 years 3 months"
    assert statutory_retirement(date(1965, 1, 1), M).age_en == "60 years 1 month"
    assert statutory_retirement(date(1990, 1, 1), M).age_en == "63 years"


def test_schedule_table_is_read_only() -> None:
    assert SCHEDULE["male"].base_age_years == 60
    with pytest.raises(TypeError):
        SCHEDULE["male"] = SCHEDULE["female_cadre"]  # type: ignore[index]


births = st.dates(date(1940, 1, 1), date(2010, 12, 31))
categories = st.sampled_from(list(RetirementCategory))


@given(births, categories)
def test_retirement_date_is_birth_plus_age_in_calendar_months(
    birth: date, category: RetirementCategory
) -> None:
    result = statutory_retirement(birth, category)
    row = SCHEDULE[category]
    assert 0 <= result.delay_months <= row.max_delay_months
    assert result.age_months == row.base_age_years * 12 + result.delay_months
    # relativedelta clamps to the month end too: an independent oracle of the day convention.
    assert result.retirement_date == birth + relativedelta(months=result.age_months)
    assert (result.retirement_date.year, result.retirement_date.month) == result.retirement_month


@given(births, births, categories)
def test_later_births_never_retire_earlier(a: date, b: date, category: RetirementCategory) -> None:
    first, second = sorted((a, b))
    r1 = statutory_retirement(first, category)
    r2 = statutory_retirement(second, category)
    assert r1.retirement_date <= r2.retirement_date
    assert r1.age_months <= r2.age_months


@given(births, categories)
def test_has_reached_retirement_flips_exactly_on_the_date(
    birth: date, category: RetirementCategory
) -> None:
    result: Retirement = statutory_retirement(birth, category)
    day = result.retirement_date
    assert has_reached_retirement(birth, category, day)
    assert not has_reached_retirement(birth, category, day - relativedelta(days=1))


def test_the_category_follows_the_sex_and_a_womans_declaration() -> None:
    from permitflow.identifiers import Sex
    from permitflow.retirement import category_for

    assert category_for(Sex.MALE, None) is RetirementCategory.MALE
    assert category_for(Sex.MALE, "male") is RetirementCategory.MALE
    assert category_for(Sex.MALE, "female_cadre") is None
    assert category_for(Sex.FEMALE, "female_worker") is RetirementCategory.FEMALE_WORKER
    assert category_for(Sex.FEMALE, None) is None
    assert category_for(Sex.FEMALE, "male") is None

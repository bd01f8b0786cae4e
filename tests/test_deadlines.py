"""Deadlines and date windows (CAL-001, DOC-001, DOC-002, ID-002)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from permitflow.calendar import (
    WorkingDayCalendar,
    add_working_days,
    add_working_days_flagged,
    is_working_day,
)
from permitflow.deadlines import (
    Deadline,
    DeadlineKind,
    age_in_years,
    dated_recently,
    earliest_issue_date,
    eighteenth_birthday,
    is_minor,
    is_submission_on_time,
    latest_renewal_submission,
    review_due,
    validity_sufficient,
    validity_threshold,
)
from permitflow.errors import CalendarEstimateWarning

# --- latest renewal submission (M§3 注意事项 3, catalogue §9.3) --------------------------------


@pytest.mark.parametrize(
    ("expiry", "latest", "safe"),
    [
        ("2025-10-31", "2025-09-28", "2025-09-26"),  # latest is a make-up Sunday
        ("2026-02-28", "2026-01-26", "2026-01-23"),  # expiry is a make-up Saturday
        # A Sunday, off: the review must end on Saturday 2026-02-28 (a make-up day), one
        # working day earlier than the plain count of §9.3 (2026-01-27, review due 2026-03-02).
        ("2026-03-01", "2026-01-26", "2026-01-23"),
        ("2026-01-20", "2025-12-22", "2025-12-19"),
        ("2025-06-30", "2025-05-30", "2025-05-29"),
        ("2026-10-08", "2026-09-03", "2026-09-02"),
    ],
)
def test_latest_submission_matches_catalogue_table(expiry: str, latest: str, safe: str) -> None:
    deadline = latest_renewal_submission(date.fromisoformat(expiry))
    assert deadline.date == date.fromisoformat(latest)
    assert deadline.estimated is False
    assert deadline.estimated_years == ()
    assert deadline.kind is DeadlineKind.LATEST_SUBMISSION
    assert deadline.reference == date.fromisoformat(expiry)
    assert deadline.working_days == 20
    # The "safe" column of §9.3 is the 21st working day.
    safe_deadline = latest_renewal_submission(date.fromisoformat(expiry), working_days=21)
    assert safe_deadline.date == date.fromisoformat(safe)


@pytest.mark.parametrize(
    ("expiry", "latest", "safe"),
    # Both Sundays: one working day earlier than the plain count of §9.3, so that the review
    # ends on the Friday before expiry.
    [("2027-02-28", "2027-01-25", "2027-01-22"), ("2027-10-31", "2027-09-28", "2027-09-27")],
)
def test_latest_submission_in_an_unpublished_year_is_estimated_and_warns(
    expiry: str, latest: str, safe: str
) -> None:
    with pytest.warns(CalendarEstimateWarning, match="2027") as caught:
        deadline = latest_renewal_submission(date.fromisoformat(expiry))
    assert caught[0].filename == __file__
    assert deadline.date == date.fromisoformat(latest)
    assert deadline.estimated is True
    assert deadline.estimated_years == (2027,)
    assert "2027" in deadline.basis_zh
    assert "推定" in deadline.basis_zh
    assert "Estimated" in deadline.basis_en
    with pytest.warns(CalendarEstimateWarning):
        assert latest_renewal_submission(
            date.fromisoformat(expiry), working_days=21
        ).date == date.fromisoformat(safe)


def test_deadline_basis_says_what_a_portal_shows() -> None:
    deadline = latest_renewal_submission(date(2025, 10, 31))
    assert deadline.on_weekend is True
    assert deadline.basis_zh == (
        "证件有效期至2025-10-31（周五），须至少提前20个工作日（规定审核周期）提交，"
        "审核期（提交当天不计）须在到期日或之前结束，最晚提交日为2025-09-28（周日，调休上班日）。"
    )
    assert deadline.basis_en == (
        "Latest submission 2025-09-28 (Sunday, official make-up working day): the 20 working "
        "days of the prescribed review period after it (the submission day not counted) end on "
        "or before expiry 2025-10-31 (Friday)."
    )
    assert deadline.basis("en") == deadline.basis_en
    assert deadline.basis() == deadline.basis_zh
    ordinary = latest_renewal_submission(date(2025, 6, 30))
    assert ordinary.on_weekend is False
    assert "调休" not in ordinary.basis_zh


def test_deadlines_are_frozen_values() -> None:
    deadline = latest_renewal_submission(date(2025, 10, 31))
    assert deadline == Deadline(
        date(2025, 9, 28), DeadlineKind.LATEST_SUBMISSION, date(2025, 10, 31), 20, False
    )
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        deadline.date = date(2025, 9, 29)  # type: ignore[misc]


def test_the_rule_set_passes_its_own_period_and_calendar() -> None:
    assert latest_renewal_submission(date(2025, 10, 31), working_days=10).date == date(2025, 10, 17)
    cal = WorkingDayCalendar(extra_holidays={date(2025, 9, 28)})
    assert latest_renewal_submission(date(2025, 10, 31), calendar=cal).date == date(2025, 9, 26)


@pytest.mark.parametrize("working_days", [0, -20])
def test_a_non_positive_period_is_refused(working_days: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        latest_renewal_submission(date(2025, 10, 31), working_days=working_days)
    with pytest.raises(ValueError, match="positive"):
        review_due(date(2025, 10, 31), working_days=working_days)
    with pytest.raises(ValueError, match="positive"):
        is_submission_on_time(date(2025, 9, 1), date(2025, 10, 31), working_days=working_days)


# --- on time ------------------------------------------------------------------------------------


def test_submission_on_the_latest_day_is_on_time_and_the_next_working_day_is_not() -> None:
    expiry = date(2025, 10, 31)
    assert is_submission_on_time(date(2025, 9, 28), expiry)  # exactly 20 working days
    assert not is_submission_on_time(date(2025, 9, 29), expiry)  # 19
    assert is_submission_on_time(date(2025, 9, 27), expiry)  # a Saturday before: still 20
    assert is_submission_on_time(date(2025, 9, 26), expiry)  # 21
    assert not is_submission_on_time(expiry, expiry)
    assert not is_submission_on_time(date(2025, 11, 3), expiry)  # after expiry


def test_on_time_accepts_datetimes() -> None:
    assert is_submission_on_time(datetime(2025, 9, 28, 23, 59), datetime(2025, 10, 31, 0, 0))


def test_on_time_in_an_unpublished_year_warns() -> None:
    with pytest.warns(CalendarEstimateWarning, match="2027"):
        assert is_submission_on_time(date(2027, 1, 25), date(2027, 2, 28))


def test_an_expiry_on_a_non_working_day_still_leaves_the_whole_review() -> None:
    # Sunday 2025-10-05, in the National Day holiday (1-8 October): counting 20 working days
    # back gives 2025-09-04, whose review would be due on 2025-10-09, after expiry.
    expiry = date(2025, 10, 5)
    deadline = latest_renewal_submission(expiry)
    assert deadline.date == date(2025, 9, 3)
    assert review_due(deadline.date).date == date(2025, 9, 30)
    assert is_submission_on_time(date(2025, 9, 3), expiry)
    assert not is_submission_on_time(date(2025, 9, 4), expiry)
    assert review_due(date(2025, 9, 4)).date > expiry


@given(st.dates(date(2002, 1, 1), date(2026, 10, 31)), st.integers(1, 40))
def test_the_review_of_the_latest_submission_ends_by_expiry(expiry: date, n: int) -> None:
    latest = latest_renewal_submission(expiry, working_days=n).date
    assert review_due(latest, working_days=n).date <= expiry
    next_working_day = add_working_days(latest, 1)
    assert review_due(next_working_day, working_days=n).date > expiry


@given(st.dates(date(2002, 1, 1), date(2026, 10, 31)), st.integers(1, 40))
def test_on_time_agrees_with_the_latest_submission_date(expiry: date, n: int) -> None:
    latest = latest_renewal_submission(expiry, working_days=n).date
    assert is_submission_on_time(latest, expiry, working_days=n)
    assert is_submission_on_time(latest - timedelta(1), expiry, working_days=n)
    assert not is_submission_on_time(latest + timedelta(1), expiry, working_days=n)
    assert is_working_day(latest)


# --- review due ---------------------------------------------------------------------------------


def test_review_is_due_twenty_working_days_after_submission_day() -> None:
    # Submitted 09-30: Oct 9, 10, 11 (Sat), 13-17, 20-24, 27-31, Nov 3, Nov 4.
    due = review_due(date(2025, 9, 30))
    assert due.date == date(2025, 11, 4)
    assert due.kind is DeadlineKind.REVIEW_DUE
    assert due.reference == date(2025, 9, 30)
    assert "2025-11-04" in due.basis_zh
    assert "submission day not counted" in due.basis_en


def test_review_due_ignores_the_time_of_day() -> None:
    assert review_due(datetime(2025, 9, 30, 23, 59)) == review_due(date(2025, 9, 30))
    assert review_due(datetime(2025, 9, 30, 0, 1)).reference == date(2025, 9, 30)


def test_review_due_counts_from_a_non_working_submission_day() -> None:
    # Submitted on National Day: the 1st working day after is Oct 9.
    assert review_due(date(2025, 10, 1), working_days=1).date == date(2025, 10, 9)


def test_review_due_reaching_an_unpublished_year_warns() -> None:
    with pytest.warns(CalendarEstimateWarning, match="2027"):
        due = review_due(date(2026, 12, 10))
    assert due.estimated
    assert due.date == add_working_days_flagged(date(2026, 12, 10), 20)[0]


# --- DOC-001: validity of at least 3 months -----------------------------------------------------


def test_validity_threshold_clamps_to_month_end() -> None:
    assert validity_threshold(date(2025, 11, 30)) == date(2026, 2, 28)
    assert validity_threshold(date(2023, 11, 30)) == date(2024, 2, 29)
    assert validity_threshold(date(2025, 6, 15)) == date(2025, 9, 15)
    assert validity_threshold(date(2025, 6, 15), months=6) == date(2025, 12, 15)


@pytest.mark.parametrize(
    ("submission", "valid_until", "ok"),
    [
        ("2025-11-30", "2026-02-28", True),  # exactly three months
        ("2025-11-30", "2026-02-27", False),  # one day less
        ("2025-11-30", "2026-03-01", True),
        ("2025-06-15", "2025-09-15", True),
        ("2025-06-15", "2025-09-14", False),
        ("2025-06-15", "2025-06-14", False),  # already expired
    ],
)
def test_validity_sufficient_on_both_sides_of_the_boundary(
    submission: str, valid_until: str, ok: bool
) -> None:
    assert (
        validity_sufficient(date.fromisoformat(valid_until), date.fromisoformat(submission)) is ok
    )


def test_validity_accepts_datetimes() -> None:
    assert validity_sufficient(date(2026, 2, 28), datetime(2025, 11, 30, 18, 0))


# --- DOC-002: dated within 1 month --------------------------------------------------------------


def test_earliest_issue_date_clamps_to_month_end() -> None:
    assert earliest_issue_date(date(2025, 3, 31)) == date(2025, 2, 28)
    assert earliest_issue_date(date(2024, 3, 31)) == date(2024, 2, 29)
    assert earliest_issue_date(date(2025, 7, 15)) == date(2025, 6, 15)
    assert earliest_issue_date(date(2025, 7, 15), months=2) == date(2025, 5, 15)


@pytest.mark.parametrize(
    ("issued", "submission", "ok"),
    [
        ("2025-06-15", "2025-07-15", True),  # exactly one month before
        ("2025-06-14", "2025-07-15", False),  # a day more
        ("2025-02-28", "2025-03-31", True),
        ("2025-02-27", "2025-03-31", False),
        ("2025-07-15", "2025-07-15", True),  # issued on the submission day
        ("2025-07-16", "2025-07-15", False),  # dated after the submission
    ],
)
def test_dated_recently_on_both_sides_of_the_boundary(
    issued: str, submission: str, ok: bool
) -> None:
    assert dated_recently(date.fromisoformat(issued), date.fromisoformat(submission)) is ok


def test_dated_recently_accepts_datetimes() -> None:
    assert dated_recently(datetime(2025, 6, 15, 9, 0), datetime(2025, 7, 15, 17, 0))


# --- ID-002: minors -----------------------------------------------------------------------------


def test_eighteenth_birthday() -> None:
    assert eighteenth_birthday(date(2008, 6, 15)) == date(2026, 6, 15)
    assert eighteenth_birthday(date(2008, 2, 29)) == date(2026, 3, 1)


def test_minor_until_the_day_before_the_eighteenth_birthday() -> None:
    birth = date(2008, 6, 15)
    assert is_minor(birth, date(2026, 6, 14))
    assert not is_minor(birth, date(2026, 6, 15))
    assert is_minor(birth, birth)


def test_a_child_born_on_29_february_comes_of_age_on_1_march() -> None:
    birth = date(2008, 2, 29)
    assert is_minor(birth, date(2026, 2, 28))
    assert not is_minor(birth, date(2026, 3, 1))
    assert not is_minor(birth, datetime(2026, 3, 1, 0, 0))


def test_age_in_years() -> None:
    assert age_in_years(date(1990, 6, 15), date(2025, 6, 14)) == 34
    assert age_in_years(date(1990, 6, 15), date(2025, 6, 15)) == 35
    assert age_in_years(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_in_years(date(2008, 2, 29), date(2026, 3, 1)) == 18
    assert age_in_years(date(2008, 2, 29), date(2028, 2, 29)) == 20


@given(st.dates(date(1950, 1, 1), date(2030, 12, 31)), st.dates(date(1950, 1, 1), date(2060, 1, 1)))
def test_minor_agrees_with_age(birth: date, on: date) -> None:
    assert is_minor(birth, on) is (age_in_years(birth, on) < 18)

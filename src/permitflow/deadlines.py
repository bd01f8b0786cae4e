"""Deadlines and date windows of the manual, as pure functions of dates.

Every number here is a parameter with the manual's value as default; the rules layer passes the
values of the rule set in force (practice 5 of STYLE.md), so a changed period is new data, not
new code.

* Working-day deadlines (catalogue CAL-001, §9.2): "申请办理续签业务需至少提前 20 个工作日
  （规定审核周期）提交" (M§3 注意事项 3; the same for an employer change, M§4 注意事项 4).
* Calendar-month windows (catalogue DOC-001/DOC-002): "带有有效期限的材料……提供时一般应在有效期
  截止前 3 个月以上，申请材料的日期应在 1 个月以内申报" (M§1 注意事项 2). Months are calendar
  months with end-of-month clamping (`add_months`, the answer of ``dateutil.relativedelta``):
  2025-11-30 + 3 months is 2026-02-28.
* Age of majority for accompanying children (catalogue ID-002): 18 years.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

from attrs import frozen

from permitflow.calendar import DEFAULT_CALENDAR, WorkingDayCalendar, warn_estimated
from permitflow.errors import Language
from permitflow.months import add_months

__all__ = [
    "Deadline",
    "DeadlineKind",
    "age_in_years",
    "dated_recently",
    "earliest_issue_date",
    "eighteenth_birthday",
    "is_minor",
    "is_submission_on_time",
    "latest_renewal_submission",
    "review_due",
    "suspended_working_days",
    "validity_sufficient",
    "validity_threshold",
]

RENEWAL_WORKING_DAYS = 20
"""M§3 注意事项 3 / M§4 注意事项 4: submit at least 20 working days before expiry."""
REVIEW_WORKING_DAYS = 20
"""M§3 注意事项 3: the prescribed review period (规定审核周期) is 20 working days."""
VALIDITY_MONTHS = 3
"""M§1 注意事项 2: documents with a validity period have 3 months or more left."""
RECENT_MONTHS = 1
"""M§1 注意事项 2: application materials are dated within 1 month."""
AGE_OF_MAJORITY = 18

_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class DeadlineKind(StrEnum):
    """Which deadline: the latest submission before expiry or the end of the review period."""

    LATEST_SUBMISSION = "latest_submission"
    """The last day to submit before a permit expires (M§3 注意事项 3, M§4 注意事项 4)."""
    REVIEW_DUE = "review_due"
    """The day by which the prescribed review period (规定审核周期) ends."""


@frozen
class Deadline:
    """A computed deadline with what a portal needs to show it.

    ``date`` is the answer; ``reference`` the date it was counted from (the expiry date, or the
    submission date); ``working_days`` the period. ``estimated`` is True when a counted day lies
    in a year without an official holiday arrangement (``estimated_years`` lists them): show the
    basis text, which says so, and recompute once the arrangement is published.
    """

    date: dt.date
    """The deadline day."""
    kind: DeadlineKind
    """Which deadline it is."""
    reference: dt.date
    """The day counted from (the expiry, or the submission)."""
    working_days: int
    """The number of working days counted."""
    estimated: bool
    """True when a year involved has no official holiday arrangement yet."""
    estimated_years: tuple[int, ...] = ()
    """Those years."""
    suspended_working_days: int = 0
    """Working days the review was suspended (中止审核), by which a review due date is put back
    (stop-the-clock)."""

    @property
    def on_weekend(self) -> bool:
        """True when the deadline is an official make-up working day on a Saturday or Sunday."""
        return self.date.weekday() >= 5

    @property
    def basis_zh(self) -> str:
        """How it was counted, in Chinese."""
        day = _day_zh(self.date)
        ref = _day_zh(self.reference)
        if self.kind is DeadlineKind.LATEST_SUBMISSION:
            text = (
                f"证件有效期至{ref}，须至少提前{self.working_days}个工作日（规定审核周期）提交，"
                f"审核期（提交当天不计）须在到期日或之前结束，最晚提交日为{day}。"
            )
        elif self.suspended_working_days:
            text = (
                f"{ref}提交，规定审核周期为{self.working_days}个工作日（提交当天不计），"
                f"中止审核{self.suspended_working_days}个工作日不计入，顺延至{day}前审核完毕。"
            )
        else:
            text = (
                f"{ref}提交，规定审核周期为{self.working_days}个工作日（提交当天不计），"
                f"应于{day}前审核完毕。"
            )
        if self.estimated:
            years = "、".join(str(y) for y in self.estimated_years)
            text += f"{years}年放假安排尚未收录，此日期为推定，请在国务院通知发布后复核。"
        return text

    @property
    def basis_en(self) -> str:
        """How it was counted, in English."""
        day = _day_en(self.date)
        ref = _day_en(self.reference)
        if self.kind is DeadlineKind.LATEST_SUBMISSION:
            text = (
                f"Latest submission {day}: the {self.working_days} working days of the "
                f"prescribed review period after it (the submission day not counted) end on or "
                f"before expiry {ref}."
            )
        else:
            text = (
                f"Review due by {day}: {self.working_days} working days after submission on "
                f"{ref}, the submission day not counted"
            )
            if self.suspended_working_days:
                text += (
                    f", put back by the {self.suspended_working_days} working days the review "
                    "was suspended"
                )
            text += "."
        if self.estimated:
            years = ", ".join(str(y) for y in self.estimated_years)
            text += (
                f" Estimated: the official holiday arrangement for {years} is not yet in the "
                "data; recheck once the State Council notice is published."
            )
        return text

    def basis(self, lang: Language = "zh") -> str:
        """The basis text in one language."""
        return self.basis_zh if lang == "zh" else self.basis_en


def _day_zh(day: dt.date) -> str:
    text = f"{day.isoformat()}（{_WEEKDAYS_ZH[day.weekday()]}"
    return text + ("，调休上班日）" if day.weekday() >= 5 else "）")


def _day_en(day: dt.date) -> str:
    text = f"{day.isoformat()} ({_WEEKDAYS_EN[day.weekday()]}"
    return text + (", official make-up working day)" if day.weekday() >= 5 else ")")


def _as_date(value: dt.date) -> dt.date:
    # datetime is a date subclass, but mixing the two in comparisons raises TypeError.
    return value.date() if isinstance(value, dt.datetime) else value


def _check_count(working_days: int) -> None:
    if working_days <= 0:
        raise ValueError(
            f"working_days must be positive, got {working_days}; check the rule-set value / "
            f"工作日数必须为正数（当前为{working_days}），请检查规则参数"
        )


# --- working-day deadlines ----------------------------------------------------------------------


def latest_renewal_submission(
    expiry: dt.date,
    *,
    working_days: int = RENEWAL_WORKING_DAYS,
    calendar: WorkingDayCalendar | None = None,
) -> Deadline:
    """The last day to submit a renewal (or employer change) for a permit expiring on ``expiry``.

    "申请办理续签业务需至少提前 20 个工作日（规定审核周期）提交" (M§3 注意事项 3). Read as: the
    ``working_days``-th working day strictly before the expiry date, the expiry day itself not
    counted (catalogue §9.2, open question 11), and never so late that the ``working_days`` of
    the review after it ([`review_due`][permitflow.deadlines.review_due]) end after the expiry.
    Official make-up days count:
    expiry 2025-10-31 gives Sunday 2025-09-28, whose review is due on 2025-10-31. For an expiry
    on a non-working day the review must end on the last working day before it, so the answer is
    one working day earlier than the plain count: expiry Sunday 2025-10-05 gives 2025-09-03
    (review due 2025-09-30), not 2025-09-04 (review due 2025-10-09, after expiry). Warns with
    [`CalendarEstimateWarning`][permitflow.errors.CalendarEstimateWarning] when the answer is an
    estimate.
    """
    deadline = _latest_submission(expiry, working_days, calendar)
    if deadline.estimated:
        warn_estimated(deadline.estimated_years, stacklevel=2)
    return deadline


def _latest_submission(
    expiry: dt.date, working_days: int, calendar: WorkingDayCalendar | None
) -> Deadline:
    _check_count(working_days)
    cal = DEFAULT_CALENDAR if calendar is None else calendar
    expiry = _as_date(expiry)
    # The (working_days + 1)-th working day strictly before the day after the expiry: the first
    # of those is the last working day on or before the expiry, the day the review may end on.
    after = dt.date.fromordinal(expiry.toordinal() + 1)
    day, estimated = cal.add_working_days_flagged(after, -(working_days + 1))
    years = cal.estimated_years(day, expiry) if estimated else ()
    return Deadline(day, DeadlineKind.LATEST_SUBMISSION, expiry, working_days, estimated, years)


def is_submission_on_time(
    submission: dt.date,
    expiry: dt.date,
    *,
    working_days: int = RENEWAL_WORKING_DAYS,
    calendar: WorkingDayCalendar | None = None,
) -> bool:
    """Whether a submission on ``submission`` is at least ``working_days`` before ``expiry``:
    ``submission <= latest_renewal_submission(expiry).date``. Warns when estimated."""
    deadline = _latest_submission(expiry, working_days, calendar)
    if deadline.estimated:
        warn_estimated(deadline.estimated_years, stacklevel=2)
    return _as_date(submission) <= deadline.date


def review_due(
    submitted_at: dt.date | dt.datetime,
    *,
    working_days: int = REVIEW_WORKING_DAYS,
    calendar: WorkingDayCalendar | None = None,
    suspended: int = 0,
) -> Deadline:
    """The day by which the review of an application submitted at ``submitted_at`` is due.

    The prescribed review period (规定审核周期) is 20 working days (M§3 注意事项 3). Convention:
    the submission day is not counted, whatever the hour — the answer is the ``working_days``-th
    working day after the submission date (``add_working_days(submission_date, 20)``).

    ``suspended`` working days (see
    [`suspended_working_days`][permitflow.deadlines.suspended_working_days]) do not count: the clock
    stops while the review is suspended, so the due date is put back by exactly that many
    working days (``add_working_days(submission_date, 20 + suspended)``).
    """
    _check_count(working_days)
    if suspended < 0:
        raise ValueError(
            f"suspended must not be negative, got {suspended} / 中止审核的工作日数不能为负数"
            f"（当前为{suspended}）"
        )
    cal = DEFAULT_CALENDAR if calendar is None else calendar
    submitted = _as_date(submitted_at)
    day, estimated = cal.add_working_days_flagged(submitted, working_days + suspended)
    years: tuple[int, ...] = ()
    if estimated:
        years = cal.estimated_years(dt.date.fromordinal(submitted.toordinal() + 1), day)
        warn_estimated(years, stacklevel=2)
    return Deadline(
        day, DeadlineKind.REVIEW_DUE, submitted, working_days, estimated, years, suspended
    )


def suspended_working_days(
    periods: Iterable[tuple[dt.date, dt.date]], *, calendar: WorkingDayCalendar | None = None
) -> int:
    """The working days a review spent suspended over ``periods`` of (suspended, resumed) days.

    Convention: the day of the suspension counts as suspended, the day of the resumption does
    not (``working_days_between(suspended, resumed)``): suspended and resumed on the same day
    is 0, from a Friday to the next Monday is 1, from a Saturday to the next Monday is 0.
    """
    cal = DEFAULT_CALENDAR if calendar is None else calendar
    total = 0
    for start, end in periods:
        count, _estimated = cal.working_days_between_flagged(_as_date(start), _as_date(end))
        total += count
    return total


# --- calendar-month windows ---------------------------------------------------------------------


def validity_threshold(submission: dt.date, *, months: int = VALIDITY_MONTHS) -> dt.date:
    """The earliest acceptable "valid until" date for a document submitted on ``submission``.

    ``submission + months`` calendar months, clamped to the month end (DOC-001).
    """
    return add_months(_as_date(submission), months)


def validity_sufficient(
    valid_until: dt.date, submission: dt.date, *, months: int = VALIDITY_MONTHS
) -> bool:
    """Whether a document valid until ``valid_until`` still has ``months`` months left.

    "提供时一般应在有效期截止前 3 个月以上" (M§1 注意事项 2), implemented as
    ``submission + 3 months <= valid_until``: exactly three months left passes.
    """
    return validity_threshold(submission, months=months) <= _as_date(valid_until)


def earliest_issue_date(submission: dt.date, *, months: int = RECENT_MONTHS) -> dt.date:
    """The earliest acceptable issue date of a dated material submitted on ``submission``.

    ``submission - months`` calendar months, clamped to the month end (DOC-002).
    """
    return add_months(_as_date(submission), -months)


def dated_recently(issued: dt.date, submission: dt.date, *, months: int = RECENT_MONTHS) -> bool:
    """Whether a material issued on ``issued`` is recent enough for a submission on ``submission``.

    "申请材料的日期应在 1 个月以内申报" (M§1 注意事项 2), implemented as
    ``submission - 1 month <= issued <= submission``: issued exactly one month earlier passes.
    A material dated after the submission day cannot have been submitted with it, so it fails
    too; compare ``issued > submission`` to tell that case apart in a finding.
    """
    issued = _as_date(issued)
    submission = _as_date(submission)
    return earliest_issue_date(submission, months=months) <= issued <= submission


# --- age ----------------------------------------------------------------------------------------


def _birthday_in(birth: dt.date, year: int) -> dt.date:
    if birth.month == 2 and birth.day == 29 and not _is_leap(year):
        return dt.date(year, 3, 1)
    return birth.replace(year=year)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def eighteenth_birthday(birth: dt.date) -> dt.date:
    """The day a person born on ``birth`` turns 18.

    Convention for someone born on 29 February: in a non-leap year the birthday falls on
    1 March (the person has not completed 18 years until 28 February has passed). So a child
    born 2008-02-29 is still a minor on 2026-02-28 and an adult on 2026-03-01.
    """
    birth = _as_date(birth)
    return _birthday_in(birth, birth.year + AGE_OF_MAJORITY)


def is_minor(birth: dt.date, on: dt.date) -> bool:
    """Whether a person born on ``birth`` is under 18 on ``on`` (``on`` < 18th birthday)."""
    return _as_date(on) < eighteenth_birthday(birth)


def age_in_years(birth: dt.date, on: dt.date) -> int:
    """Completed years of age on ``on``, with the 29 February convention of
    [`eighteenth_birthday`][permitflow.deadlines.eighteenth_birthday]."""
    birth = _as_date(birth)
    on = _as_date(on)
    years = on.year - birth.year
    if on < _birthday_in(birth, on.year):
        years -= 1
    return years

"""Suspension and resumption of the authority's review (中止审核 / 恢复审核), with stop-the-clock.

Each review level may suspend its own review with a stated reason; ``resume`` returns to the
level it was suspended at. The prescribed review period (20 working days) stops meanwhile: the
due date is put back by exactly the working days spent suspended.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import attrs
import pytest

from permitflow.calendar import add_working_days, working_days_between
from permitflow.deadlines import review_due, suspended_working_days
from permitflow.engine.engine import Engine
from permitflow.errors import EventNotAllowed, InvalidInput, NotPermitted
from permitflow.machines.status import progress
from permitflow.records.actors import Role
from permitflow.records.application import BusinessType
from permitflow.rules.rule import BEIJING
from permitflow.testing import AT, Case, bare_engine

A, E, L = Role.APPLICANT, Role.EMPLOYER, Role.AUTHORITY
SUBMITTED = AT.date()
"""Monday 2026-03-16: the test applications are submitted then."""
WHY = "待核实劳动合同真实性"


def at_level(engine: Engine, kind: BusinessType, level: int) -> Case:
    """An application under review at ``level``, submitted at AT."""
    case = Case.start(kind, engine=engine, at=AT)
    if kind is BusinessType.RENEWAL:
        case = case.fire("prepare", A, after=timedelta(0)).fire("initiate", E)
    else:
        case = case.fire("submit", A).fire("employer_approve", E)
    case = case.fire("accept", L)
    for _ in range(1, level):
        case = case.fire("pass", L)
    return case


def on(case: Case, day: date, hour: int = 10) -> Case:
    return attrs.evolve(case, at=datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING))


LEVELS = [(levels, k) for levels in (2, 3) for k in range(1, levels + 1)]


@pytest.mark.parametrize(("levels", "level"), LEVELS)
@pytest.mark.parametrize("kind", [BusinessType.NEW, BusinessType.RENEWAL])
def test_a_review_suspended_at_a_level_resumes_at_that_level(
    kind: BusinessType, levels: int, level: int
) -> None:
    engine = bare_engine(levels)
    case = at_level(engine, kind, level)
    assert case.application.state == f"authority_review_{level}"
    suspended = case.fire("suspend", L, reason=WHY)
    assert suspended.application.state == f"authority_suspended_{level}"
    seen = progress(engine, suspended.application, suspended.at, holder=suspended.holder)
    assert (seen.level, seen.levels, seen.review_paused) == (level, levels, True)
    assert seen.state_zh == f"主管部门第{level}级中止审核"
    assert {(s.event, s.level) for s in seen.next_steps} == {("resume", level)}
    resumed = suspended.fire("resume", L, reason="已核实")
    assert resumed.application.state == f"authority_review_{level}"
    entries = resumed.application.history[-2:]
    assert [(e.event, e.reason, e.actor.level) for e in entries] == [
        ("suspend", WHY, level), ("resume", "已核实", level)
    ]  # fmt: skip


@pytest.mark.parametrize(("levels", "level"), LEVELS)
def test_only_the_reviewers_of_that_level_suspend_and_resume(levels: int, level: int) -> None:
    case = at_level(bare_engine(levels), BusinessType.NEW, level)
    other = level % levels + 1
    with pytest.raises(NotPermitted):
        case.fire("suspend", L, level=other, reason=WHY)
    for role in (A, E):
        with pytest.raises(NotPermitted):
            case.fire("suspend", role, reason=WHY)
    suspended = case.fire("suspend", L, reason=WHY)
    with pytest.raises(NotPermitted):
        suspended.fire("resume", L, level=other, reason=WHY)


@pytest.mark.parametrize("event", ["pass", "return"])
def test_a_suspended_review_is_resumed_before_it_goes_on(bare: Engine, event: str) -> None:
    suspended = at_level(bare, BusinessType.NEW, 1).fire("suspend", L, reason=WHY)
    with pytest.raises(EventNotAllowed):
        suspended.fire(event, L)


def test_nothing_is_suspended_before_acceptance(bare: Engine) -> None:
    case = Case.start(BusinessType.NEW, engine=bare).fire("submit", A).fire("employer_approve", E)
    with pytest.raises(EventNotAllowed):
        case.fire("suspend", L, reason=WHY)


@pytest.mark.parametrize("event", ["suspend", "resume"])
def test_suspending_and_resuming_need_a_reason(bare: Engine, event: str) -> None:
    case = at_level(bare, BusinessType.NEW, 1)
    if event == "resume":
        case = case.fire("suspend", L, reason=WHY)
    with pytest.raises(InvalidInput):
        bare.fire(case.application, event, actor=case.actor(L), at=case.at, holder=case.holder)


def test_a_suspended_application_is_closed_when_its_permit_ends(bare: Engine) -> None:
    suspended = at_level(bare, BusinessType.RENEWAL, 2).fire("suspend", L, reason=WHY)
    options = {o.event: o for o in bare.allowed_events(
        suspended.application, suspended.actor(Role.SYSTEM), suspended.at, holder=suspended.holder
    )}  # fmt: skip
    assert options["close_moot"].allowed


# --- stop-the-clock --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2026, 3, 18), date(2026, 3, 18), 0),  # suspended and resumed the same day
        (date(2026, 3, 18), date(2026, 3, 19), 1),  # Wednesday to Thursday
        (date(2026, 3, 20), date(2026, 3, 23), 1),  # Friday to Monday
        (date(2026, 3, 21), date(2026, 3, 23), 0),  # Saturday to Monday
        (date(2026, 3, 18), date(2026, 3, 25), 5),  # a whole week
    ],
)
def test_the_suspended_working_days(start: date, end: date, days: int) -> None:
    assert suspended_working_days([(start, end)]) == days


def test_the_due_date_is_put_back_by_exactly_the_suspended_days() -> None:
    plain = review_due(SUBMITTED)
    assert plain.date == date(2026, 4, 14)
    for days in (0, 1, 5):
        due = review_due(SUBMITTED, suspended=days)
        assert due.date == add_working_days(SUBMITTED, 20 + days)
        assert working_days_between(plain.date, due.date) == days
        assert due.suspended_working_days == days
    assert "中止审核5个工作日不计入" in review_due(SUBMITTED, suspended=5).basis_zh
    assert "中止审核" not in plain.basis_zh
    with pytest.raises(ValueError, match="negative"):
        review_due(SUBMITTED, suspended=-1)


@pytest.mark.parametrize(
    ("suspend_on", "resume_on", "days"),
    [
        (date(2026, 3, 18), date(2026, 3, 18), 0),
        (date(2026, 3, 18), date(2026, 3, 19), 1),
        (date(2026, 3, 20), date(2026, 3, 23), 1),
        (date(2026, 3, 18), date(2026, 3, 25), 5),
    ],
    ids=["same day", "next working day", "over a weekend", "a week"],
)
def test_progress_extends_the_due_date_by_the_days_suspended(
    bare: Engine, suspend_on: date, resume_on: date, days: int
) -> None:
    case = at_level(bare, BusinessType.NEW, 1)
    suspended = on(case, suspend_on).fire("suspend", L, reason=WHY)
    resumed = on(suspended, resume_on, hour=15).fire("resume", L, reason="已核实")
    seen = progress(bare, resumed.application, resumed.at, holder=resumed.holder)
    assert seen.review_due is not None
    assert seen.review_due.date == add_working_days(SUBMITTED, 20 + days)
    assert seen.review_due.suspended_working_days == days
    assert not seen.review_paused


def test_while_suspended_the_clock_stands_still(bare: Engine) -> None:
    case = at_level(bare, BusinessType.NEW, 1)
    suspended = on(case, date(2026, 3, 18)).fire("suspend", L, reason=WHY)
    readings = [
        progress(bare, suspended.application, on(suspended, day).at, holder=suspended.holder)
        for day in (date(2026, 3, 18), date(2026, 3, 19), date(2026, 3, 25), date(2026, 5, 6))
    ]
    assert all(r.review_paused for r in readings)
    assert {r.review_days_left for r in readings} == {
        working_days_between(date(2026, 3, 19), date(2026, 4, 15))
    }
    assert not any(r.review_breached for r in readings)
    # the due date moves on with every working day of the suspension
    assert readings[1].review_due is not None
    assert readings[2].review_due is not None
    assert readings[1].review_due.date == add_working_days(SUBMITTED, 21)
    assert readings[2].review_due.date == add_working_days(SUBMITTED, 25)


@pytest.mark.parametrize(
    ("day", "left", "breached"),
    [(date(2026, 4, 13), 1, False), (date(2026, 4, 14), 0, False), (date(2026, 4, 15), -1, True)],
    ids=["the day before", "the due date", "the day after"],
)
def test_the_review_period_is_breached_after_its_due_date(
    bare: Engine, day: date, left: int, breached: bool
) -> None:
    case = at_level(bare, BusinessType.NEW, 1)
    seen = progress(bare, case.application, on(case, day).at, holder=case.holder)
    assert (seen.review_days_left, seen.review_breached) == (left, breached)


def test_a_suspension_keeps_a_review_within_its_period(bare: Engine) -> None:
    case = at_level(bare, BusinessType.NEW, 1)
    suspended = on(case, date(2026, 4, 1)).fire("suspend", L, reason=WHY)
    resumed = on(suspended, date(2026, 4, 8)).fire("resume", L, reason="已核实")
    seen = progress(bare, resumed.application, on(resumed, date(2026, 4, 15)).at,
                    holder=resumed.holder)  # fmt: skip
    assert not seen.review_breached
    assert seen.review_due is not None
    assert seen.review_due.date > date(2026, 4, 15)

"""Renewal (续签, M§3): initiated by the current employer; approval extends the expiry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from permitflow.engine.engine import Engine
from permitflow.errors import EventNotAllowed, NotPermitted, RuleDataError
from permitflow.machines.status import confirmation_slip_available
from permitflow.records.actors import Actor, Role
from permitflow.records.application import BusinessType, RenewalForm
from permitflow.records.holder import PermitState
from permitflow.testing import STRANGER_EMPLOYER, Case, valid_holder

APPLICANT, EMPLOYER, AUTHORITY = Role.APPLICANT, Role.EMPLOYER, Role.AUTHORITY
OLD_EXPIRY = date(2026, 12, 11)  # valid_holder: 270 days after 2026-03-16


def initiated(engine: Engine) -> Case:
    case = Case.start(BusinessType.RENEWAL, engine=engine).fire("prepare", APPLICANT)
    assert case.application.state == "ready"
    return case.fire("initiate", EMPLOYER, payload=RenewalForm(employer_checked=True))


def approved(engine: Engine) -> Case:
    case = initiated(engine).fire("accept", AUTHORITY).fire("pass", AUTHORITY)
    return case.fire("pass", AUTHORITY)


def test_a_first_time_approval_extends_the_old_expiry_by_three_years(bare: Engine) -> None:
    case = approved(bare)
    assert case.application.state == "approved"
    definition = case.engine.definition_for(case.application, case.at)
    assert confirmation_slip_available(definition, case.application)
    assert case.holder.permit.expires_on == OLD_EXPIRY.replace(year=2029)
    assert case.holder.permit.state is PermitState.VALID
    assert case.holder.permit.employer_set_on == case.at.date()
    assert case.holder.open_application is None


def test_the_employer_initiates_with_its_checked_form(bare: Engine) -> None:
    case = initiated(bare)
    assert case.application.state == "awaiting_acceptance"
    assert case.application.form == RenewalForm(employer_checked=True)
    assert case.application.submitted_at is not None
    assert case.holder.open_application is not None
    assert case.holder.open_application.under_review


def test_preparing_opens_the_application_without_locking_the_record(bare: Engine) -> None:
    case = Case.start(BusinessType.RENEWAL, engine=bare).fire("prepare", APPLICANT)
    assert case.holder.open_application is not None
    assert not case.holder.open_application.under_review


def test_the_new_expiry_can_count_from_the_approval_day(
    rule_engine: Callable[..., Engine],
) -> None:
    engine = rule_engine(rules=(), params={"renewal.new_expiry_from": "approval"})
    assert approved(engine).holder.permit.expires_on == date(2029, 3, 16)


def test_an_unknown_expiry_rule_is_a_data_error_that_changes_nothing(
    rule_engine: Callable[..., Engine],
) -> None:
    engine = rule_engine(rules=(), params={"renewal.new_expiry_from": "whenever"})
    case = initiated(engine).fire("accept", AUTHORITY).fire("pass", AUTHORITY)
    with pytest.raises(RuleDataError, match=r"renewal\.new_expiry_from"):
        case.fire("pass", AUTHORITY)


def test_only_the_holder_prepares_and_only_its_employer_initiates(bare: Engine) -> None:
    case = Case.start(BusinessType.RENEWAL, engine=bare)
    with pytest.raises(NotPermitted):
        case.fire("prepare", EMPLOYER)
    case = case.fire("prepare", APPLICANT)
    with pytest.raises(NotPermitted):
        case.fire("initiate", APPLICANT)
    with pytest.raises(NotPermitted):
        case.fire("initiate", Actor.employer(STRANGER_EMPLOYER))


@pytest.mark.parametrize(
    ("steps", "level"),
    [((), 1), (("accept",), 1), (("accept", "pass"), 2)],
    ids=["at acceptance", "at level 1", "at level 2"],
)
def test_a_return_is_fixed_by_the_holder_and_reinitiated_by_the_employer(
    bare: Engine, steps: tuple[str, ...], level: int
) -> None:
    case = initiated(bare)
    for event in steps:
        case = case.fire(event, AUTHORITY)
    case = case.fire("return", AUTHORITY, opinion="近三年应税收入材料不完整", tips=("请核对社保",))
    assert case.application.state == "returned"
    assert case.application.history[-1].actor.level == level

    with pytest.raises(NotPermitted):
        case.fire("notify_fixed", EMPLOYER)
    with pytest.raises(EventNotAllowed):
        case.fire("reinitiate", EMPLOYER)
    case = case.fire("notify_fixed", APPLICANT)
    assert case.application.state == "fixed"

    with pytest.raises(NotPermitted):
        case.fire("reinitiate", APPLICANT)
    case = case.fire("reinitiate", EMPLOYER)
    assert case.application.state == "awaiting_acceptance"


def test_a_renewal_approved_on_a_suspended_permit_is_refused(bare: Engine) -> None:
    holder = valid_holder(permit_state=PermitState.SUSPENDED)
    case = Case.start(BusinessType.RENEWAL, engine=bare, holder=holder)
    case = case.fire("prepare", APPLICANT).fire("initiate", EMPLOYER)
    case = case.fire("accept", AUTHORITY).fire("pass", AUTHORITY)
    with pytest.raises(EventNotAllowed, match=r"(?i)suspended"):
        case.fire("pass", AUTHORITY)

"""Employer change (聘用单位变更, M§4): the new employer initiates; approval re-links the permit."""

from __future__ import annotations

import pytest
from oracle_tables import EMPLOYER_INITIATED, agrees_with, covers

from permitflow.engine.engine import Engine
from permitflow.errors import EventNotAllowed, NotPermitted
from permitflow.machines.status import confirmation_slip_available
from permitflow.records.actors import Actor, Role
from permitflow.records.application import BusinessType
from permitflow.records.holder import PermitState
from permitflow.testing import EMPLOYERS, Case

APPLICANT, EMPLOYER, AUTHORITY = Role.APPLICANT, Role.EMPLOYER, Role.AUTHORITY
FORMER, NEW = EMPLOYERS[0], EMPLOYERS[1]


def initiated(engine: Engine) -> Case:
    case = Case.start(BusinessType.EMPLOYER_CHANGE, engine=engine)
    return case.fire("prepare", APPLICANT).fire("initiate", EMPLOYER)


def test_the_application_belongs_to_the_new_employer(bare: Engine) -> None:
    case = Case.start(BusinessType.EMPLOYER_CHANGE, engine=bare)
    assert case.holder.permit.state is PermitState.SUSPENDED
    assert case.application.employer_id == NEW.credit_code


def test_a_first_time_approval_relinks_and_reactivates_the_permit(bare: Engine) -> None:
    case = initiated(bare)
    expiry = case.holder.permit.expires_on
    case = case.fire("accept", AUTHORITY).fire("pass", AUTHORITY).fire("pass", AUTHORITY)
    assert case.application.state == "approved"
    assert confirmation_slip_available(case.application)
    permit = case.holder.permit
    assert permit.state is PermitState.VALID
    assert permit.employer_credit_code == NEW.credit_code
    assert permit.expires_on == expiry
    assert permit.employer_set_on == permit.changed_on == case.at.date()
    assert case.holder.open_application is None


def test_the_former_employer_cannot_initiate_the_change(bare: Engine) -> None:
    case = Case.start(BusinessType.EMPLOYER_CHANGE, engine=bare).fire("prepare", APPLICANT)
    with pytest.raises(NotPermitted):
        case.fire("initiate", Actor.employer(FORMER.credit_code))
    with pytest.raises(NotPermitted):
        case.fire("initiate", APPLICANT)


@pytest.mark.parametrize(
    ("steps", "level"),
    [((), 1), (("accept",), 1), (("accept", "pass"), 2)],
    ids=["at acceptance", "at level 1", "at level 2"],
)
def test_a_return_is_fixed_by_the_holder_and_reinitiated_by_the_new_employer(
    bare: Engine, steps: tuple[str, ...], level: int
) -> None:
    case = initiated(bare)
    for event in steps:
        case = case.fire(event, AUTHORITY)
    case = case.fire("return", AUTHORITY, opinion="请上传原单位出具的离职证明")
    assert case.application.history[-1].actor.level == level
    with pytest.raises(NotPermitted):
        case.fire("notify_fixed", EMPLOYER)
    case = case.fire("notify_fixed", APPLICANT)
    with pytest.raises(NotPermitted):
        case.fire("reinitiate", Actor.employer(FORMER.credit_code))
    with pytest.raises(NotPermitted):
        case.fire("reinitiate", APPLICANT)
    case = case.fire("reinitiate", EMPLOYER)
    assert case.application.state == "awaiting_acceptance"


def test_a_change_approved_on_a_valid_permit_is_refused(bare: Engine) -> None:
    case = Case.start(BusinessType.RENEWAL, engine=bare)
    holder = case.holder
    change = Case.start(BusinessType.EMPLOYER_CHANGE, engine=bare, holder=holder)
    change = change.fire("prepare", APPLICANT).fire("initiate", EMPLOYER)
    change = change.fire("accept", AUTHORITY).fire("pass", AUTHORITY)
    with pytest.raises(EventNotAllowed):
        change.fire("pass", AUTHORITY)


def test_the_machine_agrees_with_the_table() -> None:
    agrees_with(BusinessType.EMPLOYER_CHANGE, EMPLOYER_INITIATED)


def test_the_table_covers_the_definition(bare: Engine) -> None:
    covers(bare, BusinessType.EMPLOYER_CHANGE, EMPLOYER_INITIATED)

"""Basic-information change (证件基础信息变更, M§5): applicant-initiated, with its reason."""

from __future__ import annotations

from datetime import date

import pytest

from permitflow.engine.engine import Engine
from permitflow.errors import NotPermitted
from permitflow.machines.status import confirmation_slip_available
from permitflow.records.actors import Actor, Role
from permitflow.records.application import BasicChangeForm, BasicItem, BusinessType
from permitflow.records.holder import PermitState
from permitflow.testing import STRANGER_EMPLOYER, Case

APPLICANT, EMPLOYER, AUTHORITY = Role.APPLICANT, Role.EMPLOYER, Role.AUTHORITY


def at_authority(engine: Engine) -> Case:
    case = Case.start(BusinessType.BASIC_CHANGE, engine=engine).fire("submit", APPLICANT)
    return case.fire("employer_approve", EMPLOYER)


def test_the_form_carries_the_reason(bare: Engine) -> None:
    case = Case.start(BusinessType.BASIC_CHANGE, engine=bare)
    assert isinstance(case.application.form, BasicChangeForm)
    assert case.application.form.reason == "居住地址信息变更"


def test_a_first_time_approval_records_the_change_on_the_permit(bare: Engine) -> None:
    case = at_authority(bare)
    before = case.holder.permit
    case = case.fire("accept", AUTHORITY).fire("pass", AUTHORITY).fire("pass", AUTHORITY)
    assert case.application.state == "approved"
    definition = case.engine.definition_for(case.application, case.at)
    assert confirmation_slip_available(definition, case.application)
    assert case.holder.permit.state is PermitState.VALID
    assert case.holder.permit.changed_on == date(2026, 3, 16)
    assert case.holder.permit.expires_on == before.expires_on
    # An information change does not set the permit's employer (REN-004's window).
    assert case.holder.permit.employer_set_on == before.employer_set_on
    assert case.holder.open_application is None


def test_the_employer_returns_and_only_the_applicant_resubmits(bare: Engine) -> None:
    case = Case.start(BusinessType.BASIC_CHANGE, engine=bare).fire("submit", APPLICANT)
    with pytest.raises(NotPermitted):
        case.fire("employer_approve", Actor.employer(STRANGER_EMPLOYER))
    case = case.fire("employer_return", EMPLOYER, opinion="申请原因与变更内容不符")
    assert case.application.state == "employer_returned"
    with pytest.raises(NotPermitted):
        case.fire("resubmit", EMPLOYER)
    corrected = BasicChangeForm(
        reason="户口所在地变更", instructions_confirmed=True,
        changed_items=(BasicItem.HUKOU_LOCATION,),
    )  # fmt: skip
    case = case.fire("resubmit", APPLICANT, payload=corrected)
    assert case.application.state == "employer_review"
    assert case.application.form == corrected


@pytest.mark.parametrize(
    ("steps", "level"),
    [((), 1), (("accept",), 1), (("accept", "pass"), 2)],
    ids=["at acceptance", "at level 1", "at level 2"],
)
def test_the_authority_returns_at_each_level_and_the_applicant_resubmits(
    bare: Engine, steps: tuple[str, ...], level: int
) -> None:
    case = at_authority(bare)
    for event in steps:
        case = case.fire(event, AUTHORITY)
    case = case.fire("return", AUTHORITY, opinion="住所证明地址与基础信息不一致")
    assert case.application.history[-1].actor.level == level
    with pytest.raises(NotPermitted):
        case.fire("resubmit", EMPLOYER)
    with pytest.raises(NotPermitted):
        case.fire("resubmit", AUTHORITY, level=1)
    assert case.fire("resubmit", APPLICANT).application.state == "employer_review"

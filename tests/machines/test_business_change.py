"""Business-information change (证件业务信息变更, M§6): the accompanying children."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from permitflow.engine.engine import Engine
from permitflow.errors import Blocked, InvalidInput, NotPermitted
from permitflow.machines.business_change import EmployerRemark
from permitflow.machines.status import confirmation_slip_available
from permitflow.records.actors import Role
from permitflow.records.application import BusinessChangeForm, BusinessType
from permitflow.records.holder import MaritalStatus
from permitflow.rules.haidian.children import RULES as CHILD_RULES
from permitflow.testing import CHILD, Case, valid_holder

APPLICANT, EMPLOYER, AUTHORITY = Role.APPLICANT, Role.EMPLOYER, Role.AUTHORITY
REMARK = "申请人未婚已育，子女随申请人共同生活，特此说明。"


def submitted(engine: Engine) -> Case:
    return Case.start(BusinessType.BUSINESS_CHANGE, engine=engine).fire("submit", APPLICANT)


def test_a_first_time_approval_replaces_the_permits_children(bare: Engine) -> None:
    case = submitted(bare).fire("employer_approve", EMPLOYER)
    assert case.holder.permit.children == ()
    case = case.fire("accept", AUTHORITY).fire("pass", AUTHORITY).fire("pass", AUTHORITY)
    assert case.application.state == "approved"
    definition = case.engine.definition_for(case.application, case.at)
    assert confirmation_slip_available(definition, case.application)
    assert case.holder.permit.children == (CHILD,)
    assert case.holder.open_application is None


def test_the_employer_adds_its_remark_with_its_approval(bare: Engine) -> None:
    case = submitted(bare).fire("employer_approve", EMPLOYER, payload=EmployerRemark(REMARK))
    assert isinstance(case.application.form, BusinessChangeForm)
    assert case.application.form.employer_remark == REMARK
    assert case.application.form.children == (CHILD,)


def test_the_remark_is_the_employers_own_payload(bare: Engine) -> None:
    with pytest.raises(InvalidInput):
        submitted(bare).fire("employer_approve", EMPLOYER, payload=REMARK)


def test_the_employer_returns_and_the_applicant_resubmits(bare: Engine) -> None:
    case = submitted(bare).fire("employer_return", EMPLOYER, opinion="请补充离婚协议")
    with pytest.raises(NotPermitted):
        case.fire("resubmit", EMPLOYER)
    case = case.fire("resubmit", APPLICANT)
    assert case.application.state == "employer_review"


@pytest.mark.parametrize(
    ("steps", "level"),
    [((), 1), (("accept",), 1), (("accept", "pass"), 2)],
    ids=["at acceptance", "at level 1", "at level 2"],
)
def test_the_authority_returns_at_each_level_and_the_applicant_resubmits(
    bare: Engine, steps: tuple[str, ...], level: int
) -> None:
    case = submitted(bare).fire("employer_approve", EMPLOYER)
    for event in steps:
        case = case.fire(event, AUTHORITY)
    case = case.fire(
        "return", AUTHORITY, opinion="子女户口本页不清晰", tips=("出生证明请上传原件扫描",)
    )
    assert case.application.history[-1].actor.level == level
    assert case.application.history[-1].tips == ("出生证明请上传原件扫描",)
    with pytest.raises(NotPermitted):
        case.fire("resubmit", EMPLOYER)
    corrected = BusinessChangeForm(instructions_confirmed=True, children=())
    case = case.fire("resubmit", APPLICANT, payload=corrected)
    assert case.application.form == corrected

def test_mar_002_judges_the_remark_the_employer_hands_in_with_its_approval(
    rule_engine: Callable[..., Engine],
) -> None:
    mar_002 = next(rule for rule in CHILD_RULES if rule.id == "MAR-002")
    engine = rule_engine(rules=[mar_002])
    holder = valid_holder(marital_status=MaritalStatus.UNMARRIED)
    case = Case.start(BusinessType.BUSINESS_CHANGE, engine=engine, holder=holder)
    case = case.fire("submit", APPLICANT)
    with pytest.raises(Blocked) as caught:
        case.fire("employer_approve", EMPLOYER)
    assert caught.value.context["rule_ids"] == ["MAR-002"]
    approved = case.fire("employer_approve", EMPLOYER, payload=EmployerRemark(REMARK))
    assert approved.application.state == "awaiting_acceptance"

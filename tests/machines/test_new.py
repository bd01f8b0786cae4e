"""New application (新办, M§2): the manual's paths and a stateful test against a plain table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from permitflow.engine.engine import Engine
from permitflow.errors import NotPermitted
from permitflow.machines.status import confirmation_slip_available
from permitflow.records.actors import Actor, Role
from permitflow.records.application import BusinessType, NewForm
from permitflow.records.holder import PermitState
from permitflow.testing import (
    CHILD,
    STRANGER_ID,
    Case,
    applications,
    event_sequences,
    fire_all,
)

APPLICANT, EMPLOYER, AUTHORITY = Role.APPLICANT, Role.EMPLOYER, Role.AUTHORITY


def submitted(engine: Engine) -> Case:
    return Case.start(BusinessType.NEW, engine=engine).fire("submit", APPLICANT)


def at_authority(engine: Engine) -> Case:
    return submitted(engine).fire("employer_approve", EMPLOYER)


def test_a_first_time_approval_issues_the_permit_for_three_years(bare: Engine) -> None:
    case = at_authority(bare).fire("accept", AUTHORITY).fire("pass", AUTHORITY)
    assert case.application.state == "authority_review_2"
    case = case.fire("pass", AUTHORITY)

    assert case.application.state == "approved"
    definition = case.engine.definition_for(case.application, case.at)
    assert confirmation_slip_available(definition, case.application)
    permit = case.holder.permit
    assert permit.state is PermitState.VALID
    assert permit.issued_on == date(2026, 3, 16)
    assert permit.employer_set_on == date(2026, 3, 16)
    assert permit.expires_on == date(2029, 3, 16)
    assert permit.employer_credit_code == case.application.employer_id
    assert permit.permit_type == "domestic"
    assert case.holder.open_application is None


def test_the_validity_period_is_a_rule_set_parameter(rule_engine: Callable[..., Engine]) -> None:
    engine = rule_engine(rules=(), params={"permit.validity_years": 5})
    case = at_authority(engine).fire("accept", AUTHORITY).fire("pass", AUTHORITY)
    case = case.fire("pass", AUTHORITY)
    assert case.holder.permit.expires_on == date(2031, 3, 16)


def test_the_accompanying_children_of_the_form_go_onto_the_permit(bare: Engine) -> None:
    case = Case.start(BusinessType.NEW, engine=bare, form=NewForm(children=(CHILD,)))
    case = case.fire("submit", APPLICANT).fire("employer_approve", EMPLOYER)
    case = case.fire("accept", AUTHORITY).fire("pass", AUTHORITY).fire("pass", AUTHORITY)
    assert case.holder.permit.children == (CHILD,)


def test_submitting_opens_the_application_and_locks_the_record_under_review(bare: Engine) -> None:
    case = submitted(bare)
    assert case.holder.open_application is not None
    assert case.holder.open_application.id == case.application.id
    assert case.holder.open_application.under_review
    assert case.application.submitted_at is not None


def test_the_employer_returns_and_the_applicant_resubmits(bare: Engine) -> None:
    case = submitted(bare).fire("employer_return", EMPLOYER, opinion="劳动合同页缺失")
    assert case.application.state == "employer_returned"
    assert case.application.history[-1].opinion == "劳动合同页缺失"
    assert case.holder.open_application is not None
    assert not case.holder.open_application.under_review

    case = case.fire("resubmit", APPLICANT)
    assert case.application.state == "employer_review"
    assert case.holder.open_application is not None
    assert case.holder.open_application.under_review


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
    case = case.fire(
        "return", AUTHORITY, opinion="学历证书扫描件不清晰", tips=("工作经历建议与社保记录核对",)
    )
    entry = case.application.history[-1]
    assert case.application.state == "returned"
    assert entry.actor.level == level
    assert entry.opinion == "学历证书扫描件不清晰"
    assert entry.tips == ("工作经历建议与社保记录核对",)

    with pytest.raises(NotPermitted):
        case.fire("resubmit", EMPLOYER)
    with pytest.raises(NotPermitted):
        case.fire("resubmit", Actor.applicant(STRANGER_ID))

    case = case.fire("resubmit", APPLICANT)
    assert case.application.state == "employer_review"


def test_a_resubmission_carries_the_corrected_form(bare: Engine) -> None:
    case = at_authority(bare).fire("return", AUTHORITY)
    corrected = NewForm(children=(CHILD,))
    case = case.fire("resubmit", APPLICANT, payload=corrected)
    assert case.application.form == corrected


def test_a_reviewer_of_another_level_cannot_pass(bare: Engine) -> None:
    case = at_authority(bare).fire("accept", AUTHORITY)
    with pytest.raises(NotPermitted):
        case.fire("pass", AUTHORITY, level=2)


def test_resubmitting_straight_to_the_authority_is_a_switch() -> None:
    from permitflow.machines.new import new_machine

    engine = Engine(
        rules=False, review_levels=2,
        definitions={BusinessType.NEW: lambda n: new_machine(n, resubmit_via_employer=False)},
    )  # fmt: skip
    case = at_authority(engine).fire("return", AUTHORITY).fire("resubmit", APPLICANT)
    assert case.application.state == "awaiting_acceptance"


def test_an_employer_that_cannot_return_is_a_switch() -> None:
    from permitflow.machines.new import new_machine

    definition = new_machine(2, employer_can_return=False)
    assert "employer_returned" not in {state.name for state in definition.states}
    assert "employer_return" not in definition.events

@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_blind_event_sequences_never_leave_a_refused_trace(data: st.DataObject) -> None:
    case = data.draw(applications(BusinessType.NEW))
    steps = data.draw(event_sequences(case.application))
    after, refused = fire_all(case, steps)
    accepted = len(steps) - len(refused)
    assert after.application.version == case.application.version + accepted
    assert after.application.history[: case.application.version] == case.application.history

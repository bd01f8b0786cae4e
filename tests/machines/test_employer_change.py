"""Employer change (聘用单位变更, M§4): the new employer initiates; approval re-links the permit."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from haidian_paths import review_to_approval

from permitflow.engine.engine import Engine
from permitflow.errors import Blocked, EventNotAllowed, NotPermitted
from permitflow.machines.association import AssociationRequest
from permitflow.machines.status import confirmation_slip_available
from permitflow.records.actors import Actor, Role
from permitflow.records.application import BusinessType
from permitflow.records.holder import (
    Employer,
    InsuranceMonth,
    LabourContract,
    LeavingDeclaration,
    PaymentsImport,
    PermitState,
)
from permitflow.rules.finding import Severity
from permitflow.testing import AT, EMPLOYERS, Case, valid_holder

APPLICANT, EMPLOYER, AUTHORITY = Role.APPLICANT, Role.EMPLOYER, Role.AUTHORITY
SYSTEM = Role.SYSTEM
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
    definition = case.engine.definition_for(case.application, case.at)
    assert confirmation_slip_available(definition, case.application)
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

# --- back to the permit's own employer, on the Haidian rule set -------------------------------

HAIDIAN = Engine()


def _dissociated_by_mistake() -> Case:
    """A holder whom the permit's employer dissociated while still employing them."""
    case = Case.start(BusinessType.RENEWAL, engine=HAIDIAN, holder=valid_holder())
    case = case.fire_holder("dissociate", EMPLOYER)
    assert case.holder.permit.state is PermitState.SUSPENDED
    return case


def _associated_again(case: Case, employer: Employer = FORMER) -> Case:
    request = AssociationRequest(employer, f"GL-{employer.credit_code[-4:]}")
    case = case.fire_holder("request_association", APPLICANT, payload=request)
    return case.fire_holder("approve_association", Actor.employer(employer.credit_code))


def _change_by(case: Case) -> Case:
    change = Case.start(BusinessType.EMPLOYER_CHANGE, engine=HAIDIAN, holder=case.holder,
                        at=case.at)  # fmt: skip
    return change.fire("prepare", APPLICANT)


def test_dissociating_a_holder_who_still_works_there_warns_first() -> None:
    case = _dissociated_by_mistake()
    (warning,) = (f for f in case.findings if not f.passed)
    assert warning.rule_id == "CHG-012"
    assert warning.severity is Severity.WARNING
    assert "解除关联后证件将挂起" in warning.message_zh


def test_a_holder_who_left_is_dissociated_without_a_warning() -> None:
    holder = valid_holder()
    contract = attrs.evolve(holder.employment.contract, valid_until=AT.date() - timedelta(days=1))
    holder = attrs.evolve(holder, employment=attrs.evolve(holder.employment, contract=contract))
    case = Case.start(BusinessType.RENEWAL, engine=HAIDIAN, holder=holder)
    case = case.fire_holder("dissociate", EMPLOYER)
    assert case.holder.permit.state is PermitState.SUSPENDED
    assert all(f.passed for f in case.findings)


def test_after_a_dissociation_made_in_error_the_employer_takes_the_permit_back() -> None:
    case = _associated_again(_dissociated_by_mistake())
    expiry = case.holder.permit.expires_on
    change = _change_by(case)
    assert change.application.employer_id == FORMER.credit_code
    change = review_to_approval(change.fire("initiate", EMPLOYER))
    permit = change.holder.permit
    assert (permit.state, permit.employer_credit_code) == (PermitState.VALID, FORMER.credit_code)
    assert permit.expires_on == expiry
    assert permit.employer_set_on == change.at.date()
    assert change.holder.open_application is None


def test_a_valid_permit_is_not_changed_to_its_own_employer() -> None:
    case = Case.start(BusinessType.RENEWAL, engine=HAIDIAN, holder=valid_holder())
    change = Case.start(BusinessType.EMPLOYER_CHANGE, engine=HAIDIAN, holder=case.holder)
    with pytest.raises(Blocked) as refused:
        change.fire("prepare", APPLICANT)
    assert refused.value.context["rule_ids"] == ["FLOW-003"]


def test_a_rehired_holder_is_taken_back_after_a_month_of_insurance_since_rejoining() -> None:
    holder = valid_holder()
    day = AT.date()
    left_on = day - timedelta(days=70)
    case = Case.start(BusinessType.RENEWAL, engine=HAIDIAN, holder=holder)
    case = case.fire_holder("declare_leaving", APPLICANT, payload=LeavingDeclaration(left_on))
    rejoined = day - timedelta(days=20)
    profile = holder.profile
    (record,) = profile.work_history
    history = (attrs.evolve(record, end=left_on), attrs.evolve(record, start=rejoined))
    case = case.fire_holder("edit_profile", APPLICANT,
                            payload=attrs.evolve(profile, work_history=history))  # fmt: skip
    case = case.fire_holder("complete_profile", APPLICANT)
    contract = LabourContract(FORMER.credit_code, rejoined, rejoined + timedelta(days=3 * 365))
    case = case.fire_holder("record_contract", SYSTEM, payload=contract)
    before = tuple(m for m in holder.employment.insurance if m.month < left_on.replace(day=1))
    paid = PaymentsImport(income=holder.employment.income, insurance=before)
    case = _associated_again(case.fire_holder("record_payments", SYSTEM, payload=paid))

    change = _change_by(case)
    with pytest.raises(Blocked) as refused:
        change.fire("initiate", EMPLOYER)
    assert "CHG-001" in refused.value.context["rule_ids"]
    this_month = InsuranceMonth(day.replace(day=1), FORMER.credit_code)
    paid = attrs.evolve(paid, insurance=(*before, this_month))
    case = case.fire_holder("record_payments", SYSTEM, payload=paid)
    change = review_to_approval(_change_by(case).fire("initiate", EMPLOYER))
    assert change.holder.permit.state is PermitState.VALID
    assert change.holder.permit.employer_credit_code == FORMER.credit_code

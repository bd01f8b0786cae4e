"""The employer association: requested with the code, approved, rejected, then ended by the
employer's dissociation or the holder's declaration of having left."""

from __future__ import annotations

from datetime import date

import pytest
from haidian_paths import review_to_approval

from permitflow.engine.engine import Engine
from permitflow.errors import Blocked, EventNotAllowed, InvalidInput, NotPermitted
from permitflow.machines.association import AssociationRequest
from permitflow.records.actors import Actor, Role
from permitflow.records.application import BusinessType
from permitflow.records.holder import (
    Association,
    AssociationState,
    HolderRecord,
    LeavingDeclaration,
    PermitState,
)
from permitflow.rules.finding import Severity
from permitflow.testing import EMPLOYERS, STRANGER_EMPLOYER, Case, valid_holder

APPLICANT, EMPLOYER = Role.APPLICANT, Role.EMPLOYER
REQUEST = AssociationRequest(EMPLOYERS[2], "GL-2026-0316")


def unassociated(engine: Engine) -> Case:
    holder = valid_holder(permit_state=PermitState.NONE)
    holder = HolderRecord(
        holder.holder_id, holder.profile_state, holder.profile, holder.residence,
        holder.attachments, holder.employment, Association(),
    )  # fmt: skip
    return Case.start(BusinessType.NEW, engine=engine, holder=holder)


def test_the_employer_approves_a_request_made_with_its_code(bare: Engine) -> None:
    case = unassociated(bare).fire_holder("request_association", APPLICANT, payload=REQUEST)
    association = case.holder.association
    assert association.state is AssociationState.REQUESTED
    assert association.employer == EMPLOYERS[2]
    assert association.code == "GL-2026-0316"
    with pytest.raises(NotPermitted):
        case.fire_holder("approve_association", Actor.employer(STRANGER_EMPLOYER))
    with pytest.raises(NotPermitted):
        case.fire_holder("approve_association", APPLICANT)
    approved_at = case.at
    case = case.fire_holder("approve_association", EMPLOYER)
    assert case.holder.association.state is AssociationState.ASSOCIATED
    assert case.holder.association.since == approved_at


def test_a_rejected_request_goes_back_to_none(bare: Engine) -> None:
    case = unassociated(bare).fire_holder("request_association", APPLICANT, payload=REQUEST)
    case = case.fire_holder("reject_association", EMPLOYER)
    assert case.holder.association == Association()


def test_a_request_needs_the_code(bare: Engine) -> None:
    with pytest.raises(InvalidInput):
        unassociated(bare).fire_holder("request_association", APPLICANT)


def test_only_the_employer_dissociates_and_the_permit_is_suspended(bare: Engine) -> None:
    case = Case.start(BusinessType.RENEWAL, engine=bare)
    with pytest.raises(NotPermitted):
        case.fire_holder("dissociate", APPLICANT)
    case = case.fire_holder("dissociate", EMPLOYER)
    assert case.holder.association.state is AssociationState.DISSOCIATED
    assert case.holder.permit.state is PermitState.SUSPENDED
    assert case.holder.permit.changed_on == date(2026, 3, 16)


def test_dissociating_without_a_permit_leaves_the_permit_alone(bare: Engine) -> None:
    case = Case.start(BusinessType.NEW, engine=bare).fire_holder("dissociate", EMPLOYER)
    assert case.holder.permit.state is PermitState.NONE


def test_after_a_dissociation_the_holder_associates_with_the_new_employer(bare: Engine) -> None:
    case = Case.start(BusinessType.RENEWAL, engine=bare).fire_holder("dissociate", EMPLOYER)
    with pytest.raises(EventNotAllowed):
        case.fire_holder("dissociate", EMPLOYER)
    case = case.fire_holder("request_association", APPLICANT, payload=REQUEST)
    case = case.fire_holder("approve_association", Actor.employer(EMPLOYERS[2].credit_code))
    assert case.holder.association.employer == EMPLOYERS[2]
    assert case.holder.permit.state is PermitState.SUSPENDED


def test_the_holder_declares_having_left_and_the_permit_is_suspended(bare: Engine) -> None:
    case = Case.start(BusinessType.RENEWAL, engine=bare)
    with pytest.raises(NotPermitted):
        case.fire_holder("declare_leaving", EMPLOYER, payload=LeavingDeclaration(date(2026, 3, 1)))
    with pytest.raises(InvalidInput):
        case.fire_holder("declare_leaving", APPLICANT)
    case = case.fire_holder(
        "declare_leaving", APPLICANT, payload=LeavingDeclaration(date(2026, 3, 1))
    )
    assert case.holder.association.state is AssociationState.DISSOCIATED
    assert case.holder.association.left_on == date(2026, 3, 1)
    assert case.holder.permit.state is PermitState.SUSPENDED
    assert case.holder.permit.changed_on == date(2026, 3, 16)
    assert case.holder.history[-1].event == "declare_leaving"


def test_either_way_of_leaving_ends_the_association_alike(bare: Engine) -> None:
    case = Case.start(BusinessType.RENEWAL, engine=bare)
    by_employer = case.fire_holder("dissociate", EMPLOYER).holder
    by_holder = case.fire_holder(
        "declare_leaving", APPLICANT, payload=LeavingDeclaration(date(2026, 3, 16))
    ).holder
    assert by_employer.association == by_holder.association
    assert by_employer.permit == by_holder.permit
    assert by_employer.association.left_on == date(2026, 3, 16)


def test_a_new_request_forgets_the_former_leaving_day(bare: Engine) -> None:
    case = Case.start(BusinessType.RENEWAL, engine=bare).fire_holder("dissociate", EMPLOYER)
    case = case.fire_holder("request_association", APPLICANT, payload=REQUEST)
    assert case.holder.association.left_on is None


@pytest.mark.parametrize("event", ["dissociate", "declare_leaving"])
def test_no_one_ends_the_association_while_a_renewal_is_open(event: str) -> None:
    engine = Engine()
    renewal = Case.start(BusinessType.RENEWAL, engine=engine).fire("prepare", APPLICANT)
    renewal = renewal.fire("initiate", EMPLOYER)
    by = APPLICANT if event == "declare_leaving" else EMPLOYER
    payload = LeavingDeclaration(date(2026, 3, 16)) if event == "declare_leaving" else None
    with pytest.raises(Blocked) as refused:
        renewal.fire_holder(event, by, payload=payload)
    assert refused.value.context["rule_ids"] == ["CHG-010"]
    assert "撤回" in refused.value.message_zh
    approved = review_to_approval(renewal)
    left = approved.fire_holder(event, by, payload=payload)
    assert left.holder.permit.state is PermitState.SUSPENDED


def test_leaving_close_to_expiry_is_a_warning_not_a_refusal() -> None:
    engine = Engine()
    holder = valid_holder(expires_in_days=40)
    case = Case.start(BusinessType.RENEWAL, engine=engine, holder=holder)
    left = case.fire_holder("dissociate", EMPLOYER)
    assert [f.rule_id for f in left.findings] == ["CHG-005", "CHG-012"]
    assert all(f.severity is Severity.WARNING for f in left.findings)
    assert left.holder.permit.state is PermitState.SUSPENDED


@pytest.mark.parametrize("event", ["dissociate", "declare_leaving"])
def test_no_one_ends_the_association_while_its_employer_change_is_open(event: str) -> None:
    """Approved after the association ended, the change would leave a valid permit with an
    employer the holder no longer has, which no dissociation could suspend again."""
    engine = Engine()
    change = Case.start(BusinessType.EMPLOYER_CHANGE, engine=engine).fire("prepare", APPLICANT)
    change = change.fire("initiate", EMPLOYER)
    by = APPLICANT if event == "declare_leaving" else EMPLOYER
    payload = LeavingDeclaration(date(2026, 3, 16)) if event == "declare_leaving" else None
    with pytest.raises(Blocked) as refused:
        change.fire_holder(event, by, payload=payload)
    assert refused.value.context["rule_ids"] == ["CHG-010"]
    assert "撤回" in refused.value.message_zh

"""Cancellation (注销, M§7): filed by a configurable role, straight to the authority."""

from __future__ import annotations

import pytest
from oracle_tables import APPLICANT_OR_EMPLOYER, CANCELLATION, agrees_with

from permitflow.engine.engine import Engine
from permitflow.errors import InvalidInput, NotPermitted
from permitflow.machines.cancellation import cancellation_machine
from permitflow.machines.status import confirmation_slip_available
from permitflow.records.actors import Actor, Role
from permitflow.records.application import BusinessType, CancellationForm, CancellationTrigger
from permitflow.records.holder import PermitState
from permitflow.testing import AT, STRANGER_ID, Case, valid_holder

APPLICANT, EMPLOYER, AUTHORITY = Role.APPLICANT, Role.EMPLOYER, Role.AUTHORITY


def employer_files_only(levels: int) -> Engine:
    return Engine(
        rules=False, review_levels=levels,
        definitions={
            BusinessType.CANCELLATION: lambda n: cancellation_machine(n, filers={Role.EMPLOYER})
        },
    )  # fmt: skip


@pytest.mark.parametrize("filer", [APPLICANT, EMPLOYER])
def test_either_filer_files_and_approval_cancels_the_permit(bare: Engine, filer: Role) -> None:
    case = Case.start(BusinessType.CANCELLATION, engine=bare).fire("submit", filer)
    assert case.application.state == "awaiting_acceptance"
    case = case.fire("accept", AUTHORITY).fire("pass", AUTHORITY).fire("pass", AUTHORITY)
    assert case.application.state == "approved"
    definition = case.engine.definition_for(case.application, case.at)
    assert confirmation_slip_available(definition, case.application)
    assert case.holder.permit.state is PermitState.CANCELLED
    assert case.holder.open_application is None


def test_a_suspended_permit_can_be_cancelled(bare: Engine) -> None:
    holder = valid_holder(permit_state=PermitState.SUSPENDED)
    case = Case.start(BusinessType.CANCELLATION, engine=bare, holder=holder)
    case = case.fire("submit", APPLICANT).fire("accept", AUTHORITY)
    case = case.fire("pass", AUTHORITY).fire("pass", AUTHORITY)
    assert case.holder.permit.state is PermitState.CANCELLED


def test_the_filing_roles_are_configurable() -> None:
    case = Case.start(BusinessType.CANCELLATION, engine=employer_files_only(2))
    with pytest.raises(NotPermitted):
        case.fire("submit", APPLICANT)
    assert case.fire("submit", EMPLOYER).application.state == "awaiting_acceptance"


def test_a_cancellation_needs_its_trigger() -> None:
    with pytest.raises(InvalidInput):
        Engine(rules=False, review_levels=2).start(
            BusinessType.CANCELLATION, holder=valid_holder(), application_id="c", at=AT
        )


@pytest.mark.parametrize(
    ("steps", "level"),
    [((), 1), (("accept",), 1), (("accept", "pass"), 2)],
    ids=["at acceptance", "at level 1", "at level 2"],
)
def test_a_return_is_filed_again_by_a_filer(
    bare: Engine, steps: tuple[str, ...], level: int
) -> None:
    case = Case.start(BusinessType.CANCELLATION, engine=bare).fire("submit", EMPLOYER)
    for event in steps:
        case = case.fire(event, AUTHORITY)
    case = case.fire("return", AUTHORITY, opinion="请上传北京市户口本首页")
    assert case.application.history[-1].actor.level == level
    with pytest.raises(NotPermitted):
        case.fire("resubmit", Actor.applicant(STRANGER_ID))
    with pytest.raises(NotPermitted):
        case.fire("resubmit", AUTHORITY, level=1)
    corrected = CancellationForm(CancellationTrigger.BEIJING_HUKOU)
    case = case.fire("resubmit", APPLICANT, payload=corrected)
    assert case.application.state == "awaiting_acceptance"
    assert case.application.form == corrected


def test_the_machine_with_employer_filers_agrees_with_its_table() -> None:
    employer_only = {
        key: (dest, (who - APPLICANT_OR_EMPLOYER) | {"employer"} if who & APPLICANT_OR_EMPLOYER
              else who)
        for key, (dest, who) in CANCELLATION.items()
    }
    agrees_with(
        BusinessType.CANCELLATION, employer_only, engine=employer_files_only(2), examples=30
    )

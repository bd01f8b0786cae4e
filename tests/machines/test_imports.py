"""Imported facts enter the record through holder events: one audit entry, one version, an
idempotency key — tax and insurance months, the labour contract, the residence proof and the
employer's flags."""

from __future__ import annotations

import json
from datetime import date, timedelta

import attrs
import pytest

from permitflow.cancellation_due import CancellationDue, cancellation_due
from permitflow.engine.engine import Engine
from permitflow.engine.snapshot import from_dict, to_dict
from permitflow.errors import Blocked, InvalidInput, NotPermitted
from permitflow.records.actors import Actor, Role
from permitflow.records.application import BusinessType, CancellationTrigger
from permitflow.records.holder import (
    EmployerFlags,
    IncomeMonth,
    InsuranceMonth,
    LabourContract,
    PaymentsImport,
    ProofKind,
    PropertyUse,
    ResidenceProof,
)
from permitflow.testing import AT, EMPLOYERS, Case, valid_holder

PORTAL = Actor.system("portal import")
HAIDIAN = Engine()
CODE = EMPLOYERS[0].credit_code


def test_payments_replace_the_months_with_one_audit_entry() -> None:
    holder = valid_holder()
    months = PaymentsImport(
        income=(IncomeMonth(date(2026, 2, 1), CODE, 2_600_000),),
        insurance=(InsuranceMonth(date(2026, 2, 1), CODE),),
    )
    outcome = HAIDIAN.fire_holder(holder, "record_payments", actor=PORTAL, at=AT,
                                  payload=months, idempotency_key="tax-2026-02")  # fmt: skip
    after = outcome.holder
    assert after.employment.income == months.income
    assert after.employment.insurance == months.insurance
    assert after.version == holder.version + 1
    assert after.history[-1].event == "record_payments"
    assert after.history[-1].actor == PORTAL
    later = AT + timedelta(minutes=1)
    again = HAIDIAN.fire_holder(after, "record_payments", actor=PORTAL, at=later,
                                payload=months, idempotency_key="tax-2026-02")  # fmt: skip
    assert again.replayed
    assert again.holder == after


@pytest.mark.parametrize(
    ("event", "payload", "read"),
    [
        ("record_contract", LabourContract(CODE, date(2015, 7, 1), date(2030, 6, 30)),
         lambda h: h.employment.contract),
        ("record_residence_proof",
         ResidenceProof(ProofKind.LEASE, "北京市海淀区学院路1号", PropertyUse.RESIDENTIAL),
         lambda h: h.residence),
    ],
)  # fmt: skip
def test_the_contract_and_the_residence_proof_are_recorded(
    event: str, payload: object, read: object
) -> None:
    after = HAIDIAN.fire_holder(valid_holder(), event, actor=PORTAL, at=AT, payload=payload)
    assert read(after.holder) == payload  # type: ignore[operator]
    assert from_dict(json.loads(json.dumps(to_dict(after.holder)))) == after.holder


def test_only_the_portal_imports_facts() -> None:
    holder = valid_holder()
    with pytest.raises(NotPermitted):
        HAIDIAN.fire_holder(holder, "record_contract", actor=Actor.applicant(holder.holder_id),
                            at=AT, payload=LabourContract(CODE, date(2015, 7, 1)))  # fmt: skip
    with pytest.raises(InvalidInput):
        HAIDIAN.fire_holder(holder, "record_contract", actor=PORTAL, at=AT)


def test_the_employer_flags_are_those_of_the_associated_employer() -> None:
    holder = valid_holder()
    with pytest.raises(InvalidInput):
        HAIDIAN.fire_holder(holder, "record_employer_flags", actor=PORTAL, at=AT,
                            payload=EmployerFlags(EMPLOYERS[1].credit_code))  # fmt: skip


def test_an_employer_recorded_as_moved_out_makes_the_cancellation_due() -> None:
    moved = EmployerFlags(CODE, in_beijing=False, moved_out_on=date(2026, 3, 10))
    holder = HAIDIAN.fire_holder(valid_holder(), "record_employer_flags", actor=PORTAL, at=AT,
                                 payload=moved).holder  # fmt: skip
    assert holder.association.employer is not None
    assert not holder.association.employer.in_beijing
    assert cancellation_due(holder, AT.date()) == (
        CancellationDue(CancellationTrigger.EMPLOYER_LEFT_BEIJING, date(2026, 3, 10)),
    )
    case = Case.start(BusinessType.RENEWAL, engine=HAIDIAN, holder=holder)
    with pytest.raises(Blocked) as refused:
        case.fire("prepare", Role.APPLICANT)
    assert "CAN-005" in refused.value.context["rule_ids"]
    assert attrs.evolve(holder.association.employer, in_beijing=True, moved_out_on=None) == (
        EMPLOYERS[0]
    )

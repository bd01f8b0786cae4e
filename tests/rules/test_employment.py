"""EMP: the employer, the association and the employment relation (M§2-§4, M§7)."""

from __future__ import annotations

from rules_fixtures import (
    OTHER_EMPLOYER_CODE,
    application,
    context,
    expect,
    new_applicant,
    valid_holder,
)

from permitflow.records.application import BusinessType
from permitflow.records.holder import HolderRecord
from permitflow.rules.finding import Status
from permitflow.rules.rule import RuleContext

NEW = BusinessType.NEW
PASSED, FAILED = Status.PASSED, Status.FAILED


def submit(holder: HolderRecord, kind: BusinessType = NEW) -> RuleContext:
    return context(holder, application(kind), "submit")


def test_emp_001_the_employer_has_haidian_handling_permission() -> None:
    expect("EMP-001", submit(new_applicant()), PASSED)
    closed = new_applicant(**{"association.employer.handling_permission": False})
    (finding,) = expect("EMP-001", submit(closed), FAILED)
    assert finding.facts_dict() == {"employer": "北京海淀示例科技有限公司"}


def test_emp_002_nothing_before_the_employer_approved_the_association() -> None:
    expect("EMP-002", submit(new_applicant()), PASSED)
    (finding,) = expect(
        "EMP-002", submit(new_applicant(**{"association.state": "requested"})), FAILED
    )
    assert finding.facts_dict() == {"state": "requested"}


def test_emp_003_an_association_carries_the_employers_code() -> None:
    expect("EMP-003", submit(new_applicant()), PASSED)
    expect("EMP-003", submit(new_applicant(**{"association.code": None})), FAILED)
    expect("EMP-003", submit(new_applicant(**{"association.code": "  "})), FAILED)
    never_linked = new_applicant(**{"association.state": "none", "association.code": None})
    expect("EMP-003", submit(never_linked), PASSED)


def test_emp_004_no_third_party_payroll_and_a_labour_contract() -> None:
    expect("EMP-004", submit(new_applicant()), PASSED)
    agency = new_applicant(**{"employment.third_party_payroll": True})
    (finding,) = expect("EMP-004", submit(agency), FAILED)
    assert finding.field == "employment.third_party_payroll"
    expect("EMP-004", submit(new_applicant(**{"employment.contract": None})), FAILED)


def test_emp_005_one_employer_applies_contracts_withholds_and_pays() -> None:
    expect("EMP-005", submit(valid_holder(), BusinessType.RENEWAL), PASSED)
    for path in (
        "employment.contract.employer_credit_code",
        "employment.income.35.withholder_credit_code",
        "employment.insurance.35.payer_credit_code",
    ):
        holder = valid_holder(**{path: OTHER_EMPLOYER_CODE})
        (finding,) = expect("EMP-005", submit(holder, BusinessType.RENEWAL), FAILED)
        assert OTHER_EMPLOYER_CODE in finding.message_en


def test_emp_005_only_the_latest_month_is_compared() -> None:
    older = valid_holder(**{"employment.insurance.34.payer_credit_code": OTHER_EMPLOYER_CODE})
    expect("EMP-005", submit(older), PASSED)
    # Record order does not matter: the latest month is found by its date.
    holder = valid_holder()
    shuffled = valid_holder(
        **{"employment.insurance": tuple(reversed(holder.employment.insurance))}
    )
    expect("EMP-005", submit(shuffled), PASSED)


def test_emp_005_codes_are_compared_normalised() -> None:
    spaced = valid_holder(**{"employment.contract.employer_credit_code": "91110108 ma01abcd5t"})
    expect("EMP-005", submit(spaced), PASSED)


def test_emp_005_without_tax_or_insurance_records_fails() -> None:
    expect("EMP-005", submit(valid_holder(**{"employment.insurance": ()})), FAILED)
    expect("EMP-005", submit(valid_holder(**{"employment.income": ()})), FAILED)


def test_emp_006_and_emp_007_are_enforced_by_the_machines() -> None:
    dissociate = context(
        valid_holder(), None, "dissociate", business_type=BusinessType.EMPLOYER_CHANGE
    )
    (finding,) = expect("EMP-006", dissociate, PASSED)
    assert "employer role" in finding.facts_dict()["enforced_by"]
    expect("EMP-007", submit(valid_holder(), BusinessType.EMPLOYER_CHANGE), PASSED)

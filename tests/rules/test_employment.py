"""EMP: the employer, the association and the employment relation (M§2-§4, M§7)."""

from __future__ import annotations

from rules_fixtures import (
    EMPLOYER_CODE,
    EMPLOYER_NAME,
    OTHER_EMPLOYER_CODE,
    REMOVED,
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
    assert finding.facts_dict() == {"employer": EMPLOYER_CODE}
    assert f"“{EMPLOYER_NAME}（{EMPLOYER_CODE}）”尚未开通" in finding.message_zh


def test_emp_001_without_any_employer_asks_for_the_association_first() -> None:
    alone = new_applicant(**{"association.employer": REMOVED, "association.state": "none"})
    (finding,) = expect("EMP-001", submit(alone), FAILED)
    assert finding.field == "association.employer"
    assert finding.message_zh.startswith("尚未关联聘用单位")


def test_emp_002_nothing_before_the_employer_approved_the_association() -> None:
    expect("EMP-002", submit(new_applicant()), PASSED)
    (finding,) = expect(
        "EMP-002", submit(new_applicant(**{"association.state": "requested"})), FAILED
    )
    assert "已申请关联" in finding.message_zh
    assert "待单位批复" in finding.message_zh
    assert EMPLOYER_NAME in finding.message_zh


def test_emp_002_says_why_there_is_no_approved_association() -> None:
    none = new_applicant(**{"association.state": "none"})
    (finding,) = expect("EMP-002", submit(none), FAILED)
    assert finding.message_zh.startswith("尚未申请单位关联")
    ended = new_applicant(**{"association.state": "dissociated"})
    (finding,) = expect("EMP-002", submit(ended), FAILED)
    assert "单位关联已解除" in finding.message_zh
    assert "已申请关联" not in finding.message_zh


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
    assert "第三方代扣代缴" in finding.message_zh
    assert f"{EMPLOYER_NAME}（{EMPLOYER_CODE}）" in finding.message_zh


def test_emp_004_without_a_contract_says_the_contract_is_missing() -> None:
    (finding,) = expect("EMP-004", submit(new_applicant(**{"employment.contract": None})), FAILED)
    assert finding.field == "employment.contract"
    assert finding.message_zh.startswith("尚无劳动合同记录")
    assert "第三方" not in finding.message_zh
    assert "third party" not in finding.message_en.split(";")[0]


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
        assert f"{EMPLOYER_NAME}（{EMPLOYER_CODE}）" in finding.message_zh


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

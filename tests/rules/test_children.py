"""CHD-001..007 and MAR-001..004: accompanying children and the marriage materials behind them.

``resident_number`` and ``child`` build valid identities for the other test modules too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest
from rules_fixtures import AT, REMOVED, application, context, evaluate, expect, pdf, valid_holder
from test_review import with_trail

from permitflow.records.application import BusinessType
from permitflow.records.holder import Child, MaritalStatus
from permitflow.rules.finding import Status

CHANGE = BusinessType.BUSINESS_CHANGE
NEW = BusinessType.NEW
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_number(birth: date, *, male: bool = True, area: str = "420106") -> str:
    """A valid 18-character resident id number (GB 11643) for a birth date and sex."""
    body = f"{area}{birth:%Y%m%d}{'001' if male else '002'}"
    total = sum(int(digit) * weight for digit, weight in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def child(birth: date = date(2016, 6, 1), **changes: Any) -> Child:
    """A complete accompanying child: domestic, non-Beijing, both uploads present."""
    base = Child(
        name="张小明",
        resident_id=resident_number(birth, area="420106"),
        relationship="子",
        birth_certificate_number="P420123456",
        unit="武汉市第一小学",
        birth_date=birth,
        hukou_province_code="42",
        birth_certificate_file=pdf("birth.pdf"),
        hukou_page_file=pdf("hukou.pdf"),
    )
    return attrs.evolve(base, **changes)


def change(*children: Child, **fields: Any) -> Any:
    """A business-information change declaring ``children``, instructions confirmed."""
    return application(CHANGE, children=children, instructions_confirmed=True, **fields)


# --- CHD ---------------------------------------------------------------------------------------


def test_chd_001_the_day_before_the_18th_birthday_is_still_a_minor() -> None:
    app = change(child(date(2008, 3, 17)))
    expect("CHD-001", context(valid_holder(), app, "submit"), Status.PASSED)


def test_chd_001_on_the_18th_birthday_the_child_is_an_adult() -> None:
    findings = expect("CHD-001", context(valid_holder(), change(child(date(2008, 3, 16))),
                                         "submit"), Status.FAILED)  # fmt: skip
    assert findings[0].facts_dict()["adult_on"] == "2026-03-16"
    assert findings[0].field == "form.children[0]"


def test_chd_001_judges_on_the_day_of_the_resubmission() -> None:
    # First submitted in February; resubmitted on 2026-03-16, after the child turned 18 on
    # 2026-03-10: the child cannot get onto the permit with the corrected file.
    submitted = AT.replace(month=2)
    app = change(child(date(2008, 3, 10)), submitted_at=submitted)
    expect("CHD-001", context(valid_holder(), app, "resubmit"), Status.FAILED)
    # Turning 18 on the day after the resubmission: still a minor on it.
    app = change(child(date(2008, 3, 17)), submitted_at=submitted)
    expect("CHD-001", context(valid_holder(), app, "resubmit"), Status.PASSED)


def test_chd_001_judges_each_child() -> None:
    app = change(child(), child(date(2007, 1, 1), name="张大明"))
    findings = expect("CHD-001", context(valid_holder(), app, "submit"), Status.FAILED)
    assert [f.status for f in findings] == [Status.PASSED, Status.FAILED]


@pytest.mark.parametrize("business", [CHANGE, NEW])
def test_chd_002_a_domestic_non_beijing_child_passes(business: BusinessType) -> None:
    app = application(business, children=(child(),))
    expect("CHD-002", context(valid_holder(), app, "submit"), Status.PASSED)


@pytest.mark.parametrize(
    "changes", [{"hukou_province_code": "11"}, {"domestic": False}], ids=["beijing", "foreign"]
)
def test_chd_002_a_beijing_or_foreign_child_fails(changes: dict[str, Any]) -> None:
    app = change(child(**changes))
    expect("CHD-002", context(valid_holder(), app, "submit"), Status.FAILED)


def test_chd_003_every_required_field_filled_passes() -> None:
    expect("CHD-003", context(valid_holder(), change(child()), "submit"), Status.PASSED)


def test_chd_003_a_blank_field_fails() -> None:
    app = change(child(birth_certificate_number=" ", unit=""))
    findings = expect("CHD-003", context(valid_holder(), app, "submit"), Status.FAILED)
    assert findings[0].facts_dict()["missing"] == "birth_certificate_number, unit"
    assert "未填写：出生证明编号、工作(学习)单位。" in findings[0].message_zh


@pytest.mark.parametrize("business", [CHANGE, NEW])
def test_chd_004_both_uploads_present_pass(business: BusinessType) -> None:
    app = application(business, children=(child(),))
    expect("CHD-004", context(valid_holder(), app, "submit"), Status.PASSED)


@pytest.mark.parametrize("business", [CHANGE, NEW])
def test_chd_004_a_missing_hukou_page_fails(business: BusinessType) -> None:
    app = application(business, children=(child(hukou_page_file=None),))
    findings = expect("CHD-004", context(valid_holder(), app, "submit"), Status.FAILED)
    assert "”未上传“子女户口本页”。请上传后再提交。" in findings[0].message_zh
    assert "系根据手册推断" in findings[0].message_zh


def test_chd_004_names_both_missing_uploads() -> None:
    app = application(CHANGE, children=(child(hukou_page_file=None, birth_certificate_file=None),))
    (finding,) = expect("CHD-004", context(valid_holder(), app, "submit"), Status.FAILED)
    assert "未上传“子女医学出生证明”和“子女户口本页”" in finding.message_zh
    app = application(CHANGE, children=(child(birth_certificate_file=None),))
    (finding,) = expect("CHD-004", context(valid_holder(), app, "submit"), Status.FAILED)
    assert "未上传“子女医学出生证明”。" in finding.message_zh


def test_chd_005_confirmed_instructions_and_a_change_of_children_pass() -> None:
    expect("CHD-005", context(valid_holder(), change(child()), "submit"), Status.PASSED)


def test_chd_005_unconfirmed_instructions_fail() -> None:
    app = application(CHANGE, children=(child(),))
    expect("CHD-005", context(valid_holder(), app, "submit"), Status.FAILED)


def test_chd_005_children_the_permit_already_records_fail() -> None:
    holder = valid_holder(permit=attrs.evolve(valid_holder().permit, children=(child(),)))
    expect("CHD-005", context(holder, change(child()), "submit"), Status.FAILED)


def test_chd_006_resubmission_after_a_return_passes() -> None:
    app = with_trail(change(child(), state="returned"), "submit", "employer_approve", "accept",
                     ("return", "出生证明不清晰"))  # fmt: skip
    expect("CHD-006", context(valid_holder(), app, "resubmit"), Status.PASSED)


def test_chd_006_resubmission_without_a_return_fails() -> None:
    app = with_trail(change(child(), state="employer_review"), "submit")
    expect("CHD-006", context(valid_holder(), app, "resubmit"), Status.FAILED)


def test_chd_007_an_address_naming_its_district_once_passes() -> None:
    expect("CHD-007", context(valid_holder(), change(child()), "submit"), Status.PASSED)


def test_chd_007_an_address_repeating_its_district_fails() -> None:
    holder = valid_holder(**{"profile.general.address": "北京市海淀区海淀区中关村大街27号"})
    findings = expect("CHD-007", context(holder, change(child()), "submit"), Status.FAILED)
    assert findings[0].facts_dict()["repeated"] == "海淀区"


def test_chd_007_an_address_repeating_the_selected_district_fails() -> None:
    holder = valid_holder(**{"profile.general.address_district": "海淀区"})
    expect("CHD-007", context(holder, change(child()), "submit"), Status.FAILED)


# --- MAR ---------------------------------------------------------------------------------------


def _status(status: MaritalStatus, **overrides: Any) -> Any:
    return valid_holder(**{"profile.general.marital_status": status, **overrides})


def test_mar_001_married_with_the_marriage_certificate_passes() -> None:
    expect("MAR-001", context(valid_holder(), change(child()), "submit"), Status.PASSED)


def test_mar_001_married_without_the_marriage_certificate_fails() -> None:
    holder = valid_holder(**{"attachments.marriage": REMOVED})
    expect("MAR-001", context(holder, change(child()), "submit"), Status.FAILED)


def test_mar_002_unmarried_with_the_employer_remark_passes() -> None:
    holder = _status(MaritalStatus.UNMARRIED, **{"attachments.marriage": REMOVED})
    app = change(child(), employer_remark="申请人未婚，子女由其抚养，特此说明。")
    expect("MAR-002", context(holder, app, "employer_approve"), Status.PASSED)


def test_mar_002_unmarried_without_the_employer_remark_fails() -> None:
    holder = _status(MaritalStatus.UNMARRIED)
    expect("MAR-002", context(holder, change(child()), "employer_approve"), Status.FAILED)


def test_mar_003_divorced_with_agreement_and_custody_passes_at_filing() -> None:
    holder = _status(
        MaritalStatus.DIVORCED, **{"attachments.marriage.document": "divorce_agreement"}
    )
    app = change(child(), custody_to_applicant=True)
    expect("MAR-003", context(holder, app, "submit"), Status.PASSED)


def test_mar_003_the_reviewer_confirms_the_agreement_when_passing() -> None:
    holder = _status(MaritalStatus.DIVORCED)
    app = change(child(), custody_to_applicant=True, state="authority_review_1")
    expect("MAR-003", context(holder, app, "pass"), Status.NEEDS_ATTESTATION)
    attested = change(
        child(), custody_to_applicant=True, state="authority_review_1", attested=["MAR-003"]
    )
    expect("MAR-003", context(holder, attested, "pass"), Status.PASSED)


@pytest.mark.parametrize("custody", [False, None])
def test_mar_003_custody_not_with_the_applicant_fails(custody: bool | None) -> None:
    holder = _status(MaritalStatus.DIVORCED)
    app = change(child(), custody_to_applicant=custody)
    expect("MAR-003", context(holder, app, "submit"), Status.FAILED)


def test_mar_003_without_the_divorce_agreement_fails() -> None:
    holder = _status(MaritalStatus.DIVORCED, **{"attachments.marriage": REMOVED})
    app = change(child(), custody_to_applicant=True)
    expect("MAR-003", context(holder, app, "submit"), Status.FAILED)


def test_mar_004_remarriage_needs_the_reviewer_to_accept_the_proof() -> None:
    holder = _status(MaritalStatus.REMARRIED)
    app = change(child(), state="authority_review_1")
    findings = expect("MAR-004", context(holder, app, "pass"), Status.NEEDS_ATTESTATION)
    assert findings[0].message_zh.startswith("申请人再婚：")
    adopted = change(child(relationship="养女"), state="authority_review_1")
    findings = expect("MAR-004", context(holder, adopted, "pass"), Status.NEEDS_ATTESTATION)
    assert findings[0].message_zh.startswith("申请人再婚，且随往子女“张小明”为领养或继养子女")


def test_mar_004_an_adopted_child_needs_the_reviewer_to_accept_the_proof() -> None:
    app = change(child(relationship="养女"), state="authority_review_1")
    findings = expect("MAR-004", context(valid_holder(), app, "pass"), Status.NEEDS_ATTESTATION)
    assert findings[0].facts_dict()["children"] == "张小明"


def test_mar_004_an_accepted_proof_passes() -> None:
    holder = _status(MaritalStatus.REMARRIED)
    app = change(child(), state="authority_review_1", attested=["MAR-004"])
    expect("MAR-004", context(holder, app, "pass"), Status.PASSED)


def test_marriage_rules_do_not_apply_without_children() -> None:
    holder = _status(MaritalStatus.DIVORCED, **{"attachments.marriage": REMOVED})
    app = application(CHANGE, instructions_confirmed=True, state="authority_review_1")
    for rule_id, event in (("MAR-001", "submit"), ("MAR-003", "submit"), ("MAR-004", "pass")):
        assert evaluate(rule_id, context(holder, app, event)) == ()

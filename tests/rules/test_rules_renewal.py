"""REN-001..008: the renewal's evidence window, its deadline and its steps."""

from __future__ import annotations

from datetime import date, datetime

import attrs
import pytest
from rules_fixtures import (
    AT,
    EMPLOYER_CODE,
    OTHER_EMPLOYER_CODE,
    application,
    context,
    expect,
    on,
    valid_holder,
)

from permitflow.errors import CalendarEstimateWarning
from permitflow.records.actors import Role
from permitflow.records.application import BusinessType
from permitflow.records.holder import IncomeMonth, OpenApplication, PermitState
from permitflow.rules.finding import Status
from permitflow.rules.rule import RuleContext

RENEWAL = BusinessType.RENEWAL
FULL_WINDOW = {"permit.issued_on": date(2023, 3, 16)}
"""Issued 36 months before AT: the whole evidence window 2023-03..2026-02 lies in the validity."""


def renewal_context(at: datetime = AT, event: str = "initiate", **overrides: object) -> RuleContext:
    app = application(RENEWAL, employer_checked=True, at=at)
    return context(valid_holder(**overrides), app, event, at)


def test_ren_001_is_checked_by_emp_005() -> None:
    findings = expect("REN-001", renewal_context(), Status.PASSED)
    assert "EMP-005" in findings[0].facts_dict()["enforced_by"]


# --- REN-002: 36 months of non-zero taxable income ------------------------------------------


def test_ren_002_thirty_six_months_all_non_zero_pass() -> None:
    findings = expect("REN-002", renewal_context(**FULL_WINDOW), Status.PASSED)
    assert findings[0].facts_dict() == {"window": "2023-03..2026-02", "months": "36"}


def test_ren_002_one_zero_month_fails() -> None:
    ctx = renewal_context(**FULL_WINDOW, **{"employment.income.5.taxable_income_cents": 0})
    findings = expect("REN-002", ctx, Status.FAILED)
    assert findings[0].facts_dict()["zero_months"] == "2023-08"


def test_ren_002_a_missing_month_counts_as_zero() -> None:
    ctx = renewal_context(**FULL_WINDOW, **{"employment.income.0": attrs.NOTHING})
    findings = expect("REN-002", ctx, Status.FAILED)
    assert findings[0].facts_dict()["zero_months"] == "2023-03"


def test_ren_002_the_month_of_submission_is_outside_the_window() -> None:
    holder = valid_holder(**FULL_WINDOW)
    income = (*holder.employment.income, IncomeMonth(date(2026, 3, 1), EMPLOYER_CODE, 0))
    holder = attrs.evolve(holder, employment=attrs.evolve(holder.employment, income=income))
    ctx = context(holder, application(RENEWAL, employer_checked=True), "initiate")
    expect("REN-002", ctx, Status.PASSED)


def test_ren_002_months_before_the_permit_was_issued_do_not_count() -> None:
    # The default permit was issued 2024-01-01: a zero month in 2023 is outside "持证期间".
    ctx = renewal_context(**{"employment.income.5.taxable_income_cents": 0})
    findings = expect("REN-002", ctx, Status.PASSED)
    assert findings[0].facts_dict()["window"] == "2024-01..2026-02"


# --- REN-003: social insurance without gaps, on time, in full ---------------------------------


def test_ren_003_continuous_insurance_passes_at_initiation() -> None:
    expect("REN-003", renewal_context(), Status.PASSED)


def test_ren_003_a_gap_fails() -> None:
    ctx = renewal_context(**{"employment.insurance.20": attrs.NOTHING})
    findings = expect("REN-003", ctx, Status.FAILED)
    assert findings[0].facts_dict()["gaps"] == "2024-11"
    assert "2024-01 至 2026-02的社会保险有断缴月份：2024-11。" in findings[0].message_zh
    both = renewal_context(
        **{"employment.insurance.20": attrs.NOTHING, "employment.insurance.30.back_paid": True}
    )
    (finding,) = expect("REN-003", both, Status.FAILED)
    assert "断缴月份：2024-11，另有补缴月份：2025-10" in finding.message_zh


def test_ren_003_payment_in_full_is_attested_by_the_reviewer() -> None:
    expect("REN-003", renewal_context(event="pass"), Status.NEEDS_ATTESTATION)
    app = application(RENEWAL, "authority_review_1", attested=["REN-003"])
    expect("REN-003", context(valid_holder(), app, "pass"), Status.PASSED)


def test_ren_003_back_paid_months_are_listed_for_the_reviewer() -> None:
    ctx = renewal_context(event="pass", **{"employment.insurance.30.back_paid": True})
    findings = expect("REN-003", ctx, Status.NEEDS_ATTESTATION)
    assert findings[0].facts_dict()["back_paid"] == "2025-09"


def test_ren_003_back_paid_months_fail_when_the_rule_set_refuses_them() -> None:
    ctx = renewal_context(**{"employment.insurance.30.back_paid": True})
    refusing = attrs.evolve(ctx, params={**ctx.params, "renewal.back_paid_months": "refuse"})
    (finding,) = expect("REN-003", refusing, Status.FAILED)
    assert "有补缴月份：2025-09" in finding.message_zh
    assert "断缴" not in finding.message_zh


# --- REN-004: unfiled employer changes ----------------------------------------------------------


def test_ren_004_one_employer_throughout_passes() -> None:
    expect("REN-004", renewal_context(), Status.PASSED)


def test_ren_004_another_payer_during_the_validity_fails() -> None:
    ctx = renewal_context(**{"employment.insurance.30.payer_credit_code": OTHER_EMPLOYER_CODE})
    findings = expect("REN-004", ctx, Status.FAILED)
    assert findings[0].facts_dict()["others"] == OTHER_EMPLOYER_CODE
    assert findings[0].facts_dict()["since"] == "2025-09"


def test_ren_004_another_payer_before_the_last_employer_change_was_approved_passes() -> None:
    ctx = renewal_context(
        **{
            "employment.income.30.withholder_credit_code": OTHER_EMPLOYER_CODE,
            "permit.employer_set_on": date(2025, 10, 20),
            "permit.changed_on": date(2025, 10, 20),
        }
    )
    expect("REN-004", ctx, Status.PASSED)


def test_ren_004_another_payer_after_the_last_employer_change_was_approved_fails() -> None:
    # 2025-09 is month 30 of the window; the employer was last set in August.
    ctx = renewal_context(
        **{
            "employment.income.30.withholder_credit_code": OTHER_EMPLOYER_CODE,
            "permit.employer_set_on": date(2025, 8, 20),
        }
    )
    expect("REN-004", ctx, Status.FAILED)


def test_ren_004_an_approved_address_change_does_not_hide_an_unfiled_employer_change() -> None:
    # The permit's data last changed on 2025-10-20 (an address), its employer was set at issue:
    # another withholder in 2025-09 is still an employer change never filed.
    ctx = renewal_context(
        **{
            "employment.income.30.withholder_credit_code": OTHER_EMPLOYER_CODE,
            "permit.changed_on": date(2025, 10, 20),
        }
    )
    findings = expect("REN-004", ctx, Status.FAILED)
    assert findings[0].facts_dict()["others"] == OTHER_EMPLOYER_CODE
    assert findings[0].facts_dict()["since"] == "2025-09"


# --- REN-005: 20 working days before expiry ------------------------------------------------------


def test_ren_005_exactly_20_working_days_before_expiry_passes() -> None:
    ctx = renewal_context(on(date(2026, 6, 1)), **{"permit.expires_on": date(2026, 6, 30)})
    findings = expect("REN-005", ctx, Status.PASSED)
    assert findings[0].facts_dict()["deadline"] == "2026-06-01"


def test_ren_005_19_working_days_before_expiry_fails() -> None:
    ctx = renewal_context(on(date(2026, 6, 2)), **{"permit.expires_on": date(2026, 6, 30)})
    findings = expect("REN-005", ctx, Status.FAILED)
    assert "最晚提交日为 2026-06-01" in findings[0].message_zh
    assert "节假日安排尚未公布" not in findings[0].message_zh


def test_ren_005_counts_an_official_make_up_sunday_as_a_working_day() -> None:
    expiry = {"permit.expires_on": date(2025, 10, 31)}
    expect("REN-005", renewal_context(on(date(2025, 9, 28)), **expiry), Status.PASSED)
    expect("REN-005", renewal_context(on(date(2025, 9, 29)), **expiry), Status.FAILED)


def test_ren_005_far_from_expiry_needs_no_calendar() -> None:
    findings = expect("REN-005", renewal_context(), Status.PASSED)
    assert "deadline" not in findings[0].facts_dict()


def test_ren_005_an_estimated_deadline_warns_and_says_so() -> None:
    # 25-31 December counts as estimated until the next year's holiday notice is in the data.
    with pytest.warns(CalendarEstimateWarning):
        findings = expect("REN-005", renewal_context(on(date(2026, 12, 4))), Status.FAILED)
    assert "节假日安排尚未公布" in findings[0].message_zh
    assert "estimated working days" in findings[0].message_en


def test_ren_005_judges_the_first_submission_day() -> None:
    app = application(RENEWAL, "returned", employer_checked=True, submitted_at=on(date(2026, 6, 1)))
    holder = valid_holder(**{"permit.expires_on": date(2026, 6, 30)})
    expect("REN-005", context(holder, app, "reinitiate", on(date(2026, 6, 10))), Status.PASSED)


# --- REN-006: an expired permit cannot be restored ---------------------------------------------


def test_ren_006_on_the_expiry_date_the_permit_is_still_valid() -> None:
    expiry = {"permit.expires_on": date(2026, 6, 30)}
    expect("REN-006", renewal_context(on(date(2026, 6, 30)), "accept", **expiry), Status.PASSED)


def test_ren_006_the_day_after_the_expiry_date_fails() -> None:
    expiry = {"permit.expires_on": date(2026, 6, 30)}
    expect("REN-006", renewal_context(on(date(2026, 7, 1)), "pass", **expiry), Status.FAILED)


def renewal_open(state: str, withdrawable_by: tuple[Role, ...]) -> OpenApplication:
    return OpenApplication(
        "app-renewal-1", "renewal", state=state, business_zh="续签", business_en="Renewal",
        state_zh=state, state_en=state, withdrawable_by=withdrawable_by,
    )  # fmt: skip


def test_ren_006_with_no_marker_tells_the_holder_to_apply_anew() -> None:
    expiry = {"permit.expires_on": date(2026, 6, 30)}
    (finding,) = expect("REN-006", renewal_context(on(date(2026, 7, 1)), "initiate", **expiry),
                        Status.FAILED)  # fmt: skip
    assert finding.message_zh == (
        "证件有效期至 2026-06-30，2026-07-01 已过期，一旦过期无法恢复，不能再续签或变更单位；"
        "如仍符合条件，请重新办理新办业务。"
    )


def test_ren_006_the_moot_renewal_itself_is_withdrawn_or_closed_before_applying_anew() -> None:
    overrides = {"permit.expires_on": date(2026, 6, 30),
                 "open_application": renewal_open("ready", (Role.APPLICANT, Role.EMPLOYER))}
    ctx = renewal_context(on(date(2026, 7, 1)), "initiate", **overrides)  # fmt: skip
    (finding,) = expect("REN-006", ctx, Status.FAILED)
    assert finding.message_zh == (
        "证件已过期（有效期至 2026-06-30），一旦过期无法恢复，不能再续签或变更单位，续签业务"
        "（编号“app-renewal-1”）已无法办结。如仍符合条件，请由申请人或聘用单位撤回该申请，"
        "或待系统自动结束该申请后，再重新办理新办业务。"
    )


def test_ren_006_an_accepted_renewal_is_closed_by_the_system() -> None:
    overrides = {"permit.expires_on": date(2026, 6, 30),
                 "open_application": renewal_open("authority_review_1", ())}
    ctx = renewal_context(on(date(2026, 7, 1)), "pass", **overrides)  # fmt: skip
    (finding,) = expect("REN-006", ctx, Status.FAILED)
    assert "不能撤回，将由系统自动结束" in finding.message_zh
    assert "撤回该申请" not in finding.message_zh


def test_ren_006_with_a_new_application_open_says_it_is_on_its_way() -> None:
    new_open = OpenApplication(
        "app-new-2", "new", state="employer_review", business_zh="新办", business_en="New",
        state_zh="聘用单位审核中", state_en="With the employer",
    )  # fmt: skip
    overrides = {"permit.expires_on": date(2026, 6, 30), "open_application": new_open}
    ctx = renewal_context(on(date(2026, 7, 1)), "initiate", **overrides)
    (finding,) = expect("REN-006", ctx, Status.FAILED)
    assert "新办业务（编号“app-new-2”）已在办理中" in finding.message_zh


def test_ren_006_applies_to_an_employer_change_too() -> None:
    holder = valid_holder(
        **{"permit.expires_on": date(2026, 3, 15), "permit.state": PermitState.SUSPENDED}
    )
    app = application(BusinessType.EMPLOYER_CHANGE)
    expect("REN-006", context(holder, app, "initiate"), Status.FAILED)


# --- REN-007, REN-008: the employer's check, the renewal's own uploads ------------------------


def test_ren_007_the_employer_checked_the_materials() -> None:
    expect("REN-007", renewal_context(), Status.PASSED)
    unchecked = context(valid_holder(), application(RENEWAL), "initiate")
    expect("REN-007", unchecked, Status.FAILED)


def test_ren_008_income_material_uploaded_on_the_issue_day_passes() -> None:
    ctx = renewal_context(**{"attachments.taxable_income.uploaded_on": date(2024, 1, 1)})
    expect("REN-008", ctx, Status.PASSED)


def test_ren_008_income_material_from_before_the_permit_fails() -> None:
    ctx = renewal_context(**{"attachments.taxable_income.uploaded_on": date(2023, 12, 31)})
    findings = expect("REN-008", ctx, Status.FAILED)
    assert findings[0].facts_dict()["slot"] == "taxable_income"

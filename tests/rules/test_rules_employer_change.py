"""CHG-001..011: the new employer takes over a suspended permit; leaving the former one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs
import pytest
from rules_fixtures import (
    AT,
    EMPLOYER_CODE,
    EMPLOYER_NAME,
    OTHER_EMPLOYER_CODE,
    REMOVED,
    application,
    apply_overrides,
    context,
    expect,
    on,
    valid_holder,
)

from permitflow.errors import CalendarEstimateWarning
from permitflow.records.actors import Role
from permitflow.records.application import Application, BusinessType
from permitflow.records.holder import (
    AssociationState,
    Employer,
    HolderRecord,
    InsuranceMonth,
    LabourContract,
    LeavingDeclaration,
    OpenApplication,
    PermitState,
    WorkRecord,
)
from permitflow.rules.finding import Severity, Status
from permitflow.rules.rule import BEIJING, RuleContext

CHANGE = BusinessType.EMPLOYER_CHANGE
NEW_NAME = "北京朝阳示例科技有限公司"
THIRD_CODE = "91110108MA03JKLM9X"
PERMIT_RECORD = WorkRecord(EMPLOYER_NAME, date(2015, 7, 1), date(2025, 12, 31), EMPLOYER_CODE)
NEW_RECORD = WorkRecord(NEW_NAME, date(2026, 1, 5), None, OTHER_EMPLOYER_CODE)


def changer(*, insured_months: int = 2, **overrides: Any) -> HolderRecord:
    """A holder who left the permit's employer at the end of 2025 and joined another in 2026."""
    holder = valid_holder(
        **{
            "permit.state": PermitState.SUSPENDED,
            "permit.changed_on": date(2025, 12, 31),
            "association.employer": Employer(OTHER_EMPLOYER_CODE, NEW_NAME),
            "profile.work_history": (PERMIT_RECORD, NEW_RECORD),
        }
    )
    old = tuple(m for m in holder.employment.insurance if m.month < date(2026, 1, 1))
    new = tuple(
        InsuranceMonth(date(2026, month, 1), OTHER_EMPLOYER_CODE)
        for month in range(1, insured_months + 1)
    )
    holder = attrs.evolve(holder, employment=attrs.evolve(holder.employment, insurance=old + new))
    return apply_overrides(holder, overrides)  # type: ignore[no-any-return]


def filed(**form: Any) -> Application:
    app = application(CHANGE, **{"employer_accepted": True, **form})
    return attrs.evolve(app, employer_id=OTHER_EMPLOYER_CODE)


def change_context(
    holder: HolderRecord | None = None, event: str = "initiate", at: datetime = AT, **form: Any
) -> RuleContext:
    return context(holder or changer(), filed(**form), event, at)


def test_chg_001_exactly_one_month_at_the_new_employer_passes() -> None:
    findings = expect("CHG-001", change_context(changer(insured_months=1)), Status.PASSED)
    assert findings[0].facts_dict()["months"] == "1"


def test_chg_001_no_month_at_the_new_employer_fails() -> None:
    findings = expect("CHG-001", change_context(changer(insured_months=0)), Status.FAILED)
    assert findings[0].facts_dict() == {
        "employer": OTHER_EMPLOYER_CODE,
        "months": "0",
        "required": "1",
    }


def test_chg_002_the_new_employer_accepted_the_holder() -> None:
    expect("CHG-002", change_context(), Status.PASSED)
    expect("CHG-002", change_context(employer_accepted=False), Status.FAILED)


def test_chg_003_the_resignation_certificate_passes_at_initiation() -> None:
    expect("CHG-003", change_context(), Status.PASSED)


def test_chg_003_the_reviewer_confirms_who_issued_it() -> None:
    expect("CHG-003", change_context(event="pass"), Status.NEEDS_ATTESTATION)


def test_chg_003_without_the_resignation_certificate_fails() -> None:
    holder = changer(**{"attachments.other": REMOVED})
    (finding,) = expect("CHG-003", change_context(holder), Status.FAILED)
    assert finding.message_zh.startswith("“其他材料”中尚未上传原单位出具的离职证明")
    assert "{uploaded_on}" not in finding.message_zh


def test_chg_003_another_document_in_other_materials_fails() -> None:
    holder = changer(**{"attachments.other.document": "patent"})
    expect("CHG-003", change_context(holder), Status.FAILED)


def test_chg_004_associated_with_the_initiating_new_employer_passes() -> None:
    expect("CHG-004", change_context(), Status.PASSED)


def test_chg_004_association_still_awaiting_approval_fails() -> None:
    holder = changer(**{"association.state": AssociationState.REQUESTED})
    expect("CHG-004", change_context(holder), Status.FAILED)


def test_chg_004_a_change_to_the_permit_employer_of_a_valid_permit_says_why_it_fails() -> None:
    holder = valid_holder()
    app = application(CHANGE, employer_accepted=True)
    (finding,) = expect("CHG-004", context(holder, app, "initiate"), Status.FAILED)
    assert finding.facts_dict() == {"employer": EMPLOYER_CODE}
    assert "就是证件所属单位，证件未挂起" in finding.message_zh
    assert EMPLOYER_NAME in finding.message_zh
    assert "permit's own employer" in finding.message_en


def test_chg_004_the_permit_employer_takes_back_a_suspended_permit() -> None:
    expect("CHG-004", returning_context(), Status.PASSED)


def test_chg_004_the_permit_employer_not_associated_again_fails() -> None:
    holder = back_with_permit_employer(**{"association.state": AssociationState.DISSOCIATED})
    (finding,) = expect("CHG-004", returning_context(holder), Status.FAILED)
    assert "申请单位关联" in finding.message_zh


# --- back to the permit's own employer --------------------------------------------------------

LEFT = WorkRecord(EMPLOYER_NAME, date(2015, 7, 1), date(2025, 12, 31), EMPLOYER_CODE)
REHIRED = WorkRecord(EMPLOYER_NAME, date(2026, 2, 2), None, EMPLOYER_CODE)
ELSEWHERE = WorkRecord(NEW_NAME, date(2026, 1, 5), date(2026, 1, 30), OTHER_EMPLOYER_CODE)


def back_with_permit_employer(**overrides: Any) -> HolderRecord:
    """A holder the permit's employer dissociated while still employing them (nothing else
    changed), associated with it again: the permit is suspended."""
    return valid_holder(
        **{"permit.state": PermitState.SUSPENDED, "permit.changed_on": date(2026, 3, 2),
           **overrides}
    )  # fmt: skip


def rehired(insured_since_back: int, **overrides: Any) -> HolderRecord:
    """A holder who left the permit's employer at the end of 2025 and was taken back (返聘) on
    2026-02-02 under a new contract, with ``insured_since_back`` months it paid since."""
    holder = back_with_permit_employer(**overrides)
    old = tuple(m for m in holder.employment.insurance if m.month < date(2026, 1, 1))
    back = tuple(
        InsuranceMonth(date(2026, month, 1), EMPLOYER_CODE)
        for month in range(2, 2 + insured_since_back)
    )
    employment = attrs.evolve(
        holder.employment,
        insurance=old + back,
        contract=LabourContract(EMPLOYER_CODE, REHIRED.start, date(2029, 2, 1)),
    )
    return attrs.evolve(holder, employment=employment)


def returning_context(holder: HolderRecord | None = None, at: datetime = AT) -> RuleContext:
    app = application(CHANGE, employer_accepted=True)
    return context(holder or back_with_permit_employer(), app, "initiate", at)


def test_chg_001_after_an_erroneous_dissociation_the_months_already_paid_count() -> None:
    (finding,) = expect("CHG-001", returning_context(), Status.PASSED)
    assert finding.facts_dict()["months"] == "36"


def test_chg_001_after_a_rehire_one_month_paid_since_passes() -> None:
    holder = rehired(1, **{"profile.work_history": (LEFT, REHIRED)})
    (finding,) = expect("CHG-001", returning_context(holder), Status.PASSED)
    assert finding.facts_dict()["months"] == "1"


def test_chg_001_after_a_rehire_the_months_before_leaving_do_not_count() -> None:
    holder = rehired(0, **{"profile.work_history": (LEFT, REHIRED)})
    (finding,) = expect("CHG-001", returning_context(holder), Status.FAILED)
    assert finding.facts_dict()["months"] == "0"
    assert "回到" in finding.message_zh
    assert "重新入职后" in finding.message_zh


def test_chg_001_a_month_paid_by_another_employer_breaks_the_run() -> None:
    holder = rehired(1, **{"profile.work_history": (LEFT, ELSEWHERE, REHIRED)})
    elsewhere = InsuranceMonth(date(2026, 1, 1), OTHER_EMPLOYER_CODE)
    insurance = (*holder.employment.insurance, elsewhere)
    holder = attrs.evolve(holder, employment=attrs.evolve(holder.employment, insurance=insurance))
    (finding,) = expect("CHG-001", returning_context(holder), Status.PASSED)
    assert finding.facts_dict()["months"] == "1"


def test_chg_001_a_contract_with_another_employer_is_no_month_back() -> None:
    holder = back_with_permit_employer(
        **{"employment.contract": LabourContract(OTHER_EMPLOYER_CODE, date(2026, 1, 5))}
    )
    expect("CHG-001", returning_context(holder), Status.FAILED)


def test_chg_007_a_holder_who_never_left_the_permit_employer_passes() -> None:
    expect("CHG-007", returning_context(), Status.PASSED)


def test_chg_007_a_rehired_holder_with_the_record_of_rejoining_passes() -> None:
    holder = rehired(1, **{"profile.work_history": (LEFT, REHIRED)})
    expect("CHG-007", returning_context(holder), Status.PASSED)


def test_chg_007_a_holder_shown_as_gone_from_the_permit_employer_fails() -> None:
    holder = rehired(1, **{"profile.work_history": (LEFT,)})
    (finding,) = expect("CHG-007", returning_context(holder), Status.FAILED)
    assert "重新入职" in finding.message_zh


def test_chg_006_a_direct_return_to_the_permit_employer_passes() -> None:
    holder = rehired(1, **{"profile.work_history": (LEFT, REHIRED)})
    expect("CHG-006", returning_context(holder), Status.PASSED)
    expect("CHG-006", returning_context(), Status.PASSED)


def test_chg_006_another_employer_before_the_return_is_filed_first() -> None:
    holder = rehired(1, **{"profile.work_history": (LEFT, ELSEWHERE, REHIRED)})
    (finding,) = expect("CHG-006", returning_context(holder), Status.FAILED)
    assert finding.facts_dict() == {"employer": EMPLOYER_CODE, "skipped": NEW_NAME, "count": "1"}
    assert "重新入职前" in finding.message_zh


def test_chg_006_and_007_a_return_before_the_next_employer_is_no_change_of_its_own() -> None:
    # Left, taken back, then left for the new employer: the return continued the permit's
    # employment, so the new employer is the next one in turn.
    later = WorkRecord(NEW_NAME, date(2026, 3, 2), None, OTHER_EMPLOYER_CODE)
    back = attrs.evolve(REHIRED, start=date(2026, 1, 10), end=date(2026, 2, 27))
    holder = changer(**{"profile.work_history": (LEFT, back, later)})
    expect("CHG-006", change_context(holder), Status.PASSED)
    expect("CHG-007", change_context(holder), Status.PASSED)


def test_emp_005_judges_the_permit_employer_like_any_other() -> None:
    expect("EMP-005", returning_context(), Status.PASSED)
    holder = back_with_permit_employer(
        **{"employment.contract": LabourContract(OTHER_EMPLOYER_CODE, date(2026, 1, 5))}
    )
    expect("EMP-005", returning_context(holder), Status.FAILED)


# --- CHG-012: dissociating a holder who still works there -------------------------------------


def dissociating(holder: HolderRecord) -> RuleContext:
    return context(holder, None, "dissociate", business_type=CHANGE)


def test_chg_012_dissociating_a_holder_whose_contract_runs_warns() -> None:
    (finding,) = expect("CHG-012", dissociating(valid_holder()), Status.FAILED)
    assert finding.severity is Severity.WARNING
    assert "解除关联后证件将挂起" in finding.message_zh
    assert EMPLOYER_NAME in finding.message_zh


@pytest.mark.parametrize(
    "contract",
    [
        LabourContract(EMPLOYER_CODE, date(2015, 7, 1), date(2026, 3, 15)),  # ended yesterday
        LabourContract(OTHER_EMPLOYER_CODE, date(2026, 1, 5)),  # works elsewhere now
    ],
    ids=["contract ended", "contract with another employer"],
)
def test_chg_012_dissociating_a_holder_who_left_passes(contract: LabourContract) -> None:
    expect("CHG-012", dissociating(valid_holder(**{"employment.contract": contract})), "passed")


def test_chg_012_a_contract_ending_today_still_runs() -> None:
    contract = LabourContract(EMPLOYER_CODE, date(2015, 7, 1), date(2026, 3, 16))
    holder = valid_holder(**{"employment.contract": contract})
    expect("CHG-012", dissociating(holder), Status.FAILED)


# --- CHG-005: renew before dissociating -------------------------------------------------------


def dissociation(day: date) -> RuleContext:
    holder = valid_holder(**{"permit.expires_on": date(2026, 6, 30)})
    return context(holder, None, "dissociate", on(day), business_type=CHANGE)


def test_chg_005_leaving_a_month_before_the_last_filing_day_passes() -> None:
    # Latest filing for an expiry on 2026-06-30 is 2026-06-01; one month after 2026-05-01.
    findings = expect("CHG-005", dissociation(date(2026, 5, 1)), Status.PASSED)
    assert findings[0].facts_dict()["earliest_filing"] == "2026-06-01"


def test_chg_005_leaving_a_day_later_warns_to_renew_first() -> None:
    findings = expect("CHG-005", dissociation(date(2026, 5, 2)), Status.FAILED)
    assert findings[0].facts_dict()["deadline"] == "2026-06-01"
    assert findings[0].severity is Severity.WARNING


def declared(left_on: date, today: date, **overrides: Any) -> RuleContext:
    holder = valid_holder(**{"permit.expires_on": date(2026, 6, 30), **overrides})
    return context(holder, None, "declare_leaving", on(today), business_type=CHANGE,
                   payload=LeavingDeclaration(left_on))  # fmt: skip


def test_chg_005_judges_the_declared_leaving_day_not_the_day_of_declaring() -> None:
    expect("CHG-005", declared(date(2026, 5, 1), date(2026, 5, 20)), Status.PASSED)
    findings = expect("CHG-005", declared(date(2026, 5, 2), date(2026, 5, 3)), Status.FAILED)
    assert findings[0].facts_dict()["earliest_filing"] == "2026-06-02"


# --- CHG-010: no end of the association while a renewal is open -------------------------------


@pytest.mark.parametrize("event", ["dissociate", "declare_leaving"])
def test_chg_010_an_open_renewal_refuses_both_ways_of_leaving(event: str) -> None:
    holder = valid_holder(open_application=OpenApplication("ren-7", "renewal", under_review=True))
    ctx = context(holder, None, event, business_type=CHANGE,
                  payload=LeavingDeclaration(date(2026, 3, 1)))  # fmt: skip
    findings = expect("CHG-010", ctx, Status.FAILED)
    assert "ren-7" in findings[0].message_zh
    assert "撤回" in findings[0].message_zh


@pytest.mark.parametrize("event", ["dissociate", "declare_leaving"])
def test_chg_010_an_open_employer_change_refuses_both_ways_of_leaving(event: str) -> None:
    opened = OpenApplication("chg-4", "employer_change", under_review=True)
    ctx = context(valid_holder(open_application=opened), None, event, business_type=CHANGE,
                  payload=LeavingDeclaration(date(2026, 3, 1)))  # fmt: skip
    findings = expect("CHG-010", ctx, Status.FAILED)
    assert "chg-4" in findings[0].message_zh
    assert "聘用单位变更" in findings[0].message_zh
    assert "撤回" in findings[0].message_zh


@pytest.mark.parametrize(("open_type", "named"),
                         [("renewal", "续签"), ("employer_change", "聘用单位变更")])  # fmt: skip
def test_chg_010_an_application_the_authority_accepted_is_to_be_waited_for_not_withdrawn(
    open_type: str, named: str
) -> None:
    accepted = OpenApplication("app-5", open_type, under_review=True, state="authority_review_1",
                               state_zh="主管部门第1级审核中", state_en="Authority review, level 1")
    withdrawable = attrs.evolve(accepted, state="employer_review", withdrawable_by=(Role.EMPLOYER,))
    ctx = context(valid_holder(open_application=accepted), None, "dissociate",
                  business_type=CHANGE)  # fmt: skip

    findings = expect("CHG-010", ctx, Status.FAILED)
    assert "撤回" not in findings[0].message_zh
    assert "withdraw" not in findings[0].message_en
    assert "主管部门第1级审核中" in findings[0].message_zh
    assert named in findings[0].message_zh
    ctx = context(valid_holder(open_application=withdrawable), None, "dissociate",
                  business_type=CHANGE)  # fmt: skip
    assert "撤回" in expect("CHG-010", ctx, Status.FAILED)[0].message_zh


@pytest.mark.parametrize("open_type", [None, "basic_change", "business_change"])
def test_chg_010_no_open_renewal_passes(open_type: str | None) -> None:
    opened = OpenApplication("app-3", open_type) if open_type else None
    holder = valid_holder(open_application=opened)
    expect("CHG-010", context(holder, None, "dissociate", business_type=CHANGE), Status.PASSED)


# --- CHG-011: a plausible leaving day ----------------------------------------------------------

JOINED = datetime(2024, 1, 1, 9, 0, tzinfo=BEIJING)


@pytest.mark.parametrize(
    ("left_on", "status"),
    [
        (date(2026, 3, 16), Status.PASSED),  # today
        (date(2026, 3, 17), Status.FAILED),  # tomorrow
        (date(2024, 1, 1), Status.PASSED),  # the day the association was approved
        (date(2023, 12, 31), Status.FAILED),  # the day before
    ],
)
def test_chg_011_the_leaving_day_lies_between_the_association_and_today(
    left_on: date, status: Status
) -> None:
    ctx = declared(left_on, date(2026, 3, 16), **{"association.since": JOINED})
    findings = expect("CHG-011", ctx, status)
    if left_on > date(2026, 3, 16):
        assert "晚于今天（2026-03-16）" in findings[0].message_zh
    elif status is Status.FAILED:
        assert "早于与原单位关联获批之日（2024-01-01）" in findings[0].message_zh


def test_chg_005_leaving_long_before_expiry_passes() -> None:
    expect("CHG-005", context(valid_holder(), None, "dissociate", business_type=CHANGE), "passed")


# --- CHG-006, CHG-007: the work history after the permit's employer ---------------------------


def test_chg_006_skipping_an_intermediate_employer_fails() -> None:
    middle = WorkRecord("北京海淀中间公司", date(2026, 1, 2), date(2026, 1, 3), THIRD_CODE)
    holder = changer(**{"profile.work_history": (PERMIT_RECORD, middle, NEW_RECORD)})
    findings = expect("CHG-006", change_context(holder), Status.FAILED)
    assert findings[0].facts_dict() == {"skipped": "北京海淀中间公司", "count": "1"}


def test_chg_006_the_next_employer_in_turn_passes() -> None:
    expect("CHG-006", change_context(), Status.PASSED)


def test_chg_007_the_first_employer_after_leaving_passes() -> None:
    expect("CHG-007", change_context(), Status.PASSED)


def test_chg_007_an_employer_missing_from_the_work_history_fails() -> None:
    holder = changer(**{"profile.work_history": (PERMIT_RECORD,)})
    expect("CHG-007", change_context(holder), Status.FAILED)


def test_chg_007_a_work_history_without_the_permit_employer_fails() -> None:
    holder = changer(**{"profile.work_history": (NEW_RECORD,)})
    expect("CHG-007", change_context(holder), Status.FAILED)


def test_chg_008_is_checked_by_emp_005() -> None:
    findings = expect("CHG-008", change_context(), Status.PASSED)
    assert "EMP-005" in findings[0].facts_dict()["enforced_by"]


def test_chg_009_exactly_20_working_days_before_expiry_passes() -> None:
    holder = changer(**{"permit.expires_on": date(2026, 6, 30)})
    expect("CHG-009", change_context(holder, at=on(date(2026, 6, 1))), Status.PASSED)


def test_chg_009_19_working_days_before_expiry_fails() -> None:
    holder = changer(**{"permit.expires_on": date(2026, 6, 30)})
    findings = expect("CHG-009", change_context(holder, at=on(date(2026, 6, 2))), Status.FAILED)
    assert findings[0].facts_dict()["submission"] == "2026-06-02"
    assert "最晚提交日为 2026-06-01" in findings[0].message_zh


def test_chg_009_an_estimated_deadline_says_so() -> None:
    # 25-31 December counts as estimated until the next year's holiday notice is in the data.
    holder = changer(**{"permit.expires_on": date(2026, 12, 31)})
    with pytest.warns(CalendarEstimateWarning):
        findings = expect("CHG-009", change_context(holder, at=on(date(2026, 12, 4))), "failed")
    assert "节假日安排尚未公布" in findings[0].message_zh

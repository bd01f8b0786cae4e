"""FLOW-001..003: one open application, no business on a dead permit, the permit state per type."""

from __future__ import annotations

from datetime import date

import pytest
from rules_fixtures import application, context, expect, new_applicant, on, valid_holder

from permitflow.records.actors import Role
from permitflow.records.application import BusinessType, CancellationTrigger
from permitflow.records.holder import OpenApplication, PermitState
from permitflow.rules.finding import Status

NEW = BusinessType.NEW
RENEWAL = BusinessType.RENEWAL


def test_flow_001_no_open_application_passes() -> None:
    ctx = context(new_applicant(), application(NEW), "submit")
    expect("FLOW-001", ctx, Status.PASSED)


def test_flow_001_the_application_itself_being_open_passes() -> None:
    app = application(RENEWAL, state="returned")
    holder = valid_holder(open_application=OpenApplication(app.id, "renewal"))
    expect("FLOW-001", context(holder, app, "reinitiate"), Status.PASSED)


def test_flow_001_another_open_application_fails() -> None:
    holder = valid_holder(open_application=OpenApplication("app-9", "basic_change"))
    findings = expect("FLOW-001", context(holder, application(RENEWAL), "initiate"), "failed")
    assert "app-9" in findings[0].message_zh


RETURNED_BASIC_CHANGE = OpenApplication(
    "app-9", "basic_change", state="returned", business_zh="证件基础信息变更",
    business_en="Basic-information change", state_zh="不通过（退回修改）",
    state_en="Returned with an opinion", withdrawable_by=(Role.APPLICANT,),
)  # fmt: skip
ACCEPTED_RENEWAL = OpenApplication(
    "app-8", "renewal", under_review=True, state="authority_review_1", business_zh="续签",
    business_en="Renewal", state_zh="主管部门第1级审核", state_en="Authority review, level 1",
)  # fmt: skip


def test_flow_001_names_the_open_business_its_state_and_who_withdraws_it() -> None:
    holder = valid_holder(open_application=RETURNED_BASIC_CHANGE)
    findings = expect("FLOW-001", context(holder, application(RENEWAL), "prepare"), "failed")
    assert findings[0].message_zh == (
        "已有一项证件基础信息变更业务（编号 app-9）正在办理，当前状态为“不通过（退回修改）”；"
        "请待其办结，或由申请人将其撤回后再发起新的业务。"
    )
    assert "withdraw" in findings[0].message_en


def test_flow_001_leaves_an_accepted_application_to_flow_004() -> None:
    holder = valid_holder(open_application=ACCEPTED_RENEWAL)
    ctx = context(holder, application(BusinessType.BASIC_CHANGE), "submit")
    expect("FLOW-001", ctx, Status.PASSED)
    findings = expect("FLOW-004", ctx, "failed")
    assert "续签" in findings[0].message_zh
    assert "主管部门第1级审核" in findings[0].message_zh
    assert "撤回" in findings[0].message_zh  # 受理后不能撤回


@pytest.mark.parametrize("marker", [None, RETURNED_BASIC_CHANGE])
def test_flow_004_passes_without_an_accepted_application(marker: OpenApplication | None) -> None:
    holder = valid_holder(open_application=marker)
    expect("FLOW-004", context(holder, application(RENEWAL), "prepare"), Status.PASSED)


@pytest.mark.parametrize("rule_id", ["FLOW-001", "FLOW-004"])
def test_a_cancellation_stands_outside_one_at_a_time(rule_id: str) -> None:
    from permitflow.rules.haidian import ruleset

    rule = ruleset.in_force_on(date(2026, 3, 16)).rule(rule_id)
    assert BusinessType.CANCELLATION not in rule.business_types
    assert rule.business_types == frozenset(BusinessType) - {BusinessType.CANCELLATION}


@pytest.mark.parametrize("state", [PermitState.EXPIRED, PermitState.CANCELLED])
def test_flow_002_expired_or_cancelled_permit_fails(state: PermitState) -> None:
    holder = valid_holder(**{"permit.state": state})
    findings = expect("FLOW-002", context(holder, application(RENEWAL), "initiate"), "failed")
    assert findings[0].facts_dict()["state"] == state.value


def test_flow_002_valid_permit_passes() -> None:
    expect("FLOW-002", context(valid_holder(), application(RENEWAL), "accept"), Status.PASSED)


def test_flow_003_new_application_without_permit_passes() -> None:
    expect("FLOW-003", context(new_applicant(), application(NEW), "submit"), Status.PASSED)


def test_flow_003_new_application_with_a_permit_fails() -> None:
    findings = expect("FLOW-003", context(valid_holder(), application(NEW), "submit"), "failed")
    assert "未办理或过期或注销" in findings[0].message_zh
    assert findings[0].facts_dict()["allowed"] == "none/expired/cancelled"


@pytest.mark.parametrize("state", [PermitState.EXPIRED, PermitState.CANCELLED])
def test_flow_003_a_former_holder_files_a_new_application(state: PermitState) -> None:
    holder = valid_holder(**{"permit.state": state})
    expect("FLOW-003", context(holder, application(NEW), "submit"), Status.PASSED)


def test_flow_003_employer_change_needs_a_suspended_permit() -> None:
    app = application(BusinessType.EMPLOYER_CHANGE)
    suspended = valid_holder(**{"permit.state": PermitState.SUSPENDED})
    expect("FLOW-003", context(suspended, app, "initiate"), Status.PASSED)
    expect("FLOW-003", context(valid_holder(), app, "initiate"), Status.FAILED)


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (PermitState.VALID, Status.PASSED),
        (PermitState.SUSPENDED, Status.PASSED),
        (PermitState.NONE, Status.FAILED),
    ],
)
def test_flow_003_cancellation_needs_a_live_permit(state: PermitState, status: Status) -> None:
    app = application(BusinessType.CANCELLATION, trigger=CancellationTrigger.BEIJING_HUKOU)
    holder = valid_holder(**{"permit.state": state})
    expect("FLOW-003", context(holder, app, "submit"), status)


@pytest.mark.parametrize("business", [BusinessType.BASIC_CHANGE, BusinessType.BUSINESS_CHANGE])
def test_flow_003_data_changes_need_a_valid_permit(business: BusinessType) -> None:
    suspended = valid_holder(**{"permit.state": PermitState.SUSPENDED})
    expect("FLOW-003", context(valid_holder(), application(business), "submit"), Status.PASSED)
    expect("FLOW-003", context(suspended, application(business), "submit"), Status.FAILED)


def test_flow_003_a_permit_past_its_expiry_counts_as_ended_for_a_new_application() -> None:
    holder = valid_holder(**{"permit.expires_on": date(2026, 3, 15)})
    expect("FLOW-003", context(holder, application(NEW), "submit", on(date(2026, 3, 16))),
           Status.PASSED)  # fmt: skip
    expect("FLOW-003", context(holder, application(NEW), "submit", on(date(2026, 3, 15))),
           Status.FAILED)  # fmt: skip

"""FLOW-001..003: one open application, no business on a dead permit, the permit state per type."""

from __future__ import annotations

import pytest
from rules_fixtures import application, context, expect, new_applicant, valid_holder

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

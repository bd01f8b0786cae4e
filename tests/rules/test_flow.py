"""FLOW-001..003: one open application, no business on a dead permit, the permit state per type."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from rules_fixtures import (
    application,
    context,
    evaluate,
    expect,
    new_applicant,
    on,
    submission,
    valid_holder,
)

from permitflow.machines import business_type_spec
from permitflow.records.actors import Role
from permitflow.records.application import TRAITS, BusinessType, CancellationTrigger
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
        "已有一项证件基础信息变更业务（编号“app-9”）正在办理，当前状态为“不通过（退回修改）”；"
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
    assert findings[0].facts_dict()["ended"] == state.value


def test_flow_002_valid_permit_passes() -> None:
    expect("FLOW-002", context(valid_holder(), application(RENEWAL), "accept"), Status.PASSED)


def test_flow_003_new_application_without_permit_passes() -> None:
    expect("FLOW-003", context(new_applicant(), application(NEW), "submit"), Status.PASSED)


def test_flow_003_new_application_with_a_valid_permit_says_renewal_extends_it() -> None:
    (finding,) = expect("FLOW-003", context(valid_holder(), application(NEW), "submit"), "failed")
    assert finding.message_zh.startswith("已持有有效的工作居住证，不能再办理新办业务")
    assert "续签" in finding.message_zh


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


# --- FLOW-003: the step that fits the permit's state and the business asked for ----------------

CHANGE, BASIC = BusinessType.EMPLOYER_CHANGE, BusinessType.BASIC_CHANGE
CANCEL = BusinessType.CANCELLATION


def refused(state: PermitState, business: BusinessType, **overrides: object) -> str:
    """FLOW-003's message for ``business`` asked with the permit in ``state``."""
    holder = valid_holder(**{"permit.state": state, **overrides})
    form = {"trigger": CancellationTrigger.BEIJING_HUKOU} if business is CANCEL else {}
    app = application(business, **form)
    (finding,) = expect("FLOW-003", context(holder, app, submission(business)), Status.FAILED)
    assert "flow.permit_states" not in finding.message_zh
    assert "{" not in finding.message_zh + finding.message_en
    return finding.message_zh


@pytest.mark.parametrize("business", [RENEWAL, CHANGE, BASIC, BusinessType.BUSINESS_CHANGE])
def test_flow_003_without_a_permit_the_step_is_a_new_application(business: BusinessType) -> None:
    assert refused(PermitState.NONE, business).startswith("尚未持有工作居住证，不能办理此项业务；"
                                                         "请先办理新办业务。")  # fmt: skip


@pytest.mark.parametrize("state", [PermitState.EXPIRED, PermitState.CANCELLED])
@pytest.mark.parametrize("business", [RENEWAL, CHANGE, BASIC, CANCEL])
def test_flow_003_leaves_an_ended_permit_to_flow_002(
    state: PermitState, business: BusinessType
) -> None:
    holder = valid_holder(**{"permit.state": state})
    form = {"trigger": CancellationTrigger.BEIJING_HUKOU} if business is CANCEL else {}
    judged = context(holder, application(business, **form), submission(business))
    assert evaluate("FLOW-003", judged) == ()


def test_flow_003_there_is_nothing_to_cancel_without_a_permit() -> None:
    message = refused(PermitState.NONE, CANCEL)
    assert message.startswith("尚未持有工作居住证，没有需要注销的证件，无需办理注销。")
    assert "新办" not in message


def test_flow_003_an_employer_change_on_a_valid_permit_asks_to_leave_first() -> None:
    message = refused(PermitState.VALID, CHANGE)
    assert "解除关联" in message
    assert "声明已从原单位离职" in message
    assert "挂起" in message


def test_flow_003_an_open_renewal_is_finished_or_withdrawn_before_leaving() -> None:
    opened = OpenApplication("ren-7", "renewal", state="ready")
    message = refused(PermitState.VALID, CHANGE, open_application=opened)
    assert "续签申请（编号“ren-7”）仍在办理中" in message
    assert "撤回" in message


@pytest.mark.parametrize("business", [RENEWAL, BASIC, BusinessType.BUSINESS_CHANGE])
def test_flow_003_on_a_suspended_permit_the_step_is_the_employer_change(
    business: BusinessType,
) -> None:
    message = refused(PermitState.SUSPENDED, business)
    assert message.startswith("证件已挂起，不能办理此项业务")
    assert "办理聘用单位变更" in message
    assert "续签" not in message


def test_flow_003_a_suspended_permit_is_resumed_rather_than_applied_for_anew() -> None:
    message = refused(PermitState.SUSPENDED, NEW)
    assert message.startswith("证件已挂起，尚未失效，不能新办")
    assert "聘用单位变更" in message


def test_flow_003_reads_the_states_from_the_business_type_s_spec() -> None:
    spec = business_type_spec(RENEWAL)
    assert TRAITS[RENEWAL] is spec
    assert spec.permit_states == {PermitState.VALID}
    assert business_type_spec(NEW).permit_states == {
        PermitState.NONE, PermitState.EXPIRED, PermitState.CANCELLED
    }
    expect("FLOW-003", context(valid_holder(), application(RENEWAL), "initiate"), Status.PASSED)


def test_flow_003_a_spec_with_no_known_step_names_the_states_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = business_type_spec(RENEWAL)
    monkeypatch.setitem(TRAITS, RENEWAL, attrs.evolve(spec, permit_states={"suspended"}))
    ctx = context(valid_holder(), application(RENEWAL), "initiate")
    (finding,) = expect("FLOW-003", ctx, Status.FAILED)
    assert finding.message_zh.startswith("证件当前状态为“有效”，此项业务需要证件状态为“挂起”。")
    assert finding.facts_dict() == {"state": "valid", "allowed": "suspended"}


# --- FLOW-002: the way to a new application on an ended permit --------------------------------

MOOT_RENEWAL = OpenApplication(
    "ren-3", "renewal", state="ready", business_zh="续签", business_en="Renewal",
    state_zh="材料已备妥，待单位发起", state_en="Ready: waiting for the employer to initiate",
    withdrawable_by=(Role.APPLICANT, Role.EMPLOYER),
)  # fmt: skip
ACCEPTED_MOOT_RENEWAL = attrs.evolve(
    MOOT_RENEWAL, under_review=True, state="authority_review_1", state_zh="主管部门第1级审核",
    withdrawable_by=(),
)  # fmt: skip


def ended_refusal(rule_id: str, state: PermitState, marker: OpenApplication | None,
                  business: BusinessType = BASIC) -> str:  # fmt: skip
    holder = valid_holder(**{"permit.state": state}, open_application=marker)
    form = {"trigger": CancellationTrigger.BEIJING_HUKOU} if business is CANCEL else {}
    (finding,) = expect(rule_id, context(holder, application(business, **form), "submit"),
                        Status.FAILED)  # fmt: skip
    assert "{" not in finding.message_zh + finding.message_en
    return finding.message_zh


@pytest.mark.parametrize(
    ("state", "said"),
    [
        (PermitState.EXPIRED, "证件已过期（有效期至 2026-12-31）"),
        (PermitState.CANCELLED, "证件已注销"),
    ],
)
def test_flow_002_with_nothing_open_the_holder_applies_anew(state: PermitState, said: str) -> None:
    message = ended_refusal("FLOW-002", state, None)
    assert message == f"{said}，无法恢复，不能再办理此项业务；如仍符合条件，请重新办理新办业务。"


def test_flow_002_a_moot_open_application_is_withdrawn_or_closed_first() -> None:
    message = ended_refusal("FLOW-002", PermitState.EXPIRED, MOOT_RENEWAL)
    assert "续签业务（编号“ren-3”）也已无法办结" in message
    assert "请由申请人或聘用单位撤回该申请，或待系统自动结束该申请后，再重新办理新办业务" in message


def test_flow_002_an_accepted_moot_application_is_closed_by_the_system() -> None:
    message = ended_refusal("FLOW-002", PermitState.EXPIRED, ACCEPTED_MOOT_RENEWAL)
    assert "不能撤回，将由系统自动结束" in message
    assert "请" not in message.split("；", 1)[1]


def test_flow_002_an_open_new_application_is_already_the_way() -> None:
    opened = OpenApplication("new-2", "new", state="employer_review", business_zh="新办",
                             withdrawable_by=(Role.APPLICANT,))  # fmt: skip
    message = ended_refusal("FLOW-002", PermitState.CANCELLED, opened)
    assert "新办业务（编号“new-2”）已在办理中" in message


@pytest.mark.parametrize("state", [PermitState.EXPIRED, PermitState.CANCELLED])
def test_flow_002_an_ended_permit_needs_no_cancellation(state: PermitState) -> None:
    message = ended_refusal("FLOW-002", state, None, CANCEL)
    assert "无需再办理注销" in message
    assert "新办" not in message


# --- FLOW-001 / FLOW-004 on a moot open application ----------------------------------------------


def test_flow_001_a_moot_open_application_is_withdrawn_or_closed_by_the_system() -> None:
    holder = new_applicant(open_application=MOOT_RENEWAL)
    holder = attrs.evolve(holder, permit=attrs.evolve(valid_holder().permit,
                                                      state=PermitState.EXPIRED))  # fmt: skip
    (finding,) = expect("FLOW-001", context(holder, application(NEW), "submit"), Status.FAILED)
    assert finding.message_zh == (
        "已有一项续签业务（编号“ren-3”）尚未结束（当前状态为“材料已备妥，待单位发起”），但证件"
        "已过期（有效期至 2026-12-31），该申请已无法办结。请由申请人或聘用单位将其撤回，"
        "或待系统自动结束该申请后，再发起新的业务。"
    )
    assert "withdraw" in finding.message_en


def test_flow_001_a_permit_past_its_expiry_makes_the_open_renewal_moot_before_the_timer() -> None:
    holder = valid_holder(**{"permit.expires_on": date(2026, 3, 15)}, open_application=MOOT_RENEWAL)
    on_expiry = context(holder, application(NEW), "submit", on(date(2026, 3, 15)))
    (finding,) = expect("FLOW-001", on_expiry, Status.FAILED)
    assert "请待其办结" in finding.message_zh
    after = context(holder, application(NEW), "submit", on(date(2026, 3, 16)))
    (finding,) = expect("FLOW-001", after, Status.FAILED)
    assert "已无法办结" in finding.message_zh


def test_flow_004_an_accepted_moot_application_is_closed_by_the_system() -> None:
    holder = valid_holder(**{"permit.state": PermitState.CANCELLED},
                          open_application=ACCEPTED_MOOT_RENEWAL)  # fmt: skip
    (finding,) = expect("FLOW-004", context(holder, application(NEW), "submit"), Status.FAILED)
    assert "受理后不能撤回；证件已注销，该申请已无法办结，将由系统自动结束" in finding.message_zh

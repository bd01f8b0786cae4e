"""Rules of the machines' own timers and locks (FLOW-1xx), not in the catalogue's tables.

* FLOW-101: the permit expires only once its expiry date has passed (it is valid through that
  day) — "一旦过期，无法恢复" (M§3 注意事项 3).
* FLOW-102: an open application is closed as moot only when the permit it concerns has expired
  or been cancelled (catalogue §3.4: "close the pending renewal as moot", inferred); judged on
  the day of the step, a permit past its expiry date counts as expired before the timer marks
  it. A new application concerns the permit it would issue and is never moot.
* FLOW-103: the profile and the attachments are locked while an application is with the
  employer or the authority (catalogue §3.7, inferred). Switch it off with
  ``rules.overrides = {FLOW-103 = {enabled = false}}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from permitflow.machines.permit import expiry_due, is_moot
from permitflow.records.application import BusinessType
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.rule import JudgedOn, Rule, RuleContext, Verdict, failed, passed

ALL_TYPES = frozenset(BusinessType)
LOCKED_EVENTS = frozenset({"edit_profile", "upload_attachment", "delete_attachment"})


def _expiry_passed(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    permit = ctx.holder.permit
    facts = {"state": permit.state.value, "expires_on": permit.expires_on, "today": ctx.day}
    if expiry_due(permit, ctx.day):
        yield passed("permit.expires_on", **facts)
    else:
        yield failed("permit.expires_on", **facts)


def _permit_ended(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    state = ctx.holder.permit.state.value
    if is_moot(ctx.holder, ctx.business_type, ctx.day):
        yield passed("permit.state", state=state)
    else:
        yield failed("permit.state", state=state)


def _not_under_review(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    current = ctx.holder.open_application
    if current is not None and current.under_review:
        yield failed("open_application", application=current.id, business=current.business_type)
    else:
        yield passed("open_application")


RULES: tuple[Rule, ...] = (
    Rule(
        id="FLOW-101", kind=RuleKind.MACHINE, severity=Severity.ERROR, group="flow",
        business_types=ALL_TYPES,
        citation=Citation(
            "M§3 注意事项 3", "申请单位及申请人应及时关注证件到期时间，一旦过期，无法恢复"
        ),
        title_zh="有效期已届满，证件过期", title_en="The expiry date has passed",
        message_zh="证件有效期至 {expires_on}，今天（{today}）尚未过期，不能置为过期。",
        message_en="The permit is valid until {expires_on}; today ({today}) it has not expired "
        "yet, so it cannot be marked expired.",
        check=_expiry_passed, judged_on=JudgedOn.STEP, events=frozenset({"expire"}),
    ),
    Rule(
        id="FLOW-102", kind=RuleKind.MACHINE, severity=Severity.ERROR, group="flow",
        business_types=ALL_TYPES,
        citation=Citation(
            "M§3 注意事项 3", "未按时提交申请导致审核未完成证件失效的，责任由申请单位及申请人承担"
        ),
        title_zh="证件已过期或注销，在办申请结束",
        title_en="The permit has ended; close the application",
        message_zh="证件状态为 {state}，申请仍可继续办理，不能自动结束。",
        message_en="The permit is {state}; the application can still proceed and is not closed.",
        check=_permit_ended, judged_on=JudgedOn.STEP, events=frozenset({"close_moot"}),
    ),
    Rule(
        id="FLOW-103", kind=RuleKind.PROCESS, severity=Severity.ERROR, group="flow",
        business_types=ALL_TYPES,
        citation=Citation(
            "M§2.3",
            "该界面只可查看“个人基础信息”但无法编辑，如需进行修改应退回到人才业务办理平台修改"
            "基础信息",
        ),
        title_zh="审核期间不修改基础信息和附件", title_en="No edits while under review",
        message_zh="申请 {application}（{business}）正在单位或主管部门审核中，"
        "基础信息和附件暂不能修改；请待审核结束或退回后再修改。",
        message_en="Application {application} ({business}) is with the employer or the "
        "authority; the profile and attachments are locked until it ends or is returned.",
        check=_not_under_review, events=LOCKED_EVENTS,
    ),
)  # fmt: skip

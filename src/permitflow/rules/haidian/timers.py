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
from datetime import date
from typing import ClassVar

from attrs import frozen

from permitflow.records.application import BusinessType, find_business_type
from permitflow.records.holder import PermitState
from permitflow.records.lifecycle import expiry_due, is_moot
from permitflow.rules.facts import Facts
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.haidian._shared import ALL_BUSINESS, TEXTS
from permitflow.rules.rule import JudgedOn, Rule, RuleContext, Verdict, failed, passed
from permitflow.tags import Tag

LOCKED_STEPS = frozenset({Tag.PROFILE, Tag.UPLOAD, Tag.REMOVAL})


@frozen
class NotYetExpired(Facts):
    expires_on: date
    today: date


@frozen
class NoExpiry(Facts):
    variant: ClassVar[str] = "no_expiry"


def _expiry_passed(ctx: RuleContext) -> Iterable[Verdict[NotYetExpired | NoExpiry]]:
    permit = ctx.holder.permit
    if expiry_due(permit, ctx.day):
        yield passed("permit.expires_on", expires_on=permit.expires_on, today=ctx.day)
    elif permit.expires_on is None:
        yield failed("permit.expires_on", NoExpiry())
    else:
        yield failed("permit.expires_on", NotYetExpired(permit.expires_on, ctx.day))


@frozen
class StillGoing(Facts):
    state: PermitState


def _permit_ended(ctx: RuleContext) -> Iterable[Verdict[StillGoing]]:
    state = ctx.holder.permit.state
    if is_moot(ctx.holder, ctx.business_type, ctx.day):
        yield passed("permit.state", state=state.value)
    else:
        yield failed("permit.state", StillGoing(state))


@frozen
class UnderReview(Facts):
    business: BusinessType | str


def _not_under_review(ctx: RuleContext) -> Iterable[Verdict[UnderReview]]:
    current = ctx.holder.open_application
    if current is not None and current.under_review:
        business = find_business_type(current.business_type) or current.business_type
        yield failed("open_application", UnderReview(business))
    else:
        yield passed("open_application")


RULES: tuple[Rule, ...] = (
    Rule(
        id="FLOW-101", kind=RuleKind.MACHINE, severity=Severity.ERROR, group="flow",
        business_types=ALL_BUSINESS,
        citation=Citation(
            "M§3 注意事项 3", "申请单位及申请人应及时关注证件到期时间，一旦过期，无法恢复"
        ),
        texts=TEXTS,
        check=_expiry_passed, judged_on=JudgedOn.STEP, tags=frozenset({Tag.TIMER}),
    ),
    Rule(
        id="FLOW-102", kind=RuleKind.MACHINE, severity=Severity.ERROR, group="flow",
        business_types=ALL_BUSINESS,
        citation=Citation(
            "M§3 注意事项 3", "未按时提交申请导致审核未完成证件失效的，责任由申请单位及申请人承担"
        ),
        texts=TEXTS,
        check=_permit_ended, judged_on=JudgedOn.STEP, tags=frozenset({Tag.CLOSING}),
    ),
    Rule(
        id="FLOW-103", kind=RuleKind.PROCESS, severity=Severity.ERROR, group="flow",
        business_types=ALL_BUSINESS,
        citation=Citation(
            "M§2.3",
            "该界面只可查看“个人基础信息”但无法编辑，如需进行修改应退回到人才业务办理平台修改"
            "基础信息",
        ),
        texts=TEXTS,
        check=_not_under_review, tags=LOCKED_STEPS,
    ),
)  # fmt: skip

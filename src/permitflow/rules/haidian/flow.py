"""Cross-machine constraints (FLOW): how the applications, the association and the permit fit.

The manual describes each business on its own; these rules tie them together. Their ids are
permitflow's own (the catalogue has none); each names its source, "I" marking an inference:

* FLOW-001 — one open application per holder at a time (catalogue §3.5, I). The refusal names
  the open application, its business, its state and who may withdraw it (撤回). A cancellation
  stands outside the rule (M§7: 应即时注销): it neither waits for nor holds the marker; its
  approval ends the permit, which makes the other application moot (the approval's
  ``Outcome.moot`` names it; FLOW-102 then lets ``close_moot`` end it).
* FLOW-004 — the same, once the authority has accepted the open application: it can no longer
  be withdrawn, so the refusal says to wait for the end of its review.
* FLOW-002 — nothing can be applied for on an expired or cancelled permit (M§3 注意事项 3,
  M§7; catalogue §3.4).
* FLOW-003 — each business type needs the permit in given states (parameter
  ``flow.permit_states``, I, from catalogue §3.6): none, expired or cancelled for a new
  application (a former holder applies again, as FLOW-002 and REN-006 tell them), valid for a
  renewal and the two changes of data, suspended for an employer change, valid or suspended for
  a cancellation. (That an employer change goes to the employer the holder is associated
  with — a new one, or the permit's own one taking a suspended permit back — is CHG-004.)
  Judged on each step. Its refusal names the step that leads from the permit's state to one
  the business needs: 新办 without a permit, 新办 again on an ended one, leaving (解除关联 or
  the holder's declaration, 挂起) before an employer change on a valid permit — after the
  open renewal, if one is — and the employer change on a suspended permit; a cancellation
  without a live permit needs nothing.

The association functions here are shared with the business-type rules that check who reviews
or initiates a case (NEW-003, BCH-004, CHG-004).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from attrs import frozen

from permitflow.machines.common import SUBMISSION_EVENTS
from permitflow.machines.permit import expiry_due
from permitflow.messages import Language
from permitflow.records.application import BusinessType
from permitflow.records.holder import (
    AssociationState,
    Employer,
    HolderRecord,
    OpenApplication,
    PermitState,
)
from permitflow.rules.facts import Facts
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.haidian._shared import ALL_BUSINESS, TEXTS, same_code
from permitflow.rules.rule import Check, JudgedOn, Rule, RuleContext, Verdict, failed, passed

INFERENCE = "permitflow 规则目录（推定）"
"""Citation source of a rule the manual implies but does not state."""

OPENING_EVENTS = SUBMISSION_EVENTS | {"prepare"}
"""Events that open or re-open an application for the holder."""
CASE_EVENTS = OPENING_EVENTS | {"employer_approve", "accept", "pass"}
"""Every event that moves a case towards approval."""
ONE_AT_A_TIME = ALL_BUSINESS - {BusinessType.CANCELLATION}
"""The businesses filed one at a time: all but 注销, which is due at once (M§7 应即时注销)."""

PERMIT_STATE_ZH = {
    PermitState.NONE: "未办理",
    PermitState.VALID: "有效",
    PermitState.SUSPENDED: "挂起",
    PermitState.EXPIRED: "过期",
    PermitState.CANCELLED: "注销",
}
PERMIT_STATE_EN = {
    PermitState.NONE: "not issued",
    PermitState.VALID: "valid",
    PermitState.SUSPENDED: "suspended",
    PermitState.EXPIRED: "expired",
    PermitState.CANCELLED: "cancelled",
}
ENDED = frozenset({PermitState.EXPIRED, PermitState.CANCELLED})


@frozen
class PermitStates:
    """Permit states as the platform names them: 「有效或挂起」."""

    states: tuple[PermitState, ...]

    def words(self, lang: Language) -> str:
        if lang == "zh":
            return "或".join(PERMIT_STATE_ZH[state] for state in self.states)
        return " or ".join(PERMIT_STATE_EN[state] for state in self.states)

    def __str__(self) -> str:
        # What a program reads in a finding's facts: the state values.
        return "/".join(state.value for state in self.states)


def associated_employer(holder: HolderRecord) -> Employer | None:
    """The employer the holder is associated with, once it approved the association."""
    association = holder.association
    if association.state is AssociationState.ASSOCIATED:
        return association.employer
    return None


def handled_by_associated_employer(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    """The employer reviewing or initiating the case is the one the holder is associated with.

    The check of NEW-003 and BCH-004: the association the employer approved is what lets
    the case go to that employer (M§2.1 "待单位进行批复后才可进行后续操作").
    """
    if ctx.application is None:
        return
    employer = associated_employer(ctx.holder)
    associated = employer.credit_code if employer is not None else "none"
    if employer is not None and same_code(employer.credit_code, ctx.application.employer_id):
        yield passed("association.employer", employer=associated)
    else:
        yield failed(
            "association.employer",
            employer=ctx.application.employer_id,
            associated=associated,
        )


def _other_open(ctx: RuleContext) -> OpenApplication | None:
    current = ctx.holder.open_application
    own = ctx.application.id if ctx.application is not None else None
    return None if current is None or current.id == own else current


def _open_facts(current: OpenApplication) -> dict[str, object]:
    return {
        "open_id": current.id,
        "open_type": current.business_type,
        "open_business_zh": current.business_zh or current.business_type,
        "open_business_en": current.business_en or current.business_type,
        "open_state_zh": current.state_zh or "办理中",
        "open_state_en": current.state_en or "open",
    }


def _one_open_application(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    current = _other_open(ctx)
    # One open application per holder (catalogue §3.5, I): another case in flight blocks this
    # one; its filer can still withdraw it. A marker written before it followed the state says
    # no more than that the application is open.
    if current is None or (current.state and not current.withdrawable_by):
        yield passed("open_application")
        return
    roles = current.withdrawable_by
    yield failed(
        "open_application",
        **_open_facts(current),
        withdraw_by_zh="或".join(role.label_zh for role in roles) or "提交方",
        withdraw_by_en=" or ".join(role.label_en for role in roles) or "the party that filed it",
    )


def _open_application_accepted(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    current = _other_open(ctx)
    if current is not None and current.state and not current.withdrawable_by:
        yield failed("open_application", **_open_facts(current))
    else:
        yield passed("open_application")


def _permit_not_terminal(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    state = ctx.holder.permit.state
    # 一旦过期，无法恢复 (M§3 注意事项 3); a cancelled permit is gone as well (M§7).
    if ctx.holder.permit.is_terminal:
        yield failed("permit.state", state=state.value, state_zh=PERMIT_STATE_ZH[state])
    else:
        yield passed("permit.state", state=state.value)


@frozen
class WrongState(Facts):
    state: PermitStates
    allowed: PermitStates


@frozen
class NoPermit(Facts):
    variant: ClassVar[str] = "no_permit"


@frozen
class NothingToCancel(Facts):
    variant: ClassVar[str] = "nothing_to_cancel"
    state: PermitStates


@frozen
class LeaveFirst(Facts):
    variant: ClassVar[str] = "leave_first"


@frozen
class RenewalFirst(Facts):
    variant: ClassVar[str] = "renewal_first"
    open_id: str


@frozen
class HoldsValid(Facts):
    variant: ClassVar[str] = "holds_valid"


@frozen
class ResumeFirst(Facts):
    variant: ClassVar[str] = "resume_first"


@frozen
class ResumeNotNew(Facts):
    variant: ClassVar[str] = "resume_not_new"


@frozen
class Ended(Facts):
    variant: ClassVar[str] = "ended"
    state: PermitStates


StateFacts = (
    WrongState | NoPermit | NothingToCancel | LeaveFirst | RenewalFirst | HoldsValid
    | ResumeFirst | ResumeNotNew | Ended
)  # fmt: skip


def _next_step(ctx: RuleContext, state: PermitState, allowed: frozenset[PermitState]) -> Facts:
    """What leads from ``state`` to one the business asked for needs, for whom it is possible:
    a new application where there is no live permit, leaving (挂起) before an employer change,
    an employer change before anything else on a suspended permit."""
    kind = ctx.business_type
    named = PermitStates((state,))
    if kind is BusinessType.CANCELLATION and state not in allowed:
        return NothingToCancel(named)
    if state is PermitState.NONE:
        return NoPermit()
    if state in ENDED and kind is not BusinessType.NEW:
        return Ended(named)
    if state is PermitState.VALID and kind is BusinessType.EMPLOYER_CHANGE:
        current = ctx.holder.open_application
        if current is not None and current.business_type == BusinessType.RENEWAL.value:
            return RenewalFirst(current.id)
        return LeaveFirst()
    if state is PermitState.VALID and kind is BusinessType.NEW:
        return HoldsValid()
    if state is PermitState.SUSPENDED and PermitState.VALID in allowed:
        return ResumeFirst()
    if state is PermitState.SUSPENDED and kind is BusinessType.NEW:
        return ResumeNotNew()
    return WrongState(named, PermitStates(tuple(sorted(allowed, key=list(PermitState).index))))


def _permit_state_fits(ctx: RuleContext) -> Iterable[Verdict[StateFacts]]:
    table: dict[str, list[str]] = ctx.params["flow.permit_states"]
    allowed = frozenset(PermitState(value) for value in table[ctx.business_type.value])
    state = ctx.holder.permit.state
    if ctx.business_type is BusinessType.NEW and expiry_due(ctx.holder.permit, ctx.day):
        # Past its expiry date the permit has ended, whether or not the timer has run yet: the
        # holder applies anew at once, as REN-006 tells them.
        state = PermitState.EXPIRED
    if state in allowed:
        yield passed("permit.state", state=state.value)
    else:
        yield failed("permit.state", _next_step(ctx, state, allowed))


def _one_at_a_time(
    rule_id: str, titles: tuple[str, str], messages: tuple[str, str], check: Check
) -> Rule:
    """A rule of one open application per holder (catalogue §3.5, I)."""
    return Rule(
        id=rule_id,
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="flow",
        business_types=ONE_AT_A_TIME,
        events=OPENING_EVENTS,
        citation=Citation(
            "catalogue §3.5 (I)",
            "One open application per permit at a time (I, not stated).",
            INFERENCE,
        ),
        title_zh=titles[0],
        title_en=titles[1],
        message_zh=messages[0],
        message_en=messages[1],
        check=check,
    )


RULES: tuple[Rule, ...] = (
    _one_at_a_time(
        "FLOW-001",
        ("同一持证人同一时间只办理一项业务", "One open application per holder at a time"),
        (
            "已有一项{open_business_zh}业务（编号 {open_id}）正在办理，当前状态为"
            "“{open_state_zh}”；请待其办结，或由{withdraw_by_zh}将其撤回后再发起新的业务。",
            "A {open_business_en} (id {open_id}) is open, now: {open_state_en}. Let it "
            "finish, or have {withdraw_by_en} withdraw it, before starting a new one.",
        ),
        _one_open_application,
    ),
    _one_at_a_time(
        "FLOW-004",
        (
            "已受理的业务审核结束前不发起新的业务",
            "No new business while an accepted one is under review",
        ),
        (
            "已有一项{open_business_zh}业务（编号 {open_id}）已由主管部门受理，当前状态为"
            "“{open_state_zh}”，受理后不能撤回；请待其审核通过或退回后再发起新的业务。",
            "A {open_business_en} (id {open_id}) has been accepted by the authority, now: "
            "{open_state_en}. It can no longer be withdrawn; wait until its review is passed "
            "or returned before starting a new one.",
        ),
        _open_application_accepted,
    ),
    Rule(
        id="FLOW-002",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="flow",
        business_types=ALL_BUSINESS - {BusinessType.NEW},
        events=CASE_EVENTS,
        citation=Citation(
            "M§3 注意事项 3; M§7", "申请单位及申请人应及时关注证件到期时间，一旦过期，无法恢复"
        ),
        title_zh="证件未过期、未注销",
        title_en="The permit has neither expired nor been cancelled",
        message_zh="证件已{state_zh}，无法恢复，不能再办理此项业务；如仍符合条件，"
        "请重新办理新办业务。",
        message_en="The permit is {state} and cannot be restored, so this business is no longer "
        "possible; if the holder still qualifies, file a new application.",
        check=_permit_not_terminal,
    ),
    Rule(
        id="FLOW-003",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="flow",
        business_types=ALL_BUSINESS,
        events=CASE_EVENTS,
        citation=Citation(
            "M§4.1; catalogue §3.6 (I)", "自原单位离职后，将工作居住证操作为“挂起”状态"
        ),
        texts=TEXTS,
        parameters=frozenset({"flow.permit_states"}),
        judged_on=JudgedOn.STEP,
        check=_permit_state_fits,
    ),
)

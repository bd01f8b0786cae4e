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
  An open application whose permit has ended — expired or cancelled, or past its expiry date
  before the timer marks it — can no longer finish: both rules then say that the system closes
  it (the sweep, FLOW-102) and, before the authority's acceptance, that its filer may withdraw
  it first.
* FLOW-002 — nothing can be applied for on an expired or cancelled permit (M§3 注意事项 3,
  M§7; catalogue §3.4). Its refusal, like REN-006's, shows the way to a new application
  (`apply_anew`): at once when nothing is open; after the open application that still holds
  the marker is withdrawn or closed; or, for an open new application, that it is on its way. A
  cancellation on an ended permit is told that nothing is left to cancel.
* FLOW-003 — each business type needs the permit in the states its spec names
  (``BusinessTypeSpec.permit_states``, I, from catalogue §3.6): none, expired or cancelled for a new
  application (a former holder applies again, as FLOW-002 and REN-006 tell them), valid for a
  renewal and the two changes of data, suspended for an employer change, valid or suspended for
  a cancellation. (That an employer change goes to the employer the holder is associated
  with — a new one, or the permit's own one taking a suspended permit back — is CHG-004.)
  Judged on each step. Its refusal names the step that leads from the permit's state to one
  the business needs: 新办 without a permit, leaving (解除关联 or the holder's declaration,
  挂起) before an employer change on a valid permit — after the open renewal, if one is — and
  the employer change on a suspended permit; a cancellation without a permit needs nothing.
  An ended permit is FLOW-002's to report.

The association functions here are shared with the business-type rules that check who reviews
or initiates a case (NEW-003, BCH-004, CHG-004).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import ClassVar, TypeVar

from attrs import frozen

from permitflow.labels import label
from permitflow.messages import Language
from permitflow.records.actors import Role
from permitflow.records.application import TRAITS, BusinessType, find_business_type
from permitflow.records.holder import (
    AssociationState,
    Employer,
    HolderRecord,
    OpenApplication,
    Permit,
    PermitState,
)
from permitflow.records.lifecycle import expiry_due, is_moot
from permitflow.rules.facts import Facts
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.haidian._shared import ALL_BUSINESS, TEXTS
from permitflow.rules.rule import (
    Check,
    JudgedOn,
    Rule,
    RuleContext,
    Verdict,
    failed,
    passed,
)
from permitflow.tags import SUBMITTING, Tag

INFERENCE = "permitflow 规则目录（推定）"
"""Citation source of a rule the manual implies but does not state."""

OPENING_STEPS = SUBMITTING | {Tag.FILING}
"""The steps that open or re-open an application for the holder."""
EMPLOYER_FILED_STEPS = OPENING_STEPS | {Tag.AUTHORITY_ACCEPTANCE, Tag.AUTHORITY_PASS}
"""Every step that moves a case the employer files (a renewal, an employer change) towards
approval: there the employer's review is its own submission."""
CASE_STEPS = EMPLOYER_FILED_STEPS | {Tag.EMPLOYER_APPROVAL}
"""Every step that moves a case towards approval."""
BEFORE_EXPIRY = frozenset({BusinessType.RENEWAL, BusinessType.EMPLOYER_CHANGE})
"""The businesses REN-006 refuses on a permit past its expiry date: they keep the permit going."""
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
F = TypeVar("F", bound=Facts)


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


def _other_open(ctx: RuleContext) -> OpenApplication | None:
    current = ctx.holder.open_application
    own = ctx.application.id if ctx.application is not None else None
    return None if current is None or current.id == own else current


@frozen
class OpenCase:
    """The open application as the platform names it: 「续签业务（编号 app-8）」."""

    marker: OpenApplication

    def words(self, lang: Language) -> str:
        marker = self.marker
        # A marker written before it carried the business's words still names its type.
        kind = find_business_type(marker.business_type)
        fallback = label(kind, lang) if kind is not None else marker.business_type
        if lang == "zh":
            return f"{marker.business_zh or fallback}业务（编号“{marker.id}”）"
        name = marker.business_en or fallback
        return f"{name[:1].lower()}{name[1:]} (id “{marker.id}”)"

    def __str__(self) -> str:
        return self.marker.id


@frozen
class OpenState:
    """The open application's state, as its machine labels it (「主管部门第1级审核」)."""

    marker: OpenApplication

    def words(self, lang: Language) -> str:
        if lang == "zh":
            return self.marker.state_zh or "办理中"
        return self.marker.state_en or "open"

    def __str__(self) -> str:
        return self.marker.state


@frozen
class Parties:
    """Who may withdraw the open application: 「申请人或聘用单位」."""

    roles: tuple[Role, ...]

    def words(self, lang: Language) -> str:
        # A marker written before it followed the state does not say who filed it.
        if lang == "zh":
            return "或".join(role.label_zh for role in self.roles) or "提交方"
        return " or ".join(role.label_en for role in self.roles) or "the party that filed it"

    def __str__(self) -> str:
        return ",".join(role.value for role in self.roles)


@frozen
class Ending:
    """How the permit ended: 「已过期（有效期至 2026-04-25）」 or 「已注销」."""

    state: PermitState
    expires_on: date | None = None

    def words(self, lang: Language) -> str:
        if self.state is PermitState.CANCELLED:
            return "已注销" if lang == "zh" else "cancelled"
        if self.expires_on is None:
            return "已过期" if lang == "zh" else "expired"
        day = self.expires_on.isoformat()
        return f"已过期（有效期至 {day}）" if lang == "zh" else f"expired (valid until {day})"

    def __str__(self) -> str:
        return self.state.value


def ending(permit: Permit, day: date) -> Ending | None:
    """How the permit has ended by ``day`` — past its expiry date counts, before the timer
    marks it — or None while it lives."""
    if permit.is_terminal:
        return Ending(permit.state, permit.expires_on)
    if expiry_due(permit, day):
        return Ending(PermitState.EXPIRED, permit.expires_on)
    return None


def withdrawable(marker: OpenApplication) -> bool:
    """The open application can still be withdrawn: not accepted by the authority (a marker
    written before it followed the state is taken as withdrawable by its filer)."""
    return bool(marker.withdrawable_by) or not marker.state


@frozen
class OpenApplicationFacts(Facts):
    open: OpenCase
    state: OpenState
    by: Parties


@frozen
class MootOpen(Facts):
    variant: ClassVar[str] = "moot"
    open: OpenCase
    state: OpenState
    ended: Ending
    by: Parties


def _one_open_application(ctx: RuleContext) -> Iterable[Verdict[OpenApplicationFacts | MootOpen]]:
    current = _other_open(ctx)
    # One open application per holder (catalogue §3.5, I): another case in flight blocks this
    # one; its filer can still withdraw it. Once the permit it concerns has ended it can no
    # longer finish: the sweep closes it (FLOW-102), or its filer withdraws it first.
    if current is None or not withdrawable(current):
        yield passed("open_application")
        return
    open_case, state, by = OpenCase(current), OpenState(current), Parties(current.withdrawable_by)
    ended = ending(ctx.holder.permit, ctx.day)
    if ended is not None and is_moot(ctx.holder, BusinessType(current.business_type), ctx.day):
        yield failed("open_application", MootOpen(open_case, state, ended, by))
    else:
        yield failed("open_application", OpenApplicationFacts(open_case, state, by))


@frozen
class AcceptedOpen(Facts):
    open: OpenCase
    state: OpenState


@frozen
class MootAccepted(Facts):
    variant: ClassVar[str] = "moot"
    open: OpenCase
    state: OpenState
    ended: Ending


def _open_application_accepted(
    ctx: RuleContext,
) -> Iterable[Verdict[AcceptedOpen | MootAccepted]]:
    current = _other_open(ctx)
    if current is None or withdrawable(current):
        yield passed("open_application")
        return
    ended = ending(ctx.holder.permit, ctx.day)
    if ended is not None and is_moot(ctx.holder, BusinessType(current.business_type), ctx.day):
        yield failed("open_application", MootAccepted(OpenCase(current), OpenState(current), ended))
    else:
        yield failed("open_application", AcceptedOpen(OpenCase(current), OpenState(current)))


@frozen
class Ended(Facts):
    variant: ClassVar[str] = "ended"
    ended: Ending


@frozen
class WithdrawFirst(Facts):
    variant: ClassVar[str] = "withdraw_first"
    ended: Ending
    open: OpenCase
    by: Parties


@frozen
class WillClose(Facts):
    variant: ClassVar[str] = "will_close"
    ended: Ending
    open: OpenCase


@frozen
class NewOpen(Facts):
    variant: ClassVar[str] = "new_open"
    ended: Ending
    open: OpenCase


Anew = WithdrawFirst | WillClose | NewOpen
"""The ways to a new application on an ended permit while an application is still open."""


def apply_anew(holder: HolderRecord, ended: Ending, alone: F) -> F | Anew:
    """What a holder whose permit ended is told about applying anew (新办): ``alone`` when
    nothing is open; else, since the open application holds the one-at-a-time marker, that it
    is withdrawn (撤回) by its filer or closed by the sweep first — or, an open new
    application, that it is already on its way."""
    marker = holder.open_application
    if marker is None:
        return alone
    if marker.business_type == BusinessType.NEW.value:
        return NewOpen(ended, OpenCase(marker))
    if withdrawable(marker):
        return WithdrawFirst(ended, OpenCase(marker), Parties(marker.withdrawable_by))
    return WillClose(ended, OpenCase(marker))


@frozen
class NothingLeft(Facts):
    variant: ClassVar[str] = "nothing_left"
    ended: Ending


def _permit_not_terminal(ctx: RuleContext) -> Iterable[Verdict[Ended | NothingLeft | Anew]]:
    permit = ctx.holder.permit
    # 一旦过期，无法恢复 (M§3 注意事项 3); a cancelled permit is gone as well (M§7). What is left
    # is a new application — or, for a cancellation, nothing at all. Past its expiry date the
    # permit is expired before the timer marks it so: no change is approved on it then (for
    # renewals and employer changes REN-006 says so).
    if permit.is_terminal:
        ended = Ending(permit.state, permit.expires_on)
    elif ctx.business_type not in BEFORE_EXPIRY and expiry_due(permit, ctx.day):
        ended = Ending(PermitState.EXPIRED, permit.expires_on)
    else:
        yield passed("permit.state", state=permit.state.value)
        return
    if ctx.business_type is BusinessType.CANCELLATION:
        yield failed("permit.state", NothingLeft(ended))
    else:
        yield failed("permit.state", apply_anew(ctx.holder, ended, Ended(ended)))


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


StateFacts = (
    WrongState | NoPermit | NothingToCancel | LeaveFirst | RenewalFirst | HoldsValid
    | ResumeFirst | ResumeNotNew
)  # fmt: skip


def _next_step(ctx: RuleContext, state: PermitState, allowed: frozenset[PermitState]) -> StateFacts:
    """What leads from ``state`` to one the business asked for needs, for whom it is possible:
    a new application where there is no permit, leaving (挂起) before an employer change, an
    employer change before anything else on a suspended permit."""
    kind = ctx.business_type
    if state is PermitState.NONE:
        return NothingToCancel() if kind is BusinessType.CANCELLATION else NoPermit()
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
    ordered = tuple(sorted(allowed, key=list(PermitState).index))
    return WrongState(PermitStates((state,)), PermitStates(ordered))


def _permit_state_fits(ctx: RuleContext) -> Iterable[Verdict[StateFacts]]:
    traits = TRAITS.get(ctx.business_type)
    allowed = traits.permit_states if traits is not None else frozenset()
    state = ctx.holder.permit.state
    if ctx.business_type is BusinessType.NEW and expiry_due(ctx.holder.permit, ctx.day):
        # Past its expiry date the permit has ended, whether or not the timer has run yet: the
        # holder applies anew at once, as REN-006 tells them.
        state = PermitState.EXPIRED
    if state in allowed:
        yield passed("permit.state", state=state.value)
    elif state not in ENDED:
        yield failed("permit.state", _next_step(ctx, state, allowed))
    # An ended permit is FLOW-002's to report, with the way to a new application.


def _one_at_a_time(rule_id: str, check: Check) -> Rule:
    """A rule of one open application per holder (catalogue §3.5, I)."""
    return Rule(
        id=rule_id,
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="flow",
        business_types=ONE_AT_A_TIME,
        tags=OPENING_STEPS,
        citation=Citation(
            "规则目录 §3.5（推定）",
            "同一申请人同一时间只能有一笔在办业务（推定，手册未明言）。",
            INFERENCE,
        ),
        texts=TEXTS,
        judged_on=JudgedOn.STEP,
        check=check,
    )


RULES: tuple[Rule, ...] = (
    _one_at_a_time("FLOW-001", _one_open_application),
    _one_at_a_time("FLOW-004", _open_application_accepted),
    Rule(
        id="FLOW-002",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="flow",
        business_types=ALL_BUSINESS - {BusinessType.NEW},
        tags=CASE_STEPS,
        citation=Citation(
            "M§3 注意事项 3; M§7", "申请单位及申请人应及时关注证件到期时间，一旦过期，无法恢复"
        ),
        texts=TEXTS,
        judged_on=JudgedOn.STEP,
        check=_permit_not_terminal,
    ),
    Rule(
        id="FLOW-003",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="flow",
        business_types=ALL_BUSINESS,
        tags=CASE_STEPS,
        citation=Citation(
            "M§4.1; 规则目录 §3.6（推定）", "自原单位离职后，将工作居住证操作为“挂起”状态"
        ),
        texts=TEXTS,
        judged_on=JudgedOn.STEP,
        check=_permit_state_fits,
    ),
)

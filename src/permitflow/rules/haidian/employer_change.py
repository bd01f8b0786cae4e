"""聘用单位变更 (M§4): the new employer takes over a permit suspended when the holder left.

The holder leaves; the former employer dissociates at once and the permit is suspended (挂起);
the holder associates with the *first* new employer (CHG-004, CHG-007), which accepts the holder
and initiates the change after at least one month of social insurance there (CHG-001, CHG-002).
A holder who changed employer several times files the changes one by one (CHG-006).

Leaving ends the association either way — the former employer dissociates, or the holder
declares having left (``dissociate`` / ``declare_leaving``). Both are refused while a renewal
is open, to be finished or withdrawn first (CHG-010: 证件续签手续完成后再办理解除员工与单位
关联), and while an employer change filed by the associated employer is open (approved after
the association ended, it would land on an association that no longer holds); a declared
leaving day is neither in the future nor before the association began (CHG-011); and when
leaving now would leave too little time for the employer change before expiry, CHG-005 warns
that the former employer should renew first (the heuristic of catalogue §9.4 is a warning: it
guesses when the new employer will file).

Back to the permit's own employer: an employer that dissociated a holder who still works for
it (CHG-012 warns it beforehand), or that takes back a holder who left (返聘), resumes the
suspended permit the same way — the holder associates with it again and it files the employer
change to itself, judged on the facts any new employer is (CHG-004 lets it while the permit is
suspended, never while it is valid). Its months of social insurance are those paid since the
holder is with it again: the unbroken run of months it paid up to the latest, which after an
erroneous dissociation is every month it paid (CHG-001).

Work history (CHG-006, CHG-007): records are matched to employers by their credit code. The
permit's record is the latest record of the permit's employer that began on or before the day
the permit's employer was set (its issue, or its last approved renewal or employer change),
together with the records of that employer directly after it; what follows are the employers
the holder moved to since.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import ClassVar

from attrs import frozen

from permitflow.months import add_months, month_index
from permitflow.records.application import BusinessType, EmployerChangeForm
from permitflow.records.holder import LeavingDeclaration, PermitState, Slot, WorkRecord
from permitflow.rules.facts import Facts, Plain, Unit, unit
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.haidian._shared import (
    ALL_BUSINESS,
    REVIEWING,
    TEXTS,
    attestation_due,
    same_code,
)
from permitflow.rules.haidian.flow import OpenState, associated_employer, withdrawable
from permitflow.rules.haidian.renewal import (
    employer_reference_day,
    filed_before_deadline,
    paid_months,
    submitted_in_time,
)
from permitflow.rules.rule import (
    JudgedOn,
    Rule,
    RuleContext,
    Verdict,
    awaiting_confirmation,
    failed,
    local_date,
    passed,
)
from permitflow.rules.ruleset import EnforcedBy
from permitflow.tags import SUBMITTING, Tag

CHANGE = frozenset({BusinessType.EMPLOYER_CHANGE})
LEAVING = frozenset({Tag.LEAVING})
"""The two ways the association with the former employer ends (the employer's, the holder's)."""
RESIGNATION_CERTIFICATE = "resignation_certificate"
"""The ``document`` of the resignation certificate (离职证明) in the "other materials" slot."""


def returning(ctx: RuleContext) -> bool:
    """The change goes back to the permit's own employer, which the permit is suspended from."""
    return (
        ctx.application is not None
        and ctx.holder.permit.state is PermitState.SUSPENDED
        and same_code(ctx.application.employer_id, ctx.holder.permit.employer_credit_code)
    )


def _months_since_back(ctx: RuleContext, employer: str) -> int:
    """The months ``employer`` paid social insurance since the holder is with it again: its
    unbroken run up to the latest month it paid, none since the current contract began (or
    when the contract on record is another employer's)."""
    contract = ctx.holder.employment.contract
    if contract is None or not same_code(contract.employer_credit_code, employer):
        return 0
    insured = paid_months(ctx.holder.employment).insured
    paid = {m for code, months in insured.items() if same_code(code, employer) for m in months}
    month = max((m for m in paid if m <= month_index(ctx.day)), default=None)
    if month is None or month < month_index(contract.start):
        return 0
    run = 0
    while month - run in paid:
        run += 1
    return run


@frozen
class TooFewMonths(Facts):
    employer: Unit
    months: int
    required: int


@frozen
class TooFewMonthsBack(Facts):
    variant: ClassVar[str] = "back"
    employer: Unit
    months: int
    required: int


def _insurance_at_new_employer(
    ctx: RuleContext,
) -> Iterable[Verdict[TooFewMonths | TooFewMonthsBack]]:
    if ctx.application is None:
        return
    employer = ctx.application.employer_id
    back = returning(ctx)
    if back:
        months = _months_since_back(ctx, employer)
    else:
        paid = paid_months(ctx.holder.employment)
        months = paid.count_by(paid.insured, employer, month_index(ctx.day) + 1)
    required = int(ctx.params["employer_change.min_insurance_months"])
    # 在新入职单位产生至少产生 1 个月社保记录后: at least one month of record at the new employer
    # (for the permit's own employer, since the holder is with it again).
    if months >= required:
        yield passed("employment.insurance", employer=employer, months=months)
    else:
        named = unit(ctx.holder, employer)
        facts = (TooFewMonthsBack if back else TooFewMonths)(named, months, required)
        yield failed("employment.insurance", facts)


def _accepted_by_employer(ctx: RuleContext) -> Iterable[Verdict[Plain]]:
    if ctx.application is None or not isinstance(ctx.application.form, EmployerChangeForm):
        return
    # 经单位认可后由单位申请办理“聘用单位变更”.
    if ctx.application.form.employer_accepted:
        yield passed("form.employer_accepted")
    else:
        yield failed("form.employer_accepted")


def _resignation_certificate(ctx: RuleContext) -> Iterable[Verdict[Plain]]:
    uploaded = [
        attachment
        for attachment in ctx.holder.attachments
        if attachment.slot is Slot.OTHER and attachment.document == RESIGNATION_CERTIFICATE
    ]
    # “其他材料”上传原单位出具的离职证明: the upload is machine-checked at every event; that the
    # former employer issued it, a reviewer attests when passing the case.
    if not uploaded:
        yield failed("attachments.other")
    elif attestation_due(ctx):
        yield awaiting_confirmation("attachments.other", uploaded_on=uploaded[0].uploaded_on)
    else:
        yield passed("attachments.other", uploaded_on=uploaded[0].uploaded_on)


@frozen
class NotAssociated(Facts):
    employer: Unit
    associated: Unit


@frozen
class SameEmployer(Facts):
    variant: ClassVar[str] = "same_employer"
    employer: Unit


def _associated_with_new_employer(
    ctx: RuleContext,
) -> Iterable[Verdict[NotAssociated | SameEmployer]]:
    if ctx.application is None:
        return
    employer = associated_employer(ctx.holder)
    initiating = ctx.application.employer_id
    # 个人……申请进行单位关联……待单位进行批复后才可进行后续操作: the initiating employer
    # approved the association. It is a new employer, or the permit's own one taking back a
    # suspended permit; never the employer of a permit that is not suspended.
    if employer is None or not same_code(employer.credit_code, initiating):
        associated = Unit(employer.credit_code, employer.name) if employer else Unit(None)
        yield failed(
            "association.employer", NotAssociated(unit(ctx.holder, initiating), associated)
        )
    elif same_code(initiating, ctx.holder.permit.employer_credit_code) and not returning(ctx):
        yield failed("association.employer", SameEmployer(unit(ctx.holder, initiating)))
    else:
        yield passed("association.employer", employer=initiating)


def _leaving_day(ctx: RuleContext) -> date:
    """The day the holder leaves: the one declared, or today when the employer dissociates."""
    if isinstance(ctx.payload, LeavingDeclaration):
        return ctx.payload.left_on
    return ctx.day


@frozen
class WouldLapse(Facts):
    expires_on: date
    earliest_filing: date
    deadline: date


def _renewal_before_dissociation(ctx: RuleContext) -> Iterable[Verdict[WouldLapse]]:
    permit = ctx.holder.permit
    if permit.state is not PermitState.VALID or permit.expires_on is None:
        return
    months = int(ctx.params["employer_change.min_insurance_months"])
    working_days = int(ctx.params["renewal.working_days_before_expiry"])
    # Catalogue §9.4 (I): leaving on that day, the change can be filed once the new employer
    # has ``months`` of insurance; if that is after the latest filing day, the permit would
    # lapse during the change, so the former employer had better renew first (证件续签完成后再
    # 办理单位与员工解除关联手续).
    earliest = add_months(_leaving_day(ctx), months)
    on_time, deadline = filed_before_deadline(earliest, permit.expires_on, working_days)
    if on_time or deadline is None:
        yield passed("permit.expires_on", expires_on=permit.expires_on, earliest_filing=earliest)
    else:
        yield failed("permit.expires_on", WouldLapse(permit.expires_on, earliest, deadline.date))


@frozen
class OpenRenewal(Facts):
    open_id: str


@frozen
class OpenEmployerChange(Facts):
    variant: ClassVar[str] = "employer_change"
    open_id: str


@frozen
class AcceptedRenewal(Facts):
    """Accepted by the authority: no longer withdrawn, only finished (passed or returned)."""

    variant: ClassVar[str] = "accepted"
    open_id: str
    state: OpenState


@frozen
class AcceptedEmployerChange(Facts):
    variant: ClassVar[str] = "employer_change_accepted"
    open_id: str
    state: OpenState


_Open = OpenRenewal | OpenEmployerChange | AcceptedRenewal | AcceptedEmployerChange


def _no_open_renewal(ctx: RuleContext) -> Iterable[Verdict[_Open]]:
    current = ctx.holder.open_application
    kind = current.business_type if current is not None else None
    # 证件续签手续完成后再办理解除员工与单位关联: a renewal the employer filed (or the holder
    # prepared for it) is finished, or withdrawn, before the association ends.
    if current is not None and kind == BusinessType.RENEWAL.value:
        yield failed("open_application", OpenRenewal(current.id) if withdrawable(current)
                     else AcceptedRenewal(current.id, OpenState(current)))  # fmt: skip
    # The employer change in flight is filed by the employer the holder is associated with now:
    # approved after the association ended, it would make the permit valid with an employer the
    # holder no longer has, and suspending it again would take a dissociation nobody can make.
    elif current is not None and kind == BusinessType.EMPLOYER_CHANGE.value:
        yield failed("open_application", OpenEmployerChange(current.id) if withdrawable(current)
                     else AcceptedEmployerChange(current.id, OpenState(current)))  # fmt: skip
    else:
        yield passed("open_application")


@frozen
class LeftLater(Facts):
    left_on: date
    today: date


@frozen
class LeftBefore(Facts):
    variant: ClassVar[str] = "before_joining"
    left_on: date
    joined: date


def _plausible_leaving_day(ctx: RuleContext) -> Iterable[Verdict[LeftLater | LeftBefore]]:
    if not isinstance(ctx.payload, LeavingDeclaration):
        return
    left_on = ctx.payload.left_on
    since = ctx.holder.association.since
    joined = local_date(since) if since is not None else None
    # 自原单位离职后: the holder has left, so the day is not in the future, and it falls after
    # the association with that employer began.
    if left_on > ctx.day:
        yield failed("left_on", LeftLater(left_on, ctx.day))
    elif joined is not None and left_on < joined:
        yield failed("left_on", LeftBefore(left_on, joined))
    else:
        yield passed("left_on", left_on=left_on, joined=joined)


def _permit_records(ctx: RuleContext) -> tuple[int, tuple[WorkRecord, ...]] | None:
    """Where the permit's record ends and the work records sorted by start (None: none found).

    The permit's record is the latest of its employer's that began by the day the permit's
    employer was set, with that employer's records directly after it (a return, 返聘, that no
    other employer interrupted)."""
    records = tuple(sorted(ctx.holder.profile.work_history, key=lambda record: record.start))
    permit_employer = ctx.holder.permit.employer_credit_code
    own = [i for i, r in enumerate(records) if same_code(r.employer_uscc, permit_employer)]
    if not own:
        return None
    reference = employer_reference_day(ctx.holder.permit)
    index = ([i for i in own if reference is None or records[i].start <= reference] or own)[-1]
    while index + 1 < len(records) and same_code(records[index + 1].employer_uscc, permit_employer):
        index += 1
    return index, records


def _after_permit_employer(ctx: RuleContext) -> tuple[WorkRecord, ...] | None:
    """The work records after the permit's record, oldest first (None: not found)."""
    found = _permit_records(ctx)
    return None if found is None else found[1][found[0] + 1 :]


def _still_there(ctx: RuleContext) -> bool:
    """The permit's record is the holder's current employment (the holder never moved on)."""
    found = _permit_records(ctx)
    if found is None:
        return False
    index, records = found
    end = records[index].end
    return index == len(records) - 1 and (end is None or end >= ctx.day)


def _position_of(employer: str, later: tuple[WorkRecord, ...]) -> int | None:
    for index, record in enumerate(later):
        if same_code(record.employer_uscc, employer):
            return index
    return None


@frozen
class NotJoined(Facts):
    employer: Unit
    permit_employer: Unit


@frozen
class NotBack(Facts):
    variant: ClassVar[str] = "not_back"
    employer: Unit


def _first_new_employer(ctx: RuleContext) -> Iterable[Verdict[NotJoined | NotBack]]:
    if ctx.application is None:
        return
    employer = ctx.application.employer_id
    later = _after_permit_employer(ctx)
    # 新单位（指申请人首次劳动关系变更单位）: the work history shows the initiating employer
    # after the permit's employer — or, for the permit's own employer, that the holder works
    # there now: never left, or came back.
    found = later is not None and _position_of(employer, later) is not None
    if found or (returning(ctx) and _still_there(ctx)):
        yield passed("profile.work_history", employer=employer)
    elif returning(ctx):
        yield failed("profile.work_history", NotBack(unit(ctx.holder, employer)))
    else:
        permit_employer = unit(ctx.holder, ctx.holder.permit.employer_credit_code)
        yield failed(
            "profile.work_history", NotJoined(unit(ctx.holder, employer), permit_employer)
        )


@frozen
class Skipped(Facts):
    skipped: tuple[str, ...]
    count: int


@frozen
class SkippedBeforeBack(Facts):
    variant: ClassVar[str] = "back"
    employer: Unit
    skipped: tuple[str, ...]
    count: int


def _one_by_one(ctx: RuleContext) -> Iterable[Verdict[Skipped | SkippedBeforeBack]]:
    if ctx.application is None:
        return
    later = _after_permit_employer(ctx)
    position = None if later is None else _position_of(ctx.application.employer_id, later)
    if later is None or position is None:
        if returning(ctx) and _still_there(ctx):
            yield passed("profile.work_history", count=0)
        return
    skipped = later[:position]
    # 如申请人发生多次劳动关系变更，应逐一变更: no employer between the permit's and this one.
    if not skipped:
        yield passed("profile.work_history", count=0)
        return
    names = tuple(record.employer_name for record in skipped)
    if returning(ctx):
        employer = unit(ctx.holder, ctx.application.employer_id)
        yield failed("profile.work_history", SkippedBeforeBack(employer, names, len(names)))
    else:
        yield failed("profile.work_history", Skipped(names, len(names)))


@frozen
class StillEmployed(Facts):
    employer: Unit


def _dissociating_a_current_employee(ctx: RuleContext) -> Iterable[Verdict[StillEmployed]]:
    holder = ctx.holder
    employer = holder.association.employer
    contract = holder.employment.contract
    if holder.permit.state is not PermitState.VALID or employer is None or contract is None:
        return
    # 员工离职解除关联应由单位系统操作: dissociation is for a holder who left. A contract with this
    # employer that has not ended says the holder still works there, and the permit would be
    # suspended all the same.
    current = same_code(contract.employer_credit_code, employer.credit_code) and (
        contract.valid_until is None or contract.valid_until >= ctx.day
    )
    if current:
        named = Unit(employer.credit_code, employer.name)
        yield failed("employment.contract", StillEmployed(named))
    else:
        yield passed("employment.contract")


RULES: tuple[Rule, ...] = (
    Rule(
        id="CHG-001",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="chg",
        business_types=CHANGE,
        tags=SUBMITTING,
        citation=Citation(
            "M§4",
            "工作居住证持证人在新入职单位产生至少产生 1 个月社保记录后，"
            "经单位认可后由单位申请办理“聘用单位变更”。",
        ),
        texts=TEXTS,
        parameters={"employer_change.min_insurance_months": int},
        check=_insurance_at_new_employer,
    ),
    Rule(
        id="CHG-002",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="chg",
        business_types=CHANGE,
        tags=SUBMITTING,
        citation=Citation("M§4", "经单位认可后由单位申请办理“聘用单位变更”"),
        texts=TEXTS,
        check=_accepted_by_employer,
    ),
    Rule(
        id="CHG-003",
        kind=RuleKind.HYBRID,
        severity=Severity.ERROR,
        group="chg",
        business_types=CHANGE,
        tags=SUBMITTING | REVIEWING,
        citation=Citation("M§4.2", "“其他材料”上传原单位出具的离职证明。"),
        texts=TEXTS,
        check=_resignation_certificate,
    ),
    Rule(
        id="CHG-004",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="chg",
        business_types=CHANGE,
        tags=SUBMITTING,
        citation=Citation(
            "M§4.1",
            "个人进入“人才业务办理平台-个人版”首页点击“工作居住证”申请进行单位关联（关联码由聘用单"
            "位系统获知），待单位进行批复后才可进行后续操作。",
        ),
        texts=TEXTS,
        check=_associated_with_new_employer,
    ),
    Rule(
        id="CHG-005",
        kind=RuleKind.PROCESS,
        severity=Severity.WARNING,
        group="chg",
        business_types=ALL_BUSINESS,
        tags=LEAVING,
        citation=Citation(
            # A warning: the trigger (catalogue §9.4, I) guesses when the new employer files.
            "M§4 注意事项 3; 规则目录 §9.4",
            "若证件续签与聘用单位变更业务同时发生时，请由原单位先办理证件续签手续，"
            "证件续签完成后再办理单位与员工解除关联手续。",
        ),
        texts=TEXTS,
        parameters={
            "employer_change.min_insurance_months": int,
            "renewal.working_days_before_expiry": int,
        },
        judged_on=JudgedOn.STEP,
        check=_renewal_before_dissociation,
    ),
    Rule(
        id="CHG-006",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="chg",
        business_types=CHANGE,
        tags=SUBMITTING,
        citation=Citation(
            "M§4 注意事项 2",
            "如申请人发生多次劳动关系变更，应逐一变更《北京市工作居住证》关联单位。",
        ),
        texts=TEXTS,
        check=_one_by_one,
    ),
    Rule(
        id="CHG-007",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="chg",
        business_types=CHANGE,
        tags=SUBMITTING,
        citation=Citation(
            "M§4",
            "新单位（指申请人首次劳动关系变更单位）应立即与持证人进行关联，"
            "并办理《北京市工作居住证》聘用单位变更业务。",
        ),
        texts=TEXTS,
        check=_first_new_employer,
    ),
    Rule(
        id="CHG-008",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="chg",
        business_types=CHANGE,
        tags=SUBMITTING,
        citation=Citation(
            "M§4 注意事项 1",
            "申请人《北京市工作居住证》关联申请单位需与其《劳动合同》签订单位、个税扣缴及社保缴纳单位一致；",
        ),
        texts=TEXTS,
        check=EnforcedBy(
            "规则 EMP-005：对聘用单位变更，比较发起变更的新单位与劳动合同、个税扣缴、"
            "社保缴纳单位。",
            "Rule EMP-005: for an employer change it compares the initiating new employer with "
            "the contract employer, the tax withholder and the insurance payer.",
        ),
    ),
    Rule(
        id="CHG-009",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="chg",
        business_types=CHANGE,
        tags=SUBMITTING,
        citation=Citation(
            # The severity is set by rules.overrides; an expired permit is REN-006's.
            "M§4 注意事项 4",
            "申请办理单位变更业务需至少提前 20 个工作日（规定审核周期)提交,未按时间提交申请导致审核"
            "未完成证件失效的,责任由申请单位及申请人承担。",
        ),
        texts=TEXTS,
        parameters={"renewal.working_days_before_expiry": int},
        judged_on=JudgedOn.FIRST_SUBMISSION,
        check=submitted_in_time,
    ),
    Rule(
        id="CHG-010",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="chg",
        business_types=ALL_BUSINESS,
        tags=LEAVING,
        citation=Citation(
            "M§4",
            "若证件续签与聘用单位变更业务同时发生时，请先由原单位办理证件续签手续，"
            "证件续签手续完成后再办理解除员工与单位关联，避免证件失效。",
        ),
        texts=TEXTS,
        judged_on=JudgedOn.STEP,
        check=_no_open_renewal,
    ),
    Rule(
        id="CHG-011",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="chg",
        business_types=ALL_BUSINESS,
        event="declare_leaving",
        citation=Citation("M§4.1", "自原单位离职后，将工作居住证操作为“挂起”状态"),
        texts=TEXTS,
        judged_on=JudgedOn.STEP,
        check=_plausible_leaving_day,
    ),
    Rule(
        id="CHG-012",
        kind=RuleKind.PROCESS,
        severity=Severity.WARNING,
        group="chg",
        business_types=ALL_BUSINESS,
        event="dissociate",
        citation=Citation("M§7 注; M§4", "注：员工离职解除关联应由单位系统操作。"),
        texts=TEXTS,
        judged_on=JudgedOn.STEP,
        check=_dissociating_a_current_employee,
    ),
)

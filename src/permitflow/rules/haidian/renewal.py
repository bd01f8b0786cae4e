"""续签 (M§3): the renewal the employer initiates before the permit expires.

Evidence window (REN-002, REN-003, REN-004): "持证期间近三年" is read as the
``renewal.evidence_months`` calendar months (36, C) that end ``renewal.evidence_lag_months``
months before the month of submission (1, I: the submission month's income and insurance are not
declared yet), and never earlier than the month the permit was issued ("持证期间").

Deadline (REN-005, shared with CHG-009): "申请办理续签业务需至少提前 20 个工作日（规定审核周期）
提交，未按时提交申请导致审核未完成证件失效的，责任由申请单位及申请人承担". The manual names the
consequence of a late filing — the permit may lapse and the employer and applicant bear it — and
does not say a late filing is refused. So the rule set ships REN-005 and CHG-009 as warnings
through ``rules.overrides``; a district that refuses late filings sets them back to errors. An
expired permit, on the other hand, cannot be restored at all (REN-006, an error, for renewals and
employer changes alike: M§3 注意事项 3 and M§4 注意事项 4 say the same).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import ClassVar

from attrs import frozen

from permitflow.deadlines import Deadline, latest_renewal_submission
from permitflow.months import month_index, month_text
from permitflow.records.application import BusinessType, RenewalForm
from permitflow.records.holder import Employment, Permit, PermitState, Slot
from permitflow.records.lifecycle import expiry_due
from permitflow.rules.facts import (
    Facts,
    Month,
    MonthSpan,
    Plain,
    Unit,
    indexed_months,
    unit,
    units,
)
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.haidian._shared import REVIEWING, TEXTS, attestation_due, same_code
from permitflow.rules.haidian.flow import (
    BEFORE_EXPIRY,
    EMPLOYER_FILED_STEPS,
    Anew,
    Ending,
    apply_anew,
)
from permitflow.rules.rule import (
    JudgedOn,
    Rule,
    RuleContext,
    Verdict,
    awaiting_confirmation,
    failed,
    passed,
)
from permitflow.rules.ruleset import EnforcedBy
from permitflow.tags import SUBMITTING

RENEWAL = frozenset({BusinessType.RENEWAL})


# --- months -------------------------------------------------------------------------------------


def months_text(indices: Iterable[int]) -> str:
    return ", ".join(month_text(index) for index in indices) or "-"


def evidence_window(ctx: RuleContext) -> range:
    """The months of "持证期间近三年" as month indices (see the module docstring)."""
    last = month_index(ctx.day) - int(ctx.params["renewal.evidence_lag_months"])
    first = last - int(ctx.params["renewal.evidence_months"]) + 1
    issued = ctx.holder.permit.issued_on
    if issued is not None:
        first = max(first, month_index(issued))
    return range(first, last + 1)


def window_text(window: range) -> str:
    if not window:
        return "-"
    return f"{month_text(window.start)}..{month_text(window.stop - 1)}"


@frozen
class PaidMonths:
    """A holder's tax and insurance records by month index, gathered in one pass."""

    income: Mapping[int, int]
    """Month -> taxable income of all withholders (cents)."""
    withheld: Mapping[str, tuple[int, ...]]
    """Withholder's credit code as recorded -> the months it withheld tax, ascending."""
    insured: Mapping[str, tuple[int, ...]]
    """Payer's credit code as recorded -> the months it paid insurance, ascending."""
    insured_any: frozenset[int]
    back_paid: frozenset[int]

    def count_by(self, payers: Mapping[str, tuple[int, ...]], employer: str, before: int) -> int:
        """Distinct months before month ``before`` that ``employer`` paid in ``payers``."""
        matching = [months for code, months in payers.items() if same_code(code, employer)]
        if len(matching) == 1:
            return bisect_left(matching[0], before)
        return len({month for months in matching for month in months if month < before})


_PAID: dict[int, tuple[Employment, PaidMonths]] = {}
_PAID_SIZE = 256


def paid_months(employment: Employment) -> PaidMonths:
    """The records of ``employment`` by month, computed once per record object.

    Every rule reading the months of one case shares the pass; the entry keeps the record alive,
    so its identity cannot be reused by another object while cached.
    """
    cached = _PAID.get(id(employment))
    if cached is not None and cached[0] is employment:
        return cached[1]
    income: dict[int, int] = {}
    withheld: dict[str, set[int]] = {}
    for record in employment.income:
        index = month_index(record.month)
        income[index] = income.get(index, 0) + record.taxable_income_cents
        withheld.setdefault(record.withholder_credit_code, set()).add(index)
    insured: dict[str, set[int]] = {}
    back_paid = set()
    for paid in employment.insurance:
        index = month_index(paid.month)
        insured.setdefault(paid.payer_credit_code, set()).add(index)
        if paid.back_paid:
            back_paid.add(index)
    result = PaidMonths(
        income=income,
        withheld={code: tuple(sorted(months)) for code, months in withheld.items()},
        insured={code: tuple(sorted(months)) for code, months in insured.items()},
        insured_any=frozenset(month for months in insured.values() for month in months),
        back_paid=frozenset(back_paid),
    )
    if len(_PAID) >= _PAID_SIZE:
        _PAID.clear()
    _PAID[id(employment)] = (employment, result)
    return result


def permit_reference_day(permit: Permit) -> date | None:
    """The day the permit's current data were last set: its last change, else its issue."""
    days = [day for day in (permit.issued_on, permit.changed_on) if day is not None]
    return max(days) if days else None


def employer_reference_day(permit: Permit) -> date | None:
    """The day the permit's employer was last set: its issue or its last approved renewal or
    employer change. Not its last change of any kind: an approved address change says nothing
    about who employed the holder since."""
    return permit.employer_set_on or permit.issued_on


# --- the 20-working-day deadline ----------------------------------------------------------------


def _clearly_in_time(day: date, expiry: date, working_days: int) -> bool:
    # 2n + 30 calendar days always hold at least n working days (weekends take at most 2/7 of
    # them plus 2, holidays about 12 more), so far-off expiries need no calendar — and raise no
    # estimate warning for a year whose holiday notice is not published yet.
    return day + timedelta(days=2 * working_days + 30) <= expiry


def filed_before_deadline(
    day: date, expiry: date, working_days: int
) -> tuple[bool, Deadline | None]:
    """Whether filing on ``day`` is on time for ``expiry``; the deadline when it was computed."""
    if _clearly_in_time(day, expiry, working_days):
        return True, None
    deadline = latest_renewal_submission(expiry, working_days=working_days)
    return day <= deadline.date, deadline


@frozen
class Late(Facts):
    expires_on: date
    working_days: int
    deadline: date
    submission: date


@frozen
class LateEstimated(Facts):
    """Late by a deadline counted over a year whose holiday arrangement is not published yet."""

    variant: ClassVar[str] = "estimated"
    expires_on: date
    working_days: int
    deadline: date
    submission: date


def submitted_in_time(ctx: RuleContext) -> Iterable[Verdict[Late | LateEstimated]]:
    """The check of REN-005 and CHG-009."""
    expiry = ctx.holder.permit.expires_on
    if expiry is None:
        return
    submission = ctx.day
    working_days = int(ctx.params["renewal.working_days_before_expiry"])
    # 需至少提前 20 个工作日（规定审核周期）提交: on or before the 20th working day before the
    # expiry date, the expiry day itself not counted, and early enough that the review ends by
    # the expiry (latest_renewal_submission).
    on_time, deadline = filed_before_deadline(submission, expiry, working_days)
    facts: dict[str, object] = {
        "submission": submission,
        "expires_on": expiry,
        "working_days": working_days,
    }
    if deadline is not None:
        facts["deadline"] = deadline.date
        facts["estimated"] = deadline.estimated
    if on_time or deadline is None:
        yield passed("application.submitted_at", **facts)
    else:
        late = LateEstimated if deadline.estimated else Late
        yield failed(
            "application.submitted_at", late(expiry, working_days, deadline.date, submission)
        )


# --- checks -------------------------------------------------------------------------------------


@frozen
class ZeroIncome(Facts):
    window: MonthSpan | None
    months: int
    count: int
    zero_months: tuple[Month, ...]


def _income_every_month(ctx: RuleContext) -> Iterable[Verdict[ZeroIncome]]:
    window = evidence_window(ctx)
    income = paid_months(ctx.holder.employment).income
    # 持证期间近三年应税收入应连续正常缴纳不为零: every month of the window, more than zero.
    zero = [index for index in window if income.get(index, 0) <= 0]
    if zero:
        facts = ZeroIncome(MonthSpan.of(window), len(window), len(zero), indexed_months(zero))
        yield failed("employment.income", facts)
    else:
        yield passed("employment.income", window=window_text(window), months=len(window))


@frozen
class InsuranceGaps(Facts):
    window: MonthSpan | None
    gaps: tuple[Month, ...]


@frozen
class GapsAndBackPaid(Facts):
    variant: ClassVar[str] = "gaps_back_paid"
    window: MonthSpan | None
    gaps: tuple[Month, ...]
    back_paid: tuple[Month, ...]


@frozen
class BackPaid(Facts):
    variant: ClassVar[str] = "back_paid"
    window: MonthSpan | None
    back_paid: tuple[Month, ...]


def _insurance_continuous(
    ctx: RuleContext,
) -> Iterable[Verdict[InsuranceGaps | GapsAndBackPaid | BackPaid]]:
    window = evidence_window(ctx)
    paid = paid_months(ctx.holder.employment)
    back_paid = sorted(index for index in paid.back_paid if index in window)
    # 按时并足额并连续缴纳社会保险费: "连续" is machine-checked (no month missing) at every event;
    # "按时" is broken by back-paid months (补缴), refused outright or left to the reviewer by
    # renewal.back_paid_months; "足额" (the amount due) only the reviewer can attest, when
    # passing the case.
    gaps = [index for index in window if index not in paid.insured_any]
    refuse_back_pay = ctx.params["renewal.back_paid_months"] == "refuse"
    facts = {
        "window": window_text(window),
        "gaps": months_text(gaps),
        "back_paid": months_text(back_paid),
    }
    span = MonthSpan.of(window)
    if gaps and back_paid:
        both = GapsAndBackPaid(span, indexed_months(gaps), indexed_months(back_paid))
        yield failed("employment.insurance", both)
    elif gaps:
        yield failed("employment.insurance", InsuranceGaps(span, indexed_months(gaps)))
    elif back_paid and refuse_back_pay:
        yield failed("employment.insurance", BackPaid(span, indexed_months(back_paid)))
    elif attestation_due(ctx):
        yield awaiting_confirmation("employment.insurance", **facts)
    else:
        yield passed("employment.insurance", **facts)


@frozen
class UnfiledChange(Facts):
    permit_employer: Unit
    since: Month
    others: tuple[Unit, ...]


def _changes_processed(ctx: RuleContext) -> Iterable[Verdict[UnfiledChange]]:
    permit = ctx.holder.permit
    employer = permit.employer_credit_code
    if employer is None:
        return
    window = evidence_window(ctx)
    reference = employer_reference_day(permit)
    # Months after the one in which the permit's employer was last set: any other withholder or
    # payer there is a labour-relation change never filed as an employer change.
    first = window.start if reference is None else max(window.start, month_index(reference) + 1)
    paid = paid_months(ctx.holder.employment)
    others: dict[str, int] = {}
    for payers in (paid.withheld, paid.insured):
        for code, months in payers.items():
            at = bisect_left(months, first)
            if at < len(months) and months[at] < window.stop and not same_code(code, employer):
                others[code] = min(months[at], others.get(code, months[at]))
    # 未按要求做聘用单位变更业务的不在受理范围之内.
    if others:
        holder = ctx.holder
        facts = UnfiledChange(
            unit(holder, employer), Month.of_index(min(others.values())), units(holder, others)
        )
        yield failed("employment", facts)
    else:
        yield passed("employment", permit_employer=employer)


@frozen
class Expired(Facts):
    expires_on: date
    on: date


def _not_expired(ctx: RuleContext) -> Iterable[Verdict[Expired | Anew]]:
    permit = ctx.holder.permit
    if permit.expires_on is None:
        return
    # 一旦过期，无法恢复: judged on the day of the event, whatever the filing date was. A permit
    # whose expiry date has passed is expired even before the expiry timer marks it so; once
    # marked, FLOW-002 reports it. The application is moot then: the holder applies anew once
    # it is withdrawn or the sweep has closed it.
    if expiry_due(permit, ctx.day):
        ended = Ending(PermitState.EXPIRED, permit.expires_on)
        yield failed(
            "permit.expires_on", apply_anew(ctx.holder, ended, Expired(permit.expires_on, ctx.day))
        )
    else:
        yield passed("permit.expires_on", expires_on=permit.expires_on, on=ctx.day)


def _employer_checked(ctx: RuleContext) -> Iterable[Verdict[Plain]]:
    if ctx.application is None or not isinstance(ctx.application.form, RenewalForm):
        return
    # 由单位确认无误后，在单位系统发起“续签”.
    if ctx.application.form.employer_checked:
        yield passed("form.employer_checked")
    else:
        yield failed("form.employer_checked")


@frozen
class NotRefreshed(Facts):
    slot: Slot
    uploaded_on: date
    since: date


def _attachments_refreshed(ctx: RuleContext) -> Iterable[Verdict[NotRefreshed]]:
    reference = permit_reference_day(ctx.holder.permit)
    if reference is None:
        return
    slots: list[str] = ctx.params["renewal.refreshed_slots"]
    # 按续签标准上传各类附件: the per-application materials are uploaded again for the renewal,
    # after the permit was issued; a missing slot is ATT-009's finding.
    for name in slots:
        attachment = ctx.holder.attachment(Slot(name))
        if attachment is None:
            continue
        field = f"attachments.{name}"
        if attachment.uploaded_on >= reference:
            yield passed(field, slot=name, uploaded_on=attachment.uploaded_on, since=reference)
        else:
            yield failed(field, NotRefreshed(Slot(name), attachment.uploaded_on, reference))


RULES: tuple[Rule, ...] = (
    Rule(
        id="REN-001",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="ren",
        business_types=RENEWAL,
        tags=SUBMITTING,
        citation=Citation(
            "M§3 注意事项 1",
            "申请单位、《劳动合同》签订单位、个税扣缴和社保缴纳单位须为同一家单位；",
        ),
        texts=TEXTS,
        check=EnforcedBy(
            "规则 EMP-005：对续签，比较申请单位与劳动合同、个税扣缴、社保缴纳单位。",
            "Rule EMP-005: for a renewal it compares the applying employer with the contract "
            "employer, the tax withholder and the insurance payer.",
        ),
    ),
    Rule(
        id="REN-002",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="ren",
        business_types=RENEWAL,
        tags=SUBMITTING,
        citation=Citation("M§3 注意事项 2", "持证期间近三年应税收入应连续正常缴纳不为零"),
        texts=TEXTS,
        parameters={"renewal.evidence_months": int, "renewal.evidence_lag_months": int},
        check=_income_every_month,
    ),
    Rule(
        id="REN-003",
        kind=RuleKind.HYBRID,
        severity=Severity.ERROR,
        group="ren",
        business_types=RENEWAL,
        tags=SUBMITTING | REVIEWING,
        citation=Citation(
            "M§3 注意事项 2",
            "申请单位应依据《中华人民共和国社会保险法》为申请人按时并足额并连续缴纳社会保险费",
        ),
        texts=TEXTS,
        parameters={
            "renewal.evidence_months": int,
            "renewal.evidence_lag_months": int,
            "renewal.back_paid_months": str,
        },
        check=_insurance_continuous,
    ),
    Rule(
        id="REN-004",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="ren",
        business_types=RENEWAL,
        tags=SUBMITTING,
        citation=Citation(
            "M§3 注意事项 2",
            "且需符合聘用单位变更规定要求，未按要求做聘用单位变更业务的不在受理范围之内（聘用单位变"
            "更业务具体要求参照《单位变更业务办理规范》）",
        ),
        texts=TEXTS,
        parameters={"renewal.evidence_months": int, "renewal.evidence_lag_months": int},
        check=_changes_processed,
    ),
    Rule(
        id="REN-005",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="ren",
        business_types=RENEWAL,
        tags=SUBMITTING,
        # The severity is set by rules.overrides: the manual puts the risk of a late filing on
        # the employer and the applicant, it does not refuse it.
        citation=Citation(
            "M§3 注意事项 3",
            "申请办理续签业务需至少提前 20 个工作日（规定审核周期）提交，"
            "未按时提交申请导致审核未完成证件失效的，责任由申请单位及申请人承担",
        ),
        texts=TEXTS,
        parameters={"renewal.working_days_before_expiry": int},
        judged_on=JudgedOn.FIRST_SUBMISSION,
        check=submitted_in_time,
    ),
    Rule(
        id="REN-006",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="ren",
        business_types=BEFORE_EXPIRY,
        tags=EMPLOYER_FILED_STEPS,
        citation=Citation(
            "M§3 注意事项 3; M§4 注意事项 4",
            "申请单位及申请人应及时关注证件到期时间，一旦过期，无法恢复",
        ),
        texts=TEXTS,
        judged_on=JudgedOn.STEP,
        check=_not_expired,
    ),
    Rule(
        id="REN-007",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="ren",
        business_types=RENEWAL,
        tags=SUBMITTING,
        citation=Citation("M§3.2", "由单位确认无误后，在单位系统发起“续签”。"),
        texts=TEXTS,
        check=_employer_checked,
    ),
    Rule(
        id="REN-008",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="ren",
        business_types=RENEWAL,
        tags=SUBMITTING,
        citation=Citation("M§3.1", "按续签标准上传各类附件。"),
        texts=TEXTS,
        parameters={"renewal.refreshed_slots": list},
        check=_attachments_refreshed,
    ),
)

"""The employer, the association and the employment relation (EMP, M§2, M§3, M§4, M§7).

Credit codes are compared after normalisation (full-width to half-width, no spaces, upper
case). EMP-005 looks at the most recent ``employment.same_employer_months`` months of tax and
social insurance: the latest payer is the one that must be the applying employer. An employer
change to an employer the holder has since left (A → B → C, filed one by one as B, then C:
"如申请人发生多次劳动关系变更，应逐一变更", M§4 注意事项 2) is judged on the months that
employer employed the holder instead — its period in the work history, which stands for its
contract, since the record keeps only the current one.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from operator import attrgetter
from typing import ClassVar

from attrs import frozen

from permitflow.records.application import BusinessType
from permitflow.records.holder import AssociationState, IncomeMonth, InsuranceMonth, WorkRecord
from permitflow.rules.facts import Facts, Plain, Unit, unit, units
from permitflow.rules.finding import RuleKind, Severity
from permitflow.rules.haidian._shared import (
    ALL_BUSINESS,
    APPLICANT_SIDE,
    EMPLOYMENT_BUSINESS,
    TEXTS,
    cite,
    same_code,
)
from permitflow.rules.haidian.flow import associated_employer
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, passed
from permitflow.rules.ruleset import EnforcedBy

_ASSOCIATION = "association"
_MONTH = attrgetter("month")
_PASS_PERMISSION = (passed("association.employer.handling_permission"),)
_PASS_ASSOCIATION = (passed(_ASSOCIATION),)
_PASS_CODE = (passed("association.code"),)
_PASS_EMPLOYMENT = (passed("employment"),)


def _applying_employer(ctx: RuleContext) -> str | None:
    """The credit code of the employer that applies: the application's, else the associated one."""
    if ctx.application is not None:
        return ctx.application.employer_id
    employer = ctx.holder.association.employer
    return employer.credit_code if employer is not None else None


# M§2 intro: 按上述步骤要求做好“附件管理”材料上传后，可正常使用系统（当前聘用单位应具备海淀区开通
# 办理权限）。
@frozen
class NoPermission(Facts):
    employer: Unit


@frozen
class NoEmployer(Facts):
    variant: ClassVar[str] = "no_employer"


def _handling_permission(ctx: RuleContext) -> Iterable[Verdict[NoPermission | NoEmployer]]:
    employer = ctx.holder.association.employer
    if employer is None:
        return (failed("association.employer", NoEmployer()),)
    if employer.handling_permission:
        return _PASS_PERMISSION
    return (
        failed(
            "association.employer.handling_permission",
            NoPermission(Unit(employer.credit_code, employer.name)),
        ),
    )


EMP_001 = Rule(
    id="EMP-001",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="emp",
    business_types=frozenset({BusinessType.NEW}),
    citation=cite("M§2 引言", "当前聘用单位应具备海淀区开通办理权限"),
    texts=TEXTS,
    check=_handling_permission,
)


# M§2.1: 待单位进行批复后才可进行后续操作。
@frozen
class Requested(Facts):
    variant: ClassVar[str] = "requested"
    employer: Unit


@frozen
class Dissociated(Facts):
    variant: ClassVar[str] = "dissociated"
    employer: Unit


def _association_approved(
    ctx: RuleContext,
) -> Iterable[Verdict[Plain | Requested | Dissociated]]:
    association = ctx.holder.association
    state = association.state
    if state is AssociationState.ASSOCIATED:
        return _PASS_ASSOCIATION
    employer = association.employer
    named = Unit(employer.credit_code, employer.name) if employer is not None else Unit(None)
    if state is AssociationState.REQUESTED:
        return (failed(_ASSOCIATION, Requested(named)),)
    if state is AssociationState.DISSOCIATED:
        return (failed(_ASSOCIATION, Dissociated(named)),)
    return (failed(_ASSOCIATION),)


EMP_002 = Rule(
    id="EMP-002",
    kind=RuleKind.PROCESS,
    severity=Severity.ERROR,
    group="emp",
    business_types=APPLICANT_SIDE,
    citation=cite("M§2.1; M§4.1", "待单位进行批复后才可进行后续操作。"),
    texts=TEXTS,
    check=_association_approved,
)


# M§2.1: 关联码由聘用单位系统获知 — an association requested or approved carries the code.
@frozen
class NoCode(Facts):
    employer: Unit


def _association_code(ctx: RuleContext) -> Iterable[Verdict[NoCode]]:
    association = ctx.holder.association
    linked = association.state in (AssociationState.REQUESTED, AssociationState.ASSOCIATED)
    if linked and not (association.code or "").strip():
        employer = association.employer
        named = Unit(employer.credit_code, employer.name) if employer is not None else Unit(None)
        return (failed("association.code", NoCode(named)),)
    return _PASS_CODE


EMP_003 = Rule(
    id="EMP-003",
    kind=RuleKind.PROCESS,
    severity=Severity.ERROR,
    group="emp",
    business_types=APPLICANT_SIDE,
    citation=cite("M§2.1", "关联码由聘用单位系统获知，详情可查看平台操作手册单位版"),
    texts=TEXTS,
    check=_association_code,
)


@frozen
class OtherReviewer(Facts):
    employer: Unit
    associated: Unit


@frozen
class NoApprovedAssociation(Facts):
    variant: ClassVar[str] = "not_associated"
    employer: Unit


def handled_by_associated_employer(
    ctx: RuleContext,
) -> Iterable[Verdict[OtherReviewer | NoApprovedAssociation]]:
    """The employer reviewing or initiating the case is the one the holder is associated with.

    The check of NEW-003 and BCH-004: the association the employer approved is what lets
    the case go to that employer (M§2.1 "待单位进行批复后才可进行后续操作").
    """
    if ctx.application is None:
        return
    employer = associated_employer(ctx.holder)
    if employer is not None and same_code(employer.credit_code, ctx.application.employer_id):
        yield passed("association.employer", employer=employer.credit_code)
        return
    reviewing = unit(ctx.holder, ctx.application.employer_id)
    if employer is None:
        yield failed("association.employer", NoApprovedAssociation(reviewing))
    else:
        associated = Unit(employer.credit_code, employer.name)
        yield failed("association.employer", OtherReviewer(reviewing, associated))


# M§2 注意事项 3: 申请人所得税、社会保险需由与其建立劳动合同关系的申请单位缴纳，不得由第三方
# 代扣代缴
@frozen
class NoContract(Facts):
    variant: ClassVar[str] = "no_contract"


@frozen
class ThirdParty(Facts):
    variant: ClassVar[str] = "third_party"
    employer: Unit


def _no_third_party(ctx: RuleContext) -> Iterable[Verdict[NoContract | ThirdParty]]:
    employment = ctx.holder.employment
    if employment.contract is None:
        return (failed("employment.contract", NoContract()),)
    if employment.third_party_payroll:
        employer = unit(ctx.holder, employment.contract.employer_credit_code)
        return (failed("employment.third_party_payroll", ThirdParty(employer)),)
    return _PASS_EMPLOYMENT


EMP_004 = Rule(
    id="EMP-004",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="emp",
    business_types=EMPLOYMENT_BUSINESS,
    citation=cite(
        "M§2 注意事项 3",
        "申请人所得税、社会保险需由与其建立劳动合同关系的申请单位缴纳，不得由第三方代扣代缴",
    ),
    texts=TEXTS,
    check=_no_third_party,
)


# M§3 注意事项 1: 申请单位、《劳动合同》签订单位、个税扣缴和社保缴纳单位须为同一家单位；
# M§4 注意事项 1: 申请人《北京市工作居住证》关联申请单位需与其《劳动合同》签订单位、个税扣缴及
# 社保缴纳单位一致
def former_employment(ctx: RuleContext, employer: str | None) -> WorkRecord | None:
    """The ended work record of ``employer`` when an employer change goes to an employer the
    holder has since left for another (an intermediate one); None otherwise."""
    if ctx.business_type is not BusinessType.EMPLOYER_CHANGE:
        return None
    contract = ctx.holder.employment.contract
    if contract is None or same_code(contract.employer_credit_code, employer):
        return None
    ended = [
        record
        for record in ctx.holder.profile.work_history
        if record.end is not None and same_code(record.employer_uscc, employer)
    ]
    return max(ended, key=attrgetter("end"), default=None)


@frozen
class NotTheSame(Facts):
    applying: Unit
    contract: Unit
    withholders: tuple[Unit, ...]
    payers: tuple[Unit, ...]
    months: int


def _same_employer(ctx: RuleContext) -> Iterable[Verdict[NotTheSame]]:
    months = ctx.params["employment.same_employer_months"]
    employment = ctx.holder.employment
    applying = _applying_employer(ctx)
    contract = employment.contract.employer_credit_code if employment.contract else None
    income_months: Iterable[IncomeMonth] = employment.income
    insurance_months: Iterable[InsuranceMonth] = employment.insurance
    former = former_employment(ctx, applying)
    if former is not None and former.end is not None:
        # The months of its period, from the month it started to the month it ended.
        first, last = former.start.replace(day=1), former.end
        contract = former.employer_uscc
        income_months = [m for m in employment.income if first <= m.month <= last]
        insurance_months = [m for m in employment.insurance if first <= m.month <= last]
    income = heapq.nlargest(months, income_months, key=_MONTH)
    insurance = heapq.nlargest(months, insurance_months, key=_MONTH)
    withholders = {m.withholder_credit_code for m in income}
    payers = {m.payer_credit_code for m in insurance}
    if (
        withholders
        and payers
        and all(same_code(applying, code) for code in (contract, *withholders, *payers))
    ):
        return _PASS_EMPLOYMENT
    holder = ctx.holder
    return (
        failed(
            "employment",
            NotTheSame(
                applying=unit(holder, applying),
                contract=unit(holder, contract),
                withholders=units(holder, withholders),
                payers=units(holder, payers),
                months=months,
            ),
        ),
    )


EMP_005 = Rule(
    id="EMP-005",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="emp",
    business_types=EMPLOYMENT_BUSINESS,
    citation=cite(
        "M§3 注意事项 1; M§4 注意事项 1",
        "申请单位、《劳动合同》签订单位、个税扣缴和社保缴纳单位须为同一家单位；",
    ),
    texts=TEXTS,
    parameters={"employment.same_employer_months": int},
    check=_same_employer,
)

# 注：员工离职解除关联应由单位系统操作。 (M§7)
EMP_006 = Rule(
    id="EMP-006",
    kind=RuleKind.PROCESS,
    severity=Severity.ERROR,
    group="emp",
    business_types=ALL_BUSINESS,
    event="dissociate",
    citation=cite("M§7 注", "注：员工离职解除关联应由单位系统操作。"),
    texts=TEXTS,
    check=EnforcedBy(
        "单位关联状态机：dissociate 事件只允许聘用单位角色触发。",
        "The association machine: only the employer role may fire the dissociate event.",
    ),
)

# M§4 引言: 持证人离职的，原单位应立即在系统中办理解除员工与单位其关联，新单位（指申请人首次劳动
# 关系变更单位）应立即与持证人进行关联，并办理《北京市工作居住证》聘用单位变更业务。
EMP_007 = Rule(
    id="EMP-007",
    kind=RuleKind.PROCESS,
    severity=Severity.WARNING,
    group="emp",
    business_types=frozenset({BusinessType.EMPLOYER_CHANGE}),
    citation=cite(
        "M§4 引言",
        "持证人离职的，原单位应立即在系统中办理解除员工与单位其关联，新单位（指申请人首次劳动关系"
        "变更单位）应立即与持证人进行关联，并办理《北京市工作居住证》聘用单位变更业务。",
    ),
    texts=TEXTS,
    check=EnforcedBy(
        "证件与关联状态机：解除关联即将证件挂起，新单位关联获批后方可发起聘用单位变更。",
        "The permit and association machines: dissociation suspends the permit, and the new "
        "employer can file the change once its association is approved.",
    ),
)

RULES: tuple[Rule, ...] = (EMP_001, EMP_002, EMP_003, EMP_004, EMP_005, EMP_006, EMP_007)

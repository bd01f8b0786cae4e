"""注销 (M§7): the three reasons a permit must be cancelled at once.

"申请人已取得北京市户口、工作单位转至外省市或已到达法定退休年龄的，应即时注销北京市工作居住证。"
The cancellation form names its reason; the rule of that reason checks the data backs it:

* CAN-001 — the hukou in the basic information is a Beijing one;
* CAN-002 — the permit's employer is recorded as having moved out of Beijing;
* CAN-003 — the statutory retirement date (2024 reform,
[`permitflow.retirement`][permitflow.retirement]) has come.
  The category is the one declared in the basic information; a man needs none (the resident id
  says male), a woman declares cadre or worker post, since the post decides it.

"应即时注销" also means the permit is not kept going once a reason holds: a renewal or an
employer change is refused, at every step, pointing to the cancellation — CAN-004 from the
statutory retirement date on, CAN-005 once the employer is recorded as moved out of Beijing
(HUK-004 does it for a Beijing hukou). [`permitflow.cancellation_due`][permitflow.cancellation_due]
decides the three
reasons for the rules and the status views alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from permitflow.cancellation_due import moved_out_employer, retirement_reached
from permitflow.identifiers import ResidentId
from permitflow.records.application import BusinessType, CancellationForm, CancellationTrigger
from permitflow.retirement import retirement_of
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.haidian._shared import resident_id, same_code
from permitflow.rules.haidian.flow import CASE_EVENTS, associated_employer
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, passed

CANCELLATION = frozenset({BusinessType.CANCELLATION})
CONTINUING = frozenset({BusinessType.RENEWAL, BusinessType.EMPLOYER_CHANGE})
"""The businesses that keep a permit going, refused once its cancellation is due."""
FILED = frozenset({"submit"})
RESIDENT_ID_FIELD = "profile.general.resident_id"
_QUOTE = (
    "申请人已取得北京市户口、工作单位转至外省市或已到达法定退休年龄的，应即时注销北京市工作居住证。"
)


def resident(number: str) -> ResidentId | None:
    """The holder's parsed resident id (parsed once); None when invalid — ID-001 reports it."""
    parsed = resident_id(number, RESIDENT_ID_FIELD)
    return parsed if isinstance(parsed, ResidentId) else None


def _trigger(ctx: RuleContext, trigger: CancellationTrigger) -> bool:
    return (
        ctx.application is not None
        and isinstance(ctx.application.form, CancellationForm)
        and ctx.application.form.trigger is trigger
    )


def _beijing_hukou(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    if not _trigger(ctx, CancellationTrigger.BEIJING_HUKOU):
        return
    general = ctx.holder.profile.general
    place = (general.hukou.place or general.hukou.province_code) if general is not None else "-"
    # 申请人已取得北京市户口: the basic information shows the Beijing hukou.
    if general is not None and general.hukou.in_beijing:
        yield passed("profile.general.hukou", place=place)
    else:
        yield failed("profile.general.hukou", place=place)


def _employer_left_beijing(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    if not _trigger(ctx, CancellationTrigger.EMPLOYER_LEFT_BEIJING):
        return
    permit_employer = ctx.holder.permit.employer_credit_code
    employer = associated_employer(ctx.holder)
    if employer is None or not same_code(employer.credit_code, permit_employer):
        employer = None
    # 工作单位转至外省市: the permit's employer is recorded as no longer in Beijing.
    if employer is not None and not employer.in_beijing:
        yield passed("association.employer.in_beijing", employer=employer.name)
    else:
        yield failed(
            "association.employer.in_beijing",
            employer=employer.name if employer is not None else permit_employer or "-",
        )


def _retired(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    if not _trigger(ctx, CancellationTrigger.RETIREMENT):
        return
    general = ctx.holder.profile.general
    retirement = (
        retirement_of(general.resident_id, general.retirement_category)
        if general is not None
        else None
    )
    if retirement is None:
        yield failed(
            "profile.general.retirement_category",
            category=general.retirement_category if general is not None else "-",
            retirement_date="-",
            on=ctx.day,
        )
        return
    facts = {
        "category": retirement.category.value,
        "retirement_date": retirement.retirement_date,
        "age": retirement.age_zh,
        "on": ctx.day,
    }
    # 已到达法定退休年龄: on or after the statutory retirement date.
    if ctx.day >= retirement.retirement_date:
        yield passed("profile.general.resident_id", **facts)
    else:
        yield failed("profile.general.resident_id", **facts)


# 应即时注销: once retirement is reached, the permit is not renewed nor moved to an employer.
def _not_retired(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    retirement = retirement_reached(ctx.holder, ctx.day)
    if retirement is None:
        yield passed("profile.general.resident_id")
    else:
        yield failed(
            "profile.general.resident_id",
            retirement_date=retirement.retirement_date,
            age=retirement.age_zh,
            age_en=retirement.age_en,
        )


# 应即时注销: an employer gone to another province neither renews nor takes over the permit.
def _employer_in_beijing(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    employer = moved_out_employer(ctx.holder, ctx.day)
    if employer is None:
        yield passed("association.employer.in_beijing")
    else:
        yield failed(
            "association.employer.in_beijing",
            employer=employer.name,
            since=employer.moved_out_on or "-",
        )


RULES: tuple[Rule, ...] = (
    Rule(
        id="CAN-001",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="can",
        business_types=CANCELLATION,
        events=FILED,
        citation=Citation("M§7", _QUOTE),
        title_zh="注销原因：已取得北京市户口",
        title_en="Reason for cancelling: the holder has a Beijing hukou",
        message_zh="注销原因为“已取得北京市户口”，但个人基础信息中的户籍（{place}）不是北京户籍；"
        "请先在基础信息中更新户籍并上传户口本，或选择正确的注销原因。",
        message_en="The reason given is a Beijing hukou, but the basic information shows the "
        "hukou {place}, outside Beijing; update the hukou and its page first, or choose the "
        "right reason.",
        check=_beijing_hukou,
    ),
    Rule(
        id="CAN-002",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="can",
        business_types=CANCELLATION,
        events=FILED,
        citation=Citation("M§7", _QUOTE),
        title_zh="注销原因：工作单位转至外省市",
        title_en="Reason for cancelling: the employer moved out of Beijing",
        message_zh="注销原因为“工作单位转至外省市”，但记录中证件所属单位（{employer}）仍在北京；"
        "请单位更新其所在地信息，或选择正确的注销原因。",
        message_en="The reason given is that the employer moved out of Beijing, but the "
        "permit's employer ({employer}) is recorded in Beijing; have the employer update its "
        "location, or choose the right reason.",
        check=_employer_left_beijing,
    ),
    Rule(
        id="CAN-003",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="can",
        business_types=CANCELLATION,
        events=FILED,
        citation=Citation("M§7", _QUOTE),
        title_zh="注销原因：已到达法定退休年龄",
        title_en="Reason for cancelling: the statutory retirement age is reached",
        message_zh="注销原因为“已到达法定退休年龄”，但按退休人员类别 {category} "
        "计算的法定退休日期为 {retirement_date}，{on} 尚未到达；"
        "请核对身份证号和退休人员类别（女职工须申报female_cadre 或 female_worker），"
        "或选择正确的注销原因。",
        message_en="The reason given is the statutory retirement age, but for category "
        "{category} the statutory retirement date is {retirement_date}, not reached on {on}. "
        "Check the resident id and the retirement category (a woman declares female_cadre or "
        "female_worker), or choose the right reason.",
        check=_retired,
    ),
    Rule(
        id="CAN-004",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="can",
        business_types=CONTINUING,
        events=CASE_EVENTS,
        citation=Citation("M§7", _QUOTE),
        title_zh="申请人尚未到达法定退休年龄",
        title_en="The holder has not reached the statutory retirement age",
        message_zh="申请人已于 {retirement_date} 到达法定退休年龄（{age}），应即时注销工作居住证，"
        "不能再续签或变更聘用单位；请办理注销。",
        message_en="The holder reached the statutory retirement age ({age_en}) on "
        "{retirement_date}; the permit must be cancelled at once and can no longer be renewed "
        "or moved to another employer. File the cancellation.",
        check=_not_retired,
    ),
    Rule(
        id="CAN-005",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="can",
        business_types=CONTINUING,
        events=CASE_EVENTS,
        citation=Citation("M§7", _QUOTE),
        title_zh="工作单位仍在北京",
        title_en="The employer is still in Beijing",
        message_zh="工作单位 {employer} 已转至外省市，应即时注销工作居住证，"
        "不能再续签或变更到该单位；请办理注销。",
        message_en="The employer {employer} has moved out of Beijing; the permit must "
        "be cancelled at once and can no longer be renewed or moved to that employer. File the "
        "cancellation.",
        check=_employer_in_beijing,
    ),
)

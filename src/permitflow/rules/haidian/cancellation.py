"""注销 (M§7): the three reasons a permit must be cancelled at once.

"申请人已取得北京市户口、工作单位转至外省市或已到达法定退休年龄的，应即时注销北京市工作居住证。"
The cancellation form names its reason; the rule of that reason checks the data backs it:

* CAN-001 — the hukou in the basic information is a Beijing one;
* CAN-002 — the permit's employer is recorded as having moved out of Beijing;
* CAN-003 — the statutory retirement date (2024 reform, :mod:`permitflow.retirement`) has come.
  The category is the one declared in the basic information; a man needs none (the resident id
  says male), a woman declares cadre or worker post, since the post decides it.
"""

from __future__ import annotations

from collections.abc import Iterable

from permitflow.identifiers import ResidentId
from permitflow.records.application import BusinessType, CancellationForm, CancellationTrigger
from permitflow.retirement import (
    category_for,
    statutory_retirement,
)
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.haidian._shared import resident_id, same_code
from permitflow.rules.haidian.flow import associated_employer
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, passed

CANCELLATION = frozenset({BusinessType.CANCELLATION})
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


def _beijing_hukou(ctx: RuleContext) -> Iterable[Verdict]:
    if not _trigger(ctx, CancellationTrigger.BEIJING_HUKOU):
        return
    general = ctx.holder.profile.general
    place = (general.hukou.place or general.hukou.province_code) if general is not None else "-"
    # 申请人已取得北京市户口: the basic information shows the Beijing hukou.
    if general is not None and general.hukou.in_beijing:
        yield passed("profile.general.hukou", place=place)
    else:
        yield failed("profile.general.hukou", place=place)


def _employer_left_beijing(ctx: RuleContext) -> Iterable[Verdict]:
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


def _retired(ctx: RuleContext) -> Iterable[Verdict]:
    if not _trigger(ctx, CancellationTrigger.RETIREMENT):
        return
    general = ctx.holder.profile.general
    person = resident(general.resident_id) if general is not None else None
    category = None
    if general is not None and person is not None:
        category = category_for(person.sex, general.retirement_category)
    if person is None or category is None:
        yield failed(
            "profile.general.retirement_category",
            category=general.retirement_category if general is not None else "-",
            retirement_date="-",
            on=ctx.day,
        )
        return
    retirement = statutory_retirement(person.birth_date, category)
    facts = {
        "category": category.value,
        "retirement_date": retirement.retirement_date,
        "age": retirement.age_zh,
        "on": ctx.day,
    }
    # 已到达法定退休年龄: on or after the statutory retirement date.
    if ctx.day >= retirement.retirement_date:
        yield passed("profile.general.resident_id", **facts)
    else:
        yield failed("profile.general.resident_id", **facts)


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
)

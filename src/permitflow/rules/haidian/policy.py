"""Policy conditions reported by secondary sources (POL), not by the manual (catalogue §4.12).

The Haidian guide (《海淀区办理指南》) that states the eligibility conditions could not be read;
third-party summaries agree on an age cap, a degree or title, tenure at the employer, an income
level, work experience, employer eligibility, a three-year validity, a lapse 60 days after
leaving, and a legal stable residence. Each rule here really checks the data against its
parameters, whose confidence says how sure the value is; ``rules.overrides`` ships them as
warnings, the least certain ones (POL-004, POL-008) disabled, and POL-009 — which the manual
itself requires (M§2 注意事项 4) — as an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from permitflow.deadlines import age_in_years
from permitflow.identifiers import CreditCode
from permitflow.machines.common import SUBMISSION_EVENTS
from permitflow.months import add_months, month_index
from permitflow.records.application import BusinessType, EmployerChangeForm
from permitflow.records.holder import Slot
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.haidian._shared import (
    REVIEW_EVENTS,
    attestation_due,
    credit_code,
    same_code,
)
from permitflow.rules.haidian.cancellation import resident
from permitflow.rules.haidian.renewal import paid_months, window_text
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, needs_attestation, passed

NEW = frozenset({BusinessType.NEW})
SECONDARY = "permitflow 规则目录 §4.12、§7（二手资料，未经官方确认）"
"""Citation source of the POL rules: the catalogue's summary of third-party sources."""


def _age_cap(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    general = ctx.holder.profile.general
    person = resident(general.resident_id) if general is not None else None
    if person is None:
        return
    caps: dict[str, int] = ctx.params["policy.max_age_years"]
    cap = caps[person.sex.value]
    age = age_in_years(person.birth_date, ctx.day)
    # Men aged 60 or younger, women 55 or younger: completed years at submission <= the cap.
    facts = {"age": age, "cap": cap, "sex": person.sex.value}
    if age <= cap:
        yield passed("profile.general.resident_id", **facts)
    else:
        yield failed("profile.general.resident_id", **facts)


def _degree_or_title(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    education = ctx.holder.profile.education
    if education is None:
        return
    degrees: list[str] = ctx.params["policy.accepted_degrees"]
    titles: list[str] = ctx.params["policy.accepted_title_levels"]
    degree = education.highest_degree or ""
    title = education.title_level or ""
    # A bachelor's degree or higher, or an intermediate or higher professional title.
    facts = {"degree": degree or "-", "title": title or "-"}
    if any(word in degree for word in degrees) or any(word in title for word in titles):
        yield passed("profile.education", **facts)
    else:
        yield failed("profile.education", **facts)


def _tenure(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    if ctx.application is None:
        return
    employer = ctx.application.employer_id
    submission = ctx.day
    months = int(ctx.params["policy.min_tenure_months"])
    paid_required = int(ctx.params["policy.min_paid_months"])
    employment = ctx.holder.employment
    contract = employment.contract
    start = None
    if contract is not None and same_code(contract.employer_credit_code, employer):
        start = contract.start
    filed = month_index(submission)
    paid = paid_months(employment)
    insured = paid.count_by(paid.insured, employer, filed)
    taxed = paid.count_by(paid.withheld, employer, filed)
    # Employed by the applying employer for 6 months or more, with social insurance and income
    # tax paid there for as many months.
    facts = {
        "start": start or "-",
        "months": months,
        "insured": insured,
        "taxed": taxed,
        "required": paid_required,
    }
    long_enough = start is not None and add_months(start, months) <= submission
    if long_enough and insured >= paid_required and taxed >= paid_required:
        yield passed("employment", **facts)
    else:
        yield failed("employment", **facts)


def _income_level(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    count = int(ctx.params["policy.income_months"])
    multiple = float(ctx.params["policy.income_multiple"])
    wage = int(ctx.params["policy.average_monthly_wage_cents"])
    last = month_index(ctx.day) - 1
    window = range(last - count + 1, last + 1)
    income = paid_months(ctx.holder.employment).income
    total = sum(income.get(index, 0) for index in window)
    average = total // count
    threshold = round(multiple * wage)
    # Taxable income at least k times the average wage (k = 1.2 or 1.5 depending on district).
    facts = {
        "window": window_text(window),
        "average_yuan": f"{average / 100:.2f}",
        "threshold_yuan": f"{threshold / 100:.2f}",
        "multiple": multiple,
    }
    if average >= threshold:
        yield passed("employment.income", **facts)
    else:
        yield failed("employment.income", **facts)


def _work_experience(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    history = ctx.holder.profile.work_history
    if not history:
        return
    years = int(ctx.params["policy.min_work_years"])
    first = min(record.start for record in history)
    # At least 2 years of work experience, counted from the first job (工作经历 runs "自参加工作
    # 至申报时期", M§1.4).
    facts = {"first": first, "years": years}
    if age_in_years(first, ctx.day) >= years:
        yield passed("profile.work_history", **facts)
    else:
        yield failed("profile.work_history", **facts)


def _eligible_employer(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    if ctx.application is None:
        return
    code = credit_code(ctx.application.employer_id, "application.employer_id")
    if not isinstance(code, CreditCode):
        return
    categories: list[str] = ctx.params["policy.employer_categories"]
    divisions: list[str] = ctx.params["policy.employer_divisions"]
    # Registered and paying tax in Haidian with independent legal personality (enterprises,
    # institutions, private non-enterprise units, social organisations).
    facts = {"category": code.entity_category, "division": code.division_code}
    if code.entity_category in categories and code.division_code in divisions:
        yield passed("application.employer_id", **facts)
    else:
        yield failed("application.employer_id", **facts)


def _three_year_validity(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    permit = ctx.holder.permit
    if permit.issued_on is None or permit.expires_on is None:
        return
    years = int(ctx.params["permit.validity_years"])
    end = add_months(permit.issued_on, 12 * years)
    # Valid for 3 years: the expiry is the anniversary or the day before it.
    facts = {"issued_on": permit.issued_on, "expires_on": permit.expires_on, "years": years}
    if end - timedelta(days=1) <= permit.expires_on <= end:
        yield passed("permit.expires_on", **facts)
    else:
        yield failed("permit.expires_on", **facts)


def _left_on(ctx: RuleContext) -> date | None:
    form = ctx.application.form if ctx.application is not None else None
    if isinstance(form, EmployerChangeForm) and form.left_previous_on is not None:
        return form.left_previous_on
    return ctx.holder.permit.changed_on


def _within_days_of_leaving(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    left = _left_on(ctx)
    if left is None:
        return
    days = int(ctx.params["policy.change_within_days"])
    elapsed = (ctx.day - left).days
    # The change to a new employer is filed within 60 days of leaving, else the permit lapses.
    facts = {"left_on": left, "elapsed": elapsed, "days": days}
    if elapsed <= days:
        yield passed("form.left_previous_on", **facts)
    else:
        yield failed("form.left_previous_on", **facts)


def _stable_residence(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    proof = ctx.holder.residence
    # 住房材料必须合理合法: a proof on record and uploaded, checked at every event; owned housing
    # is stable by nature, any other proof's stability a reviewer attests when passing the case.
    if proof is None or ctx.holder.attachment(Slot.RESIDENCE) is None:
        yield failed("residence", kind=proof.kind.value if proof is not None else "-")
        return
    stable: list[str] = ctx.params["policy.stable_proof_kinds"]
    if proof.kind.value in stable or not attestation_due(ctx):
        yield passed("residence", kind=proof.kind.value)
    else:
        yield needs_attestation("residence", kind=proof.kind.value)


RULES: tuple[Rule, ...] = (
    Rule(
        id="POL-001",
        kind=RuleKind.MACHINE,
        severity=Severity.WARNING,
        group="pol",
        business_types=NEW,
        events=SUBMISSION_EVENTS,
        citation=Citation(
            "catalogue §4.12, §7; S1, S2, S4, S5, H1",
            "Men aged 60 or younger, women 55 or younger.",
            SECONDARY,
        ),
        title_zh="申请人年龄：男性不超过 60 周岁、女性不超过 55 周岁",
        title_en="Applicant's age: men 60 or younger, women 55 or younger",
        message_zh="申请人提交时 {age} 周岁，超过公开资料所述上限 {cap} 周岁（性别 {sex}）；"
        "该条件未经官方确认，请以《海淀区办理指南》为准并咨询主管部门。",
        message_en="The applicant is {age} at submission, above the cap of {cap} reported by "
        "secondary sources (sex {sex}); the condition is unconfirmed — check the Haidian guide "
        "or ask the authority.",
        check=_age_cap,
    ),
    Rule(
        id="POL-002",
        kind=RuleKind.MACHINE,
        severity=Severity.WARNING,
        group="pol",
        business_types=NEW,
        events=SUBMISSION_EVENTS,
        citation=Citation(
            "catalogue §4.12, §7; S1-S5",
            "Bachelor's degree or higher, or an intermediate or higher professional title.",
            SECONDARY,
        ),
        title_zh="学历学位或职称：学士及以上学位，或中级及以上职称",
        title_en="Degree or title: bachelor's or higher, or an intermediate or higher title",
        message_zh="最高学位“{degree}”、职称级别“{title}”均未达到公开资料所述条件（学士及以上学位或"
        "中级及以上职称）；该条件未经官方确认，请以《海淀区办理指南》为准。",
        message_en="Neither the highest degree ({degree}) nor the title level ({title}) meets the "
        "reported condition (bachelor's or higher, or an intermediate or higher title); it is "
        "unconfirmed — check the Haidian guide.",
        check=_degree_or_title,
    ),
    Rule(
        id="POL-003",
        kind=RuleKind.MACHINE,
        severity=Severity.WARNING,
        group="pol",
        business_types=NEW,
        events=SUBMISSION_EVENTS,
        citation=Citation(
            "catalogue §4.12, §7; S1, S2, S4, S5",
            "Employed by the applying employer for 6 months or more; social insurance and income "
            "tax paid there for 6 or 12 months depending on the district.",
            SECONDARY,
        ),
        title_zh="在申请单位工作满规定月数，社保个税由其缴纳",
        title_en="Tenure at the applying employer, with insurance and tax paid there",
        message_zh="劳动合同起始 {start}（须满 {months} 个月），在申请单位的社保 {insured} 个月、"
        "个税 {taxed} 个月（须各满 {required} 个月）；该条件未经官方确认，"
        "请以《海淀区办理指南》为准。",
        message_en="Contract since {start} ({months} months needed), {insured} month(s) of "
        "insurance and {taxed} of income tax at the applying employer ({required} needed); the "
        "condition is unconfirmed — check the Haidian guide.",
        check=_tenure,
    ),
    Rule(
        id="POL-004",
        kind=RuleKind.MACHINE,
        severity=Severity.WARNING,
        group="pol",
        business_types=NEW,
        events=SUBMISSION_EVENTS,
        citation=Citation(
            "catalogue §4.12, §7; S1, S2, S8",
            "Taxable income at least k times the previous year's Beijing average wage, "
            "k = 1.2 or 1.5 depending on the district.",
            SECONDARY,
        ),
        title_zh="应税收入不低于上年度北京市平均工资的规定倍数",
        title_en="Taxable income at least the required multiple of the average wage",
        message_zh="{window} 月均应税收入 {average_yuan} 元，低于 {multiple} 倍平均工资 "
        "{threshold_yuan} 元；该条件及数值未经官方确认，请以《海淀区办理指南》为准。",
        message_en="Average monthly taxable income {window} is {average_yuan} yuan, below "
        "{multiple} times the average wage ({threshold_yuan} yuan); the condition and its "
        "numbers are unconfirmed — check the Haidian guide.",
        check=_income_level,
    ),
    Rule(
        id="POL-005",
        kind=RuleKind.MACHINE,
        severity=Severity.WARNING,
        group="pol",
        business_types=NEW,
        events=SUBMISSION_EVENTS,
        citation=Citation(
            "catalogue §4.12, §7; S2-S5", "At least 2 years of work experience.", SECONDARY
        ),
        title_zh="工作经验满规定年限",
        title_en="Work experience of the required years",
        message_zh="工作经历自 {first} 起，提交时不满 {years} 年；该条件未经官方确认，"
        "请以《海淀区办理指南》为准。",
        message_en="Work experience starts on {first}, less than {years} years before "
        "submission; the condition is unconfirmed — check the Haidian guide.",
        check=_work_experience,
    ),
    Rule(
        id="POL-006",
        kind=RuleKind.MACHINE,
        severity=Severity.WARNING,
        group="pol",
        business_types=NEW,
        events=SUBMISSION_EVENTS,
        citation=Citation(
            "catalogue §4.12, §7; H1 (2014), S3, S10",
            "Employer registered and paying tax in Haidian with independent legal personality "
            "(enterprises, institutions, private non-enterprise units, social organisations).",
            SECONDARY,
        ),
        title_zh="聘用单位在海淀注册纳税且具有独立法人资格",
        title_en="The employer is registered in Haidian with independent legal personality",
        message_zh="聘用单位统一社会信用代码显示主体类别 {category}、登记机关区划 {division}，"
        "不在公开资料所述范围（在海淀注册纳税的独立法人单位）；该条件未经官方确认，请咨询主管部门。"
        "",
        message_en="The employer's credit code shows entity category {category} and "
        "registration division {division}, outside the reported scope (independent legal "
        "persons registered and paying tax in Haidian); unconfirmed — ask the authority.",
        check=_eligible_employer,
    ),
    Rule(
        id="POL-007",
        kind=RuleKind.MACHINE,
        severity=Severity.WARNING,
        group="pol",
        business_types=frozenset({BusinessType.RENEWAL}),
        events=SUBMISSION_EVENTS,
        citation=Citation(
            "catalogue §4.12, §7; S3, S9",
            "Validity 3 years; renewal at the end; renewal evidence covers 3 years.",
            SECONDARY,
        ),
        title_zh="证件有效期为规定年限",
        title_en="The permit ran for the stated validity",
        message_zh="证件 {issued_on} 签发、有效期至 {expires_on}，与 {years} 年有效期不符；"
        "请核对证件信息。",
        message_en="The permit was issued on {issued_on} and is valid until {expires_on}, which "
        "does not match a validity of {years} years; check the permit data.",
        check=_three_year_validity,
    ),
    Rule(
        id="POL-008",
        kind=RuleKind.MACHINE,
        severity=Severity.WARNING,
        group="pol",
        business_types=frozenset({BusinessType.EMPLOYER_CHANGE}),
        events=SUBMISSION_EVENTS,
        citation=Citation(
            "catalogue §4.12, §7; S6, S7, S8",
            "The change to a new employer must be filed within 60 days of leaving, else the "
            "permit lapses.",
            SECONDARY,
        ),
        title_zh="离职后在规定天数内办理单位变更",
        title_en="The employer change is filed within the stated days of leaving",
        message_zh="{left_on} 离职，至提交已 {elapsed} 天，超过公开资料所述 {days} 天；"
        "证件可能已失效，该条件未经官方确认，请咨询主管部门。",
        message_en="The holder left on {left_on}, {elapsed} days before submission, more than "
        "the {days} days reported; the permit may have lapsed — unconfirmed, ask the authority.",
        check=_within_days_of_leaving,
    ),
    Rule(
        id="POL-009",
        kind=RuleKind.HYBRID,
        severity=Severity.ERROR,
        group="pol",
        business_types=frozenset(
            {BusinessType.NEW, BusinessType.RENEWAL, BusinessType.EMPLOYER_CHANGE}
        ),
        events=SUBMISSION_EVENTS | REVIEW_EVENTS,
        citation=Citation(
            "M§2 注意事项 4; S1-S5",
            "住房材料必须合理合法，位于北京市行政区域内，且房屋用途需为住宅（办公、"
            "酒店及商用房屋不属于住宅）。",
        ),
        title_zh="在京有合法稳定住所",
        title_en="A legal, stable residence in Beijing",
        message_zh="在京合法稳定住所证明（类型 {kind}）：未录入或未上传的请补充；"
        "非自有住房的稳定性由审核人员确认。",
        message_en="Proof of a legal stable residence in Beijing (kind {kind}): add and upload "
        "it if missing; a reviewer confirms the stability of housing that is not owned.",
        check=_stable_residence,
    ),
)

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
from typing import ClassVar

from attrs import frozen

from permitflow.deadlines import age_in_years
from permitflow.identifiers import CreditCode, Sex
from permitflow.months import add_months, month_index
from permitflow.records.application import BusinessType, EmployerChangeForm
from permitflow.records.holder import ProofKind, Slot
from permitflow.rules.facts import Facts, Given, Money, MonthSpan, Unit, unit
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.haidian._shared import (
    REVIEWING,
    TEXTS,
    attestation_due,
    credit_code,
    same_code,
)
from permitflow.rules.haidian.cancellation import resident
from permitflow.rules.haidian.renewal import paid_months, window_text
from permitflow.rules.rule import (
    Rule,
    RuleContext,
    Verdict,
    awaiting_confirmation,
    failed,
    passed,
)
from permitflow.tags import SUBMITTING

NEW = frozenset({BusinessType.NEW})
SECONDARY = "permitflow 规则目录 §4.12、§7（二手资料，未经官方确认）"
"""Citation source of the POL rules: the catalogue's summary of third-party sources, quoted in
Chinese, the language of those sources (the catalogue summarises them in English)."""


@frozen
class TooOld(Facts):
    age: int
    cap: int
    sex: Sex


def _age_cap(ctx: RuleContext) -> Iterable[Verdict[TooOld]]:
    general = ctx.holder.profile.general
    person = resident(general.resident_id) if general is not None else None
    if person is None:
        return
    caps: dict[str, int] = ctx.params["policy.max_age_years"]
    cap = caps[person.sex.value]
    age = age_in_years(person.birth_date, ctx.day)
    # Men aged 60 or younger, women 55 or younger: completed years at submission <= the cap.
    if age <= cap:
        yield passed("profile.general.resident_id", age=age, cap=cap, sex=person.sex.value)
    else:
        yield failed("profile.general.resident_id", TooOld(age, cap, person.sex))


@frozen
class NoDegreeOrTitle(Facts):
    degree: Given
    title: Given


def _degree_or_title(ctx: RuleContext) -> Iterable[Verdict[NoDegreeOrTitle]]:
    education = ctx.holder.profile.education
    if education is None:
        return
    degrees: list[str] = ctx.params["policy.accepted_degrees"]
    titles: list[str] = ctx.params["policy.accepted_title_levels"]
    degree = education.highest_degree or ""
    title = education.title_level or ""
    # A bachelor's degree or higher, or an intermediate or higher professional title.
    if any(word in degree for word in degrees) or any(word in title for word in titles):
        yield passed("profile.education", degree=degree, title=title)
    else:
        yield failed("profile.education", NoDegreeOrTitle(Given(degree), Given(title)))


@frozen
class ShortTenure(Facts):
    start: date | None
    months: int
    insured: int
    taxed: int
    required: int


def _tenure(ctx: RuleContext) -> Iterable[Verdict[ShortTenure]]:
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
    facts = ShortTenure(start, months, insured, taxed, paid_required)
    long_enough = start is not None and add_months(start, months) <= submission
    if long_enough and insured >= paid_required and taxed >= paid_required:
        yield passed("employment", start=start, insured=insured, taxed=taxed)
    else:
        yield failed("employment", facts)


@frozen
class LowIncome(Facts):
    window: MonthSpan | None
    average: Money
    multiple: float
    threshold: Money


def _income_level(ctx: RuleContext) -> Iterable[Verdict[LowIncome]]:
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
    facts = LowIncome(MonthSpan.of(window), Money(average), multiple, Money(threshold))
    if average >= threshold:
        yield passed("employment.income", window=window_text(window), average=average)
    else:
        yield failed("employment.income", facts)


@frozen
class ShortExperience(Facts):
    first: date
    years: int


def _work_experience(ctx: RuleContext) -> Iterable[Verdict[ShortExperience]]:
    history = ctx.holder.profile.work_history
    if not history:
        return
    years = int(ctx.params["policy.min_work_years"])
    first = min(record.start for record in history)
    # At least 2 years of work experience, counted from the first job (工作经历 runs "自参加工作
    # 至申报时期", M§1.4).
    if age_in_years(first, ctx.day) >= years:
        yield passed("profile.work_history", first=first, years=years)
    else:
        yield failed("profile.work_history", ShortExperience(first, years))


@frozen
class Ineligible(Facts):
    employer: Unit
    category: str
    division: str


def _eligible_employer(ctx: RuleContext) -> Iterable[Verdict[Ineligible]]:
    if ctx.application is None:
        return
    code = credit_code(ctx.application.employer_id, "application.employer_id")
    if not isinstance(code, CreditCode):
        return
    categories: list[str] = ctx.params["policy.employer_categories"]
    divisions: list[str] = ctx.params["policy.employer_divisions"]
    # Registered and paying tax in Haidian with independent legal personality (enterprises,
    # institutions, private non-enterprise units, social organisations).
    category, division = code.entity_category, code.division_code
    if category in categories and division in divisions:
        yield passed("application.employer_id", category=category, division=division)
    else:
        employer = unit(ctx.holder, ctx.application.employer_id)
        yield failed("application.employer_id", Ineligible(employer, category, division))


@frozen
class OddValidity(Facts):
    issued_on: date
    expires_on: date
    years: int


def _three_year_validity(ctx: RuleContext) -> Iterable[Verdict[OddValidity]]:
    permit = ctx.holder.permit
    if permit.issued_on is None or permit.expires_on is None:
        return
    years = int(ctx.params["permit.validity_years"])
    end = add_months(permit.issued_on, 12 * years)
    # Valid for 3 years: the expiry is the anniversary or the day before it.
    if end - timedelta(days=1) <= permit.expires_on <= end:
        yield passed("permit.expires_on", years=years)
    else:
        yield failed("permit.expires_on", OddValidity(permit.issued_on, permit.expires_on, years))


def _left_on(ctx: RuleContext) -> date | None:
    form = ctx.application.form if ctx.application is not None else None
    if isinstance(form, EmployerChangeForm) and form.left_previous_on is not None:
        return form.left_previous_on
    return ctx.holder.permit.changed_on


@frozen
class LateChange(Facts):
    left_on: date
    elapsed: int
    days: int


def _within_days_of_leaving(ctx: RuleContext) -> Iterable[Verdict[LateChange]]:
    left = _left_on(ctx)
    if left is None:
        return
    days = int(ctx.params["policy.change_within_days"])
    elapsed = (ctx.day - left).days
    # The change to a new employer is filed within 60 days of leaving, else the permit lapses.
    if elapsed <= days:
        yield passed("form.left_previous_on", left_on=left, elapsed=elapsed)
    else:
        yield failed("form.left_previous_on", LateChange(left, elapsed, days))


@frozen
class NoResidence(Facts):
    variant: ClassVar[str] = "no_proof"


@frozen
class NotUploaded(Facts):
    variant: ClassVar[str] = "not_uploaded"
    kind: ProofKind


def _stable_residence(ctx: RuleContext) -> Iterable[Verdict[NoResidence | NotUploaded]]:
    proof = ctx.holder.residence
    # 住房材料必须合理合法: a proof on record and uploaded, checked at every event; owned housing
    # is stable by nature, any other proof's stability a reviewer attests when passing the case.
    if proof is None:
        yield failed("residence", NoResidence())
        return
    if ctx.holder.attachment(Slot.RESIDENCE) is None:
        yield failed("attachments.residence", NotUploaded(proof.kind))
        return
    stable: list[str] = ctx.params["policy.stable_proof_kinds"]
    if proof.kind.value in stable or not attestation_due(ctx):
        yield passed("residence", kind=proof.kind.value)
    else:
        yield awaiting_confirmation("residence", kind=proof.kind.value)


RULES: tuple[Rule, ...] = (
    Rule(
        id="POL-001",
        kind=RuleKind.MACHINE,
        severity=Severity.WARNING,
        group="pol",
        business_types=NEW,
        tags=SUBMITTING,
        citation=Citation(
            "规则目录 §4.12、§7；S1、S2、S4、S5、H1",
            "男性不超过 60 周岁，女性不超过 55 周岁。",
            SECONDARY,
        ),
        texts=TEXTS,
        parameters={"policy.max_age_years": dict},
        check=_age_cap,
    ),
    Rule(
        id="POL-002",
        kind=RuleKind.MACHINE,
        severity=Severity.WARNING,
        group="pol",
        business_types=NEW,
        tags=SUBMITTING,
        citation=Citation(
            "规则目录 §4.12、§7；S1-S5",
            "本科及以上学历（学士及以上学位），或中级及以上专业技术职称。",
            SECONDARY,
        ),
        texts=TEXTS,
        parameters={"policy.accepted_degrees": list, "policy.accepted_title_levels": list},
        check=_degree_or_title,
    ),
    Rule(
        id="POL-003",
        kind=RuleKind.MACHINE,
        severity=Severity.WARNING,
        group="pol",
        business_types=NEW,
        tags=SUBMITTING,
        citation=Citation(
            "规则目录 §4.12、§7；S1、S2、S4、S5",
            "在申报单位工作满 6 个月及以上；在该单位缴纳社会保险和个人所得税满 6 个月或 12 个月"
            "（各区要求不同）。",
            SECONDARY,
        ),
        texts=TEXTS,
        parameters={"policy.min_tenure_months": int, "policy.min_paid_months": int},
        check=_tenure,
    ),
    Rule(
        id="POL-004",
        kind=RuleKind.MACHINE,
        severity=Severity.WARNING,
        group="pol",
        business_types=NEW,
        tags=SUBMITTING,
        citation=Citation(
            "规则目录 §4.12、§7；S1、S2、S8",
            "应税收入不低于本市上年度职工平均工资的 k 倍（各区 k 为 1.2 或 1.5）。",
            SECONDARY,
        ),
        texts=TEXTS,
        parameters={
            "policy.income_months": int,
            "policy.income_multiple": float,
            "policy.average_monthly_wage_cents": int,
        },
        check=_income_level,
    ),
    Rule(
        id="POL-005",
        kind=RuleKind.MACHINE,
        severity=Severity.WARNING,
        group="pol",
        business_types=NEW,
        tags=SUBMITTING,
        citation=Citation(
            "规则目录 §4.12、§7；S2-S5", "具有 2 年及以上工作经历。", SECONDARY
        ),
        texts=TEXTS,
        parameters={"policy.min_work_years": int},
        check=_work_experience,
    ),
    Rule(
        id="POL-006",
        kind=RuleKind.MACHINE,
        severity=Severity.WARNING,
        group="pol",
        business_types=NEW,
        tags=SUBMITTING,
        citation=Citation(
            "规则目录 §4.12、§7；H1（2014）、S3、S10",
            "在海淀区注册并纳税、具有独立法人资格的单位（企业、事业单位、民办非企业单位、"
            "社会团体）。",
            SECONDARY,
        ),
        texts=TEXTS,
        parameters={"policy.employer_categories": list, "policy.employer_divisions": list},
        check=_eligible_employer,
    ),
    Rule(
        id="POL-007",
        kind=RuleKind.MACHINE,
        severity=Severity.WARNING,
        group="pol",
        business_types=frozenset({BusinessType.RENEWAL}),
        tags=SUBMITTING,
        citation=Citation(
            "规则目录 §4.12、§7；S3、S9",
            "有效期 3 年，期满续签；续签材料覆盖 3 年。",
            SECONDARY,
        ),
        texts=TEXTS,
        parameters={"permit.validity_years": int},
        check=_three_year_validity,
    ),
    Rule(
        id="POL-008",
        kind=RuleKind.MACHINE,
        severity=Severity.WARNING,
        group="pol",
        business_types=frozenset({BusinessType.EMPLOYER_CHANGE}),
        tags=SUBMITTING,
        citation=Citation(
            "规则目录 §4.12、§7；S6、S7、S8",
            "离职后须在 60 天内办理聘用单位变更，否则证件失效。",
            SECONDARY,
        ),
        texts=TEXTS,
        parameters={"policy.change_within_days": int},
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
        tags=SUBMITTING | REVIEWING,
        citation=Citation(
            "M§2 注意事项 4; S1-S5",
            "住房材料必须合理合法，位于北京市行政区域内，且房屋用途需为住宅（办公、"
            "酒店及商用房屋不属于住宅）。",
        ),
        texts=TEXTS,
        parameters={"policy.stable_proof_kinds": list},
        check=_stable_residence,
    ),
)

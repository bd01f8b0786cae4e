"""注销 (M§7): the three reasons a permit must be cancelled at once.

"申请人已取得北京市户口、工作单位转至外省市或已到达法定退休年龄的，应即时注销北京市工作居住证。"
The cancellation form names its reason; the rule of that reason checks the data backs it:

* CAN-001 — the hukou in the basic information is a Beijing one;
* CAN-002 — the holder's work unit (the employer associated now: the permit's own, or the
  next one the holder associated with) is recorded as having moved out of Beijing;
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
from datetime import date
from typing import ClassVar

from attrs import frozen

from permitflow.cancellation_due import moved_out_employer, retirement_reached
from permitflow.identifiers import ResidentId, Sex
from permitflow.records.application import BusinessType, CancellationForm, CancellationTrigger
from permitflow.retirement import (
    RetirementCategory,
    category_for,
    statutory_retirement,
)
from permitflow.rules.facts import Age, Facts, Given, Unit, unit
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.haidian._shared import TEXTS, resident_id
from permitflow.rules.haidian.flow import EMPLOYER_FILED_STEPS, associated_employer, ending
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, passed
from permitflow.tags import Tag

CANCELLATION = frozenset({BusinessType.CANCELLATION})
CONTINUING = frozenset({BusinessType.RENEWAL, BusinessType.EMPLOYER_CHANGE})
"""The businesses that keep a permit going, refused once its cancellation is due."""
FILED = frozenset({Tag.SUBMISSION})
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


@frozen
class NotBeijingHukou(Facts):
    place: Given


def _beijing_hukou(ctx: RuleContext) -> Iterable[Verdict[NotBeijingHukou]]:
    if not _trigger(ctx, CancellationTrigger.BEIJING_HUKOU):
        return
    general = ctx.holder.profile.general
    place = (general.hukou.place.strip() or None) if general is not None else None
    # 申请人已取得北京市户口: the basic information shows the Beijing hukou.
    if general is not None and general.hukou.in_beijing:
        yield passed("profile.general.hukou", place=place)
    else:
        yield failed("profile.general.hukou", NotBeijingHukou(Given(place)))


@frozen
class StillInBeijing(Facts):
    employer: Unit


def _employer_left_beijing(ctx: RuleContext) -> Iterable[Verdict[StillInBeijing]]:
    if not _trigger(ctx, CancellationTrigger.EMPLOYER_LEFT_BEIJING):
        return
    # 工作单位转至外省市: the holder's work unit — the employer associated now, the permit's own
    # or one the holder moved to and associated with — is recorded as no longer in Beijing, the
    # same fact that makes the cancellation due (cancellation_due).
    moved = moved_out_employer(ctx.holder, ctx.day)
    if moved is not None:
        yield passed("association.employer.in_beijing", employer=moved.name)
        return
    employer = associated_employer(ctx.holder)
    code = employer.credit_code if employer is not None else ctx.holder.permit.employer_credit_code
    yield failed("association.employer.in_beijing", StillInBeijing(unit(ctx.holder, code)))


@frozen
class NotRetired(Facts):
    category: RetirementCategory
    retirement_date: date
    age: Age
    on: date


@frozen
class Undeclared(Facts):
    """A woman who declared no category: her post decides between two dates."""

    variant: ClassVar[str] = "undeclared"
    worker_date: date
    cadre_date: date
    on: date


@frozen
class Contrary(Facts):
    variant: ClassVar[str] = "contrary"
    sex: Sex
    declared: RetirementCategory | str


@frozen
class NoResidentId(Facts):
    variant: ClassVar[str] = "no_id"


_CATEGORY = "profile.general.retirement_category"


def _retired(
    ctx: RuleContext,
) -> Iterable[Verdict[NotRetired | Undeclared | Contrary | NoResidentId]]:
    if not _trigger(ctx, CancellationTrigger.RETIREMENT):
        return
    general = ctx.holder.profile.general
    person = resident(general.resident_id) if general is not None else None
    if general is None or person is None:
        yield failed(RESIDENT_ID_FIELD, NoResidentId())
        return
    declared = general.retirement_category
    category = category_for(person.sex, declared)
    if category is None:
        if declared is None:
            # Retired under either post once both dates have passed; else the post decides.
            worker, cadre = (
                statutory_retirement(person.birth_date, category).retirement_date
                for category in (RetirementCategory.FEMALE_WORKER, RetirementCategory.FEMALE_CADRE)
            )
            if ctx.day >= max(worker, cadre):
                yield passed(_CATEGORY, worker_date=worker, cadre_date=cadre)
            else:
                yield failed(_CATEGORY, Undeclared(worker, cadre, ctx.day))
        else:
            known = declared in set(RetirementCategory)
            yield failed(
                _CATEGORY, Contrary(person.sex, RetirementCategory(declared) if known else declared)
            )
        return
    retirement = statutory_retirement(person.birth_date, category)
    facts = NotRetired(retirement.category, retirement.retirement_date, Age(retirement), ctx.day)
    # 已到达法定退休年龄: on or after the statutory retirement date.
    if ctx.day >= retirement.retirement_date:
        yield passed("profile.general.resident_id", retirement_date=retirement.retirement_date)
    else:
        yield failed("profile.general.resident_id", facts)


# 应即时注销: once retirement is reached, the permit is not renewed nor moved to an employer.
@frozen
class Retired(Facts):
    retirement_date: date
    age: Age


def _not_retired(ctx: RuleContext) -> Iterable[Verdict[Retired]]:
    # An ended permit (past its expiry date too) has no cancellation left to point to: FLOW-002
    # or REN-006 refuses the business.
    live = ending(ctx.holder.permit, ctx.day) is None
    retirement = retirement_reached(ctx.holder, ctx.day) if live else None
    if retirement is None:
        yield passed("profile.general.resident_id")
    else:
        yield failed(
            "profile.general.resident_id", Retired(retirement.retirement_date, Age(retirement))
        )


# 应即时注销: an employer gone to another province neither renews nor takes over the permit.
@frozen
class MovedOut(Facts):
    employer: Unit
    since: date


@frozen
class MovedOutUndated(Facts):
    variant: ClassVar[str] = "undated"
    employer: Unit


def _employer_in_beijing(ctx: RuleContext) -> Iterable[Verdict[MovedOut | MovedOutUndated]]:
    # An ended permit (past its expiry date too): FLOW-002 or REN-006 refuses the business.
    live = ending(ctx.holder.permit, ctx.day) is None
    employer = moved_out_employer(ctx.holder, ctx.day) if live else None
    if employer is None:
        yield passed("association.employer.in_beijing")
        return
    named = Unit(employer.credit_code, employer.name)
    if employer.moved_out_on is None:
        yield failed("association.employer.in_beijing", MovedOutUndated(named))
    else:
        yield failed("association.employer.in_beijing", MovedOut(named, employer.moved_out_on))


RULES: tuple[Rule, ...] = (
    Rule(
        id="CAN-001",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="can",
        business_types=CANCELLATION,
        tags=FILED,
        citation=Citation("M§7", _QUOTE),
        texts=TEXTS,
        check=_beijing_hukou,
    ),
    Rule(
        id="CAN-002",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="can",
        business_types=CANCELLATION,
        tags=FILED,
        citation=Citation("M§7", _QUOTE),
        texts=TEXTS,
        check=_employer_left_beijing,
    ),
    Rule(
        id="CAN-003",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="can",
        business_types=CANCELLATION,
        tags=FILED,
        citation=Citation("M§7", _QUOTE),
        texts=TEXTS,
        check=_retired,
    ),
    Rule(
        id="CAN-004",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="can",
        business_types=CONTINUING,
        tags=EMPLOYER_FILED_STEPS,
        citation=Citation("M§7", _QUOTE),
        texts=TEXTS,
        check=_not_retired,
    ),
    Rule(
        id="CAN-005",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="can",
        business_types=CONTINUING,
        tags=EMPLOYER_FILED_STEPS,
        citation=Citation("M§7", _QUOTE),
        texts=TEXTS,
        check=_employer_in_beijing,
    ),
)

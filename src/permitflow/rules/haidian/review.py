"""审核、退回与重新发起 (M§2.4, §3.2, §4.3, §5.5, §6.4): the authority's review and the way back.

The review opinion (审批意见) of a return is binding; its friendly tips (温馨提示) are advice only
and never become a finding (REV-003). After a return the applicant fixes the case and re-initiates
it — by itself for a new application, a basic-info change or a business-info change, through the
employer for a renewal or an employer change (REV-005). When the opinion concerns the employer,
the employer confirms its own fixes first (REV-004).

The history functions here are shared with the business-type modules: a rule judges the order of
events from the application's audit trail, never from a state name of one machine.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from attrs import frozen

from permitflow.records.actors import Role
from permitflow.records.application import BusinessType
from permitflow.rules.facts import Facts, Plain
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.haidian._shared import ALL_BUSINESS, REVIEWING, TEXTS
from permitflow.rules.rule import (
    Rule,
    RuleContext,
    Verdict,
    failed,
    needs_attestation,
    passed,
)
from permitflow.rules.ruleset import (
    LEVELS_BY_TYPE_PARAMETER,
    LEVELS_PARAMETER,
    EnforcedBy,
    review_levels_of,
)
from permitflow.tags import RETURNING, SUBMITTING, Tag

EMPLOYER_TYPES = frozenset({BusinessType.RENEWAL, BusinessType.EMPLOYER_CHANGE})
"""Business types the employer initiates and re-initiates (variant E of the machines)."""


def returned_since_filing(ctx: RuleContext) -> Iterable[Verdict[Plain]]:
    """The case was returned after it was last filed: the check of NEW-004, BCH-005, CHD-006.

    "根据主管部门出具的审批意见进行修改，在修改完毕后由个人再次发起申请事项": a re-initiation
    answers a return, so the latest filing-or-return entry of the trail must be a return.
    """
    entry = ctx.latest(RETURNING | SUBMITTING)
    if entry is not None and not ctx.tags_of(entry.event).isdisjoint(RETURNING):
        yield passed("state", returned_by=entry.event, returned_at=entry.at.isoformat())
    else:
        yield failed("state")


@frozen
class TooManyPasses(Facts):
    levels: int
    level: int


def _review_levels(ctx: RuleContext) -> Iterable[Verdict[TooManyPasses]]:
    levels = review_levels_of(ctx.params, ctx.business_type)
    passes = 0
    if ctx.application is not None:
        for entry in reversed(ctx.application.history):
            tags = ctx.tags_of(entry.event)
            if Tag.AUTHORITY_ACCEPTANCE in tags:
                break
            if Tag.AUTHORITY_PASS in tags:
                passes += 1
    level = passes + 1
    # 经主管部门多级逐一审核，全部审核通过的业务办理完成: one pass per level, level by level,
    # and no more passes than there are levels.
    if level <= levels:
        yield passed("state", level=level, levels=levels)
    else:
        yield failed("state", TooManyPasses(levels, level))


@frozen
class EmployerIssue(Facts):
    keywords: tuple[str, ...]


def _employer_fixes_confirmed(ctx: RuleContext) -> Iterable[Verdict[EmployerIssue]]:
    entry = ctx.latest({Tag.AUTHORITY_RETURN})
    if entry is None or not entry.opinion:
        return
    keywords: list[str] = ctx.params["review.employer_opinion_keywords"]
    matched = tuple(word for word in keywords if word in entry.opinion)
    # 涉及单位问题的，应确认单位修改无误，避免无效操作: the employer confirms its fixes with an
    # attestation of this rule; an opinion naming none of the keywords is the applicant's alone.
    if matched:
        yield needs_attestation("history.opinion", EmployerIssue(matched))
    else:
        yield passed("history.opinion", keywords="")


@frozen
class NotNotified(Facts):
    variant: ClassVar[str] = "not_notified"


def _fixed_and_notified(ctx: RuleContext) -> Iterable[Verdict[Plain | NotNotified]]:
    entry = ctx.latest(SUBMITTING | {Tag.AUTHORITY_RETURN, Tag.REFILING})
    tags = ctx.tags_of(entry.event) if entry is not None else frozenset()
    # 在修改完毕后告知单位再次发起申请事项: the applicant's notice comes between the return and
    # the employer's re-initiation.
    if entry is not None and Tag.REFILING in tags:
        yield passed("state", notified_at=entry.at.isoformat())
    elif Tag.AUTHORITY_RETURN in tags:
        yield failed("state", NotNotified())
    else:
        yield failed("state")


RULES: tuple[Rule, ...] = (
    Rule(
        id="REV-001",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="rev",
        business_types=ALL_BUSINESS,
        tags=REVIEWING,
        citation=Citation(
            "M§2.4",
            "通过的：经主管部门多级逐一审核，全部审核通过的业务办理完成，此时可在系统打印确认单",
        ),
        texts=TEXTS,
        parameters={LEVELS_PARAMETER: int, LEVELS_BY_TYPE_PARAMETER: dict},
        check=_review_levels,
    ),
    Rule(
        id="REV-002",
        kind=RuleKind.PROCESS,
        severity=Severity.TIP,
        group="rev",
        business_types=ALL_BUSINESS,
        tags=REVIEWING,
        citation=Citation("M§2.4", "全部审核通过的业务办理完成，此时可在系统打印确认单"),
        texts=TEXTS,
        check=EnforcedBy(
            "业务流程：最后一级审核通过后业务进入“审核通过（办结）”状态，即可打印确认单。",
            "The machines: the last level's pass moves the case to approved, where the "
            "confirmation slip is printable.",
        ),
    ),
    Rule(
        id="REV-003",
        kind=RuleKind.PROCESS,
        severity=Severity.TIP,
        group="rev",
        business_types=ALL_BUSINESS,
        tags=frozenset({Tag.AUTHORITY_RETURN, Tag.RESUBMISSION}),
        citation=Citation(
            "M§2 注意事项 6",
            "为提升审核效率，主管部门将在审核意见中增加“温馨提示”，避免后续出现其他审核问题，"
            "此部分内容仅供参考，不作为审核意见。",
        ),
        texts=TEXTS,
        check=EnforcedBy(
            "审核记录：温馨提示与审批意见分开保存在审核记录中，从不成为规则结论，也不阻止办理。",
            "The audit trail: tips are kept apart from the binding opinion on the audit entry; "
            "they never become a finding and never block an event.",
        ),
    ),
    Rule(
        id="REV-004",
        kind=RuleKind.PROCESS,
        severity=Severity.WARNING,
        group="rev",
        business_types=ALL_BUSINESS,
        tags=frozenset({Tag.RESUBMISSION}),
        attesters=frozenset({Role.EMPLOYER}),
        citation=Citation("M§2.4", "涉及单位问题的，应确认单位修改无误，避免无效操作"),
        texts=TEXTS,
        parameters={"review.employer_opinion_keywords": list},
        check=_employer_fixes_confirmed,
    ),
    Rule(
        id="REV-005",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="rev",
        business_types=EMPLOYER_TYPES,
        tags=frozenset({Tag.RESUBMISSION}),
        citation=Citation(
            "M§3.2", "根据主管部门出具的审批意见进行修改，在修改完毕后告知单位再次发起申请事项"
        ),
        texts=TEXTS,
        check=_fixed_and_notified,
    ),
)

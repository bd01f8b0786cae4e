"""A sample definition and a tiny rule set, independent of the real machines and Haidian rules.

Imported by the engine tests (``from engine_sample import ...``) and its fixtures by conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

import attrs
from attrs import frozen

from permitflow.engine.definition import Change, MachineDefinition, State, Transition
from permitflow.engine.engine import Engine
from permitflow.engine.review import AWAITING_ACCEPTANCE, RETURNED, review_path
from permitflow.messages import Catalogue
from permitflow.records.actors import Actor, Role
from permitflow.records.application import BusinessType
from permitflow.records.holder import OpenApplication, ProfileSection
from permitflow.rules.facts import Facts, Plain
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, needs_attestation, passed
from permitflow.tags import Tag
from permitflow.testing import FixedRuleSet

HOLDER_ID = "11010519491231002X"
EMPLOYER_ID = "91110000802100433B"
OTHER_EMPLOYER_ID = "91350100M000100Y43"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=8)))

APPLICANT = Actor.applicant(HOLDER_ID)
EMPLOYER = Actor.employer(EMPLOYER_ID)


def _open(change: Change) -> Change:
    assert change.application is not None
    holder = attrs.evolve(
        change.holder,
        open_application=OpenApplication(
            change.application.id, change.application.business_type.value
        ),
    )
    return attrs.evolve(change, holder=holder)


def _close(change: Change) -> Change:
    return attrs.evolve(change, holder=attrs.evolve(change.holder, open_application=None))


def sample_definition(levels: int) -> MachineDefinition:
    """Variant A: the applicant submits, the employer reviews, the authority reviews."""
    path = review_path(levels, guards=frozenset({"res"}), on_approve=_close)
    applicant = frozenset({Role.APPLICANT})
    employer = frozenset({Role.EMPLOYER})
    return MachineDefinition(
        name="sample",
        label_zh="示例",
        label_en="Sample",
        states=(
            State("draft", "草稿", "Draft"),
            State("employer_review", "单位审核", "Employer review"),
            State("employer_returned", "单位退回", "Returned by the employer"),
            *path.states,
        ),
        initial="draft",
        transitions=(
            Transition("submit", ("draft",), "employer_review", applicant, "提交", "Submit",
                       guards=frozenset({"bi"}), tags=frozenset({Tag.SUBMISSION}),
                       effect=_open),
            Transition("employer_approve", ("employer_review",), AWAITING_ACCEPTANCE, employer,
                       "单位审核通过", "Employer approves"),
            Transition("employer_return", ("employer_review",), "employer_returned", employer,
                       "单位退回", "Employer returns", opinion=True),
            Transition("resubmit", ("employer_returned", RETURNED), "employer_review",
                       applicant, "重新提交", "Resubmit", guards=frozenset({"bi"})),
            *path.transitions,
        ),
    )  # fmt: skip


TEXTS = Catalogue.of(
    "tiny",
    {
        "BI-001.title": ("基础信息完整", "Basic information complete"),
        "BI-001": ("基础信息不完整：{missing}", "Basic information incomplete: {missing}"),
        "BI-TIP.title": ("提示", "Advice"),
        "BI-TIP": ("建议：{note}", "Advice: {note}"),
        "RES-001.title": ("住房材料合理合法", "The housing material is lawful"),
        "RES-001": ("请审核人员确认住房材料合理合法", "A reviewer must confirm the housing"),
    },
)


@frozen
class _Missing(Facts):
    missing: ProfileSection


@frozen
class _Note(Facts):
    note: str


def _name_check(ctx: RuleContext) -> Iterable[Verdict[_Missing]]:
    if ctx.holder.profile.general is None:
        yield failed("profile.general", _Missing(ProfileSection.GENERAL))
    else:
        yield passed("profile.general")


def _tip_check(ctx: RuleContext) -> Iterable[Verdict[_Note]]:
    yield failed(None, _Note("advice"))


BLOCKING_RULE = Rule(
    id="BI-001", kind=RuleKind.MACHINE, severity=Severity.ERROR, group="bi",
    business_types=frozenset(BusinessType), citation=Citation("M§1.4", "预览提交"),
    texts=TEXTS, check=_name_check,
)  # fmt: skip
WARNING_RULE = Rule(
    id="BI-TIP", kind=RuleKind.MACHINE, severity=Severity.WARNING, group="bi",
    business_types=frozenset(BusinessType), citation=Citation("M§1.4", "建议"),
    texts=TEXTS, check=_tip_check,
)  # fmt: skip


def _housing_check(ctx: RuleContext) -> Iterable[Verdict[Plain]]:
    yield needs_attestation("residence")


ATTESTATION_RULE = Rule(
    id="RES-001", kind=RuleKind.ATTESTATION, severity=Severity.ERROR, group="res",
    business_types=frozenset(BusinessType), tags=frozenset({Tag.AUTHORITY_PASS}),
    citation=Citation("M§2 注意事项 4", "住房材料必须合理合法"),
    texts=TEXTS, check=_housing_check,
)  # fmt: skip


def make_engine(levels: int = 2, *, rules: bool = True, attestation: bool = False) -> Engine:
    """The sample machine judged by BI-001 and a warning; with ``attestation``, every review
    step also waits for a reviewer's attestation of RES-001."""
    extra = (ATTESTATION_RULE,) if attestation else ()
    return Engine(
        FixedRuleSet((BLOCKING_RULE, WARNING_RULE, *extra), levels=levels, name="tiny"),
        rules=rules,
        definitions={BusinessType.NEW: sample_definition},
        holder_definitions=(),
    )

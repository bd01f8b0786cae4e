"""A sample definition and a tiny rule set, independent of the real machines and Haidian rules.

Imported by the engine tests (``from engine_sample import ...``) and its fixtures by conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

import attrs

from permitflow.engine.definition import Change, MachineDefinition, State, Transition
from permitflow.engine.engine import Engine
from permitflow.engine.review import AWAITING_ACCEPTANCE, RETURNED, review_path
from permitflow.records.actors import Actor, Role
from permitflow.records.application import BusinessType
from permitflow.records.holder import OpenApplication
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, passed

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
    path = review_path(levels, on_approve=_close)
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
                       guards=frozenset({"bi"}), submits=True, effect=_open),
            Transition("employer_approve", ("employer_review",), AWAITING_ACCEPTANCE, employer,
                       "单位审核通过", "Employer approves"),
            Transition("employer_return", ("employer_review",), "employer_returned", employer,
                       "单位退回", "Employer returns", opinion=True),
            Transition("resubmit", ("employer_returned", RETURNED), "employer_review",
                       applicant, "重新提交", "Resubmit", guards=frozenset({"bi"})),
            *path.transitions,
        ),
    )  # fmt: skip


def _name_check(ctx: RuleContext) -> Iterable[Verdict]:
    if ctx.holder.profile.general is None:
        yield failed("profile.general", missing="general")
    else:
        yield passed("profile.general")


def _tip_check(ctx: RuleContext) -> Iterable[Verdict]:
    yield failed(None, note="advice")


BLOCKING_RULE = Rule(
    id="BI-001", kind=RuleKind.MACHINE, severity=Severity.ERROR, group="bi",
    business_types=frozenset(BusinessType), citation=Citation("M§1.4", "预览提交"),
    title_zh="基础信息完整", title_en="Basic information complete",
    message_zh="基础信息不完整：{missing}", message_en="Basic information incomplete: {missing}",
    check=_name_check,
)  # fmt: skip
WARNING_RULE = Rule(
    id="BI-TIP", kind=RuleKind.MACHINE, severity=Severity.WARNING, group="bi",
    business_types=frozenset(BusinessType), citation=Citation("M§1.4", "建议"),
    title_zh="提示", title_en="Advice", message_zh="建议：{note}", message_en="Advice: {note}",
    check=_tip_check,
)  # fmt: skip


@attrs.frozen
class TinyRuleSet:
    name: str = "tiny"
    version: str = "1"
    levels: int = 2
    rules: tuple[Rule, ...] = (BLOCKING_RULE, WARNING_RULE)
    effective_from: date = date(2020, 1, 1)

    def review_levels(self, day: date) -> int:
        return self.levels

    def params_on(self, day: date) -> Mapping[str, Any]:
        return {}

    def rules_for(
        self, business_type: BusinessType, event: str, groups: frozenset[str]
    ) -> tuple[tuple[Rule, Severity], ...]:
        return tuple(
            (rule, rule.severity)
            for rule in self.rules
            if rule.group in groups and rule.applies(business_type, event)
        )

    def in_force_on(self, day: date) -> TinyRuleSet:
        return self

    def version_(self, version: str) -> TinyRuleSet:
        return self


@attrs.frozen
class TinyFamily:
    member: TinyRuleSet = TinyRuleSet()
    name: str = "tiny"

    def in_force_on(self, day: date) -> TinyRuleSet:
        return self.member

    def version(self, version: str) -> TinyRuleSet:
        return self.member


def make_engine(levels: int = 2, *, rules: bool = True) -> Engine:
    return Engine(
        TinyFamily(TinyRuleSet(levels=levels)),
        rules=rules,
        definitions={BusinessType.NEW: sample_definition},
        holder_definitions=(),
    )

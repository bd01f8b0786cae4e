"""A business type of its own, registered from outside permitflow: 证件补办, the reissue of a
lost permit. The applicant files, stating how the card was lost; the employer reviews; one
authority level approves, and the approval records the reissued card on the permit. Nothing of
it lives in the library: importing this module registers the type and the rule group of its
own rules (``rei``), and ``ruleset`` is Haidian's rules with the two of its own added."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs
from attrs import frozen

from permitflow.calendar import local_date
from permitflow.engine.definition import Change, MachineDefinition
from permitflow.machines import (
    BusinessTypeSpec,
    Guards,
    Procedure,
    applicant_initiated,
    register_business_type,
)
from permitflow.machines.common import RECORD_GROUPS
from permitflow.machines.permit import permit_step
from permitflow.messages import Catalogue
from permitflow.records.holder import PermitState, Requirement, Slot
from permitflow.rules import (
    Citation,
    Plain,
    Rule,
    RuleContext,
    RuleKind,
    RuleSetFamily,
    Severity,
    Verdict,
    default_family,
    failed,
    passed,
)
from permitflow.tags import SUBMITTING

SINCE = date(2024, 1, 1)
CITATION = "示例区证件补办办理须知（2024 年版）"


@frozen
class ReissueForm:
    """The form of a reissue (证件补办)."""

    loss_statement: str = ""
    """How the card was lost (遗失说明)."""
    published_notice: bool = False
    """The loss was published (已登报声明作废)."""


GROUP = "rei"
"""The group of the reissue's own rules, which the type brings with its title."""

GUARDS = Guards(
    start=RECORD_GROUPS | {GROUP, "flow"},
    employer=frozenset({"emp", "flow"}),
    review=frozenset({"flow"}),
)


def _reissue(change: Change) -> Change:
    holder = permit_step(change.holder, "amend", local_date(change.at))
    return attrs.evolve(change, holder=holder)


def reissue_machine(levels: int) -> MachineDefinition:
    """The reissue machine for ``levels`` authority review levels (the spec fixes one; a rule
    set naming the type in ``review.authority_levels_by_type`` may give another)."""
    return applicant_initiated(REISSUE, levels, guards=GUARDS, on_approve=_reissue)


SPEC = register_business_type(
    BusinessTypeSpec(
        "reissue", reissue_machine, ReissueForm, Procedure.APPLICANT_FILED,
        sample_form=lambda day: ReissueForm("2024 年 3 月在地铁遗失", published_notice=True),
        labels={"business_type.reissue": ("证件补办", "Permit reissue")}, review_levels=1,
        # 登报声明: the published notice is handed in as other materials, and only it.
        attachments={Slot.OTHER: Requirement.REQUIRED},
        hands_in=lambda form: frozenset({Slot.OTHER}),
        groups={GROUP: ("证件补办", "Reissue")},
    )
)  # fmt: skip
REISSUE = SPEC.business_type
"""The key the spec defined: ``BusinessType("reissue")``."""


def _form(ctx: RuleContext) -> ReissueForm | None:
    form = ctx.application.form if ctx.application is not None else None
    return form if isinstance(form, ReissueForm) else None


def _loss_stated(ctx: RuleContext) -> Iterable[Verdict[Plain]]:
    form = _form(ctx)
    if form is None:
        return
    # 填写遗失说明并登报声明作废: both the statement and the published notice.
    if form.loss_statement.strip() and form.published_notice:
        yield passed("form")
    else:
        yield failed("form")


def _permit_in_force(ctx: RuleContext) -> Iterable[Verdict[Plain]]:
    # 证件在有效期内方可补办: a suspended, expired or cancelled permit is not reissued.
    if ctx.holder.permit.state is PermitState.VALID:
        yield passed("permit.state")
    else:
        yield failed("permit.state")


TEXTS = Catalogue.of(
    "reissue",
    {
        "REI-001.title": ("已填写遗失说明并登报声明作废", "The loss is stated and published"),
        "REI-001": (
            "尚未填写遗失说明或登报声明作废。请填写遗失说明并登报声明原证件作废后再提交。",
            "The loss is not stated or not published. State how the card was lost and publish "
            "the notice that it is void before submitting.",
        ),
        "REI-002.title": ("工作居住证在有效期内", "The permit is in force"),
        "REI-002": (
            "工作居住证不在有效期内，不能补办。",
            "The permit is not in force: it cannot be reissued.",
        ),
    },
)

RULES = (
    Rule(
        id="REI-001", kind=RuleKind.MACHINE, severity=Severity.ERROR, group=GROUP,
        business_types=frozenset({REISSUE}), tags=SUBMITTING,
        citation=Citation("第 2 条", "填写遗失说明，并登报声明原证件作废。", CITATION),
        texts=TEXTS, check=_loss_stated,
    ),
    Rule(
        id="REI-002", kind=RuleKind.PROCESS, severity=Severity.ERROR, group=GROUP,
        business_types=frozenset({REISSUE}), tags=SUBMITTING,
        citation=Citation("第 1 条", "证件在有效期内方可补办。", CITATION),
        texts=TEXTS, check=_permit_in_force,
    ),
)  # fmt: skip

ruleset = RuleSetFamily(
    name="reissue",
    versions=(
        default_family().in_force_on(SINCE).derive(
            name="reissue", version="2024.1", since=SINCE, citation=CITATION,
            rules_added=RULES,
        ),
    ),
)  # fmt: skip
"""Haidian's rules with the reissue's own; the reissue is reviewed at the one level its spec
fixes, Haidian's six types at Haidian's two."""

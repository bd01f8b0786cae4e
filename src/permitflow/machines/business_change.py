"""Business-information change (证件业务信息变更, M§6): the accompanying children.

The holder completes the marriage material (M§6.1), declares each accompanying child with the
birth certificate and hukou page (M§6.3) and submits; the employer reviews — and, for an
unmarried holder with a child, adds its remark ("未婚已育的婚姻材料无需上传，提交时需申请单位备注
说明", M§6.1) with its approval — then the authority. Approval replaces the permit's children.
"""

from __future__ import annotations

from datetime import date

import attrs
from attrs import frozen

from permitflow.calendar import local_date
from permitflow.engine.definition import Change, MachineDefinition
from permitflow.machines.common import (
    APPLICANT_DATA_GROUPS,
    REVIEWED_GROUPS,
    Guards,
    applicant_initiated,
    application_of,
)
from permitflow.machines.permit import permit_step
from permitflow.machines.spec import BusinessTypeSpec, Procedure
from permitflow.records.application import Application, BusinessChangeForm, BusinessType
from permitflow.records.holder import Requirement, Slot
from permitflow.samples import CHILD

GUARDS = Guards(
    start=APPLICANT_DATA_GROUPS | {"att", "doc", "emp", "chd", "mar", "rev", "flow"},
    employer=frozenset({"emp", "mar", "flow"}),
    review=REVIEWED_GROUPS | {"mar", "rev", "flow"},
)


@frozen
class EmployerRemark:
    """The employer's explanatory remark given with its approval (M§6.1)."""

    text: str
    """The employer's remark (单位意见), in its words."""


def _form(change: Change) -> BusinessChangeForm:
    form = application_of(change).form
    assert isinstance(form, BusinessChangeForm)  # the engine keeps the form of the business type
    return form


def _remark(application: Application, remark: EmployerRemark) -> Application:
    """The remark becomes part of the form before MAR-002 judges it."""
    form = application.form
    assert isinstance(form, BusinessChangeForm)  # the engine keeps the form of the business type
    return attrs.evolve(application, form=attrs.evolve(form, employer_remark=remark.text))


def _replace_children(change: Change) -> Change:
    holder = permit_step(
        change.holder, "amend", local_date(change.at), children=_form(change).children
    )
    return attrs.evolve(change, holder=holder)


def business_change_machine(
    levels: int, *, employer_can_return: bool = True, resubmit_via_employer: bool = True
) -> MachineDefinition:
    """The business-information-change machine for ``levels`` authority review levels."""
    return applicant_initiated(
        BusinessType.BUSINESS_CHANGE, levels,
        guards=GUARDS, on_approve=_replace_children, employer_payload=EmployerRemark,
        employer_amend=_remark, employer_can_return=employer_can_return,
        resubmit_via_employer=resubmit_via_employer,
    )  # fmt: skip


def _sample_form(day: date) -> BusinessChangeForm:
    return BusinessChangeForm(instructions_confirmed=True, children=(CHILD,))


SPEC = BusinessTypeSpec(
    BusinessType.BUSINESS_CHANGE, business_change_machine, BusinessChangeForm,
    Procedure.APPLICANT_FILED, sample_form=_sample_form,
    # The marriage material follows MAR-001..004; "完善婚姻证明材料" (M§6.1) is all it hands in
    # besides the children's own files, which carry no date.
    attachments={Slot.OTHER: Requirement.OPTIONAL},
    hands_in=lambda form: frozenset({Slot.MARRIAGE}),
)  # fmt: skip
"""证件业务信息变更: filed by the applicant on a valid permit."""

"""Basic-information change (证件基础信息变更, M§5): hukou location, residence address and the like.

"持证人可发起的“证件基础信息变更”业务包含：变更户口所在地、居住地等信息事项" (M§5). The record is
edited first, the old attachment deleted and the new one uploaded (M§5.1-5.2), then the
application with its reason (申请原因) is submitted (M§5.3); the employer reviews, then the
authority; after a return the holder re-initiates (M§5.5). Approval records the change on the
permit.
"""

from __future__ import annotations

from datetime import date

import attrs

from permitflow.calendar import local_date
from permitflow.engine.definition import Change, MachineDefinition
from permitflow.machines.common import (
    RECORD_GROUPS,
    REVIEWED_GROUPS,
    Guards,
    applicant_initiated,
)
from permitflow.machines.permit import permit_step
from permitflow.machines.spec import BusinessTypeSpec, Procedure
from permitflow.records.application import (
    ITEM_SLOTS,
    BasicChangeForm,
    BasicItem,
    BusinessType,
    Form,
)
from permitflow.records.holder import Requirement, Slot

GUARDS = Guards(
    start=RECORD_GROUPS | {"bch", "rev", "flow"},
    employer=frozenset({"emp", "flow"}),
    review=REVIEWED_GROUPS | {"rev", "flow"},
)


def _amend(change: Change) -> Change:
    holder = permit_step(change.holder, "amend", local_date(change.at))
    return attrs.evolve(change, holder=holder)


def basic_change_machine(
    levels: int, *, employer_can_return: bool = True, resubmit_via_employer: bool = True
) -> MachineDefinition:
    """The basic-information-change machine for ``levels`` authority review levels."""
    return applicant_initiated(
        BusinessType.BASIC_CHANGE, levels,
        guards=GUARDS, on_approve=_amend, employer_can_return=employer_can_return,
        resubmit_via_employer=resubmit_via_employer,
    )  # fmt: skip


def _changed_items_slots(form: Form | None) -> frozenset[Slot]:
    """The attachments of the items the change names (M§5.2: 删除原有附件——上传所需修改附件)."""
    items = form.changed_items if isinstance(form, BasicChangeForm) else ()
    return frozenset(slot for item in items for slot in ITEM_SLOTS.get(item, ()))


def _sample_form(day: date) -> BasicChangeForm:
    return BasicChangeForm(
        reason="居住地址信息变更",
        instructions_confirmed=True,
        changed_items=(BasicItem.RESIDENCE_ADDRESS,),
    )


SPEC = BusinessTypeSpec(
    BusinessType.BASIC_CHANGE, basic_change_machine, BasicChangeForm, Procedure.APPLICANT_FILED,
    sample_form=_sample_form,
    # M§5.2: 删除原有附件——上传所需修改附件: the attachments of the items it changes.
    attachments={
        Slot.EDU_CERT: Requirement.IF_EDUCATION_CHANGED,
        Slot.DEGREE_CERT: Requirement.IF_EDUCATION_CHANGED,
        Slot.TITLE_CERT: Requirement.IF_EDUCATION_CHANGED,
        Slot.HUKOU: Requirement.IF_HUKOU_CHANGED,
        Slot.RESIDENCE: Requirement.IF_ADDRESS_CHANGED,
        Slot.OTHER: Requirement.OPTIONAL,
    },
    hands_in=_changed_items_slots,
)  # fmt: skip
"""证件基础信息变更: filed by the applicant on a valid permit."""

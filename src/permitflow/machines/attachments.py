"""The attachment slots (附件管理, M§1.5-1.6): not uploaded, or uploaded on a date.

Attachments are managed once the basic information has been previewed and submitted ("预览
提交后进入首页，点击附件管理上传个人附件", M§1.5), so this machine lives on the profile's state and
has that one state. Each slot is empty (未上传) or holds one file with its upload date (已上传);
replacing a file is deleting it and uploading the new one ("删除原有附件……上传所需修改附件",
M§5.2). An upload is judged at once by the format and size rules (ATT-001..003: PDF, 2 MB or
5 MB per slot, M§1.6), on the file it hands in. While an application is with the employer or
the authority, FLOW-103 locks the slots (catalogue §3.7, inferred; switch it off in the rule
set).
"""

from __future__ import annotations

import attrs
from attrs import frozen

from permitflow.calendar import local_date
from permitflow.engine.definition import Change, MachineDefinition, State, Transition
from permitflow.errors import EventNotAllowed
from permitflow.labels import both
from permitflow.machines.common import APPLICANT
from permitflow.records.holder import Attachment, ProfileState, Requirement, Slot
from permitflow.tags import Tag

MANAGED = ProfileState.COMPLETE.value

WHOLE_RECORD: dict[Slot, Requirement] = {
    Slot.EDU_CERT: Requirement.REQUIRED,
    Slot.DEGREE_CERT: Requirement.IF_DEGREE,
    Slot.TITLE_CERT: Requirement.IF_TITLE,
    Slot.TAXABLE_INCOME: Requirement.REQUIRED,
    Slot.HUKOU: Requirement.REQUIRED,
    Slot.INTEGRITY: Requirement.REQUIRED,
    Slot.MARRIAGE: Requirement.IF_MARRIED,
    Slot.RESIDENCE: Requirement.REQUIRED,
    Slot.OTHER: Requirement.OPTIONAL,
}
"""The attachments a filing of the whole record asks for (新办, 续签; M§1.6: 其他材料（非必传项）,
the degree and title certificates by the basis applied on, the marriage certificate when
married; catalogue §6, inferred where the manual is silent)."""


@frozen
class DeleteAttachment:
    """Which slot to empty."""

    slot: Slot = attrs.field(converter=Slot)
    """The slot whose attachment is deleted."""


def _upload(change: Change) -> Change:
    attachment: Attachment = change.payload
    current = change.holder.attachment(attachment.slot)
    if current is not None:
        raise EventNotAllowed(
            "slot_taken", machine="attachments", event="upload_attachment",
            slot=attachment.slot, uploaded_on=current.uploaded_on,
        )  # fmt: skip
    uploaded = attrs.evolve(attachment, uploaded_on=local_date(change.at))
    holder = attrs.evolve(change.holder, attachments=(*change.holder.attachments, uploaded))
    return attrs.evolve(change, holder=holder)


def _delete(change: Change) -> Change:
    slot = change.payload.slot
    if change.holder.attachment(slot) is None:
        raise EventNotAllowed(
            "slot_empty", machine="attachments", event="delete_attachment", slot=slot
        )
    kept = tuple(a for a in change.holder.attachments if a.slot is not slot)
    return attrs.evolve(change, holder=attrs.evolve(change.holder, attachments=kept))


_NAME = both("machine.attachments")

ATTACHMENTS = MachineDefinition(
    name="attachments",
    label_zh=_NAME[0],
    label_en=_NAME[1],
    states=(
        State(MANAGED, *both("state.attachments.complete")),
    ),
    initial=MANAGED,
    transitions=(
        Transition(
            "upload_attachment", (MANAGED,), MANAGED, APPLICANT,
            *both("event.attachments.upload_attachment"),
            guards=frozenset({"att", "flow"}), payload=Attachment, payload_required=True,
            effect=_upload, tags=frozenset({Tag.UPLOAD}),
        ),
        Transition(
            "delete_attachment", (MANAGED,), MANAGED, APPLICANT,
            *both("event.attachments.delete_attachment"),
            guards=frozenset({"flow"}), payload=DeleteAttachment, payload_required=True,
            effect=_delete, tags=frozenset({Tag.REMOVAL}),
        ),
    ),
    state_path=("profile_state",),
    cyclic=True,
)  # fmt: skip

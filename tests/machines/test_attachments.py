"""The attachment slots: upload into an empty slot, delete a full one; replace = delete + upload."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import attrs
import pytest

from permitflow.engine.engine import Engine
from permitflow.errors import Blocked, EventNotAllowed, InvalidInput, NotPermitted
from permitflow.machines.attachments import DeleteAttachment
from permitflow.records.actors import Role
from permitflow.records.application import BusinessType
from permitflow.records.holder import Attachment, FileInfo, HolderRecord, Slot
from permitflow.testing import Case

APPLICANT = Role.APPLICANT
NEW_LEASE = Attachment(Slot.RESIDENCE, FileInfo("lease-2026.pdf", 900_000, b"%PDF-1.7\n"),
                       date(2000, 1, 1), document="lease")  # fmt: skip


def slots(holder: HolderRecord) -> dict[Slot, Attachment]:
    return {attachment.slot: attachment for attachment in holder.attachments}


def test_replacing_a_file_is_delete_then_upload_dated_today(bare: Engine) -> None:
    case = Case.start(BusinessType.BASIC_CHANGE, engine=bare)
    case = case.fire_holder(
        "delete_attachment", APPLICANT, payload=DeleteAttachment(Slot.RESIDENCE)
    )
    assert Slot.RESIDENCE not in slots(case.holder)
    case = case.fire_holder("upload_attachment", APPLICANT, payload=NEW_LEASE)
    uploaded = slots(case.holder)[Slot.RESIDENCE]
    assert uploaded.file.name == "lease-2026.pdf"
    assert uploaded.uploaded_on == date(2026, 3, 16)


def test_a_full_slot_is_not_overwritten(bare: Engine) -> None:
    case = Case.start(BusinessType.BASIC_CHANGE, engine=bare)
    with pytest.raises(EventNotAllowed, match="delete it first"):
        case.fire_holder("upload_attachment", APPLICANT, payload=NEW_LEASE)


def test_an_empty_slot_has_nothing_to_delete(bare: Engine) -> None:
    case = Case.start(BusinessType.BASIC_CHANGE, engine=bare)
    with pytest.raises(EventNotAllowed, match="nothing to delete"):
        case.fire_holder("delete_attachment", APPLICANT, payload=DeleteAttachment("title_cert"))


def test_uploads_need_a_file_and_the_holder_itself(bare: Engine) -> None:
    case = Case.start(BusinessType.BASIC_CHANGE, engine=bare)
    with pytest.raises(InvalidInput):
        case.fire_holder("upload_attachment", APPLICANT)
    with pytest.raises(NotPermitted):
        case.fire_holder("delete_attachment", Role.EMPLOYER, payload=DeleteAttachment("other"))


def test_attachments_are_locked_while_under_review(rule_engine: Callable[..., Engine]) -> None:
    case = Case.start(BusinessType.RENEWAL, engine=rule_engine()).fire("prepare", APPLICANT)
    case = case.fire_holder("delete_attachment", APPLICANT, payload=DeleteAttachment("other"))
    case = case.fire("initiate", Role.EMPLOYER)
    with pytest.raises(Blocked) as refused:
        case.fire_holder("upload_attachment", APPLICANT, payload=NEW_LEASE)
    assert refused.value.context["rule_ids"] == ["FLOW-103"]


HAIDIAN = Engine()
TWO_MIB = 2 * 1024 * 1024


def upload_degree(file: FileInfo) -> Case:
    return upload_into(Case.start(BusinessType.BASIC_CHANGE, engine=HAIDIAN), file)


def upload_into(case: Case, file: FileInfo) -> Case:
    case = case.fire_holder(
        "delete_attachment", APPLICANT, payload=DeleteAttachment(Slot.DEGREE_CERT)
    )
    return case.fire_holder(
        "upload_attachment", APPLICANT, payload=Attachment(Slot.DEGREE_CERT, file, date(2000, 1, 1))
    )


def test_a_ten_megabyte_jpeg_is_refused_at_upload() -> None:
    with pytest.raises(Blocked) as refused:
        upload_degree(FileInfo("degree.jpg", 10_000_000, b"\xff\xd8\xff\xe0"))
    assert refused.value.context["rule_ids"] == ["ATT-001", "ATT-002"]


def test_a_pdf_of_exactly_two_mebibytes_uploads_one_byte_more_does_not() -> None:
    case = upload_degree(FileInfo("degree.pdf", TWO_MIB, b"%PDF-1.7\n"))
    assert slots(case.holder)[Slot.DEGREE_CERT].file.size_bytes == TWO_MIB
    with pytest.raises(Blocked) as refused:
        upload_degree(FileInfo("degree.pdf", TWO_MIB + 1, b"%PDF-1.7\n"))
    assert refused.value.context["rule_ids"] == ["ATT-002"]


def test_an_upload_is_judged_on_its_own_file_only() -> None:
    holder = Case.start(BusinessType.BASIC_CHANGE, engine=HAIDIAN).holder
    big = Attachment(Slot.EDU_CERT, FileInfo("edu.pdf", 3_000_000, b"%PDF-1.7\n"), date(2026, 3, 1))
    kept = tuple(a for a in holder.attachments if a.slot is not Slot.EDU_CERT)
    holder = attrs.evolve(holder, attachments=(*kept, big))
    case = Case.start(BusinessType.BASIC_CHANGE, engine=HAIDIAN, holder=holder)
    case = upload_into(case, FileInfo("degree.pdf", 1000, b"%PDF-1.7\n"))
    assert slots(case.holder)[Slot.DEGREE_CERT].file.name == "degree.pdf"

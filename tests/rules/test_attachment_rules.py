"""ATT and DOC: attachment format, size, requiredness; document validity and dates (M§1)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs
import pytest
from rules_fixtures import (
    AT,
    REMOVED,
    application,
    context,
    expect,
    pdf,
    submission,
    valid_holder,
)

from permitflow.errors import RuleDataError
from permitflow.machines.attachments import WHOLE_RECORD
from permitflow.records.application import BasicItem, BusinessType
from permitflow.records.holder import Attachment, FileKind, HolderRecord, Slot
from permitflow.rules.finding import Status
from permitflow.rules.haidian import attachments, parameters, ruleset
from permitflow.rules.parameters import ParameterTable
from permitflow.rules.rule import BEIJING, RuleContext
from permitflow.wiring import default_definitions

NEW = BusinessType.NEW
PASSED, FAILED, ATTEST = Status.PASSED, Status.FAILED, Status.NEEDS_ATTESTATION
MIB = 1024 * 1024


def submit(
    holder: HolderRecord | None = None, kind: BusinessType = NEW, **form: Any
) -> RuleContext:
    return context(holder or valid_holder(), application(kind, **form), submission(kind))


def review(holder: HolderRecord | None = None, attested: tuple[str, ...] = ()) -> RuleContext:
    app = application(NEW, "authority_review", attested=attested)
    return context(holder or valid_holder(), app, "pass")


# --- ATT-001..003 -------------------------------------------------------------------------------


def test_att_001_a_pdf_is_recognised_by_its_content() -> None:
    expect("ATT-001", submit(), PASSED)
    renamed_jpeg = valid_holder(**{"attachments.hukou.file.head": b"\xff\xd8\xff\xe0"})
    (finding,) = expect("ATT-001", submit(renamed_jpeg), FAILED)
    assert finding.field == "attachments.hukou"
    assert finding.facts_dict() == {"slot": "hukou", "name": "hukou.pdf", "kind": "jpeg"}
    assert "xff" not in finding.message_zh
    assert "不是 PDF 文件" in finding.message_zh


def test_att_001_the_name_must_say_pdf_while_the_parameter_asks_for_it() -> None:
    misnamed = valid_holder(**{"attachments.hukou.file.name": "hukou.PDF.jpg"})
    ctx = submit(misnamed)
    (finding,) = expect("ATT-001", ctx, FAILED)
    assert "内容为 PDF，但文件名不以“.pdf”结尾" in finding.message_zh
    upper = valid_holder(**{"attachments.hukou.file.name": "HUKOU.PDF"})
    expect("ATT-001", submit(upper), PASSED)
    lenient = attrs.evolve(ctx, params={**ctx.params, "attachments.require_pdf_extension": False})
    expect("ATT-001", lenient, PASSED)


@pytest.mark.parametrize(
    "slot", ["edu_cert", "degree_cert", "taxable_income", "hukou", "integrity", "marriage"]
)
def test_att_002_two_mebibytes_exactly_pass_one_byte_more_fails(slot: str) -> None:
    path = f"attachments.{slot}.file.size_bytes"
    expect("ATT-002", submit(valid_holder(**{path: 2 * MIB})), PASSED)
    (finding,) = expect("ATT-002", submit(valid_holder(**{path: 2 * MIB + 1})), FAILED)
    assert finding.facts_dict() == {"slot": slot, "size": "2097153", "limit": "2097152"}
    assert "大小为 2.1 MB，超过上限 2 MB" in finding.message_zh


@pytest.mark.parametrize("slot", ["residence", "other"])
def test_att_003_five_mebibytes_exactly_pass_one_byte_more_fails(slot: str) -> None:
    path = f"attachments.{slot}.file.size_bytes"
    expect("ATT-003", submit(valid_holder(**{path: 5 * MIB})), PASSED)
    (finding,) = expect("ATT-003", submit(valid_holder(**{path: 5 * MIB + 1})), FAILED)
    assert "is 5.1 MB, over the limit of 5 MB" in finding.message_en


def test_att_003_covers_the_title_slot_and_att_002_does_not() -> None:
    title = Attachment(Slot.TITLE_CERT, pdf("title.pdf", 3 * MIB), date(2026, 3, 1))
    holder = valid_holder()
    with_title = valid_holder(attachments=(*holder.attachments, title))
    expect("ATT-002", submit(with_title), PASSED)
    expect("ATT-003", submit(with_title), PASSED)
    too_big = valid_holder(
        attachments=(*holder.attachments, attrs.evolve(title, file=pdf("t.pdf", 5 * MIB + 1)))
    )
    expect("ATT-003", submit(too_big), FAILED)


# --- ATT-004..006 -------------------------------------------------------------------------------


@pytest.mark.parametrize("rule_id", ["ATT-004", "ATT-006"])
def test_scans_and_the_integrity_template_wait_for_a_reviewer(rule_id: str) -> None:
    expect(rule_id, review(), ATTEST)
    expect(rule_id, review(attested=(rule_id,)), PASSED)


def test_att_005_applies_to_certification_materials_only() -> None:
    expect("ATT-005", review(), PASSED)
    patent = valid_holder(**{"attachments.other.document": "patent"})
    (finding,) = expect("ATT-005", review(patent), ATTEST)
    assert finding.facts_dict() == {"slots": "other"}
    expect("ATT-005", review(patent, attested=("ATT-005",)), PASSED)
    title = Attachment(Slot.TITLE_CERT, pdf("title.pdf"), date(2026, 3, 1))
    titled = valid_holder(attachments=(*valid_holder().attachments, title))
    expect("ATT-005", review(titled), ATTEST)


def test_attestation_rules_guard_the_authority_pass_only() -> None:
    attestations = {"ATT-004", "ATT-005", "ATT-006", "BI-002", "BI-003", "RES-001"}
    rs = ruleset.in_force_on(AT.date())
    groups = frozenset({"att", "bi", "res"})
    steps = default_definitions()[NEW](2).tags_by_event
    at_submit = {r.id for r, _ in rs.rules_for(NEW, "submit", steps["submit"], groups)}
    at_pass = {r.id for r, _ in rs.rules_for(NEW, "pass", steps["pass"], groups)}
    assert not at_submit & attestations
    assert attestations <= at_pass


# --- ATT-007..009 -------------------------------------------------------------------------------


def test_att_007_other_materials_are_optional_except_for_an_employer_change() -> None:
    without = valid_holder(**{"attachments.other": REMOVED})
    expect("ATT-007", submit(without), PASSED)
    change = BusinessType.EMPLOYER_CHANGE
    expect("ATT-007", submit(valid_holder(), change), PASSED)
    (finding,) = expect("ATT-007", submit(without, change), FAILED)
    assert finding.facts_dict()["requirement"] == "required"


def test_att_008_changed_items_need_fresh_attachments() -> None:
    kind = BusinessType.BASIC_CHANGE
    moved = [BasicItem.HUKOU_LOCATION]
    # The valid holder uploaded everything on 2026-03-06, after the permit was issued.
    expect("ATT-008", submit(valid_holder(), kind, changed_items=moved), PASSED)
    stale = valid_holder(**{"attachments.hukou.uploaded_on": date(2023, 12, 31)})
    (finding,) = expect("ATT-008", submit(stale, kind, changed_items=moved), FAILED)
    assert finding.facts_dict() == {"items": "hukou_location", "reference": "2024-01-01"}
    assert "（2024-01-01）以来未重新上传" in finding.message_zh
    same_day = valid_holder(**{"attachments.hukou.uploaded_on": date(2024, 1, 1)})
    expect("ATT-008", submit(same_day, kind, changed_items=moved), PASSED)
    expect("ATT-008", submit(stale, kind, changed_items=[BasicItem.RESIDENCE_ADDRESS]), PASSED)


def test_att_009_every_required_attachment_is_uploaded() -> None:
    expect("ATT-009", submit(), PASSED)
    (finding,) = expect("ATT-009", submit(valid_holder(**{"attachments.hukou": REMOVED})), FAILED)
    assert finding.field == "attachments.hukou"
    assert finding.facts_dict()["requirement"] == "required"


def test_att_009_degree_title_and_marriage_slots_follow_the_applicant() -> None:
    no_degree = valid_holder(**{"attachments.degree_cert": REMOVED})
    expect("ATT-009", submit(no_degree), FAILED)
    by_title = valid_holder(
        **{"attachments.degree_cert": REMOVED, "profile.education.basis": "title"}
    )
    (finding,) = expect("ATT-009", submit(by_title), FAILED)
    assert finding.facts_dict()["slot"] == "title_cert"
    title = Attachment(Slot.TITLE_CERT, pdf("title.pdf"), date(2026, 3, 1))
    expect(
        "ATT-009",
        submit(attrs.evolve(by_title, attachments=(*by_title.attachments, title))),
        PASSED,
    )
    unmarried = valid_holder(
        **{"attachments.marriage": REMOVED, "profile.general.marital_status": "unmarried"}
    )
    expect("ATT-009", submit(unmarried), PASSED)
    expect("ATT-009", submit(valid_holder(**{"attachments.marriage": REMOVED})), FAILED)


def test_att_009_a_basic_change_needs_the_attachments_of_the_changed_items() -> None:
    kind = BusinessType.BASIC_CHANGE
    no_proof = valid_holder(**{"attachments.residence": REMOVED})
    expect("ATT-009", submit(no_proof, kind, changed_items=[BasicItem.HUKOU_LOCATION]), PASSED)
    expect("ATT-009", submit(no_proof, kind, changed_items=[BasicItem.RESIDENCE_ADDRESS]), FAILED)


# --- DOC ----------------------------------------------------------------------------------------


def test_doc_001_exactly_three_months_of_validity_left_pass() -> None:
    # Submitted 2026-03-16: valid until 2026-06-16 is exactly three months.
    contract = "employment.contract.valid_until"
    expect("DOC-001", submit(valid_holder(**{contract: date(2026, 6, 16)})), PASSED)
    (finding,) = expect("DOC-001", submit(valid_holder(**{contract: date(2026, 6, 15)})), FAILED)
    assert finding.facts_dict() == {
        "valid_until": "2026-06-15",
        "months": "3",
        "needed": "2026-06-16",
    }
    assert finding.message_zh.startswith("劳动合同有效期至 2026-06-15，提交时剩余不足 3 个月")


def test_doc_001_checks_attachments_and_the_residence_proof_too() -> None:
    lease = valid_holder(**{"attachments.residence.valid_until": date(2026, 5, 1)})
    (finding,) = expect("DOC-001", submit(lease), FAILED)
    assert finding.field == "attachments.residence"
    proof = valid_holder(**{"residence.valid_until": date(2026, 5, 1)})
    (finding,) = expect("DOC-001", submit(proof), FAILED)
    assert finding.field == "residence.valid_until"
    assert finding.message_zh.startswith("住所证明")


def test_doc_001_counts_from_the_day_the_file_was_handed_in() -> None:
    holder = valid_holder(**{"employment.contract.valid_until": date(2026, 6, 15)})
    earlier = datetime(2026, 3, 15, 9, 0, tzinfo=BEIJING)
    app = application(NEW, "employer_review", submitted_at=earlier)
    expect("DOC-001", context(holder, app, "employer_approve"), PASSED)


def test_doc_001_end_of_month_clamps() -> None:
    at = datetime(2025, 11, 30, 10, 0, tzinfo=BEIJING)
    holder = valid_holder(at=at, **{"employment.contract.valid_until": date(2026, 2, 28)})
    expect("DOC-001", context(holder, application(NEW, at=at), "submit", at), PASSED)
    holder = valid_holder(at=at, **{"employment.contract.valid_until": date(2026, 2, 27)})
    expect("DOC-001", context(holder, application(NEW, at=at), "submit", at), FAILED)


def test_doc_002_materials_dated_exactly_one_month_ago_pass() -> None:
    path = "attachments.taxable_income.issued_on"
    expect("DOC-002", submit(valid_holder(**{path: date(2026, 2, 16)})), PASSED)
    (finding,) = expect("DOC-002", submit(valid_holder(**{path: date(2026, 2, 15)})), FAILED)
    assert finding.facts_dict() == {
        "slot": "taxable_income",
        "issued": "2026-02-15",
        "submission": "2026-03-16",
        "months": "1",
    }


def test_doc_002_a_material_dated_after_submission_fails() -> None:
    path = "attachments.taxable_income.issued_on"
    expect("DOC-002", submit(valid_holder(**{path: date(2026, 3, 16)})), PASSED)
    (finding,) = expect("DOC-002", submit(valid_holder(**{path: date(2026, 3, 17)})), FAILED)
    assert "晚于提交日 2026-03-16" in finding.message_zh


# --- DOC scope: what a basic- or business-information change hands in (M§5.2, M§6.1) -----------

BASIC, BUSINESS = BusinessType.BASIC_CHANGE, BusinessType.BUSINESS_CHANGE
STALE_INCOME = {"attachments.taxable_income.issued_on": date(2025, 12, 1)}
EXPIRING_CONTRACT = {"employment.contract.valid_until": date(2026, 5, 1)}


def address_change(holder: HolderRecord) -> RuleContext:
    return submit(holder, BASIC, changed_items=(BasicItem.RESIDENCE_ADDRESS,))


@pytest.mark.parametrize("rule_id", ["DOC-001", "DOC-002"])
def test_doc_a_basic_change_judges_only_the_changed_items(rule_id: str) -> None:
    # An old income printout and a contract ending soon refuse a new application, not an
    # address change, which hands in only the residence proof.
    holder = valid_holder(**STALE_INCOME, **EXPIRING_CONTRACT)
    expect(rule_id, submit(holder), FAILED)
    expect(rule_id, address_change(holder), PASSED)


def test_doc_a_basic_change_judges_the_documents_of_its_changed_items() -> None:
    ending = date(2026, 6, 15)  # less than 3 months after 2026-03-16
    holder = valid_holder(**{"residence.valid_until": ending})
    (finding,) = expect("DOC-001", address_change(holder), FAILED)
    assert finding.field == "residence.valid_until"
    holder = valid_holder(**{"attachments.residence.valid_until": ending})
    (finding,) = expect("DOC-001", address_change(holder), FAILED)
    assert finding.field == "attachments.residence"
    # The same residence proof is not handed in with a change of hukou location.
    hukou_change = submit(holder, BASIC, changed_items=(BasicItem.HUKOU_LOCATION,))
    expect("DOC-001", hukou_change, PASSED)
    enough = valid_holder(**{"residence.valid_until": date(2026, 6, 16)})
    expect("DOC-001", address_change(enough), PASSED)


def test_doc_a_business_change_judges_only_the_marriage_material() -> None:
    holder = valid_holder(**STALE_INCOME, **EXPIRING_CONTRACT)
    expect("DOC-001", submit(holder, BUSINESS), PASSED)
    expect("DOC-002", submit(holder, BUSINESS), PASSED)
    dated = "attachments.marriage.issued_on"
    expect("DOC-002", submit(valid_holder(**{dated: date(2026, 2, 16)}), BUSINESS), PASSED)
    (finding,) = expect(
        "DOC-002", submit(valid_holder(**{dated: date(2026, 2, 15)}), BUSINESS), FAILED
    )
    assert finding.field == "attachments.marriage"


# --- parameter checks ---------------------------------------------------------------------------


def _with_value(name: str, value: object) -> ParameterTable:
    original = parameters.get(name)
    changed = attrs.evolve(original, values=(attrs.evolve(original.values[0], value=value),))
    others = tuple(p for p in parameters.parameters if p.name != name)
    return ParameterTable((*others, changed))


ROW = {slot.value: cell.value for slot, cell in WHOLE_RECORD.items()}
"""A full row of the matrix, as a rule set writes one: the new application's own."""


def test_an_unknown_requiredness_is_a_data_error_with_its_path() -> None:
    broken = {"new": {**ROW, "hukou": "sometimes"}}
    with pytest.raises(RuleDataError) as caught:
        attachments.check_parameters(_with_value("attachments.required", broken))
    assert "$.attachments.required.values[0].value.new.hukou" in caught.value.message_en
    assert caught.value.context["file"] == "general.toml"


def test_a_row_of_the_matrix_names_every_slot() -> None:
    row = dict(ROW)
    del row["hukou"]
    with pytest.raises(RuleDataError) as caught:
        attachments.check_parameters(_with_value("attachments.required", {"renewal": row}))
    assert "must hold exactly these" in caught.value.message_en
    assert "$.attachments.required.values[0].value.renewal" in caught.value.message_en


def test_a_matrix_row_for_no_business_type_is_a_data_error() -> None:
    broken = {"reissue": ROW}
    with pytest.raises(RuleDataError) as caught:
        attachments.check_parameters(_with_value("attachments.required", broken))
    assert "$.attachments.required.values[0].value.reissue" in caught.value.message_en
    assert "is not a field here" in caught.value.message_en


def test_each_type_asks_for_its_spec_s_attachments_unless_the_rule_set_names_it() -> None:
    holder = valid_holder()
    holder = attrs.evolve(holder, attachments=tuple(
        a for a in holder.attachments if a.slot is not Slot.HUKOU
    ))  # fmt: skip
    assert parameters.get("attachments.required").values[0].value == {}
    (finding,) = expect("ATT-009", submit(holder), FAILED)
    assert finding.field == "attachments.hukou"
    lenient = ruleset.versions[0].derive(
        name="lenient", version="2024.1", since=date(2024, 1, 1), citation="区通知",
        parameters={"attachments.required": {"new": {**ROW, "hukou": "optional"}}},
    )  # fmt: skip
    ctx = attrs.evolve(submit(holder), params=lenient.params_on(date(2026, 3, 2)))
    assert attachments.attachment_row(ctx)["hukou"] == "optional"
    expect("ATT-009", ctx, PASSED)
    assert attachments.attachment_row(submit(holder)) == WHOLE_RECORD


def test_a_size_table_missing_a_slot_is_a_data_error() -> None:
    limits = dict(parameters.get("attachments.max_bytes").values[0].value)
    del limits["other"]
    with pytest.raises(RuleDataError, match="max_bytes"):
        attachments.check_parameters(_with_value("attachments.max_bytes", limits))


def test_att_006_says_when_the_integrity_declaration_is_not_uploaded() -> None:
    (finding,) = expect("ATT-006", review(), ATTEST)
    assert "文件“" in finding.message_zh
    missing = valid_holder(**{"attachments.integrity": REMOVED})
    (finding,) = expect("ATT-006", review(missing), ATTEST)
    assert finding.message_zh.startswith("诚信声明尚未上传")


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7", FileKind.PDF),
        (b"\xff\xd8\xff\xe0", FileKind.JPEG),
        (b"\x89PNG\r\n\x1a\n", FileKind.PNG),
        (b"GIF89a", FileKind.GIF),
        (b"PK\x03\x04", FileKind.OFFICE),
        (b"", FileKind.EMPTY),
        (b"hello", FileKind.UNKNOWN),
    ],
)
def test_a_file_is_told_by_its_first_bytes(head: bytes, kind: FileKind) -> None:
    assert pdf("x.pdf", head=head).kind is kind

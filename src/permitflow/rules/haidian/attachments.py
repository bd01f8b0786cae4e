"""Attachments and document dates (附件管理, M§1.5-1.6, M§1 注意事项): groups ``att``, ``doc``.

Format: a PDF is recognised by its content — the ``%PDF-`` signature every PDF starts with —
because a name can say anything; the manual's "格式：PDF" is also checked on the name (``.pdf``,
any case) while the parameter ``attachments.require_pdf_extension`` is true, since the portal
shows and downloads files by name. Size limits per slot (``attachments.max_bytes``) and which
slots each business type requires are its spec's (``BusinessTypeSpec.attachments``) unless the
rule set's ``attachments.required`` names the type. Format and size are judged
when a file is uploaded (that file only) and again at every filing (every file).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any, ClassVar

from attrs import frozen

from permitflow.deadlines import earliest_issue_date, validity_threshold
from permitflow.errors import Expected, Problem, RuleDataError
from permitflow.records.application import (
    ITEM_SLOTS,
    TRAITS,
    BasicChangeForm,
    BasicItem,
    BusinessType,
)
from permitflow.records.holder import (
    ApplicationBasis,
    Attachment,
    FileKind,
    MaritalStatus,
    ProofKind,
    Requirement,
    Slot,
)
from permitflow.rules.facts import Bytes, Facts
from permitflow.rules.finding import RuleKind, Severity
from permitflow.rules.haidian._shared import (
    APPLICANT_SIDE,
    REVIEWING,
    TEXTS,
    UPLOAD_STEPS,
    cite,
)
from permitflow.rules.parameters import ParameterTable
from permitflow.rules.rule import (
    Check,
    Rule,
    RuleContext,
    Verdict,
    failed,
    needs_attestation,
    passed,
)
from permitflow.tags import HANDING_IN, SUBMITTING

PDF_SIGNATURE = b"%PDF-"
"""The first bytes of every PDF file (ISO 32000-1, 7.5.2 File Header)."""

_NOTE_1 = "上传附件中的材料应为原件的四边轮廓、信息清晰有效且为正方向的 PDF 彩色扫描件"

_PASS = (passed("attachments"),)
_PASS_DOCUMENTS = (passed("documents"),)


def _field(attachment: Attachment) -> str:
    return f"attachments.{attachment.slot.value}"


def _judged(ctx: RuleContext) -> tuple[Attachment, ...]:
    """The files whose format and size are judged: the one an upload hands in, else every
    attachment of the record (at a filing)."""
    if isinstance(ctx.payload, Attachment):
        return (ctx.payload,)
    return ctx.holder.attachments


# --- ATT-001..003: format and size ---------------------------------------------------------------


# M§1.6 (each slot: 格式：PDF) and M§1 注意事项 1: 上传附件中的材料应为……PDF 彩色扫描件
@frozen
class NotPdf(Facts):
    slot: Slot
    name: str
    kind: FileKind


@frozen
class NotPdfName(Facts):
    variant: ClassVar[str] = "name"
    slot: Slot
    name: str


def _is_pdf(ctx: RuleContext) -> Iterable[Verdict[NotPdf | NotPdfName]]:
    check_name = ctx.params["attachments.require_pdf_extension"]
    wrong: list[Verdict[NotPdf | NotPdfName]] = []
    for a in _judged(ctx):
        if not a.file.head.startswith(PDF_SIGNATURE):
            wrong.append(failed(_field(a), NotPdf(a.slot, a.file.name, a.file.kind)))
        elif check_name and not a.file.name.lower().endswith(".pdf"):
            wrong.append(failed(_field(a), NotPdfName(a.slot, a.file.name)))
    return wrong or _PASS


ATT_001 = Rule(
    id="ATT-001",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="att",
    tags=UPLOAD_STEPS,
    business_types=APPLICANT_SIDE,
    citation=cite("M§1.6 附件格式; M§1 注意事项 1", _NOTE_1),
    texts=TEXTS,
    parameters={"attachments.require_pdf_extension": bool},
    check=_is_pdf,
)


@frozen
class TooLarge(Facts):
    slot: Slot
    size: Bytes
    limit: Bytes


def _size_check(slots: frozenset[Slot]) -> Check:
    def check(ctx: RuleContext) -> Iterable[Verdict[TooLarge]]:
        limits: Mapping[str, int] = ctx.params["attachments.max_bytes"]
        wrong = []
        for a in _judged(ctx):
            if a.slot not in slots:
                continue
            limit = limits[a.slot.value]
            # "大小：2M以内": within the limit, the limit itself included.
            if a.file.size_bytes > limit:
                wrong.append(
                    failed(_field(a), TooLarge(a.slot, Bytes(a.file.size_bytes), Bytes(limit)))
                )
        return wrong or _PASS

    return check


_SMALL = frozenset(
    {
        Slot.EDU_CERT,
        Slot.DEGREE_CERT,
        Slot.TAXABLE_INCOME,
        Slot.HUKOU,
        Slot.INTEGRITY,
        Slot.MARRIAGE,
    }
)
_LARGE = frozenset({Slot.TITLE_CERT, Slot.RESIDENCE, Slot.OTHER})

# M§1.6: 学历证书、学位证书、应税收入材料、户口本首页及本人页、诚信声明、结婚证 — 大小：2M以内
ATT_002 = Rule(
    id="ATT-002",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="att",
    tags=UPLOAD_STEPS,
    business_types=APPLICANT_SIDE,
    citation=cite("M§1.6 附件管理表", "格式：PDF 大小：2M以内"),
    texts=TEXTS,
    parameters={"attachments.max_bytes": dict},
    check=_size_check(_SMALL),
)

# M§1.6: 职称证书或评审材料、在京合法稳定住所证明、其他材料 — 大小：5M以内
ATT_003 = Rule(
    id="ATT-003",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="att",
    tags=UPLOAD_STEPS,
    business_types=APPLICANT_SIDE,
    citation=cite("M§1.6 附件管理表", "格式：PDF 大小：5M以内"),
    texts=TEXTS,
    parameters={"attachments.max_bytes": dict},
    check=_size_check(_LARGE),
)

# --- ATT-004..006: what only a person can see ----------------------------------------------------


# M§1 注意事项 1: ……原件的四边轮廓、信息清晰有效且为正方向的 PDF 彩色扫描件
@frozen
class ScanQuality(Facts):
    count: int


def _scan_quality(ctx: RuleContext) -> Iterable[Verdict[ScanQuality]]:
    return (needs_attestation("attachments", ScanQuality(len(ctx.holder.attachments))),)


ATT_004 = Rule(
    id="ATT-004",
    kind=RuleKind.ATTESTATION,
    severity=Severity.ERROR,
    group="att",
    business_types=APPLICANT_SIDE,
    tags=REVIEWING,
    citation=cite("M§1 注意事项 1; M§2 注意事项 1; M§6 注意事项 1", _NOTE_1),
    texts=TEXTS,
    check=_scan_quality,
)


# M§1 注意事项 1: 其它职称、专利、软件著作权等相关认证材料需注明“经核真实有效、申请人签字、
# 经办人签字”后上传 — applies to the title slot and to "other materials" of a certified kind
# (parameter attachments.certified_documents).
@frozen
class Certified(Facts):
    slots: tuple[Slot, ...]


def _certified_annotation(ctx: RuleContext) -> Iterable[Verdict[Certified]]:
    kinds = ctx.params["attachments.certified_documents"]
    certified = {
        a.slot
        for a in ctx.holder.attachments
        if a.slot is Slot.TITLE_CERT or (a.document is not None and a.document in kinds)
    }
    if not certified:
        return _PASS
    in_order = tuple(slot for slot in Slot if slot in certified)
    return (needs_attestation("attachments", Certified(in_order)),)


ATT_005 = Rule(
    id="ATT-005",
    kind=RuleKind.ATTESTATION,
    severity=Severity.ERROR,
    group="att",
    business_types=APPLICANT_SIDE,
    tags=REVIEWING,
    citation=cite(
        "M§1 注意事项 1",
        "其它职称、专利、软件著作权等相关认证材料需注"
        "明“经核真实有效、申请人签字、经办人签字”后上传",
    ),
    texts=TEXTS,
    parameters={"attachments.certified_documents": list},
    check=_certified_annotation,
)


# M§1.6: 其中《个人诚信声明》（模板在北京国际人才网首页——……——海淀区——附件2《北京市工作居住证》
# 个人诚信声明）下载
@frozen
class IntegrityTemplate(Facts):
    name: str


@frozen
class NoIntegrity(Facts):
    variant: ClassVar[str] = "not_uploaded"


def _integrity_template(ctx: RuleContext) -> Iterable[Verdict[IntegrityTemplate | NoIntegrity]]:
    upload = ctx.holder.attachment(Slot.INTEGRITY)
    if upload is None:
        return (needs_attestation("attachments.integrity", NoIntegrity()),)
    return (needs_attestation("attachments.integrity", IntegrityTemplate(upload.file.name)),)


ATT_006 = Rule(
    id="ATT-006",
    kind=RuleKind.ATTESTATION,
    severity=Severity.ERROR,
    group="att",
    business_types=APPLICANT_SIDE,
    tags=REVIEWING,
    citation=cite(
        "M§1.6; M§3.1; M§4.2",
        "其中《个人诚信声明》（模板在北京国际人才网首页——业务办理指南——工作居住证办理指南——"
        "海淀区——附件2《北京市工作居住证》个人诚信声明）下载",
    ),
    texts=TEXTS,
    check=_integrity_template,
)

# --- ATT-007..009: which slots must be filled -----------------------------------------------------

_CHANGED_ITEM = {
    Requirement.IF_EDUCATION_CHANGED: BasicItem.EDUCATION,
    Requirement.IF_HUKOU_CHANGED: BasicItem.HUKOU_LOCATION,
    Requirement.IF_ADDRESS_CHANGED: BasicItem.RESIDENCE_ADDRESS,
}


def attachment_row(ctx: RuleContext) -> Mapping[Slot, Requirement] | Mapping[str, str]:
    """How the business type judged asks for each attachment slot (slot → requiredness): the
    rule set's row for the type where ``attachments.required`` names it, else the type's own
    (``BusinessTypeSpec.attachments``, which leaves out the slots it does not ask for)."""
    named: Mapping[str, str] | None = ctx.params["attachments.required"].get(ctx.business_type)
    if named is not None:
        return named
    traits = TRAITS.get(ctx.business_type)
    return traits.attachments if traits is not None else {}


def _required(ctx: RuleContext, slot: Slot) -> tuple[bool, Requirement]:
    """Whether the business type requires ``slot`` for this holder, and the matrix cell."""
    cell = Requirement(attachment_row(ctx).get(slot, Requirement.NOT_APPLICABLE))
    if cell is Requirement.REQUIRED:
        return True, cell
    education = ctx.holder.profile.education
    general = ctx.holder.profile.general
    if cell is Requirement.IF_DEGREE:
        return education is not None and education.basis is ApplicationBasis.DEGREE, cell
    if cell is Requirement.IF_TITLE:
        return education is not None and education.basis is ApplicationBasis.TITLE, cell
    if cell is Requirement.IF_MARRIED:
        married = (MaritalStatus.MARRIED, MaritalStatus.REMARRIED)
        return general is not None and general.marital_status in married, cell
    item = _CHANGED_ITEM.get(cell)
    if item is not None:
        form = ctx.application.form if ctx.application is not None else None
        return isinstance(form, BasicChangeForm) and item in form.changed_items, cell
    return False, cell


@frozen
class NotUploaded(Facts):
    business_type: BusinessType
    slot: Slot
    requirement: Requirement


def _missing(ctx: RuleContext, slots: Iterable[Slot]) -> list[Verdict[NotUploaded]]:
    uploaded = {a.slot for a in ctx.holder.attachments}
    verdicts = []
    for slot in slots:
        if slot in uploaded:
            continue
        required, cell = _required(ctx, slot)
        if required:
            verdicts.append(
                failed(f"attachments.{slot.value}", NotUploaded(ctx.business_type, slot, cell))
            )
    return verdicts


# M§1.6: 其他材料（非必传项） — but M§4.2: “其他材料”上传原单位出具的离职证明 (employer change).
def _other_materials(ctx: RuleContext) -> Iterable[Verdict[NotUploaded]]:
    return _missing(ctx, (Slot.OTHER,)) or _PASS


ATT_007 = Rule(
    id="ATT-007",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="att",
    tags=HANDING_IN,
    business_types=APPLICANT_SIDE,
    citation=cite("M§1.6; M§4.2", "其他材料（非必传项）"),
    texts=TEXTS,
    parameters={"attachments.required": dict},
    check=_other_materials,
)


# M§1.6: 申请人应在此处及时更新附件（信息发生变化之时）。 — checked where the data shows a
# change: a basic-information change names the changed items (M§5.2: 删除原有附件——上传所需
# 修改附件), and each needs an attachment uploaded on or after the permit's last issue or change.
@frozen
class NotRenewed(Facts):
    items: tuple[BasicItem, ...]
    reference: date


def _fresh_for_changes(ctx: RuleContext) -> Iterable[Verdict[NotRenewed]]:
    form = ctx.application.form if ctx.application is not None else None
    permit = ctx.holder.permit
    reference = permit.changed_on or permit.issued_on
    if not isinstance(form, BasicChangeForm) or reference is None:
        return _PASS
    by_slot = {a.slot: a for a in ctx.holder.attachments}
    stale = []
    for item in form.changed_items:
        slots = ITEM_SLOTS.get(item, ())
        if slots and not any(s in by_slot and by_slot[s].uploaded_on >= reference for s in slots):
            stale.append(item)
    if stale:
        return (failed("attachments", NotRenewed(tuple(stale), reference)),)
    return (passed("attachments", reference=reference.isoformat()),)


ATT_008 = Rule(
    id="ATT-008",
    kind=RuleKind.PROCESS,
    severity=Severity.WARNING,
    group="att",
    tags=SUBMITTING,
    business_types=frozenset({BusinessType.BASIC_CHANGE}),
    citation=cite("M§1.6; M§5.2", "申请人应在此处及时更新附件（信息发生变化之时）。"),
    texts=TEXTS,
    check=_fresh_for_changes,
)

_MATRIX_SLOTS = tuple(slot for slot in Slot if slot is not Slot.OTHER)


# M§2.2: 再次确认附件均按要求上传齐全后，发起申请事项。 — required per business type by the
# matrix attachments.required ("other materials" are ATT-007's).
def _required_uploaded(ctx: RuleContext) -> Iterable[Verdict[NotUploaded]]:
    return _missing(ctx, _MATRIX_SLOTS) or _PASS


ATT_009 = Rule(
    id="ATT-009",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="att",
    tags=HANDING_IN,
    business_types=APPLICANT_SIDE,
    citation=cite("M§2.2", "再次确认附件均按要求上传齐全后，发起申请事项。"),
    texts=TEXTS,
    parameters={"attachments.required": dict},
    check=_required_uploaded,
)

# --- DOC: validity and dates of documents ---------------------------------------------------------


def handed_in(ctx: RuleContext) -> frozenset[Slot] | None:
    """The attachment slots the business hands in, when it hands in only some of them; None
    when it files the whole record (the labour contract and the residence proof included):
    as the type's spec says (``BusinessTypeSpec.hands_in``), given the form filed."""
    traits = TRAITS.get(ctx.business_type)
    hands_in = traits.hands_in if traits is not None else None
    if hands_in is None:
        return None
    return hands_in(ctx.application.form if ctx.application is not None else None)


def _handed_in_attachments(ctx: RuleContext) -> Iterable[Attachment]:
    slots = handed_in(ctx)
    return (a for a in ctx.holder.attachments if slots is None or a.slot in slots)


@frozen
class AttachmentExpires(Facts):
    slot: Slot
    valid_until: date
    months: int
    needed: date


@frozen
class ProofExpires(Facts):
    variant: ClassVar[str] = "residence"
    kind: ProofKind
    valid_until: date
    months: int
    needed: date


@frozen
class ContractExpires(Facts):
    variant: ClassVar[str] = "contract"
    valid_until: date
    months: int
    needed: date


_Expires = AttachmentExpires | ProofExpires | ContractExpires


def _validity_items(
    ctx: RuleContext, months: int, needed: date
) -> list[tuple[str, date, _Expires]]:
    holder, slots = ctx.holder, handed_in(ctx)
    items: list[tuple[str, date, _Expires]] = [
        (_field(a), a.valid_until, AttachmentExpires(a.slot, a.valid_until, months, needed))
        for a in _handed_in_attachments(ctx)
        if a.valid_until is not None
    ]
    residence = holder.residence
    if (
        residence is not None
        and residence.valid_until is not None
        and (slots is None or Slot.RESIDENCE in slots)
    ):
        until = residence.valid_until
        facts = ProofExpires(residence.kind, until, months, needed)
        items.append(("residence.valid_until", until, facts))
    contract = holder.employment.contract
    if slots is None and contract is not None and contract.valid_until is not None:
        until = contract.valid_until
        items.append(
            ("employment.contract.valid_until", until, ContractExpires(until, months, needed))
        )
    return items


# Calendar-month arithmetic is the costly part of DOC-001/002; a day's thresholds are computed
# once (the comparisons are those of deadlines.validity_sufficient and dated_recently).
_validity_threshold = lru_cache(maxsize=1024)(validity_threshold)
_earliest_issue_date = lru_cache(maxsize=1024)(earliest_issue_date)


# M§1 注意事项 2: 带有有效期限的材料（如劳动合同、租房合同、身份证等），提供时一般应在有效期截止前
# 3 个月以上 — submission + 3 months <= valid_until (exactly three months left passes).
def _validity_left(ctx: RuleContext) -> Iterable[Verdict[_Expires]]:
    months = ctx.params["documents.validity_months"]
    needed = _validity_threshold(ctx.day, months=months)
    wrong = [
        failed(field, facts)
        for field, until, facts in _validity_items(ctx, months, needed)
        if not needed <= until
    ]
    return wrong or _PASS_DOCUMENTS


DOC_001 = Rule(
    id="DOC-001",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="doc",
    business_types=APPLICANT_SIDE,
    citation=cite(
        "M§1 注意事项 2",
        "带有有效期限的材料（如劳动合同、租房合同、身份"
        "证等），提供时一般应在有效期截止前 3 个月以上",
    ),
    texts=TEXTS,
    parameters={"documents.validity_months": int},
    check=_validity_left,
)


# M§1 注意事项 2: 申请材料的日期应在 1 个月以内申报 — submission - 1 month <= issued <= submission
# (dated exactly one month earlier passes; a date after submission fails).
@frozen
class NotRecent(Facts):
    slot: Slot
    issued: date
    submission: date
    months: int


@frozen
class DatedLater(Facts):
    variant: ClassVar[str] = "later"
    slot: Slot
    issued: date
    submission: date


def _dated_recently(ctx: RuleContext) -> Iterable[Verdict[NotRecent | DatedLater]]:
    months = ctx.params["documents.dated_within_months"]
    submission = ctx.day
    earliest = _earliest_issue_date(submission, months=months)
    wrong: list[Verdict[NotRecent | DatedLater]] = []
    for a in _handed_in_attachments(ctx):
        issued = a.issued_on
        if issued is None or earliest <= issued <= submission:
            continue
        if issued > submission:
            wrong.append(failed(_field(a), DatedLater(a.slot, issued, submission)))
        else:
            wrong.append(failed(_field(a), NotRecent(a.slot, issued, submission, months)))
    return wrong or _PASS_DOCUMENTS


DOC_002 = Rule(
    id="DOC-002",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="doc",
    business_types=APPLICANT_SIDE,
    citation=cite("M§1 注意事项 2", "申请材料的日期应在 1 个月以内申报"),
    texts=TEXTS,
    parameters={"documents.dated_within_months": int},
    check=_dated_recently,
)

RULES: tuple[Rule, ...] = (
    ATT_001,
    ATT_002,
    ATT_003,
    ATT_004,
    ATT_005,
    ATT_006,
    ATT_007,
    ATT_008,
    ATT_009,
    DOC_001,
    DOC_002,
)


# --- parameter checks -----------------------------------------------------------------------

_REQUIREMENTS = frozenset(requirement.value for requirement in Requirement)


def check_parameters(table: ParameterTable) -> None:
    """Fail at load time if the attachment parameters name unknown slots, types or values."""
    slots = {slot.value for slot in Slot}
    types = {kind.value for kind in BusinessType}
    for name, check in (
        ("attachments.max_bytes", _limit_errors),
        ("attachments.required", _matrix_errors),
    ):
        parameter = table.get(name)
        problems = [
            problem
            for index, value in enumerate(parameter.values)
            for problem in check(value.value, f"$.{name}.values[{index}].value", slots, types)
        ]
        if problems:
            raise RuleDataError(file=parameter.file, problems=problems)


def _exactly(path: str, names: set[str]) -> Problem:
    return Problem("exactly", path, facts={"known": sorted(names)})


def _limit_errors(value: Any, path: str, slots: set[str], types: set[str]) -> Iterable[Problem]:
    if set(value) != slots:
        yield _exactly(path, slots)
    for slot, limit in value.items():
        if type(limit) is not int or limit <= 0:
            yield Problem("wrong", f"{path}.{slot}", limit, Expected("positive"))


def _matrix_errors(value: Any, path: str, slots: set[str], types: set[str]) -> Iterable[Problem]:
    # A row only for a business type the rule set asks otherwise than its spec does, a type
    # registered since included, never one for a code no type has.
    for kind, row in value.items():
        if kind not in types:
            yield Problem("unknown_key", f"{path}.{kind}", facts={"known": sorted(types)})
            continue
        if not isinstance(row, dict) or set(row) != slots:
            yield _exactly(f"{path}.{kind}", slots)
            continue
        for slot, cell in row.items():
            if cell not in _REQUIREMENTS:
                yield Problem(
                    "wrong", f"{path}.{kind}.{slot}", cell,
                    Expected("one_of", tuple(sorted(_REQUIREMENTS))),
                )  # fmt: skip

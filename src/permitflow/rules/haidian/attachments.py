"""Attachments and document dates (附件管理, M§1.5-1.6, M§1 注意事项): groups ``att``, ``doc``.

Format: a PDF is recognised by its content — the ``%PDF-`` signature every PDF starts with —
because a name can say anything; the manual's "格式：PDF" is also checked on the name (``.pdf``,
any case) while the parameter ``attachments.require_pdf_extension`` is true, since the portal
shows and downloads files by name. Size limits per slot (``attachments.max_bytes``) and which
slots each business type requires (``attachments.required``) are data. Format and size are judged
when a file is uploaded (that file only) and again at every filing (every file).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from permitflow.deadlines import earliest_issue_date, validity_threshold
from permitflow.errors import Expected, Problem, RuleDataError
from permitflow.records.application import BasicChangeForm, BasicItem, BusinessType
from permitflow.records.holder import (
    ApplicationBasis,
    Attachment,
    MaritalStatus,
    Slot,
)
from permitflow.rules.finding import RuleKind, Severity
from permitflow.rules.haidian._shared import (
    APPLICANT_SIDE,
    DATA_EVENTS,
    REVIEW_EVENTS,
    UPLOAD_EVENTS,
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
def _is_pdf(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    check_name = ctx.params["attachments.require_pdf_extension"]
    wrong = [
        failed(_field(a), slot=a.slot.value, name=a.file.name, head=a.file.head[:8])
        for a in _judged(ctx)
        if not a.file.head.startswith(PDF_SIGNATURE)
        or (check_name and not a.file.name.lower().endswith(".pdf"))
    ]
    return wrong or _PASS


ATT_001 = Rule(
    id="ATT-001",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="att",
    events=UPLOAD_EVENTS,
    business_types=APPLICANT_SIDE,
    citation=cite("M§1.6 附件格式; M§1 注意事项 1", _NOTE_1),
    title_zh="所有附件均为 PDF 文件",
    title_en="Every attachment is a PDF file",
    message_zh=(
        "附件“{slot}”（文件 {name}）不是 PDF 文件（文件头 "
        "{head}）。请上传原件的 PDF 彩色扫描件，文件名以 .pdf 结尾。"
    ),
    message_en="Attachment '{slot}' (file {name}) is not a PDF (file starts with {head}). "
    "Upload a PDF colour scan of the original, named *.pdf.",
    check=_is_pdf,
)


def _size_check(slots: frozenset[Slot]) -> Check:
    def check(ctx: RuleContext) -> Iterable[Verdict[Any]]:
        limits: Mapping[str, int] = ctx.params["attachments.max_bytes"]
        wrong = []
        for a in _judged(ctx):
            if a.slot not in slots:
                continue
            limit = limits[a.slot.value]
            # "大小：2M以内": within the limit, the limit itself included.
            if a.file.size_bytes > limit:
                wrong.append(
                    failed(
                        _field(a),
                        slot=a.slot.value,
                        size=f"{a.file.size_bytes:,}",
                        limit=f"{limit:,}",
                        limit_mib=f"{limit / 1048576:g}",
                    )
                )
        return wrong or _PASS

    return check


_SIZE_ZH = (
    "附件“{slot}”大小为 {size} 字节，超过上限 {limit} 字节（{limit_mib} MiB）。"
    "请压缩或降低扫描分辨率后重新上传。"
)
_SIZE_EN = (
    "Attachment '{slot}' has {size} bytes, over the limit of {limit} bytes ({limit_mib} MiB). "
    "Compress it or scan at a lower resolution, then upload it again."
)

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
    events=UPLOAD_EVENTS,
    business_types=APPLICANT_SIDE,
    citation=cite("M§1.6 附件管理表", "格式：PDF 大小：2M以内"),
    title_zh="学历、学位、应税收入、户口本、诚信声明、结婚证附件在 2M 以内",
    title_en="Education, degree, taxable income, hukou, integrity and marriage attachments "
    "are within 2M",
    message_zh=_SIZE_ZH,
    message_en=_SIZE_EN,
    check=_size_check(_SMALL),
)

# M§1.6: 职称证书或评审材料、在京合法稳定住所证明、其他材料 — 大小：5M以内
ATT_003 = Rule(
    id="ATT-003",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="att",
    events=UPLOAD_EVENTS,
    business_types=APPLICANT_SIDE,
    citation=cite("M§1.6 附件管理表", "格式：PDF 大小：5M以内"),
    title_zh="职称材料、住所证明、其他材料附件在 5M 以内",
    title_en="Title, residence-proof and other-material attachments are within 5M",
    message_zh=_SIZE_ZH,
    message_en=_SIZE_EN,
    check=_size_check(_LARGE),
)

# --- ATT-004..006: what only a person can see ----------------------------------------------------


# M§1 注意事项 1: ……原件的四边轮廓、信息清晰有效且为正方向的 PDF 彩色扫描件
def _scan_quality(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    return (needs_attestation("attachments", count=len(ctx.holder.attachments)),)


ATT_004 = Rule(
    id="ATT-004",
    kind=RuleKind.ATTESTATION,
    severity=Severity.ERROR,
    group="att",
    business_types=APPLICANT_SIDE,
    events=REVIEW_EVENTS,
    citation=cite("M§1 注意事项 1; M§2 注意事项 1; M§6 注意事项 1", _NOTE_1),
    title_zh="附件为原件四边完整、清晰、正向的彩色扫描件（已核实）",
    title_en="Attachments are colour scans of the originals, four edges visible, legible, "
    "upright (attested)",
    message_zh=(
        "请审核人员确认 {count} 份附件均为原件四边轮廓完整、信息清晰有效且为正方向的彩色扫描件。"
    ),
    message_en="A reviewer must confirm the {count} attachments are colour scans of the "
    "originals with all four edges visible, legible and upright.",
    check=_scan_quality,
)


# M§1 注意事项 1: 其它职称、专利、软件著作权等相关认证材料需注明“经核真实有效、申请人签字、
# 经办人签字”后上传 — applies to the title slot and to "other materials" of a certified kind
# (parameter attachments.certified_documents).
def _certified_annotation(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    kinds = ctx.params["attachments.certified_documents"]
    certified = [
        a.slot.value if a.document is None else f"{a.slot.value}:{a.document}"
        for a in ctx.holder.attachments
        if a.slot is Slot.TITLE_CERT or (a.document is not None and a.document in kinds)
    ]
    if not certified:
        return _PASS
    return (needs_attestation("attachments", materials=", ".join(certified)),)


ATT_005 = Rule(
    id="ATT-005",
    kind=RuleKind.ATTESTATION,
    severity=Severity.ERROR,
    group="att",
    business_types=APPLICANT_SIDE,
    events=REVIEW_EVENTS,
    citation=cite(
        "M§1 注意事项 1",
        "其它职称、专利、软件著作权等相关认证材料需注"
        "明“经核真实有效、申请人签字、经办人签字”后上传",
    ),
    title_zh="职称、专利、软著等认证材料已注明“经核真实有效”并签字（已核实）",
    title_en="Title, patent, software-copyright and similar materials carry the 'verified "
    "true and valid' note and both signatures (attested)",
    message_zh=(
        "请审核人员确认认证材料（{materials}）已注明“经核真实有效、申请人签字、经办人签字”。"
    ),
    message_en="A reviewer must confirm the certification materials ({materials}) carry the "
    "note 'verified true and valid' with the applicant's and the handler's signatures.",
    check=_certified_annotation,
)


# M§1.6: 其中《个人诚信声明》（模板在北京国际人才网首页——……——海淀区——附件2《北京市工作居住证》
# 个人诚信声明）下载
def _integrity_template(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    upload = ctx.holder.attachment(Slot.INTEGRITY)
    name = upload.file.name if upload is not None else "-"
    return (needs_attestation("attachments.integrity", name=name),)


ATT_006 = Rule(
    id="ATT-006",
    kind=RuleKind.ATTESTATION,
    severity=Severity.ERROR,
    group="att",
    business_types=APPLICANT_SIDE,
    events=REVIEW_EVENTS,
    citation=cite(
        "M§1.6; M§3.1; M§4.2",
        "其中《个人诚信声明》（模板在北京国际人才网首页——业务办理指南——工作居住证办理指南——"
        "海淀区——附件2《北京市工作居住证》个人诚信声明）下载",
    ),
    title_zh="诚信声明使用海淀区附件2模板（已核实）",
    title_en="The integrity declaration uses the Haidian template, Annex 2 (attested)",
    message_zh=(
        "请审核人员确认诚信声明（{name}）使用《海淀区办理"
        "指南》附件2《北京市工作居住证》个人诚信声明模板。"
    ),
    message_en="A reviewer must confirm the integrity declaration ({name}) uses the Haidian "
    "guide's template, Annex 2 (《北京市工作居住证》个人诚信声明).",
    check=_integrity_template,
)

# --- ATT-007..009: which slots must be filled -----------------------------------------------------

REQUIREDNESS = frozenset(
    {
        "required",
        "optional",
        "not_applicable",
        "if_degree",
        "if_title",
        "if_married",
        "if_education_changed",
        "if_hukou_changed",
        "if_address_changed",
    }
)
"""The values a cell of ``attachments.required`` may take."""

_CHANGED_ITEM = {
    "if_education_changed": BasicItem.EDUCATION,
    "if_hukou_changed": BasicItem.HUKOU_LOCATION,
    "if_address_changed": BasicItem.RESIDENCE_ADDRESS,
}


def _required(ctx: RuleContext, slot: Slot) -> tuple[bool, str]:
    """Whether the business type requires ``slot`` for this holder, and the matrix cell."""
    cell: str = ctx.params["attachments.required"][ctx.business_type.value][slot.value]
    if cell == "required":
        return True, cell
    education = ctx.holder.profile.education
    general = ctx.holder.profile.general
    if cell == "if_degree":
        return education is not None and education.basis is ApplicationBasis.DEGREE, cell
    if cell == "if_title":
        return education is not None and education.basis is ApplicationBasis.TITLE, cell
    if cell == "if_married":
        married = (MaritalStatus.MARRIED, MaritalStatus.REMARRIED)
        return general is not None and general.marital_status in married, cell
    item = _CHANGED_ITEM.get(cell)
    if item is not None:
        form = ctx.application.form if ctx.application is not None else None
        return isinstance(form, BasicChangeForm) and item in form.changed_items, cell
    return False, cell


def _missing(ctx: RuleContext, slots: Iterable[Slot]) -> list[Verdict[Any]]:
    uploaded = {a.slot for a in ctx.holder.attachments}
    verdicts = []
    for slot in slots:
        if slot in uploaded:
            continue
        required, cell = _required(ctx, slot)
        if required:
            verdicts.append(
                failed(
                    f"attachments.{slot.value}",
                    slot=slot.value,
                    business_type=ctx.business_type.value,
                    requirement=cell,
                )
            )
    return verdicts


# M§1.6: 其他材料（非必传项） — but M§4.2: “其他材料”上传原单位出具的离职证明 (employer change).
def _other_materials(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    return _missing(ctx, (Slot.OTHER,)) or _PASS


ATT_007 = Rule(
    id="ATT-007",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="att",
    events=DATA_EVENTS,
    business_types=APPLICANT_SIDE,
    citation=cite("M§1.6; M§4.2", "其他材料（非必传项）"),
    title_zh="“其他材料”按业务类型上传（聘用单位变更须上传）",
    title_en="'Other materials' are uploaded where the business type requires them (employer "
    "change)",
    message_zh=(
        "办理“{business_type}”业务须在“其他材料”中上传材料（聘"
        "用单位变更：原单位出具的离职证明）。请上传后再提交。"
    ),
    message_en="A '{business_type}' application needs the 'other materials' slot (for an "
    "employer change: the resignation certificate from "
    "the former employer); upload it and submit again.",
    check=_other_materials,
)


_ITEM_SLOTS: Mapping[BasicItem, tuple[Slot, ...]] = {
    BasicItem.EDUCATION: (Slot.EDU_CERT, Slot.DEGREE_CERT, Slot.TITLE_CERT),
    BasicItem.HUKOU_LOCATION: (Slot.HUKOU,),
    BasicItem.RESIDENCE_ADDRESS: (Slot.RESIDENCE,),
}


# M§1.6: 申请人应在此处及时更新附件（信息发生变化之时）。 — checked where the data shows a
# change: a basic-information change names the changed items (M§5.2: 删除原有附件——上传所需
# 修改附件), and each needs an attachment uploaded on or after the permit's last issue or change.
def _fresh_for_changes(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    form = ctx.application.form if ctx.application is not None else None
    permit = ctx.holder.permit
    reference = permit.changed_on or permit.issued_on
    if not isinstance(form, BasicChangeForm) or reference is None:
        return _PASS
    by_slot = {a.slot: a for a in ctx.holder.attachments}
    stale = []
    for item in form.changed_items:
        slots = _ITEM_SLOTS.get(item, ())
        if slots and not any(s in by_slot and by_slot[s].uploaded_on >= reference for s in slots):
            stale.append(item.value)
    if stale:
        return (failed("attachments", items=", ".join(stale), reference=reference.isoformat()),)
    return (passed("attachments", reference=reference.isoformat()),)


ATT_008 = Rule(
    id="ATT-008",
    kind=RuleKind.PROCESS,
    severity=Severity.WARNING,
    group="att",
    events=DATA_EVENTS,
    business_types=frozenset({BusinessType.BASIC_CHANGE}),
    citation=cite("M§1.6; M§5.2", "申请人应在此处及时更新附件（信息发生变化之时）。"),
    title_zh="变更事项的附件已更新",
    title_en="The attachments of the changed items are up to date",
    message_zh=(
        "变更事项（{items}）的附件自证件上次办理（{reference}）以"
        "来未重新上传。请在附件管理中删除原有附件并上传新的材料。"
    ),
    message_en="The attachments of the changed items ({items}) were not uploaded again since "
    "the permit was last issued or changed ({reference}). Delete the old attachment in "
    "attachment management and upload the new one.",
    check=_fresh_for_changes,
)

_MATRIX_SLOTS = tuple(slot for slot in Slot if slot is not Slot.OTHER)


# M§2.2: 再次确认附件均按要求上传齐全后，发起申请事项。 — required per business type by the
# matrix attachments.required ("other materials" are ATT-007's).
def _required_uploaded(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    return _missing(ctx, _MATRIX_SLOTS) or _PASS


ATT_009 = Rule(
    id="ATT-009",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="att",
    events=DATA_EVENTS,
    business_types=APPLICANT_SIDE,
    citation=cite("M§2.2", "再次确认附件均按要求上传齐全后，发起申请事项。"),
    title_zh="所需附件均已上传",
    title_en="Every required attachment is uploaded",
    message_zh=(
        "“{business_type}”业务须上传附件“{slot}”（要求："
        "{requirement}），目前未上传。请在附件管理中上传后再发起申请。"
    ),
    message_en="A '{business_type}' application needs the attachment '{slot}' (requirement: "
    "{requirement}), which is not uploaded. Upload it in attachment management, then apply.",
    check=_required_uploaded,
)

# --- DOC: validity and dates of documents ---------------------------------------------------------


def handed_in(ctx: RuleContext) -> frozenset[Slot] | None:
    """The attachment slots the business hands in, when it hands in only some of them; None
    when it files the whole record (the labour contract and the residence proof included).

    A basic-information change hands in the attachments of its changed items ("删除原有附件
    ——上传所需修改附件", M§5.2); a business-information change the marriage material
    ("完善婚姻证明材料", M§6.1) besides the children's own files, which carry no date.
    """
    if ctx.business_type is BusinessType.BUSINESS_CHANGE:
        return frozenset({Slot.MARRIAGE})
    if ctx.business_type is BusinessType.BASIC_CHANGE:
        form = ctx.application.form if ctx.application is not None else None
        items = form.changed_items if isinstance(form, BasicChangeForm) else ()
        return frozenset(slot for item in items for slot in _ITEM_SLOTS.get(item, ()))
    return None


def _handed_in_attachments(ctx: RuleContext) -> Iterable[Attachment]:
    slots = handed_in(ctx)
    return (a for a in ctx.holder.attachments if slots is None or a.slot in slots)


def _validity_items(ctx: RuleContext) -> list[tuple[str, date]]:
    holder, slots = ctx.holder, handed_in(ctx)
    items = [
        (_field(a), a.valid_until) for a in _handed_in_attachments(ctx) if a.valid_until is not None
    ]
    residence = holder.residence
    if (
        residence is not None
        and residence.valid_until is not None
        and (slots is None or Slot.RESIDENCE in slots)
    ):
        items.append(("residence.valid_until", residence.valid_until))
    contract = holder.employment.contract
    if slots is None and contract is not None and contract.valid_until is not None:
        items.append(("employment.contract.valid_until", contract.valid_until))
    return items


# Calendar-month arithmetic is the costly part of DOC-001/002; a day's thresholds are computed
# once (the comparisons are those of deadlines.validity_sufficient and dated_recently).
_validity_threshold = lru_cache(maxsize=1024)(validity_threshold)
_earliest_issue_date = lru_cache(maxsize=1024)(earliest_issue_date)


# M§1 注意事项 2: 带有有效期限的材料（如劳动合同、租房合同、身份证等），提供时一般应在有效期截止前
# 3 个月以上 — submission + 3 months <= valid_until (exactly three months left passes).
def _validity_left(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    months = ctx.params["documents.validity_months"]
    needed = _validity_threshold(ctx.day, months=months)
    wrong = [
        failed(
            field,
            document=field,
            valid_until=until.isoformat(),
            needed=needed.isoformat(),
            months=months,
        )
        for field, until in _validity_items(ctx)
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
    title_zh="带有效期的材料在提交时剩余有效期不少于 3 个月",
    title_en="Documents with a validity period have at least 3 months left at submission",
    message_zh=(
        "材料“{document}”有效期至 {valid_until}，提交时剩余不足 "
        "{months} 个月（应至少到 {needed}）。请提供续期或新签的材料。"
    ),
    message_en="Document '{document}' is valid until {valid_until}, less than {months} months "
    "after submission (needed: {needed} or later). Provide a renewed or new document.",
    check=_validity_left,
)


# M§1 注意事项 2: 申请材料的日期应在 1 个月以内申报 — submission - 1 month <= issued <= submission
# (dated exactly one month earlier passes; a date after submission fails).
def _dated_recently(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    months = ctx.params["documents.dated_within_months"]
    submission = ctx.day
    earliest = _earliest_issue_date(submission, months=months)
    wrong = [
        failed(
            _field(a),
            slot=a.slot.value,
            issued=a.issued_on.isoformat(),
            submission=submission.isoformat(),
            months=months,
        )
        for a in _handed_in_attachments(ctx)
        if a.issued_on is not None and not earliest <= a.issued_on <= submission
    ]
    return wrong or _PASS_DOCUMENTS


DOC_002 = Rule(
    id="DOC-002",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="doc",
    business_types=APPLICANT_SIDE,
    citation=cite("M§1 注意事项 2", "申请材料的日期应在 1 个月以内申报"),
    title_zh="申请材料的日期在提交前 1 个月以内",
    title_en="Application materials are dated within 1 month before submission",
    message_zh=(
        "附件“{slot}”的日期为 {issued}，不在提交日 {submission} "
        "前 {months} 个月以内。请重新开具或打印近期材料后上传。"
    ),
    message_en="Attachment '{slot}' is dated {issued}, not within {months} month(s) before "
    "the submission on {submission}. Obtain or print a recent one and upload it.",
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
    if set(value) != types:
        yield _exactly(path, types)
    for kind, row in value.items():
        if not isinstance(row, dict) or set(row) != slots:
            yield _exactly(f"{path}.{kind}", slots)
            continue
        for slot, cell in row.items():
            if cell not in REQUIREDNESS:
                yield Problem(
                    "wrong", f"{path}.{kind}.{slot}", cell,
                    Expected("one_of", tuple(sorted(REQUIREDNESS))),
                )  # fmt: skip

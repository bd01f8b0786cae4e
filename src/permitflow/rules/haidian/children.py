"""证件业务信息变更 (M§6): accompanying children, and the marriage materials behind them.

Children can be declared in a new application (M§2.3) and in a business-information change
(M§6.3); the child rules judge the children of either form, one finding per child. Only domestic,
non-Beijing minors can accompany the holder (CHD-001, CHD-002, NEW-001). Whether the two child
uploads are required in a new application too is a parameter (``children.uploads_required``:
the manual states it for the business-information change only).

The marriage material (MAR-001..004) depends on the holder's marital status and is judged when a
business-information change declares children (已育).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import ClassVar

from attrs import frozen

from permitflow.addresses import repeated_district
from permitflow.deadlines import eighteenth_birthday, is_minor
from permitflow.records.application import BusinessChangeForm, BusinessType, NewForm
from permitflow.records.holder import (
    BEIJING_PROVINCE_CODE,
    Child,
    ChildField,
    MaritalStatus,
    Slot,
)
from permitflow.rules.facts import Facts, Plain
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.haidian._shared import REVIEWING, TEXTS, attestation_due
from permitflow.rules.haidian.review import returned_since_filing
from permitflow.rules.rule import (
    Rule,
    RuleContext,
    Verdict,
    awaiting_confirmation,
    failed,
    needs_attestation,
    passed,
)
from permitflow.tags import SUBMITTING, Tag

BUSINESS_CHANGE = frozenset({BusinessType.BUSINESS_CHANGE})
WITH_CHILDREN = frozenset({BusinessType.NEW, BusinessType.BUSINESS_CHANGE})
DIVORCE_AGREEMENT = "divorce_agreement"
"""The ``document`` of a divorce agreement uploaded in the marriage slot."""


def declared_children(ctx: RuleContext) -> tuple[Child, ...]:
    """The children declared in the application's form (none for other forms)."""
    if ctx.application is None:
        return ()
    form = ctx.application.form
    if isinstance(form, NewForm | BusinessChangeForm):
        return form.children
    return ()


def _field(index: int) -> str:
    return f"form.children[{index}]"


@frozen
class Grown(Facts):
    """A declared child who is 18 or older on the submission day."""

    name: str
    birth_date: date
    adult_on: date
    on: date


def minors_only(ctx: RuleContext) -> Iterable[Verdict[Grown]]:
    """Each declared child is under 18 on the submission day: the check of NEW-001 and CHD-001."""
    on = ctx.day
    for index, child in enumerate(declared_children(ctx)):
        # 子女应未成年: younger than 18 on the day of submission.
        if is_minor(child.birth_date, on):
            yield passed(_field(index), name=child.name, birth_date=child.birth_date)
        else:
            adult_on = eighteenth_birthday(child.birth_date)
            yield failed(_field(index), Grown(child.name, child.birth_date, adult_on, on))


@frozen
class BeijingChild(Facts):
    name: str


@frozen
class AbroadChild(Facts):
    variant: ClassVar[str] = "abroad"
    name: str


def _domestic_non_beijing(ctx: RuleContext) -> Iterable[Verdict[BeijingChild | AbroadChild]]:
    for index, child in enumerate(declared_children(ctx)):
        # 国内非京籍子女: judged from the child's hukou page, not from the identity number.
        if not child.domestic:
            yield failed(_field(index), AbroadChild(child.name))
        elif child.hukou_province_code == BEIJING_PROVINCE_CODE:
            yield failed(_field(index), BeijingChild(child.name))
        else:
            yield passed(_field(index), name=child.name, hukou=child.hukou_province_code)


@frozen
class ChildUnfilled(Facts):
    index: int
    missing: tuple[ChildField, ...]


def _fields_filled(ctx: RuleContext) -> Iterable[Verdict[ChildUnfilled]]:
    for index, child in enumerate(declared_children(ctx)):
        # The form's required (*) fields: 随往人员姓名, 证件号码, 与本人关系, 出生证明编号,
        # 工作(学习)单位.
        missing = tuple(name for name in ChildField if not getattr(child, name.value).strip())
        if missing:
            yield failed(_field(index), ChildUnfilled(index + 1, missing))
        else:
            yield passed(_field(index), index=index + 1)


@frozen
class NoChildUploads(Facts):
    name: str


@frozen
class NoBirthCertificate(Facts):
    variant: ClassVar[str] = "birth_certificate"
    name: str


@frozen
class NoHukouPage(Facts):
    variant: ClassVar[str] = "hukou_page"
    name: str


def _uploads_present(
    ctx: RuleContext,
) -> Iterable[Verdict[NoChildUploads | NoBirthCertificate | NoHukouPage]]:
    required: dict[str, bool] = ctx.params["children.uploads_required"]
    if not required[ctx.business_type.value]:
        return
    for index, child in enumerate(declared_children(ctx)):
        # 上传随往人员“子女医学出生证明”和“子女户口本页”附件材料.
        no_certificate = child.birth_certificate_file is None
        no_page = child.hukou_page_file is None
        if no_certificate and no_page:
            yield failed(_field(index), NoChildUploads(child.name))
        elif no_certificate:
            yield failed(_field(index), NoBirthCertificate(child.name))
        elif no_page:
            yield failed(_field(index), NoHukouPage(child.name))
        else:
            yield passed(_field(index), name=child.name)


@frozen
class NotConfirmed(Facts):
    variant: ClassVar[str] = "instructions"


@frozen
class Unchanged(Facts):
    variant: ClassVar[str] = "unchanged"


def _instructions_and_change(ctx: RuleContext) -> Iterable[Verdict[NotConfirmed | Unchanged]]:
    if ctx.application is None or not isinstance(ctx.application.form, BusinessChangeForm):
        return
    form = ctx.application.form
    # 阅读申请说明并确认勾选，点击下一步: the instructions are ticked, and the children entered
    # change what the permit records.
    if not form.instructions_confirmed:
        yield failed("form.instructions_confirmed", NotConfirmed())
    elif form.children == ctx.holder.permit.children:
        yield failed("form.children", Unchanged())
    else:
        yield passed("form", step="confirm")


@frozen
class Repeated(Facts):
    address: str
    repeated: str


def _address_not_repeated(ctx: RuleContext) -> Iterable[Verdict[Repeated]]:
    general = ctx.holder.profile.general
    if general is None:
        return
    repeated = repeated_district(general.address, selector_district=general.address_district)
    # 填写“现居住地址”时，注意区县不要重复。
    if repeated is None:
        yield passed("profile.general.address", address=general.address)
    else:
        yield failed("profile.general.address", Repeated(general.address, repeated))


# --- marriage materials (M§6.1) -----------------------------------------------------------------


def _marriage_case(ctx: RuleContext, status: MaritalStatus) -> BusinessChangeForm | None:
    """The business-change form when it declares children of a holder with ``status``."""
    general = ctx.holder.profile.general
    if ctx.application is None or general is None or general.marital_status is not status:
        return None
    form = ctx.application.form
    if isinstance(form, BusinessChangeForm) and form.children:
        return form
    return None


def _married(ctx: RuleContext) -> Iterable[Verdict[Plain]]:
    if _marriage_case(ctx, MaritalStatus.MARRIED) is None:
        return
    # 已婚已育上传合法有效的婚姻材料.
    if ctx.holder.attachment(Slot.MARRIAGE) is not None:
        yield passed("attachments.marriage", status="married")
    else:
        yield failed("attachments.marriage")


def _unmarried(ctx: RuleContext) -> Iterable[Verdict[Plain]]:
    form = _marriage_case(ctx, MaritalStatus.UNMARRIED)
    if form is None:
        return
    remark = (form.employer_remark or "").strip()
    # 未婚已育的婚姻材料无需上传，提交时需申请单位备注说明.
    if remark:
        yield passed("form.employer_remark", remark=remark)
    else:
        yield failed("form.employer_remark")


@frozen
class NoAgreement(Facts):
    variant: ClassVar[str] = "no_agreement"


@frozen
class NoCustody(Facts):
    variant: ClassVar[str] = "custody"


def _divorced(ctx: RuleContext) -> Iterable[Verdict[NoAgreement | NoCustody]]:
    form = _marriage_case(ctx, MaritalStatus.DIVORCED)
    if form is None:
        return
    agreement = ctx.holder.attachment(Slot.MARRIAGE)
    # 离婚已育的需上传离婚协议，且协议内容中明确子女抚养权为申请人: the upload and the custody
    # answered on the form are machine-checked at every event; that the agreement says so, the
    # reviewer attests when passing the case.
    if agreement is None or agreement.document not in (None, DIVORCE_AGREEMENT):
        yield failed("attachments.marriage", NoAgreement())
    elif not form.custody_to_applicant:
        yield failed("form.custody_to_applicant", NoCustody())
    elif attestation_due(ctx):
        yield awaiting_confirmation("form.custody_to_applicant", custody=True, uploaded=True)
    else:
        yield passed("form.custody_to_applicant", custody=True, uploaded=True)


@frozen
class RemarriedAndAdopted(Facts):
    children: tuple[str, ...]


@frozen
class Remarried(Facts):
    variant: ClassVar[str] = "remarried"


@frozen
class Adopted(Facts):
    variant: ClassVar[str] = "adopted"
    children: tuple[str, ...]


def _remarried_or_adopted(
    ctx: RuleContext,
) -> Iterable[Verdict[RemarriedAndAdopted | Remarried | Adopted]]:
    children = declared_children(ctx)
    general = ctx.holder.profile.general
    if not children or general is None:
        return
    words: list[str] = ctx.params["children.proof_relationships"]
    adopted = tuple(
        child.name for child in children if any(w in child.relationship for w in words)
    )
    remarried = general.marital_status is MaritalStatus.REMARRIED
    if not remarried and not adopted:
        return
    # 其他涉及再婚或领养的，需提供合法有效的关系证明材料，具体材料以审核意见为准: what proves the
    # relationship is for the reviewer to judge.
    if remarried and adopted:
        yield needs_attestation("attachments.marriage", RemarriedAndAdopted(adopted))
    elif remarried:
        yield needs_attestation("attachments.marriage", Remarried())
    else:
        yield needs_attestation("attachments.marriage", Adopted(adopted))


RULES: tuple[Rule, ...] = (
    Rule(
        id="CHD-001",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="chd",
        business_types=BUSINESS_CHANGE,
        tags=SUBMITTING,
        citation=Citation("M§6 注意事项 3", "办理随往国内非京籍子女的，子女应未成年。"),
        texts=TEXTS,
        check=minors_only,
    ),
    Rule(
        id="CHD-002",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="chd",
        business_types=WITH_CHILDREN,
        tags=SUBMITTING,
        citation=Citation("M§6", "注意：办理随往国内非京籍子女的，子女应未成年。"),
        texts=TEXTS,
        check=_domestic_non_beijing,
    ),
    Rule(
        id="CHD-003",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="chd",
        business_types=WITH_CHILDREN,
        tags=SUBMITTING,
        citation=Citation("M§6.3", "点击添加——完善随往人员信息"),
        texts=TEXTS,
        check=_fields_filled,
    ),
    Rule(
        id="CHD-004",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="chd",
        business_types=WITH_CHILDREN,
        tags=SUBMITTING,
        citation=Citation("M§6.3", "上传随往人员“子女医学出生证明”和“子女户口本页”附件材料。"),
        texts=TEXTS,
        parameters={"children.uploads_required": dict},
        check=_uploads_present,
    ),
    Rule(
        id="CHD-005",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="chd",
        business_types=BUSINESS_CHANGE,
        tags=SUBMITTING,
        citation=Citation("M§6.3", "阅读申请说明并确认勾选，点击下一步"),
        texts=TEXTS,
        check=_instructions_and_change,
    ),
    Rule(
        id="CHD-006",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="chd",
        business_types=BUSINESS_CHANGE,
        tags=frozenset({Tag.RESUBMISSION}),
        citation=Citation(
            "M§6.4", "根据主管部门出具的审批意见进行修改，在修改完毕后由个人再次发起申请事项"
        ),
        texts=TEXTS,
        check=returned_since_filing,
    ),
    Rule(
        id="CHD-007",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="chd",
        business_types=BUSINESS_CHANGE,
        tags=SUBMITTING,
        citation=Citation("M§6 注意事项 2", "填写“现居住地址”时，注意区县不要重复。"),
        texts=TEXTS,
        check=_address_not_repeated,
    ),
    Rule(
        id="MAR-001",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="mar",
        business_types=BUSINESS_CHANGE,
        tags=SUBMITTING,
        citation=Citation("M§6.1", "已婚已育上传合法有效的婚姻材料"),
        texts=TEXTS,
        check=_married,
    ),
    Rule(
        id="MAR-002",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="mar",
        business_types=BUSINESS_CHANGE,
        tags=frozenset({Tag.EMPLOYER_APPROVAL}),
        citation=Citation("M§6.1", "未婚已育的婚姻材料无需上传，提交时需申请单位备注说明"),
        texts=TEXTS,
        check=_unmarried,
    ),
    Rule(
        id="MAR-003",
        kind=RuleKind.HYBRID,
        severity=Severity.ERROR,
        group="mar",
        business_types=BUSINESS_CHANGE,
        tags=SUBMITTING | REVIEWING,
        citation=Citation("M§6.1", "离婚已育的需上传离婚协议，且协议内容中明确子女抚养权为申请人"),
        texts=TEXTS,
        check=_divorced,
    ),
    Rule(
        id="MAR-004",
        kind=RuleKind.ATTESTATION,
        severity=Severity.ERROR,
        group="mar",
        business_types=BUSINESS_CHANGE,
        tags=REVIEWING,
        citation=Citation(
            "M§6.1", "其他涉及再婚或领养的，需提供合法有效的关系证明材料，具体材料以审核意见为准"
        ),
        texts=TEXTS,
        parameters={"children.proof_relationships": list},
        check=_remarried_or_adopted,
    ),
)

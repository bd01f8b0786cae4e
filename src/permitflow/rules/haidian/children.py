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
from typing import Any

from permitflow.addresses import repeated_district
from permitflow.deadlines import eighteenth_birthday, is_minor
from permitflow.machines.common import SUBMISSION_EVENTS
from permitflow.records.application import BusinessChangeForm, BusinessType, NewForm
from permitflow.records.holder import BEIJING_PROVINCE_CODE, Child, MaritalStatus, Slot
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.haidian._shared import REVIEW_EVENTS, attestation_due
from permitflow.rules.haidian.review import returned_since_filing
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, needs_attestation, passed

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


def minors_only(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    """Each declared child is under 18 on the submission day: the check of NEW-001 and CHD-001."""
    on = ctx.day
    for index, child in enumerate(declared_children(ctx)):
        # 子女应未成年: younger than 18 on the day of submission.
        if is_minor(child.birth_date, on):
            yield passed(_field(index), name=child.name, birth_date=child.birth_date)
        else:
            yield failed(
                _field(index),
                name=child.name,
                birth_date=child.birth_date,
                adult_on=eighteenth_birthday(child.birth_date),
                on=on,
            )


def _domestic_non_beijing(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    for index, child in enumerate(declared_children(ctx)):
        # 国内非京籍子女: judged from the child's hukou page, not from the identity number.
        facts = {"name": child.name, "hukou": child.hukou_province_code, "domestic": child.domestic}
        if child.domestic and child.hukou_province_code != BEIJING_PROVINCE_CODE:
            yield passed(_field(index), **facts)
        else:
            yield failed(_field(index), **facts)


_CHILD_FIELDS = (
    ("name", "姓名"),
    ("resident_id", "证件号码"),
    ("relationship", "与本人关系"),
    ("birth_certificate_number", "出生证明编号"),
    ("unit", "工作(学习)单位"),
)


def _fields_filled(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    for index, child in enumerate(declared_children(ctx)):
        missing = [
            (name, label) for name, label in _CHILD_FIELDS if not getattr(child, name).strip()
        ]
        # The form's required (*) fields: 随往人员姓名, 证件号码, 与本人关系, 出生证明编号,
        # 工作(学习)单位.
        if missing:
            yield failed(
                _field(index),
                index=index + 1,
                missing_zh="、".join(label for _, label in missing),
                missing=", ".join(name for name, _ in missing),
            )
        else:
            yield passed(_field(index), index=index + 1)


def _uploads_present(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    required: dict[str, bool] = ctx.params["children.uploads_required"]
    if not required[ctx.business_type.value]:
        return
    for index, child in enumerate(declared_children(ctx)):
        missing = []
        # 上传随往人员“子女医学出生证明”和“子女户口本页”附件材料.
        if child.birth_certificate_file is None:
            missing.append(("birth_certificate_file", "子女医学出生证明"))
        if child.hukou_page_file is None:
            missing.append(("hukou_page_file", "子女户口本页"))
        if missing:
            yield failed(
                _field(index),
                name=child.name,
                missing_zh="、".join(label for _, label in missing),
                missing=", ".join(name for name, _ in missing),
            )
        else:
            yield passed(_field(index), name=child.name)


def _instructions_and_change(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    if ctx.application is None or not isinstance(ctx.application.form, BusinessChangeForm):
        return
    form = ctx.application.form
    # 阅读申请说明并确认勾选，点击下一步: the instructions are ticked, and the children entered
    # change what the permit records.
    if not form.instructions_confirmed:
        yield failed("form.instructions_confirmed", step_zh="确认申请说明", step="confirm")
    elif form.children == ctx.holder.permit.children:
        yield failed("form.children", step_zh="添加或修改随往人员", step="children")
    else:
        yield passed("form", step="confirm")


def _address_not_repeated(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    general = ctx.holder.profile.general
    if general is None:
        return
    repeated = repeated_district(general.address, selector_district=general.address_district)
    # 填写“现居住地址”时，注意区县不要重复。
    if repeated is None:
        yield passed("profile.general.address", address=general.address)
    else:
        yield failed("profile.general.address", address=general.address, repeated=repeated)


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


def _married(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    if _marriage_case(ctx, MaritalStatus.MARRIED) is None:
        return
    # 已婚已育上传合法有效的婚姻材料.
    if ctx.holder.attachment(Slot.MARRIAGE) is not None:
        yield passed("attachments.marriage", status="married")
    else:
        yield failed("attachments.marriage", status="married")


def _unmarried(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    form = _marriage_case(ctx, MaritalStatus.UNMARRIED)
    if form is None:
        return
    remark = (form.employer_remark or "").strip()
    # 未婚已育的婚姻材料无需上传，提交时需申请单位备注说明.
    if remark:
        yield passed("form.employer_remark", remark=remark)
    else:
        yield failed("form.employer_remark", remark="-")


def _divorced(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    form = _marriage_case(ctx, MaritalStatus.DIVORCED)
    if form is None:
        return
    agreement = ctx.holder.attachment(Slot.MARRIAGE)
    # 离婚已育的需上传离婚协议，且协议内容中明确子女抚养权为申请人: the upload and the custody
    # answered on the form are machine-checked at every event; that the agreement says so, the
    # reviewer attests when passing the case.
    if agreement is None or agreement.document not in (None, DIVORCE_AGREEMENT):
        yield failed("attachments.marriage", custody=form.custody_to_applicant, uploaded=False)
    elif not form.custody_to_applicant:
        yield failed("form.custody_to_applicant", custody=form.custody_to_applicant, uploaded=True)
    elif attestation_due(ctx):
        yield needs_attestation("form.custody_to_applicant", custody=True, uploaded=True)
    else:
        yield passed("form.custody_to_applicant", custody=True, uploaded=True)


def _remarried_or_adopted(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    children = declared_children(ctx)
    general = ctx.holder.profile.general
    if not children or general is None:
        return
    words: list[str] = ctx.params["children.proof_relationships"]
    adopted = [child.name for child in children if any(w in child.relationship for w in words)]
    remarried = general.marital_status is MaritalStatus.REMARRIED
    if not remarried and not adopted:
        return
    # 其他涉及再婚或领养的，需提供合法有效的关系证明材料，具体材料以审核意见为准: what proves the
    # relationship is for the reviewer to judge.
    yield needs_attestation(
        "attachments.marriage",
        remarried=remarried,
        children=", ".join(adopted) or "-",
    )


RULES: tuple[Rule, ...] = (
    Rule(
        id="CHD-001",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="chd",
        business_types=BUSINESS_CHANGE,
        events=SUBMISSION_EVENTS,
        citation=Citation("M§6 注意事项 3", "办理随往国内非京籍子女的，子女应未成年。"),
        title_zh="随往子女未成年",
        title_en="Each accompanying child is a minor",
        message_zh="随往子女{name}（{birth_date} 出生）于 {adult_on} 年满 18 周岁，提交日 {on} "
        "已成年；随往子女应未成年，请删除该子女后再提交。",
        message_en="The accompanying child {name} (born {birth_date}) turned 18 on {adult_on} "
        "and is an adult on the submission day {on}; only minors can accompany the holder — "
        "remove the child and submit again.",
        check=minors_only,
    ),
    Rule(
        id="CHD-002",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="chd",
        business_types=WITH_CHILDREN,
        events=SUBMISSION_EVENTS,
        citation=Citation("M§6", "注意：办理随往国内非京籍子女的，子女应未成年。"),
        title_zh="随往子女为国内非京籍子女",
        title_en="Each accompanying child is a domestic, non-Beijing child",
        message_zh="随往子女{name}不是国内非京籍子女（户籍省份代码 {hukou}，国内 {domestic}）；"
        "只能办理随往国内非京籍子女，请核对子女户口本页。",
        message_en="The accompanying child {name} is not a domestic non-Beijing child (hukou "
        "province {hukou}, domestic {domestic}); only such children can accompany the holder. "
        "Check the child's hukou page.",
        check=_domestic_non_beijing,
    ),
    Rule(
        id="CHD-003",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="chd",
        business_types=WITH_CHILDREN,
        events=SUBMISSION_EVENTS,
        citation=Citation("M§6.3", "点击添加——完善随往人员信息"),
        title_zh="随往人员信息填写完整",
        title_en="Every accompanying person's required fields are filled",
        message_zh="第 {index} 位随往人员未填写：{missing_zh}；请补全后再提交。",
        message_en="Accompanying person {index} lacks: {missing}; fill them in and submit again.",
        check=_fields_filled,
    ),
    Rule(
        id="CHD-004",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="chd",
        business_types=WITH_CHILDREN,
        events=SUBMISSION_EVENTS,
        citation=Citation("M§6.3", "上传随往人员“子女医学出生证明”和“子女户口本页”附件材料。"),
        title_zh="已上传子女医学出生证明和子女户口本页",
        title_en="The child's medical birth certificate and hukou page are uploaded",
        message_zh="随往子女{name}未上传：{missing_zh}；请上传后再提交。",
        message_en="The accompanying child {name} lacks the upload(s): {missing}; upload them "
        "and submit again.",
        check=_uploads_present,
    ),
    Rule(
        id="CHD-005",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="chd",
        business_types=BUSINESS_CHANGE,
        events=SUBMISSION_EVENTS,
        citation=Citation("M§6.3", "阅读申请说明并确认勾选，点击下一步"),
        title_zh="已阅读并确认申请说明，并填写随往人员变更",
        title_en="The instructions are confirmed and the accompanying persons changed",
        message_zh="请先完成“{step_zh}”这一步，再预览提交。",
        message_en="Complete the step '{step}' (instructions confirmed, accompanying persons "
        "changed) before preview and submission.",
        check=_instructions_and_change,
    ),
    Rule(
        id="CHD-006",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="chd",
        business_types=BUSINESS_CHANGE,
        events=frozenset({"resubmit"}),
        citation=Citation(
            "M§6.4", "根据主管部门出具的审批意见进行修改，在修改完毕后由个人再次发起申请事项"
        ),
        title_zh="退回后由个人修改并再次发起",
        title_en="After a return the applicant fixes the case and re-initiates it",
        message_zh="该业务自上次提交后未被退回（最近一步为 {last_event}），无需再次发起。",
        message_en="The case was not returned since it was last filed (last step: "
        "{last_event}); there is nothing to re-initiate.",
        check=returned_since_filing,
    ),
    Rule(
        id="CHD-007",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="chd",
        business_types=BUSINESS_CHANGE,
        events=SUBMISSION_EVENTS,
        citation=Citation("M§6 注意事项 2", "填写“现居住地址”时，注意区县不要重复。"),
        title_zh="现居住地址区县不重复",
        title_en="The current address does not repeat the district",
        message_zh="现居住地址“{address}”重复填写了“{repeated}”；请在个人基础信息中修改，"
        "区县不要重复。",
        message_en="The current address '{address}' repeats '{repeated}'; correct it in the "
        "basic information so that the district appears once.",
        check=_address_not_repeated,
    ),
    Rule(
        id="MAR-001",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="mar",
        business_types=BUSINESS_CHANGE,
        events=SUBMISSION_EVENTS,
        citation=Citation("M§6.1", "已婚已育上传合法有效的婚姻材料"),
        title_zh="已婚已育：已上传婚姻材料",
        title_en="Married with children: a marriage material is uploaded",
        message_zh="申请人已婚已育，请在附件管理的“婚姻证明材料”中上传合法有效的婚姻材料（结婚证）"
        "。",
        message_en="The applicant is married with children: upload a valid marriage material "
        "(marriage certificate) in the marriage slot of the attachments.",
        check=_married,
    ),
    Rule(
        id="MAR-002",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="mar",
        business_types=BUSINESS_CHANGE,
        events=frozenset({"employer_approve"}),
        citation=Citation("M§6.1", "未婚已育的婚姻材料无需上传，提交时需申请单位备注说明"),
        title_zh="未婚已育：申请单位已备注说明",
        title_en="Unmarried with children: the employer added its remark",
        message_zh="申请人未婚已育，无需上传婚姻材料，但申请单位须在审核提交时填写备注说明。",
        message_en="The applicant is unmarried with children: no marriage material is needed, "
        "but the employer adds an explanatory remark when it passes the case on.",
        check=_unmarried,
    ),
    Rule(
        id="MAR-003",
        kind=RuleKind.HYBRID,
        severity=Severity.ERROR,
        group="mar",
        business_types=BUSINESS_CHANGE,
        events=SUBMISSION_EVENTS | REVIEW_EVENTS,
        citation=Citation("M§6.1", "离婚已育的需上传离婚协议，且协议内容中明确子女抚养权为申请人"),
        title_zh="离婚已育：已上传离婚协议，协议明确子女抚养权归申请人",
        title_en="Divorced with children: the divorce agreement gives custody to the applicant",
        message_zh="申请人离婚已育：须在“婚姻证明材料”中上传离婚协议（已上传：{uploaded}），"
        "且协议明确子女抚养权为申请人（表单填写：{custody}）；请补充材料或由审核人员核实。",
        message_en="The applicant is divorced with children: the divorce agreement goes in the "
        "marriage slot (uploaded: {uploaded}) and must give custody to the applicant (form "
        "says: {custody}). Add the material or have a reviewer verify it.",
        check=_divorced,
    ),
    Rule(
        id="MAR-004",
        kind=RuleKind.ATTESTATION,
        severity=Severity.ERROR,
        group="mar",
        business_types=BUSINESS_CHANGE,
        events=REVIEW_EVENTS,
        citation=Citation(
            "M§6.1", "其他涉及再婚或领养的，需提供合法有效的关系证明材料，具体材料以审核意见为准"
        ),
        title_zh="再婚或领养：已提供合法有效的关系证明材料",
        title_en="Remarriage or adoption: a valid proof of the relationship is provided",
        message_zh="涉及再婚（{remarried}）或领养、继养子女（{children}）："
        "须提供合法有效的关系证明材料，具体材料以审核意见为准，由审核人员确认。",
        message_en="Remarriage ({remarried}) or adopted or step-children ({children}): a valid "
        "proof of the relationship is needed; the review opinion says which, and a reviewer "
        "confirms it.",
        check=_remarried_or_adopted,
    ),
)

"""证件基础信息变更 (M§5): the holder brings the permit's data in line with an edited record.

Order (BCH-002): edit the basic information first, then delete the old attachment and upload the
new one, then file. Which slots belong to which changed item is read from the attachments the
business type asks for (``attachment_row``: its spec's, or the rule set's ``attachments.required``;
``if_hukou_changed``, ``if_address_changed``, ``if_education_changed``), so the two rules
cannot disagree. A move of
the hukou *into* Beijing is no basic change: it ends the permit (BCH-006, CAN-001).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import ClassVar

from attrs import frozen

from permitflow.records.application import BasicChangeForm, BasicItem, BusinessType
from permitflow.records.holder import Hukou, Slot
from permitflow.rules.facts import Facts, Given, Plain
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.haidian._shared import TEXTS
from permitflow.rules.haidian.attachments import attachment_row
from permitflow.rules.haidian.employment import handled_by_associated_employer
from permitflow.rules.haidian.renewal import permit_reference_day
from permitflow.rules.haidian.review import returned_since_filing
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, passed
from permitflow.tags import SUBMITTING, Tag

BASIC_CHANGE = frozenset({BusinessType.BASIC_CHANGE})

_ITEM_CONDITIONS = {
    BasicItem.HUKOU_LOCATION: "if_hukou_changed",
    BasicItem.RESIDENCE_ADDRESS: "if_address_changed",
    BasicItem.EDUCATION: "if_education_changed",
}
"""The requiredness of the basic change's attachments that each item triggers."""


def _form(ctx: RuleContext) -> BasicChangeForm | None:
    if ctx.application is not None and isinstance(ctx.application.form, BasicChangeForm):
        return ctx.application.form
    return None


def _items_in_scope(ctx: RuleContext) -> Iterable[Verdict[Plain]]:
    form = _form(ctx)
    if form is None:
        return
    # 业务包含:变更户口所在地、居住地等信息事项: at least one item of the list changes.
    if form.changed_items:
        yield passed("form.changed_items", items=", ".join(form.changed_items))
    else:
        yield failed("form.changed_items")


@frozen
class HukouNotEdited(Facts):
    variant: ClassVar[str] = "hukou"


@frozen
class OldAttachment(Facts):
    item: BasicItem
    slot: Slot
    uploaded_on: date
    reference: date


def _record_then_attachments(ctx: RuleContext) -> Iterable[Verdict[HukouNotEdited | OldAttachment]]:
    form = _form(ctx)
    if form is None:
        return
    general = ctx.holder.profile.general
    # 登录人才业务办理平台首页—个人信息—点击查看完整信息—点击修改: the record shows the new hukou
    # before the change is filed.
    if form.new_hukou is not None and general is not None and general.hukou != form.new_hukou:
        yield failed("profile.general.hukou", HukouNotEdited())
    reference = permit_reference_day(ctx.holder.permit)
    matrix = attachment_row(ctx)
    for item in form.changed_items:
        condition = _ITEM_CONDITIONS.get(item)
        for name in (slot for slot, value in matrix.items() if value == condition):
            attachment = ctx.holder.attachment(Slot(name))
            if attachment is None or reference is None:
                continue
            # 删除原有附件——结合《海淀区办理指南》要求上传所需修改附件: the upload is newer than
            # the permit's data; a missing one is ATT-009's finding.
            field = f"attachments.{name}"
            if attachment.uploaded_on >= reference:
                yield passed(field, item=item.value, slot=name)
            else:
                facts = OldAttachment(item, Slot(name), attachment.uploaded_on, reference)
                yield failed(field, facts)


@frozen
class NotConfirmed(Facts):
    variant: ClassVar[str] = "instructions"


@frozen
class NoReason(Facts):
    variant: ClassVar[str] = "reason"


def _reason_and_instructions(
    ctx: RuleContext,
) -> Iterable[Verdict[Plain | NotConfirmed | NoReason]]:
    form = _form(ctx)
    if form is None:
        return
    # 仔细阅读申请说明并确认……填写申请原因: both the confirmation and a non-empty reason.
    confirmed, reasoned = form.instructions_confirmed, bool(form.reason.strip())
    if not confirmed and not reasoned:
        yield failed("form")
    elif not confirmed:
        yield failed("form.instructions_confirmed", NotConfirmed())
    elif not reasoned:
        yield failed("form.reason", NoReason())
    else:
        yield passed("form", reason=form.reason.strip())


def _new_hukou(ctx: RuleContext, form: BasicChangeForm) -> Hukou | None:
    if form.new_hukou is not None:
        return form.new_hukou
    general = ctx.holder.profile.general
    if BasicItem.HUKOU_LOCATION in form.changed_items and general is not None:
        return general.hukou
    return None


@frozen
class IntoBeijing(Facts):
    place: Given


def _not_into_beijing(ctx: RuleContext) -> Iterable[Verdict[IntoBeijing]]:
    form = _form(ctx)
    hukou = None if form is None else _new_hukou(ctx, form)
    if hukou is None:
        return
    # 申请人已取得北京市户口……应即时注销: a Beijing hukou ends the permit instead.
    if hukou.in_beijing:
        yield failed("form.new_hukou", IntoBeijing(Given(hukou.place)))
    else:
        yield passed("form.new_hukou", province=hukou.province_code, place=hukou.place or "-")


RULES: tuple[Rule, ...] = (
    Rule(
        id="BCH-001",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="bch",
        business_types=BASIC_CHANGE,
        tags=SUBMITTING,
        citation=Citation(
            "M§5", "持证人可发起的“证件基础信息变更”业务包含:变更户口所在地、居住地等信息事项。"
        ),
        texts=TEXTS,
        check=_items_in_scope,
    ),
    Rule(
        id="BCH-002",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="bch",
        business_types=BASIC_CHANGE,
        tags=SUBMITTING,
        citation=Citation(
            "M§5.2",
            "登录人才业务办理平台首页——附件管理——删除原有附件——结合《海淀区办理指南》要求上传所需修"
            "改附件。",
        ),
        texts=TEXTS,
        parameters={"attachments.required": dict},
        check=_record_then_attachments,
    ),
    Rule(
        id="BCH-003",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="bch",
        business_types=BASIC_CHANGE,
        tags=SUBMITTING,
        citation=Citation(
            "M§5.3",
            "仔细阅读申请说明并确认，点击下一步，预览核对信息无误后，填写申请原因，如："
            "居住地址变更——点击提交。",
        ),
        texts=TEXTS,
        check=_reason_and_instructions,
    ),
    Rule(
        id="BCH-004",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="bch",
        business_types=BASIC_CHANGE,
        tags=SUBMITTING,
        citation=Citation(
            "M§5.5", "申请发起后，由申请单位进行审核，审核通过后等待主管部门进行受理"
        ),
        texts=TEXTS,
        check=handled_by_associated_employer,
    ),
    Rule(
        id="BCH-005",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="bch",
        business_types=BASIC_CHANGE,
        tags=frozenset({Tag.RESUBMISSION}),
        citation=Citation(
            "M§5.5", "根据主管部门出具的审批意见进行修改，在修改完毕后由个人再次发起申请事项"
        ),
        texts=TEXTS,
        check=returned_since_filing,
    ),
    Rule(
        id="BCH-006",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="bch",
        business_types=BASIC_CHANGE,
        tags=SUBMITTING,
        citation=Citation(
            "M§7（推定：取得北京市户口不属于基础信息变更）",
            "申请人已取得北京市户口、工作单位转至外省市或已到达法定退休年龄的，"
            "应即时注销北京市工作居住证。",
        ),
        texts=TEXTS,
        check=_not_into_beijing,
    ),
)

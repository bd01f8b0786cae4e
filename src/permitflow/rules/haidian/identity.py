"""Identifiers: resident identity numbers, credit codes, district names (ID, catalogue §10-11).

These rules come from the national standards the platform's fields follow rather than from the
manual's prose: GB 11643-1999 (公民身份号码), GB 32100-2015 (统一社会信用代码), GB 11714
(组织机构代码) and GB/T 2260 (行政区划代码). Each number is parsed once per process.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from permitflow.addresses import DISTRICTS_BY_CODE, DISTRICTS_BY_NAME, normalize_address
from permitflow.deadlines import is_minor
from permitflow.errors import InvalidIdentifier
from permitflow.records.application import BusinessChangeForm, BusinessType, NewForm
from permitflow.records.holder import Child
from permitflow.rules.finding import RuleKind, Severity
from permitflow.rules.haidian._shared import (
    ALL_BUSINESS,
    RESIDENCE_BUSINESS,
    cite,
    credit_code,
    resident_id,
)
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, passed

_PASS_IDS = (passed("holder_id"),)
_PASS_CHILDREN = (passed("form.children"),)
_PASS_EMPLOYER = (passed("employer"),)
_PASS_DISTRICT = (passed("district"),)


def _children(ctx: RuleContext) -> tuple[Child, ...]:
    form = ctx.application.form if ctx.application is not None else None
    if isinstance(form, NewForm | BusinessChangeForm):
        return form.children
    return ()


def _resident_ids(ctx: RuleContext) -> list[tuple[str, str]]:
    """(field, number) of every resident id in the case: the applicant's and each child's."""
    general = ctx.holder.profile.general
    numbers = [("holder_id", ctx.holder.holder_id)]
    if general is not None and general.resident_id != ctx.holder.holder_id:
        numbers.append(("profile.general.resident_id", general.resident_id))
    numbers.extend(
        (f"form.children[{index}].resident_id", child.resident_id)
        for index, child in enumerate(_children(ctx))
    )
    return numbers


def _invalid(field: str, error: InvalidIdentifier) -> Verdict[Any]:
    return failed(
        field,
        part=error.context.get("part", "-"),
        reason_zh=error.message_zh,
        reason_en=error.message_en,
    )


# GB 11643-1999: 公民身份号码是特征组合码，由十七位数字本体码和一位校验码组成。 — 18 characters,
# a real birth date not after the day of the case, the MOD 11-2 check character; the sex is the
# parity of the 17th digit.
def _valid_resident_ids(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    verdicts = []
    numbers = _resident_ids(ctx)
    for field, number in numbers:
        parsed = resident_id(number, field)
        if isinstance(parsed, InvalidIdentifier):
            verdicts.append(_invalid(field, parsed))
        elif parsed.birth_date > ctx.day:
            verdicts.append(
                failed(
                    field,
                    part="birth_date",
                    reason_zh=f"出生日期{parsed.birth_date}晚于今天",
                    reason_en=f"the birth date {parsed.birth_date} is in the future",
                )
            )
    return verdicts or _PASS_IDS


ID_001 = Rule(
    id="ID-001",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="id",
    business_types=ALL_BUSINESS,
    citation=cite(
        "GB 11643-1999 §4",
        "公民身份号码是特征组合码，由十七位数字本体码和一位校验码组成。",
        source="GB 11643-1999《公民身份号码》",
    ),
    title_zh="身份证号码有效",
    title_en="The resident identity numbers are valid",
    message_zh="身份证号码无效：{reason_zh}",
    message_en="A resident identity number is invalid: {reason_en}",
    check=_valid_resident_ids,
)


# M§2 注意事项 5: 办理随往国内非京籍子女的，子女应未成年。 — the birth date in the child's
# identity number is the declared birth date, and the child is under 18 on the submission day.
def _child_age(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    verdicts = []
    submission = ctx.day
    for index, child in enumerate(_children(ctx)):
        field = f"form.children[{index}]"
        parsed = resident_id(child.resident_id, f"{field}.resident_id")
        if isinstance(parsed, InvalidIdentifier):
            continue
        facts = {
            "name": child.name,
            "id_birth": parsed.birth_date.isoformat(),
            "declared_birth": child.birth_date.isoformat(),
            "submission": submission.isoformat(),
        }
        if parsed.birth_date != child.birth_date or not is_minor(parsed.birth_date, submission):
            verdicts.append(failed(field, **facts))
    return verdicts or _PASS_CHILDREN


ID_002 = Rule(
    id="ID-002",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="id",
    business_types=frozenset({BusinessType.NEW, BusinessType.BUSINESS_CHANGE}),
    citation=cite("M§2 注意事项 5; M§6 注意事项 3", "办理随往国内非京籍子女的，子女应未成年。"),
    title_zh="随往子女身份证出生日期与出生证明一致且未成年",
    title_en="Each accompanying child's ID birth date matches the declared one and the child "
    "is a minor",
    message_zh=(
        "随往子女“{name}”身份证号码中的出生日期为 {id_birth}，填写的出生日期为 {declared_birth}；二"
        "者须一致，且子女在提交日 {submission} 须未满 18 周岁。请核对后修改或删除该随往人员。"
    ),
    message_en="Accompanying child '{name}': the identity number gives the birth date "
    "{id_birth}, the form {declared_birth}; they must agree and the child must be under 18 on "
    "the submission day {submission}. Correct the entry or remove the child.",
    check=_child_age,
)


def _credit_codes(ctx: RuleContext) -> list[tuple[str, str]]:
    codes: list[tuple[str, str]] = []
    if ctx.application is not None:
        codes.append(("application.employer_id", ctx.application.employer_id))
    employer = ctx.holder.association.employer
    if employer is not None and all(code != employer.credit_code for _, code in codes):
        codes.append(("association.employer.credit_code", employer.credit_code))
    return codes


# GB 32100-2015: 统一社会信用代码由十八位的阿拉伯数字或大写英文字母（不使用I、O、Z、S、V）组成
# — 18 characters of the 31-character alphabet and the MOD 31-3 check character.
def _valid_credit_codes(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    verdicts = []
    for field, code in _credit_codes(ctx):
        parsed = credit_code(code, field)
        if isinstance(parsed, InvalidIdentifier):
            verdicts.append(_invalid(field, parsed))
    return verdicts or _PASS_EMPLOYER


ID_003 = Rule(
    id="ID-003",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="id",
    business_types=ALL_BUSINESS,
    citation=cite(
        "GB 32100-2015 §4",
        "统一社会信用代码由十八位的阿拉伯数字或大写英文字母（不使用I、O、Z、S、V）组成",
        source="GB 32100-2015《法人和其他组织统一社会信用代码编码规则》",
    ),
    title_zh="聘用单位统一社会信用代码有效",
    title_en="The employer's unified social credit code is valid",
    message_zh="单位统一社会信用代码无效：{reason_zh}",
    message_en="An employer's unified social credit code is invalid: {reason_en}",
    check=_valid_credit_codes,
)


# GB 11714-1997: 组织机构代码由八位数字（或大写拉丁字母）本体代码和一位数字（或大写拉丁字母）
# 校验码组成。 — a soft check: some valid codes carry organisation codes issued before the rule.
def _organization_codes(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    verdicts = []
    for field, code in _credit_codes(ctx):
        parsed = credit_code(code, field)
        if not isinstance(parsed, InvalidIdentifier) and not parsed.organization_code_valid:
            verdicts.append(failed(field, code=parsed.code, organization=parsed.organization_code))
    return verdicts or _PASS_EMPLOYER


ID_004 = Rule(
    id="ID-004",
    kind=RuleKind.MACHINE,
    severity=Severity.WARNING,
    group="id",
    business_types=ALL_BUSINESS,
    citation=cite(
        "GB 11714-1997 §4",
        "组织机构代码由八位数字（或大写拉丁字母）本体代码和一位数字（或大写拉丁字母）校验码组成。",
        source="GB 11714-1997《全国组织机构代码编制规则》",
    ),
    title_zh="统一社会信用代码中的组织机构代码校验通过",
    title_en="The organisation code inside the credit code passes its check",
    message_zh=(
        "统一社会信用代码 {code} 中的组织机构代码 "
        "{organization} 校验未通过，请核对代码是否录入有误。"
    ),
    message_en="The organisation code {organization} inside credit code {code} fails its check "
    "character; make sure the code was typed correctly.",
    check=_organization_codes,
)


def _known_district(value: str) -> bool:
    text = normalize_address(value)
    return text in DISTRICTS_BY_NAME or text in DISTRICTS_BY_CODE


# M§2 注意事项 4: ……位于北京市行政区域内…… — a chosen district is one of the 16 districts of
# GB/T 2260 (names with 区, or their codes).
def _districts_known(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    general = ctx.holder.profile.general
    proof = ctx.holder.residence
    chosen = [
        ("profile.general.address_district", general.address_district if general else None),
        ("residence.district", proof.district if proof else None),
    ]
    verdicts = [
        failed(field, district=value)
        for field, value in chosen
        if value is not None and not _known_district(value)
    ]
    return verdicts or _PASS_DISTRICT


ID_005 = Rule(
    id="ID-005",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="id",
    business_types=RESIDENCE_BUSINESS,
    citation=cite(
        "M§2 注意事项 4; GB/T 2260",
        "住房材料必须合理合法，位于北京市行政区域内，且房"
        "屋用途需为住宅（办公、酒店及商用房屋不属于住宅）。",
    ),
    title_zh="所选区为北京市 16 个区之一",
    title_en="A chosen district is one of Beijing's 16 districts",
    message_zh=(
        "“{district}”不是北京市现行的 16 个区之一。请选择东城区、西城区、朝阳区、海淀区等现行区名。"
    ),
    message_en="'{district}' is not one of Beijing's 16 current districts. Choose a current "
    "district name such as 东城区, 西城区, 朝阳区 or 海淀区.",
    check=_districts_known,
)

RULES: tuple[Rule, ...] = (ID_001, ID_002, ID_003, ID_004, ID_005)

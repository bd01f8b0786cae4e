"""Identifiers: resident identity numbers, credit codes, district names (ID, catalogue §10-11).

These rules come from the national standards the platform's fields follow rather than from the
manual's prose: GB 11643-1999 (公民身份号码), GB 32100-2015 (统一社会信用代码), GB 11714
(组织机构代码) and GB/T 2260 (行政区划代码). Each number is parsed once per process.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import ClassVar

from attrs import frozen

from permitflow.addresses import DISTRICTS_BY_CODE, DISTRICTS_BY_NAME, normalize_address
from permitflow.deadlines import is_minor
from permitflow.errors import InvalidIdentifier
from permitflow.records.application import BusinessChangeForm, BusinessType, NewForm
from permitflow.records.holder import Child
from permitflow.rules.facts import Facts, Given, Reason, Unit
from permitflow.rules.finding import RuleKind, Severity
from permitflow.rules.haidian._shared import (
    ALL_BUSINESS,
    RESIDENCE_BUSINESS,
    TEXTS,
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


def _resident_ids(ctx: RuleContext) -> list[tuple[str, str, str | None]]:
    """(field, number, whose name) of every resident id in the case: the applicant's and each
    child's."""
    general = ctx.holder.profile.general
    name = general.name if general is not None else None
    numbers = [("holder_id", ctx.holder.holder_id, name)]
    if general is not None and general.resident_id != ctx.holder.holder_id:
        numbers.append(("profile.general.resident_id", general.resident_id, name))
    numbers.extend(
        (f"form.children[{index}].resident_id", child.resident_id, child.name)
        for index, child in enumerate(_children(ctx))
    )
    return numbers


@frozen
class BadId(Facts):
    name: Given
    reason: Reason


@frozen
class BornLater(Facts):
    variant: ClassVar[str] = "future"
    name: Given
    birth_date: date


# GB 11643-1999: 公民身份号码是特征组合码，由十七位数字本体码和一位校验码组成。 — 18 characters,
# a real birth date not after the day of the case, the MOD 11-2 check character; the sex is the
# parity of the 17th digit.
def _valid_resident_ids(ctx: RuleContext) -> Iterable[Verdict[BadId | BornLater]]:
    verdicts: list[Verdict[BadId | BornLater]] = []
    for field, number, name in _resident_ids(ctx):
        parsed = resident_id(number, field)
        if isinstance(parsed, InvalidIdentifier):
            verdicts.append(failed(field, BadId(Given(name), Reason(parsed))))
        elif parsed.birth_date > ctx.day:
            verdicts.append(failed(field, BornLater(Given(name), parsed.birth_date)))
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
    texts=TEXTS,
    check=_valid_resident_ids,
)


# M§2 注意事项 5: 办理随往国内非京籍子女的，子女应未成年。 — the birth date in the child's
# identity number is the declared birth date, and the child is under 18 on the submission day.
@frozen
class OtherBirth(Facts):
    variant: ClassVar[str] = "birth_date"
    name: str
    id_birth: date
    declared_birth: date


@frozen
class Adult(Facts):
    variant: ClassVar[str] = "adult"
    name: str
    id_birth: date
    submission: date


def _child_age(ctx: RuleContext) -> Iterable[Verdict[OtherBirth | Adult]]:
    verdicts: list[Verdict[OtherBirth | Adult]] = []
    submission = ctx.day
    for index, child in enumerate(_children(ctx)):
        field = f"form.children[{index}]"
        parsed = resident_id(child.resident_id, f"{field}.resident_id")
        if isinstance(parsed, InvalidIdentifier):
            continue
        if parsed.birth_date != child.birth_date:
            verdicts.append(
                failed(field, OtherBirth(child.name, parsed.birth_date, child.birth_date))
            )
        elif not is_minor(parsed.birth_date, submission):
            verdicts.append(failed(field, Adult(child.name, parsed.birth_date, submission)))
    return verdicts or _PASS_CHILDREN


ID_002 = Rule(
    id="ID-002",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="id",
    business_types=frozenset({BusinessType.NEW, BusinessType.BUSINESS_CHANGE}),
    citation=cite("M§2 注意事项 5; M§6 注意事项 3", "办理随往国内非京籍子女的，子女应未成年。"),
    texts=TEXTS,
    check=_child_age,
)


def _credit_codes(ctx: RuleContext) -> list[tuple[str, str, str | None]]:
    """(field, code, the unit's name when known) of every credit code in the case."""
    employer = ctx.holder.association.employer
    named = {employer.credit_code: employer.name} if employer is not None else {}
    codes: list[tuple[str, str, str | None]] = []
    if ctx.application is not None:
        code = ctx.application.employer_id
        codes.append(("application.employer_id", code, named.get(code)))
    if employer is not None and all(code != employer.credit_code for _, code, _ in codes):
        codes.append(("association.employer.credit_code", employer.credit_code, employer.name))
    return codes


@frozen
class BadCode(Facts):
    employer: Unit
    reason: Reason


# GB 32100-2015: 统一社会信用代码由十八位的阿拉伯数字或大写英文字母（不使用I、O、Z、S、V）组成
# — 18 characters of the 31-character alphabet and the MOD 31-3 check character.
def _valid_credit_codes(ctx: RuleContext) -> Iterable[Verdict[BadCode]]:
    verdicts = []
    for field, code, name in _credit_codes(ctx):
        parsed = credit_code(code, field)
        if isinstance(parsed, InvalidIdentifier):
            verdicts.append(failed(field, BadCode(Unit(code, name), Reason(parsed))))
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
    texts=TEXTS,
    check=_valid_credit_codes,
)


# GB 11714-1997: 组织机构代码由八位数字（或大写拉丁字母）本体代码和一位数字（或大写拉丁字母）
# 校验码组成。 — a soft check: some valid codes carry organisation codes issued before the rule.
@frozen
class BadOrganization(Facts):
    employer: Unit
    organization: str


def _organization_codes(ctx: RuleContext) -> Iterable[Verdict[BadOrganization]]:
    verdicts = []
    for field, code, name in _credit_codes(ctx):
        parsed = credit_code(code, field)
        if not isinstance(parsed, InvalidIdentifier) and not parsed.organization_code_valid:
            facts = BadOrganization(Unit(parsed.code, name), parsed.organization_code)
            verdicts.append(failed(field, facts))
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
    texts=TEXTS,
    check=_organization_codes,
)


def _known_district(value: str) -> bool:
    text = normalize_address(value)
    return text in DISTRICTS_BY_NAME or text in DISTRICTS_BY_CODE


# M§2 注意事项 4: ……位于北京市行政区域内…… — a chosen district is one of the 16 districts of
# GB/T 2260 (names with 区, or their codes).
@frozen
class UnknownDistrict(Facts):
    district: str


def _districts_known(ctx: RuleContext) -> Iterable[Verdict[UnknownDistrict]]:
    general = ctx.holder.profile.general
    proof = ctx.holder.residence
    chosen = [
        ("profile.general.address_district", general.address_district if general else None),
        ("residence.district", proof.district if proof else None),
    ]
    verdicts = [
        failed(field, UnknownDistrict(value))
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
    texts=TEXTS,
    check=_districts_known,
)

RULES: tuple[Rule, ...] = (ID_001, ID_002, ID_003, ID_004, ID_005)

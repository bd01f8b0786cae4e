"""Household registration (户口) and the permit type (HUK, M§2 注意事项 2, M§2.2, M§7).

The permit is for people without a Beijing hukou working in Beijing. The manual's sentence
"申请人为北京市集体户口、学校临时户口的，不在受理范围之内" can be read with 北京市 qualifying
both kinds or the first only; HUK-001 refuses a Beijing collective hukou, HUK-002 a school
temporary hukou anywhere or only in Beijing as the parameter ``hukou.school_temporary_scope``
says (``"any"`` by default, as the catalogue reads it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from attrs import frozen

from permitflow.errors import Expected, Problem, RuleDataError
from permitflow.records.application import BusinessType, NewForm, PermitType
from permitflow.records.holder import Hukou, HukouKind
from permitflow.rules.facts import Facts, Given
from permitflow.rules.finding import RuleKind, Severity
from permitflow.rules.haidian._shared import APPLICANT_SIDE, EMPLOYMENT_BUSINESS, TEXTS, cite
from permitflow.rules.haidian.flow import ending
from permitflow.rules.parameters import ParameterTable
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, passed

_SCOPE = "申请人为北京市集体户口、学校临时户口的，不在受理范围之内"
_FIELD = "profile.general.hukou"
_PASS = (passed(_FIELD),)
_PASS_TYPE = (passed("form.permit_type"),)


@frozen
class Registered(Facts):
    """Where the hukou is, as the applicant typed it (户籍所在地)."""

    place: Given


def _registered(hukou: Hukou) -> Registered:
    return Registered(Given(hukou.place))


# M§2 注意事项 2: 申请人为北京市集体户口……的，不在受理范围之内
def _not_beijing_collective(ctx: RuleContext) -> Iterable[Verdict[Registered]]:
    general = ctx.holder.profile.general
    if general is None:
        return _PASS
    hukou = general.hukou
    if hukou.kind is HukouKind.COLLECTIVE and hukou.in_beijing:
        return (failed(_FIELD, _registered(hukou)),)
    return _PASS


HUK_001 = Rule(
    id="HUK-001",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="huk",
    business_types=EMPLOYMENT_BUSINESS,
    citation=cite("M§2 注意事项 2", _SCOPE),
    texts=TEXTS,
    check=_not_beijing_collective,
)


# M§2 注意事项 2: 申请人为……学校临时户口的，不在受理范围之内
def _not_school_temporary(ctx: RuleContext) -> Iterable[Verdict[Registered]]:
    general = ctx.holder.profile.general
    if general is None:
        return _PASS
    hukou = general.hukou
    beijing_only = ctx.params["hukou.school_temporary_scope"] == "beijing"
    if hukou.kind is HukouKind.SCHOOL_TEMPORARY and (hukou.in_beijing or not beijing_only):
        return (failed(_FIELD, _registered(hukou)),)
    return _PASS


HUK_002 = Rule(
    id="HUK-002",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="huk",
    business_types=EMPLOYMENT_BUSINESS,
    citation=cite("M§2 注意事项 2", _SCOPE),
    texts=TEXTS,
    parameters={"hukou.school_temporary_scope": str},
    check=_not_school_temporary,
)


# M§2.2: 选择办理工作居住证类型（外埠在京人员工作居住证选择“国内人员”）
@frozen
class OtherType(Facts):
    permit_type: PermitType


def _domestic_type(ctx: RuleContext) -> Iterable[Verdict[OtherType]]:
    general = ctx.holder.profile.general
    form = ctx.application.form if ctx.application is not None else None
    if general is None or not isinstance(form, NewForm) or general.hukou.in_beijing:
        return _PASS_TYPE
    if form.permit_type is PermitType.DOMESTIC:
        return _PASS_TYPE
    return (failed("form.permit_type", OtherType(form.permit_type)),)


HUK_003 = Rule(
    id="HUK-003",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="huk",
    business_types=frozenset({BusinessType.NEW}),
    citation=cite("M§2.2", "选择办理工作居住证类型（外埠在京人员工作居住证选择“国内人员”）"),
    texts=TEXTS,
    check=_domestic_type,
)


# M§7: 申请人已取得北京市户口……的，应即时注销北京市工作居住证。 — so nobody with a Beijing
# hukou of any kind holds or obtains the permit (inference, catalogue HUK-004).
@frozen
class HolderInBeijing(Facts):
    variant: ClassVar[str] = "holder"
    place: Given
    business_type: BusinessType


def _not_beijing_hukou(ctx: RuleContext) -> Iterable[Verdict[Registered | HolderInBeijing]]:
    general = ctx.holder.profile.general
    if general is None or not general.hukou.in_beijing:
        return _PASS
    place = _registered(general.hukou).place
    if ctx.business_type is BusinessType.NEW:
        # Someone applying (again) holds no permit to cancel: the permit is not for them.
        return (failed(_FIELD, Registered(place)),)
    if ending(ctx.holder.permit, ctx.day) is not None:
        # An ended permit (past its expiry date too) has nothing left to cancel: FLOW-002 or
        # REN-006 refuses the business.
        return _PASS
    return (failed(_FIELD, HolderInBeijing(place, ctx.business_type)),)


HUK_004 = Rule(
    id="HUK-004",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="huk",
    business_types=APPLICANT_SIDE,
    citation=cite(
        "M§2.2; M§7",
        "申请人已取得北京市户口、工作单位转至外省市或已"
        "到达法定退休年龄的，应即时注销北京市工作居住证。",
    ),
    texts=TEXTS,
    check=_not_beijing_hukou,
)

RULES: tuple[Rule, ...] = (HUK_001, HUK_002, HUK_003, HUK_004)


def check_parameters(table: ParameterTable) -> None:
    """Fail at load time if ``hukou.school_temporary_scope`` is neither "any" nor "beijing"."""
    parameter = table.get("hukou.school_temporary_scope")
    scopes = ("any", "beijing")
    problems = [
        Problem(
            "wrong", f"$.{parameter.name}.values[{index}].value", value.value,
            Expected("one_of", scopes),
        )
        for index, value in enumerate(parameter.values)
        if value.value not in scopes
    ]  # fmt: skip
    if problems:
        raise RuleDataError(file=parameter.file, problems=problems)

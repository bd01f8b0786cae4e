"""Household registration (户口) and the permit type (HUK, M§2 注意事项 2, M§2.2, M§7).

The permit is for people without a Beijing hukou working in Beijing. The manual's sentence
"申请人为北京市集体户口、学校临时户口的，不在受理范围之内" can be read with 北京市 qualifying
both kinds or the first only; HUK-001 refuses a Beijing collective hukou, HUK-002 a school
temporary hukou anywhere or only in Beijing as the parameter ``hukou.school_temporary_scope``
says (``"any"`` by default, as the catalogue reads it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from permitflow.errors import Expected, Problem, RuleDataError
from permitflow.records.application import BusinessType, NewForm, PermitType
from permitflow.records.holder import HukouKind
from permitflow.rules.finding import RuleKind, Severity
from permitflow.rules.haidian._shared import APPLICANT_SIDE, EMPLOYMENT_BUSINESS, cite
from permitflow.rules.parameters import ParameterTable
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, passed

_SCOPE = "申请人为北京市集体户口、学校临时户口的，不在受理范围之内"
_FIELD = "profile.general.hukou"
_PASS = (passed(_FIELD),)
_PASS_TYPE = (passed("form.permit_type"),)


def _hukou_facts(ctx: RuleContext) -> dict[str, str]:
    general = ctx.holder.profile.general
    if general is None:
        return {}
    hukou = general.hukou
    return {"kind": hukou.kind.value, "province": hukou.province_code, "place": hukou.place or "-"}


# M§2 注意事项 2: 申请人为北京市集体户口……的，不在受理范围之内
def _not_beijing_collective(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    general = ctx.holder.profile.general
    if general is None:
        return _PASS
    hukou = general.hukou
    if hukou.kind is HukouKind.COLLECTIVE and hukou.in_beijing:
        return (failed(_FIELD, **_hukou_facts(ctx)),)
    return _PASS


HUK_001 = Rule(
    id="HUK-001",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="huk",
    business_types=EMPLOYMENT_BUSINESS,
    citation=cite("M§2 注意事项 2", _SCOPE),
    title_zh="申请人不是北京市集体户口",
    title_en="The applicant does not hold a Beijing collective hukou",
    message_zh="申请人为北京市集体户口（{place}），不在工作居住证受理范围之内，无法办理。",
    message_en="The applicant holds a Beijing collective hukou ({place}), which is outside the "
    "scope of the work residence permit; the application cannot be accepted.",
    check=_not_beijing_collective,
)


# M§2 注意事项 2: 申请人为……学校临时户口的，不在受理范围之内
def _not_school_temporary(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    general = ctx.holder.profile.general
    if general is None:
        return _PASS
    hukou = general.hukou
    beijing_only = ctx.params["hukou.school_temporary_scope"] == "beijing"
    if hukou.kind is HukouKind.SCHOOL_TEMPORARY and (hukou.in_beijing or not beijing_only):
        return (failed(_FIELD, **_hukou_facts(ctx)),)
    return _PASS


HUK_002 = Rule(
    id="HUK-002",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="huk",
    business_types=EMPLOYMENT_BUSINESS,
    citation=cite("M§2 注意事项 2", _SCOPE),
    title_zh="申请人不是学校临时户口",
    title_en="The applicant does not hold a school temporary hukou",
    message_zh=(
        "申请人为学校临时户口（{place}），不在工作居住证受理范围之内。请将户口迁出学校后再申请。"
    ),
    message_en="The applicant holds a school temporary hukou ({place}), which is outside the "
    "scope of the work residence permit. Move the registration out of the school, then apply.",
    check=_not_school_temporary,
)


# M§2.2: 选择办理工作居住证类型（外埠在京人员工作居住证选择“国内人员”）
def _domestic_type(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    general = ctx.holder.profile.general
    form = ctx.application.form if ctx.application is not None else None
    if general is None or not isinstance(form, NewForm) or general.hukou.in_beijing:
        return _PASS_TYPE
    if form.permit_type is PermitType.DOMESTIC:
        return _PASS_TYPE
    return (failed("form.permit_type", permit_type=form.permit_type.value),)


HUK_003 = Rule(
    id="HUK-003",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="huk",
    business_types=frozenset({BusinessType.NEW}),
    citation=cite("M§2.2", "选择办理工作居住证类型（外埠在京人员工作居住证选择“国内人员”）"),
    title_zh="外埠在京人员选择“国内人员”证件类型",
    title_en="A non-Beijing Chinese citizen working in Beijing chooses the type 'domestic "
    "personnel'",
    message_zh=(
        "外埠在京人员应选择工作居住证类型“国内人员”（当前为“{permit_type}”）。请重新选择证件类型。"
    ),
    message_en="A non-Beijing Chinese citizen working in Beijing chooses the permit type "
    "'domestic personnel' (国内人员), not '{permit_type}'; choose it again.",
    check=_domestic_type,
)


# M§7: 申请人已取得北京市户口……的，应即时注销北京市工作居住证。 — so nobody with a Beijing
# hukou of any kind holds or obtains the permit (inference, catalogue HUK-004).
def _not_beijing_hukou(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    general = ctx.holder.profile.general
    if general is None or not general.hukou.in_beijing:
        return _PASS
    return (failed(_FIELD, **_hukou_facts(ctx)),)


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
    title_zh="申请人不是北京市户口",
    title_en="The applicant does not hold a Beijing hukou",
    message_zh=(
        "申请人户口在北京市（{place}），工作居住证只面向非京籍人员；已取得北京市户口的应办理注销。"
    ),
    message_en="The applicant's hukou is in Beijing ({place}); the permit is for people "
    "without a Beijing hukou, and a holder who obtained one must cancel the permit.",
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

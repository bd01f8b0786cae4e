"""HUK: household registration and the permit type (M§2 注意事项 2, M§2.2, M§7)."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest
from rules_fixtures import application, context, expect, on, valid_holder

from permitflow.errors import RuleDataError
from permitflow.records.application import BusinessType, PermitType
from permitflow.rules.finding import Status
from permitflow.rules.haidian import hukou, parameters
from permitflow.rules.parameters import ParameterTable
from permitflow.rules.rule import RuleContext

NEW = BusinessType.NEW
PASSED, FAILED = Status.PASSED, Status.FAILED


def submit(kind: str, province: str, place: str = "", **form: Any) -> RuleContext:
    holder = valid_holder(
        **{
            "profile.general.hukou.kind": kind,
            "profile.general.hukou.province_code": province,
            "profile.general.hukou.place": place,
        }
    )
    return context(holder, application(NEW, **form), "submit")


def test_huk_001_a_beijing_collective_hukou_is_out_of_scope() -> None:
    (finding,) = expect("HUK-001", submit("collective", "11", "北京市海淀区某公司集体户"), FAILED)
    assert "北京市海淀区某公司集体户" in finding.message_zh
    expect("HUK-001", submit("collective", "42", "武汉市某公司集体户"), PASSED)
    expect("HUK-001", submit("family", "42"), PASSED)


def test_huk_002_a_school_temporary_hukou_is_out_of_scope_anywhere_by_default() -> None:
    expect("HUK-002", submit("school_temporary", "11", "北京大学"), FAILED)
    expect("HUK-002", submit("school_temporary", "42", "武汉大学"), FAILED)
    expect("HUK-002", submit("family", "42"), PASSED)


def test_huk_002_reading_the_scope_as_beijing_only_is_a_parameter() -> None:
    ctx = submit("school_temporary", "42", "武汉大学")
    beijing_only = attrs.evolve(
        ctx, params={**ctx.params, "hukou.school_temporary_scope": "beijing"}
    )
    expect("HUK-002", beijing_only, PASSED)
    in_beijing = submit("school_temporary", "11", "北京大学")
    expect(
        "HUK-002",
        attrs.evolve(
            in_beijing, params={**in_beijing.params, "hukou.school_temporary_scope": "beijing"}
        ),
        FAILED,
    )


def test_an_unknown_scope_value_is_refused_when_loading() -> None:
    original = parameters.get("hukou.school_temporary_scope")
    broken = attrs.evolve(original, values=(attrs.evolve(original.values[0], value="Beijing"),))
    table = ParameterTable((*[p for p in parameters.parameters if p is not original], broken))
    with pytest.raises(RuleDataError, match=r"hukou\.school_temporary_scope\.values\[0\]"):
        hukou.check_parameters(table)


def test_huk_003_non_beijing_citizens_choose_domestic_personnel() -> None:
    expect("HUK-003", submit("family", "42"), PASSED)
    (finding,) = expect("HUK-003", submit("family", "42", permit_type=PermitType.OVERSEAS), FAILED)
    assert finding.facts_dict() == {"permit_type": "overseas"}
    no_form = context(valid_holder(), None, "submit", business_type=NEW)
    expect("HUK-003", no_form, PASSED)


def test_huk_004_nobody_with_a_beijing_hukou_holds_the_permit() -> None:
    expect("HUK-004", submit("family", "42"), PASSED)
    (finding,) = expect("HUK-004", submit("family", "11", "北京市海淀区"), FAILED)
    assert finding.facts_dict() == {"place": "北京市海淀区"}
    assert "北京市户口不能申请" in finding.message_zh
    assert "注销" not in finding.message_zh


def test_huk_004_tells_a_holder_to_cancel_the_permit() -> None:
    beijing = {"profile.general.hukou.province_code": "11", "profile.general.hukou.place": ""}
    ctx = context(valid_holder(**beijing), application(BusinessType.RENEWAL), "submit")
    (finding,) = expect("HUK-004", ctx, FAILED)
    assert finding.message_zh.startswith("持证人已取得北京市户口（户籍所在地：未填写）")
    assert "应即时注销" in finding.message_zh
    assert "cannot be applied for" not in finding.message_en
    ctx = context(valid_holder(), application(BusinessType.RENEWAL), "submit")
    expect("HUK-004", ctx, PASSED)


@pytest.mark.parametrize(
    ("state", "status"),
    [("valid", FAILED), ("suspended", FAILED), ("expired", PASSED), ("cancelled", PASSED)],
)
def test_huk_004_points_to_the_cancellation_only_while_the_permit_is_live(
    state: str, status: Status
) -> None:
    beijing = {"profile.general.hukou.province_code": "11", "permit.state": state}
    ctx = context(valid_holder(**beijing), application(BusinessType.BASIC_CHANGE), "submit")
    expect("HUK-004", ctx, status)


def test_huk_004_past_the_expiry_date_the_permit_has_ended_before_the_timer_marks_it() -> None:
    beijing = {"profile.general.hukou.province_code": "11"}
    day = on(date(2026, 3, 16))
    for expires_on, status in ((date(2026, 3, 16), FAILED), (date(2026, 3, 15), PASSED)):
        holder = valid_holder(**beijing, **{"permit.expires_on": expires_on})
        ctx = context(holder, application(BusinessType.BASIC_CHANGE), "submit", day)
        expect("HUK-004", ctx, status)

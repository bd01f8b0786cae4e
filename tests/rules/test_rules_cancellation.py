"""CAN-001..003: the reason for cancelling must be backed by the holder's data; CAN-004..005:
nothing keeps a permit going once its cancellation is due."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from rules_fixtures import (
    AT,
    EMPLOYER_CODE,
    EMPLOYER_NAME,
    application,
    context,
    evaluate,
    expect,
    on,
    valid_holder,
)
from test_children import resident_number

from permitflow.records.application import BusinessType, CancellationTrigger
from permitflow.records.holder import Hukou, HukouKind, PermitState
from permitflow.rules.finding import Status
from permitflow.rules.rule import RuleContext

CANCEL = BusinessType.CANCELLATION
MALE_1965_12 = resident_number(date(1965, 12, 16))
"""A man born 1965-12-16: statutory age 60 years 3 months, retiring on 2026-03-16."""
WORKER_1975_03 = resident_number(date(1975, 3, 10), male=False)
"""A woman born 1975-03-10: as a worker 50 years 2 months (2025-05-10), as a cadre 55 y 1 m+."""


def cancel(trigger: CancellationTrigger, at: datetime = AT, **overrides: Any) -> RuleContext:
    app = application(CANCEL, trigger=trigger)
    return context(valid_holder(**overrides), app, "submit", at)


def person(number: str, category: str | None) -> dict[str, Any]:
    return {
        "profile.general.resident_id": number,
        "profile.general.retirement_category": category,
    }


def test_can_001_a_beijing_hukou_in_the_record_passes() -> None:
    hukou = Hukou(HukouKind.FAMILY, "11", "北京市海淀区")
    ctx = cancel(CancellationTrigger.BEIJING_HUKOU, **{"profile.general.hukou": hukou})
    expect("CAN-001", ctx, Status.PASSED)


def test_can_001_without_a_beijing_hukou_fails() -> None:
    findings = expect("CAN-001", cancel(CancellationTrigger.BEIJING_HUKOU), Status.FAILED)
    assert findings[0].facts_dict()["place"] == "湖北省武汉市武昌区"


def test_can_002_an_employer_recorded_outside_beijing_passes() -> None:
    ctx = cancel(
        CancellationTrigger.EMPLOYER_LEFT_BEIJING, **{"association.employer.in_beijing": False}
    )
    expect("CAN-002", ctx, Status.PASSED)


def test_can_002_an_employer_still_in_beijing_fails() -> None:
    expect("CAN-002", cancel(CancellationTrigger.EMPLOYER_LEFT_BEIJING), Status.FAILED)


def test_can_002_a_new_employer_associated_and_moved_out_passes_as_the_permits_own_does() -> None:
    # Left the permit's employer, associated with the next one, which then moved out of Beijing:
    # the holder's work unit has moved (M§7), and no employer change to it can be filed.
    moved = {
        "association.employer.credit_code": "91110105MA02EFGH7Y",
        "association.employer.in_beijing": False,
        "permit.state": PermitState.SUSPENDED,
    }
    expect("CAN-002", cancel(CancellationTrigger.EMPLOYER_LEFT_BEIJING, **moved), Status.PASSED)
    stayed = {**moved, "association.employer.in_beijing": True}
    findings = expect(
        "CAN-002", cancel(CancellationTrigger.EMPLOYER_LEFT_BEIJING, **stayed), Status.FAILED
    )
    assert "工作单位" in findings[0].message_zh


def test_can_002_an_employer_that_moved_out_after_the_day_fails() -> None:
    later = {"association.employer.in_beijing": False,
             "association.employer.moved_out_on": date(2099, 1, 1)}  # fmt: skip
    expect("CAN-002", cancel(CancellationTrigger.EMPLOYER_LEFT_BEIJING, **later), Status.FAILED)


def test_can_003_on_the_statutory_retirement_date_passes() -> None:
    ctx = cancel(CancellationTrigger.RETIREMENT, **person(MALE_1965_12, None))
    findings = expect("CAN-003", ctx, Status.PASSED)
    assert findings[0].facts_dict()["retirement_date"] == "2026-03-16"


def test_can_003_the_day_before_the_retirement_date_fails() -> None:
    ctx = cancel(
        CancellationTrigger.RETIREMENT, on(date(2026, 3, 15)), **person(MALE_1965_12, "male")
    )
    findings = expect("CAN-003", ctx, Status.FAILED)
    assert findings[0].facts_dict()["age"] == "60岁3个月"


def test_can_003_a_young_holder_fails() -> None:
    expect("CAN-003", cancel(CancellationTrigger.RETIREMENT), Status.FAILED)


def test_can_003_a_woman_in_a_worker_post_who_reached_her_age_passes() -> None:
    ctx = cancel(CancellationTrigger.RETIREMENT, **person(WORKER_1975_03, "female_worker"))
    expect("CAN-003", ctx, Status.PASSED)


def test_can_003_the_same_woman_in_a_cadre_post_fails() -> None:
    ctx = cancel(CancellationTrigger.RETIREMENT, **person(WORKER_1975_03, "female_cadre"))
    expect("CAN-003", ctx, Status.FAILED)


@pytest.mark.parametrize(
    ("number", "category"),
    [(WORKER_1975_03, None), (WORKER_1975_03, "male"), (MALE_1965_12, "female_cadre")],
    ids=["woman-undeclared", "woman-declared-male", "man-declared-female"],
)
def test_can_003_a_missing_or_contradicting_category_fails(
    number: str, category: str | None
) -> None:
    ctx = cancel(CancellationTrigger.RETIREMENT, **person(number, category))
    findings = expect("CAN-003", ctx, Status.FAILED)
    assert findings[0].field == "profile.general.retirement_category"


def test_each_rule_judges_only_its_own_reason() -> None:
    ctx = cancel(CancellationTrigger.RETIREMENT, **person(MALE_1965_12, None))
    assert evaluate("CAN-001", ctx) == ()
    assert evaluate("CAN-002", ctx) == ()


# --- CAN-004, CAN-005: no renewal or employer change once the cancellation is due ------------

CONTINUING = [(BusinessType.RENEWAL, "prepare"), (BusinessType.RENEWAL, "pass"),
              (BusinessType.EMPLOYER_CHANGE, "initiate")]  # fmt: skip


def keeping(kind: BusinessType, event: str, at: datetime = AT, **overrides: Any) -> RuleContext:
    return context(valid_holder(**overrides), application(kind), event, at)


@pytest.mark.parametrize(("kind", "event"), CONTINUING)
def test_can_004_the_day_before_the_retirement_date_passes(kind: BusinessType, event: str) -> None:
    ctx = keeping(kind, event, on(date(2026, 3, 15)), **person(MALE_1965_12, None))
    expect("CAN-004", ctx, Status.PASSED)


@pytest.mark.parametrize(("kind", "event"), CONTINUING)
def test_can_004_on_the_retirement_date_fails_and_points_to_the_cancellation(
    kind: BusinessType, event: str
) -> None:
    ctx = keeping(kind, event, on(date(2026, 3, 16)), **person(MALE_1965_12, None))
    findings = expect("CAN-004", ctx, Status.FAILED)
    assert findings[0].facts_dict()["retirement_date"] == "2026-03-16"
    assert "注销" in findings[0].message_zh
    assert "60岁3个月" in findings[0].message_zh


def test_can_004_a_woman_without_a_declared_category_is_not_judged() -> None:
    ctx = keeping(BusinessType.RENEWAL, "prepare", **person(WORKER_1975_03, None))
    expect("CAN-004", ctx, Status.PASSED)
    ctx = keeping(BusinessType.RENEWAL, "prepare", **person(WORKER_1975_03, "female_worker"))
    expect("CAN-004", ctx, Status.FAILED)


def test_can_005_an_employer_recorded_outside_beijing_fails() -> None:
    moved = {"association.employer.in_beijing": False,
             "association.employer.moved_out_on": date(2026, 3, 16)}  # fmt: skip
    findings = expect("CAN-005", keeping(BusinessType.RENEWAL, "initiate", **moved), "failed")
    assert findings[0].facts_dict()["since"] == "2026-03-16"
    assert "注销" in findings[0].message_zh


def test_can_005_the_day_before_the_recorded_move_passes() -> None:
    moved = {"association.employer.in_beijing": False,
             "association.employer.moved_out_on": date(2026, 3, 17)}  # fmt: skip
    expect("CAN-005", keeping(BusinessType.RENEWAL, "initiate", **moved), Status.PASSED)


@pytest.mark.parametrize(
    ("state", "status"),
    [("valid", Status.FAILED), ("suspended", Status.FAILED), ("expired", Status.PASSED),
     ("cancelled", Status.PASSED)],
)  # fmt: skip
def test_can_004_and_005_point_to_the_cancellation_only_while_the_permit_is_live(
    state: str, status: Status
) -> None:
    retired = keeping(BusinessType.RENEWAL, "prepare", on(date(2026, 3, 16)),
                      **person(MALE_1965_12, None), **{"permit.state": state})  # fmt: skip
    expect("CAN-004", retired, status)
    moved = {"association.employer.in_beijing": False,
             "association.employer.moved_out_on": date(2026, 3, 16), "permit.state": state}
    expect("CAN-005", keeping(BusinessType.RENEWAL, "initiate", **moved), status)


def test_can_004_past_the_expiry_date_the_permit_has_ended_before_the_timer_marks_it() -> None:
    day = on(date(2026, 3, 16))
    for expires_on, status in ((date(2026, 3, 16), Status.FAILED),
                               (date(2026, 3, 15), Status.PASSED)):  # fmt: skip
        ctx = keeping(BusinessType.RENEWAL, "prepare", day, **person(MALE_1965_12, None),
                      **{"permit.expires_on": expires_on})  # fmt: skip
        expect("CAN-004", ctx, status)


def test_can_005_an_employer_in_beijing_passes() -> None:
    expect("CAN-005", keeping(BusinessType.EMPLOYER_CHANGE, "initiate"), Status.PASSED)


def test_can_003_a_woman_without_a_category_is_told_both_dates() -> None:
    ctx = cancel(CancellationTrigger.RETIREMENT, **person(WORKER_1975_03, None))
    (finding,) = expect("CAN-003", ctx, Status.FAILED)
    assert "未申报退休人员类别" in finding.message_zh
    assert "2025-05-10" in finding.message_zh
    assert "None" not in finding.message_zh + finding.message_en
    assert "计算的法定退休日期为 -" not in finding.message_zh


def test_can_003_a_woman_without_a_category_past_both_dates_passes() -> None:
    earlier = resident_number(date(1968, 1, 1), male=False)
    ctx = cancel(CancellationTrigger.RETIREMENT, **person(earlier, None))
    expect("CAN-003", ctx, Status.PASSED)


def test_can_003_a_category_contradicting_the_number_says_so() -> None:
    ctx = cancel(CancellationTrigger.RETIREMENT, **person(MALE_1965_12, "female_cadre"))
    (finding,) = expect("CAN-003", ctx, Status.FAILED)
    assert finding.message_zh.startswith("身份证号码显示申请人性别为")
    ctx = cancel(CancellationTrigger.RETIREMENT, **{"profile.general.resident_id": "123"})
    (finding,) = expect("CAN-003", ctx, Status.FAILED)
    assert finding.message_zh.startswith("个人基础信息中没有有效的身份证号码")


def test_can_005_an_undated_move_is_worded_without_a_date() -> None:
    moved = {"association.employer.in_beijing": False}
    (finding,) = expect("CAN-005", keeping(BusinessType.RENEWAL, "initiate", **moved), "failed")
    named = f"{EMPLOYER_NAME}（{EMPLOYER_CODE}）"
    assert finding.message_zh.startswith(f"工作单位“{named}”已转至外省市")

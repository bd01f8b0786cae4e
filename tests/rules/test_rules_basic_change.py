"""BCH-001..006: changing the permit's basic data after editing the record."""

from __future__ import annotations

from datetime import date
from typing import Any

from rules_fixtures import (
    EMPLOYER_NAME,
    OTHER_EMPLOYER_CODE,
    application,
    context,
    expect,
    valid_holder,
)
from test_review import with_trail

from permitflow.records.application import Application, BasicItem, BusinessType
from permitflow.records.holder import HolderRecord, Hukou, HukouKind
from permitflow.rules.finding import Status
from permitflow.rules.rule import RuleContext

BASIC = BusinessType.BASIC_CHANGE
HUBEI = Hukou(HukouKind.FAMILY, "42", "湖北省武汉市武昌区")
HEBEI = Hukou(HukouKind.FAMILY, "13", "河北省保定市竞秀区")
BEIJING = Hukou(HukouKind.FAMILY, "11", "北京市海淀区")


def filed(**form: Any) -> Application:
    fields = {
        "reason": "居住地址信息变更",
        "instructions_confirmed": True,
        "changed_items": (BasicItem.RESIDENCE_ADDRESS,),
        **form,
    }
    return application(BASIC, **fields)


def basic_context(holder: HolderRecord | None = None, **form: Any) -> RuleContext:
    return context(holder or valid_holder(), filed(**form), "submit")


def test_bch_001_an_item_to_change_passes() -> None:
    expect("BCH-001", basic_context(), Status.PASSED)


def test_bch_001_no_item_to_change_fails() -> None:
    expect("BCH-001", basic_context(changed_items=()), Status.FAILED)


def test_bch_002_an_attachment_replaced_after_the_permit_passes() -> None:
    expect("BCH-002", basic_context(), Status.PASSED)


def test_bch_002_an_attachment_uploaded_on_the_permit_day_passes() -> None:
    holder = valid_holder(**{"attachments.residence.uploaded_on": date(2024, 1, 1)})
    expect("BCH-002", basic_context(holder), Status.PASSED)


def test_bch_002_the_old_attachment_still_in_place_fails() -> None:
    holder = valid_holder(**{"attachments.residence.uploaded_on": date(2023, 12, 31)})
    findings = expect("BCH-002", basic_context(holder), Status.FAILED)
    assert findings[0].field == "attachments.residence"


def test_bch_002_the_education_item_covers_its_certificates() -> None:
    holder = valid_holder(**{"attachments.degree_cert.uploaded_on": date(2023, 6, 30)})
    findings = expect(
        "BCH-002", basic_context(holder, changed_items=(BasicItem.EDUCATION,)), Status.FAILED
    )
    assert [f.field for f in findings if not f.passed] == ["attachments.degree_cert"]


def test_bch_002_a_new_hukou_not_yet_in_the_record_fails() -> None:
    ctx = basic_context(changed_items=(BasicItem.HUKOU_LOCATION,), new_hukou=HEBEI)
    findings = expect("BCH-002", ctx, Status.FAILED)
    assert findings[0].field == "profile.general.hukou"


def test_bch_002_a_new_hukou_already_in_the_record_passes() -> None:
    ctx = basic_context(changed_items=(BasicItem.HUKOU_LOCATION,), new_hukou=HUBEI)
    expect("BCH-002", ctx, Status.PASSED)


def test_bch_003_a_reason_and_confirmed_instructions_pass() -> None:
    expect("BCH-003", basic_context(), Status.PASSED)


def test_bch_003_a_blank_reason_fails() -> None:
    findings = expect("BCH-003", basic_context(reason="  "), Status.FAILED)
    assert findings[0].field == "form.reason"
    assert findings[0].message_zh.startswith("尚未填写申请原因")
    both = basic_context(reason="", instructions_confirmed=False)
    findings = expect("BCH-003", both, Status.FAILED)
    assert findings[0].message_zh.startswith("尚未确认申请说明，也未填写申请原因")


def test_bch_003_unconfirmed_instructions_fail() -> None:
    findings = expect("BCH-003", basic_context(instructions_confirmed=False), Status.FAILED)
    assert findings[0].message_zh == "尚未确认申请说明。请阅读并确认申请说明后再提交。"


def test_bch_004_the_associated_employer_reviews() -> None:
    expect("BCH-004", basic_context(), Status.PASSED)
    holder = valid_holder(**{"association.employer.credit_code": OTHER_EMPLOYER_CODE})
    (finding,) = expect("BCH-004", basic_context(holder), Status.FAILED)
    assert f"已关联的是“{EMPLOYER_NAME}（{OTHER_EMPLOYER_CODE}）”" in finding.message_zh
    requested = valid_holder(**{"association.state": "requested"})
    (finding,) = expect("BCH-004", basic_context(requested), Status.FAILED)
    assert finding.message_zh.startswith("持证人尚未与聘用单位关联并获批复")


def test_bch_005_resubmission_after_a_return() -> None:
    returned = with_trail(filed(state="returned"), "submit", "employer_approve", "accept",
                          ("return", "住所证明地址与现居住地址不一致"))  # fmt: skip
    expect("BCH-005", context(valid_holder(), returned, "resubmit"), Status.PASSED)
    pending = with_trail(filed(state="employer_review"), "submit")
    expect("BCH-005", context(valid_holder(), pending, "resubmit"), Status.FAILED)


def test_bch_006_a_hukou_moved_elsewhere_outside_beijing_passes() -> None:
    holder = valid_holder(**{"profile.general.hukou": HEBEI})
    ctx = basic_context(holder, changed_items=(BasicItem.HUKOU_LOCATION,), new_hukou=HEBEI)
    expect("BCH-006", ctx, Status.PASSED)


def test_bch_006_a_hukou_moved_into_beijing_is_a_cancellation() -> None:
    holder = valid_holder(**{"profile.general.hukou": BEIJING})
    ctx = basic_context(holder, changed_items=(BasicItem.HUKOU_LOCATION,))
    findings = expect("BCH-006", ctx, Status.FAILED)
    assert "注销" in findings[0].message_zh

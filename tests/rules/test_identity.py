"""ID: resident identity numbers, credit codes and district names (catalogue §10-11)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rules_fixtures import EMPLOYER_NAME, application, context, expect, valid_holder

from permitflow.records.application import BusinessType
from permitflow.records.holder import Child, HolderRecord
from permitflow.rules.finding import Status
from permitflow.rules.rule import RuleContext

NEW = BusinessType.NEW
PASSED, FAILED = Status.PASSED, Status.FAILED

CHILD_ID = "420106200803170029"
"""Born 2008-03-17: still 17 on 2026-03-16."""
ADULT_ID = "420106200803160023"
"""Born 2008-03-16: 18 on 2026-03-16."""
FUTURE_ID = "420106202605010015"
"""A well-formed number whose birth date, 2026-05-01, lies after the case."""
BAD_ORGANISATION = "91110108MA01ABCD0B"
"""A credit code whose own check character is right but whose organisation code is not."""


def child(resident_id: str, birth: date) -> Child:
    return Child(
        name="张小明",
        resident_id=resident_id,
        relationship="子",
        birth_certificate_number="Q420000001",
        unit="武汉市第一小学",
        birth_date=birth,
        hukou_province_code="42",
    )


def submit(holder: HolderRecord | None = None, **form: Any) -> RuleContext:
    return context(holder or valid_holder(), application(NEW, **form), "submit")


def test_id_001_the_applicants_number_is_valid() -> None:
    expect("ID-001", submit(), PASSED)
    typo = "42010619900515002X"
    holder = valid_holder(holder_id=typo, **{"profile.general.resident_id": typo})
    (finding,) = expect("ID-001", submit(holder), FAILED)
    assert finding.facts_dict() == {"name": "张伟", "reason": "invalid_identifier"}
    assert "mistyped" in finding.message_en
    assert finding.message_zh.startswith("“张伟”的身份证号码无效：")


def test_id_001_a_birth_date_after_the_day_of_the_case_fails() -> None:
    holder = valid_holder(holder_id=FUTURE_ID, **{"profile.general.resident_id": FUTURE_ID})
    (finding,) = expect("ID-001", submit(holder), FAILED)
    assert "晚于今天" in finding.message_zh


def test_id_001_checks_the_childrens_numbers_too() -> None:
    expect("ID-001", submit(children=(child(CHILD_ID, date(2008, 3, 17)),)), PASSED)
    (finding,) = expect(
        "ID-001", submit(children=(child("420106200803170020", date(2008, 3, 17)),)), FAILED
    )
    assert finding.field == "form.children[0].resident_id"


def test_id_002_a_child_is_under_18_on_the_submission_day() -> None:
    expect("ID-002", submit(), PASSED)
    expect("ID-002", submit(children=(child(CHILD_ID, date(2008, 3, 17)),)), PASSED)
    (finding,) = expect("ID-002", submit(children=(child(ADULT_ID, date(2008, 3, 16)),)), FAILED)
    assert finding.facts_dict()["id_birth"] == "2008-03-16"
    assert "已年满 18 周岁" in finding.message_zh


def test_id_002_the_id_birth_date_agrees_with_the_declared_one() -> None:
    (finding,) = expect("ID-002", submit(children=(child(CHILD_ID, date(2008, 3, 18)),)), FAILED)
    assert finding.facts_dict()["declared_birth"] == "2008-03-18"
    assert "二者须一致" in finding.message_zh
    assert "18 周岁" not in finding.message_zh


def test_id_003_the_employers_credit_code_is_valid() -> None:
    expect("ID-003", submit(), PASSED)
    typo = valid_holder(**{"association.employer.credit_code": "91110108MA01ABCD5U"})
    (finding,) = expect("ID-003", submit(typo), FAILED)
    assert finding.field == "association.employer.credit_code"
    assert finding.message_zh.startswith(
        f"单位“{EMPLOYER_NAME}（91110108MA01ABCD5U）”的统一社会信用代码无效："
    )


def test_id_004_the_organisation_code_check_is_a_warning() -> None:
    expect("ID-004", submit(), PASSED)
    holder = valid_holder(**{"association.employer.credit_code": BAD_ORGANISATION})
    expect("ID-003", submit(holder), PASSED)
    (finding,) = expect("ID-004", submit(holder), FAILED)
    assert finding.facts_dict() == {"employer": BAD_ORGANISATION, "organization": "MA01ABCD0"}
    assert finding.severity.value == "warning"


def test_id_005_a_chosen_district_is_one_of_the_16() -> None:
    expect("ID-005", submit(), PASSED)
    expect("ID-005", submit(valid_holder(**{"residence.district": "110108"})), PASSED)
    (finding,) = expect("ID-005", submit(valid_holder(**{"residence.district": "崇文区"})), FAILED)
    assert finding.facts_dict() == {"district": "崇文区"}
    selector = valid_holder(**{"profile.general.address_district": "海淀"})
    expect("ID-005", submit(selector), FAILED)

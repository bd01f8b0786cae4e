"""NEW-001..004: minors only, read-only basic data, the associated employer, re-initiation."""

from __future__ import annotations

from datetime import date

from rules_fixtures import OTHER_EMPLOYER_CODE, application, context, expect, new_applicant
from test_children import child
from test_review import with_trail

from permitflow.records.application import BusinessType
from permitflow.records.holder import AssociationState
from permitflow.rules.finding import Status

NEW = BusinessType.NEW


def test_new_001_a_child_the_day_before_the_18th_birthday_passes() -> None:
    app = application(NEW, children=(child(date(2008, 3, 17)),))
    expect("NEW-001", context(new_applicant(), app, "submit"), Status.PASSED)


def test_new_001_a_child_on_the_18th_birthday_fails() -> None:
    app = application(NEW, children=(child(date(2008, 3, 16)),))
    findings = expect("NEW-001", context(new_applicant(), app, "submit"), Status.FAILED)
    assert "2026-03-16" in findings[0].message_zh


def test_new_002_is_enforced_by_the_records() -> None:
    expect("NEW-002", context(new_applicant(), application(NEW), "submit"), Status.PASSED)


def test_new_003_submitting_to_the_associated_employer_passes() -> None:
    expect("NEW-003", context(new_applicant(), application(NEW), "submit"), Status.PASSED)


def test_new_003_submitting_to_another_employer_fails() -> None:
    holder = new_applicant(**{"association.employer.credit_code": OTHER_EMPLOYER_CODE})
    findings = expect("NEW-003", context(holder, application(NEW), "submit"), Status.FAILED)
    assert findings[0].facts_dict()["associated"] == OTHER_EMPLOYER_CODE


def test_new_003_an_association_awaiting_approval_fails() -> None:
    holder = new_applicant(**{"association.state": AssociationState.REQUESTED})
    (finding,) = expect("NEW-003", context(holder, application(NEW), "submit"), Status.FAILED)
    assert finding.message_zh.startswith("申请人尚未与任何聘用单位关联并获批复")
    assert "none" not in finding.message_zh


def test_new_004_resubmitting_after_an_authority_return_passes() -> None:
    app = with_trail(application(NEW, "returned"), "submit", "employer_approve", "accept",
                     ("return", "学位证书不清晰"))  # fmt: skip
    expect("NEW-004", context(new_applicant(), app, "resubmit"), Status.PASSED)


def test_new_004_resubmitting_after_an_employer_return_passes() -> None:
    app = with_trail(application(NEW, "employer_returned"), "submit", "employer_return")
    expect("NEW-004", context(new_applicant(), app, "resubmit"), Status.PASSED)


def test_new_004_resubmitting_what_was_not_returned_fails() -> None:
    app = with_trail(application(NEW, "returned"), "submit", ("return", "x"), "resubmit")
    findings = expect("NEW-004", context(new_applicant(), app, "resubmit"), Status.FAILED)
    assert findings[0].message_zh == "该申请自上次提交后未被退回，无需再次发起。"

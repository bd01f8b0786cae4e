"""REV-001..005: level-by-level review, tips, returns concerning the employer, re-initiation."""

from __future__ import annotations

from datetime import timedelta

import attrs
from rules_fixtures import AT, application, context, expect, valid_holder

from permitflow.records.actors import Actor
from permitflow.records.application import Application, BusinessType
from permitflow.records.audit import AuditEntry
from permitflow.rules.finding import Status

NEW = BusinessType.NEW
RENEWAL = BusinessType.RENEWAL


def with_trail(app: Application, *steps: str | tuple[str, str]) -> Application:
    """``app`` with an audit trail of the given events (an event and its opinion as a pair)."""
    entries = []
    for number, step in enumerate(steps, start=1):
        event, opinion = step if isinstance(step, tuple) else (step, None)
        entries.append(
            AuditEntry(
                sequence=number,
                event=event,
                from_state="-",
                to_state="-",
                actor=Actor.system(),
                at=AT - timedelta(days=len(steps) - number + 1),
                opinion=opinion,
            )
        )
    return attrs.evolve(app, history=tuple(entries), version=len(entries))


def test_rev_001_a_pass_within_the_levels_passes() -> None:
    app = with_trail(application(NEW, "authority_review_2"), "submit", "employer_approve",
                     "accept", "pass")  # fmt: skip
    findings = expect("REV-001", context(valid_holder(), app, "pass"), Status.PASSED)
    assert findings[0].facts_dict() == {"level": "2", "levels": "2"}


def test_rev_001_a_pass_beyond_the_last_level_fails() -> None:
    app = with_trail(application(NEW, "authority_review_2"), "accept", "pass", "pass")
    expect("REV-001", context(valid_holder(), app, "pass"), Status.FAILED)


def test_rev_001_counts_from_the_last_acceptance() -> None:
    app = with_trail(
        application(NEW, "authority_review_1"),
        "accept", "pass", ("return", "照片不清晰"), "resubmit", "employer_approve", "accept",
    )  # fmt: skip
    expect("REV-001", context(valid_holder(), app, "pass"), Status.PASSED)


def test_rev_002_and_003_are_enforced_by_the_procedure() -> None:
    app = with_trail(application(NEW, "authority_review_2"), "accept", "pass")
    for rule_id, event in (("REV-002", "pass"), ("REV-003", "return")):
        findings = expect(rule_id, context(valid_holder(), app, event), Status.PASSED)
        assert "enforced_by" in findings[0].facts_dict()


def test_rev_004_an_opinion_about_the_employer_waits_for_its_confirmation() -> None:
    app = with_trail(application(NEW, "returned"), "submit", ("return", "劳动合同签订单位有误"))
    findings = expect("REV-004", context(valid_holder(), app, "resubmit"), "needs_attestation")
    assert findings[0].facts_dict()["keywords"] == "单位, 劳动合同"
    assert "（“单位、劳动合同”）" in findings[0].message_zh


def test_rev_004_the_employer_confirmation_passes() -> None:
    app = with_trail(
        application(NEW, "returned", attested=["REV-004"]),
        "submit", ("return", "社保缴纳单位与申请单位不一致"),
    )  # fmt: skip
    expect("REV-004", context(valid_holder(), app, "resubmit"), Status.PASSED)


def test_rev_004_an_opinion_about_the_applicant_alone_passes() -> None:
    app = with_trail(application(NEW, "returned"), "submit", ("return", "证件照片不清晰"))
    expect("REV-004", context(valid_holder(), app, "resubmit"), Status.PASSED)


def test_rev_005_reinitiation_after_the_applicant_notified_the_fix_passes() -> None:
    app = with_trail(application(RENEWAL, "draft"), "initiate", "accept",
                     ("return", "个税材料不全"), "notify_fixed")  # fmt: skip
    expect("REV-005", context(valid_holder(), app, "reinitiate"), Status.PASSED)


def test_rev_005_reinitiation_without_the_applicant_notice_fails() -> None:
    app = with_trail(application(RENEWAL, "returned"), "initiate", "accept",
                     ("return", "个税材料不全"))  # fmt: skip
    findings = expect("REV-005", context(valid_holder(), app, "reinitiate"), Status.FAILED)
    assert findings[0].message_zh.startswith("申请人尚未告知单位")


def test_rev_005_reinitiating_what_was_not_returned_fails() -> None:
    app = with_trail(application(RENEWAL, "employer_review"), "initiate")
    findings = expect("REV-005", context(valid_holder(), app, "reinitiate"), Status.FAILED)
    assert findings[0].message_zh.startswith("该业务自上次发起后未被退回")

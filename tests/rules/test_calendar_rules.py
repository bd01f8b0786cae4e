"""CAL: the renewal deadline of the holder's permit in working days (M§3 注意事项 3, §9)."""

from __future__ import annotations

from datetime import date

from rules_fixtures import application, context, expect, valid_holder

from permitflow.records.application import BusinessType
from permitflow.records.holder import HolderRecord
from permitflow.rules.finding import Status
from permitflow.rules.rule import RuleContext

RENEWAL = BusinessType.RENEWAL
PASSED, FAILED = Status.PASSED, Status.FAILED


def initiate(holder: HolderRecord) -> RuleContext:
    return context(holder, application(RENEWAL), "initiate")


def expiring(day: date | None, state: str = "valid") -> HolderRecord:
    return valid_holder(**{"permit.expires_on": day, "permit.state": state})


def test_cal_001_the_latest_day_counts_official_make_up_working_days() -> None:
    (finding,) = expect("CAL-001", initiate(expiring(date(2025, 10, 31))), PASSED)
    facts = finding.facts_dict()
    # Catalogue §9.3: the 20th working day before 2025-10-31 is Sunday 2025-09-28.
    assert facts["latest_submission"] == "2025-09-28"
    assert facts["working_days"] == "20"
    assert "make-up" in facts["basis"]


def test_cal_001_more_deadlines_of_the_catalogue() -> None:
    for expiry, latest in (
        (date(2026, 2, 28), "2026-01-26"),
        (date(2026, 3, 1), "2026-01-26"),  # a Sunday: the review ends on 2026-02-28
        (date(2026, 10, 8), "2026-09-03"),
    ):
        (finding,) = expect("CAL-001", initiate(expiring(expiry)), PASSED)
        assert finding.facts_dict()["latest_submission"] == latest


def test_cal_001_a_permit_without_expiry_has_no_deadline_to_compute() -> None:
    (finding,) = expect("CAL-001", initiate(expiring(None)), FAILED)
    assert "no expiry" in finding.message_en
    expect("CAL-001", initiate(expiring(None, "suspended")), FAILED)
    expect("CAL-001", initiate(expiring(None, "none")), PASSED)


def test_cal_002_a_deadline_in_a_year_without_official_data_is_flagged() -> None:
    expect("CAL-002", initiate(expiring(date(2026, 12, 24))), PASSED)
    # Counting back from 2026-12-31 crosses 25-31 December, which the 2027 notice may still
    # move: estimated too.
    (finding,) = expect("CAL-002", initiate(expiring(date(2026, 12, 31))), FAILED)
    assert finding.facts_dict()["years"] == "2027"
    # 2027 has no State Council arrangement in holidays 0.109; the finding says so and no
    # CalendarEstimateWarning escapes (pytest turns warnings into errors).
    (finding,) = expect("CAL-002", initiate(expiring(date(2027, 10, 31))), FAILED)
    assert finding.facts_dict() == {"latest_submission": "2027-09-28", "years": "2027"}
    assert finding.severity.value == "warning"
    expect("CAL-002", initiate(expiring(date(2027, 10, 31), "cancelled")), PASSED)

"""POL-001..009: the secondary-source conditions, each on both sides of its threshold.

The rules are judged here with their own severity; ``rules.overrides`` decides in the rule set
whether they warn, block or are switched off (test_rule_switches).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest
from rules_fixtures import (
    AT,
    OTHER_EMPLOYER_CODE,
    REMOVED,
    application,
    context,
    expect,
    new_applicant,
    valid_holder,
)
from test_children import resident_number

from permitflow.records.application import BusinessType
from permitflow.records.holder import HolderRecord, PermitState, ProofKind
from permitflow.rules.finding import Severity, Status
from permitflow.rules.haidian import ruleset
from permitflow.rules.rule import RuleContext

NEW = BusinessType.NEW


def applying(
    holder: HolderRecord | None = None, event: str = "submit", **fields: Any
) -> RuleContext:
    return context(holder or new_applicant(), application(NEW, **fields), event)


def born(day: date, *, male: bool = True) -> HolderRecord:
    return new_applicant(**{"profile.general.resident_id": resident_number(day, male=male)})


@pytest.mark.parametrize(
    ("birth", "male", "status"),
    [
        (date(1965, 3, 17), True, Status.PASSED),
        (date(1965, 3, 16), True, Status.FAILED),
        (date(1970, 3, 17), False, Status.PASSED),
        (date(1970, 3, 16), False, Status.FAILED),
    ],
    ids=["man-60", "man-61", "woman-55", "woman-56"],
)
def test_pol_001_age_cap_by_sex(birth: date, male: bool, status: Status) -> None:
    expect("POL-001", applying(born(birth, male=male)), status)


def test_pol_002_a_masters_degree_passes() -> None:
    expect("POL-002", applying(), Status.PASSED)


def test_pol_002_an_intermediate_title_without_a_degree_passes() -> None:
    holder = new_applicant(
        **{"profile.education.highest_degree": None, "profile.education.title_level": "中级"}
    )
    expect("POL-002", applying(holder), Status.PASSED)


def test_pol_002_neither_degree_nor_title_fails() -> None:
    holder = new_applicant(**{"profile.education.highest_degree": None})
    expect("POL-002", applying(holder), Status.FAILED)


def test_pol_003_six_months_to_the_day_passes() -> None:
    holder = new_applicant(**{"employment.contract.start": date(2025, 9, 16)})
    expect("POL-003", applying(holder), Status.PASSED)


def test_pol_003_a_day_short_of_six_months_fails() -> None:
    holder = new_applicant(**{"employment.contract.start": date(2025, 9, 17)})
    findings = expect("POL-003", applying(holder), Status.FAILED)
    assert findings[0].facts_dict()["insured"] == "36"


def test_pol_003_insurance_paid_elsewhere_fails() -> None:
    holder = new_applicant()
    insurance = tuple(
        attrs.evolve(month, payer_credit_code=OTHER_EMPLOYER_CODE)
        for month in holder.employment.insurance
    )
    holder = attrs.evolve(holder, employment=attrs.evolve(holder.employment, insurance=insurance))
    expect("POL-003", applying(holder), Status.FAILED)


def _income(cents: int) -> HolderRecord:
    holder = new_applicant()
    income = tuple(
        attrs.evolve(month, taxable_income_cents=cents) for month in holder.employment.income
    )
    return attrs.evolve(holder, employment=attrs.evolve(holder.employment, income=income))


def test_pol_004_income_at_the_threshold_passes() -> None:
    findings = expect("POL-004", applying(_income(1_694_600)), Status.PASSED)
    assert findings[0].facts_dict()["average"] == "1694600"


def test_pol_004_income_a_fen_below_the_threshold_fails() -> None:
    (finding,) = expect("POL-004", applying(_income(1_694_599)), Status.FAILED)
    assert "月均应税收入 16,945.99 元，低于平均工资的 1.5 倍（16,946.00 元）" in finding.message_zh
    # The guide that would confirm the condition and its numbers could not be read.
    assert finding.message_zh.endswith("未经官方确认，请以《海淀区办理指南》为准。）")
    assert finding.message_zh.count("未经官方确认") == 1


def test_a_rule_reading_no_unconfirmed_parameter_carries_no_note() -> None:
    no_contract = new_applicant(**{"employment.contract": None})
    (finding,) = expect("EMP-004", applying(no_contract), Status.FAILED)
    assert "未经官方确认" not in finding.message_zh
    (finding,) = expect("POL-001", applying(born(date(1965, 3, 16))), Status.FAILED)
    assert "超过公开资料所述" in finding.message_zh
    assert "来自公开资料，未经官方确认" in finding.message_zh


@pytest.mark.parametrize(
    ("start", "status"), [(date(2024, 3, 16), Status.PASSED), (date(2024, 3, 17), Status.FAILED)]
)
def test_pol_005_two_years_of_work(start: date, status: Status) -> None:
    holder = new_applicant(**{"profile.work_history.0.start": start})
    expect("POL-005", applying(holder), status)


def test_pol_006_a_haidian_enterprise_passes() -> None:
    findings = expect("POL-006", applying(), Status.PASSED)
    assert findings[0].facts_dict() == {"category": "91", "division": "110108"}


def test_pol_006_an_employer_registered_elsewhere_fails() -> None:
    app = attrs.evolve(application(NEW), employer_id=OTHER_EMPLOYER_CODE)
    expect("POL-006", context(new_applicant(), app, "submit"), Status.FAILED)


@pytest.mark.parametrize(
    ("expires", "status"),
    [
        (date(2026, 12, 31), Status.PASSED),
        (date(2027, 1, 1), Status.PASSED),
        (date(2027, 1, 2), Status.FAILED),
        (date(2026, 12, 30), Status.FAILED),
    ],
)
def test_pol_007_a_three_year_validity(expires: date, status: Status) -> None:
    holder = valid_holder(**{"permit.expires_on": expires})
    expect("POL-007", context(holder, application(BusinessType.RENEWAL), "initiate"), status)


@pytest.mark.parametrize(
    ("left", "status"), [(date(2026, 1, 15), "passed"), (date(2026, 1, 14), "failed")]
)
def test_pol_008_sixty_days_after_leaving(left: date, status: str) -> None:
    holder = valid_holder(**{"permit.state": PermitState.SUSPENDED})
    app = application(BusinessType.EMPLOYER_CHANGE, left_previous_on=left)
    expect("POL-008", context(holder, app, "initiate"), status)


def test_pol_008_falls_back_on_the_suspension_day() -> None:
    holder = valid_holder(**{"permit.changed_on": date(2025, 12, 1)})
    expect("POL-008", context(holder, application(BusinessType.EMPLOYER_CHANGE), "initiate"),
           Status.FAILED)  # fmt: skip


def test_pol_009_a_lease_on_record_passes_at_filing() -> None:
    expect("POL-009", applying(), Status.PASSED)


def test_pol_009_the_reviewer_attests_a_lease_is_stable() -> None:
    expect("POL-009", applying(event="pass"), Status.NEEDS_ATTESTATION)
    expect("POL-009", applying(event="pass", attested=["POL-009"]), Status.PASSED)


def test_pol_009_owned_housing_needs_no_attestation() -> None:
    holder = new_applicant(**{"residence.kind": ProofKind.REAL_ESTATE_TITLE})
    expect("POL-009", applying(holder, event="pass"), Status.PASSED)


@pytest.mark.parametrize("missing", ["residence", "attachments.residence"])
def test_pol_009_no_residence_proof_fails(missing: str) -> None:
    expect("POL-009", applying(new_applicant(**{missing: REMOVED})), Status.FAILED)


def test_rule_switches() -> None:
    rules = ruleset.in_force_on(AT.date())
    described = {d.id: d for d in rules.describe() if d.group == "pol"}
    assert {i: (d.severity, d.enabled) for i, d in described.items()} == {
        "POL-001": (Severity.WARNING, True),
        "POL-002": (Severity.WARNING, True),
        "POL-003": (Severity.WARNING, True),
        "POL-004": (Severity.WARNING, False),
        "POL-005": (Severity.WARNING, True),
        "POL-006": (Severity.WARNING, True),
        "POL-007": (Severity.WARNING, True),
        "POL-008": (Severity.WARNING, False),
        "POL-009": (Severity.ERROR, True),
    }

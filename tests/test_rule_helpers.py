"""The rule-context builder and the one-rule judge that permitflow.testing ships for extenders:
a rule is judged as the engine judges it, so a unit test fails when the engine would skip it."""

from __future__ import annotations

import attrs
import pytest

from permitflow import testing
from permitflow.records.application import BusinessType
from permitflow.records.finding import Severity, Status
from permitflow.rules import haidian
from permitflow.testing import AT, holder_for, judge, rule_context


def test_a_rule_is_judged_with_the_parameters_and_severity_of_the_version_in_force() -> None:
    ctx = rule_context(holder_for(BusinessType.RENEWAL), business_type=BusinessType.RENEWAL,
                       event="initiate")  # fmt: skip
    version = haidian.ruleset.in_force_on(AT.date())
    assert ctx.params["renewal.working_days_before_expiry"] == 20
    findings = judge("REN-005", ctx)
    assert [f.status for f in findings] == [Status.PASSED]
    guarding = version.rules_for(BusinessType.RENEWAL, "initiate", ctx.tags, frozenset({"ren"}))
    (expected,) = [severity for rule, severity in guarding if rule.id == "REN-005"]
    assert findings[0].severity is expected


def test_a_rule_that_does_not_guard_the_event_fails_the_test() -> None:
    ctx = rule_context(holder_for(BusinessType.RENEWAL), business_type=BusinessType.RENEWAL,
                       event="pass")  # fmt: skip
    with pytest.raises(AssertionError, match="REN-005 does not guard 'pass' for 'renewal'"):
        judge("REN-005", ctx)


def test_a_switched_off_rule_is_judged_only_when_asked() -> None:
    ctx = rule_context(holder_for(BusinessType.NEW), business_type=BusinessType.NEW)
    with pytest.raises(AssertionError, match="POL-004"):
        judge("POL-004", ctx)
    findings = judge("POL-004", ctx, switched_off=True)
    assert findings
    assert all(f.severity is Severity.WARNING for f in findings)


def test_the_context_needs_a_business_type_without_an_application() -> None:
    with pytest.raises(TypeError, match="business_type"):
        rule_context(holder_for(BusinessType.NEW))
    ctx = rule_context(holder_for(BusinessType.NEW), business_type=BusinessType.NEW)
    assert attrs.evolve(ctx, event="resubmit").event == "resubmit"
    assert "rule_context" in testing.__all__
    assert "judge" in testing.__all__

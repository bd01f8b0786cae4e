"""A rule set derived from Haidian's: redefined parameters, switched, removed and added rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from rules_fixtures import application, on, valid_holder

from permitflow.errors import DefinitionError
from permitflow.messages import Catalogue
from permitflow.records.application import BusinessType
from permitflow.rules.facts import Plain
from permitflow.rules.finding import Citation, Finding, RuleKind, Severity, Status
from permitflow.rules.haidian import ruleset
from permitflow.rules.parameters import Confidence, DatedValue, ParameterDescription
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, passed
from permitflow.rules.ruleset import OVERRIDES_PARAMETER, RuleSet
from permitflow.wiring import default_definitions

RENEWAL_STEPS = default_definitions()[BusinessType.RENEWAL](2).tags_by_event

HAIDIAN = ruleset.versions[0]
SINCE = date(2024, 1, 1)
DAYS = "renewal.working_days_before_expiry"
EXPIRY = {"permit.expires_on": date(2026, 6, 30)}


def derived(**changes: Any) -> RuleSet:
    options: dict[str, Any] = {"name": "chaoyang", "version": "2024.1", "since": SINCE,
                               "citation": "朝阳区工作居住证办理须知（2024）"}  # fmt: skip
    return HAIDIAN.derive(**(options | changes))


def ren_005(rules: RuleSet, day: date) -> Finding:
    holder = valid_holder(**EXPIRY)
    app = application(BusinessType.RENEWAL, employer_checked=True, at=on(day))
    at = on(day)
    ctx = RuleContext(
        holder, app, BusinessType.RENEWAL, "initiate", at, rules.params_on(day), None, RENEWAL_STEPS
    )
    (finding,) = rules.rule("REN-005").evaluate(ctx, rules.severity(rules.rule("REN-005")))
    return finding


def test_a_redefined_threshold_moves_the_boundary_and_haidian_keeps_its_own() -> None:
    fifteen = derived(parameters={DAYS: 15})
    # 15 working days before 2026-06-30 is 2026-06-08; 20 working days is 2026-06-01.
    assert ren_005(fifteen, date(2026, 6, 8)).status is Status.PASSED
    assert ren_005(fifteen, date(2026, 6, 9)).status is Status.FAILED
    assert ren_005(HAIDIAN, date(2026, 6, 2)).status is Status.FAILED
    assert "至少提前 15 个工作日" in ren_005(fifteen, date(2026, 6, 9)).message_zh


def test_the_redefined_parameter_keeps_its_history_and_names_the_derived_set() -> None:
    parameter = derived(parameters={DAYS: 15}).parameters.get(DAYS)
    assert [(v.since, v.value) for v in parameter.values] == [
        (date(2021, 11, 1), 20), (SINCE, 15),
    ]  # fmt: skip
    assert parameter.values[-1].citation == "朝阳区工作居住证办理须知（2024）"
    assert parameter.label_zh == HAIDIAN.parameters.get(DAYS).label_zh
    assert parameter.file == "chaoyang 2024.1"


def test_a_dated_value_brings_its_own_day_and_citation() -> None:
    later = DatedValue(date(2025, 1, 1), 24, "朝阳区通知第 3 号")
    rules = derived(parameters={"renewal.evidence_months": later})
    assert rules.params_on(date(2024, 12, 31))["renewal.evidence_months"] == 36
    assert rules.params_on(date(2025, 1, 1))["renewal.evidence_months"] == 24


def test_a_threshold_a_title_names_cannot_change_inside_the_version() -> None:
    later = DatedValue(date(2025, 1, 1), 15, "朝阳区通知第 3 号")
    with pytest.raises(DefinitionError) as raised:
        derived(parameters={DAYS: later})
    named = {e.split("(")[1].split(")")[0] for e in raised.value.context["errors"]}
    assert named == {"CAL-001", "REN-005", "CHG-009"}


def test_the_titles_show_the_threshold_of_the_rule_set() -> None:
    fifteen = derived(parameters={DAYS: 15, "documents.validity_months": 6})
    assert fifteen.rule("REN-005").title_zh == "续签至少提前 15 个工作日提交"
    assert fifteen.rule("CHG-009").title_en == (
        "Employer change submitted at least 15 working days before expiry"
    )
    assert "6 个月" in fifteen.rule("DOC-001").title_zh
    assert HAIDIAN.rule("REN-005").title_zh == "续签至少提前 20 个工作日提交"
    # A pass reads as the title.
    assert ren_005(fifteen, date(2026, 6, 1)).message_zh == "续签至少提前 15 个工作日提交"


def test_a_switched_rule_is_disabled_on_top_of_the_inherited_switches() -> None:
    rules = derived(overrides={"REN-002": {"enabled": False}})
    by_id = {rule.id: rule for rule in rules.describe()}
    assert not by_id["REN-002"].enabled
    assert by_id["REN-005"].severity is Severity.WARNING  # inherited
    assert not by_id["POL-004"].enabled  # inherited
    assert all(rule.id != "REN-002" for rule, _ in rules.rules_for(
        BusinessType.RENEWAL, "initiate", RENEWAL_STEPS["initiate"], frozenset({"ren"})
    ))  # fmt: skip
    assert {rule.id for rule, _ in HAIDIAN.rules_for(
        BusinessType.RENEWAL, "initiate", RENEWAL_STEPS["initiate"], frozenset({"ren"})
    )} >= {"REN-002"}  # fmt: skip


def test_an_override_merges_with_the_inherited_switch_of_the_rule() -> None:
    rules = derived(overrides={"REN-005": {"enabled": False}})
    (described,) = (rule for rule in rules.describe() if rule.id == "REN-005")
    assert (described.severity, described.enabled) == (Severity.WARNING, False)


def test_a_removed_rule_is_gone_with_its_switch() -> None:
    rules = derived(rules_removed=["REN-005"])
    assert "REN-005" not in {rule.id for rule in rules.describe()}
    assert "REN-005" not in rules.params_on(SINCE)[OVERRIDES_PARAMETER]
    assert len(rules.rules) == len(HAIDIAN.rules) - 1


def _always_fails(ctx: RuleContext) -> list[Verdict[Plain]]:
    return [failed() if ctx.params["district.flag"] else passed()]


ADDED = Rule(
    "REN-901", RuleKind.MACHINE, Severity.ERROR, "ren", frozenset({BusinessType.RENEWAL}),
    Citation("朝阳区须知 2", "区内补充规定"), _always_fails,
    Catalogue.of("chaoyang", {
        "REN-901": ("区内补充规定未满足", "The district's own condition is not met"),
        "REN-901.title": ("区内补充规定已满足", "The district's own condition is met"),
    }),
    parameters=frozenset({"district.flag"}),
)  # fmt: skip
FLAG = ParameterDescription(
    "district.flag", "区内补充规定是否适用", "Whether the district's condition applies",
    Confidence.CONFIRMED, (DatedValue(SINCE, True, "朝阳区须知 2"),),
)  # fmt: skip


def test_an_added_rule_reads_a_new_parameter() -> None:
    rules = derived(rules_added=[ADDED], parameters={"district.flag": FLAG})
    assert rules.rules[-1].id == "REN-901"
    assert rules.params_on(SINCE)["district.flag"] is True


def test_a_derived_set_is_derived_again() -> None:
    once = derived(parameters={DAYS: 15}, overrides={"REN-002": {"enabled": False}})
    twice = once.derive(
        name="chaoyang", version="2025.1", since=date(2025, 1, 1), citation="朝阳区须知（2025）",
        parameters={DAYS: 10},
    )  # fmt: skip
    assert twice.params_on(date(2025, 1, 1))[DAYS] == 10
    assert not {rule.id: rule for rule in twice.describe()}["REN-002"].enabled


def test_rewording_composes_with_deriving() -> None:
    texts = HAIDIAN.rule("EMP-004").texts
    rules = derived(texts=texts, parameters={DAYS: 15})
    assert rules.rule("EMP-004").message_zh == HAIDIAN.rule("EMP-004").message_zh


def test_every_problem_of_a_derivation_is_reported_at_once() -> None:
    with pytest.raises(DefinitionError) as raised:
        derived(
            citation=" ",
            parameters={DAYS: "15", "renewal.unknown": 3},
            rules_removed=["REN-999"],
        )
    errors = raised.value.context["errors"]
    assert len(errors) == 4, errors
    assert any("$.renewal.working_days_before_expiry.values[1].value" in e for e in errors)
    assert any("$.renewal.unknown" in e for e in errors)
    assert any("REN-999" in e for e in errors)
    assert any("$.citation" in e for e in errors)
    assert "chaoyang 2024.1" in str(raised.value)


def test_an_added_rule_reading_a_parameter_nobody_defines_is_refused() -> None:
    with pytest.raises(DefinitionError, match=r"district\.flag"):
        derived(rules_added=[ADDED])


LEVELS_BY_TYPE = "review.authority_levels_by_type"


def test_a_district_reviews_one_business_type_at_levels_of_its_own() -> None:
    three = derived(parameters={LEVELS_BY_TYPE: {"renewal": 3}})
    assert three.review_levels(SINCE, BusinessType.RENEWAL) == 3
    assert three.review_levels(SINCE, BusinessType.NEW) == 2
    assert three.review_levels(SINCE) == 2
    assert three.review_levels_used == {2, 3}
    assert HAIDIAN.review_levels(SINCE, BusinessType.RENEWAL) == 2
    values = three.parameters.get(LEVELS_BY_TYPE).values
    assert [(v.since, v.value) for v in values] == [
        (date(2021, 11, 1), {}), (SINCE, {"renewal": 3}),
    ]  # fmt: skip


def test_a_business_type_a_district_names_must_exist_and_be_reviewed_at_all() -> None:
    with pytest.raises(DefinitionError) as raised:
        derived(parameters={LEVELS_BY_TYPE: {"renwal": 3, "new": 0}})
    errors = raised.value.context["errors"]
    assert any("renwal" in e and f"$.{LEVELS_BY_TYPE}.values[1].value" in e for e in errors)
    assert any(f"$.{LEVELS_BY_TYPE}.values[1].value.new" in e for e in errors)
    assert len(errors) == 2

"""Golden cases as data: every ``golden/*.toml`` file, one test per case, run by the shipped
runner (``permitflow.testing.run_rule_case``; the format is in docs/testing.md).

Each rule a case names is judged through ``rules_fixtures.expect``, so golden cases count as
tested outcomes (and as messages read) in ``test_coverage.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rules_fixtures import expect

from permitflow.errors import InvalidInput, InvalidSnapshot
from permitflow.records.application import BusinessType
from permitflow.rules.finding import Status
from permitflow.testing import RuleCase, load_rule_cases, run_rule_case

GOLDEN = Path(__file__).parent / "golden"

CASES = [
    pytest.param(case, id=f"{path.stem}: {case.name}")
    for path in sorted(GOLDEN.glob("*.toml"))
    for case in load_rule_cases(path)
]


def test_there_are_golden_cases() -> None:
    assert (GOLDEN / "common.toml").exists()
    assert len(CASES) >= 3


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case: RuleCase) -> None:
    assert case.name.strip().endswith("."), "a golden case's name is a full sentence"
    assert case.citation.strip(), "a golden case cites its source"
    findings = run_rule_case(case, expect=expect)
    assert len(findings) == len(case.expect)


CASE_OUTSIDE = """
[[case]]
name = "A holder whose hukou is a Beijing collective one is outside a new application."
at = 2026-03-16T10:00:00+08:00
business_type = "new"
event = "submit"
citation = "M§2 注意事项 2"
permit_state = "none"
[case.holder]
"profile.general.hukou.kind" = "collective"
"profile.general.hukou.province_code" = "11"
[[case.expect]]
rule_id = "HUK-001"
status = "failed"
[[case.expect]]
rule_id = "ID-001"
status = "passed"
"""


def test_a_case_file_outside_the_package_runs_with_the_shipped_runner(tmp_path: Path) -> None:
    path = tmp_path / "district_cases.toml"
    path.write_text(CASE_OUTSIDE, encoding="utf-8")
    (case,) = load_rule_cases(path)
    assert case.business_type is BusinessType.NEW
    hukou, identity = run_rule_case(case)
    assert Status.FAILED in {finding.status for finding in hukou}
    assert {finding.status for finding in identity} == {Status.PASSED}


def test_a_case_expecting_what_does_not_happen_fails(tmp_path: Path) -> None:
    path = tmp_path / "wrong.toml"
    path.write_text(CASE_OUTSIDE.replace('status = "failed"', 'status = "passed"'), "utf-8")
    with pytest.raises(AssertionError, match="HUK-001: expected passed"):
        run_rule_case(load_rule_cases(path)[0])


def test_a_malformed_case_is_reported_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "common.toml"
    path.write_text(
        '[[case]]\nname = "x."\nat = 2026-03-16\nbusiness_type = "new"\nevent = "submit"\n'
        'citation = "x"\n[[case.expect]]\nrule_id = "BI-001"\nstatus = "passed"\n'
        'colour = "red"\n',
        encoding="utf-8",
    )
    with pytest.raises(InvalidSnapshot) as caught:
        load_rule_cases(path)
    lines = caught.value.context["errors"]
    assert any(line.endswith("@ $.case[0].at") for line in lines), lines
    assert any(line.endswith("@ $.case[0].expect[0].colour") for line in lines), lines
    assert "docs/testing.md" in caught.value.message("en")


def test_an_override_naming_nothing_is_reported_with_the_known_names(tmp_path: Path) -> None:
    path = tmp_path / "typo.toml"
    path.write_text(CASE_OUTSIDE.replace('"profile.general.hukou.kind"', '"profile.genral"'),
                    "utf-8")  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        run_rule_case(load_rule_cases(path)[0])
    assert caught.value.context["errors"][0].endswith("@ $.profile.genral")

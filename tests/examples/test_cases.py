"""Every example case file checks as it says it does (its ``expect``), as ``permitflow check``."""

from __future__ import annotations

from pathlib import Path

import pytest

from permitflow.cases import check_case, load_case

CASES = sorted((Path(__file__).resolve().parents[2] / "examples" / "cases").glob("*.json"))


def test_there_are_example_cases_that_pass_and_cases_that_are_blocked() -> None:
    outcomes = {load_case(path).expect["exit"] for path in CASES}  # type: ignore[index]
    assert outcomes == {0, 1}


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_the_example_case_checks_as_documented(path: Path) -> None:
    case = load_case(path)
    assert case.expect is not None, "every example states what it shows"
    assert len(case.name.split()) >= 6, "a full-sentence name says what the case shows"
    result = check_case(case)
    assert result.exit_code == case.expect["exit"]
    assert sorted({f.rule_id for f in result.blocking}) == case.expect["blocking"]

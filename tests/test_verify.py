"""The exhaustive check finds a planted dead end with its path, and passes a sound rule set."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from permitflow.cli import main
from permitflow.messages import Catalogue
from permitflow.records.application import BusinessType
from permitflow.records.holder import MaritalStatus
from permitflow.rules.facts import Plain
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, passed
from permitflow.testing import rule_engine
from permitflow.verify import Check, explore

NEW_ONLY = (BusinessType.NEW,)


def _marital(wanted: bool) -> Rule:
    """A rule on a new application's submission: the holder is (not) married."""

    def check(ctx: RuleContext) -> Iterable[Verdict[Plain]]:
        general = ctx.holder.profile.general
        married = general is not None and general.marital_status is MaritalStatus.MARRIED
        yield passed("marital_status") if married is wanted else failed("marital_status")

    word = "married" if wanted else "unmarried"
    rule_id = f"TEST-{word.upper()}"
    texts = {f"{rule_id}.title": (word, word), rule_id: (f"申请人须为{word}。", f"Must be {word}.")}
    return Rule(
        id=rule_id,
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="new",
        business_types=frozenset({BusinessType.NEW}),
        citation=Citation("test", "a planted rule"),
        texts=Catalogue.of("test", texts),
        check=check,
        events=frozenset({"submit", "resubmit"}),
    )


def test_a_contradictory_pair_of_rules_is_a_dead_end_with_its_path() -> None:
    engine = rule_engine([_marital(True), _marital(False)])

    report = explore(engine, business_types=NEW_ONLY, world=False)

    assert report.complete
    dead = [v for v in report.violations if v.check is Check.DEAD_END]
    assert dead, report.render()
    assert [move.actor for move in dead[0].path] == ["start"]
    assert "permit none" in dead[0].state
    text = report.render()
    assert "[dead_end]" in text
    assert "1. start: employer A has handling permission (holder)" in text


def test_one_of_the_pair_alone_lets_the_holder_reach_a_permit() -> None:
    report = explore(rule_engine([_marital(True)]), business_types=NEW_ONLY, world=False)

    assert report.complete
    assert report.transitions > report.configurations > 10
    stuck = [v for v in report.violations if v.check is Check.DEAD_END]
    assert all("permit none" not in v.state for v in stuck), report.render()


def test_a_bounded_search_on_haidian_says_what_it_explored() -> None:
    report = explore(max_configurations=150)

    assert not report.complete
    assert report.configurations == 150
    assert report.transitions >= 150
    text = report.render()
    assert "150 configurations" in text
    assert "stopped at the bound" in text
    data = report.to_dict()
    assert data["configurations"] == 150
    assert all(v["path"] for v in data["violations"])


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_command_stops_with_2_at_its_bound(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "--max-configurations", "20", "--format", fmt]) == 2
    out = capsys.readouterr().out
    assert "20" in out

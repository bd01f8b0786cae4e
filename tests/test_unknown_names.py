"""Unknown names given to the public entry points — the engine, the registry, the rule sets and
the command line — are refused with a named error that says which name, never a bare KeyError."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from permitflow.cli import main
from permitflow.engine.engine import Engine
from permitflow.errors import (
    InvalidInput,
    UnknownEvent,
    UnknownParameter,
    UnknownRuleSet,
)
from permitflow.records.actors import Role
from permitflow.records.application import BusinessType
from permitflow.rules import registry
from permitflow.testing import AT, right_actor, rule_engine, valid_holder


def test_an_unknown_rule_set_is_named_by_the_engine_and_the_registry() -> None:
    with pytest.raises(UnknownRuleSet) as by_engine:
        Engine("nowhere")
    with pytest.raises(UnknownRuleSet) as by_registry:
        registry.get_family("nowhere")
    for raised in (by_engine, by_registry):
        assert raised.value.context["ruleset"] == "nowhere"
        assert "haidian" in raised.value.context["known"]


def test_an_unknown_version_is_named_with_the_known_ones() -> None:
    with pytest.raises(UnknownRuleSet) as raised:
        registry.default_family().version("1999.1")
    assert raised.value.context["version"] == "1999.1"
    assert raised.value.context["known"] == ["2021.11"]


def test_an_unknown_parameter_is_named_with_the_day() -> None:
    params = registry.default_family().versions[0].params_on(date(2026, 3, 16))
    with pytest.raises(UnknownParameter) as raised:
        params["renewal.working_days"]
    assert raised.value.context == {"parameter": "renewal.working_days", "day": date(2026, 3, 16)}


def test_a_rule_set_without_a_parameter_the_views_read_names_it() -> None:
    from permitflow.machines.status import holder_status

    with pytest.raises(UnknownParameter, match=r"renewal\.working_days_before_expiry"):
        holder_status(rule_engine(()), valid_holder(), AT)


def test_an_unknown_business_type_is_named() -> None:
    with pytest.raises(InvalidInput, match="nothing"):
        Engine().start("nothing", holder=valid_holder(), application_id="a-1", at=AT)


def test_an_unknown_event_is_named_with_the_possible_ones() -> None:
    engine, holder = Engine(), valid_holder()
    renewal = engine.start(BusinessType.RENEWAL, holder=holder, application_id="a-1", at=AT)
    with pytest.raises(UnknownEvent) as raised:
        engine.fire(
            renewal, "intiate", actor=right_actor(Role.APPLICANT, renewal), at=AT, holder=holder
        )
    assert raised.value.context["event"] == "intiate"


@pytest.mark.parametrize(
    "argv",
    [
        ["deadline", "--expiry", "2026-12-11", "--ruleset", "nowhere"],
        ["rules", "--ruleset", "nowhere"],
        ["rules", "--version", "1999.1"],
        ["verify", "--ruleset", "nowhere", "--max-configurations", "1"],
        ["diagram", "renewal", "--ruleset", "nowhere"],
        ["check", "examples/cases/renewal-filed-late.json", "--ruleset", "nowhere"],
    ],
)
def test_the_command_line_names_an_unknown_rule_set_or_version(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(Path(__file__).parents[1])
    assert main([*argv, "--lang", "en"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ")
    assert "nowhere" in error or "1999.1" in error
    assert "KeyError" not in error



def test_a_rule_naming_a_step_no_machine_has_is_refused_when_the_engine_is_built() -> None:
    """Renaming REN-002's event to "intiate" once failed only two golden cases: the rule was
    silently never judged. Every such rule is named at once, with the names it got wrong: an
    event no machine has, a kind of step no machine of the rule's businesses has."""
    import attrs

    from permitflow.errors import DefinitionError
    from permitflow.rules import haidian
    from permitflow.tags import Tag

    version = haidian.ruleset.in_force_on(AT.date())
    misspelt = attrs.evolve(version.rule("REN-002"), event="intiate")
    retired = attrs.evolve(version.rule("CHG-010"), event="leave")
    # A renewal is filed by the employer: no employer approves it.
    untagged = attrs.evolve(
        version.rule("REN-003"), tags=frozenset({Tag.SUBMISSION, Tag.EMPLOYER_APPROVAL})
    )
    with pytest.raises(DefinitionError) as refused:
        rule_engine([misspelt, retired, untagged, version.rule("REN-005")])
    said = refused.value.message_en
    assert "(REN-002)" in said
    assert "“intiate”" in said
    assert "(CHG-010)" in said
    assert "“leave”" in said
    assert "(REN-003)" in said
    assert "“employer_approval”" in said
    assert "“submission”" not in said
    assert "REN-005" not in said
    assert "所把关的办理事项在各业务流程中都不存在" in refused.value.message_zh
    assert "所把关的步骤类型在其所适用业务的流程中都不存在" in refused.value.message_zh


def test_a_step_renamed_in_a_machine_leaves_no_rule_that_guards_it_unused() -> None:
    """The holder's machines without the association: the Haidian rules guarding its steps
    (dissociate, declare_leaving) name steps the engine no longer has."""
    from permitflow.errors import DefinitionError
    from permitflow.machines import HOLDER_MACHINES
    from permitflow.machines.association import ASSOCIATION

    without = tuple(machine for machine in HOLDER_MACHINES if machine is not ASSOCIATION)
    with pytest.raises(DefinitionError) as refused:
        Engine(holder_definitions=without)
    assert "(CHG-010)" in refused.value.message_en
    assert "“dissociate”" in refused.value.message_en
    Engine(rules=False, holder_definitions=without)

"""A seventh business type registered from a package of its own (``reissue_business``): it
passes the shipped suite of its procedure, its key reads and is stored like the six built-in
ones, its own rules judge it, and the tests after these still see six types."""

from __future__ import annotations

import copy
import importlib
import pickle
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import attrs
import pytest
from attrs import AttrsInstance

from permitflow import available_business, from_dict, progress, to_dict
from permitflow.engine.engine import Engine
from permitflow.errors import DefinitionError, InvalidInput
from permitflow.groups import GROUP_TITLES, GROUPS, add_groups
from permitflow.labels import label
from permitflow.machines import business_type_specs, register_business_type
from permitflow.records.actors import Role
from permitflow.records.application import Application, BusinessType
from permitflow.records.holder import PermitState, Slot
from permitflow.rules import ParameterTable, haidian
from permitflow.rules.catalogue import rules_markdown
from permitflow.rules.haidian import attachments
from permitflow.templates import new_case, template_form
from permitflow.testing import (
    AT,
    check_procedure,
    default_form,
    holder_for,
    judge,
    registries_restored,
    right_actor,
    rule_context,
)

HERE = Path(__file__).parent
SIX = (
    "new", "renewal", "employer_change", "basic_change", "business_change", "cancellation",
)  # fmt: skip


@pytest.fixture
def reissue(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The package imported as its author's users would, registering the type; afterwards the
    registries are as they were and the module is forgotten."""
    monkeypatch.syspath_prepend(str(HERE))
    with registries_restored():
        yield importlib.import_module("reissue_business")
        sys.modules.pop("reissue_business")


def test_the_type_passes_the_shipped_procedure_suite(reissue: ModuleType) -> None:
    check_procedure("reissue")


def test_the_key_reads_like_a_built_in_one(reissue: ModuleType) -> None:
    kind = reissue.REISSUE
    assert BusinessType("reissue") is kind
    assert kind.value == "reissue"
    assert BusinessType.REISSUE is kind  # type: ignore[attr-defined]
    assert [key.value for key in BusinessType] == [*SIX, "reissue"]
    assert pickle.loads(pickle.dumps(kind)) is kind
    assert copy.deepcopy(kind) is kind
    assert label(kind) == "证件补办"
    assert label(kind, "en") == "Permit reissue"
    assert [spec.business_type for spec in business_type_specs()][-1] is kind


def test_an_application_round_trips_as_a_snapshot(reissue: ModuleType) -> None:
    engine = Engine(rules=False)
    holder = holder_for("reissue")
    draft = engine.start("reissue", holder=holder, application_id="b-1", at=AT)
    assert isinstance(draft.form, reissue.ReissueForm)
    read = from_dict(to_dict(draft))
    assert read == draft
    assert isinstance(read, Application)
    assert read.business_type is reissue.REISSUE


def _filed(
    engine: Engine, form: AttrsInstance, permit: PermitState = PermitState.VALID
) -> set[str]:
    holder = holder_for("reissue")
    holder = attrs.evolve(holder, permit=attrs.evolve(holder.permit, state=permit))
    draft = engine.start("reissue", holder=holder, application_id="b-1", at=AT, form=form)
    findings = engine.check(draft, "submit", at=AT, holder=holder, include_passed=False)
    return {finding.rule_id for finding in findings if finding.blocks}


def test_its_own_rules_judge_it(reissue: ModuleType) -> None:
    engine = Engine(reissue.ruleset)
    assert _filed(engine, reissue.ReissueForm("遗失", published_notice=True)) == set()
    assert _filed(engine, reissue.ReissueForm("遗失")) == {"REI-001"}
    suspended = _filed(engine, reissue.ReissueForm("遗失", True), PermitState.SUSPENDED)
    assert "REI-002" in suspended


def test_a_rule_of_its_own_judged_alone(reissue: ModuleType) -> None:
    holder = holder_for("reissue")
    draft = Engine(rules=False).start("reissue", holder=holder, application_id="b-1", at=AT)
    ctx = rule_context(holder, draft, ruleset=reissue.ruleset)
    (finding,) = judge("REI-001", ctx, ruleset=reissue.ruleset)
    assert finding.blocks
    assert "遗失说明" in finding.message_zh


def test_one_authority_level_approves_it_and_the_card_is_reissued(reissue: ModuleType) -> None:
    engine = Engine(reissue.ruleset)
    holder = holder_for("reissue")
    application = engine.start(
        "reissue", holder=holder, application_id="b-1", at=AT, form=default_form("reissue")
    )
    steps = (
        ("submit", Role.APPLICANT), ("employer_approve", Role.EMPLOYER),
        ("accept", Role.AUTHORITY), ("pass", Role.AUTHORITY),
    )  # fmt: skip
    for minutes, (event, role) in enumerate(steps):
        outcome = engine.fire(
            application, event, actor=right_actor(role, application),
            at=AT + timedelta(minutes=minutes), holder=holder,
        )  # fmt: skip
        assert outcome.application is not None
        application, holder = outcome.application, outcome.holder
    assert application.state == "approved"
    assert holder.permit.state is PermitState.VALID
    assert holder.permit.changed_on == AT.date()
    assert holder.open_application is None


def test_its_spec_reviews_it_at_one_level_and_a_district_may_say_otherwise(
    reissue: ModuleType,
) -> None:
    engine, day = Engine(reissue.ruleset), AT.date()
    assert engine.definition("reissue", on=day).review_levels == 1
    assert engine.definition("new", on=day).review_levels == 2
    holder = holder_for("reissue")
    draft = engine.start("reissue", holder=holder, application_id="b-1", at=AT)
    assert progress(engine, draft, AT, holder=holder).levels == 1
    version = reissue.ruleset.versions[0]
    assert version.review_levels_used == {1, 2}
    district = version.derive(
        name="district", version="2024.2", since=version.effective_from, citation="区通知",
        parameters={"review.authority_levels_by_type": {"reissue": 2, "new": 3}},
    )  # fmt: skip
    by_district = Engine(district)
    assert by_district.definition("reissue", on=day).review_levels == 2
    assert by_district.definition("new", on=day).review_levels == 3
    assert by_district.definition("renewal", on=day).review_levels == 2


def test_it_asks_for_the_attachments_its_spec_names(reissue: ModuleType) -> None:
    version = reissue.ruleset.versions[0]
    att_007 = version.rule("ATT-007")
    assert reissue.REISSUE not in att_007.business_types  # Haidian's rules name the six only
    guarded = version.derive(
        name="guarded", version="2024.2", since=version.effective_from, citation="区通知",
        rules_removed=("ATT-007",),
        rules_added=(attrs.evolve(att_007, business_types=att_007.business_types | {"reissue"}),),
    )  # fmt: skip
    engine = Engine(guarded)
    form = reissue.ReissueForm("遗失", published_notice=True)
    assert "ATT-007" not in _filed(engine, form)
    holder = holder_for("reissue")
    without = attrs.evolve(
        holder, attachments=tuple(a for a in holder.attachments if a.slot is not Slot.OTHER)
    )
    draft = engine.start("reissue", holder=without, application_id="b-1", at=AT, form=form)
    (finding,) = [
        f for f in engine.check(draft, "submit", at=AT, holder=without)
        if f.rule_id == "ATT-007"
    ]
    assert finding.blocks
    assert finding.field == "attachments.other"
    ctx = rule_context(without, draft, ruleset=guarded)
    assert attachments.handed_in(ctx) == {Slot.OTHER}


def test_its_rules_have_a_group_of_their_own_in_the_catalogue(reissue: ModuleType) -> None:
    assert {rule.group for rule in reissue.RULES} == {"rei"}
    assert GROUP_TITLES["rei"] == ("证件补办", "Reissue")
    catalogue = rules_markdown(reissue.ruleset.versions[0])
    heading = "## REI: Reissue (证件补办) {#rei}"
    assert heading in catalogue
    # The type's group comes after the manual's, its two rules under it.
    assert catalogue.index("## FLOW: ") < catalogue.index(heading)
    below = catalogue[catalogue.index(heading) :].splitlines()
    assert [line.split(" | ")[0] for line in below if line.startswith("| REI-")] == [
        "| REI-001",
        "| REI-002",
    ]


def test_a_group_given_again_must_read_the_same(reissue: ModuleType) -> None:
    add_groups({"rei": ("证件补办", "Reissue"), "flow": GROUP_TITLES["flow"]})
    again = attrs.evolve(
        reissue.SPEC, business_type="reissue_again",
        groups={"rei": ("补证", "Replacement"), "lost": ("挂失", "Loss")},
    )  # fmt: skip
    with pytest.raises(DefinitionError, match="rei") as raised:
        register_business_type(again)
    assert raised.value.variant == "group_titled_otherwise"
    assert "规则组“rei”已有标题" in raised.value.message("zh")
    assert "lost" not in GROUPS
    assert GROUP_TITLES["rei"] == ("证件补办", "Reissue")


def test_haidian_s_attachment_matrix_may_carry_a_row_for_it(reissue: ModuleType) -> None:
    matrix = haidian.parameters.get("attachments.required")
    value = matrix.values[0].value
    own = {slot.value: cell.value for slot, cell in reissue.SPEC.attachments.items()}
    full = {slot.value: own.get(slot.value, "not_applicable") for slot in Slot}
    row = attrs.evolve(matrix.values[0], value={**value, "reissue": full})
    others = tuple(p for p in haidian.parameters.parameters if p.name != matrix.name)
    attachments.check_parameters(
        ParameterTable((*others, attrs.evolve(matrix, values=(row,))))
    )
    attachments.check_parameters(haidian.parameters)


def test_its_spec_names_the_permit_states_it_is_filed_in_and_no_rule_set_table_does(
    reissue: ModuleType,
) -> None:
    assert reissue.SPEC.permit_states == {PermitState.VALID}
    assert "flow.permit_states" not in {p.name for p in haidian.parameters.parameters}
    assert holder_for("reissue").permit.state is PermitState.VALID
    with pytest.raises(DefinitionError, match="suspended") as refused:
        register_business_type(
            attrs.evolve(
                reissue.SPEC, business_type="reissue_suspended", permit_states={"suspended"},
                labels={"business_type.reissue_suspended": ("挂起补办", "Suspended reissue")},
            )
        )  # fmt: skip
    assert refused.value.variant == "sample_permit_state"
    assert "reissue_suspended" not in {str(spec.business_type) for spec in business_type_specs()}


def test_its_spec_names_no_reason_to_file_it_at_once_and_no_template_of_its_own(
    reissue: ModuleType,
) -> None:
    holder = holder_for("reissue")
    lines = {line.business_type: line for line in available_business(Engine(), holder, AT)}
    assert lines[reissue.REISSUE].due == ()
    # Judged with its empty form, which REI-001 refuses at the submission, not at the door.
    assert lines[reissue.REISSUE].available
    assert template_form("reissue") == default_form("reissue")
    assert set(new_case("reissue")["holder"]) == {"holder_id", "profile", "permit"}
    cancellation = new_case("cancellation")["holder"]
    assert cancellation["association"] == {"employer": {"in_beijing": False}}


def test_the_registries_are_restored_after_a_type_of_ones_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(HERE))
    with registries_restored():
        module = importlib.import_module("reissue_business")
        sys.modules.pop("reissue_business")
        assert len(BusinessType) == len(SIX) + 1
        assert "rei" in GROUPS
        machine = module.reissue_machine(1)
    assert [key.value for key in BusinessType] == list(SIX)
    assert len(business_type_specs()) == len(SIX)
    assert "rei" not in GROUPS
    with pytest.raises(DefinitionError, match="rei"):
        attrs.evolve(module.RULES[0])
    with pytest.raises(DefinitionError, match="rei") as refused:
        Engine(rules=False, holder_definitions=(machine,))
    assert refused.value.variant == "unknown_groups"
    assert not hasattr(BusinessType, "REISSUE")
    with pytest.raises(ValueError, match="'reissue' is not a valid BusinessType"):
        BusinessType("reissue")
    with pytest.raises(InvalidInput):
        holder_for("reissue")
    with pytest.raises(InvalidInput):
        Engine(rules=False).definition("reissue", 1)

from __future__ import annotations

import pytest
from engine_sample import sample_definition

from permitflow.engine.compiled import compile_definition
from permitflow.engine.definition import MachineDefinition, State, Transition
from permitflow.engine.engine import Engine
from permitflow.engine.review import review_path
from permitflow.errors import DefinitionError
from permitflow.records.actors import Role
from permitflow.tags import Tag

APPLICANT = frozenset({Role.APPLICANT})


def machine(*transitions: Transition, states: tuple[State, ...] | None = None,
            initial: str = "a") -> MachineDefinition:  # fmt: skip
    return MachineDefinition(
        name="m", label_zh="测试", label_en="Test",
        states=states or (State("a", "A", "A"), State("b", "B", "B"),
                          State("end", "终", "End", terminal=True)),
        initial=initial, transitions=transitions,
    )  # fmt: skip


def go(event: str, source: str, dest: str, **kwargs: object) -> Transition:
    return Transition(event, (source,), dest, kwargs.pop("roles", APPLICANT), event, event,  # type: ignore[arg-type]
                      **kwargs)  # type: ignore[arg-type]  # fmt: skip


def test_a_sound_definition_compiles_to_a_lookup_table() -> None:
    compiled = compile_definition(machine(go("x", "a", "b"), go("y", "b", "end")))
    assert compiled.table[("a", "x")].dest == "b"
    assert compiled.allowed_from("b") == ("y",)
    assert compiled.allowed_from("end") == ()


def test_an_unreachable_state_is_named() -> None:
    with pytest.raises(DefinitionError) as caught:
        machine(go("y", "b", "end"))
    assert caught.value.context["states"] == ["b", "end"]


def test_a_trap_state_is_named() -> None:
    states = (State("a", "A", "A"), State("trap", "T", "T"), State("end", "E", "E", terminal=True))
    with pytest.raises(DefinitionError) as caught:
        machine(go("x", "a", "trap"), go("y", "a", "end"), states=states)
    assert caught.value.context["states"] == ["trap"]


def test_an_undeclared_initial_state_is_refused() -> None:
    with pytest.raises(DefinitionError) as caught:
        machine(go("x", "a", "end"), initial="zz")
    assert caught.value.context["states"] == ["zz"]


def test_an_undeclared_destination_is_refused() -> None:
    with pytest.raises(DefinitionError) as caught:
        machine(go("x", "a", "nowhere"))
    assert caught.value.context["states"] == ["nowhere"]


def test_an_unknown_rule_group_is_refused_when_an_engine_takes_the_machine() -> None:
    # A definition knows no rule groups; the engine that runs it checks them.
    unknown = machine(go("x", "a", "b", guards=frozenset({"nope"})), go("y", "b", "end"))
    with pytest.raises(DefinitionError) as caught:
        Engine(rules=False, holder_definitions=(unknown,))
    assert caught.value.context["groups"] == ["nope"]
    Engine(rules=False, holder_definitions=(machine(go("x", "a", "b", guards=frozenset({"bi"})),
                                                    go("y", "b", "end")),))  # fmt: skip


def test_the_same_event_twice_from_one_state_is_refused() -> None:
    with pytest.raises(DefinitionError) as caught:
        machine(go("x", "a", "b"), go("x", "a", "end"), go("y", "b", "end"))
    assert caught.value.context["event"] == "x"


def test_every_transition_of_one_event_is_the_same_kind_of_step() -> None:
    submission = frozenset({Tag.SUBMISSION})
    with pytest.raises(DefinitionError) as caught:
        machine(go("x", "a", "b", tags=submission), go("x", "b", "end"))
    assert (caught.value.variant, caught.value.context["event"]) == ("tags_differ", "x")
    machine(go("x", "a", "b", tags=submission), go("x", "b", "end", tags=submission))


@pytest.mark.parametrize("levels", [1, 2, 3])
def test_every_step_of_the_shipped_machines_says_what_kind_it_is(levels: int) -> None:
    engine = Engine(rules=False)
    definitions = [engine.definition(kind, levels) for kind in engine.business_types]
    untagged = sorted(
        f"{definition.name}.{transition.event}"
        for definition in (*definitions, *engine.holder_definitions)
        for transition in definition.transitions
        if not transition.tags
    )
    assert untagged == []


def test_a_terminal_state_has_no_way_out() -> None:
    with pytest.raises(DefinitionError) as caught:
        machine(go("x", "a", "b"), go("y", "b", "end"), go("z", "end", "a"))
    assert caught.value.context["states"] == ["end"]


def test_a_machine_needs_a_terminal_state() -> None:
    states = (State("a", "A", "A"), State("b", "B", "B"))
    with pytest.raises(DefinitionError):
        machine(go("x", "a", "b"), go("y", "b", "a"), states=states)


def test_a_review_level_goes_with_the_authority_role_only() -> None:
    with pytest.raises(DefinitionError):
        machine(go("x", "a", "b", level=1), go("y", "b", "end"))
    with pytest.raises(DefinitionError):
        machine(go("x", "a", "b", roles=frozenset({Role.AUTHORITY})), go("y", "b", "end"))


def test_an_event_needs_at_least_one_role() -> None:
    with pytest.raises(DefinitionError):
        machine(go("x", "a", "b", roles=frozenset()), go("y", "b", "end"))


def test_a_review_path_needs_a_level() -> None:
    with pytest.raises(DefinitionError) as caught:
        review_path(0)
    assert caught.value.context["levels"] == 0


@pytest.mark.parametrize("levels", [1, 3, 5])
def test_the_review_path_has_one_state_per_level(levels: int) -> None:
    names = [state.name for state in sample_definition(levels).states]
    assert [n for n in names if n.startswith("authority_review_")] == [
        f"authority_review_{k}" for k in range(1, levels + 1)
    ]

"""Diagrams read top-down in the platform's words; an event from many states is drawn once."""

from __future__ import annotations

import pytest
from engine_sample import sample_definition

from permitflow import BusinessType, diagram
from permitflow.engine.diagrams import mermaid
from permitflow.machines import BUSINESS_MACHINES


def test_the_diagram_reads_top_down_with_the_platforms_labels() -> None:
    definition = sample_definition(2)
    text = mermaid(definition)
    assert text.startswith("---\ntitle: ")
    assert "stateDiagram-v2\n  direction TB\n" in text
    for state in definition.states:
        assert f'state "{state.label_zh}" as {state.name}' in text
    submit = next(t for t in definition.transitions if t.event == "submit")
    assert f"draft --> {submit.dest}: {submit.label_zh}" in text
    assert f"[*] --> {definition.initial}" in text


@pytest.mark.parametrize("business_type", list(BusinessType))
def test_withdraw_and_close_moot_are_drawn_once(business_type: BusinessType) -> None:
    definition = BUSINESS_MACHINES[business_type](2)
    text = diagram(business_type)
    for event in ("withdraw", "close_moot"):
        transitions = [t for t in definition.transitions if t.event == event]
        if sum(len(t.sources) for t in transitions) < 3:
            continue
        assert text.count(f"（{event}）") == 1
        assert f"--> {transitions[0].dest}:" not in text
    # Every other step is an arrow of its own.
    for transition in definition.transitions:
        if transition.event not in ("withdraw", "close_moot"):
            for source in transition.sources:
                assert f"{source} --> {transition.dest}: " in text


def test_a_rare_event_into_a_final_state_stays_an_arrow() -> None:
    definition = sample_definition(1)
    text = mermaid(definition)
    approving = [t for t in definition.transitions if t.dest == "approved"]
    assert approving
    assert all(f"{s} --> approved: " in text for t in approving for s in t.sources)

"""Diagrams of the machines, drawn from their definitions so they cannot drift.

A diagram reads top-down and speaks the platform's words: each state by its Chinese label,
each arrow by the label of its step. An event that leaves many states for one final state
(``withdraw``, ``close_moot``) is not drawn from every state: it is written once, in a note
beside the state it leads to, naming the states it leaves.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

from permitflow.engine.definition import MachineDefinition, Transition
from permitflow.errors import Expected, InvalidInput
from permitflow.records.application import BusinessType, business_type_of
from permitflow.wiring import default_definitions

GROUPED_FROM = 3
"""An event leaving at least this many states for the same final state is written once, as a
note beside it."""


def _text(label: str) -> str:
    """A label as Mermaid reads it inside quotes, a note or after an arrow's colon."""
    return label.replace('"', "“").replace(":", "：").replace(";", "；").replace("#", "＃")


def _grouped(definition: MachineDefinition) -> dict[tuple[str, str], list[Transition]]:
    """(event, final state) → its transitions, for the events drawn once as a note."""
    final = {state.name for state in definition.states if state.terminal}
    by_target: dict[tuple[str, str], list[Transition]] = defaultdict(list)
    for transition in definition.transitions:
        if transition.dest in final:
            by_target[(transition.event, transition.dest)].append(transition)
    return {
        key: transitions
        for key, transitions in by_target.items()
        if sum(len(t.sources) for t in transitions) >= GROUPED_FROM
    }


def mermaid(definition: MachineDefinition) -> str:
    """A Mermaid ``stateDiagram-v2`` of ``definition``, laid out top-down.

    States are drawn with their Chinese labels and arrows with their steps' labels; an event
    leaving ``GROUPED_FROM`` or more states for one final state is a note beside it.
    """
    labels = {state.name: state.label_zh for state in definition.states}
    open_states = {state.name for state in definition.states if not state.terminal}
    grouped = _grouped(definition)
    lines = [
        "---",
        f"title: {_text(definition.label_zh)} ({_text(definition.label_en)})",
        "---",
        "stateDiagram-v2",
        "  direction TB",
    ]
    lines.extend(f'  state "{_text(labels[s.name])}" as {s.name}' for s in definition.states)
    lines.append(f"  [*] --> {definition.initial}")
    for transition in definition.transitions:
        if (transition.event, transition.dest) in grouped:
            continue
        lines.extend(
            f"  {source} --> {transition.dest}: {_text(transition.label_zh)}"
            for source in transition.sources
        )
    for (event, dest), transitions in grouped.items():
        sources = [source for t in transitions for source in t.sources]
        count = len(dict.fromkeys(sources))
        whence = (
            "任一未办结状态均可"
            if set(sources) >= open_states
            else f"{count} 个状态可办理，见事件表"
        )
        lines += [
            f"  note right of {dest}",
            f"    {_text(transitions[0].label_zh)}（{event}）",
            f"    {whence}",
            "  end note",
        ]
    return "\n".join(lines) + "\n"


def diagram(
    business_type: BusinessType | str,
    format: Literal["mermaid"] = "mermaid",
    *,
    review_levels: int = 2,
) -> str:
    """A Mermaid state diagram of a business type's machine.

    Drawn by [`mermaid`][permitflow.engine.diagrams.mermaid] for ``review_levels`` authority
    review levels.

    Raises:
        InvalidInput: for a format other than ``"mermaid"``.
    """
    if format != "mermaid":
        raise InvalidInput(
            "one_of", field="format", value=format, expected=Expected("one_of", ("mermaid",))
        )
    return mermaid(default_definitions()[business_type_of(business_type)](review_levels))

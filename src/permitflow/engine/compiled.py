"""Definitions compiled once into a private ``transitions`` machine, shared by every snapshot.

``transitions`` is an implementation detail: it never sees a domain object (no model, no
injected methods, no string callbacks, no ignored triggers). Its event table is read once into a
plain ``(state, event) -> Transition`` lookup, so firing an event costs one dict lookup whatever
the number of applications a portal holds.
"""

from __future__ import annotations

from transitions import Machine

from permitflow.engine.definition import MachineDefinition, Transition


class CompiledMachine:
    __slots__ = ("by_state", "definition", "events", "state_named", "states", "table", "withdrawal")

    def __init__(self, definition: MachineDefinition) -> None:
        self.definition = definition
        machine = Machine(
            model=None,
            states=[state.name for state in definition.states],
            initial=definition.initial,
            transitions=_transition_dicts(definition),
            auto_transitions=False,
            ignore_invalid_triggers=False,
        )
        ours = {
            (source, transition.event): transition
            for transition in definition.transitions
            for source in transition.sources
        }
        table: dict[tuple[str, str], Transition] = {}
        for event_name, event in machine.events.items():
            for source, compiled in event.transitions.items():
                for edge in compiled:
                    transition = ours[(source, event_name)]
                    if edge.dest != transition.dest:
                        raise AssertionError("transitions compiled a different destination")
                    table[(source, event_name)] = transition
        self.table = table
        self.events = frozenset(definition.events)
        self.states = frozenset(state.name for state in definition.states)
        by_state: dict[str, list[Transition]] = {}
        for (source, _event), transition in table.items():
            by_state.setdefault(source, []).append(transition)
        self.by_state = {state: tuple(items) for state, items in by_state.items()}
        self.state_named = {state.name: state for state in definition.states}
        # The step withdrawing the application from a state, if any: what the holder's
        # open-application marker says about who may withdraw it.
        self.withdrawal = {
            state: next(t for t in items if t.withdraws)
            for state, items in self.by_state.items()
            if any(t.withdraws for t in items)
        }

    def allowed_from(self, state: str) -> tuple[str, ...]:
        return tuple(sorted({t.event for t in self.by_state.get(state, ())}))


def _transition_dicts(definition: MachineDefinition) -> list[dict[str, object]]:
    return [
        {"trigger": transition.event, "source": source, "dest": transition.dest}
        for transition in definition.transitions
        for source in transition.sources
    ]


def compile_definition(definition: MachineDefinition) -> CompiledMachine:
    """Compile once and keep the result: the engine holds one per business type and levels.

    Deliberately not cached by value: two definitions that differ only in their effects are
    equal as data, and must not share a compiled machine."""
    return CompiledMachine(definition)

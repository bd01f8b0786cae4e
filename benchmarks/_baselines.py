"""The same machine driven by other means, for the bare-lifecycle comparison.

Each baseline is built from permitflow's own :class:`MachineDefinition` (same states, same
transitions, same sources and destinations) and does the same minimal work per event: one guard
(the actor's role is one of the transition's roles) and one after-callback (append an audit
tuple ``(event, source, dest, actor, at)`` to the application's history). Nothing else: no
version, no idempotency, no immutable snapshot. They are what the engine is compared against:

* ``SharedTransitions`` — ``transitions`` used the fastest way: one Machine for every
  application, each model added once, callables (not strings) as guard and callback, events
  triggered through the machine's event objects (no attribute lookup on the model).
* ``PerAppTransitions`` — one ``transitions`` Machine per application, as code that gives every
  object its own machine does.
* ``StatechartMachines`` — python-statemachine 3.x, one machine instance per application.
* ``Floor`` — a dict from ``(state, event)`` to the transition: the least any Python state
  machine can do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from statemachine import State, StateMachine
from transitions import EventData, Machine

from permitflow.engine.definition import MachineDefinition
from permitflow.records.actors import Actor, Role

Step = tuple[str, Actor, datetime]
"""One scripted event: name, who fires it, when."""
AuditTuple = tuple[str, str, str, Actor, datetime]


class Refused(Exception):
    """A baseline refused an event the script expected to be accepted."""


# --- transitions ----------------------------------------------------------------------------------


class TransitionsModel:
    """What ``transitions`` drives: it sets ``state`` and binds trigger methods onto it."""

    def __init__(self) -> None:
        self.state = ""
        self.history: list[AuditTuple] = []


def _role_guard(roles: frozenset[Role]) -> Callable[[EventData], bool]:
    def guard(event: EventData) -> bool:
        actor: Actor = event.kwargs["actor"]
        return actor.role in roles

    return guard


def _record(event: EventData) -> None:
    transition = event.transition
    model = event.model
    assert transition is not None
    assert transition.dest is not None
    assert isinstance(model, TransitionsModel)
    model.history.append(
        (event.event.name, transition.source, transition.dest, event.kwargs["actor"],
         event.kwargs["at"])
    )  # fmt: skip


def _transition_configs(definition: MachineDefinition) -> list[dict[str, Any]]:
    return [
        {
            "trigger": transition.event,
            "source": source,
            "dest": transition.dest,
            "conditions": [_role_guard(transition.roles)],
            "after": [_record],
        }
        for transition in definition.transitions
        for source in transition.sources
    ]


def _machine(definition: MachineDefinition, model: object) -> Machine:
    return Machine(
        model=model,
        states=[state.name for state in definition.states],
        initial=definition.initial,
        transitions=_transition_configs(definition),
        auto_transitions=False,
        send_event=True,
    )


def _trigger(machine: Machine, model: TransitionsModel, step: Step) -> None:
    event, actor, at = step
    if not machine.events[event].trigger(model, actor=actor, at=at):
        raise Refused(f"transitions refused {event!r} in state {model.state!r}")


class SharedTransitions:
    def __init__(self, definition: MachineDefinition) -> None:
        self.definition = definition
        self.machine = _machine(definition, None)

    def create(self) -> TransitionsModel:
        model = TransitionsModel()
        self.machine.add_model(model)
        return model

    def fire(self, model: TransitionsModel, step: Step) -> None:
        _trigger(self.machine, model, step)

    def state(self, model: TransitionsModel) -> str:
        return model.state

    def release(self, models: Sequence[TransitionsModel]) -> None:
        """Drop finished models (outside the timed section: a removal is O(live models))."""
        self.machine.remove_model(list(models))


class PerAppTransitions:
    def __init__(self, definition: MachineDefinition) -> None:
        self.definition = definition

    def create(self) -> tuple[Machine, TransitionsModel]:
        model = TransitionsModel()
        return _machine(self.definition, model), model

    def fire(self, pair: tuple[Machine, TransitionsModel], step: Step) -> None:
        _trigger(pair[0], pair[1], step)

    def state(self, pair: tuple[Machine, TransitionsModel]) -> str:
        return pair[1].state

    def release(self, pairs: Sequence[tuple[Machine, TransitionsModel]]) -> None:
        return None


# --- python-statemachine --------------------------------------------------------------------------


class StatechartModel:
    """The external model python-statemachine keeps the state on."""

    def __init__(self) -> None:
        self.state: str | None = None
        self.history: list[AuditTuple] = []


def _statechart_guard(roles: frozenset[Role]) -> Callable[[Actor], bool]:
    # python-statemachine passes callbacks the keyword arguments their signature names.
    def guard(actor: Actor) -> bool:
        return actor.role in roles

    return guard


def _statechart_record(
    event: Any, source: State, target: State, model: StatechartModel, actor: Actor, at: datetime
) -> None:
    model.history.append((str(event.id), str(source.id), str(target.id), actor, at))


def statechart_class(definition: MachineDefinition) -> type[StateMachine]:
    """A python-statemachine class with the definition's states and transitions."""
    states = {
        state.name: State(
            state.name,
            value=state.name,
            initial=state.name == definition.initial,
            final=state.terminal,
        )
        for state in definition.states
    }
    events: dict[str, Any] = {}
    for transition in definition.transitions:
        for source in transition.sources:
            edge = states[source].to(
                states[transition.dest],
                cond=_statechart_guard(transition.roles),
                after=_statechart_record,
            )
            events[transition.event] = (
                edge if transition.event not in events else events[transition.event] | edge
            )
    return type(f"{definition.name}_statechart", (StateMachine,), {**states, **events})


class StatechartMachines:
    def __init__(self, definition: MachineDefinition) -> None:
        self.definition = definition
        self.machine_class = statechart_class(definition)

    def create(self) -> StateMachine:
        return self.machine_class(model=StatechartModel())

    def fire(self, machine: StateMachine, step: Step) -> None:
        event, actor, at = step
        machine.send(event, actor=actor, at=at)

    def state(self, machine: StateMachine) -> str:
        model: StatechartModel = machine.model
        return str(model.state)

    def release(self, machines: Sequence[StateMachine]) -> None:
        return None


# --- the floor ------------------------------------------------------------------------------------


class FloorModel:
    __slots__ = ("history", "state")

    def __init__(self, state: str) -> None:
        self.state = state
        self.history: list[AuditTuple] = []


class Floor:
    def __init__(self, definition: MachineDefinition) -> None:
        self.definition = definition
        self.initial = definition.initial
        self.table = {
            (source, transition.event): (transition.dest, transition.roles)
            for transition in definition.transitions
            for source in transition.sources
        }

    def create(self) -> FloorModel:
        return FloorModel(self.initial)

    def fire(self, model: FloorModel, step: Step) -> None:
        event, actor, at = step
        found = self.table.get((model.state, event))
        if found is None or actor.role not in found[1]:
            raise Refused(f"floor refused {event!r} in state {model.state!r}")
        dest = found[0]
        model.history.append((event, model.state, dest, actor, at))
        model.state = dest

    def state(self, model: FloorModel) -> str:
        return model.state

    def release(self, models: Sequence[FloorModel]) -> None:
        return None

"""Machine definitions as data, checked when they are built.

A definition lists states (terminal ones marked), and transitions: for each event its source
state(s), its destination, the roles allowed to fire it, the review level an authority actor
must have, the rule groups that guard it and the effect it has on the holder's record. Building
a definition checks its graph the way python-statemachine does: one initial state, every state
reachable, every non-terminal state able to reach a terminal one, no reference to an unknown
state, role or rule group. A bad definition raises
[`DefinitionError`][permitflow.errors.DefinitionError] naming the culprits.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

import attrs
from attrs import frozen

from permitflow.errors import DefinitionError
from permitflow.messages import catalogue_error
from permitflow.records.actors import Actor, Role
from permitflow.records.application import Application
from permitflow.records.holder import HolderRecord
from permitflow.tags import SUBMITTING, Tag, events_tagged


class Ending(StrEnum):
    """How an application's procedure ended, carried by its terminal state: what the status
    views and the sweep read, whatever the state is called."""

    APPROVED = "approved"
    """Approved by the last authority level (全部审核通过): the confirmation slip is printable."""
    WITHDRAWN = "withdrawn"
    """Withdrawn by the party that may (撤回)."""
    CLOSED = "closed"
    """Closed as moot by the system (the permit it rested on ended)."""


@frozen
class State:
    """A state of a machine, with its labels in the platform's words."""

    name: str
    """The state's name, e.g. ``awaiting_acceptance``."""
    label_zh: str
    """Its label in Chinese, e.g. ``等待主管部门受理``."""
    label_en: str
    """Its label in English."""
    terminal: bool = False
    """True for a final state (approved, withdrawn, closed)."""
    level: int | None = None
    """The authority review level that acts in this state (1 while awaiting acceptance, k at
    level k and while the review of level k is suspended), or None."""
    ending: Ending | None = None
    """How the procedure ended, for a terminal state of an application's machine; None for
    every other state."""


@frozen
class Change:
    """What an effect sees and returns: the records as they stand after the state change."""

    holder: HolderRecord
    """The holder's record after the state change."""
    application: Application | None
    """The application after the state change; None for a holder event."""
    actor: Actor
    """Who fired the event."""
    at: datetime
    """When."""
    payload: Any
    """The event's payload (a form, a profile, an upload), if any."""
    params: Any
    """Rule-set parameters in force (a mapping by dotted name), or an empty mapping."""


Effect = Callable[[Change], Change]
Amend = Callable[[Application, Any], Application]
"""How an event's payload changes the application before the rules judge it."""


@frozen
class Transition:
    """One step of a machine: the event, the states it leaves, where it leads, who may take it and
    which rule groups guard it."""

    event: str
    """The event's name, e.g. ``submit``."""
    sources: tuple[str, ...]
    """The states it may be taken from."""
    dest: str
    """The state it leads to."""
    roles: frozenset[Role]
    """Who may take it."""
    label_zh: str
    """Its label in Chinese, as the platform words the step."""
    label_en: str
    """Its label in English."""
    guards: frozenset[str] = frozenset()
    """Rule groups evaluated before the event is accepted; error findings block it."""
    level: int | None = None
    """The review level an authority actor must hold to fire this transition."""
    tags: frozenset[Tag] = frozenset()
    """What kind of step it is ([`Tag`][permitflow.tags.Tag]): what the rules select by and the
    history is searched by, whatever the event is called. Every transition of one event in a
    machine carries the same tags."""
    effect: Effect | None = attrs.field(default=None, eq=False, repr=False)
    """What it does to the records besides the state (a callable on a Change), if anything."""
    amend: Amend | None = attrs.field(default=None, eq=False, repr=False)
    """Applies the payload to the application before the rules judge it. Without one, a
    payload of the business type's form replaces the form (a corrected resubmission)."""
    payload: type | None = None
    """The attrs class the event's payload must be an instance of (None: no payload)."""
    payload_required: bool = False
    """The event must carry its payload."""
    opinion: bool = False
    """The event carries a binding review opinion and optional tips (a return)."""
    reason: bool = False
    """The event needs a stated reason (a withdrawal, a suspension, a resumption), kept in its
    audit entry."""
    by_filer: frozenset[str] = frozenset()
    """When set, only the actor who fired the latest of these events (the party that filed the
    application) may fire this one; before any of them, every role of ``roles`` may."""
    internal: bool = False
    """A step that happens only as the effect of another machine's event (a new application's
    approval issues the permit); no actor fires it, so it names no role."""

    @property
    def submits(self) -> bool:
        """A submission, the first or a later one (tagged so): the first pins the rule-set
        version and the submission moment; every one clears the attestations given before (the
        file is new)."""
        return not self.tags.isdisjoint(SUBMITTING)

    @property
    def withdraws(self) -> bool:
        """The event withdraws the application (撤回, tagged so): who may fire it from a state
        is what the holder's open-application marker tells a person who wants to start another
        business."""
        return Tag.WITHDRAWAL in self.tags


@frozen
class MachineDefinition:
    """A machine as data: states, the initial state and transitions. Its graph is checked when it is
    built (one initial state, every state reachable, no trap state)."""

    name: str
    """The machine's name, e.g. ``renewal``."""
    label_zh: str
    """Its name in Chinese (续签)."""
    label_en: str
    """Its name in English."""
    states: tuple[State, ...]
    """Its states."""
    initial: str
    """The initial state's name."""
    transitions: tuple[Transition, ...]
    """Its transitions."""
    state_path: tuple[str, ...] = ("state",)
    """Where the state lives on the subject: ``("state",)`` for an application,
    ``("association", "state")`` for a component of the holder's record; ``()`` for a holder
    machine of one state that needs no field (the record of imported facts)."""
    cyclic: bool = False
    """A lifecycle that never ends (the profile, the employer association): no terminal state
    is required, but every state needs a way out."""
    tags_by_event: Mapping[str, frozenset[Tag]] = attrs.field(init=False, eq=False, repr=False)
    """The tags of each of its events (every transition of an event carries the same): how
    an audit entry of this machine is read as a kind of step."""
    terminal_states: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    """The names of the final states."""

    def __attrs_post_init__(self) -> None:
        terminal = frozenset(state.name for state in self.states if state.terminal)
        object.__setattr__(self, "terminal_states", terminal)
        check_definition(self)
        tags = {transition.event: transition.tags for transition in self.transitions}
        object.__setattr__(self, "tags_by_event", tags)

    def events_tagged(self, tags: Iterable[Tag]) -> frozenset[str]:
        """Its events that carry one of ``tags``."""
        return events_tagged(self.tags_by_event, tags)

    def state(self, name: str) -> State:
        """The state called ``name``."""
        for state in self.states:
            if state.name == name:
                return state
        raise KeyError(name)

    def ending(self, state: str) -> Ending | None:
        """How the procedure ended in ``state`` (None while it goes on)."""
        return self.state(state).ending

    @property
    def review_levels(self) -> int:
        """The number of authority review levels it is built for (0 without a review)."""
        return max((state.level or 0 for state in self.states), default=0)

    @property
    def events(self) -> tuple[str, ...]:
        """The names of its events, each once."""
        return tuple(dict.fromkeys(transition.event for transition in self.transitions))


def _fail(variant: str, definition: str, **fields: Any) -> DefinitionError:
    return DefinitionError(variant, definition=definition, **fields)


def _reachable(start: Iterable[str], edges: dict[str, set[str]]) -> set[str]:
    seen = set(start)
    queue = deque(seen)
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _check_labels(definition: MachineDefinition) -> None:
    """A person reads every state and every step by its label: none may be blank."""
    labelled: list[tuple[str, str, str]] = [
        (f"machine {definition.name}", definition.label_zh, definition.label_en),
        *((f"state {s.name}", s.label_zh, s.label_en) for s in definition.states),
        *((f"event {t.event}", t.label_zh, t.label_en) for t in definition.transitions),
    ]
    blank = [
        f"{what} has no label in {lang}"
        for what, zh, en in labelled
        for lang, text in (("zh", zh), ("en", en))
        if not text.strip()
    ]
    if blank:
        raise catalogue_error(definition.name, sorted(set(blank)))


def check_definition(definition: MachineDefinition) -> None:
    name = definition.name
    names = [state.name for state in definition.states]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise _fail("duplicate_states", name, states=duplicates)
    declared = set(names)
    if definition.initial not in declared:
        raise _fail("initial_undeclared", name, states=[definition.initial])
    if not definition.terminal_states and not definition.cyclic:
        raise _fail("no_terminal", name, states=[])
    ended = sorted(s.name for s in definition.states if s.ending is not None and not s.terminal)
    if ended:
        raise _fail("ending_not_terminal", name, states=ended)
    _check_labels(definition)

    forward: dict[str, set[str]] = {}
    backward: dict[str, set[str]] = {}
    seen_pairs: set[tuple[str, str]] = set()
    tags: dict[str, frozenset[Tag]] = {}
    for transition in definition.transitions:
        if tags.setdefault(transition.event, transition.tags) != transition.tags:
            raise _fail("tags_differ", name, event=transition.event)
        unknown = sorted({*transition.sources, transition.dest} - declared)
        if unknown:
            raise _fail("undeclared_states", name, event=transition.event, states=unknown)
        if not transition.roles and not transition.internal:
            raise _fail("no_role", name, event=transition.event)
        if transition.roles and transition.internal:
            raise _fail("internal_with_role", name, event=transition.event)
        if (transition.level is not None) != (Role.AUTHORITY in transition.roles):
            raise _fail("level_without_authority", name, event=transition.event)
        for source in transition.sources:
            if source in definition.terminal_states:
                raise _fail("terminal_exit", name, event=transition.event, states=[source])
            pair = (source, transition.event)
            if pair in seen_pairs:
                raise _fail("defined_twice", name, event=transition.event, states=[source])
            seen_pairs.add(pair)
            forward.setdefault(source, set()).add(transition.dest)
            backward.setdefault(transition.dest, set()).add(source)

    unreachable = sorted(declared - _reachable([definition.initial], forward))
    if unreachable:
        raise _fail("unreachable", name, states=unreachable)
    if not definition.terminal_states:
        dead_ends = sorted(declared - set(forward))
        if dead_ends:
            raise _fail("no_way_out", name, states=dead_ends)
        return
    trapped = sorted(declared - _reachable(definition.terminal_states, backward))
    if trapped:
        raise _fail("trapped", name, states=trapped)

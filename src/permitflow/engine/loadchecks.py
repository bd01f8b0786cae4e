"""What a stored snapshot must satisfy before it is trusted, cheapest check first.

1. [`measure`][permitflow.engine.loadchecks.measure] walks the raw document once, without recursion,
and stops at the first
   hard cap it exceeds (nodes, depth, list length, string length, integer size) or the first
   value that JSON cannot hold: nothing after it runs on a document too large to judge.
2. The converters of [`permitflow.engine.snapshot`][permitflow.engine.snapshot] build the values
with exact types.
3. [`replay_application`][permitflow.engine.loadchecks.replay_application] and
[`replay_holder`][permitflow.engine.loadchecks.replay_holder] read the history as the machine's own
   steps: every entry is a transition of the definition from the previous entry's state, by a
   role (and review level) the transition allows, in time order, numbered 1..n, each
   idempotency key once; the record's fields agree with what those steps can produce.

Every check reports into one [`Problems`][permitflow.engine.loadchecks.Problems], which keeps the
first few problems and counts
the rest, so that a document with a million faults costs one pass and one short message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from attrs import define, field, frozen

from permitflow.engine.compiled import CompiledMachine, compile_definition
from permitflow.engine.definition import MachineDefinition, Transition
from permitflow.errors import ABSENT, Problem
from permitflow.records.actors import Actor, Role
from permitflow.records.application import Application, BusinessType
from permitflow.records.audit import ATTESTATION_EVENT, AuditEntry, EntryKind
from permitflow.records.holder import AssociationState, HolderRecord

MAX_KEY_LENGTH = 200
"""The longest idempotency key accepted (a UUID is 36 characters)."""

DefinitionFactory = Callable[[int], MachineDefinition]
"""Builds a business type's definition for a number of authority review levels."""


@frozen
class Limits:
    """Hard caps of a stored document, checked before anything else reads it."""

    max_nodes: int = 2_000_000
    """Values in the whole document (every dict, list, string, number)."""
    max_depth: int = 24
    """Nesting of dicts and lists; the deepest snapshot permitflow writes is 8."""
    max_history: int = 200_000
    """Entries of one history."""
    max_items: int = 2_000
    """Items of any other list (attachments, income months, children...)."""
    max_string: int = 20_000
    """Characters of one string (a review opinion is the longest a person writes)."""
    max_integer: int = 2**53
    """Magnitude of an integer (what every JSON reader holds exactly)."""
    max_errors: int = 50
    """Problems listed in the error; the rest are counted."""


DEFAULT_LIMITS = Limits()


@define
class Problems:
    """The problems of one document: the first ``keep`` listed, every one counted."""

    keep: int
    listed: list[Problem] = field(factory=list)
    count: int = 0

    def add(self, problem: Problem) -> None:
        self.count += 1
        if len(self.listed) < self.keep:
            self.listed.append(problem)

    def note(self, reason: str, path: str, given: Any = ABSENT, **facts: Any) -> None:
        """Add the problem ``reason`` at ``path`` (see ``Problem``)."""
        if self.full:  # a hostile document may hold millions: count them, build none
            self.count += 1
            return
        self.add(Problem(reason, path, given, facts=facts))

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    @property
    def full(self) -> bool:
        return len(self.listed) >= self.keep

    def __bool__(self) -> bool:
        return self.count > 0


_SCALARS = (str, int, float, bool, type(None))


def measure(data: Any, limits: Limits) -> Problem | None:
    """The first cap ``data`` exceeds, or the first value JSON cannot hold, as a problem;
    None when the document may be read. One pass, no recursion, stops at the first problem.
    A tuple counts as a list: [`to_dict`][permitflow.to_dict] writes some, JSON reads them back
    as lists."""
    nodes = 0
    stack: list[tuple[Any, str, int]] = [(data, "$", 0)]
    while stack:
        value, path, depth = stack.pop()
        nodes += 1
        if nodes > limits.max_nodes:
            return Problem("too_many_values", facts={"limit": limits.max_nodes})
        kind = type(value)
        if kind is dict:
            if depth >= limits.max_depth:
                return Problem("too_deep", path, facts={"limit": limits.max_depth})
            for key, item in value.items():
                if type(key) is not str:
                    return Problem("key_not_string", path)
                if len(key) > limits.max_string:
                    return Problem("key_too_long", path, facts={"limit": limits.max_string})
                stack.append((item, f"{path}.{key}", depth + 1))
        elif kind is list or kind is tuple:
            if depth >= limits.max_depth:
                return Problem("too_deep", path, facts={"limit": limits.max_depth})
            cap = limits.max_history if path.endswith(".history") else limits.max_items
            if len(value) > cap:
                return Problem("too_many_items", path, facts={"limit": cap})
            stack.extend((item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value))
        elif isinstance(value, str):  # a string enum that to_dict left as it is, too
            if len(value) > limits.max_string:
                return Problem("string_too_long", path, facts={"limit": limits.max_string})
        elif kind is int:
            if abs(value) > limits.max_integer:
                return Problem("integer_too_large", path, facts={"limit": limits.max_integer})
        elif kind not in _SCALARS:
            return Problem("not_json_value", path, facts={"kind": kind.__name__})
    return None


# --- the history replayed as structure ----------------------------------------------------------


def _allowed(transition: Transition, actor: Actor) -> bool:
    if transition.internal or actor.role not in transition.roles:
        return False
    return actor.role is not Role.AUTHORITY or actor.level == transition.level


def may_attest(compiled: CompiledMachine, state: str, actor: Actor) -> bool:
    """Whether ``actor`` may record an attestation in ``state``: only someone whose review step
    it now is — the employer in its review, the authority level now reviewing. A withdrawal, a
    suspension or a resumption (the steps needing a stated reason) reviews nothing."""
    return any(_allowed(t, actor) and not t.reason for t in compiled.by_state.get(state, ()))


def clears_attestations(transition: Transition) -> bool:
    """A new submission and a return both start the file's attestations afresh."""
    return transition.submits or transition.opinion


def _common(version: int, history: tuple[AuditEntry, ...], problems: Problems) -> None:
    """Version, numbering, time order and idempotency keys: the same for every history."""
    if version != len(history):
        problems.note("version_history", "$.version", version, count=len(history))
    keys: dict[str, int] = {}
    previous: datetime | None = None
    for index, entry in enumerate(history):
        if problems.full:
            return
        where = f"$.history[{index}]"
        if entry.sequence != index + 1:
            problems.note("sequence", f"{where}.sequence", entry.sequence, should=index + 1)
        if previous is not None and entry.at < previous:
            problems.note("moment_order", f"{where}.at")
        previous = entry.at
        key = entry.idempotency_key
        if key is not None:
            if not 0 < len(key) <= MAX_KEY_LENGTH:
                problems.note("key_length", f"{where}.idempotency_key", limit=MAX_KEY_LENGTH)
            if key in keys:
                problems.note("key_reused", f"{where}.idempotency_key", entry=keys[key])
            keys.setdefault(key, index)


def levels_needed(
    application: Application, factory: DefinitionFactory, levels_used: Iterable[int]
) -> CompiledMachine | None:
    """The smallest definition (by review levels, among ``levels_used``: the numbers of levels
    a rule set has had) declaring every state the application names; None when none does."""
    named = {application.state}
    for entry in application.history:
        named.add(entry.from_state)
        named.add(entry.to_state)
    for levels in sorted(levels_used):
        compiled = compiled_machine(factory, levels)
        if named <= compiled.states:
            return compiled
    return None


_COMPILED: dict[tuple[DefinitionFactory, int], CompiledMachine] = {}
_COMPILED_CAP = 256


def compiled_machine(factory: DefinitionFactory, levels: int) -> CompiledMachine:
    """A compiled definition, kept for the next snapshot; the cache is bounded."""
    key = (factory, levels)
    compiled = _COMPILED.get(key)
    if compiled is None:
        if len(_COMPILED) >= _COMPILED_CAP:
            _COMPILED.clear()
        compiled = _COMPILED[key] = compile_definition(factory(levels))
    return compiled


def replay_application(
    application: Application,
    definitions: Mapping[BusinessType, DefinitionFactory],
    levels_used: frozenset[int],
    problems: Problems,
) -> None:
    """Every check of an application's history against its business type's machine."""
    history = application.history
    _common(application.version, history, problems)
    if history and history[0].at < application.created_at:
        problems.note("before_creation", "$.history[0].at")
    factory = definitions.get(application.business_type)
    if factory is None:
        return
    compiled = levels_needed(application, factory, levels_used)
    if compiled is None:
        problems.note(
            "unknown_state", "$.state", application.state,
            machine=application.business_type, levels=sorted(levels_used),
        )  # fmt: skip
        return
    state = compiled.definition.initial
    submitted_at: datetime | None = None
    attested: list[tuple[str, Actor, datetime, str]] = []
    for index, entry in enumerate(history):
        if problems.full:
            return
        where = f"$.history[{index}]"
        if entry.from_state != state:
            problems.note("from_state", f"{where}.from_state", entry.from_state, state=state)
        if not _owns(application, entry.actor):
            problems.note("not_own_record", f"{where}.actor")
        if entry.kind is EntryKind.ATTESTATION:
            rule_id = entry.rule_id
            if rule_id is None:
                problems.note("attest_no_rule", f"{where}.rule_id")
                rule_id = ""
            elif entry.event != ATTESTATION_EVENT:
                problems.note("attest_event", f"{where}.event", entry.event,
                              event=ATTESTATION_EVENT)  # fmt: skip
            elif entry.to_state != entry.from_state:
                problems.note("attest_changes_state", f"{where}.to_state")
            elif not may_attest(compiled, entry.from_state, entry.actor):
                problems.note("attest_not_step", f"{where}.actor")
            elif any(given[0] == rule_id for given in attested):
                problems.note("attest_twice", f"{where}.rule_id")
            elif entry.tips or entry.reason is not None or entry.opinion == "":
                problems.note("attest_note_only", where)
            attested.append((rule_id, entry.actor, entry.at, entry.opinion or ""))
            state = entry.to_state
            continue
        if entry.rule_id is not None:
            problems.note("event_with_rule", f"{where}.rule_id")
        elif (transition := _step(compiled, entry, where, problems)) is None:
            pass
        elif not _by_filer(transition, entry, history[:index]):
            problems.note("not_filer", f"{where}.actor")
        elif not _carries(transition, entry):
            problems.note("carries", where)
        else:
            if transition.submits and submitted_at is None:
                submitted_at = entry.at
            if clears_attestations(transition):
                attested.clear()
        state = entry.to_state
    if state != application.state:
        problems.note("state_differs", "$.state", application.state, state=state)
    if application.submitted_at != submitted_at:
        problems.note("submitted_at", "$.submitted_at")
    if application.ruleset is not None and submitted_at is None:
        problems.note("pin_without_submission", "$.ruleset")
    recorded = [(a.rule_id, a.actor, a.at, a.note) for a in application.attestations]
    if recorded != attested:
        problems.note("attestations_differ", "$.attestations")


def _owns(application: Application, actor: Actor) -> bool:
    if actor.role is Role.APPLICANT:
        return actor.id == application.holder_id
    if actor.role is Role.EMPLOYER:
        return actor.id == application.employer_id
    return True


def _by_filer(transition: Transition, entry: AuditEntry, before: tuple[AuditEntry, ...]) -> bool:
    if not transition.by_filer:
        return True
    filing = next((e for e in reversed(before) if e.event in transition.by_filer), None)
    return filing is None or filing.actor == entry.actor


def _stated(text: str | None) -> bool:
    return text is not None and bool(text.strip())


def _carries(transition: Transition, entry: AuditEntry) -> bool:
    """What the engine's payload check lets an entry carry: an opinion (and tips) with a
    return only, a reason with the steps needing one only."""
    if transition.opinion != _stated(entry.opinion) or (
        entry.opinion is not None and not transition.opinion
    ):
        return False
    if entry.tips and (not transition.opinion or not all(tip.strip() for tip in entry.tips)):
        return False
    return transition.reason == _stated(entry.reason) and (
        entry.reason is None or transition.reason
    )


def replay_holder(
    holder: HolderRecord, definitions: Iterable[MachineDefinition], problems: Problems
) -> None:
    """Every check of a holder record's history and of its own invariants."""
    history = holder.history
    _common(holder.version, history, problems)
    slots: set[str] = set()
    for index, attachment in enumerate(holder.attachments):
        if attachment.slot in slots:
            problems.note("second_file", f"$.attachments[{index}]", slot=attachment.slot)
        slots.add(attachment.slot)
    association = holder.association
    if association.state is AssociationState.ASSOCIATED and association.employer is None:
        problems.note("associated_no_employer", "$.association.employer")
    machines = {d.name: compiled_holder(d) for d in definitions}
    by_event = {event: compiled for compiled in machines.values() for event in compiled.events}
    permit = machines.get("permit")
    for index, entry in enumerate(history):
        if problems.full:
            return
        where = f"$.history[{index}]"
        compiled = by_event.get(entry.event)
        if entry.kind is not EntryKind.EVENT:
            problems.note("holder_attestation", f"{where}.kind")
        elif entry.rule_id is not None:
            problems.note("event_with_rule", f"{where}.rule_id")
        elif compiled is None:
            # The effect of an application's event on the permit: its states, one step.
            if permit is not None and not _permit_step(permit, entry):
                problems.note("permit_step", where, entry.from_state, state=entry.to_state)
        else:
            _step(compiled, entry, where, problems)


def _step(
    compiled: CompiledMachine, entry: AuditEntry, where: str, problems: Problems
) -> Transition | None:
    """The machine's transition the entry took, or None with the problem noted: no such step,
    a step leading elsewhere, or one its actor may not take."""
    transition = compiled.table.get((entry.from_state, entry.event))
    if transition is None:
        problems.note("no_step", f"{where}.event", entry.event, state=entry.from_state)
    elif transition.dest != entry.to_state:
        problems.note("leads_elsewhere", f"{where}.to_state", entry.to_state,
                      state=transition.dest)  # fmt: skip
    elif not _allowed(transition, entry.actor):
        problems.note("not_for_actor", f"{where}.actor")
    else:
        return transition
    return None


def _permit_step(permit: CompiledMachine, entry: AuditEntry) -> bool:
    if entry.from_state not in permit.states or entry.to_state not in permit.states:
        return False
    if entry.from_state == entry.to_state:  # the effect left the permit as it was
        return True
    return any(t.dest == entry.to_state for t in permit.by_state.get(entry.from_state, ()))


_HOLDER_COMPILED: dict[int, tuple[MachineDefinition, CompiledMachine]] = {}


def compiled_holder(definition: MachineDefinition) -> CompiledMachine:
    kept = _HOLDER_COMPILED.get(id(definition))
    if kept is None or kept[0] is not definition:
        if len(_HOLDER_COMPILED) >= _COMPILED_CAP:
            _HOLDER_COMPILED.clear()
        kept = _HOLDER_COMPILED[id(definition)] = (definition, compile_definition(definition))
    return kept[1]

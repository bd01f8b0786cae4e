"""The engine: fire events on immutable snapshots, list what may happen next, check rules.

One event, in this order (each step can refuse; a refusal raises and changes nothing):

1. the moment is an aware datetime, not earlier than the last accepted event;
2. an idempotency key already in the history returns the original outcome (or, for another
   event, raises `IdempotencyConflict`) — before the version check, so that a retry
   after a lost response is answered, not refused;
3. ``expected_version`` equals the snapshot's version (`VersionConflict`);
4. the event exists ([`UnknownEvent`][permitflow.errors.UnknownEvent]) and is allowed from this
state
   ([`EventNotAllowed`][permitflow.errors.EventNotAllowed], listing the allowed ones);
5. the actor's role, identity and review level ([`NotPermitted`][permitflow.errors.NotPermitted]);
6. the payload, opinion and tips have the right shape
([`InvalidInput`][permitflow.errors.InvalidInput]);
7. the rules guarding the event in the pinned rule-set version; error findings raise
   [`Blocked`][permitflow.errors.Blocked] with every finding;
8. a new snapshot: state, version + 1, one audit entry; then the transition's effect on the
   holder's record.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, TypeVar

import attrs
from attrs import frozen

from permitflow.engine.checks import (
    Request,
    admit,
    application_owner,
    check_actor,
    check_at,
    check_filer,
    check_holder,
    check_order,
    check_payload,
    holder_owner,
    last_at,
    latest_moment,
    raise_if_blocked,
    transition_for,
)
from permitflow.engine.compiled import CompiledMachine, compile_definition
from permitflow.engine.definition import Change, MachineDefinition, Transition
from permitflow.engine.loadchecks import (
    DefinitionFactory,
    clears_attestations,
    may_attest,
)
from permitflow.engine.rulesource import (
    RuleSetChoice,
    RuleSetVersion,
    RuleSetVersions,
    params_in_force,
    resolve_family,
)
from permitflow.engine.snapshot import Snapshot, from_dict
from permitflow.errors import (
    Blocked,
    DefinitionError,
    EventNotAllowed,
    Expected,
    InvalidInput,
    NotPermitted,
    Problem,
    UnknownEvent,
)
from permitflow.groups import GROUPS
from permitflow.records.actors import Actor, Role
from permitflow.records.application import (
    FORM_TYPES,
    Application,
    Attestation,
    BusinessType,
    Form,
    RuleSetPin,
    business_type_of,
)
from permitflow.records.audit import ATTESTATION_EVENT, AuditEntry, EntryKind
from permitflow.records.copying import positional, replace
from permitflow.records.holder import HolderRecord, OpenApplication, PermitState
from permitflow.rules.finding import Finding, Severity, Status
from permitflow.rules.rule import Rule, RulePlan, judging_day, local_date
from permitflow.rules.ruleset import judge_rules
from permitflow.tags import Tag
from permitflow.wiring import default_definitions, default_holder_definitions

DEFAULT_MOMENT_TOLERANCE = timedelta(days=3660)
"""Ten years: longer than any quiet spell of a living record (a permit runs three years)."""


@frozen
class Outcome:
    """What an accepted event on an application produced (`Engine.fire`, `Engine.attest`). The
    snapshots handed in are never touched."""

    event: str
    """The event fired."""
    holder: HolderRecord
    """The holder's record after the event."""
    application: Application
    """The application after the event."""
    findings: tuple[Finding, ...] = ()
    """Every finding that applied: warnings, tips and attestations still open."""
    replayed: bool = False
    """True when the idempotency key had been seen: nothing new happened."""
    moot: tuple[str, ...] = ()
    """Ids of the holder's other open applications this event made moot: the permit ended
    (a cancellation was approved, the permit expired) while they were open. The engine holds
    only the snapshots it is given; close each with ``close_moot`` (FLOW-102 now allows it),
    for example by handing them to `permitflow.sweep`, together with any drafts."""

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The warnings among the findings."""
        return _warnings(self.findings)


@frozen
class HolderOutcome:
    """What an accepted event on the holder's record produced (`Engine.fire_holder`): it moves
    no application. The record handed in is never touched."""

    event: str
    """The event fired."""
    holder: HolderRecord
    """The holder's record after the event."""
    findings: tuple[Finding, ...] = ()
    """Every finding that applied: warnings and tips."""
    replayed: bool = False
    """True when the idempotency key had been seen: nothing new happened."""
    moot: tuple[str, ...] = ()
    """Ids of the holder's open applications this event made moot (the permit expired or was
    cancelled while they were open); see `Outcome.moot`."""

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The warnings among the findings."""
        return _warnings(self.findings)


def _every_business() -> tuple[BusinessType, ...]:
    """The business types whose rules guard a holder event: every one defined when it fires
    (a type registered after the engine was built included)."""
    return tuple(BusinessType)


def _warnings(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    return tuple(f for f in findings if f.severity is Severity.WARNING)


_new_outcome = positional(Outcome)
_new_entry = positional(AuditEntry)

_Result = TypeVar("_Result", Outcome, HolderOutcome)
"""What a firing answers: an application's outcome, or the holder record's."""


@frozen
class EventOption:
    """One event of a machine, and whether this actor may fire it now (and if not, why)."""

    event: str
    """The event."""
    allowed: bool
    """True when it may be fired now."""
    label_zh: str = ""
    """Its label in Chinese."""
    label_en: str = ""
    """Its label in English."""
    dest: str | None = None
    """The state it leads to."""
    reason: str | None = None
    """The error code that would refuse it: event_not_allowed, not_permitted, blocked_by_rules."""
    reason_zh: str = ""
    """Why it may not, in Chinese; empty when allowed."""
    reason_en: str = ""
    """Why it may not, in English; empty when allowed."""
    findings: tuple[Finding, ...] = ()
    """The findings of its rules."""


class Engine:
    """Fires events for every business type and for the holder's record.

    ``ruleset`` is a rule-set family name (``"haidian"``, the default), a family object, or one
    fixed rule-set version. ``rules=False`` switches rule evaluation off (the bare machine).
    ``moment_tolerance`` is how far an event may lie ahead of the latest moment accepted on the
    records handed in (None: no bound), so that one mistyped year cannot lock a record.
    """

    def __init__(
        self,
        ruleset: RuleSetChoice = None,
        *,
        rules: bool = True,
        definitions: Mapping[BusinessType, DefinitionFactory] | None = None,
        holder_definitions: Iterable[MachineDefinition] | None = None,
        review_levels: int | None = None,
        moment_tolerance: timedelta | None = DEFAULT_MOMENT_TOLERANCE,
    ) -> None:
        self._family: RuleSetVersions = resolve_family(ruleset)
        self._tolerance = moment_tolerance
        self.rules_enabled = rules
        self._factories: Mapping[BusinessType, DefinitionFactory] = (
            definitions if definitions is not None else default_definitions()
        )
        self._fixed_levels = review_levels
        self._compiled: dict[tuple[BusinessType, int], CompiledMachine] = {}
        holder_machines = tuple(
            holder_definitions if holder_definitions is not None else default_holder_definitions()
        )
        self._holder_events: dict[str, CompiledMachine] = {}
        for definition in holder_machines:
            compiled = _compile(definition)
            for event in compiled.events:
                if event in self._holder_events:
                    raise InvalidInput(
                        "holder_event_twice", field="holder_definitions", event=event
                    )
                self._holder_events[event] = compiled
        self._holder_machines = holder_machines
        if rules:
            self._check_rule_steps()
        self._selections: dict[
            tuple[tuple[BusinessType, ...], str, frozenset[Tag], frozenset[str], str, str], RulePlan
        ] = {}

    def _check_rule_steps(self) -> None:
        """Every step a rule selects is one of this engine's machines has: the event it names
        is an event of one of them, each of its tags is carried by a transition of the machine
        of one of its business types (or of the holder's): a misspelt or retired name would
        otherwise leave the rule silently unused. All such rules of every version are named
        at once."""
        levels = self._fixed_levels or 1
        machines = {kind: make(levels) for kind, make in self._factories.items()}
        holder = frozenset[Tag]().union(
            *(tags for d in self._holder_machines for tags in d.tags_by_event.values())
        )
        carried = {kind: holder.union(*d.tags_by_event.values()) for kind, d in machines.items()}
        known = set(self._holder_events).union(*(d.events for d in machines.values()))
        problems: list[Problem] = []
        for version in self._family.versions:
            for rule in version.rules:
                kinds = rule.business_types & carried.keys()
                facts = {"rule_id": rule.id, "version": version.version}
                if kinds and rule.event is not None and rule.event not in known:
                    events = [rule.event]
                    problems.append(Problem("unknown_events", facts={**facts, "names": events}))
                tags = frozenset[Tag]().union(*(carried[kind] for kind in kinds))
                unknown = [tag.value for tag in sorted((rule.tags or tags) - tags)] if kinds else []
                if unknown:
                    problems.append(Problem("unknown_tags", facts={**facts, "names": unknown}))
        if problems:
            raise DefinitionError("ruleset", ruleset=self._family.name, problems=problems)

    # --- rule sets and definitions ---------------------------------------------------------

    def ruleset_for(self, application: Application | None, at: datetime) -> RuleSetVersion:
        """The rule-set version judging this application: its pinned one, else the one in force."""
        if application is not None and application.ruleset is not None:
            return self._family.version(application.ruleset.version)
        return self._family.in_force_on(local_date(at))

    def definition(
        self,
        business_type: BusinessType | str,
        review_levels: int | None = None,
        *,
        on: date | None = None,
    ) -> MachineDefinition:
        """The definition of a business type with ``review_levels`` authority review levels,
        else with the levels the rule-set version in force ``on`` that day gives the type (an
        engine built with fixed ``review_levels`` needs neither). There is no default day: no
        clock is read.
        """
        kind = business_type_of(business_type)
        if review_levels is None:
            review_levels = self._fixed_levels
        if review_levels is None:
            if on is None:
                raise InvalidInput("levels_or_day", field="on")
            review_levels = self._levels(kind, None, on)
        return self._machine(kind, review_levels).definition

    def definition_for(self, application: Application, at: datetime) -> MachineDefinition:
        """The definition an application moves through: its business type with the review
        levels of its pinned rule-set version (of the version in force at ``at`` before that)."""
        return self._machine_for(application, at)[0].definition

    @property
    def business_types(self) -> tuple[BusinessType, ...]:
        """The business types this engine runs."""
        return tuple(self._factories)

    @property
    def holder_definitions(self) -> tuple[MachineDefinition, ...]:
        """The machines of the holder's record (profile, attachments, association, permit)."""
        return self._holder_machines

    def _levels(self, kind: BusinessType, ruleset: RuleSetVersion | None, day: date) -> int:
        if self._fixed_levels is not None:
            return self._fixed_levels
        if ruleset is None:
            ruleset = self._family.in_force_on(day)
        return ruleset.review_levels(day, kind)

    def _machine(self, business_type: BusinessType, levels: int) -> CompiledMachine:
        key = (business_type, levels)
        compiled = self._compiled.get(key)
        if compiled is None:
            try:
                factory = self._factories[business_type]
            except KeyError:
                raise InvalidInput(
                    "one_of", field="business_type", value=str(business_type),
                    expected=Expected("one_of", tuple(self._factories), BusinessType),
                ) from None  # fmt: skip
            compiled = self._compiled[key] = _compile(factory(levels))
        return compiled

    def _machine_for(
        self, application: Application, at: datetime
    ) -> tuple[CompiledMachine, RuleSetVersion | None]:
        if not self.rules_enabled and self._fixed_levels is not None:
            return self._machine(application.business_type, self._fixed_levels), None
        ruleset = self.ruleset_for(application, at)
        day = local_date(application.submitted_at or at)
        kind = application.business_type
        return self._machine(kind, self._levels(kind, ruleset, day)), ruleset

    def load(self, data: Mapping[str, Any], *, review_levels: int | None = None) -> Snapshot:
        """[`from_dict`][permitflow.engine.snapshot.from_dict] against this engine's own
        machines: a stored snapshot's history is replayed through the definitions this engine
        fires (with ``review_levels`` authority levels; by default the engine's fixed number,
        else any number the default rule set has had)."""
        return from_dict(
            data,
            definitions=self._factories,
            holder_definitions=self._holder_machines,
            review_levels=review_levels if review_levels is not None else self._fixed_levels,
        )

    # --- applications -------------------------------------------------------------------------

    def start(
        self,
        business_type: BusinessType | str,
        *,
        holder: HolderRecord,
        application_id: str,
        at: datetime,
        form: Form | None = None,
        employer_id: str | None = None,
    ) -> Application:
        """A new application in its initial state (version 0, empty history).

        The employer defaults to the one the holder is associated with.
        """
        check_at(at)
        check_order(at, last_at(holder), self._tolerance)
        kind = business_type_of(business_type)
        form_type = FORM_TYPES[kind]
        if form is None:
            try:
                form = form_type()
            except TypeError:
                raise InvalidInput("form_needed", field="form", business_type=kind) from None
        if not isinstance(form, form_type):
            raise InvalidInput("form_type", field="form", business_type=kind)
        if employer_id is None:
            employer = holder.association.employer
            employer_id = employer.credit_code if employer is not None else ""
        compiled = self._machine(kind, self._levels(kind, None, local_date(at)))
        return Application(
            id=application_id,
            business_type=kind,
            holder_id=holder.holder_id,
            employer_id=employer_id,
            state=compiled.definition.initial,
            form=form,
            created_at=at,
        )

    def fire(
        self,
        application: Application,
        event: str,
        *,
        actor: Actor,
        at: datetime,
        holder: HolderRecord,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
        payload: Any = None,
        opinion: str | None = None,
        tips: Iterable[str] = (),
        reason: str | None = None,
    ) -> Outcome:
        """Fire ``event`` on an application; returns the new snapshots and findings.

        ``opinion`` and ``tips`` go with a return; ``reason`` with a withdrawal, a suspension
        and a resumption. The holder's open-application marker follows the application's state.
        """
        request = Request(event, actor, payload, opinion, tuple(tips), reason)
        return self._fire(
            application, holder, request, at, expected_version, idempotency_key,
            after=_after(application, holder),
            locate=lambda: self._application_step(application, holder, request, at),
            replayed=lambda findings: Outcome(event, holder, application, findings, replayed=True),
        )  # fmt: skip

    def attest(
        self,
        application: Application,
        rule_id: str,
        *,
        actor: Actor,
        at: datetime,
        holder: HolderRecord,
        note: str = "",
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Outcome:
        """Record that a person decided an attestation rule (who, when, why) for this file.

        Attestation rules (a colour scan, lawful housing...) wait for this instead of passing
        silently. Only the party whose step it now is attests — the employer in its review, the
        authority level now reviewing. The attestation holds until the file is returned or
        submitted again; it is one more audit entry, of the kind ``attestation`` and naming
        ``rule_id``, and does not change the state.
        """
        event = ATTESTATION_EVENT
        request = Request(event, actor, opinion=note or None, rule_id=rule_id)
        return self._fire(
            application, holder, request, at, expected_version, idempotency_key,
            after=_after(application, holder),
            locate=lambda: self._attestation_step(application, holder, rule_id, request, at),
            replayed=lambda findings: Outcome(event, holder, application, findings, replayed=True),
        )  # fmt: skip

    def allowed_events(
        self, application: Application, actor: Actor, at: datetime, *, holder: HolderRecord
    ) -> tuple[EventOption, ...]:
        """Every event of the application's machine, with whether ``actor`` may fire it now."""
        check_at(at)
        compiled, ruleset = self._machine_for(application, at)
        kind, state = application.business_type, application.state
        steps = compiled.definition.tags_by_event

        def judge(transition: Transition) -> tuple[Finding, ...]:
            check_filer(transition, actor, application)
            return self._judge(
                _step(transition, steps, kind, state, (kind,), ruleset, application), holder, at
            )

        owner = application_owner(application)
        return tuple(
            _option(compiled, state, event, actor, owner, judge)
            for event in compiled.definition.events
        )

    def check(
        self,
        application: Application,
        event: str,
        *,
        at: datetime,
        holder: HolderRecord,
        include_passed: bool = True,
    ) -> tuple[Finding, ...]:
        """Every finding of the rules guarding ``event`` — a checklist, nothing is fired."""
        check_at(at)
        check_holder(holder, application)
        compiled, ruleset = self._machine_for(application, at)
        kind, state = application.business_type, application.state
        transition = transition_for(compiled, state, event, kind)
        if ruleset is None:
            ruleset = self.ruleset_for(application, at)
        step = _step(
            transition, compiled.definition.tags_by_event, kind, state, (kind,), ruleset,
            application,
        )  # fmt: skip
        return self._judge(step, holder, at, checklist=True, include_passed=include_passed)

    def pending_attestations(
        self, application: Application, event: str, *, at: datetime, holder: HolderRecord
    ) -> tuple[Finding, ...]:
        """The findings of ``event`` that wait for a person's attestation (see `attest`)."""
        return tuple(
            finding
            for finding in self.check(
                application, event, at=at, holder=holder, include_passed=False
            )
            if finding.status is Status.NEEDS_ATTESTATION
        )

    # --- the holder's record -------------------------------------------------------------------

    @property
    def holder_events(self) -> tuple[str, ...]:
        """The events of the holder's record machines."""
        return tuple(sorted(self._holder_events))

    def fire_holder(
        self,
        holder: HolderRecord,
        event: str,
        *,
        actor: Actor,
        at: datetime,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
        payload: Any = None,
    ) -> HolderOutcome:
        """Fire an event on the holder's record (profile, attachments, association, permit)."""
        request = Request(event, actor, payload)
        return self._fire(
            holder, holder, request, at, expected_version, idempotency_key,
            after=last_at(holder),
            locate=lambda: self._holder_step(holder, request, at),
            replayed=lambda findings: HolderOutcome(event, holder, findings, replayed=True),
        )  # fmt: skip

    def allowed_holder_events(
        self, holder: HolderRecord, actor: Actor, at: datetime
    ) -> tuple[EventOption, ...]:
        """The holder events ``actor`` may fire on ``holder`` now."""
        check_at(at)
        ruleset = self._holder_ruleset(at)
        owner = holder_owner(holder)
        every = _every_business()
        options = []
        for event in self.holder_events:
            compiled = self._holder_events[event]
            state = _holder_state(holder, compiled.definition)

            def judge(transition: Transition, definition: MachineDefinition = compiled.definition,
                      state: str = state) -> tuple[Finding, ...]:  # fmt: skip
                step = _step(
                    transition, definition.tags_by_event, definition.name, state, every, ruleset
                )
                return self._judge(step, holder, at)

            options.append(_option(compiled, state, event, actor, owner, judge))
        return tuple(options)

    # --- the firing pipeline -----------------------------------------------------------------

    def _fire(
        self,
        subject: Application | HolderRecord,
        holder: HolderRecord,
        request: Request,
        at: datetime,
        expected_version: int | None,
        idempotency_key: str | None,
        *,
        after: datetime | None,
        locate: Callable[[], tuple[_Step, Callable[[AuditEntry], _Result]]],
        replayed: Callable[[tuple[Finding, ...]], _Result],
    ) -> _Result:
        """The one way an event is taken, for applications, attestations and the holder's
        record alike: the request admitted (moment, key, replay, version), the step located and
        allowed (``locate``: machine, transition, actor, input), its rules judged, one audit
        entry, the new snapshots (the writer ``locate`` handed back)."""
        replay = admit(
            subject, request, at, expected_version, idempotency_key,
            after=after, tolerance=self._tolerance,
        )  # fmt: skip
        if replay is not None:
            return replayed(replay.findings)
        step, write = locate()
        findings = self._judge(step, holder, at)
        entry = _new_entry(
            subject.version + 1, request.event, step.state, step.dest, request.actor, at,
            request.opinion, request.reason, request.tips, idempotency_key, findings,
            request.fingerprint() if idempotency_key is not None else None,
            EntryKind.EVENT if request.rule_id is None else EntryKind.ATTESTATION,
            request.rule_id,
        )  # fmt: skip
        return write(entry)

    def _application_step(
        self, application: Application, holder: HolderRecord, request: Request, at: datetime
    ) -> tuple[_Step, _Write]:
        check_holder(holder, application)
        compiled, ruleset = self._machine_for(application, at)
        kind, state, event, actor = (
            application.business_type, application.state, request.event, request.actor,
        )  # fmt: skip
        transition = transition_for(compiled, state, event, kind)
        check_actor(transition, actor, kind, state, event, application_owner(application))
        check_filer(transition, actor, application)
        check_payload(transition, kind, request.payload, request.opinion, request.tips,
                      request.reason)  # fmt: skip
        judged = _amended(transition, application, request.payload)
        step = _step(
            transition, compiled.definition.tags_by_event, kind, state, (kind,), ruleset, judged
        )
        return step, functools.partial(
            _moved, compiled, transition, ruleset, judged, holder, request.payload
        )

    def _attestation_step(
        self,
        application: Application,
        holder: HolderRecord,
        rule_id: str,
        request: Request,
        at: datetime,
    ) -> tuple[_Step, _Write]:
        check_holder(holder, application)
        compiled, ruleset = self._machine_for(application, at)
        kind, state, event, actor = (
            application.business_type, application.state, request.event, request.actor,
        )  # fmt: skip
        if state in compiled.definition.terminal_states:
            raise EventNotAllowed(
                "ended", machine=kind, event=event, state=state, rule_id=rule_id, allowed=()
            )
        attesters = (ruleset or self.ruleset_for(application, at)).rule(rule_id).attested_by
        variant = None
        if actor.role not in attesters or not application_owner(application)(actor):
            variant = "attest_role"
        elif not may_attest(compiled, state, actor):
            variant = "attest_step"
        if variant is not None:
            raise NotPermitted(
                variant, machine=kind, event=event, state=state, rule_id=rule_id, actor=actor,
                roles=attesters,
            )  # fmt: skip
        existing = application.attested(rule_id)
        if existing is not None:
            raise InvalidInput(
                "attested", field="rule_id", value=rule_id, rule_id=rule_id, actor=existing.actor
            )
        # An attestation is guarded by no rule: it is what one of them waits for.
        step = _new_step(
            event, kind, state, state, frozenset(), (kind,), None, application, None, frozenset(),
            _NO_TAGS,
        )  # fmt: skip
        attestation = Attestation(rule_id, actor, at, request.opinion or "")
        return step, functools.partial(_attested, application, holder, attestation)

    def _holder_step(
        self, holder: HolderRecord, request: Request, at: datetime
    ) -> tuple[_Step, Callable[[AuditEntry], HolderOutcome]]:
        event, actor, payload = request.event, request.actor, request.payload
        compiled = self._holder_machine(event)
        definition = compiled.definition
        state = _holder_state(holder, definition)
        transition = transition_for(compiled, state, event, definition.name)
        check_actor(transition, actor, definition.name, state, event, holder_owner(holder))
        check_payload(transition, definition.name, payload, None, ())
        ruleset = self._holder_ruleset(at)
        step = _step(
            transition, definition.tags_by_event, definition.name, state, _every_business(),
            ruleset, payload=payload,
        )  # fmt: skip
        return step, functools.partial(
            _moved_holder, definition.state_path, transition, ruleset, holder, payload
        )

    def _holder_ruleset(self, at: datetime) -> RuleSetVersion | None:
        return self._family.in_force_on(local_date(at)) if self.rules_enabled else None

    def _holder_machine(self, event: str) -> CompiledMachine:
        try:
            return self._holder_events[event]
        except KeyError:
            raise UnknownEvent("holder", event=event, allowed=self.holder_events) from None

    # --- rules -------------------------------------------------------------------------------

    def _judge(
        self,
        step: _Step,
        holder: HolderRecord,
        at: datetime,
        *,
        checklist: bool = False,
        include_passed: bool = False,
    ) -> tuple[Finding, ...]:
        """The rules guarding ``step``, judged: the one judging of every firing, event option
        and checklist. Error findings refuse the step, except in a checklist (`check`), which
        runs even on an engine whose rules are switched off and refuses nothing."""
        ruleset = step.ruleset
        if ruleset is None or not step.guards or not (checklist or self.rules_enabled):
            return ()
        selected = self._selected(ruleset, step)
        if not selected:
            return ()
        findings = judge_rules(
            selected, ruleset.params_on(judging_day(step.judged, at)), holder, step.judged,
            step.event, at, tags_by_event=step.tags_by_event, payload=step.payload,
            include_passed=include_passed,
        )  # fmt: skip
        if not checklist:
            raise_if_blocked(findings, step.machine, step.event, step.state)
        return findings

    def _selected(self, ruleset: RuleSetVersion, step: _Step) -> RulePlan:
        """The rules guarding a step, each once, compiled into a plan once per rule-set version
        and kind of step: a holder event belongs to no single business type, so every rule
        naming it applies, read as of the first type that has it."""
        key = (step.kinds, step.event, step.tags, step.guards, ruleset.name, ruleset.version)
        selected = self._selections.get(key)
        if selected is None:
            by_id: dict[str, tuple[Rule, Severity, BusinessType]] = {}
            for kind in step.kinds:
                for rule, severity in ruleset.rules_for(kind, step.event, step.tags, step.guards):
                    by_id.setdefault(rule.id, (rule, severity, kind))
            selected = self._selections[key] = RulePlan.of(by_id.values())
        return selected


# --- steps ------------------------------------------------------------------------------------

_NO_TAGS: Mapping[str, frozenset[Tag]] = MappingProxyType({})

_Write = Callable[[AuditEntry], Outcome]
"""Writes the new snapshots of an application's step from its audit entry."""


@frozen
class _Step:
    """One event located in its machine and allowed for its actor: what its rules judge."""

    event: str
    machine: str
    """The machine, as a refusal names it."""
    state: str
    """The state before the event."""
    dest: str
    """The state after it (the same for an attestation)."""
    guards: frozenset[str]
    """The rule groups guarding it."""
    kinds: tuple[BusinessType, ...]
    """The business types whose rules guard it."""
    ruleset: RuleSetVersion | None
    """The rule-set version judging it; None on an engine without one."""
    judged: Application | None = None
    """The application as its rules judge it (with what the event hands in)."""
    payload: Any = None
    """What a holder event hands its rules, judged before the record changes."""
    tags: frozenset[Tag] = frozenset()
    """The kinds of step it is (the transition's tags)."""
    tags_by_event: Mapping[str, frozenset[Tag]] = attrs.field(factory=dict, eq=False)
    """The tags of every event of its machine: how its rules read the history."""


def _step(
    transition: Transition,
    tags_by_event: Mapping[str, frozenset[Tag]],
    machine: str,
    state: str,
    kinds: tuple[BusinessType, ...],
    ruleset: RuleSetVersion | None,
    judged: Application | None = None,
    payload: Any = None,
) -> _Step:
    return _new_step(
        transition.event, machine, state, transition.dest, transition.guards, kinds, ruleset,
        judged, payload, transition.tags, tags_by_event,
    )  # fmt: skip


_new_step = positional(_Step)


def _moved(
    compiled: CompiledMachine,
    transition: Transition,
    ruleset: RuleSetVersion | None,
    judged: Application,
    holder: HolderRecord,
    payload: Any,
    entry: AuditEntry,
) -> Outcome:
    """The application past ``entry``, the holder's record after the transition's effect."""
    sequence, history = entry.sequence, (*judged.history, entry)
    if transition.submits and judged.submitted_at is None:
        pin = RuleSetPin(ruleset.name, ruleset.version) if ruleset is not None else None
        # A submitted file is new: what was attested of it is attested again.
        moved = replace(
            judged, state=transition.dest, version=sequence, history=history,
            attestations=(), submitted_at=entry.at, ruleset=pin or judged.ruleset,
        )  # fmt: skip
    elif clears_attestations(transition):
        # A returned file comes back corrected: what was attested of it is attested again.
        moved = replace(
            judged, state=transition.dest, version=sequence, history=history, attestations=()
        )
    else:
        moved = replace(judged, state=transition.dest, version=sequence, history=history)
    after, moved_application = holder, moved
    if transition.effect is not None:
        change = transition.effect(
            Change(holder, moved, entry.actor, entry.at, payload,
                   params_in_force(ruleset, entry.at))
        )  # fmt: skip
        after = change.holder
        if change.application is not None:
            moved_application = change.application
    marker = _followed(compiled, after.open_application, moved_application)
    new_holder = _record_holder_change(holder, after, marker, entry, f"{moved.id}:{entry.event}")
    return _new_outcome(
        entry.event, new_holder, moved_application, entry.findings, False,
        _made_moot(holder, new_holder, moved_application.id),
    )  # fmt: skip


def _attested(
    application: Application, holder: HolderRecord, attestation: Attestation, entry: AuditEntry
) -> Outcome:
    attested = replace(
        application,
        version=entry.sequence,
        history=(*application.history, entry),
        attestations=(*application.attestations, attestation),
    )
    return Outcome(entry.event, holder, attested)


def _moved_holder(
    path: tuple[str, ...],
    transition: Transition,
    ruleset: RuleSetVersion | None,
    holder: HolderRecord,
    payload: Any,
    entry: AuditEntry,
) -> HolderOutcome:
    """The holder's record past ``entry``: its machine's state, then the transition's effect."""
    moved = _write_path(holder, path, transition.dest) if path else holder
    if transition.effect is not None:
        moved = transition.effect(
            Change(moved, None, entry.actor, entry.at, payload,
                   params_in_force(ruleset, entry.at))
        ).holder  # fmt: skip
    moved = replace(moved, version=entry.sequence, history=(*holder.history, entry))
    return HolderOutcome(entry.event, moved, entry.findings, moot=_made_moot(holder, moved, None))


def _after(application: Application, holder: HolderRecord) -> datetime | None:
    """The latest moment accepted on an application and its holder's record: the next
    event of the application comes no earlier (nor before the application was created)."""
    return latest_moment(last_at(application), application.created_at, last_at(holder))


def _option(
    compiled: CompiledMachine,
    state: str,
    event: str,
    actor: Actor,
    owner: Callable[[Actor], bool],
    judge: Callable[[Transition], tuple[Finding, ...]],
) -> EventOption:
    machine = compiled.definition.name
    transition = compiled.table.get((state, event))
    if transition is None:
        sample = next(t for t in compiled.definition.transitions if t.event == event)
        refused = EventNotAllowed(
            machine=machine, event=event, state=state, allowed=compiled.allowed_from(state)
        )
        return EventOption(
            event, False, sample.label_zh, sample.label_en, reason=refused.code,
            reason_zh=refused.message_zh, reason_en=refused.message_en,
        )  # fmt: skip
    option = EventOption(
        event, True, transition.label_zh, transition.label_en, dest=transition.dest
    )
    try:
        check_actor(transition, actor, machine, state, event, owner)
        findings = judge(transition)
    except NotPermitted as error:
        return replace(option, allowed=False, reason=error.code,
                            reason_zh=error.message_zh, reason_en=error.message_en)  # fmt: skip
    except Blocked as error:
        return replace(option, allowed=False, reason=error.code,
                            reason_zh=error.message_zh, reason_en=error.message_en,
                            findings=error.findings)  # fmt: skip
    return replace(option, findings=findings)


# --- helpers ----------------------------------------------------------------------------------


def _amended(transition: Transition, application: Application, payload: Any) -> Application:
    """The application as the event hands it in: what the rules judge and the new snapshot
    starts from."""
    if payload is None:
        return application
    if transition.amend is not None:
        return transition.amend(application, payload)
    if isinstance(payload, FORM_TYPES[application.business_type]):
        return replace(application, form=payload)
    return application


def _followed(
    compiled: CompiledMachine, marker: OpenApplication | None, application: Application
) -> OpenApplication | None:
    """The holder's open-application marker, in step with its application: the state now, how
    the platform names it and who may withdraw it (the marker itself when nothing differs)."""
    if marker is None or marker.id != application.id:
        return marker
    definition = compiled.definition
    state = compiled.state_named[application.state]
    withdrawal = compiled.withdrawal.get(state.name)
    roles: tuple[Role, ...] = ()
    if withdrawal is not None:
        filing = application.latest(withdrawal.by_filer) if withdrawal.by_filer else None
        roles = (filing.actor.role,) if filing is not None else tuple(sorted(withdrawal.roles))
    if (
        marker.state == state.name
        and marker.withdrawable_by == roles
        and (marker.business_zh, marker.business_en, marker.state_zh, marker.state_en)
        == (definition.label_zh, definition.label_en, state.label_zh, state.label_en)
    ):
        return marker
    return replace(
        marker, state=state.name, business_zh=definition.label_zh,
        business_en=definition.label_en, state_zh=state.label_zh, state_en=state.label_en,
        withdrawable_by=roles,
    )  # fmt: skip


def _made_moot(before: HolderRecord, after: HolderRecord, own: str | None) -> tuple[str, ...]:
    """The other open application, when this event ended the permit it depends on."""
    marker = after.open_application
    if before.permit.is_terminal or not after.permit.is_terminal or marker is None:
        return ()
    return () if marker.id == own else (marker.id,)


def _record_holder_change(
    before: HolderRecord,
    after: HolderRecord,
    marker: OpenApplication | None,
    cause: AuditEntry,
    event: str,
) -> HolderRecord:
    """``after`` with the open-application ``marker`` and, when the record changed, one more
    entry of its own history: the event that changed it."""
    # Effects hand back the very record they were given when they change nothing.
    if after is before and marker is before.open_application:
        return before
    sequence = before.version + 1
    entry = _new_entry(
        sequence, event, _permit_before(before, after), after.permit.state.value, cause.actor,
        cause.at, cause.opinion, cause.reason, cause.tips, None, (), cause.fingerprint,
        EntryKind.EVENT, None,
    )  # fmt: skip
    return replace(
        after, open_application=marker, version=sequence, history=(*before.history, entry)
    )


def _permit_before(before: HolderRecord, after: HolderRecord) -> str:
    """The state the changed permit came from: a fresh permit issued after an ended one (kept
    in ``former_permits``) starts from none, the ended one never moves again."""
    if len(after.former_permits) > len(before.former_permits):
        return PermitState.NONE.value
    return before.permit.state.value


def _holder_state(holder: HolderRecord, definition: MachineDefinition) -> str:
    """The state of one of the holder's machines; a machine with no state path is always in
    its one state (the record of imported facts)."""
    if not definition.state_path:
        return definition.initial
    return _read_path(holder, definition.state_path)


def _read_path(subject: Any, path: tuple[str, ...]) -> str:
    value = subject
    for name in path:
        value = getattr(value, name)
    return str(value)


def _write_path(subject: Any, path: tuple[str, ...], value: str) -> Any:
    if len(path) == 1:
        # The state field's converter turns the state name into its enum.
        return attrs.evolve(subject, **{path[0]: value})
    inner = getattr(subject, path[0])
    return replace(subject, **{path[0]: _write_path(inner, path[1:], value)})


def _compile(definition: MachineDefinition) -> CompiledMachine:
    """Compiles a definition whose guards name only rule groups a rule set can hold; the
    definition itself knows no rule groups, so they are checked when an engine takes it."""
    for transition in definition.transitions:
        unknown = sorted(transition.guards - GROUPS)
        if unknown:
            raise DefinitionError(
                "unknown_groups", definition=definition.name, event=transition.event, groups=unknown
            )
    return compile_definition(definition)

"""Hypothesis strategies and a stateful oracle test for code that embeds permitflow.

Install the ``testing`` extra (it brings hypothesis; nothing else in permitflow imports it)::

    from hypothesis import given
    from permitflow.testing import actors, applications, holders

    @given(holders())
    def test_my_portal_shows_every_holder(holder): ...

    @given(applications(BusinessType.RENEWAL))
    def test_my_portal_stores_every_renewal(case):
        assert load(store(case.application)) == case.application

* ``holders(permit_states=...)`` — complete, consistent holder records (profile, attachments,
  36 months of income and social insurance, residence, association, permit) in each permit
  state, dated relative to ``at``.
* ``holder_for(business_type)``, ``valid_holder(...)``, ``default_form(business_type)`` — one
  such record or form, without hypothesis: they live in [`permitflow.samples`][permitflow.samples]
  and are
  re-exported here.
* ``applications(business_type=None, engine=...)`` — a ``Case``: an application in a state
  reached by firing real events from its draft (only events the engine allows, so with a
  rule-judging engine the walk stops where the rules do), with its holder and the next moment.
* ``actors(subject, right=True)`` — actors who own the application or record (the holder, its
  employer, a reviewer, the system) or, with ``right=False``, strangers to it.
* ``event_sequences(subject)`` — lists of steps (event, actor, opinion) to fire blindly, for
  fuzzing: every refusal must leave the snapshot as it was.
* ``oracle_machine(business_type, table)`` — a ``RuleBasedStateMachine`` class firing random
  events from random actors and comparing each outcome with a plain table
  ``{(state, event): (dest, {"applicant", "employer", "system", "authority:1", ...})}``.
* ``load_rule_cases(path)`` and ``run_rule_case(case)`` — rule cases as data (a TOML file of
  ``[[case]]`` tables, each stating only the inputs that matter, the rest from the sample
  holder and the type's empty form; format in ``docs/testing.md``), each rule a case names
  judged as the engine judges it against the status the case expects.
* ``check_procedure(business_type)`` — the shipped suite of a business type's procedure
  variant; ``registries_restored()`` — the business types as they were after a test that
  registers one of its own.
* ``wording_problems(text, lang)`` — what in a message a person should not read: a code name,
  ``None``/``True``/``False``, a byte dump, a field path outside its bracket, a placeholder left
  unfilled, Chinese in English text; run it on every message a portal shows, a rule set's
  overlay texts included.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any, Literal

import attrs
from attrs import frozen
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from permitflow import groups as rule_groups
from permitflow import labels
from permitflow._rulecases import (
    REMOVED,
    CaseApplication,
    ExpectedFinding,
    RuleCase,
    apply_overrides,
    load_rule_cases,
    sample_application,
)
from permitflow.calendar import local_date
from permitflow.engine.definition import MachineDefinition
from permitflow.engine.engine import Engine, Outcome
from permitflow.engine.rulesource import RuleSetChoice, resolve_family
from permitflow.engine.snapshot import from_dict, to_dict
from permitflow.errors import (
    EventNotAllowed,
    InvalidInput,
    NotPermitted,
    PermitflowError,
    ProcedureError,
    UnknownEvent,
    UnknownRuleSet,
)
from permitflow.machines import spec as spec_registry
from permitflow.machines.spec import Procedure, business_type_spec
from permitflow.records.actors import Actor, Role
from permitflow.records.application import (
    FORM_TYPES,
    TRAITS,
    Application,
    BusinessType,
    Form,
)
from permitflow.records.holder import (
    HolderRecord,
    MaritalStatus,
    PermitState,
)
from permitflow.rules.finding import Finding, Severity, Status
from permitflow.rules.parameters import ResolvedParameters
from permitflow.rules.rule import Rule, RuleContext, judging_day
from permitflow.samples import (
    AT,
    CHILD,
    EMPLOYERS,
    HOLDER_IDS,
    STRANGER_EMPLOYER,
    STRANGER_ID,
    default_form,
    holder_for,
    valid_holder,
)
from permitflow.tags import SUBMITTING, Tag
from permitflow.views.status import review_level
from permitflow.wiring import default_definitions, default_holder_definitions

__all__ = [
    "AT",
    "CHILD",
    "EMPLOYERS",
    "FixedRuleSet",
    "HOLDER_IDS",
    "PROCEDURE_TABLES",
    "REMOVED",
    "STRANGER_EMPLOYER",
    "STRANGER_ID",
    "Case",
    "CaseApplication",
    "Expect",
    "ExpectedFinding",
    "RuleCase",
    "Step",
    "actors",
    "allowed_moves",
    "applications",
    "apply_overrides",
    "assert_findings",
    "bare_engine",
    "check_procedure",
    "default_form",
    "event_sequences",
    "fire_all",
    "holder_for",
    "holders",
    "judge",
    "load_rule_cases",
    "oracle_machine",
    "procedure_table",
    "registries_restored",
    "review_table",
    "right_actor",
    "rule_context",
    "rule_engine",
    "run_rule_case",
    "sample_application",
    "valid_holder",
    "wording_problems",
]

def bare_engine(review_levels: int = 2) -> Engine:
    """The default machines without rules, for ``review_levels`` authority levels."""
    return Engine(rules=False, review_levels=review_levels)


@frozen
class FixedRuleSet:
    """A rule set of just ``rules`` and ``params``, in force every day: for testing a few rules
    (your own, or a handful of Haidian's) in the real machines. Pass it as ``Engine(ruleset)``.
    """

    rules: tuple[Rule, ...]
    params: Mapping[str, Any] = attrs.field(factory=dict)
    levels: int = 2
    name: str = "fixed"
    version: str = "1"

    def review_levels(self, day: date, business_type: BusinessType | None = None) -> int:
        """``levels``, for every business type."""
        return self.levels

    def params_on(self, day: date) -> Mapping[str, Any]:
        # As a rule set's: a name it lacks is an UnknownParameter with the day.
        return ResolvedParameters(dict(self.params), {}, day)

    def rules_for(
        self,
        business_type: BusinessType,
        event: str,
        tags: frozenset[Tag],
        groups: frozenset[str],
    ) -> tuple[tuple[Rule, Severity], ...]:
        return tuple(
            (rule, rule.severity)
            for rule in self.rules
            if rule.group in groups and rule.applies(business_type, event, tags)
        )

    def rule(self, rule_id: str) -> Rule:
        for candidate in self.rules:
            if candidate.id == rule_id:
                return candidate
        raise UnknownRuleSet("rule", ruleset=self.name, rule_id=rule_id)


def rule_engine(
    rules: Iterable[Rule], params: Mapping[str, Any] | None = None, *, levels: int = 2
) -> Engine:
    """The default machines judged by ``rules`` alone (with ``params``)."""
    return Engine(FixedRuleSet(tuple(rules), dict(params or {}), levels))


def rule_context(
    holder: HolderRecord,
    application: Application | None = None,
    event: str = "submit",
    at: datetime = AT,
    *,
    business_type: BusinessType | None = None,
    payload: Any = None,
    ruleset: RuleSetChoice = None,
) -> RuleContext:
    """The context a rule sees when ``event`` is fired at ``at``, as the engine builds it: the
    parameters of ``ruleset`` (default: the default family) in force on the judging day (the
    application's first submission, else ``at``), the tags of the events of the machine
    ``event`` belongs to (the business type's, else the holder's machine that has it). Without
    an application, name the ``business_type``; a holder event's ``payload`` as it hands it
    in."""
    kind = business_type or (application.business_type if application is not None else None)
    if kind is None:
        raise TypeError("rule_context() without an application needs business_type=")
    day = judging_day(application, at)
    version = resolve_family(ruleset).in_force_on(day)
    machines = [default_definitions()[kind](version.review_levels(day, kind))]
    machines += default_holder_definitions()
    steps = next((d.tags_by_event for d in machines if event in d.tags_by_event), {})
    return RuleContext(
        holder, application, kind, event, at, version.params_on(day), payload, steps
    )  # fmt: skip


def judge(
    rule_id: str, ctx: RuleContext, *, ruleset: RuleSetChoice = None, switched_off: bool = False
) -> tuple[Finding, ...]:
    """The findings of one rule of ``ruleset`` (default: the default family), as the engine
    judges it: the version in force on the judging day, the severity that version gives the
    rule, the day the rule declares. A rule that does not guard ``ctx.event`` for
    ``ctx.business_type`` in that version (an event renamed, a rule switched off) fails the
    test, as it would never be judged when the event fires; ``switched_off`` judges a rule the
    version switches off (its own severity), for the district that would switch it on."""
    version = resolve_family(ruleset).in_force_on(judging_day(ctx.application, ctx.at))
    rule = version.rule(rule_id)
    groups = frozenset({rule.group})
    guarding = version.rules_for(ctx.business_type, ctx.event, ctx.tags, groups)
    severities = [severity for candidate, severity in guarding if candidate.id == rule_id]
    if not severities and switched_off and rule.applies(ctx.business_type, ctx.event, ctx.tags):
        severities = [rule.severity]
    if not severities:
        raise AssertionError(
            f"{rule_id} does not guard {ctx.event!r} for {ctx.business_type.value!r} in "
            f"{version.name} {version.version} (on {local_date(ctx.at)})"
        )
    return rule.evaluate(ctx, severities[0])


# --- holders ------------------------------------------------------------------------------------


def holders(
    permit_states: tuple[PermitState, ...] = tuple(PermitState), *, at: datetime = AT
) -> st.SearchStrategy[HolderRecord]:
    """Complete, consistent holder records, each with a permit in one of ``permit_states``."""
    return st.builds(
        lambda holder_id, employer, state, marital, days: valid_holder(
            at=at,
            holder_id=holder_id,
            employer=employer,
            permit_state=state,
            marital_status=marital,
            expires_in_days=days,
        ),
        st.sampled_from(HOLDER_IDS),
        st.sampled_from(EMPLOYERS),
        st.sampled_from(permit_states),
        st.sampled_from(tuple(MaritalStatus)),
        st.integers(min_value=40, max_value=1000),
    )


# --- actors -------------------------------------------------------------------------------------


def right_actor(role: Role, subject: Application | HolderRecord, level: int = 1) -> Actor:
    """The actor of ``role`` who owns ``subject``: its holder, its employer, a reviewer."""
    if role is Role.APPLICANT:
        return Actor.applicant(subject.holder_id)
    if role is Role.EMPLOYER:
        if isinstance(subject, Application):
            return Actor.employer(subject.employer_id)
        employer = subject.association.employer
        return Actor.employer(employer.credit_code if employer else STRANGER_EMPLOYER)
    if role is Role.AUTHORITY:
        return Actor.authority(level, f"reviewer-{level}")
    return Actor.system("timer")


def actors(
    subject: Application | HolderRecord, *, right: bool = True, levels: int = 2
) -> st.SearchStrategy[Actor]:
    """Actors who own ``subject`` (``right``) or strangers to it: another holder, another
    employer. Reviewers of every level up to ``levels`` + 1 count as right (a reviewer may act
    on any file; the level decides the step)."""
    if not right:
        return st.sampled_from((Actor.applicant(STRANGER_ID), Actor.employer(STRANGER_EMPLOYER)))
    return st.one_of(
        st.sampled_from(
            tuple(right_actor(role, subject) for role in (Role.APPLICANT, Role.EMPLOYER,
                                                           Role.SYSTEM))
        ),
        st.integers(min_value=1, max_value=levels + 1).map(
            lambda level: right_actor(Role.AUTHORITY, subject, level)
        ),
    )  # fmt: skip


@frozen
class Step:
    """One event to fire, by whom, with an opinion when the event is a return and a reason when
    it is a withdrawal, a suspension or a resumption."""

    event: str
    actor: Actor
    opinion: str | None = None
    reason: str | None = None


def _step(definition: MachineDefinition | None, event: str, actor: Actor) -> Step:
    """``event`` by ``actor``, with the opinion or the reason its transitions in ``definition``
    (the application's machine; None for the holder's) ask for."""
    transitions = definition.transitions if definition is not None else ()
    asks = [t for t in transitions if t.event == event]
    return Step(
        event, actor, "请按审核意见修改" if any(t.opinion for t in asks) else None,
        "申请人另有安排" if any(t.reason for t in asks) else None,
    )  # fmt: skip


def event_sequences(
    subject: Application | HolderRecord,
    *,
    engine: Engine | None = None,
    max_size: int = 20,
) -> st.SearchStrategy[list[Step]]:
    """Blind sequences of steps for ``subject``'s machine (or the holder's events), fired by
    right and wrong actors alike."""
    engine = engine or bare_engine()
    definition = None
    if isinstance(subject, Application):
        definition = engine.definition(subject.business_type, 2)
        events = definition.events
    else:
        events = engine.holder_events
    who = st.one_of(actors(subject), actors(subject, right=False))
    steps = st.builds(functools.partial(_step, definition), st.sampled_from(events), who)
    return st.lists(steps, max_size=max_size)


# --- applications -------------------------------------------------------------------------------


@frozen
class Case:
    """An application reached by real events, its holder record, and when to fire next.

    ``fire`` and ``fire_holder`` return the next case, so a procedure reads as a chain::

        case = Case.start(BusinessType.NEW).fire("submit", Role.APPLICANT)
    """

    engine: Engine
    holder: HolderRecord
    application: Application
    at: datetime
    findings: tuple[Finding, ...] = ()
    """The findings of the last accepted event."""

    @classmethod
    def start(
        cls,
        business_type: BusinessType | str,
        *,
        engine: Engine | None = None,
        holder: HolderRecord | None = None,
        form: Form | None = None,
        at: datetime = AT,
        application_id: str | None = None,
    ) -> Case:
        """A draft of ``business_type`` for ``holder`` (by default one ready for it)."""
        kind = BusinessType(business_type)
        engine = engine or bare_engine()
        holder = holder or holder_for(kind, at=at)
        application = engine.start(
            kind, holder=holder, application_id=application_id or f"{kind.value}-1", at=at,
            form=form or default_form(kind, at=at),
        )  # fmt: skip
        return cls(engine, holder, application, at)

    def actor(self, by: Role | Actor, level: int | None = None) -> Actor:
        """``by`` itself when it is an actor, else the owner of that role (the reviewer of the
        level the application is at, for the authority)."""
        if isinstance(by, Actor):
            return by
        role = Role(by)
        if role is Role.AUTHORITY and level is None:
            definition = self.engine.definition_for(self.application, self.at)
            level = review_level(definition, self.application.state) or 1
        return right_actor(role, self.application, level or 1)

    def fire(
        self,
        event: str,
        by: Role | Actor,
        *,
        level: int | None = None,
        payload: Any = None,
        opinion: str | None = None,
        tips: tuple[str, ...] = (),
        reason: str | None = None,
        after: timedelta = timedelta(minutes=30),
    ) -> Case:
        """Fire ``event`` on the application; a return gets a default opinion, a withdrawal,
        a suspension and a resumption a default reason."""
        actor = self.actor(by, level)
        step = _step(self.engine.definition_for(self.application, self.at), event, actor)
        outcome = self.engine.fire(
            self.application, event, actor=actor, at=self.at, holder=self.holder,
            payload=payload, opinion=opinion or step.opinion, tips=tips,
            reason=reason or step.reason,
        )  # fmt: skip
        return Case(self.engine, outcome.holder, outcome.application, self.at + after,
                    outcome.findings)  # fmt: skip

    def fire_holder(
        self,
        event: str,
        by: Role | Actor,
        *,
        payload: Any = None,
        after: timedelta = timedelta(minutes=30),
    ) -> Case:
        """Fire ``event`` on the holder's record (an employer acts as the associated one)."""
        actor = by if isinstance(by, Actor) else right_actor(Role(by), self.holder)
        outcome = self.engine.fire_holder(
            self.holder, event, actor=actor, at=self.at, payload=payload
        )
        return Case(self.engine, outcome.holder, self.application, self.at + after,
                    outcome.findings)  # fmt: skip


def _owners(
    engine: Engine, application: Application, holder: HolderRecord, at: datetime
) -> tuple[Actor, ...]:
    owners = [right_actor(role, application) for role in (Role.APPLICANT, Role.EMPLOYER)]
    owners.append(right_actor(Role.SYSTEM, holder))
    level = review_level(engine.definition_for(application, at), application.state)
    if level is not None:
        owners.append(right_actor(Role.AUTHORITY, application, level))
    return tuple(owners)


def allowed_moves(
    engine: Engine, application: Application, holder: HolderRecord, at: datetime
) -> list[tuple[str, Actor]]:
    """Every (event, actor) the engine would accept now, among the application's owners."""
    return [
        (option.event, actor)
        for actor in _owners(engine, application, holder, at)
        for option in engine.allowed_events(application, actor, at, holder=holder)
        if option.allowed
    ]


@st.composite
def _walk(
    draw: st.DrawFn,
    business_type: BusinessType | None,
    engine: Engine,
    at: datetime,
    max_steps: int,
) -> Case:
    kind = business_type or draw(st.sampled_from(engine.business_types))
    case = Case.start(kind, engine=engine, at=at)
    for _ in range(draw(st.integers(min_value=0, max_value=max_steps))):
        moves = allowed_moves(engine, case.application, case.holder, case.at)
        if not moves:
            break
        event, actor = draw(st.sampled_from(moves))
        case = case.fire(event, actor, after=timedelta(hours=1))
    return case


def applications(
    business_type: BusinessType | str | None = None,
    *,
    engine: Engine | None = None,
    at: datetime = AT,
    max_steps: int = 14,
) -> st.SearchStrategy[Case]:
    """Applications (of ``business_type``, or any) in states reached by firing real events."""
    kind = BusinessType(business_type) if business_type is not None else None
    return _walk(kind, engine or bare_engine(), at, max_steps)


# --- the stateful oracle test -------------------------------------------------------------------

Oracle = Mapping[tuple[str, str], tuple[str, frozenset[str]]]
"""(state, event) -> (destination, who may fire it: "applicant", "employer", "system",
"authority:k"; and "filer": of those, only the actor of the latest filing, once filed)."""


def _who(actor: Actor) -> str:
    if actor.role is Role.AUTHORITY:
        return f"authority:{actor.level}"
    return actor.role.value


def _permitted(
    who: frozenset[str], actor: Actor, application: Application, definition: MachineDefinition
) -> bool:
    if _who(actor) not in who:
        return False
    submissions = definition.events_tagged(SUBMITTING)
    filing = application.latest(submissions) if "filer" in who else None
    return filing is None or filing.actor == actor


def _round_trip(snapshot: Application | HolderRecord) -> None:
    data = json.loads(json.dumps(to_dict(snapshot)))
    assert from_dict(data) == snapshot, "the snapshot does not survive to_dict/from_dict"


def _attempt(fire: Callable[[], Outcome]) -> tuple[Outcome | None, ProcedureError | None]:
    try:
        return fire(), None
    except ProcedureError as error:
        return None, error


def oracle_machine(
    business_type: BusinessType | str,
    table: Oracle,
    *,
    engine: Engine | None = None,
    levels: int = 2,
    at: datetime = AT,
) -> type[RuleBasedStateMachine]:
    """A stateful test of ``business_type``'s machine against ``table``.

    Each step fires a random event of the machine by a random actor (right or wrong identity,
    any review level up to ``levels`` + 1). An accepted event must be one the table allows for
    that actor, and land where the table says; a refused one must be one the table refuses
    (UnknownEvent / EventNotAllowed when the table has no such step, NotPermitted when the
    actor is not among those allowed) and leave both snapshots as they were. Invariants: the
    state is declared, the version counts the history, snapshots survive JSON.
    """
    kind = BusinessType(business_type)
    bare = engine or bare_engine(levels)
    definition = bare.definition(kind, levels)
    declared = frozenset(state.name for state in definition.states)
    events = tuple(sorted({event for _state, event in table} | set(definition.events)))

    class OracleMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.holder = holder_for(kind, at=at)
            self.application = bare.start(
                kind, holder=self.holder, application_id="oracle-1", at=at,
                form=default_form(kind, at=at),
            )  # fmt: skip
            self.moment = at

        @rule(
            event=st.sampled_from(events),
            role=st.sampled_from(tuple(Role)),
            level=st.integers(min_value=1, max_value=levels + 1),
            stranger=st.booleans(),
        )
        def fire(self, event: str, role: Role, level: int, stranger: bool) -> None:
            actor = right_actor(role, self.application, level)
            if stranger and role is Role.APPLICANT:
                actor = Actor.applicant(STRANGER_ID)
            elif stranger and role is Role.EMPLOYER:
                actor = Actor.employer(STRANGER_EMPLOYER)
            stranger = stranger and role in (Role.APPLICANT, Role.EMPLOYER)
            expected = table.get((self.application.state, event))
            allowed = (
                expected is not None
                and _permitted(expected[1], actor, self.application, definition)
                and not stranger
            )
            before = (to_dict(self.application), to_dict(self.holder))
            step = _step(definition, event, actor)
            outcome, refusal = _attempt(
                lambda: bare.fire(
                    self.application, event, actor=actor, at=self.moment, holder=self.holder,
                    opinion=step.opinion, reason=step.reason,
                )
            )  # fmt: skip
            if refusal is not None:
                assert not allowed, f"{actor.describe()} {event} refused: {refusal}"
                wanted = (UnknownEvent, EventNotAllowed) if expected is None else (NotPermitted,)
                assert isinstance(refusal, wanted), f"{event}: {type(refusal).__name__}"
                assert before == (to_dict(self.application), to_dict(self.holder))
                return
            assert allowed, f"{actor.describe()} {event} from {self.application.state} accepted"
            assert outcome is not None
            assert expected is not None
            assert outcome.application.state == expected[0]
            self.application, self.holder = outcome.application, outcome.holder
            self.moment += timedelta(minutes=30)

        @invariant()
        def state_is_declared(self) -> None:
            assert self.application.state in declared

        @invariant()
        def version_counts_history(self) -> None:
            assert self.application.version == len(self.application.history)
            assert self.holder.version == len(self.holder.history)

        @invariant()
        def snapshots_round_trip(self) -> None:
            _round_trip(self.application)
            _round_trip(self.holder)

    OracleMachine.__name__ = f"{kind.value.title().replace('_', '')}Oracle"
    return OracleMachine


def fire_all(case: Case, steps: list[Step]) -> tuple[Case, list[PermitflowError]]:
    """Fire ``steps`` on ``case``'s application in order; refusals are collected, not raised.

    A refused step leaves the case exactly as it was, so the next step starts from there.
    """
    refused: list[PermitflowError] = []
    for step in steps:
        try:
            case = case.fire(step.event, step.actor, opinion=step.opinion, reason=step.reason)
        except (ProcedureError, InvalidInput) as error:
            refused.append(error)
    return case, refused


# --- reading a message as a person would --------------------------------------------------------

_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|《[^》]*》|\"[^\"]*\"")
"""User data, a value given, a label set in quotes, a document's title: read as written."""
_REFERENCE = re.compile(r"[（(]\s*(?:\$[^）)]*|[A-Z]+-\d+[a-z]?)\s*[）)]")
"""A bracketed reference closing a clause: a rule id or a document's JSON path."""
_CODE_AFTER_LABEL = re.compile(r"(?<=[\u3400-\u9fff”])（[a-z][a-z0-9_]*）")
"""The code a person types, after its label: ``新办（new）``."""
_REPEATED = re.compile(r"(\S{4,})\1")
"""A phrase written twice in a row: 应为以下之一：以下之一：."""
_PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*\}")
_LITERAL = re.compile(r"\b(?:None|True|False)\b|\bb['\"]|\\x[0-9a-f]{2}")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.]*")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ZH_ASCII = frozenset({"base64"})
"""Lower-case ASCII a Chinese message may hold (upper-case units, formats and acronyms such as
MB, PDF, YYYY-MM-DD may always stand)."""


def wording_problems(text: str, lang: Literal["zh", "en"]) -> list[str]:
    """What in ``text`` (a message in ``lang``) a person should not have to read; empty when
    none. Quoted data (“…”), a document title (《…》), a rule id or a JSON path in brackets and,
    in Chinese, a code right after its label (``新办（new）``) are read as written."""
    found = [f"an unfilled placeholder {m}" for m in _PLACEHOLDER.findall(text)]
    if "““" in text or "””" in text:
        found.append("a value quoted twice")
    # A path in brackets may repeat a key ($.holder.holder_id): read the sentence around it.
    read = _REFERENCE.sub(" ", _QUOTED.sub("“”", text))
    found += [f"{m!r} said twice in a row" for m in _REPEATED.findall(read)]
    plain = _QUOTED.sub("“”", text)
    found += [f"a Python literal or bytes {m!r}" for m in _LITERAL.findall(plain)]
    plain = _REFERENCE.sub(" ", plain)
    if "$." in plain or "$[" in plain:
        found.append("a field path outside its bracket")
    if lang == "en":
        found += [f"Chinese {m!r} outside quotes" for m in _CJK.findall(plain)]
        return found
    plain = _CODE_AFTER_LABEL.sub(" ", plain)
    for word in _WORD.findall(plain):
        word = word.rstrip(".")
        if word in _ZH_ASCII or word.upper() == word:
            continue  # a unit, a format, an identifier (91110108MA01ABCD5T)
        found.append(f"an ASCII word {word!r} in Chinese text")
    return found


# --- one suite per procedure variant -----------------------------------------------------------
# Each table maps (state, event) to (destination, who may fire it), for a number of review levels.
# The applicant-filed business types share one procedure (M§2.4, M§5.5, M§6.4), the employer-filed
# ones another (M§3.2, M§4.3), a direct filing (M§7) a third: a business type registered with one
# of them passes ``check_procedure`` without a table of its own.

Who = frozenset[str]
Table = dict[tuple[str, str], tuple[str, Who]]

A, E, S = frozenset({"applicant"}), frozenset({"employer"}), frozenset({"system"})


def review_table(levels: int = 2) -> Table:
    """The authority's review at ``levels`` levels: each level passes, returns, suspends and
    resumes by its own reviewer; the last pass approves."""
    table: Table = {
        ("awaiting_acceptance", "accept"): ("authority_review_1", frozenset({"authority:1"})),
        ("awaiting_acceptance", "return"): ("returned", frozenset({"authority:1"})),
    }
    for k in range(1, levels + 1):
        level, review, suspended = frozenset({f"authority:{k}"}), f"authority_review_{k}", (
            f"authority_suspended_{k}"
        )  # fmt: skip
        table[review, "pass"] = ("approved" if k == levels else f"authority_review_{k + 1}", level)
        table[review, "return"] = ("returned", level)
        table[review, "suspend"] = (suspended, level)
        table[suspended, "resume"] = (review, level)
    return table


def _review_open(levels: int) -> tuple[str, ...]:
    return tuple(
        {state: None for state, _event in review_table(levels)} | {"returned": None}
    )


def _closing(levels: int, *open_states: str) -> Table:
    states = (*open_states, *_review_open(levels))
    return {(state, "close_moot"): ("closed", S) for state in states}


def _withdrawing(who: Who, *states: str) -> Table:
    return {(state, "withdraw"): ("withdrawn", who) for state in states}


APPLICANT_OR_EMPLOYER = A | E
FILER = frozenset({"filer"})
"""Of the roles listed with it, only the party of the latest filing, once filed."""


def procedure_table(procedure: Procedure, levels: int = 2) -> Table:
    """The table of ``procedure`` with ``levels`` authority review levels."""
    if procedure is Procedure.APPLICANT_FILED:
        return {
            ("draft", "submit"): ("employer_review", A),
            ("employer_review", "employer_approve"): ("awaiting_acceptance", E),
            ("employer_review", "employer_return"): ("employer_returned", E),
            ("employer_returned", "resubmit"): ("employer_review", A),
            ("returned", "resubmit"): ("employer_review", A),
            **review_table(levels),
            **_closing(levels, "draft", "employer_review", "employer_returned"),
            **_withdrawing(
                A, "draft", "employer_review", "employer_returned", "awaiting_acceptance",
                "returned",
            ),
        }  # fmt: skip
    if procedure is Procedure.EMPLOYER_FILED:
        return {
            ("draft", "prepare"): ("ready", A),
            ("ready", "initiate"): ("awaiting_acceptance", E),
            ("returned", "notify_fixed"): ("fixed", A),
            ("fixed", "reinitiate"): ("awaiting_acceptance", E),
            **review_table(levels),
            **_closing(levels, "draft", "ready", "fixed"),
            **_withdrawing(A | E, "draft", "ready"),
            **_withdrawing(E, "awaiting_acceptance", "returned", "fixed"),
        }
    return {
        ("draft", "submit"): ("awaiting_acceptance", APPLICANT_OR_EMPLOYER),
        ("returned", "resubmit"): ("awaiting_acceptance", APPLICANT_OR_EMPLOYER),
        **review_table(levels),
        **_closing(levels, "draft"),
        **_withdrawing(APPLICANT_OR_EMPLOYER | FILER, "draft", "awaiting_acceptance", "returned"),
    }


PROCEDURE_TABLES: Mapping[Procedure, Table] = {
    procedure: procedure_table(procedure) for procedure in Procedure
}
"""The table of each procedure variant, for two review levels."""
APPLICANT_INITIATED = PROCEDURE_TABLES[Procedure.APPLICANT_FILED]
EMPLOYER_INITIATED = PROCEDURE_TABLES[Procedure.EMPLOYER_FILED]
CANCELLATION = PROCEDURE_TABLES[Procedure.DIRECT]


def agrees_with(
    kind: BusinessType,
    table: Table,
    *,
    engine: Engine | None = None,
    levels: int = 2,
    examples: int = 60,
) -> None:
    """Random events from random actors, each compared with the table."""
    run_state_machine_as_test(
        oracle_machine(kind, table, engine=engine, levels=levels),
        settings=settings(
            max_examples=examples, stateful_step_count=30, deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )  # fmt: skip


def covers(engine: Engine, kind: BusinessType, table: Table, *, levels: int = 2) -> None:
    """The table lists exactly the transitions of the definition for ``levels`` review
    levels, no more, no fewer."""
    definition = engine.definition(kind, levels)
    declared = {(source, t.event): t.dest for t in definition.transitions for source in t.sources}
    expected = {key: dest for key, (dest, _who) in table.items()}
    if declared != expected:
        raise AssertionError(
            f"{kind}: the machine has {sorted(declared.items() - expected.items())} "
            f"beyond its procedure and lacks {sorted(expected.items() - declared.items())}"
        )


def check_procedure(
    business_type: BusinessType | str, *, engine: Engine | None = None, examples: int = 60
) -> None:
    """Checks a registered business type against the table of its procedure: the machine has
    exactly its transitions, and random events from random actors do what the table says, at
    the number of review levels the engine (by default the default rule set's) gives the type
    on ``AT``'s day."""
    kind = business_type_spec(business_type).business_type
    engine_used = engine or Engine(rules=False)
    levels = engine_used.definition(kind, on=local_date(AT)).review_levels
    table = procedure_table(business_type_spec(kind).procedure, levels)
    covers(engine_used, kind, table, levels=levels)
    agrees_with(kind, table, engine=engine, levels=levels, examples=examples)


# --- rule cases ---------------------------------------------------------------------------------

Expect = Callable[[str, RuleContext, Status], tuple[Finding, ...]]
"""Judges one rule of a case in its context and asserts the status the case expects."""


def assert_findings(rule_id: str, findings: tuple[Finding, ...], status: Status | str) -> None:
    """Fail unless ``findings`` of ``rule_id`` include ``status`` (and, for ``passed``, nothing
    but passes)."""
    wanted = Status(status)
    seen = [finding.status for finding in findings]
    assert wanted in seen, (
        f"{rule_id}: expected {wanted.value}, got {[s.value for s in seen]}: "
        + "; ".join(finding.message_en for finding in findings)
    )
    if wanted is Status.PASSED:
        assert set(seen) == {Status.PASSED}, f"{rule_id}: not all passed: {findings}"


def run_rule_case(
    case: RuleCase,
    *,
    ruleset: RuleSetChoice = None,
    switched_off: bool = False,
    expect: Expect | None = None,
) -> tuple[tuple[Finding, ...], ...]:
    """Judge each rule ``case`` names as the engine would (`permitflow.testing.judge`, in the
    version of ``ruleset`` in force on the judging day) and fail unless it comes to the status
    the case expects; returns each rule's findings, in the case's order.

    ``switched_off`` also judges a rule the version switches off; ``expect`` replaces the
    judging and the assertion of each rule (a test recording what it saw, say).
    """
    def judged(rule_id: str, ctx: RuleContext, status: Status) -> tuple[Finding, ...]:
        findings = judge(rule_id, ctx, ruleset=ruleset, switched_off=switched_off)
        assert_findings(rule_id, findings, status)
        return findings

    holder, application = case.holder_record(), case.application_record()
    ctx = rule_context(holder, application, case.event, case.at, ruleset=ruleset)
    check = expect or judged
    return tuple(check(wanted.rule_id, ctx, wanted.status) for wanted in case.expect)


@contextmanager
def registries_restored() -> Iterator[None]:
    """The business types as they were once the block ends: a test that registers a type of its
    own (``register_business_type``, or importing a module that does) leaves the keys, specs,
    forms, traits, rule groups and labels to the tests after it as it found them."""
    keys, specs, forms = tuple(BusinessType), dict(spec_registry._SPECS), dict(FORM_TYPES)
    traits = dict(TRAITS)
    groups = dict(rule_groups._TITLES)
    catalogue = labels._CATALOGUE
    try:
        yield
    finally:
        for key in tuple(BusinessType):
            if key not in keys:
                BusinessType._forget(key)
        spec_registry._SPECS.clear()
        spec_registry._SPECS.update(specs)
        FORM_TYPES.clear()
        FORM_TYPES.update(forms)
        TRAITS.clear()
        TRAITS.update(traits)
        rule_groups._TITLES.clear()
        rule_groups._TITLES.update(groups)
        labels._CATALOGUE = catalogue

"""The exhaustive check: every configuration a holder can reach, explored breadth first.

A configuration is the holder's record (profile, attachments, association, permit, the facts the
rules read) and the application of each business type, built from the records of
``permitflow.testing`` and moved only by the real ``permitflow.engine.engine.Engine``:
the real rules judge every step. Configurations are compared by an abstract key — state names
and the data choices the rules read, never a date itself — so the search ends and explores the
whole reachable space:

* the permit's expiry as the class of the day before it that the rules tell apart (`Expiry`):
  far; near (leaving now leaves too little time for the employer change, CHG-005); late (after
  the latest submission day, REN-005 and CHG-009); past. The expiry day itself belongs to the
  class before it, as every rule and the sweep read a permit as valid through that day
  (``expiry_due``). A boundary whose rules can only warn changes no check, so its classes
  meet: on Haidian, whose timeliness rules warn, far, near and late are one class.
  Successive permits, each three years on, meet in the same configurations;
* each document fresh or stale on the day (DOC-002) and uploaded before or after the permit's
  last issue or change (REN-008, BCH-002); the work history up to the current contract or not;
* a child a minor or of age: the business-information change is tried with each (the CHD
  rules read the declared child's age; only a minor reaches the permit, and no rule reads the
  age of a child already on it); the months paid by the new employer (0 or ≥ 1); the former
  employer's handling permission (while it can still be read; the new employer has it);
* the facts that end a permit at once (M§7): a Beijing hukou, the employer moved out of Beijing,
  the statutory retirement age reached.

From each configuration the search tries

* every event of every machine definition (the open application of each business type and the
  holder's own machines), fired by every actor whose role and level fit it: the applicant, the
  associated employer, a new employer, each authority review level and the system timer (a
  reviewer attests what waits for a person's attestation before the step, as a reviewer would;
  a holder replaces every outdated document at once, and previews and submits an edited
  profile at once, as one sitting);
* starting each business type that has no application in flight, with each form choice;
* the nightly sweep;
* the world moving on: time passing to the next class of the expiry, or until the documents
  are older than a month (the permit's and the documents' dates come nearer; the search's
  clock stays at its start, so that the months of income and insurance stay those the record
  holds); the holder starting work at a new employer and that employer paying a month of social
  insurance; and, while a live permit has nothing in flight, the holder obtaining a Beijing
  hukou, the employer moving out of Beijing or the holder reaching the statutory retirement age
  (the birth date of the basic information's resident id: the rules read nothing else of it).

Once such a fact holds, the cancellation is due at once (M§7: 应即时注销): the world waits but for
the calendar and a new job that ends the reason (`_world_steps`), and a start of another business
is tried but not followed (`Explorer._starts`).

While a cancellation is in flight — its reason still holding or not (a new job may have ended
it) — another business is tried but not followed, its start and its steps alike. Nothing is
lost by it: a cancellation neither holds nor reads the one-at-a-time marker, no rule of another
business reads a cancellation, and a cancellation's steps before its approval leave the
holder's record as it was. So every record met with a cancellation in flight is met without it
(the same holder and world steps lead there), where the other business is started and followed
and each of its steps is judged as it would be beside the cancellation; and the cancellation's
own rules read nothing another business's approval changes (an address, a child, the permit's
term; the work unit CAN-002 reads is the association, which the holder's own steps move, and
they are followed).

No date of a configuration leaves a horizon of ten years around the start (well inside the
working-day calendar's years): the world takes no step past it, and a configuration an event
would take past it is left out and the search reported incomplete.

It checks (each violation with a shortest path from the start):

* **no dead end** — from every configuration in which the holder is eligible in the manual's
  sense, as far as the search varies it (employed by an employer with handling permission; and,
  without a live permit, no Beijing hukou, an employer in Beijing, below retirement age), some
  sequence of events (and of months paid) leads to a valid, unexpired permit with no
  application open and no reason to cancel it, or to a cancelled permit (the lawful end: the
  only one once a reason of M§7 holds);
* **no revival** — an expired or cancelled permit never becomes valid again except by a new
  application's approval, and no other approval lands on one;
* **sweep** — after a sweep no permit is live past its expiry;
* **one open application** — at most one application is in flight besides a cancellation
  (filed whatever else is open, M§7), and ``withdraw`` (where a machine has it) frees the
  holder;
* **refusals name what exists** — every action word (撤回, 新办, 续签, 注销, 挂起) in a refusal's
  message names an event or business that exists and that some actor could take then, or once
  the nightly sweep has run (refused at most by rules a person can satisfy, none of them a rule
  between the procedures: not by the machine, the actor's role or a FLOW rule). What an actor
  could take is read from the steps the search tries there, not asked of the engine again.

A refused step is asked of the engine once per holder part of the key (everything but the
applications) and the application it is about: met again where only the other applications
differ, it is the same answer, as equal keys are the same configuration.
"""

from __future__ import annotations

import functools
import itertools
import re
import time
import warnings
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

import attrs
from attrs import frozen

from permitflow.cancellation_due import cancellation_due, moved_out_employer, retirement_reached
from permitflow.deadlines import (
    RECENT_MONTHS,
    RENEWAL_WORKING_DAYS,
    dated_recently,
    earliest_issue_date,
    is_minor,
    latest_renewal_submission,
)
from permitflow.engine.definition import Ending, MachineDefinition, Transition
from permitflow.engine.engine import Engine
from permitflow.engine.rulesource import RuleSetVersion
from permitflow.errors import (
    Blocked,
    CalendarEstimateWarning,
    InvalidInput,
    PermitflowError,
    ProcedureError,
)
from permitflow.labels import (
    event_label,
    label,
    machine_label,
    role_label,
    ruleset_label,
    state_label,
)
from permitflow.machines.association import AssociationRequest
from permitflow.machines.attachments import DeleteAttachment
from permitflow.machines.permit import TIMER, sweep
from permitflow.messages import Language
from permitflow.months import add_months
from permitflow.records.actors import Actor, Role
from permitflow.records.application import (
    Application,
    BusinessChangeForm,
    BusinessType,
    CancellationForm,
    CancellationTrigger,
    Form,
)
from permitflow.records.holder import (
    BEIJING_PROVINCE_CODE,
    AssociationState,
    Attachment,
    Employer,
    Employment,
    HolderRecord,
    HukouKind,
    InsuranceMonth,
    LabourContract,
    Permit,
    PermitState,
    Profile,
    ProfileState,
    Slot,
    WorkRecord,
)
from permitflow.records.lifecycle import expiry_due
from permitflow.rules.finding import Finding, Severity
from permitflow.rules.rule import local_date
from permitflow.tags import Tag
from permitflow.testing import AT, CHILD, EMPLOYERS, default_form, valid_holder

__all__ = [
    "ACTION_WORDS",
    "Check",
    "Expiry",
    "Move",
    "Report",
    "Timing",
    "Violation",
    "explore",
]

FORMER, NEW_EMPLOYER = EMPLOYERS[0], EMPLOYERS[1]
"""The employer the holder starts with, and the one the holder may move to."""

ACTION_WORDS = ("撤回", "新办", "续签", "注销", "挂起")
"""Words of a refusal's message that tell a person to take an action (a button of the portal)."""

NEAR_EXPIRY_DAYS = 40
"""Days left on a permit "near its expiry": leaving now would leave too little time for an
employer change (CHG-005 warns), a renewal is still in time."""
LATE_DAYS = 10
"""Days left on a permit whose latest renewal submission day has passed (REN-005, CHG-009)."""
HORIZON = timedelta(days=3660)
"""How far from the start the record's dates may lie: the engine's own bound on a quiet record
(ten years), well inside the working-day calendar's years."""
ADULT_CHILD = attrs.evolve(
    CHILD, name="张大明", resident_id="420106200501150014", birth_date=date(2005, 1, 15)
)
"""A child of age (born 2005-01-15): not on the permit (CHD rules)."""


class Check(Enum):
    DEAD_END = "dead_end"
    REVIVAL = "revival"
    SWEEP = "sweep"
    ONE_OPEN = "one_open"
    MESSAGE = "message"


CHECK_LABELS = {
    Check.DEAD_END: ("死路", "A dead end"),
    Check.REVIVAL: ("已结束的证件又生效", "An ended permit valid again"),
    Check.SWEEP: ("扫描后证件过期仍有效", "Live past its expiry after the sweep"),
    Check.ONE_OPEN: ("同时在办多项业务", "More than one open application"),
    Check.MESSAGE: ("提示指向不存在或不可办的操作", "A message names an impossible action"),
}


@frozen
class Move:
    """One step of a path: who did what to which subject."""

    actor: str
    event: str
    subject: str
    findings: tuple[str, ...] = ()
    """The rule ids of the findings the step produced (warnings and tips)."""
    codes: tuple[str, ...] = ()
    """The events fired, in order, when the step is more than ``event`` alone (a start and
    its first step, a document deleted and uploaded again)."""
    detail: str = ""
    """The form choice, the document slots or the employer the step names."""

    def describe(self) -> str:
        noted = f" [{', '.join(self.findings)}]" if self.findings else ""
        return f"{self.actor}: {self.event} ({self.subject}){noted}"


@frozen
class Violation:
    check: Check
    summary: str
    """What is wrong, in Chinese and English."""
    path: tuple[Move, ...]
    """A shortest path from the start to the configuration where it shows."""
    state: str
    """The configuration, as state names and data choices."""
    count: int = 1
    """How many configurations show the same violation."""
    words: Mapping[Language, tuple[str, str, tuple[str, ...]]] = attrs.field(factory=dict)
    """In each language: the summary, the configuration and each step of the path, in the
    platform's words (`permitflow.labels`)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check.value,
            "summary": self.summary,
            "count": self.count,
            "state": self.state,
            "path": [attrs.asdict(move) for move in self.path],
        }


@frozen
class Report:
    """What a search explored and found: `render` says it in a language, `to_dict` as data."""

    ruleset: str
    """The rule set's name and version in force at the start."""
    configurations: int
    """Distinct configurations reached."""
    transitions: int
    """Steps taken between them (the world's moves included)."""
    seconds: float
    violations: tuple[Violation, ...]
    """One per kind of violation, with a shortest path and how often it was met."""
    complete: bool
    """False when the search stopped at ``max_configurations``."""
    skipped_events: tuple[str, ...] = ()
    """Events no payload could be built for (explored nowhere)."""
    beyond_horizon: int = 0
    """Configurations left out because a date of theirs lies beyond the horizon (the search is
    then not complete)."""
    ruleset_words: Mapping[Language, str] = attrs.field(factory=dict)
    """The rule set as a person knows it, in each language."""

    @property
    def ok(self) -> bool:
        """Nothing violated (the exit code 0 of ``permitflow verify``)."""
        return not self.violations

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset,
            "configurations": self.configurations,
            "transitions": self.transitions,
            "seconds": round(self.seconds, 2),
            "complete": self.complete,
            "beyond_horizon": self.beyond_horizon,
            "skipped_events": list(self.skipped_events),
            "violations": [v.to_dict() for v in self.violations],
        }

    def render(self, lang: Language = "zh") -> str:
        """The report for a person in ``lang``: states, events, machines and checks by their
        labels, no code names."""
        zh = lang == "zh"
        ruleset = self.ruleset_words.get(lang, self.ruleset)
        lines = [
            f"permitflow verify：{ruleset}：探查 {self.configurations} 个状态组合、"
            f"{self.transitions} 次转换，用时 {self.seconds:.1f} 秒"
            if zh else
            f"permitflow verify: {ruleset}: {self.configurations} configurations, "
            f"{self.transitions} transitions explored in {self.seconds:.1f} s"
        ]  # fmt: skip
        if not (self.complete or self.beyond_horizon):
            lines[0] += "（达到上限，未探查完）" if zh else " (stopped at the bound)"
        if self.beyond_horizon:
            lines.append(
                f"{self.beyond_horizon} 个状态组合超出 {HORIZON.days} 天的时间范围，未探查"
                if zh else
                f"{self.beyond_horizon} configuration(s) left out beyond the horizon of "
                f"{HORIZON.days} days"
            )  # fmt: skip
        if self.skipped_events:
            lines.append(
                ("无法构造数据、未尝试的事件：" if zh else "events with no payload to try: ")
                + ", ".join(self.skipped_events)
            )
        for number, violation in enumerate(self.violations, 1):
            summary, state, steps = violation.words[lang]
            check = CHECK_LABELS[violation.check][0 if zh else 1]
            count = (
                f"{violation.count} 个状态组合" if zh else
                f"{violation.count} configuration{'s' if violation.count > 1 else ''}"
            )  # fmt: skip
            lines.append(f"{number}. {check}：{summary}（{count}）" if zh
                         else f"{number}. {check}: {summary} ({count})")  # fmt: skip
            lines.append(f"   {'所在状态：' if zh else 'at: '}{state}")
            lines.extend(f"   {step:2}. {words}" for step, words in enumerate(steps, 1))
        lines.append(
            f"发现 {len(self.violations)} 项问题" if zh else f"{len(self.violations)} violation(s)"
        )
        return "\n".join(lines)


# --- configurations ---------------------------------------------------------------------------


class Expiry(Enum):
    """Where a day stands before a permit's expiry, in the classes the rules tell apart."""

    FAR = "far"
    """Leaving the employer now still leaves time for the employer change (CHG-005)."""
    NEAR = "near"
    """A renewal is still in time (REN-005, CHG-009), an employer change after leaving now
    would not be (CHG-005 warns)."""
    LATE = "late"
    """After the latest submission day (REN-005, CHG-009 fail), up to the expiry day: the
    permit is valid through it (the sweep leaves it, FLOW-101)."""
    PAST = "past"
    """Expired by the date, swept or not (REN-006; a new application counts it as ended)."""


_EXPIRY_ORDER = tuple(Expiry)


@frozen
class Timing:
    """The periods of the rule set the dates are classed by, and the boundaries drawn.

    A boundary is drawn where a rule that can refuse sits (or a rule the set does not name: it
    may read the date in its own way); one whose rules only warn changes no check, so the
    classes on both sides meet.
    """

    working_days: int = RENEWAL_WORKING_DAYS
    """``renewal.working_days_before_expiry``: the latest submission day (REN-005, CHG-009)."""
    change_months: int = 1
    """``employer_change.min_insurance_months``: how long after leaving an employer change can
    be filed (CHG-005)."""
    dated_months: int = RECENT_MONTHS
    """``documents.dated_within_months``: how recent a dated material is (DOC-002)."""
    near: bool = True
    """Whether the near class is drawn: CHG-005 can refuse a leaving."""
    late: bool = True
    """Whether the late class is drawn: REN-005 or CHG-009 can refuse a late filing."""

    @classmethod
    def of(cls, engine: Engine, at: datetime = AT) -> Timing:
        day = local_date(at)
        ruleset = engine.ruleset_for(None, at)
        params = ruleset.params_on(day)
        levels = ruleset.review_levels(day)
        machines = [
            *engine.holder_definitions,
            *(engine.definition(kind, levels) for kind in engine.business_types),
        ]
        events = frozenset(step for d in machines for step in d.tags_by_event.items())
        return cls(
            int(params.get("renewal.working_days_before_expiry", RENEWAL_WORKING_DAYS)),
            int(params.get("employer_change.min_insurance_months", 1)),
            int(params.get("documents.dated_within_months", RECENT_MONTHS)),
            near=_can_refuse(ruleset, "CHG-005", events),
            late=_can_refuse(ruleset, "REN-005", events) or _can_refuse(ruleset, "CHG-009", events),
        )

    def fresh(self, attachment: Attachment, day: date) -> bool:
        """An undated document, or one dated recently enough on ``day`` (DOC-002)."""
        issued = attachment.issued_on
        return issued is None or _dated_recently(issued, day, self.dated_months)

    def stale_after(self, attachment: Attachment, day: date) -> int:
        """The days after which a dated document no longer is recent enough."""
        assert attachment.issued_on is not None  # only dated documents get stale
        earliest = earliest_issue_date(day, months=self.dated_months)
        return (attachment.issued_on - earliest).days + 1

    def expiry(self, expires_on: date | None, day: date) -> Expiry | None:
        if expires_on is None:
            return None
        if day > expires_on:
            return Expiry.PAST
        # The comparisons of REN-005 / CHG-009 (the day against the latest submission day) and
        # of CHG-005 (the earliest filing after leaving today, ditto).
        if not (self.near or self.late):
            return Expiry.FAR
        earliest_change = add_months(day, self.change_months)
        if earliest_change + timedelta(days=2 * self.working_days + 30) <= expires_on:
            return Expiry.FAR  # holds that many working days whatever the calendar says
        latest = _latest_submission(expires_on, self.working_days)
        if day > latest and self.late:
            return Expiry.LATE
        return Expiry.NEAR if earliest_change > latest and self.near else Expiry.FAR


@functools.lru_cache(maxsize=1 << 14)
def _dated_recently(issued: date, day: date, months: int) -> bool:
    # Every configuration's key classes every document, and the search meets few days.
    return dated_recently(issued, day, months=months)


def _can_refuse(
    ruleset: RuleSetVersion, rule_id: str, events: frozenset[tuple[str, frozenset[Tag]]]
) -> bool:
    """Whether the rule refuses anything in ``ruleset`` (True when the set does not have it)."""
    try:
        rule = ruleset.rule(rule_id)
    except PermitflowError:
        return True
    groups = frozenset({rule.group})
    return any(
        severity is Severity.ERROR
        for kind in rule.business_types
        for event, tags in events
        for candidate, severity in ruleset.rules_for(kind, event, tags, groups)
        if candidate.id == rule_id
    )


@functools.lru_cache(maxsize=4096)
def _latest_submission(expires_on: date, working_days: int) -> date:
    # An estimated day is the rules' to report (CAL-002); here it only draws a class boundary.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarEstimateWarning)
        return latest_renewal_submission(expires_on, working_days=working_days).date


@frozen
class Node:
    """One concrete configuration: the records, the applications and the moment."""

    holder: HolderRecord
    applications: tuple[tuple[BusinessType, Application, str], ...]
    """The latest application of each business type that has one, with its form choice."""
    at: datetime
    serial: int = 0
    """How many applications were started on the way here (their ids stay unique)."""
    former_permission: bool = True
    """Whether employer A has handling permission (a data choice of the start)."""
    timing: Timing = Timing()
    """The rule set's periods the dates are classed by."""
    moved_out: frozenset[str] = frozenset()
    """The credit codes of the employers that moved out of Beijing (a move of the world)."""

    def application(self, business_type: BusinessType) -> Application | None:
        for kind, application, _choice in self.applications:
            if kind is business_type:
                return application
        return None

    def with_application(
        self,
        application: Application,
        choice: str | None = None,
        holder: HolderRecord | None = None,
    ) -> Node:
        kind = application.business_type
        kept = [entry for entry in self.applications if entry[0] is not kind]
        old = next((entry[2] for entry in self.applications if entry[0] is kind), "")
        kept.append((kind, application, old if choice is None else choice))
        kept.sort(key=lambda entry: entry[0].value)
        return attrs.evolve(
            self,
            holder=holder if holder is not None else self.holder,
            applications=tuple(kept),
            at=self.at + _STEP,
        )


_STEP = timedelta(minutes=1)


def _tag(code: str | None) -> str:
    if not code:
        return "-"
    if code == FORMER.credit_code:
        return "A"
    if code == NEW_EMPLOYER.credit_code:
        return "B"
    return "?"


def _employment_key(employment: Employment) -> tuple[str, tuple[str, ...]]:
    """Who the contract is with, and who paid the latest month's social insurance."""
    contract = employment.contract
    last = max((m.month for m in employment.insurance), default=None)
    paid = sorted(_tag(m.payer_credit_code) for m in employment.insurance if m.month == last)
    return (_tag(contract.employer_credit_code) if contract else "-", tuple(paid))


def key(node: Node) -> tuple[Hashable, ...]:
    """The abstract configuration: state names and the data choices the rules read, dates as
    the classes the rules tell apart (never a date itself, so that successive permits, each
    three years on, meet in the same configurations)."""
    holder, day, timing = node.holder, local_date(node.at), node.timing
    permit = holder.permit
    association = holder.association
    employer = association.employer
    opened = holder.open_application
    current_ids = {app.id: kind for kind, app, _ in node.applications}
    documents = sorted(
        (a.slot.value, timing.fresh(a, day), _since_permit(a, holder))
        for a in holder.attachments
    )
    slots = tuple((kind.value, app.state, _tag(app.employer_id), choice)
                  for kind, app, choice in node.applications)  # fmt: skip
    return (
        holder.profile_state.value,
        _history_current(holder),
        tuple(documents),
        association.state.value,
        _tag(employer.credit_code if employer else None),
        node.former_permission if _former_matters(holder) else None,
        _employment_key(holder.employment),
        permit.state.value,
        timing.expiry(permit.expires_on, day),
        _tag(permit.employer_credit_code),
        tuple(is_minor(c.birth_date, day) for c in permit.children),
        _cancellation_reasons(node),
        tuple(sorted(_tag(code) for code in node.moved_out if code in _readable(holder))),
        (opened.business_type, opened.state, current_ids.get(opened.id))
        if opened
        else None,
        slots,
    )


def _history_current(holder: HolderRecord) -> bool:
    """The work history has a record of the employer of the current contract (HIS, CHG-006,
    CHG-007 read it; the holder brings it up to date with an edit of the profile)."""
    contract = holder.employment.contract
    return contract is None or any(
        w.employer_uscc == contract.employer_credit_code for w in holder.profile.work_history
    )


def _readable(holder: HolderRecord) -> frozenset[str | None]:
    """The employers whose records the rules can still read: the one of the contract (a request
    to associate names it as the world knows it) and the one of the association, in whatever
    state. The holder never goes back to an employer left, so an employer's move out of Beijing
    past that changes nothing any rule reads."""
    contract = holder.employment.contract
    employer = holder.association.employer
    return frozenset({
        contract.employer_credit_code if contract else None,
        employer.credit_code if employer else None,
    })  # fmt: skip


def _former_matters(holder: HolderRecord) -> bool:
    """Whether employer A's handling permission can still be read: the holder works for A, or
    the association (in whatever state) is A's. The holder never goes back to A, so past that
    the two starts meet."""
    contract = holder.employment.contract
    employer = holder.association.employer
    return (contract is not None and contract.employer_credit_code == FORMER.credit_code) or (
        employer is not None and employer.credit_code == FORMER.credit_code
    )


def describe(node: Node) -> str:
    holder, day = node.holder, local_date(node.at)
    permit = holder.permit
    expiry = node.timing.expiry(permit.expires_on, day)
    employer = holder.association.employer
    parts = [
        f"profile {holder.profile_state.value}",
        f"association {holder.association.state.value}"
        f" {_tag(employer.credit_code if employer else None)}",
        f"permit {permit.state.value}"
        + (f" ({expiry.value}: expires {permit.expires_on})" if expiry else ""),
        f"contract {_employment_key(holder.employment)[0]}",
    ]
    stale = [a.slot.value for a in holder.attachments
             if not node.timing.fresh(a, day)]  # fmt: skip
    if stale:
        parts.append(f"stale {', '.join(stale)}")
    if holder.open_application:
        parts.append(f"open {holder.open_application.business_type}")
    parts.extend(f"{kind.value} {app.state}" for kind, app, _ in node.applications)
    return "; ".join(parts)


# --- the explorer -----------------------------------------------------------------------------


Step = tuple[Move, Node, tuple[Finding, ...]]
Option = tuple[Transition, tuple[tuple[str, Actor], ...]]
"""A transition and the actors whose role and level fit it."""


@frozen
class Refusal:
    """A refused step: whose, and the messages it showed."""

    move: Move
    messages: tuple[tuple[str, str], ...]
    """(source, message_zh): the rule id (or error code) and its Chinese message."""
    open: bool = False
    """Refused only by rules a person can satisfy (none of them between the procedures,
    `FLOW_GROUP`): the step exists and is the actor's once the data are put right."""


class Explorer:
    def __init__(
        self, engine: Engine, *, business_types: Iterable[BusinessType] | None = None
    ) -> None:
        self.engine = engine
        self.business_types = tuple(
            engine.business_types if business_types is None else business_types
        )
        self.skipped: set[str] = set()
        self.levels = max(
            (t.level or 0)
            for kind in engine.business_types
            for t in engine.definition(kind, self._levels()).transitions
        )
        # Built once, read at every configuration: the search spends its time in the engine.
        self._definitions: dict[Hashable, MachineDefinition] = {}
        self._actors: dict[str, tuple[tuple[str, Actor], ...]] = {}
        self._moves: dict[Hashable, tuple[MachineDefinition, tuple[Option, ...]]] = {}
        self._forms: dict[tuple[BusinessType, date], tuple[tuple[str, Form], ...]] = {}
        self._refusals: dict[Hashable, Refusal] = {}
        self._holder_key: Hashable = None
        self.taken: set[tuple[str, str]] = set()
        """(subject, event) of each step some actor took or could take once the data are put
        right, at the configuration last stepped from (a start's event is `START`)."""
        self._complete_profile = next(
            (t for d in engine.holder_definitions for t in d.transitions
             if d.state_path == ("profile_state",) and t.payload is None and not t.internal
             and ProfileState.INCOMPLETE.value in t.sources
             and t.dest == ProfileState.COMPLETE.value), None,
        )  # fmt: skip
        """The step that previews and submits an edited profile, when the machines have one."""

    def _levels(self) -> int:
        return self.engine.ruleset_for(None, AT).review_levels(local_date(AT))

    def definition(self, application: Application, at: datetime) -> MachineDefinition:
        """``Engine.definition_for``, once per what decides it: the business type, the pinned
        rule-set version, and the days its review levels and the version in force are read on."""
        pin = application.ruleset
        cache_key = (
            application.business_type,
            pin,
            local_date(application.submitted_at or at),
            local_date(at) if pin is None else None,
        )
        definition = self._definitions.get(cache_key)
        if definition is None:
            definition = self._definitions[cache_key] = self.engine.definition_for(
                application, at
            )
        return definition

    def actors(self, node: Node) -> tuple[tuple[str, Actor], ...]:
        holder_id = node.holder.holder_id
        known = self._actors.get(holder_id)
        if known is not None:
            return known
        actors = [
            ("applicant", Actor.applicant(holder_id)),
            ("employer A", Actor.employer(FORMER.credit_code)),
            ("employer B", Actor.employer(NEW_EMPLOYER.credit_code)),
        ]
        actors.extend(
            (f"authority {k}", Actor.authority(k, f"reviewer-{k}"))
            for k in range(1, self.levels + 1)
        )
        actors.append(("system", TIMER))
        known = self._actors[holder_id] = tuple(actors)
        return known

    def moves(self, definition: MachineDefinition, state: str, node: Node) -> tuple[Option, ...]:
        """The transitions out of ``state``, event by event, each with the actors whose role and
        level fit it (whether the engine lets them is its to judge)."""
        # Definitions live as long as the engine that compiled them (or the module defining
        # them); the entry keeps its own alive, so its id is not reused while cached.
        cache_key = (id(definition), state, node.holder.holder_id)
        cached = self._moves.get(cache_key)
        if cached is not None and cached[0] is definition:
            return cached[1]
        actors = self.actors(node)
        options = tuple(
            (transition, tuple((name, actor) for name, actor in actors if _may(transition, actor)))
            for event in definition.events
            for transition in _transitions_from(definition, state, event)
            if not transition.internal
        )
        self._moves[cache_key] = (definition, options)
        return options

    # --- steps ---

    def steps(self, node: Node, holder_key: Hashable = None) -> Iterator[Step | Refusal]:
        """Every step out of ``node``; `taken` then holds what some actor could take there.

        ``holder_key`` is the part of the node's key that is not its applications' (`key`):
        a refusal depends on the holder and the application it is about, so one found once is
        that step's answer in every configuration with the same holder part and application.
        """
        self.taken = set()
        self._holder_key = holder_key
        yield from self._application_steps(node)
        yield from self._starts(node)
        yield from self._holder_steps(node)
        yield from self._sweep(node)

    def _remembered(
        self, memo: Hashable, target: tuple[str, str], fire: Callable[[], Step | Refusal]
    ) -> Step | Refusal:
        """``fire()``, or the refusal it gave in a configuration of the same key part; noting
        in `taken` whether ``target`` (subject, event) is open to the actor."""
        known = self._refusals.get(memo) if self._holder_key is not None else None
        item = fire() if known is None else known
        if isinstance(item, Refusal):
            if self._holder_key is not None:
                self._refusals[memo] = item
            if item.open:
                self.taken.add(target)
        else:
            self.taken.add(target)
        return item

    def _application_steps(self, node: Node) -> Iterator[Step | Refusal]:
        """The steps of each application in flight; beside a cancellation in flight, another
        business's steps are tried but not followed (see `_starts`)."""
        cancelling = _cancelling(node)
        for kind, application, choice in node.applications:
            definition = self.definition(application, node.at)
            if application.state in definition.terminal_states:
                continue
            follow = not cancelling or kind is BusinessType.CANCELLATION
            slot = (self._holder_key, kind, application.state, application.employer_id, choice)
            for transition, actors in self.moves(definition, application.state, node):
                for name, actor in actors:
                    item = self._remembered(
                        (slot, transition.event, name), (kind.value, transition.event),
                        functools.partial(
                            self._fire, node, application, transition, name, actor, kind
                        ),
                    )  # fmt: skip
                    if follow or isinstance(item, Refusal):
                        yield item

    def _fire(
        self,
        node: Node,
        application: Application,
        transition: Transition,
        name: str,
        actor: Actor,
        kind: BusinessType,
    ) -> Step | Refusal:
        at = node.at + _STEP
        move = Move(name, transition.event, kind.value)
        choice = next((c for k, a, c in node.applications if a.id == application.id), None)
        payload = None
        if transition.payload is not None and isinstance(application.form, transition.payload):
            payload = application.form
        elif transition.payload is not None:
            payload = self._payload(transition.payload, node)
            if payload is None and transition.payload_required:
                self.skipped.add(f"{kind.value}:{transition.event}")
                return Refusal(move, ())
        try:
            if actor.role is Role.AUTHORITY:
                application = self._attest(application, transition, node.holder, at)
            outcome = self.engine.fire(
                application,
                transition.event,
                actor=actor,
                at=at,
                holder=node.holder,
                payload=payload,
                opinion=OPINION if transition.opinion else None,
                reason=REASON if transition.reason else None,
            )
        except (ProcedureError, InvalidInput) as error:
            return self._refusal(move, error, application, at)
        moved = node.with_application(outcome.application, choice, outcome.holder)
        return (_noted(move, outcome.findings), moved, outcome.findings)

    def _attest(
        self, application: Application, transition: Transition, holder: HolderRecord, at: datetime
    ) -> Application:
        """The application with every attestation the step waits for recorded by a reviewer."""
        if not transition.guards or not self.engine.rules_enabled:
            return application
        level = transition.level or 1
        reviewer = Actor.authority(level, f"reviewer-{level}")
        for finding in self.engine.pending_attestations(
            application, transition.event, at=at, holder=holder
        ):
            rule = self.engine.ruleset_for(application, at).rule(finding.rule_id)
            if Role.AUTHORITY not in rule.attested_by:
                continue
            application = self.engine.attest(
                application, finding.rule_id, actor=reviewer, at=at, holder=holder,
                note="核实无误",
            ).application or application  # fmt: skip
        return application

    def _starts(self, node: Node) -> Iterator[Step | Refusal]:
        """Each business type with nothing in flight, started and handed in at once (a draft
        alone changes nothing anyone else sees, and one withdrawn at once was never started).

        Once a reason to cancel holds, or while a cancellation is in flight, a start of another
        business is tried (its refusal, or that someone may take it, is what the messages are
        checked against) but not followed: the cancellation is due at once (M§7: 应即时注销),
        its approval closes whatever else is open as moot, and what the other business would
        meet beside a cancellation it meets without one (see the module's docstring)."""
        due = bool(_cancellation_reasons(node)) or _cancelling(node)
        for kind in self.business_types:
            current = node.application(kind)
            if current is not None and not self._ended(current, node.at):
                continue
            follow = not due or kind is BusinessType.CANCELLATION
            for choice, form in self.forms(kind, node.at):
                application = self.engine.start(
                    kind, holder=node.holder, application_id=f"{kind.value}-{node.serial + 1}",
                    at=node.at, form=form,
                )  # fmt: skip
                started = attrs.evolve(node, serial=node.serial + 1)
                definition = self.definition(application, node.at)
                for transition, actors in self.moves(definition, application.state, node):
                    if transition.withdraws or Role.SYSTEM in transition.roles:
                        continue
                    for name, actor in actors:
                        item = self._remembered(
                            (self._holder_key, kind, choice, transition.event, name),
                            (kind.value, START),
                            functools.partial(
                                self._start, started, application, transition, name, actor, choice
                            ),
                        )  # fmt: skip
                        if follow or isinstance(item, Refusal):
                            yield item

    def _start(
        self, node: Node, application: Application, transition: Transition, name: str,
        actor: Actor, choice: str,
    ) -> Step | Refusal:  # fmt: skip
        kind = application.business_type
        return _started(self._fire(node, application, transition, name, actor, kind), choice)

    def forms(self, kind: BusinessType, at: datetime) -> tuple[tuple[str, Form], ...]:
        day = local_date(at)
        forms = self._forms.get((kind, day))
        if forms is None:
            forms = self._forms[(kind, day)] = _forms(kind, at)
        return forms

    def _ended(self, application: Application, at: datetime) -> bool:
        return application.state in self.definition(application, at).terminal_states

    def _holder_steps(self, node: Node) -> Iterator[Step | Refusal]:
        for definition in self.engine.holder_definitions:
            if not definition.state_path:
                # The record of imported facts: what a portal imports, the world's moves below
                # stand for (a month paid, a new contract), with the values the rules tell apart.
                continue
            state = _read(node.holder, definition.state_path)
            for transition, actors in self.moves(definition, state, node):
                if not actors:
                    continue
                for payload in self._holder_payloads(transition, node):
                    for name, actor in actors:
                        yield self._remembered(
                            (self._holder_key, transition.event, name, _payload_label(payload)),
                            ("holder", transition.event),
                            functools.partial(
                                self._fire_holder, node, transition, name, actor, payload
                            ),
                        )  # fmt: skip

    def _holder_payloads(self, transition: Transition, node: Node) -> Iterable[Any]:
        if transition.payload is None:
            return (None,)
        provider = _PAYLOADS.get(transition.payload)
        if provider is not None:
            payloads = tuple(provider(node))
        else:
            generic = self._payload(transition.payload, node)
            payloads = (generic,) if generic is not None else ()
        if provider is None and not payloads and transition.payload_required:
            self.skipped.add(f"holder:{transition.event}")
        if not payloads and not transition.payload_required:
            return (None,)
        return payloads

    def _fire_holder(
        self, node: Node, transition: Transition, name: str, actor: Actor, payload: Any
    ) -> Step | Refusal:
        detail = _payload_label(payload)
        move = Move(name, transition.event + (f" {detail}" if detail else ""), "holder",
                    codes=(transition.event,), detail=detail)  # fmt: skip
        try:
            outcome = self.engine.fire_holder(
                node.holder, transition.event, actor=actor, at=node.at + _STEP, payload=payload
            )
        except ProcedureError as error:
            return self._refusal(move, error, None, node.at + _STEP)
        moved = attrs.evolve(node, holder=outcome.holder, at=node.at + _STEP)
        step: Step = (_noted(move, outcome.findings), moved, outcome.findings)
        if isinstance(payload, DeleteAttachment):
            return self._then_upload(step, payload, name, actor)
        if isinstance(payload, Profile):
            return self._then_complete(step, actor)
        return step

    def _then_complete(self, step: Step, actor: Actor) -> Step:
        """The edited profile previewed and submitted at once (M§1.5: 预览提交), as one sitting
        of the holder's: a profile is left incomplete only where its completion is refused (the
        configuration then tries it again)."""
        move, node, findings = step
        complete = self._complete_profile
        if complete is None or node.holder.profile_state is ProfileState.COMPLETE:
            return step
        try:
            outcome = self.engine.fire_holder(
                node.holder, complete.event, actor=actor, at=node.at + _STEP
            )
        except ProcedureError:
            return step
        moved = attrs.evolve(node, holder=outcome.holder, at=node.at + _STEP)
        return (attrs.evolve(move, event=f"{move.event} + {complete.event}",
                             codes=(*move.codes, complete.event)), moved,
                (*findings, *outcome.findings))  # fmt: skip

    def _then_upload(
        self, step: Step, deleted: DeleteAttachment, name: str, actor: Actor
    ) -> Step:
        """The deleted document replaced at once by a fresh one, and every other outdated one
        with it (M§5.2: 删除原有附件……上传所需修改附件), as one step of the holder's."""
        upload = next(
            (t for d in self.engine.holder_definitions for t in d.transitions
             if t.payload is Attachment and not t.internal), None,
        )  # fmt: skip
        delete = next(
            (t for d in self.engine.holder_definitions for t in d.transitions
             if t.payload is DeleteAttachment and not t.internal), None,
        )  # fmt: skip
        move, node, findings = step
        if upload is None or delete is None:
            return step
        slots = [deleted.slot, *(d.slot for d in _stale_deletions(node))]
        at = node.at
        holder = node.holder
        for number, slot in enumerate(slots):
            try:
                if number:
                    at += _STEP
                    holder = self.engine.fire_holder(
                        holder, delete.event, actor=actor, at=at, payload=DeleteAttachment(slot)
                    ).holder
                fresh = next((a for a in _fresh_uploads(holder, at) if a.slot is slot), None)
                if fresh is not None:
                    at += _STEP
                    holder = self.engine.fire_holder(
                        holder, upload.event, actor=actor, at=at, payload=fresh
                    ).holder
            except ProcedureError:
                break
        named = ", ".join(s.value for s in slots)
        replaced = attrs.evolve(
            move, event=f"{delete.event} + {upload.event} ({named})",
            codes=(delete.event, upload.event), detail=named,
        )  # fmt: skip
        return (replaced, attrs.evolve(node, holder=holder, at=at), findings)

    def _sweep(self, node: Node) -> Iterator[Step | Refusal]:
        at = node.at + _STEP
        applications = tuple(app for _, app, _ in node.applications)
        try:
            result = sweep(self.engine, node.holder, applications, at)
        except ProcedureError as error:
            yield Refusal(Move("system", SWEEP, "holder"), _messages(error))
            return
        if not result.events:
            return
        moved = attrs.evolve(node, holder=result.holder, at=at)
        for application in result.applications:
            moved = moved.with_application(application, holder=moved.holder)
        moved = attrs.evolve(moved, at=at)
        yield (Move("system", SWEEP, "holder"), moved, ())

    def _refusal(
        self, move: Move, error: ProcedureError | InvalidInput, application: Application | None,
        at: datetime,
    ) -> Refusal:  # fmt: skip
        """The refused step, open when only rules about the data refused it."""
        messages = _messages(error)
        return Refusal(
            move, messages,
            isinstance(error, Blocked)
            and not _between_procedures(self.engine, application, at, error.findings),
        )  # fmt: skip

    def _payload(self, cls: type, node: Node) -> Any:
        """A payload of ``cls`` built from its fields' types (a date is today)."""
        if not attrs.has(cls):
            return None
        values: dict[str, Any] = {}
        day = local_date(node.at)
        hints = attrs.resolve_types(cls)
        for field in attrs.fields(hints):
            if field.default is not attrs.NOTHING:
                continue
            value = _DEFAULTS.get(field.type, _UNKNOWN)
            if callable(value) and value is not _UNKNOWN:
                value = value(day, node.at)
            if value is _UNKNOWN:
                return None
            values[field.name] = value
        try:
            return cls(**values)
        except (TypeError, ValueError, PermitflowError):
            return None


_UNKNOWN = object()
START = "start"
SWEEP = "sweep"
OPINION = "请按审核意见修改"
REASON = "个人原因"

_DEFAULTS: Mapping[Any, Any] = {
    str: REASON,
    "str": REASON,
    bool: True,
    "bool": True,
    int: 1,
    "int": 1,
    date: lambda day, at: day,
    "date": lambda day, at: day,
    datetime: lambda day, at: at,
    "datetime": lambda day, at: at,
    "date | None": lambda day, at: day,
    "str | None": REASON,
}


def _started(step: Step | Refusal, choice: str) -> Step | Refusal:
    """The first step of a new application, named as a start with its form choice."""
    if isinstance(step, Refusal):
        return attrs.evolve(step, move=_start_move(step.move, choice))
    move, node, findings = step
    application = node.application(BusinessType(move.subject))
    assert application is not None  # the step just fired it
    node = node.with_application(application, choice)
    node = attrs.evolve(node, at=node.at - _STEP)
    return (_start_move(move, choice), node, findings)


def _start_move(move: Move, choice: str) -> Move:
    return attrs.evolve(
        move, event=f"start ({choice}) + {move.event}", codes=(START, move.event), detail=choice
    )


def _read(subject: Any, path: tuple[str, ...]) -> str:
    value = subject
    for name in path:
        value = getattr(value, name)
    return str(value)


def _transitions_from(
    definition: MachineDefinition, state: str, event: str
) -> Iterator[Transition]:
    return (t for t in definition.transitions if t.event == event and state in t.sources)


def _may(transition: Transition, actor: Actor) -> bool:
    """The actor's role (and level) fits the transition; identity is the engine's to judge."""
    if transition.internal or actor.role not in transition.roles:
        return False
    return transition.level is None or actor.role is not Role.AUTHORITY or (
        actor.level == transition.level
    )


def _messages(error: ProcedureError | InvalidInput) -> tuple[tuple[str, str], ...]:
    findings = error.findings if isinstance(error, Blocked) else ()
    blocking = tuple((f.rule_id, f.message_zh) for f in findings if f.blocks)
    return blocking or ((error.code, error.message_zh),)


def _noted(move: Move, findings: tuple[Finding, ...]) -> Move:
    return attrs.evolve(move, findings=tuple(f.rule_id for f in findings))


def _payload_label(payload: Any) -> str:
    if isinstance(payload, AssociationRequest):
        return _tag(payload.employer.credit_code)
    if isinstance(payload, Attachment | DeleteAttachment):
        return payload.slot.value
    return ""


def _forms(kind: BusinessType, at: datetime) -> tuple[tuple[str, Form], ...]:
    if kind is BusinessType.BUSINESS_CHANGE:
        return (
            ("minor child", BusinessChangeForm(instructions_confirmed=True, children=(CHILD,))),
            ("adult child",
             BusinessChangeForm(instructions_confirmed=True, children=(ADULT_CHILD,))),
        )  # fmt: skip
    if kind is BusinessType.CANCELLATION:
        return tuple((trigger.value, CancellationForm(trigger)) for trigger in CancellationTrigger)
    return (("form", default_form(kind, at=at)),)


# --- payloads of the holder's events ------------------------------------------------------------


def _association_requests(node: Node) -> Iterator[AssociationRequest]:
    """The code of the employer the holder works for, when not associated with it already."""
    contract = node.holder.employment.contract
    for employer in (FORMER, NEW_EMPLOYER):
        if contract is None or contract.employer_credit_code != employer.credit_code:
            continue
        if _associated_with(node.holder, employer):
            continue
        yield AssociationRequest(_as_known(employer, node), f"GL-{employer.credit_code[-4:]}")


def _associated_with(holder: HolderRecord, employer: Employer) -> bool:
    """Associated with ``employer``, or waiting for its approval."""
    association = holder.association
    return (
        association.employer is not None
        and association.employer.credit_code == employer.credit_code
        and association.state in (AssociationState.ASSOCIATED, AssociationState.REQUESTED)
    )


def _as_known(employer: Employer, node: Node) -> Employer:
    """The employer as the world knows it (its handling permission and whether it is still in
    Beijing, in this configuration)."""
    if employer.credit_code == FORMER.credit_code:
        employer = attrs.evolve(employer, handling_permission=node.former_permission)
    if employer.credit_code in node.moved_out:
        employer = attrs.evolve(employer, in_beijing=False)
    return employer


def _missing_uploads(node: Node) -> Iterator[Attachment]:
    return _fresh_uploads(node.holder, node.at)


def _fresh_uploads(holder: HolderRecord, at: datetime) -> Iterator[Attachment]:
    day = local_date(at)
    present = {a.slot for a in holder.attachments}
    for attachment in _template(day).attachments:
        if attachment.slot not in present:
            yield attachment if attachment.issued_on is None else attrs.evolve(
                attachment, issued_on=day
            )


@functools.cache
def _template(day: date) -> HolderRecord:
    """A complete record as of ``day``: where fresh uploads come from."""
    return valid_holder(at=datetime.combine(day, AT.timetz()))


def _first_outdated(node: Node) -> Iterator[DeleteAttachment]:
    """The first document a holder would replace (the step replaces the others with it)."""
    return itertools.islice(_stale_deletions(node), 1)


def _stale_deletions(node: Node) -> Iterator[DeleteAttachment]:
    """The documents a holder would replace: older than a month, or from before the permit's
    last issue or change (a renewal asks for them anew)."""
    holder, day = node.holder, local_date(node.at)
    for attachment in holder.attachments:
        if not node.timing.fresh(attachment, day) or not _since_permit(attachment, holder):
            yield DeleteAttachment(attachment.slot)


def _since_permit(attachment: Attachment, holder: HolderRecord) -> bool:
    permit = holder.permit
    reference = permit.changed_on or permit.issued_on
    return reference is None or attachment.uploaded_on >= reference


def _current_profile(node: Node) -> Iterator[Profile]:
    """The profile with the work history brought up to the current contract."""
    profile = node.holder.profile
    contract = node.holder.employment.contract
    history = profile.work_history
    if not _history_current(node.holder):
        assert contract is not None  # a history is current without a contract
        name = NEW_EMPLOYER.name if _tag(contract.employer_credit_code) == "B" else FORMER.name
        history = (
            *(attrs.evolve(w, end=contract.start - timedelta(days=1)) if w.end is None else w
              for w in history),
            WorkRecord(name, contract.start, None, contract.employer_credit_code),
        )  # fmt: skip
    if history != profile.work_history:
        yield attrs.evolve(profile, work_history=history)


_PAYLOADS: Mapping[type, Callable[[Node], Iterable[Any]]] = {
    AssociationRequest: _association_requests,
    Attachment: _missing_uploads,
    DeleteAttachment: _first_outdated,
    Profile: _current_profile,
}


# --- the world moving on ------------------------------------------------------------------------


def _world_steps(node: Node) -> Iterator[tuple[str, Node]]:
    """Time and life outside the portal: (name, configuration after it).

    Once a reason to cancel holds, the cancellation is due at once (M§7: 应即时注销) and the
    world waits for it: only the calendar goes on to the permit's expiry (the other end of a
    permit), and a new job is taken only where it ends the reason (an employer that moved out
    of Beijing left for one in Beijing; the reason then lasts until the holder's association
    with the employer that moved ends, a step of the holder's or that employer's). The moves
    left out are the world's own (documents growing old, a new employer, a month paid): none
    of them is read by a cancellation's rules, and each is still taken before the reason
    arises, so every mix of them meets every reason.

    Past a live permit's expiry date the world waits for the nightly sweep, which expires it
    (a day at most): each move of the world taken before the expiry day passed meets the same
    day, and each is taken again on the expired permit.
    """
    if expiry_due(node.holder.permit, local_date(node.at)):
        return
    if _cancellation_reasons(node):
        for name, moved in _calendar_steps(node):
            if name in _EXPIRY_NAMES:
                yield name, moved
        for name, moved in _life_steps(node):
            if not _cancellation_reasons(moved, associated=False):
                yield name, moved
        return
    yield from _calendar_steps(node)
    yield from _reasons_to_cancel(node)
    yield from _life_steps(node)


def _calendar_steps(node: Node) -> Iterator[tuple[str, Node]]:
    holder, day, timing = node.holder, local_date(node.at), node.timing
    permit = holder.permit
    if permit.state in (PermitState.VALID, PermitState.SUSPENDED) and permit.expires_on:
        # Time passes to the next class of the expiry: every class is met on the way, so a
        # step to a later one would only repeat them.
        now = timing.expiry(permit.expires_on, day)
        left = (permit.expires_on - day).days
        for name, days in _EXPIRY_STEPS:
            then = timing.expiry(day + timedelta(days=days), day)
            if days < left and _EXPIRY_ORDER.index(then) > _EXPIRY_ORDER.index(now):
                moved = _time_passes(node, left - days)
                if moved is not None:
                    yield name, moved
                break
    fresh = [a for a in holder.attachments
             if a.issued_on is not None and timing.fresh(a, day)]  # fmt: skip
    if fresh:
        # Within the class of the expiry (a later class is the move above): the documents
        # dated a month ago or more.
        days = max(timing.stale_after(a, day) for a in fresh)
        expires = permit.expires_on if _live(permit) else None
        if expires is None or timing.expiry(expires - timedelta(days=days), day) is (
            timing.expiry(expires, day)
        ):
            moved = _time_passes(node, days)
            if moved is not None:
                yield "documents older than a month", moved


def _life_steps(node: Node) -> Iterator[tuple[str, Node]]:
    holder = node.holder
    contract = holder.employment.contract
    if contract is not None and contract.employer_credit_code == FORMER.credit_code:
        yield "the holder starts work at employer B", _join(node, NEW_EMPLOYER)
    if contract is not None and contract.employer_credit_code == NEW_EMPLOYER.credit_code:
        paid = _employment_key(holder.employment)[1]
        if "B" not in paid:
            yield PAID_MONTH, _paid_month(node, NEW_EMPLOYER)


_EXPIRY_STEPS = (
    ("the expiry draws near", NEAR_EXPIRY_DAYS),
    ("the latest submission day passes", LATE_DAYS),
    ("the expiry day passes", -1),
)
_EXPIRY_NAMES = frozenset(name for name, _days in _EXPIRY_STEPS)

PAID_MONTH = "employer B pays a month of social insurance"
"""The one move of the world a holder may wait for to get out of a configuration."""


def _time_passes(node: Node, days: int) -> Node | None:
    """The configuration ``days`` later, seen from the moment it stands at: the permit's dates
    and the documents' come that much nearer (the search's clock stays where it is, so that the
    months of income and insurance stay those the record holds). None when a date would leave
    the horizon."""
    holder = node.holder
    shift = timedelta(days=-days)

    def earlier(day: date | None) -> date | None:
        return None if day is None else day + shift

    permit = holder.permit
    moved = attrs.evolve(
        permit,
        expires_on=earlier(permit.expires_on),
        issued_on=earlier(permit.issued_on),
        changed_on=earlier(permit.changed_on),
        employer_set_on=earlier(permit.employer_set_on),
    )
    attachments = tuple(
        attrs.evolve(a, uploaded_on=a.uploaded_on + shift, issued_on=earlier(a.issued_on))
        for a in holder.attachments
    )
    floor = local_date(AT) - HORIZON
    dates = [moved.issued_on, moved.expires_on, *(a.uploaded_on for a in attachments)]
    if any(d is not None and d < floor for d in dates):
        return None
    return attrs.evolve(node, holder=attrs.evolve(holder, permit=moved, attachments=attachments))


RETIRING_ID = "420106196512160016"
"""The resident id of a man born 1965-12-16, who reaches the statutory retirement age on the
search's first day (2026-03-16, 60 years and 3 months under the 2024 reform)."""


def _reasons_to_cancel(node: Node) -> Iterator[tuple[str, Node]]:
    """The facts that end a live permit at once (M§7: 已取得北京市户口、工作单位转至外省市或已到达
    法定退休年龄的，应即时注销), each arising when nothing is in flight and none holds yet: one
    reason is enough to need the cancellation."""
    holder = node.holder
    general = holder.profile.general
    if (
        general is None
        or not _live(holder.permit)
        or holder.open_application is not None
        or any(_acted_on(app) for _, app, _ in node.applications)
        or _cancellation_reasons(node)
    ):
        return
    day = local_date(node.at)
    beijing = attrs.evolve(
        general.hukou, kind=HukouKind.FAMILY, province_code=BEIJING_PROVINCE_CODE,
        place="北京市海淀区", registered_on=day,
    )  # fmt: skip
    yield "the holder obtains a Beijing hukou", _with_general(node, hukou=beijing)
    association = holder.association
    employer = association.employer
    contract = holder.employment.contract
    if (
        association.state is AssociationState.ASSOCIATED
        and employer is not None
        and contract is not None
        and contract.employer_credit_code == employer.credit_code
    ):
        moved = attrs.evolve(employer, in_beijing=False, moved_out_on=day)
        yield f"employer {_tag(employer.credit_code)} moves out of Beijing", attrs.evolve(
            node,
            holder=attrs.evolve(holder, association=attrs.evolve(association, employer=moved)),
            moved_out=node.moved_out | {employer.credit_code},
        )
    if retirement_reached(holder, day) is None:
        # What the rules read of the holder's age is the birth date of the basic information's
        # resident id; the account keeps its own number.
        retiring = _with_general(node, resident_id=RETIRING_ID)
        if retirement_reached(retiring.holder, day) is not None:
            yield "the holder reaches the statutory retirement age", retiring


def _with_general(node: Node, **changes: Any) -> Node:
    profile = node.holder.profile
    assert profile.general is not None  # the caller checked it
    general = attrs.evolve(profile.general, **changes)
    holder = attrs.evolve(node.holder, profile=attrs.evolve(profile, general=general))
    return attrs.evolve(node, holder=holder)


def _join(node: Node, employer: Employer) -> Node:
    """The holder works for ``employer`` from the latest month of the record on: the month it
    pays (`_paid_month`) is one of its contract's, as every month an employer pays is."""
    employment = node.holder.employment
    start = max(m.month for m in employment.insurance)
    employment = attrs.evolve(employment, contract=LabourContract(employer.credit_code, start))
    return attrs.evolve(node, holder=attrs.evolve(node.holder, employment=employment))


def _paid_month(node: Node, employer: Employer) -> Node:
    employment = node.holder.employment
    last = max(m.month for m in employment.insurance)
    insurance = tuple(
        InsuranceMonth(m.month, employer.credit_code) if m.month == last else m
        for m in employment.insurance
    )
    income = tuple(
        attrs.evolve(m, withholder_credit_code=employer.credit_code) if m.month == last else m
        for m in employment.income
    )
    moved = attrs.evolve(employment, insurance=insurance, income=income)
    return attrs.evolve(node, holder=attrs.evolve(node.holder, employment=moved))


# --- the search -------------------------------------------------------------------------------


def initial_nodes(
    at: datetime = AT, timing: Timing = Timing()
) -> tuple[tuple[str, Node], ...]:
    """A holder with no permit, associated with employer A, with and without its permission."""
    starts = []
    for permission in (True, False):
        employer = attrs.evolve(FORMER, handling_permission=permission)
        holder = valid_holder(at=at, employer=employer, permit_state=PermitState.NONE)
        label = "employer A has handling permission" if permission else (
            "employer A has no handling permission"
        )
        starts.append((label, Node(holder, (), at, former_permission=permission, timing=timing)))
    return tuple(starts)


def _eligible(node: Node) -> bool:
    """The holder may hold a permit in the manual's sense, as far as the search varies it: works
    for an employer that may handle permits, and — unless a live permit within its term must now
    be ended (M§7: 应即时注销, its lawful end then being the cancellation) — has no Beijing
    hukou, works for an employer still in Beijing and is below the statutory retirement age."""
    contract = node.holder.employment.contract
    if contract is None:
        return False
    if contract.employer_credit_code == NEW_EMPLOYER.credit_code:
        permitted = NEW_EMPLOYER.handling_permission
    else:
        permitted = node.former_permission
    permit, day = node.holder.permit, local_date(node.at)
    # A permit past its expiry date has ended, swept or not (FLOW-002): nothing is left to cancel.
    unexpired = permit.expires_on is not None and permit.expires_on >= day
    return permitted and ((_live(permit) and unexpired) or not _cancellation_reasons(node))


def _live(permit: Permit) -> bool:
    return permit.state in (PermitState.VALID, PermitState.SUSPENDED)


def _cancellation_reasons(node: Node, *, associated: bool = True) -> tuple[str, ...]:
    """Which of the facts that end a permit at once hold (M§7): a Beijing hukou, the employer
    the holder works for or is associated with moved out of Beijing (the latter is what the
    engine reads, ``cancellation_due``: a holder who took a job in Beijing is still to cancel
    until the association with the employer that moved ends; ``associated=False`` leaves
    that out), the statutory retirement age reached."""
    holder, day = node.holder, local_date(node.at)
    general = holder.profile.general
    contract = holder.employment.contract
    reasons = []
    if general is not None and general.hukou.in_beijing:
        reasons.append("hukou")
    if (contract is not None and contract.employer_credit_code in node.moved_out) or (
        associated and moved_out_employer(holder, day) is not None
    ):
        reasons.append("moved out")
    if retirement_reached(holder, day) is not None:
        reasons.append("retired")
    return tuple(reasons)


def _acted_on(application: Application) -> bool:
    """Taken beyond its start (handed in, or prepared for its filer): a started application is a
    draft nobody else sees until its first event."""
    return application.version > 0


def _cancelling(node: Node) -> bool:
    """A cancellation is in flight (handed in, not ended: the search leaves out ended ones)."""
    return any(
        kind is BusinessType.CANCELLATION and _acted_on(app)
        for kind, app, _ in node.applications
    )


def _in_flight(explorer: Explorer, node: Node) -> tuple[Application, ...]:
    return tuple(
        app
        for _, app, _ in node.applications
        if _acted_on(app) and not explorer._ended(app, node.at)
    )


def _settled(explorer: Explorer, node: Node) -> bool:
    """A configuration a holder can live in: a valid permit within its term, nothing open and
    no reason to cancel it (M§7), or a cancelled permit (the lawful end)."""
    holder, day = node.holder, local_date(node.at)
    permit = holder.permit
    if permit.state is PermitState.CANCELLED:
        return True
    return (
        permit.state is PermitState.VALID
        and not cancellation_due(holder, day)
        and permit.expires_on is not None
        and permit.expires_on >= day
        and holder.open_application is None
        and not _in_flight(explorer, node)
    )


_ENDED = (PermitState.EXPIRED, PermitState.CANCELLED)


class _Search:
    def __init__(self, explorer: Explorer, max_configurations: int, world: bool = True) -> None:
        self.world = world
        self.explorer = explorer
        self.engine = explorer.engine
        self.max = max_configurations
        self.nodes: dict[Hashable, Node] = {}
        self.parent: dict[Hashable, tuple[Hashable | None, Move]] = {}
        self.escapes: dict[Hashable, set[Hashable]] = {}
        """Reverse edges of the steps a holder may take to get out (not the world's)."""
        self.expanded: set[Hashable] = set()
        self.truncated: set[Hashable] = set()
        """Configurations some of whose successors the bound left out."""
        self.transitions = 0
        self.complete = True
        self.beyond_horizon = 0
        """Configurations left out because a date of theirs lies beyond the horizon."""
        self.found: dict[tuple[Hashable, ...], Violation] = {}
        self._words: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = {}
        self.taken: dict[Hashable, frozenset[tuple[str, str]]] = {}
        """`Explorer.taken` of each configuration stepped from."""
        self.swept: dict[Hashable, Hashable] = {}
        """The configuration the sweep leads to from each where it changes something."""
        self.instructions: list[tuple[Hashable, Refusal, str, str, tuple[str, ...]]] = []
        """(configuration, refusal, source, message, action words) still to be checked."""
        self._targets = {word: _targets(self.engine, word) for word in ACTION_WORDS}
        self.words = Words(explorer)

    # --- bookkeeping ---

    def path(self, node_key: Hashable) -> tuple[Move, ...]:
        moves: list[Move] = []
        current: Hashable | None = node_key
        while current is not None:
            previous, move = self.parent[current]
            moves.append(move)
            current = previous
        return tuple(reversed(moves))

    def add(self, node: Node, parent: Hashable | None, move: Move) -> Hashable | None:
        # An application that has ended only leaves its business free to start again.
        live = tuple(e for e in node.applications if not self.explorer._ended(e[1], node.at))
        if live != node.applications:
            node = attrs.evolve(node, applications=live)
        node_key = key(node)
        if node_key in self.nodes:
            return node_key
        if _beyond_horizon(node):
            self.beyond_horizon += 1
            self.complete = False
            if parent is not None:
                self.truncated.add(parent)
            return None
        if len(self.nodes) >= self.max:
            self.complete = False
            if parent is not None:
                self.truncated.add(parent)
            return None
        self.nodes[node_key] = node
        self.parent[node_key] = (parent, move)
        self.queue.append(node_key)
        return node_key

    def report(
        self, check: Check, signature: Hashable, summary: str, at: Hashable,
        extra: tuple[Move, ...] = (), say: Callable[[Language], str] | None = None,
    ) -> None:  # fmt: skip
        """Note a violation at ``at``; ``say`` gives its summary in words in a language."""
        slot = (check, signature)
        known = self.found.get(slot)
        if known is not None:
            self.found[slot] = attrs.evolve(known, count=known.count + 1)
            return
        path = (*self.path(at), *extra)
        node = self.nodes[at]
        self.found[slot] = Violation(
            check, summary, path, describe(node),
            words={
                lang: (
                    say(lang) if say is not None else summary,
                    self.words.node(node, lang),
                    tuple(self.words.move(move, lang) for move in path),
                )
                for lang in LANGUAGES
            },
        )  # fmt: skip

    # --- the walk ---

    def run(self) -> None:
        self.queue: deque[tuple[Hashable, ...]] = deque()
        for name, node in initial_nodes(timing=Timing.of(self.engine)):
            self.add(node, None, Move("start", name, "holder"))
        while self.queue:
            node_key = self.queue.popleft()
            node = self.nodes[node_key]
            self.expanded.add(node_key)
            self.check_node(node_key, node)
            items = list(self.explorer.steps(node, node_key[:-1]))
            self.taken[node_key] = frozenset(self.explorer.taken)
            for item in items:
                if isinstance(item, Refusal):
                    self.check_refusal(node_key, item)
                    continue
                move, child, _findings = item
                self.transitions += 1
                self.check_step(node_key, node, move, child)
                child_key = self.add(child, node_key, move)
                if child_key is not None:
                    self.escapes.setdefault(child_key, set()).add(node_key)
                    if move.event == SWEEP:
                        self.swept[node_key] = child_key
            for name, child in _world_steps(node) if self.world else ():
                self.transitions += 1
                child_key = self.add(child, node_key, Move("world", name, "holder"))
                if child_key is not None and name == PAID_MONTH:
                    self.escapes.setdefault(child_key, set()).add(node_key)
        self.check_messages()
        self.check_dead_ends()

    # --- checks ---

    def check_node(self, node_key: Hashable, node: Node) -> None:
        # A cancellation is filed whatever else is open (M§7: 应即时注销); its approval makes
        # the other moot.
        flying = [app for app in _in_flight(self.explorer, node)
                  if app.business_type is not BusinessType.CANCELLATION]  # fmt: skip
        if len(flying) > 1:
            codes = sorted(app.business_type.value for app in flying)
            kinds = "、".join(codes)
            w = self.words

            def say(lang: Language) -> str:
                named = ("、" if lang == "zh" else ", ").join(w.business(c, lang) for c in codes)
                return (f"{len(flying)} 项业务同时在办：{named}" if lang == "zh"
                        else f"{len(flying)} applications open at once: {named}")  # fmt: skip

            self.report(
                Check.ONE_OPEN, kinds,
                f"{len(flying)} 项业务同时在办 / {len(flying)} applications open at once: {kinds}",
                node_key, say=say,
            )  # fmt: skip

    def check_step(self, node_key: Hashable, node: Node, move: Move, child: Node) -> None:
        before, after = node.holder.permit, child.holder.permit
        subject = move.subject
        application = (
            child.application(BusinessType(subject)) if subject != "holder" else None
        )
        approved = application is not None and self.explorer.definition(
            application, child.at
        ).ending(application.state) is Ending.APPROVED and (
            node.application(BusinessType(subject)) is None
            or node.application(BusinessType(subject)) != application
        )
        w = self.words
        if before.state in _ENDED and after.state is PermitState.VALID and not (
            approved and subject == BusinessType.NEW.value
        ):
            self.report(
                Check.REVIVAL, (subject, move.event),
                f"{subject} {move.event}: 证件由{before.state.value}变为有效 / the "
                f"{before.state.value} permit became valid again",
                node_key, (move,),
                say=lambda lang: (
                    f"{w.move(move, lang)}：证件由“{w.permit(before.state, lang)}”变为有效"
                    if lang == "zh" else
                    f"{w.move(move, lang)}: the permit, {w.permit(before.state, lang)}, "
                    "became valid again"
                ),
            )  # fmt: skip
        elif before.state in _ENDED and approved and subject != BusinessType.NEW.value:
            self.report(
                Check.REVIVAL, (subject, "approval"),
                f"{subject} 在证件{before.state.value}后审核通过 / a {subject} was approved on "
                f"a {before.state.value} permit",
                node_key, (move,),
                say=lambda lang: (
                    f"证件“{w.permit(before.state, lang)}”后，{w.business(subject, lang)}审核通过"
                    if lang == "zh" else
                    f"a {w.business(subject, lang)} was approved on a permit that is "
                    f"{w.permit(before.state, lang)}"
                ),
            )  # fmt: skip
        if move.event == SWEEP:
            day = local_date(child.at)
            if (
                after.state in (PermitState.VALID, PermitState.SUSPENDED)
                and after.expires_on is not None
                and after.expires_on < day
            ):
                self.report(
                    Check.SWEEP, after.state.value,
                    f"扫描后证件仍为{after.state.value}，已过有效期 / after the sweep the permit "
                    f"is {after.state.value} past its expiry",
                    node_key, (move,),
                    say=lambda lang: (
                        f"每日扫描后证件仍为“{w.permit(after.state, lang)}”，已过有效期"
                        if lang == "zh" else
                        f"after the sweep the permit is {w.permit(after.state, lang)} past "
                        "its expiry"
                    ),
                )  # fmt: skip
        if application is not None and Tag.WITHDRAWAL in w.machines[subject].tags_by_event.get(
            move.event, frozenset()
        ):
            opened = child.holder.open_application
            if opened is not None and opened.id == application.id:
                self.report(
                    Check.ONE_OPEN, ("withdraw", subject),
                    f"{subject} 撤回后仍占用在办业务 / withdrawing the {subject} did not free "
                    "the holder",
                    node_key, (move,),
                    say=lambda lang: (
                        f"{w.business(subject, lang)}撤回后仍占用在办业务" if lang == "zh"
                        else f"withdrawing the {w.business(subject, lang)} did not free the "
                        "holder"
                    ),
                )  # fmt: skip

    def check_refusal(self, node_key: Hashable, refusal: Refusal) -> None:
        """Note each instruction of the refusal's messages, to be checked once every
        configuration has been stepped from (`check_messages`)."""
        own = refusal.move.subject
        for source, message in refusal.messages:
            for words in self._instructed(message, own):
                missing = any(not self._targets[w] for w in words)
                signature = (source, words, missing)
                if (Check.MESSAGE, signature) not in self.found:
                    self.instructions.append((node_key, refusal, source, message, words))

    def check_messages(self) -> None:
        """Every action an instruction names exists, and some actor could take it where it was
        said, or once the nightly sweep has run there (what the system does on its own)."""
        for node_key, refusal, source, message, words in self.instructions:
            missing = [w for w in words if not self._targets[w]]
            signature = (source, words, bool(missing))
            if missing:
                why = ("没有这样的事件", "no such event exists")
            elif self._possible(node_key, words) or (Check.MESSAGE, signature) in self.found:
                continue
            else:
                why = ("此时无人可以办理", "nobody may take it here")
            named = "、".join(words)
            self.report(
                Check.MESSAGE, signature,
                f"{source} 提示“{named}”，{why[0]} / {why[1]}: {message}",
                node_key, (refusal.move,),
                say=functools.partial(_say_message, named, why, message, source),
            )  # fmt: skip

    def _possible(self, node_key: Hashable, words: tuple[str, ...]) -> bool:
        swept = self.swept.get(node_key)
        places = (node_key,) if swept is None else (node_key, swept)
        return any(
            self._targets[w].met(self.taken.get(place, frozenset()))
            for w in words
            for place in places
        ) or any(place in self.truncated or place not in self.expanded for place in places[1:])

    def _instructed(self, message: str, own: str) -> tuple[tuple[str, ...], ...]:
        """The action words of each instruction of ``message`` that name something other than
        the refused step's own business (read once per message text)."""
        cache_key = (message, own)
        known = self._words.get(cache_key)
        if known is None:
            found = []
            for clause in _instructions(message):
                words = tuple(
                    w for w in ACTION_WORDS
                    if w in clause and own not in {k.value for k in self._targets[w].business_types}
                )  # fmt: skip
                if words:
                    found.append(words)
            known = self._words[cache_key] = tuple(found)
        return known

    def check_dead_ends(self) -> None:
        good = [
            k for k, node in self.nodes.items()
            if k not in self.expanded or k in self.truncated or _settled(self.explorer, node)
        ]  # fmt: skip
        reach = set(good)
        frontier = deque(good)
        while frontier:
            current = frontier.popleft()
            for previous in self.escapes.get(current, ()):
                if previous not in reach:
                    reach.add(previous)
                    frontier.append(previous)
        for node_key, node in self.nodes.items():  # insertion order is breadth first
            if node_key in reach or not _eligible(node):
                continue
            signature = _stuck(self.explorer, node)
            self.report(
                Check.DEAD_END, signature,
                f"无路可达有效证件或合法结束 / no way to a valid permit or a lawful end: "
                f"{signature}",
                node_key, say=functools.partial(self._say_stuck, node),
            )  # fmt: skip

    def _say_stuck(self, node: Node, lang: Language) -> str:
        stuck = self.words.stuck(node, lang)
        if lang == "zh":
            return f"无路可达有效证件或合法结束：{stuck}"
        return f"no way to a valid permit or a lawful end: {stuck}"


def _say_message(
    named: str, why: tuple[str, str], message: str, source: str, lang: Language
) -> str:
    if lang == "zh":
        return f"提示“{named}”，{why[0]}：{message}"
    return f"the message of [{source}] names “{named}”, {why[1]}: {message}"


def _beyond_horizon(node: Node) -> bool:
    """The moment or the permit's expiry lies beyond the horizon (permits renewed one after the
    other would otherwise reach years the working-day calendar does not know)."""
    limit = local_date(AT) + HORIZON
    expires = node.holder.permit.expires_on
    return local_date(node.at) > limit or (expires is not None and expires > limit)


def _instructions(message: str) -> Iterator[str]:
    """The clauses of a message that tell a person what to do (from its 请 on)."""
    for sentence in re.split("[。；;]", message):
        if "请" in sentence:
            yield sentence[sentence.index("请") :]


def _stuck(explorer: Explorer, node: Node) -> str:
    """What a dead end is stuck on: the permit and the applications in flight."""
    flying = ", ".join(f"{app.business_type.value} {app.state}"
                       for app in _in_flight(explorer, node))  # fmt: skip
    return f"permit {node.holder.permit.state.value}" + (f"; {flying}" if flying else "")


@frozen
class _Targets:
    business_types: tuple[BusinessType, ...]
    events: tuple[tuple[BusinessType, str], ...]
    holder_events: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.business_types or self.events or self.holder_events)

    def met(self, taken: frozenset[tuple[str, str]]) -> bool:
        """Some actor took or could take one of these (``taken`` as in `Explorer.taken`): an
        event of a business's application or its start, one of the events, a holder event."""
        kinds = {kind.value for kind in self.business_types}
        return any(
            subject in kinds
            or (subject != "holder" and (BusinessType(subject), event) in self.events)
            or (subject == "holder" and event in self.holder_events)
            for subject, event in taken
        )


def _targets(engine: Engine, word: str) -> _Targets:
    """The businesses and events whose label says ``word``."""
    kinds: list[BusinessType] = []
    events: list[tuple[BusinessType, str]] = []
    for kind in engine.business_types:
        definition = engine.definition(kind, 1)
        if word in definition.label_zh:
            kinds.append(kind)
        events.extend(
            (kind, t.event) for t in definition.transitions
            if not t.internal and word in t.label_zh
        )  # fmt: skip
    holder = [
        t.event
        for definition in engine.holder_definitions
        for t in definition.transitions
        if not t.internal and word in t.label_zh
    ]
    return _Targets(tuple(kinds), tuple(dict.fromkeys(events)), tuple(dict.fromkeys(holder)))


FLOW_GROUP = "flow"
"""The rules between the procedures (one application at a time, the permit's state, an ended
permit): what they refuse cannot be had now, whatever the data; every other rule, process
rules of association and review included, asks for something a person can put right."""


def _between_procedures(
    engine: Engine, application: Application | None, at: datetime, findings: Iterable[Finding]
) -> bool:
    """Some blocking finding among these is of a rule between the procedures."""
    ruleset = engine.ruleset_for(application, at)
    return any(f.blocks and ruleset.rule(f.rule_id).group == FLOW_GROUP for f in findings)



# --- the report in words ------------------------------------------------------------------------

LANGUAGES: tuple[Language, ...] = ("zh", "en")

EXPIRY_WORDS = {
    Expiry.FAR: ("距到期尚远", "far from its expiry"),
    Expiry.NEAR: ("临近到期", "near its expiry"),
    Expiry.LATE: ("已过最晚提交日", "past the latest submission day"),
    Expiry.PAST: ("已过有效期", "past its expiry"),
}
WORLD_WORDS = {
    "the expiry draws near": ("证件临近到期", "the expiry draws near"),
    "the latest submission day passes": ("最晚提交日已过", "the latest submission day passes"),
    "the expiry day passes": ("到期日已过", "the expiry day passes"),
    "documents older than a month": ("材料已超过一个月", "the documents are over a month old"),
    "the holder starts work at employer B": ("持证人入职聘用单位B",
                                             "the holder starts work at employer B"),
    PAID_MONTH: ("聘用单位B缴纳一个月社会保险", "employer B pays a month of social insurance"),
    "the holder obtains a Beijing hukou": ("持证人取得北京市户口",
                                           "the holder obtains a Beijing hukou"),
    "employer A moves out of Beijing": ("聘用单位A转至外省市", "employer A moves out of Beijing"),
    "employer B moves out of Beijing": ("聘用单位B转至外省市", "employer B moves out of Beijing"),
    "the holder reaches the statutory retirement age": (
        "持证人到达法定退休年龄", "the holder reaches the statutory retirement age"),
    "employer A has handling permission": ("起点：聘用单位A有办理权限",
                                           "start: employer A has handling permission"),
    "employer A has no handling permission": ("起点：聘用单位A无办理权限",
                                              "start: employer A has no handling permission"),
}  # fmt: skip
"""The world's moves and the starts, in words."""
CHOICE_WORDS = {
    "minor child": ("未成年子女", "a minor child"),
    "adult child": ("已成年子女", "an adult child"),
}


class Words:
    """The configurations and steps of the search in the platform's words."""

    def __init__(self, explorer: Explorer) -> None:
        self.explorer = explorer
        engine = explorer.engine
        levels = explorer._levels()
        self.machines = {kind.value: engine.definition(kind, levels)
                         for kind in engine.business_types}  # fmt: skip
        self.holder = {t.event: d for d in engine.holder_definitions for t in d.transitions}

    def business(self, kind: str, lang: Language) -> str:
        return label(BusinessType(kind), lang)

    def state(self, kind: str, state: str, lang: Language) -> str:
        definition = self.machines.get(kind)
        if definition is None or state not in {s.name for s in definition.states}:
            return state
        return state_label(definition, state, lang)

    def permit(self, state: PermitState, lang: Language) -> str:
        return label(state, lang)

    def actor(self, name: str, lang: Language) -> str:
        if name.startswith("employer "):
            tag = name[-1] if lang == "zh" else f" {name[-1]}"
            return f"{role_label(Role.EMPLOYER, lang)}{tag}"
        if name.startswith("authority "):
            return role_label(Role.AUTHORITY, lang, level=int(name.split()[1]))
        if name in ("applicant", "system"):
            return role_label(Role(name), lang)
        return name

    def event(self, subject: str, code: str, lang: Language, actor: str = "") -> str:
        if code == START:
            return "发起" if lang == "zh" else "start"
        if code == SWEEP:
            return "每日扫描" if lang == "zh" else "the nightly sweep"
        definition = self.machines.get(subject) or self.holder.get(code)
        if definition is None:
            return code
        if actor.startswith("authority "):
            # An event reads per review level (第2级审核通过): the reviewer's level tells which.
            level = int(actor.split()[1])
            for transition in definition.transitions:
                if transition.event == code and transition.level == level:
                    return transition.label_zh if lang == "zh" else transition.label_en
        return event_label(definition, code, lang)

    def detail(self, detail: str, lang: Language) -> str:
        index = 0 if lang == "zh" else 1
        if detail in CHOICE_WORDS:
            return CHOICE_WORDS[detail][index]
        if detail in {t.value for t in CancellationTrigger}:
            return label(CancellationTrigger(detail), lang)
        if detail in ("A", "B"):
            return self.actor(f"employer {detail}", lang)
        slots = [part for part in detail.split(", ") if part in {s.value for s in Slot}]
        if slots and len(slots) == len(detail.split(", ")):
            return ("、" if lang == "zh" else ", ").join(label(Slot(x), lang) for x in slots)
        return "" if detail == "form" else detail

    def move(self, move: Move, lang: Language) -> str:
        zh = lang == "zh"
        if move.actor in ("world", "start"):
            pair = WORLD_WORDS.get(move.event)
            return pair[0 if zh else 1] if pair else move.event
        codes = move.codes or (move.event,)
        subject = move.subject
        what = (" + " if not zh else "并").join(
            self.event(subject, c, lang, move.actor) for c in codes
        )
        where = (
            self.business(subject, lang)
            if subject in self.machines
            else machine_label(self.holder[codes[-1]], lang)
            if codes[-1] in self.holder
            else ""
        )
        detail = self.detail(move.detail, lang)
        text = f"{self.actor(move.actor, lang)}{'：' if zh else ': '}{what}"
        if where:
            text += f"（{where}）" if zh else f" ({where})"
        if detail:
            text += f"［{detail}］" if zh else f" [{detail}]"
        if move.findings:
            text += (f"，提示：{'、'.join(move.findings)}" if zh
                     else f"; noted: {', '.join(move.findings)}")  # fmt: skip
        return text

    def node(self, node: Node, lang: Language) -> str:
        zh = lang == "zh"
        holder, day = node.holder, local_date(node.at)
        permit = holder.permit
        association = holder.association
        employer = association.employer
        sep = "；" if zh else "; "
        parts = [
            (f"个人信息{label(holder.profile_state, lang)}" if zh
             else f"profile: {label(holder.profile_state, lang)}"),
            (("单位关联" if zh else "association: ") + label(association.state, lang)
             + (f"（{_tag(employer.credit_code)}）" if employer and zh
                else f" ({_tag(employer.credit_code)})" if employer else "")),
        ]  # fmt: skip
        expiry = node.timing.expiry(permit.expires_on, day)
        permit_words = ("证件" if zh else "permit: ") + self.permit(permit.state, lang)
        if expiry is not None:
            when = EXPIRY_WORDS[expiry][0 if zh else 1]
            permit_words += (f"（{when}，有效期至 {permit.expires_on}）" if zh
                             else f" ({when}: expires {permit.expires_on})")  # fmt: skip
        parts.append(permit_words)
        contract = _employment_key(holder.employment)[0]
        parts.append(f"劳动合同：单位{contract}" if zh else f"contract: employer {contract}")
        stale = [label(a.slot, lang) for a in holder.attachments
                 if not node.timing.fresh(a, day)]  # fmt: skip
        if stale:
            joined = ("、" if zh else ", ").join(stale)
            parts.append(("材料已过期：" if zh else "outdated: ") + joined)
        reasons = _cancellation_reasons(node)
        if reasons:
            parts.append(("应即时注销：" if zh else "cancellation due: ") + ", ".join(
                REASON_WORDS[r][0 if zh else 1] for r in reasons))
        if holder.open_application:
            kind = holder.open_application.business_type
            parts.append(("在办：" if zh else "open: ") + self.business(kind, lang))
        parts.extend(
            f"{self.business(kind.value, lang)}{'：' if zh else ': '}"
            f"{self.state(kind.value, app.state, lang)}"
            for kind, app, _ in node.applications
        )
        return sep.join(parts)

    def stuck(self, node: Node, lang: Language) -> str:
        """What a dead end is stuck on, in words: the permit and the applications in flight."""
        zh = lang == "zh"
        flying = [
            f"{self.business(app.business_type.value, lang)}"
            f"{'：' if zh else ': '}{self.state(app.business_type.value, app.state, lang)}"
            for app in _in_flight(self.explorer, node)
        ]
        text = ("证件" if zh else "permit: ") + self.permit(node.holder.permit.state, lang)
        return text + "".join(("；" if zh else "; ") + f for f in flying)


REASON_WORDS = {
    "hukou": ("已取得北京市户口", "a Beijing hukou"),
    "moved out": ("工作单位转至外省市", "the employer moved out of Beijing"),
    "retired": ("已到达法定退休年龄", "the statutory retirement age reached"),
}


# --- the entry point ----------------------------------------------------------------------------


def explore(
    engine: Engine | None = None,
    *,
    max_configurations: int = 100_000,
    business_types: Iterable[BusinessType] | None = None,
    world: bool = True,
) -> Report:
    """Explore every configuration reachable from a holder with no permit; check each step.

    ``business_types`` limits the businesses started (all of the engine's by default);
    ``max_configurations`` bounds the search (the report says when it was reached);
    ``world=False`` leaves the data as they start (no time passing, no new employer).
    """
    engine = engine or Engine()
    began = time.perf_counter()
    explorer = Explorer(engine, business_types=business_types)
    search = _Search(explorer, max_configurations, world)
    search.run()
    violations = sorted(
        search.found.values(), key=lambda v: (list(Check).index(v.check), len(v.path))
    )
    ruleset = engine.ruleset_for(None, AT)
    return Report(
        ruleset=f"{ruleset.name} {ruleset.version}",
        ruleset_words={
            lang: ruleset_label(ruleset.name, ruleset.version, lang) for lang in LANGUAGES
        },
        configurations=len(search.nodes),
        transitions=search.transitions,
        seconds=time.perf_counter() - began,
        violations=tuple(violations),
        complete=search.complete,
        skipped_events=tuple(sorted(explorer.skipped)),
        beyond_horizon=search.beyond_horizon,
    )

"""Status views: what a holder can start now, and how each application stands.

* ``available_business`` is the platform's 可办业务列表: for every business type, whether the
  holder can start it now and, if not, why — the error findings of the rules guarding the
  type's first event (the permit and association a type starts from are rules too: FLOW-001/
  002/003, EMP-002, ACC-002), except those about the form (field ``form…``), which is filled
  in once the business is started. An engine with its rules switched off judges nothing and
  so lists every type as available.
* ``progress`` is 查询业务申请记录 / 在办业务进度 for one application: its state, the review
  level, who acts next, the latest opinion and friendly tips, whether the confirmation slip can
  be printed, and the review due date (规定审核周期, M§3 注意事项 3). The review clock stops
  while the review is suspended (中止审核): the due date is put back by the working days spent
  suspended, and ``progress`` shows the paused clock, the working days left and whether the
  period is exceeded.
* ``holder_status`` adds the permit's expiry, the latest day to submit a renewal and, when the
  permit must be cancelled at once (应即时注销, M§7: a Beijing hukou, the employer moved out of
  Beijing, the statutory retirement age reached), each reason with the day it became due; the
  cancellation line of the business list carries the same reasons.

Each view says itself in the platform's words (``words(lang)``): labels for the business types,
states, steps and roles, a reason as the rule's own message with its id in brackets after it
(「……不一致（BI-004）。」), never a code alone. ``describe_business`` reads a business list the
way the platform's 可办业务列表 does: what can be started, then each reason once with the
business types it holds back.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from attrs import frozen

from permitflow.calendar import DEFAULT_CALENDAR, local_date
from permitflow.cancellation_due import CancellationDue, cancellation_due
from permitflow.deadlines import (
    Deadline,
    latest_renewal_submission,
    review_due,
    suspended_working_days,
)
from permitflow.engine.checks import check_at
from permitflow.engine.definition import Ending, MachineDefinition
from permitflow.engine.engine import Engine
from permitflow.engine.rulesource import RuleSetVersion
from permitflow.errors import EventNotAllowed, NotPermitted
from permitflow.labels import label, role_label
from permitflow.machines.spec import BusinessTypeSpec, business_type_spec
from permitflow.messages import LANGUAGES, Language
from permitflow.records.actors import Actor, Role
from permitflow.records.application import (
    Application,
    BusinessType,
    CancellationTrigger,
    Form,
)
from permitflow.records.holder import HolderRecord, OpenApplication, PermitState
from permitflow.rules.finding import Finding
from permitflow.rules.rule import judging_day
from permitflow.rules.ruleset import RENEWAL_DAYS_PARAMETER, REVIEW_DAYS_PARAMETER
from permitflow.tags import SUBMITTING, Tag
from permitflow.text import Quoted, referenced, render

PROBE_ID = "(可办业务检查)"
"""The id of the unsaved application a status check judges; it is never fired."""


@frozen
class Reason:
    """Why a business type cannot be started now."""

    rule_id: str
    """The rule that stops it, e.g. ``FLOW-001``; the rules, comma-separated, when several refuse
    alike (``CAN-001, CAN-002, CAN-003``)."""
    message_zh: str
    """What to do, in Chinese."""
    message_en: str
    """What to do, in English."""

    def words(self, lang: Language) -> str:
        """The rule's message with its id as a bracketed reference: 「……（FLOW-001）。」; several
        ids listed as the language lists them (CAN-001、CAN-002)."""
        ids = render(tuple(self.rule_id.split(", ")), lang)
        return referenced(self.message_zh if lang == "zh" else self.message_en, ids, lang)


@frozen
class Availability:
    """One line of the business list (可办业务列表)."""

    business_type: BusinessType
    """The business type."""
    label_zh: str
    """Its name in Chinese (续签, ...)."""
    label_en: str
    """Its name in English."""
    available: bool
    """True when it can be started now."""
    first_event: str
    """The event that starts it (``submit`` or ``prepare``)."""
    starter: Role
    """Who starts it: the applicant, or the employer for a renewal and an employer change."""
    reasons: tuple[Reason, ...] = ()
    """Why it cannot be started now; empty when available."""
    findings: tuple[Finding, ...] = ()
    """Warnings and tips of the first event's rules; error findings are also reasons."""
    due: tuple[CancellationDue, ...] = ()
    """Why it must be filed now (应即时注销 for 注销: its spec's ``due``) and since when; empty
    for a business nothing makes due."""

    def words(self, lang: Language) -> str:
        """The line as a person reads it: 续签：可以办理 / 新办：暂不能办理。<reasons>"""
        name = self.label_zh if lang == "zh" else self.label_en
        if self.available:
            return f"{name}：可以办理" if lang == "zh" else f"{name}: can be started now"
        reasons = " ".join(dict.fromkeys(reason.words(lang) for reason in self.reasons))
        return f"{name}：暂不能办理。{reasons}" if lang == "zh" else (
            f"{name}: cannot be started now. {reasons}"
        )


@frozen
class NextStep:
    """An event that may happen next and who may take it."""

    event: str
    """The event, e.g. ``accept``."""
    label_zh: str
    """Its label in Chinese, as the platform words it."""
    label_en: str
    """Its label in English."""
    role: Role
    """Who may take it."""
    level: int | None = None
    """The authority review level it belongs to; None for other roles."""
    blocked: bool = False
    """The actor may take it, but the rules refuse it for now."""

    def step(self, lang: Language) -> str:
        """The step by the button's words, and whether the rules hold it back for now."""
        step = self.label_zh if lang == "zh" else self.label_en
        if not self.blocked:
            return step
        held = "（规则暂不允许）" if lang == "zh" else " (refused by the rules for now)"
        return step + held

    def who(self, lang: Language) -> str:
        """Who takes it: 申请人, 主管部门第2级."""
        return role_label(self.role, lang, level=self.level)

    def words(self, lang: Language) -> str:
        """Who takes which step: 主管部门第1级：第1级审核通过."""
        who = self.who(lang)
        if lang == "zh":
            return f"{who}：{self.step(lang)}"
        return f"{who[:1].upper()}{who[1:]}: {self.step(lang)}"


@frozen
class Progress:
    """Where an application stands (在办业务进度): its state, who acts next, the latest
    return's opinion and tips, the review's due date."""

    application_id: str
    """The application's id."""
    business_type: BusinessType
    """Its business type."""
    state: str
    """The machine state, e.g. ``authority_review_1``."""
    state_zh: str
    """The state's label in Chinese."""
    state_en: str
    """The state's label in English."""
    ended: bool
    """True in a final state (approved, withdrawn, closed)."""
    level: int | None
    """The authority review level now (1 while awaiting acceptance), else None."""
    levels: int
    """The number of authority review levels of its pinned rule set."""
    next_steps: tuple[NextStep, ...]
    """The events that may happen next, and who may take them."""
    opinion: str | None
    """The latest return's review opinion (审批意见), binding."""
    tips: tuple[str, ...]
    """The latest return's friendly tips (温馨提示), for reference only (REV-003)."""
    returned_by: Actor | None
    """Who returned it last, when it was returned."""
    confirmation_slip_available: bool
    """True when the confirmation slip (确认单) can be printed: the application was approved."""
    submitted_at: datetime | None
    """The latest (re)submission to the employer or the authority."""
    review_due: Deadline | None
    """The end of the prescribed review period, put back by the working days the review has
    been suspended so far (stop-the-clock)."""
    review_paused: bool = False
    """The review is suspended (中止审核): its clock stands still until it is resumed."""
    review_days_left: int | None = None
    """Working days left after today up to the due date (0 on the due date itself, negative once
    it is exceeded); while paused, the days that were left when the review was suspended."""
    review_breached: bool = False
    """The prescribed review period was exceeded (on the day the clock last ran)."""

    @property
    def next_roles(self) -> tuple[Role, ...]:
        """The roles that may act next."""
        return tuple(dict.fromkeys(step.role for step in self.next_steps))

    def words(self, lang: Language) -> str:
        """Where it stands as 在办业务进度 shows it: the business, the state, the review due
        date and the next steps."""
        zh = lang == "zh"
        parts = [
            f"{label(self.business_type, lang)} {self.application_id}"
            + ("：" if zh else ": ")
            + (self.state_zh if zh else self.state_en)
        ]
        if self.review_due is not None and self.review_days_left is not None:
            left = self.review_days_left
            if self.review_paused:
                parts.append(f"审核计时暂停，暂停时剩余 {left} 个工作日" if zh else
                             f"the review clock is paused with {left} working day(s) left")
            else:
                due = render(self.review_due.date, lang)
                parts.append(f"应于 {due} 前审核完毕，剩余 {left} 个工作日" if zh else
                             f"to be reviewed by {due}, {left} working day(s) left")
            if self.review_breached:
                parts.append("已超过规定审核周期" if zh else "the review period is exceeded")
        if self.confirmation_slip_available:
            parts.append("可打印确认单" if zh else "the confirmation slip can be printed")
        by_whom: dict[str, list[str]] = {}
        for step in self.next_steps:
            by_whom.setdefault(step.who(lang), []).append(step.step(lang))
        for whom, steps in by_whom.items():
            listed = render(tuple(steps), lang)
            parts.append(f"下一步由{whom}办理：{listed}" if zh else f"next, {whom}: {listed}")
        return ("；" if zh else "; ").join(parts)


@frozen
class HolderStatus:
    """A holder's overview: the permit, its latest renewal submission day, the open application and
    the business list (可办业务列表)."""

    holder_id: str
    """The holder's resident identity number."""
    permit_state: PermitState
    """The permit's state."""
    expires_on: date | None
    """The permit's last day of validity; None without a permit."""
    latest_renewal_submission: Deadline | None
    """The last day to submit a renewal (the working days of the rule set in force before
    expiry); None without an expiry."""
    open_application: OpenApplication | None
    """The one open application, if any."""
    business: tuple[Availability, ...]
    """One line per business type: whether it can be started now and why not."""
    cancellation_due: tuple[CancellationDue, ...] = ()
    """Each reason the permit must be cancelled at once (应即时注销), with the day it arose."""

    @property
    def cancellation_due_since(self) -> date | None:
        """The earliest known day the cancellation became due, if it is due."""
        return min((due.since for due in self.cancellation_due if due.since), default=None)

    def lines(self, lang: Language) -> tuple[str, ...]:
        """The overview as lines a person reads: the permit, its deadlines, the open
        application, why a cancellation is due, and the business list."""
        zh = lang == "zh"
        permit = label(self.permit_state, lang)
        lines = [f"工作居住证：{permit}" if zh else f"Permit: {permit}"]
        if self.expires_on is not None:
            expires = render(self.expires_on, lang)
            lines.append(f"有效期至：{expires}" if zh else f"Valid until: {expires}")
        if self.latest_renewal_submission is not None:
            latest = render(self.latest_renewal_submission.date, lang)
            lines.append(
                f"续签最晚提交日：{latest}" if zh else f"Latest renewal submission: {latest}"
            )
        if self.open_application is not None:
            kind = label(BusinessType(self.open_application.business_type), lang)
            number = render(Quoted(self.open_application.id), lang)
            lines.append(
                f"在办业务：{kind} {number}" if zh else f"Open application: {kind} {number}"
            )
        for due in self.cancellation_due:
            reason = due.label_zh if zh else due.label_en
            since = f"（自 {render(due.since, lang)} 起）" if zh and due.since else (
                f" (since {render(due.since, lang)})" if due.since else ""
            )
            lines.append(
                f"应即时注销：{reason}{since}" if zh else f"To be cancelled now: {reason}{since}"
            )
        return (*lines, *describe_business(self.business, lang))


def describe_business(lines: tuple[Availability, ...], lang: Language) -> tuple[str, ...]:
    """A business list (可办业务列表) as lines: what can be started now, then each reason once,
    with the business types it holds back: 「暂不能办理新办、续签：……（FLOW-003）。」."""
    zh = lang == "zh"
    names = {line.business_type: line.label_zh if zh else line.label_en for line in lines}
    can = [names[line.business_type] for line in lines if line.available]
    out = [
        ("可以办理：" if zh else "Can be started now: ")
        + (render(tuple(can), lang) if can else ("无" if zh else "none"))
    ]
    held: dict[str, list[str]] = {}
    for line in lines:
        for reason in line.reasons:
            held.setdefault(reason.words(lang), []).append(names[line.business_type])
    for sentence, kinds in held.items():
        which = render(tuple(dict.fromkeys(kinds)), lang)
        out.append(f"暂不能办理{which}：{sentence}" if zh else f"Not now — {which}: {sentence}")
    return tuple(out)


def confirmation_slip_available(definition: MachineDefinition, application: Application) -> bool:
    """Every approval makes the confirmation slip (确认单) printable (M§2.4-§6.4, REV-002):
    the application stands in a state of ``definition`` (its machine's) that ends it approved."""
    return definition.ending(application.state) is Ending.APPROVED


def review_level(definition: MachineDefinition, state: str) -> int | None:
    """The authority level that acts in ``state``: 1 awaiting acceptance, k at level k and
    while level k is suspended (the level is data on the state)."""
    return definition.state(state).level


# --- the business list --------------------------------------------------------------------------


def _probe_forms(spec: BusinessTypeSpec) -> tuple[Form, ...]:
    return spec.reasons or (spec.form_type(),)


def _rule_findings(
    engine: Engine, business_type: BusinessType, event: str, holder: HolderRecord, at: datetime
) -> tuple[tuple[Finding, ...], Reason | None]:
    """The findings of the first event's rules. A cancellation is judged for each reason it may
    give (注销原因): with one that holds, the findings of that one; with none, what stops every
    reason alike (no permit to cancel) or, when only the reasons fail, one reason saying so."""
    judged = []
    for form in _probe_forms(business_type_spec(business_type)):
        probe = engine.start(
            business_type, holder=holder, application_id=PROBE_ID, at=at, form=form
        )
        findings = engine.check(probe, event, at=at, holder=holder, include_passed=False)
        if not any(f.blocks for f in findings):
            return findings, None
        judged.append(findings)
    shared = tuple(f for f in judged[0] if all(f in findings for findings in judged[1:]))
    if len(judged) == 1 or any(f.blocks for f in shared):
        return shared, None
    return shared, _no_reason_holds(judged)


def _no_reason_holds(judged: list[tuple[Finding, ...]]) -> Reason:
    """Every cancellation reason of the manual (M§7) refused: the reasons, and the rules that
    refuse them."""
    refusing = (f.rule_id for findings in judged for f in findings if f.blocks)
    rule_ids = ", ".join(dict.fromkeys(refusing))
    zh, en = (render(tuple(CancellationTrigger), lang) for lang in LANGUAGES)
    return Reason(
        rule_ids,
        f"办理注销须符合以下情形之一：{zh}；目前均不符合",
        f"A cancellation needs one of these reasons: {en}; none applies now",
    )


PROCEDURE_GROUP = "flow"
"""The rule group of the constraints between procedures (FLOW): whether a business can be
started at all."""


def _gateway_first(ruleset: RuleSetVersion, blocking: list[Finding]) -> list[Finding]:
    """What stops a business at its door, alone: while the procedure itself refuses it (no
    permit yet, one already open), the materials it would need are not yet the person's concern
    and would read as a second, contradictory task."""
    gateway = [f for f in blocking if ruleset.rule(f.rule_id).group == PROCEDURE_GROUP]
    return gateway or blocking


def _about_the_form(finding: Finding) -> bool:
    """The finding is about the form, which is filled in when the business is started."""
    field = finding.field or ""
    return field == "form" or field.startswith("form.")


def available_business(
    engine: Engine, holder: HolderRecord, at: datetime
) -> tuple[Availability, ...]:
    """Every business type of the engine: can the holder start it now, and if not, why."""
    day = local_date(at)
    lines = []
    for business_type in engine.business_types:
        due = business_type_spec(business_type).due
        definition = engine.definition(business_type, 1)
        first = next(t for t in definition.transitions if definition.initial in t.sources)
        starter = Role.APPLICANT if Role.APPLICANT in first.roles else min(first.roles)
        findings: tuple[Finding, ...] = ()
        held_back: Reason | None = None
        if engine.rules_enabled:
            judged, held_back = _rule_findings(engine, business_type, first.event, holder, at)
            findings = tuple(f for f in judged if not _about_the_form(f))
        blocking = [f for f in findings if f.blocks]
        if engine.rules_enabled:
            blocking = _gateway_first(engine.ruleset_for(None, at), blocking)
        reasons = [Reason(f.rule_id, f.message_zh, f.message_en) for f in blocking]
        if held_back is not None:
            reasons.append(held_back)
        lines.append(
            Availability(
                business_type,
                definition.label_zh,
                definition.label_en,
                not reasons,
                first.event,
                starter,
                tuple(reasons),
                tuple(f for f in findings if not f.blocks),
                due(holder, day) if due is not None else (),
            )
        )
    return tuple(lines)


# --- one application ----------------------------------------------------------------------------


_NOT_THEIRS = (EventNotAllowed.code, NotPermitted.code)
_WAYS_OUT = frozenset({Ending.CLOSED, Ending.WITHDRAWN})
"""How a withdrawal and a moot closing end the procedure: ways out of it, not steps of it
(``Engine.allowed_events`` lists them)."""


def _candidates(
    definition: MachineDefinition, application: Application, holder: HolderRecord
) -> tuple[Actor, ...]:
    actors = [Actor.applicant(holder.holder_id), Actor.system()]
    if application.employer_id:
        actors.append(Actor.employer(application.employer_id))
    level = review_level(definition, application.state)
    if level is not None:
        actors.append(Actor.authority(level))
    return tuple(actors)


def _next_steps(
    engine: Engine, application: Application, holder: HolderRecord, at: datetime
) -> tuple[NextStep, ...]:
    steps = []
    definition = engine.definition_for(application, at)
    for actor in _candidates(definition, application, holder):
        for option in engine.allowed_events(application, actor, at, holder=holder):
            ends = definition.ending(option.dest) if option.dest is not None else None
            if ends in _WAYS_OUT or option.reason in _NOT_THEIRS:
                continue
            steps.append(
                NextStep(
                    option.event,
                    option.label_zh,
                    option.label_en,
                    actor.role,
                    actor.level,
                    blocked=not option.allowed,
                )
            )
    return tuple(steps)


@frozen
class _Clock:
    due: Deadline
    paused: bool
    days_left: int
    breached: bool


def _review_clock(
    definition: MachineDefinition,
    application: Application,
    submitted: datetime,
    at: datetime,
    working_days: int,
) -> _Clock:
    """The review period of ``working_days`` since ``submitted``, stopped while the review was
    suspended (``definition``: the application's machine, whose steps say which suspend it)."""
    periods: list[tuple[date, date]] = []
    suspended_on: date | None = None
    for entry in application.history:
        if entry.at < submitted:
            continue
        tags = definition.tags_by_event.get(entry.event, frozenset())
        if Tag.SUSPENSION in tags:
            suspended_on = local_date(entry.at)
        elif Tag.RESUMPTION in tags and suspended_on is not None:
            periods.append((suspended_on, local_date(entry.at)))
            suspended_on = None
    today = local_date(at)
    paused = suspended_on is not None
    if suspended_on is not None:
        periods.append((suspended_on, today))
    due = review_due(
        local_date(submitted), working_days=working_days,
        suspended=suspended_working_days(periods),
    )  # fmt: skip
    # While paused the clock reads as it did on the day the review was suspended.
    clock_day = suspended_on if suspended_on is not None else today
    due_then = (
        review_due(
            local_date(submitted), working_days=working_days,
            suspended=suspended_working_days(periods[:-1]),
        )
        if paused
        else due
    )
    left = DEFAULT_CALENDAR.working_days_between_flagged(
        clock_day + timedelta(days=1), due_then.date + timedelta(days=1)
    )[0]
    return _Clock(due, paused, left, clock_day > due_then.date)


def progress(
    engine: Engine, application: Application, at: datetime, *, holder: HolderRecord
) -> Progress:
    """Where ``application`` stands at ``at`` and what may happen next."""
    check_at(at)
    definition = engine.definition_for(application, at)
    state = definition.state(application.state)
    returned = next((e for e in reversed(application.history) if e.opinion is not None), None)
    submitted = application.latest(definition.events_tagged(SUBMITTING))
    ended = state.terminal
    clock = None
    if submitted and not ended:
        # The review period of the rule-set version the application is judged by, on the day
        # its parameters are read (its first submission).
        params = engine.ruleset_for(application, at).params_on(judging_day(application, at))
        clock = _review_clock(
            definition, application, submitted.at, at, params[REVIEW_DAYS_PARAMETER]
        )
    return Progress(
        application_id=application.id,
        business_type=application.business_type,
        state=state.name,
        state_zh=state.label_zh,
        state_en=state.label_en,
        ended=ended,
        level=state.level,
        levels=definition.review_levels,
        next_steps=() if ended else _next_steps(engine, application, holder, at),
        opinion=returned.opinion if returned else None,
        tips=returned.tips if returned else (),
        returned_by=returned.actor if returned else None,
        confirmation_slip_available=confirmation_slip_available(definition, application),
        submitted_at=submitted.at if submitted else None,
        review_due=clock.due if clock else None,
        review_paused=clock.paused if clock else False,
        review_days_left=clock.days_left if clock else None,
        review_breached=clock.breached if clock else False,
    )


def holder_status(engine: Engine, holder: HolderRecord, at: datetime) -> HolderStatus:
    """The holder's permit, its renewal deadline, the open application and the business list."""
    check_at(at)
    permit = holder.permit
    live = permit.state in (PermitState.VALID, PermitState.SUSPENDED)
    deadline = None
    if live and permit.expires_on is not None:
        day = local_date(at)
        before = engine.ruleset_for(None, at).params_on(day)[RENEWAL_DAYS_PARAMETER]
        deadline = latest_renewal_submission(permit.expires_on, working_days=before)
    return HolderStatus(
        holder_id=holder.holder_id,
        permit_state=permit.state,
        expires_on=permit.expires_on,
        latest_renewal_submission=deadline,
        open_application=holder.open_application,
        business=available_business(engine, holder, at),
        cancellation_due=cancellation_due(holder, local_date(at)),
    )

"""A rule: stable id, kind, severity, citation, bilingual messages and a check over a context.

Rule logic is code; the numbers it uses come from the rule set's dated parameters
(``ctx.params``). A check never changes anything: it reads the context and yields verdicts.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

import attrs
from attrs import frozen

from permitflow.records.actors import Role
from permitflow.records.application import Application, BusinessType
from permitflow.records.copying import builder, make
from permitflow.records.holder import HolderRecord
from permitflow.rules.finding import Citation, Finding, RuleKind, Severity, Status

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
"""China has kept UTC+8 all year since 1991; a fixed offset avoids a tz database dependency."""

GROUPS: frozenset[str] = frozenset(
    {
        "acc", "bi", "edu", "his", "att", "doc", "huk", "emp", "res", "new", "ren", "chg",
        "bch", "chd", "mar", "can", "rev", "cal", "id", "pol", "flow",
    }
)  # fmt: skip
"""Rule groups a machine event may name as its guards: the catalogue's id prefixes in lower
case, plus ``flow`` for the cross-machine constraints of the procedure itself."""


def local_date(moment: datetime) -> date:
    """The Beijing calendar day of an aware moment; deadlines are counted in Beijing days."""
    return moment.astimezone(BEIJING).date()


def judging_day(application: Application | None, at: datetime) -> date:
    """The day whose rule parameters judge a case: the application's first submission day, so
    that one application is judged by one set of values (the pinned rule-set version); before
    that, the day of ``at``."""
    submitted = application.submitted_at if application is not None else None
    return local_date(submitted if submitted is not None else at)


FILING_EVENTS: frozenset[str] = frozenset(
    {"submit", "resubmit", "prepare", "notify_fixed", "initiate", "reinitiate"}
)
"""The events that hand the holder's data in (again): the applicant's filing and fixing steps
and the employer's (re-)initiation. Their day is the day of the current (re)submission."""


def current_submission_day(application: Application | None, event: str, at: datetime) -> date:
    """The day of the current (re)submission: the day of ``at`` when ``event`` hands the data in,
    else the day of the latest filing step of the application's history (the authority's
    acceptance and review judge what was handed in then), else its first submission."""
    if application is None or event in FILING_EVENTS:
        return local_date(at)
    entry = application.latest(FILING_EVENTS)
    if entry is not None:
        return local_date(entry.at)
    return judging_day(application, at)


class JudgedOn(StrEnum):
    """The day a rule judges on, declared on the rule (``Rule.judged_on``); its check reads it
    as ``ctx.day``."""

    FIRST_SUBMISSION = "first_submission"
    """The day the application was first submitted, kept through returns and resubmissions:
    timeliness (REN-005, CHG-009), like the pinned rule-set version."""
    SUBMISSION = "submission"
    """The day of the current (re)submission: facts handed in with the file — documents, ages,
    hukou, retirement, employment — are judged again on the day they are handed in again."""
    STEP = "step"
    """The day of the event itself: the permit's state and expiry, judged at every step up to
    the authority's last pass (REN-006), and the timers."""


@frozen
class RuleContext:
    """What a rule may read: the holder, the application, the event, the moment, the parameters.

    ``day`` is the day the rule being judged declares (``judged_on``); a rule set judging many
    rules hands each the context of its day (`judging`).
    """

    holder: HolderRecord
    """The holder's record."""
    application: Application | None
    """The application judged; None for a holder event."""
    business_type: BusinessType
    """The business type judged."""
    event: str
    """The event the rules guard."""
    at: datetime
    """The moment of the event."""
    params: Mapping[str, Any]
    """Rule-set parameters in force on the day the case is judged, by dotted name."""
    payload: Any = None
    """What a holder event hands in (the file to upload, the declared leaving day), judged
    before the event changes the record; None for an application's event."""
    judged_on: JudgedOn = JudgedOn.SUBMISSION
    """The day each kind of fact is judged on (the current submission, the first submission, today).
    """
    on: date = attrs.field(init=False)
    """The Beijing day of ``at``: the day of the step."""
    submission_date: date = attrs.field(init=False)
    """The day the application was first submitted, or ``on`` for a first submission."""
    resubmission_date: date = attrs.field(init=False)
    """The day of the current (re)submission
    ([`current_submission_day`][permitflow.rules.rule.current_submission_day])."""
    day: date = attrs.field(init=False)
    """The day of ``judged_on``: what the rule's check compares dates with."""
    _days: dict[JudgedOn, RuleContext] = attrs.field(init=False, factory=dict, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # Dozens of rules ask for these days; they are worked out once per context.
        on = local_date(self.at)
        object.__setattr__(self, "on", on)
        object.__setattr__(self, "submission_date", judging_day(self.application, self.at))
        object.__setattr__(
            self, "resubmission_date", current_submission_day(self.application, self.event, self.at)
        )
        object.__setattr__(self, "day", self._day_of(self.judged_on))
        self._days[self.judged_on] = self

    def _day_of(self, judged_on: JudgedOn) -> date:
        if judged_on is JudgedOn.FIRST_SUBMISSION:
            return self.submission_date
        if judged_on is JudgedOn.SUBMISSION:
            return self.resubmission_date
        return self.on

    def judging(self, judged_on: JudgedOn) -> RuleContext:
        """This context for a rule judging on ``judged_on`` (built once per day, then shared)."""
        ctx = self._days.get(judged_on)
        if ctx is None:
            ctx = copy.copy(self)
            object.__setattr__(ctx, "judged_on", judged_on)
            object.__setattr__(ctx, "day", self._day_of(judged_on))
            self._days[judged_on] = ctx
        return ctx


@frozen
class Verdict:
    """One judgement of a check; a check may judge several items (e.g. each child)."""

    status: Status
    """The outcome for that field."""
    field: str | None = None
    """The field judged, as a path in the records, e.g. ``permit.expires_on``."""
    facts: Mapping[str, object] = attrs.field(factory=dict)
    """The facts the judgement used; they also fill the message templates (``{name}``).
    Turned into text only when a finding is made of them, so a pass costs nothing more."""


def passed(field: str | None = None, **facts: object) -> Verdict:
    return Verdict(Status.PASSED, field, facts)


def failed(field: str | None = None, **facts: object) -> Verdict:
    return Verdict(Status.FAILED, field, facts)


def needs_attestation(field: str | None = None, **facts: object) -> Verdict:
    return Verdict(Status.NEEDS_ATTESTATION, field, facts)


Check = Callable[[RuleContext], Iterable[Verdict]]


@frozen
class Rule:
    """One rule of the catalogue: its id, kind, severity, group, business types, citation and
    bilingual title and message, and the function that judges it."""

    id: str
    """The catalogue id, e.g. ``ID-001``."""
    kind: RuleKind = attrs.field(converter=RuleKind)
    """machine, human or hybrid."""
    severity: Severity = attrs.field(converter=Severity)
    """The default severity; a rule set may override it."""
    group: str
    """The rule group that guards steps, e.g. ``id`` or ``ren``."""
    business_types: frozenset[BusinessType]
    """The business types it applies to."""
    citation: Citation
    """The manual section and sentence it implements."""
    title_zh: str
    """Its title in Chinese."""
    title_en: str
    """Its title in English."""
    message_zh: str
    """Shown when the rule fails; ``{name}`` placeholders come from the verdict's facts."""
    message_en: str
    """Its message in English, a template filled from the verdict's facts."""
    check: Check = attrs.field(eq=False, repr=False)
    """The function judging a RuleContext, yielding Verdicts."""
    events: frozenset[str] | None = None
    """The events this rule guards; None means every event its group guards."""
    attesters: frozenset[Role] | None = None
    """Who may record an attestation for this rule. None: the authority's reviewers for
    attestation and hybrid rules, nobody for the others."""
    judged_on: JudgedOn = attrs.field(default=JudgedOn.SUBMISSION, converter=JudgedOn)
    """The day the check judges on (``ctx.day``): facts handed in on the day of the current
    (re)submission unless the rule declares otherwise."""
    _plain_passes: dict[tuple[Severity, str | None], Finding] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )
    """The pass without facts is the same finding every time: built once per severity and
    field, then shared."""

    def __attrs_post_init__(self) -> None:
        if self.group not in GROUPS:
            from permitflow.errors import DefinitionError

            raise DefinitionError(
                f"规则 {self.id} 的规则组 {self.group!r} 不存在。",
                f"Rule {self.id} names an unknown group {self.group!r}.",
                rule_id=self.id,
                group=self.group,
                known=sorted(GROUPS),
            )

    @property
    def attested_by(self) -> frozenset[Role]:
        """The role that attests it, for a rule a person judges; None otherwise."""
        if self.attesters is not None:
            return self.attesters
        if self.kind in (RuleKind.ATTESTATION, RuleKind.HYBRID):
            return frozenset({Role.AUTHORITY})
        return frozenset()

    def applies(self, business_type: BusinessType, event: str) -> bool:
        """True when the rule applies to ``business_type`` and ``event``."""
        return business_type in self.business_types and (
            self.events is None or event in self.events
        )

    def evaluate(
        self,
        ctx: RuleContext,
        severity: Severity | None = None,
        *,
        include_passed: bool = True,
    ) -> tuple[Finding, ...]:
        """Run the check. A verdict waiting for a person passes once the application carries an
        attestation of this rule. Without ``include_passed``, passes cost no finding at all."""
        findings: list[Finding] = []
        self.judge(ctx, severity, include_passed, findings)
        return tuple(findings)

    def judge(
        self,
        ctx: RuleContext,
        severity: Severity | None,
        include_passed: bool,
        findings: list[Finding],
    ) -> None:
        """`evaluate`, appending to ``findings``: a rule set judging many rules collects
        them in one list."""
        ctx = ctx.judging(self.judged_on)
        for verdict in self.check(ctx):
            status, attestation = verdict.status, None
            if status is Status.NEEDS_ATTESTATION and ctx.application is not None:
                attestation = ctx.application.attested(self.id)
                if attestation is not None:
                    status = Status.PASSED
            if status is Status.PASSED and not include_passed:
                continue
            if status is Status.PASSED and attestation is None and not verdict.facts:
                findings.append(self._plain_pass(severity or self.severity, verdict.field))
                continue
            facts = {key: str(value) for key, value in verdict.facts.items()}
            message_zh, message_en = self._messages(status, facts)
            if attestation is not None:
                facts["attested_by"] = attestation.actor.describe()
                facts["attested_at"] = attestation.at.isoformat()
            findings.append(
                _new_finding(
                    {
                        "rule_id": self.id,
                        "severity": severity or self.severity,
                        "status": status,
                        "message_zh": message_zh,
                        "message_en": message_en,
                        "citation": self.citation,
                        "field": verdict.field,
                        "facts": tuple(facts.items()),
                    }
                )
            )

    def _plain_pass(self, severity: Severity, field: str | None) -> Finding:
        finding = self._plain_passes.get((severity, field))
        if finding is None:
            finding = self._plain_passes[(severity, field)] = make(
                Finding, rule_id=self.id, severity=severity, status=Status.PASSED,
                message_zh=self.title_zh, message_en=self.title_en, citation=self.citation,
                field=field, facts=(),
            )  # fmt: skip
        return finding

    def _messages(self, status: Status, args: dict[str, str]) -> tuple[str, str]:
        if status is Status.PASSED:
            return self.title_zh, self.title_en
        if status is Status.NEEDS_ATTESTATION and self.kind is not RuleKind.ATTESTATION:
            # A hybrid's message describes its machine-checked failure; what waits for a
            # person is the statement in its title.
            return (
                f"待审核人员确认：{self.title_zh}",
                f"Awaiting a reviewer's confirmation: {self.title_en}",
            )
        return _fill(self.message_zh, args), _fill(self.message_en, args)


_new_finding = builder(Finding)


class _Defaulting(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, args: dict[str, str]) -> str:
    return template.format_map(_Defaulting(args))

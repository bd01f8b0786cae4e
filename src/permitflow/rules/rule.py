"""A rule: stable id, kind, severity, citation, bilingual messages and a check over a context.

Rule logic is code; the numbers it uses come from the rule set's dated parameters
(``ctx.params``). A check never changes anything: it reads the context and yields verdicts.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Generic, Never, TypeVar, overload

import attrs
from attrs import frozen

from permitflow._memo import ByIdentity
from permitflow.calendar import BEIJING as BEIJING
from permitflow.calendar import local_date as local_date
from permitflow.errors import DefinitionError
from permitflow.groups import GROUPS
from permitflow.messages import Catalogue, Template, Text, catalogue_error
from permitflow.records.actors import Role
from permitflow.records.application import Application, Attestation, BusinessType
from permitflow.records.audit import AuditEntry
from permitflow.records.copying import make, positional
from permitflow.records.holder import HolderRecord
from permitflow.rules.facts import PLAIN, Facts, Plain
from permitflow.rules.finding import Citation, Finding, RuleKind, Severity, Status, plain
from permitflow.tags import HANDING_IN, Tag, events_tagged

T = TypeVar("T")


def judging_day(application: Application | None, at: datetime) -> date:
    """The day whose rule parameters judge a case: the application's first submission day, so
    that one application is judged by one set of values (the pinned rule-set version); before
    that, the day of ``at``."""
    submitted = application.submitted_at if application is not None else None
    return local_date(submitted if submitted is not None else at)


def current_submission_day(
    application: Application | None,
    tags_by_event: Mapping[str, frozenset[Tag]],
    event: str,
    at: datetime,
) -> date:
    """The day of the current (re)submission: the day of ``at`` when ``event`` hands the data in,
    else the day of the latest step of the application's history that did (the authority's
    acceptance and review judge what was handed in then), else its first submission.
    ``tags_by_event`` are the tags of the events of the application's machine."""
    if application is None or tags_by_event.get(event, _NO_TAGS) & HANDING_IN:
        return local_date(at)
    entry = application.latest(tagged_events(tags_by_event, HANDING_IN))
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


@frozen(slots=False)
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
    tags_by_event: Mapping[str, frozenset[Tag]] = attrs.field(factory=dict)
    """The tags of each event of the machine judged (its definition's ``tags_by_event``): how
    the rules read the event and the application's history as kinds of step."""
    judged_on: JudgedOn = JudgedOn.SUBMISSION
    """The day each kind of fact is judged on (the current submission, the first submission, today).
    """
    tags: frozenset[Tag] = attrs.field(init=False)
    """The tags of ``event``: what kind of step is judged."""
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
    _memo: dict[Callable[[RuleContext], Any], Any] = attrs.field(
        init=False, factory=dict, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        # Dozens of rules ask for these days; they are worked out once per context.
        application, at = self.application, self.at
        on = local_date(at)
        first = judging_day(application, at)
        current = current_submission_day(application, self.tags_by_event, self.event, at)
        # Frozen, and without slots: the fields worked out are written in one update.
        self.__dict__.update(
            on=on, tags=self.tags_by_event.get(self.event, _NO_TAGS), submission_date=first,
            resubmission_date=current, day=_day_of(self.judged_on, on, first, current),
        )  # fmt: skip

    def tags_of(self, event: str) -> frozenset[Tag]:
        """The tags of ``event`` of the machine judged (of an audit entry's event)."""
        return self.tags_by_event.get(event, _NO_TAGS)

    def latest(self, tags: Iterable[Tag]) -> AuditEntry | None:
        """The most recent entry of the application's history whose event carries one of
        ``tags`` (None without an application)."""
        if self.application is None:
            return None
        return self.application.latest(tagged_events(self.tags_by_event, frozenset(tags)))

    def judging(self, judged_on: JudgedOn) -> RuleContext:
        """This context for a rule judging on ``judged_on`` (built once per day, then shared)."""
        if judged_on is self.judged_on:
            return self
        ctx = self._days.get(judged_on)
        if ctx is None:
            # A context has no slots, so that a copy is one dict update. The copies share the
            # memo, and none refers back to the context it was made from: no cycle for the
            # collector to find once the event is judged.
            ctx = object.__new__(RuleContext)
            values = ctx.__dict__
            values.update(self.__dict__)
            values["judged_on"] = judged_on
            values["day"] = _day_of(
                judged_on, self.on, self.submission_date, self.resubmission_date
            )
            values["_days"] = {}
            self._days[judged_on] = ctx
        return ctx

    def shared(self, work: Callable[[RuleContext], T]) -> T:
        """What ``work`` makes of this case, worked out once for every rule judging the same
        event and shared by them all, whatever day each judges on: a fact of the whole record
        (the insurance months by payer, the income months), never one of the day. ``work`` is
        a module-level function of the context's holder, application, event and parameters."""
        memo = self._memo
        try:
            found: T = memo[work]
        except KeyError:
            found = memo[work] = work(self)
        return found


_NO_TAGS: frozenset[Tag] = frozenset()


def _day_of(judged_on: JudgedOn, on: date, first: date, current: date) -> date:
    if judged_on is JudgedOn.FIRST_SUBMISSION:
        return first
    if judged_on is JudgedOn.SUBMISSION:
        return current
    return on
_TAGGED: ByIdentity[frozenset[str]] = ByIdentity(1024)


def tagged_events(
    tags_by_event: Mapping[str, frozenset[Tag]], tags: frozenset[Tag]
) -> frozenset[str]:
    """`events_tagged`, found once per machine and tags: a machine's table of tags is built with
    its definition and never changes, and a history is searched at nearly every event."""
    return _TAGGED.get((tags_by_event,), tags, lambda: events_tagged(tags_by_event, tags))


F = TypeVar("F", bound=Facts, covariant=True)
G = TypeVar("G", bound=Facts)


@frozen
class Verdict(Generic[F]):
    """One judgement of a check; a check may judge several items (e.g. each child)."""

    status: Status
    """The outcome for that field."""
    field: str | None = None
    """The field judged, as a path in the records, e.g. ``permit.expires_on``."""
    facts: F | Mapping[str, object] = attrs.field(factory=dict)
    """What the judgement used. A verdict that does not pass carries its message's `Facts`; a
    pass may keep a few facts for the record (a mapping), which no message shows. Turned into
    text only when a finding's message or facts are read."""


def passed(field: str | None = None, **facts: object) -> Verdict[Never]:
    """A pass of ``field``; ``facts`` are kept in the finding's facts, never shown."""
    if facts:
        return _verdict(Status.PASSED, field, facts)
    # A pass without facts is the same verdict every time: one per field, shared.
    verdict = _PLAIN_PASSES.get(field)
    if verdict is None:
        verdict = Verdict(Status.PASSED, field, MappingProxyType({}))
        if len(_PLAIN_PASSES) < 4096:
            _PLAIN_PASSES[field] = verdict
    return verdict


_PLAIN_PASSES: dict[str | None, Verdict[Never]] = {}
_verdict: Callable[[Status, str | None, object], Verdict[Any]] = positional(Verdict)
"""A verdict from what its helpers hand over, without attrs' checks of it."""


@overload
def failed(field: str | None = None) -> Verdict[Plain]: ...
@overload
def failed(field: str | None, facts: G) -> Verdict[G]: ...
def failed(field: str | None = None, facts: Facts = PLAIN) -> Verdict[Facts]:
    """A failure of ``field``, told by the message of ``facts`` (the rule's own without)."""
    return _verdict(Status.FAILED, field, facts)


@overload
def needs_attestation(field: str | None = None) -> Verdict[Plain]: ...
@overload
def needs_attestation(field: str | None, facts: G) -> Verdict[G]: ...
def needs_attestation(field: str | None = None, facts: Facts = PLAIN) -> Verdict[Facts]:
    """``field`` of an attestation rule waits for a person, asked for by the message of
    ``facts`` (the rule's own without)."""
    return _verdict(Status.NEEDS_ATTESTATION, field, facts)


def awaiting_confirmation(field: str | None = None, **evidence: object) -> Verdict[Never]:
    """The human half of a hybrid rule waits for a reviewer: its message is the rule's title
    (「待审核人员确认：…」); ``evidence`` is kept in the finding's facts, never shown."""
    return _verdict(Status.NEEDS_ATTESTATION, field, evidence)


Check = Callable[[RuleContext], Iterable[Verdict[Any]]]

AWAITING = "awaiting_confirmation"
"""The code of the text a hybrid rule shows while its human half waits for a reviewer; its one
placeholder ``{title}`` is the rule's title."""


def _yielded(check: Check) -> tuple[frozenset[type[Facts]] | None, list[str]]:
    """The facts classes a check declares in its return annotation (None: not declared)."""
    declared = getattr(check, "yields", None)
    if isinstance(declared, frozenset):
        return declared, []
    target = check if inspect.isfunction(check) else getattr(check, "__call__", check)  # noqa: B004
    try:
        hints = typing.get_type_hints(target)
    except Exception as error:
        return None, [f"the check's annotations cannot be read ({error})"]
    found: set[type[Facts]] = set()
    errors: list[str] = []
    seen_verdict = False

    def walk(hint: Any) -> None:
        nonlocal seen_verdict
        if typing.get_origin(hint) is Verdict:
            seen_verdict = True
            for arg in typing.get_args(hint):
                for member in typing.get_args(arg) or (arg,):
                    if member is Never or member is typing.NoReturn:
                        continue
                    if isinstance(member, type) and issubclass(member, Facts):
                        found.add(member)
                    else:
                        errors.append(f"Verdict[{member!r}] is no Facts class")
            return
        for arg in typing.get_args(hint):
            walk(arg)

    walk(hints.get("return"))
    if not seen_verdict:
        return None, errors
    return frozenset(found), errors


class Reads(frozenset[str]):
    """The parameters a rule reads, by dotted name (a frozenset of them), with the type each is
    read as: ``{"renewal.working_days_before_expiry": int}``; a name given alone is read as
    any value. A rule set checks every value of each against it when it is built."""

    types: Mapping[str, type]
    """The declared type of each name (``object`` when none is declared)."""

    def __new__(cls, declared: Iterable[str] | Mapping[str, type] = ()) -> Reads:
        if isinstance(declared, Reads):
            types = dict(declared.types)
        elif isinstance(declared, Mapping):
            types = dict(declared)
        else:
            types = dict.fromkeys(declared, object)
        reads = super().__new__(cls, types)
        reads.types = types
        return reads

    def accepts(self, name: str, value: object) -> bool:
        """Whether ``value`` is of the type ``name`` is read as (a bool is no int, as in TOML)."""
        kind = self.types.get(name, object)
        if kind in (bool, int, float, str):
            return type(value) is kind
        return isinstance(value, kind)


@frozen
class RuleTexts:
    """A rule's texts bound to their contexts: its title and a message per facts class."""

    title: Template
    """The statement that holds when the rule passes (no placeholders)."""
    messages: Mapping[type[Facts], Template]
    """The message of each facts class the check declares."""
    awaiting: Template | None
    """A hybrid rule's message while its human half waits for a reviewer."""
    title_reads: Mapping[str, str] = attrs.field(factory=dict)
    """The parameter each placeholder of the title names (``{working_days_before_expiry}`` is
    ``renewal.working_days_before_expiry``): a threshold is written in the data once, and the
    title of every rule set shows its own value."""

    def message(self, facts: Facts) -> Template:
        return self.messages[type(facts)]

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code of the catalogue these texts come from."""
        own = (self.title.code, *(t.code for t in self.messages.values()))
        return own if self.awaiting is None else (*own, self.awaiting.code)

    def noted(self, note: Template) -> RuleTexts:
        """These texts, each message followed by ``note`` (the title stays as it is)."""
        return attrs.evolve(
            self,
            messages={kind: template.then(note) for kind, template in self.messages.items()},
            awaiting=self.awaiting.then(note) if self.awaiting is not None else None,
        )

    def titled(self, values: Mapping[str, object] | None) -> RuleTexts:
        """These texts with the title's placeholders filled with ``values`` (None: left as
        they are written, for a rule outside any rule set)."""
        title = self.title
        written = [title.zh, title.en] if values is None else [
            title.render(values, lang) for lang in ("zh", "en")
        ]  # fmt: skip
        return attrs.evolve(self, title=Template.literal(title.code, *written))


def _bind(rule: Rule, catalogue: Catalogue) -> RuleTexts:
    where = f"{catalogue.name}, rule {rule.id}"
    yielded, errors = _yielded(rule.check)
    if yielded is None:
        errors.append(
            "the check does not declare the facts of its verdicts; annotate its return as "
            "Iterable[Verdict[SomeFacts | ...]]"
        )
        yielded = frozenset()
    codes: dict[str, type[Facts]] = {}
    for kind in sorted(yielded, key=lambda k: k.__qualname__):
        if not attrs.has(typing.cast(type, kind)):
            errors.append(f"facts class {kind.__qualname__} is not an attrs class")
            continue
        code = rule.id if kind.variant is None else f"{rule.id}.{kind.variant}"
        if code in codes:
            errors.append(
                f"{kind.__qualname__} and {codes[code].__qualname__} both name the text {code}"
            )
        codes[code] = kind
    if errors:
        raise catalogue_error(where, errors)
    if not codes and rule.id in catalogue:
        # The rule's own message, for a check that never fails (the machines enforce it):
        # kept for the catalogue, bound as the message without facts.
        codes[rule.id] = Plain
    hybrid = rule.kind is RuleKind.HYBRID
    messages: dict[type[Facts], Template] = {}
    problems: list[str] = []
    for code, kind in codes.items():
        try:
            messages[kind] = catalogue.template(code, None if kind is Plain else kind)
        except DefinitionError as error:
            problems += error.context.get("errors", [])
    reads = _title_reads(rule, catalogue, problems)
    try:
        title = catalogue.template(f"{rule.id}.title", dict.fromkeys(reads, "parameter"))
        awaiting = catalogue.template(AWAITING, {"title": Text}) if hybrid else None
    except DefinitionError as error:
        raise catalogue_error(where, [*problems, *error.context.get("errors", [])]) from None
    if problems:
        raise catalogue_error(where, problems)
    return RuleTexts(title, messages, awaiting, reads)


def _title_reads(rule: Rule, catalogue: Catalogue, problems: list[str]) -> dict[str, str]:
    """The parameter each placeholder of the rule's title names: the one the rule reads whose
    dotted name ends with it."""
    by_last: dict[str, list[str]] = {}
    for name in sorted(rule.parameters):
        by_last.setdefault(name.rsplit(".", 1)[-1], []).append(name)
    reads: dict[str, str] = {}
    for placeholder in sorted(catalogue.placeholders(f"{rule.id}.title")):
        found = by_last.get(placeholder, [])
        if len(found) == 1:
            reads[placeholder] = found[0]
        else:
            problems.append(
                f"the title's placeholder {{{placeholder}}} names "
                f"{'none' if not found else 'more than one'} of the parameters the rule reads "
                f"({', '.join(sorted(rule.parameters)) or 'none'})"
            )
    return reads


@frozen
class Rule:
    """One rule of the catalogue: its id, kind, severity, group, business types, citation, the
    parameters it reads, its texts and the function that judges it."""

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
    check: Check = attrs.field(eq=False, repr=False)
    """The function judging a RuleContext, yielding Verdicts."""
    texts: Catalogue = attrs.field(eq=False, repr=False)
    """The catalogue holding its title (code ``<id>.title``) and a message per facts class its
    check declares (``<id>`` and ``<id>.<variant>``), bound and checked when the rule is
    defined. A placeholder of the title names a parameter the rule reads by the last part of
    its name (``{working_days_before_expiry}``): the rule set fills it in."""
    parameters: Reads = attrs.field(default=Reads(), converter=Reads)
    """The rule-set parameters its check reads (``ctx.params``), by name or by name and type
    ([`Reads`][permitflow.rules.rule.Reads]); a rule set checks they exist with that type in
    every value and notes in the messages when one of them is not confirmed."""
    tags: frozenset[Tag] | None = None
    """The kinds of step this rule guards (a step carrying any of them); None means every step
    its group guards."""
    event: str | None = None
    """The one event it guards, where the manual names the step itself (the employer's ending
    of the association, the holder's declaration of leaving); None: every event of its tags."""
    attesters: frozenset[Role] | None = None
    """Who may record an attestation for this rule. None: the authority's reviewers for
    attestation and hybrid rules, nobody for the others."""
    judged_on: JudgedOn = attrs.field(default=JudgedOn.SUBMISSION, converter=JudgedOn)
    """The day the check judges on (``ctx.day``): facts handed in on the day of the current
    (re)submission unless the rule declares otherwise."""
    note: Template | None = attrs.field(default=None, eq=False, repr=False)
    """A note every message of the rule ends with (set by a rule set: the rule rests on a
    parameter that is not confirmed)."""
    title_values: Mapping[str, object] | None = attrs.field(default=None, eq=False, repr=False)
    """The values of the parameters its title names (set by a rule set: those in force on its
    first day)."""
    title_zh: str = attrs.field(init=False)
    """Its title in Chinese: what holds when it passes (from its texts)."""
    title_en: str = attrs.field(init=False)
    """Its title in English."""
    message_zh: str = attrs.field(init=False)
    """Its message in Chinese: its own text (``<id>``), else its first distinct cause's, with
    the placeholders."""
    message_en: str = attrs.field(init=False)
    """Its message in English."""
    _texts: RuleTexts = attrs.field(init=False, eq=False, repr=False)
    _plain_passes: dict[tuple[Severity | None, str | None], Finding] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )
    """The pass without facts is the same finding every time: built once per severity and
    field, then shared."""

    def __attrs_post_init__(self) -> None:
        if self.group not in GROUPS:
            raise DefinitionError("unknown_group", rule_id=self.id, group=self.group)
        texts = _bind(self, self.texts)
        if texts.title.fields:
            texts = texts.titled(self.title_values)
        # The rule's own message, else its first distinct cause's.
        own = min(texts.messages.values(), key=lambda t: t.code, default=None)
        object.__setattr__(self, "title_zh", texts.title.zh)
        object.__setattr__(self, "title_en", texts.title.en)
        object.__setattr__(self, "message_zh", own.zh if own is not None else "")
        object.__setattr__(self, "message_en", own.en if own is not None else "")
        object.__setattr__(self, "_texts", texts if self.note is None else texts.noted(self.note))

    @property
    def bound_texts(self) -> RuleTexts:
        """Its texts, bound to the facts classes of its check."""
        return self._texts

    @property
    def attested_by(self) -> frozenset[Role]:
        """The role that attests it, for a rule a person judges; None otherwise."""
        if self.attesters is not None:
            return self.attesters
        if self.kind in (RuleKind.ATTESTATION, RuleKind.HYBRID):
            return frozenset({Role.AUTHORITY})
        return frozenset()

    def applies(self, business_type: BusinessType, event: str, tags: frozenset[Tag]) -> bool:
        """True when the rule applies to ``event`` of ``business_type``, a step carrying
        ``tags``."""
        return (
            business_type in self.business_types
            and (self.tags is None or not self.tags.isdisjoint(tags))
            and (self.event is None or event == self.event)
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
        entry = (self.check, self, severity, self.judged_on)
        _judge_entries((entry,), ctx, include_passed, findings)

    def finding(
        self,
        ctx: RuleContext,
        verdict: Verdict[Any],
        severity: Severity | None,
        include_passed: bool,
    ) -> Finding | None:
        """The finding of one verdict of this rule's check on ``ctx`` (None: a pass, and passes
        are not asked for). A verdict waiting for a person passes once the application carries
        an attestation of this rule."""
        status, attestation = verdict.status, None
        if status is _PASSED:
            if not include_passed:
                return None
            if not verdict.facts:
                return self.plain_pass(severity, verdict.field)
        elif status is _WAITING and ctx.application is not None:
            attestation = ctx.shared(_attestations).get(self.id)
            if attestation is not None:
                status = _PASSED
                if not include_passed:
                    return None
        finding = _new_finding()
        _set(finding, "rule_id", self.id)
        _set(finding, "severity", severity or self.severity)
        _set(finding, "status", status)
        _set(finding, "citation", self.citation)
        _set(finding, "field", verdict.field)
        _set(finding, "_deferred", _Pending(self, status, verdict.facts, attestation))
        return finding

    def plain_pass(self, severity: Severity | None, field: str | None) -> Finding:
        """The finding of a pass of ``field`` without facts, judged with ``severity`` (None:
        the rule's own)."""
        finding = self._plain_passes.get((severity, field))
        if finding is None:
            finding = self._plain_passes[(severity, field)] = make(
                Finding, rule_id=self.id, severity=severity or self.severity,
                status=Status.PASSED, message_zh=self.title_zh, message_en=self.title_en,
                citation=self.citation, field=field, facts=(),
            )  # fmt: skip
        return finding


_set = object.__setattr__

_Entry = tuple[Check, Rule, Severity | None, JudgedOn]
"""One rule of a plan: its check, the rule, the severity it is judged with, its day."""


@frozen
class RulePlan:
    """The rules guarding one step, compiled once: each rule's check, severity and day, in
    their order, grouped by the business type they are read as. Judging it builds one context
    per business type (and per day a rule declares), and a pass costs no more than its check."""

    segments: tuple[tuple[BusinessType, tuple[_Entry, ...]], ...]
    """The business types judged, each with its rules in their order."""

    @classmethod
    def of(cls, selected: Iterable[tuple[Rule, Severity, BusinessType]]) -> RulePlan:
        """The plan of rules chosen to judge one step, each with its severity and the business
        type it judges."""
        segments: list[tuple[BusinessType, list[_Entry]]] = []
        for rule, severity, kind in selected:
            if not segments or segments[-1][0] != kind:
                segments.append((kind, []))
            segments[-1][1].append((rule.check, rule, severity, rule.judged_on))
        return cls(tuple((kind, tuple(entries)) for kind, entries in segments))

    def __bool__(self) -> bool:
        return bool(self.segments)

    def judge(
        self,
        params: Mapping[str, Any],
        holder: HolderRecord,
        application: Application | None,
        event: str,
        at: datetime,
        *,
        tags_by_event: Mapping[str, frozenset[Tag]],
        payload: Any = None,
        include_passed: bool = False,
    ) -> tuple[Finding, ...]:
        """The findings of its rules in their order, read with ``params`` (see
        [`judge_rules`][permitflow.rules.ruleset.judge_rules])."""
        findings: list[Finding] = []
        for kind, entries in self.segments:
            ctx = RuleContext(
                holder, application, kind, event, at, params, payload, tags_by_event
            )  # fmt: skip
            _judge_entries(entries, ctx, include_passed, findings)
        return tuple(findings)


def _judge_entries(
    entries: Iterable[_Entry], ctx: RuleContext, include_passed: bool, findings: list[Finding]
) -> None:
    """The one loop judging rules: each check on the context of its day, each verdict that is
    not a pass left out (a finding of its rule)."""
    judged_on = ctx.judged_on
    for check, rule, severity, day in entries:
        for verdict in check(ctx if day is judged_on else ctx.judging(day)):
            if verdict.status is _PASSED:
                if not include_passed:
                    continue
                if not verdict.facts:
                    findings.append(rule.plain_pass(severity, verdict.field))
                    continue
            finding = rule.finding(ctx, verdict, severity, include_passed)
            if finding is not None:
                findings.append(finding)


def _attestations(ctx: RuleContext) -> Mapping[str, Attestation]:
    """The application's attestations by rule (`Application.attested` of each)."""
    application = ctx.application
    found: dict[str, Attestation] = {}
    for attestation in application.attestations if application is not None else ():
        found.setdefault(attestation.rule_id, attestation)
    return found


_PASSED = Status.PASSED
_WAITING = Status.NEEDS_ATTESTATION


def _new_finding() -> Finding:
    return object.__new__(Finding)


class _Pending:
    """What a finding's messages and facts are made of, until they are read."""

    __slots__ = ("_attestation", "_facts", "_rule", "_status", "_text")

    def __init__(
        self, rule: Rule, status: Status, facts: object, attestation: Attestation | None
    ) -> None:
        self._rule = rule
        self._status = status
        self._facts = facts
        self._attestation = attestation
        self._text: Text | None = None

    def __call__(self, name: str) -> object:
        if name == "facts":
            return self.facts()
        text = self._text
        if text is None:
            text = self._text = self.text()
        return text.zh if name == "message_zh" else text.en

    def text(self) -> Text:
        texts = self._rule.bound_texts
        if self._status is Status.PASSED:
            return texts.title.text()
        facts = self._facts
        # A hybrid's failure messages describe its machine-checked half; what waits for a
        # person is the statement of its title.
        waiting = self._status is Status.NEEDS_ATTESTATION and texts.awaiting is not None
        if isinstance(facts, Facts) and not waiting:
            return texts.message(facts).text(facts)
        if texts.awaiting is not None:
            return texts.awaiting.text({"title": texts.title.text()})
        return texts.title.text()

    def facts(self) -> tuple[tuple[str, str], ...]:
        found = [(name, plain(value)) for name, value in _items(self._facts)]
        if self._attestation is not None:
            found.append(("attested_by", self._attestation.actor.describe()))
            found.append(("attested_at", self._attestation.at.isoformat()))
        return tuple(found)


def _items(facts: object) -> Iterable[tuple[str, object]]:
    if isinstance(facts, Mapping):
        return facts.items()
    fields = attrs.fields(typing.cast(type[attrs.AttrsInstance], type(facts)))
    return ((field.name, getattr(facts, field.name)) for field in fields)

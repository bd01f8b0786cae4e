"""Rule sets: a named, versioned collection of rules with dated parameters.

A [`RuleSet`][permitflow.rules.ruleset.RuleSet] is one version of a named rule set, in force from
its first day to its last
day inclusive (or open-ended);
a [`RuleSetFamily`][permitflow.rules.ruleset.RuleSetFamily] holds the versions of one name over
non-overlapping periods. A rule set
answers which rules guard an event (``rules_for``, precomputed once per business type, event
and guard groups) and judges a case (``evaluate``). Per-version switches live in the parameter
``rules.overrides`` — rule id → ``{severity = "warning", enabled = false}`` — and cannot change
inside a version: a new switch is a new version.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, ClassVar, Never

import attrs
from attrs import frozen

from permitflow._problems import jsonable
from permitflow.errors import (
    CoverageError,
    DefinitionError,
    Expected,
    Problem,
    RuleDataError,
    RuleSetNotInForce,
    UnknownRuleSet,
)
from permitflow.groups import GROUPS
from permitflow.messages import Catalogue, Template
from permitflow.records.application import (
    TRAITS,
    Application,
    BusinessType,
    find_business_type,
)
from permitflow.records.holder import HolderRecord
from permitflow.rules.facts import Facts
from permitflow.rules.finding import Citation, Finding, RuleKind, Severity
from permitflow.rules.parameters import (
    Confidence,
    DatedValue,
    ParameterDescription,
    ParameterTable,
    ResolvedParameters,
)
from permitflow.rules.rule import (
    JudgedOn,
    Rule,
    RuleContext,
    RulePlan,
    Verdict,
    judging_day,
    passed,
)
from permitflow.tags import Tag

__all__ = [
    "OVERRIDES_PARAMETER",
    "EnforcedBy",
    "RuleDescription",
    "RuleSet",
    "RuleSetFamily",
]

OVERRIDES_PARAMETER = "rules.overrides"
LEVELS_PARAMETER = "review.authority_levels"
LEVELS_BY_TYPE_PARAMETER = "review.authority_levels_by_type"
"""The number of authority review levels of each business type it names (code → number): a
district reviewing one procedure at other levels than the rest names it here."""
RENEWAL_DAYS_PARAMETER = "renewal.working_days_before_expiry"
"""The working days before expiry by which a renewal is submitted: the status views and the
command line read it from the rule set in force, as the rules do."""
REVIEW_DAYS_PARAMETER = "review.cycle_working_days"
"""The working days of the prescribed review period (规定审核周期)."""

NOTES: Mapping[Confidence, str] = {
    Confidence.SECONDARY: "note.secondary",
    Confidence.INFERRED: "note.inferred",
    Confidence.UNKNOWN: "note.unconfirmed",
}
"""The code of the note a rule's messages end with when a parameter it reads has that
confidence: the rule then rests on an assumption, and the person reading it is told so."""
_WEAKNESS = (Confidence.CONFIRMED, Confidence.SECONDARY, Confidence.INFERRED, Confidence.UNKNOWN)


@frozen
class EnforcedBy:
    """The check of a rule the procedure's machines enforce (states, roles, event order).

    The rule still stands in the rule set, with its citation, so the catalogue is complete; its
    check always passes and says who enforces it. ``describe()`` reports the text.
    """

    zh: str
    en: str
    _verdicts: tuple[Verdict[Never], ...] = attrs.field(init=False, repr=False, eq=False)
    yields: ClassVar[frozenset[type[Facts]]] = frozenset()
    """The facts its verdicts carry: none (it only passes)."""

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_verdicts", (passed(enforced_by=self.en),))

    def __call__(self, ctx: RuleContext) -> Iterable[Verdict[Never]]:
        return self._verdicts


@frozen
class RuleDescription:
    """What a rule is, for documentation and portals: everything but its code."""

    id: str
    kind: RuleKind
    severity: Severity
    """The severity in this rule set, after ``rules.overrides``."""
    default_severity: Severity
    enabled: bool
    group: str
    business_types: tuple[BusinessType, ...]
    tags: tuple[Tag, ...] | None
    """The kinds of step it guards (``Rule.tags``); None: every step its group guards."""
    event: str | None
    """The one event it guards, if it names one (``Rule.event``)."""
    citation: Citation
    title_zh: str
    title_en: str
    message_zh: str
    message_en: str
    enforced_by: EnforcedBy | None
    """Set when the machines enforce the rule and its check cannot fail."""
    judged_on: JudgedOn = JudgedOn.SUBMISSION
    """The day the rule judges on (``Rule.judged_on``)."""
    messages: tuple[Template, ...] = ()
    """Every text the rule can show when it does not pass, by code (``EMP-004``,
    ``EMP-004.no_contract``), as this rule set words it (with its notes)."""


@frozen
class _Override:
    severity: Severity
    enabled: bool


def _overrides(rules: Mapping[str, Rule], raw: Any, file: str, path: str) -> dict[str, _Override]:
    """The switches of ``rules.overrides`` (value ``raw`` at ``path`` of ``file``), checked."""
    problems: list[Problem] = []
    result: dict[str, _Override] = {}
    entries = raw.items() if isinstance(raw, Mapping) else ()
    if not isinstance(raw, Mapping):
        problems.append(Problem("wrong", path, raw, Expected("object")))
    for rule_id, entry in entries:
        where = f"{path}.{rule_id}"
        rule = rules.get(rule_id)
        if rule is None:
            problems.append(Problem("unknown_rule", where))
            continue
        if not isinstance(entry, Mapping) or not set(entry) <= {"severity", "enabled"}:
            problems.append(Problem("wrong", where, entry, Expected("switch")))
            continue
        severity = entry.get("severity", rule.severity.value)
        enabled = entry.get("enabled", True)
        if severity not in {s.value for s in Severity}:
            problems.append(
                Problem("wrong", f"{where}.severity", severity, Expected.of(Severity))
            )
        elif type(enabled) is not bool:
            problems.append(Problem("wrong", f"{where}.enabled", enabled, Expected("boolean")))
        else:
            result[rule_id] = _Override(Severity(severity), enabled)
    if problems:
        raise RuleDataError("switches", file=file, problems=problems)
    return result


def review_levels_of(params: Mapping[str, Any], business_type: BusinessType) -> int:
    """How many authority levels review ``business_type`` by the parameters of a day: the
    number ``review.authority_levels_by_type`` gives the type, else the number its spec fixes
    (``BusinessTypeSpec.review_levels``), else ``review.authority_levels``. A district thus
    overrides what a type's spec says, and the spec what the district says of every type."""
    named = params[LEVELS_BY_TYPE_PARAMETER].get(str(business_type))
    if named is not None:
        return int(named)
    traits = TRAITS.get(business_type)
    fixed = traits.review_levels if traits is not None else None
    return fixed if fixed is not None else int(params[LEVELS_PARAMETER])


def _definition(where: str, problems: list[Problem]) -> DefinitionError:
    return DefinitionError("ruleset", ruleset=where, problems=problems)


_RulesKey = tuple[BusinessType, str, frozenset[Tag], frozenset[str]]


Selected = Iterable[tuple[Rule, Severity, BusinessType]]
"""Rules chosen to judge one step, each with its severity and the business type it judges."""


def judge_rules(
    selected: Selected | RulePlan,
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
    """The one judging of rules, for a rule set's ``evaluate`` and for every call of the engine:
    the findings of the ``selected`` rules (or of their compiled plan) in their order, read with
    ``params``; ``tags_by_event`` are the tags of the events of the machine judged. A holder
    event belongs to no single business type, so each rule is read as of the type it was chosen
    for; one context serves the rules of one type. Without ``include_passed`` only what did not
    pass is returned, and passes cost no finding at all."""
    plan = selected if isinstance(selected, RulePlan) else RulePlan.of(selected)
    return plan.judge(
        params, holder, application, event, at, tags_by_event=tags_by_event, payload=payload,
        include_passed=include_passed,
    )  # fmt: skip


@frozen(eq=False)
class RuleSet:
    """One version of a named rule set, in force from ``effective_from`` to ``effective_until``
    (inclusive; None = open). Compared and hashed by identity: it is built once and shared."""

    name: str
    version: str
    effective_from: date
    effective_until: date | None
    rules: tuple[Rule, ...] = attrs.field(repr=False)
    parameters: ParameterTable = attrs.field(repr=False)
    _by_id: dict[str, Rule] = attrs.field(init=False, repr=False, eq=False)
    _switches: dict[str, _Override] = attrs.field(init=False, repr=False, eq=False)
    _rules_for: dict[_RulesKey, tuple[tuple[Rule, Severity], ...]] = attrs.field(
        init=False, repr=False, eq=False
    )
    _params_by_day: dict[date, ResolvedParameters] = attrs.field(
        init=False, repr=False, eq=False, factory=dict
    )
    """The values in force on each day asked for: every event of a day reads the same."""

    def __attrs_post_init__(self) -> None:
        where = f"{self.name} {self.version}"
        problems: list[Problem] = []
        if self.effective_until is not None and self.effective_until < self.effective_from:
            problems.append(Problem("until_before_from", facts={
                "until": self.effective_until, "since": self.effective_from,
            }))  # fmt: skip
        rules = tuple(self._noted(rule, problems) for rule in self.rules)
        object.__setattr__(self, "rules", rules)
        by_id: dict[str, Rule] = {}
        for rule in rules:
            if rule.id in by_id:
                problems.append(Problem("rule_twice", facts={"rule_id": rule.id}))
            by_id[rule.id] = rule
        if OVERRIDES_PARAMETER in self.parameters:
            changes = self.parameters.changes_between(
                OVERRIDES_PARAMETER, self.effective_from, self.effective_until
            )
            if changes:
                problems.append(Problem("switches_change", facts={"days": changes}))
        problems += self._levels_by_type_problems()
        if problems:
            raise _definition(where, problems)
        switches = self._switches_in_force(by_id)
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_switches", switches)
        object.__setattr__(self, "_rules_for", {})

    def _levels_by_type_problems(self) -> list[Problem]:
        """Each business type ``review.authority_levels_by_type`` names is a defined one and
        is reviewed at one level at least: a misspelt code would leave the type reviewed at
        the general number without a word."""
        if LEVELS_BY_TYPE_PARAMETER not in self.parameters:
            return []
        parameter = self.parameters.get(LEVELS_BY_TYPE_PARAMETER)
        problems: list[Problem] = []
        for index, value in enumerate(parameter.values):
            path = f"$.{parameter.name}.values[{index}].value"
            for code, levels in value.value.items():
                if find_business_type(code) is None:
                    problems.append(Problem("wrong", path, code, Expected.of(BusinessType)))
                if type(levels) is not int or levels < 1:
                    where = f"{path}.{code}"
                    problems.append(Problem("wrong", where, jsonable(levels), Expected("positive")))
        return problems

    def _noted(self, rule: Rule, problems: list[Problem]) -> Rule:
        """``rule`` as this rule set judges it: its title with the values of the parameters it
        names, its messages with the note of the least confirmed parameter it reads, if any."""
        read = [
            self.parameters.get(name) for name in sorted(rule.parameters) if name in self.parameters
        ]
        unknown = sorted(set(rule.parameters) - {parameter.name for parameter in read})
        if unknown:
            problems.append(
                Problem("unknown_parameters", facts={"rule_id": rule.id, "names": unknown})
            )
        problems += [
            Problem(
                "parameter_type", f"$.{parameter.name}.values[{index}].value",
                jsonable(value.value), Expected.of(rule.parameters.types[parameter.name]),
                facts={"rule_id": rule.id},
            )
            for parameter in read
            for index, value in enumerate(parameter.values)
            if not rule.parameters.accepts(parameter.name, value.value)
        ]  # fmt: skip
        if unknown:
            return rule
        note = self._note(rule, read)
        title = self._title_values(rule, problems)
        if note is None and title is None:
            return rule
        return attrs.evolve(rule, note=note, title_values=title)

    def _note(self, rule: Rule, read: list[ParameterDescription]) -> Template | None:
        weakest = max((p.confidence for p in read), key=_WEAKNESS.index, default=None)
        if weakest is None or weakest is Confidence.CONFIRMED:
            return None
        note = rule.texts.template(NOTES[weakest], {"parameters": tuple[str, ...]})
        # The labels are the rule set's own: the note is written out once, for every finding.
        labels = {
            "zh": tuple(p.label_zh for p in read if p.confidence is weakest),
            "en": tuple(p.label_en for p in read if p.confidence is weakest),
        }
        return Template.literal(
            note.code,
            note.render({"parameters": labels["zh"]}, "zh"),
            note.render({"parameters": labels["en"]}, "en"),
        )

    def _title_values(self, rule: Rule, problems: list[Problem]) -> dict[str, object] | None:
        """The values a rule's title names (its threshold), as in force on this version's
        first day. A title is one sentence per version, so a value it names may not change
        inside the version: a new threshold shown in a title starts a new version."""
        reads = rule.bound_texts.title_reads
        if not reads:
            return None
        values: dict[str, object] = {}
        for placeholder, name in reads.items():
            parameter = self.parameters.get(name)
            if parameter.values[0].since > self.effective_from:
                problems.append(Problem("title_value_changes", facts={
                    "rule_id": rule.id, "days": (parameter.values[0].since,),
                }))  # fmt: skip
                continue
            changes = self.parameters.changes_between(
                name, self.effective_from, self.effective_until
            )
            if changes:
                problems.append(Problem(
                    "title_value_changes", facts={"rule_id": rule.id, "days": changes}
                ))  # fmt: skip
            values[placeholder] = parameter.value_on(self.effective_from)
        return values

    def _switches_in_force(self, rules: Mapping[str, Rule]) -> dict[str, _Override]:
        if OVERRIDES_PARAMETER not in self.parameters:
            return {}
        parameter = self.parameters.get(OVERRIDES_PARAMETER)
        starts = [value.since for value in parameter.values]
        index = bisect.bisect_right(starts, self.effective_from) - 1
        if index < 0:
            raise parameter.not_in_force()
        return _overrides(
            rules,
            parameter.values[index].value,
            parameter.file,
            f"$.{OVERRIDES_PARAMETER}.values[{index}].value",
        )

    # --- period and parameters ------------------------------------------------------------------

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_until is None or day <= self.effective_until
        )

    def _not_in_force(self, day: date) -> RuleSetNotInForce:
        return RuleSetNotInForce(
            "version", ruleset=self.name, version=self.version, day=day,
            effective_from=self.effective_from, effective_until=self.effective_until,
        )  # fmt: skip

    def params_on(self, day: date) -> ResolvedParameters:
        """The parameter values in force on ``day`` (cached per period between changes)."""
        resolved = self._params_by_day.get(day)
        if resolved is None:
            if not self.in_force(day):
                raise self._not_in_force(day)
            resolved = self.parameters.on(day)
            if resolved.day != day:
                resolved = resolved.on_day(day)
            if len(self._params_by_day) >= 4096:
                self._params_by_day.clear()
            self._params_by_day[day] = resolved
        return resolved

    def review_levels(self, day: date, business_type: BusinessType | None = None) -> int:
        """How many authority levels review an application of ``business_type`` on ``day``
        ([`review_levels_of`][permitflow.rules.ruleset.review_levels_of]); without a
        business type, the number of ``review.authority_levels``."""
        params = self.params_on(day)
        if business_type is None:
            return int(params[LEVELS_PARAMETER])
        return review_levels_of(params, business_type)

    @property
    def review_levels_used(self) -> frozenset[int]:
        """Every number of authority levels this version's data has had, for any business type
        (and those the registered business types fix)."""
        general = self.parameters.get(LEVELS_PARAMETER).values
        by_type = (
            self.parameters.get(LEVELS_BY_TYPE_PARAMETER).values
            if LEVELS_BY_TYPE_PARAMETER in self.parameters
            else ()
        )
        return frozenset(
            {int(value.value) for value in general}
            | {int(levels) for value in by_type for levels in value.value.values()}
            | {traits.review_levels for traits in TRAITS.values() if traits.review_levels}
        )

    # --- rules ----------------------------------------------------------------------------------

    def rule(self, rule_id: str) -> Rule:
        try:
            return self._by_id[rule_id]
        except KeyError:
            raise CoverageError(
                "no_rule", ruleset=self.name, version=self.version, rule_id=rule_id
            ) from None

    def severity(self, rule: Rule) -> Severity:
        switch = self._switches.get(rule.id)
        return rule.severity if switch is None else switch.severity

    def enabled(self, rule: Rule) -> bool:
        switch = self._switches.get(rule.id)
        return switch is None or switch.enabled

    def rules_for(
        self,
        business_type: BusinessType,
        event: str,
        tags: frozenset[Tag],
        groups: frozenset[str],
    ) -> tuple[tuple[Rule, Severity], ...]:
        """The enabled rules guarding ``event`` of ``business_type``, a step carrying ``tags``,
        among ``groups``.

        A rule guards it when its group is one of the event's guard groups, its business types
        include the type, its tags are None or meet the step's, and the event it names, if
        any, is this one.
        """
        key = (business_type, event, tags, groups)
        found = self._rules_for.get(key)
        if found is None:
            unknown = groups - GROUPS
            if unknown:
                raise _definition(
                    f"{self.name} {self.version}",
                    [Problem("unknown_guard_groups", facts={
                        "event": event, "groups": sorted(unknown),
                    })],
                )  # fmt: skip
            found = tuple(
                (rule, self.severity(rule))
                for rule in self.rules
                if rule.group in groups
                and rule.applies(business_type, event, tags)
                and self.enabled(rule)
            )
            self._rules_for[key] = found
        return found

    def evaluate(
        self,
        *,
        holder: HolderRecord,
        application: Application | None,
        business_type: BusinessType,
        event: str,
        at: datetime,
        groups: frozenset[str],
        tags_by_event: Mapping[str, frozenset[Tag]],
        include_passed: bool = False,
    ) -> tuple[Finding, ...]:
        """Judge a case: the findings of every rule guarding the event, a step of the machine
        whose events carry ``tags_by_event`` (its definition's).

        Parameters are those in force on the day the application was first submitted (or on
        the day of ``at`` before that), so one application is judged by one set of values.
        Without ``include_passed`` only what did not pass is returned, and passes cost no
        finding at all.
        """
        tags = tags_by_event.get(event, frozenset())
        selected = self.rules_for(business_type, event, tags, groups)
        return judge_rules(
            ((rule, severity, business_type) for rule, severity in selected),
            self.params_on(judging_day(application, at)),
            holder, application, event, at, tags_by_event=tags_by_event,
            include_passed=include_passed,
        )  # fmt: skip

    def reworded(self, texts: Catalogue, version: str | None = None) -> RuleSet:
        """This version with its rules' texts taken from ``texts`` (a district's or a policy's
        wording, e.g. ``catalogue.overlay(files)``): the same rules, parameters and period,
        each text checked again against its rule's facts. ``version`` names the result."""
        rules = tuple(attrs.evolve(rule, texts=texts, note=None) for rule in self.rules)
        return RuleSet(
            self.name, version or self.version, self.effective_from, self.effective_until,
            rules, self.parameters,
        )  # fmt: skip

    def derive(
        self,
        *,
        name: str,
        version: str,
        since: date,
        citation: str,
        until: date | None = None,
        parameters: Mapping[str, object] | None = None,
        overrides: Mapping[str, Mapping[str, object]] | None = None,
        rules_added: Iterable[Rule] = (),
        rules_removed: Iterable[str] = (),
        texts: Catalogue | None = None,
    ) -> RuleSet:
        """A rule set of its own made from this one, in force from ``since`` (to ``until``):
        another district, or a policy variant, as OpenFisca's ``Reform`` makes one.

        ``parameters`` redefines inherited parameters or adds new ones
        ([`ParameterTable.overlaid`][permitflow.rules.parameters.ParameterTable.overlaid]; a
        plain value takes ``citation``, the source of the derived set). ``overrides`` switches
        rules (rule id → ``{severity = …, enabled = …}``) on top of the inherited switches;
        ``rules_removed`` takes rules out of it, catalogue included, and ``rules_added`` appends
        rules after the inherited ones. ``texts`` rewords the inherited rules
        ([`reworded`][permitflow.rules.ruleset.RuleSet.reworded]). Every problem is reported at
        once; the result may be derived again.
        """
        where = f"{name} {version}"
        problems: list[Problem] = []
        base = self if texts is None else self.reworded(texts)
        removed = set(rules_removed)
        problems += [
            Problem("unknown_rule", f"$.rules_removed.{rule_id}")
            for rule_id in sorted(removed - base._by_id.keys())
        ]
        changes = dict(parameters or {})
        switches = base._switches_on(since, citation, removed, overrides or {})
        if switches is not None:
            changes[OVERRIDES_PARAMETER] = switches
        table = base.parameters.overlaid(
            changes, since=since, citation=citation, origin=where, problems=problems
        )
        if not citation.strip():
            problems.append(Problem("empty_citation", "$.citation"))
        if problems:
            raise _definition(where, problems)
        # The notes of a rule follow the parameters it reads: worked out again for the new ones.
        kept = tuple(
            rule if rule.note is None else attrs.evolve(rule, note=None)
            for rule in base.rules
            if rule.id not in removed
        )
        return RuleSet(name, version, since, until, (*kept, *rules_added), table)

    def _switches_on(
        self,
        day: date,
        citation: str,
        removed: set[str],
        overrides: Mapping[str, Mapping[str, object]],
    ) -> object | None:
        """The raw ``rules.overrides`` value of a rule set derived on ``day``: the switches in
        force then, less those of ``removed`` rules, with ``overrides`` laid over them; None
        when nothing changes."""
        inherited: Mapping[str, Mapping[str, object]] = {}
        if OVERRIDES_PARAMETER in self.parameters:
            parameter = self.parameters.get(OVERRIDES_PARAMETER)
            if parameter.values[0].since <= day:
                inherited = parameter.value_on(day)
        if not overrides and not removed & inherited.keys():
            return None
        merged = {rule_id: dict(entry) for rule_id, entry in inherited.items()}
        for rule_id in removed:
            merged.pop(rule_id, None)
        for rule_id, entry in overrides.items():
            merged[rule_id] = {**merged.get(rule_id, {}), **entry}
        if OVERRIDES_PARAMETER in self.parameters:
            return merged
        return ParameterDescription(
            OVERRIDES_PARAMETER, "规则开关与严重程度调整", "Rule switches and severity overrides",
            Confidence.INFERRED, (DatedValue(day, merged, citation),),
        )  # fmt: skip

    def describe(self) -> tuple[RuleDescription, ...]:
        """Every rule, enabled or not, in rule-set order."""
        return tuple(
            RuleDescription(
                id=rule.id,
                kind=rule.kind,
                severity=self.severity(rule),
                default_severity=rule.severity,
                enabled=self.enabled(rule),
                group=rule.group,
                business_types=tuple(t for t in BusinessType if t in rule.business_types),
                tags=tuple(sorted(rule.tags)) if rule.tags is not None else None,
                event=rule.event,
                citation=rule.citation,
                title_zh=rule.title_zh,
                title_en=rule.title_en,
                message_zh=rule.message_zh,
                message_en=rule.message_en,
                enforced_by=rule.check if isinstance(rule.check, EnforcedBy) else None,
                judged_on=rule.judged_on,
                messages=tuple(
                    sorted(rule.bound_texts.messages.values(), key=lambda t: t.code)
                ),
            )
            for rule in self.rules
        )


def _by_start(versions: Iterable[RuleSet]) -> tuple[RuleSet, ...]:
    return tuple(sorted(versions, key=lambda v: v.effective_from))


@frozen(eq=False)
class RuleSetFamily:
    """The versions of one named rule set, over non-overlapping periods."""

    name: str
    versions: tuple[RuleSet, ...] = attrs.field(converter=_by_start)
    _starts: list[date] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if not self.versions:
            problems.append(Problem("no_versions"))
        seen: set[str] = set()
        for version in self.versions:
            if version.name != self.name:
                problems.append(Problem("version_named", facts={
                    "version": version.version, "name": version.name,
                }))  # fmt: skip
            if version.version in seen:
                problems.append(Problem("version_twice", facts={"version": version.version}))
            seen.add(version.version)
        for earlier, later in zip(self.versions, self.versions[1:], strict=False):
            if earlier.effective_until is None or earlier.effective_until >= later.effective_from:
                problems.append(Problem("versions_overlap", facts={
                    "version": earlier.version, "later": later.version,
                    "since": later.effective_from,
                }))  # fmt: skip
        if problems:
            raise _definition(self.name, problems)
        object.__setattr__(self, "_starts", [v.effective_from for v in self.versions])

    def in_force_on(self, day: date) -> RuleSet:
        """The version in force on ``day``; raises when no version covers it."""
        index = bisect.bisect_right(self._starts, day) - 1
        if index >= 0 and self.versions[index].in_force(day):
            return self.versions[index]
        periods = [(v.version, v.effective_from, v.effective_until) for v in self.versions]
        raise RuleSetNotInForce(ruleset=self.name, day=day, periods=periods)

    def version(self, version: str) -> RuleSet:
        for candidate in self.versions:
            if candidate.version == version:
                return candidate
        raise UnknownRuleSet(
            "version", ruleset=self.name, version=version, known=self.known_versions
        )

    @property
    def known_versions(self) -> tuple[str, ...]:
        return tuple(v.version for v in self.versions)

    @property
    def review_levels_used(self) -> frozenset[int]:
        """Every number of authority levels any version has had: a stored application was
        reviewed by one of them."""
        return frozenset().union(*(version.review_levels_used for version in self.versions))

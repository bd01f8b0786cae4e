"""The one exception tree of permitflow.

Every error has a stable ``code`` (portals switch on it, translate it, log it), typed fields
naming what went wrong, a message in Chinese and in English built from those fields and the
error catalogue, and structured ``context`` (state, event, actor, field path, rule ids...) for
programs. A raise site writes no sentence: it names the facts, as python-statemachine's
``TransitionNotAllowed`` and cattrs' structured errors do::

    raise EventNotAllowed(machine="association", event="request_association",
                          state="associated", allowed=["dissociate"])
    # message("zh"): 当前单位关联状态为“已关联”，不能“凭关联码申请关联单位”；现在可以办理：……

Facts reach the text only in words: states, events, roles and business types by their labels,
dates as dates, values given in quotes, rule ids as a bracketed reference.

    PermitflowError
    ├── DefinitionError            a machine or rule set is wrong when it is built or loaded
    │   └── RuleDataError          a rule-parameter file is malformed (file and field path)
    ├── ProcedureError             an event was refused; the snapshot is unchanged
    │   ├── UnknownEvent
    │   ├── EventNotAllowed
    │   ├── NotPermitted
    │   ├── Blocked                carries the error findings
    │   ├── VersionConflict
    │   └── IdempotencyConflict
    ├── InputError                 data handed in by a portal is not acceptable
    │   ├── InvalidInput           an event's payload or a record field (names the field)
    │   ├── InvalidSnapshot        a stored snapshot or a case file does not load (its problems)
    │   └── InvalidIdentifier      a resident id or credit code is malformed (names the part)
    └── CoverageError              asked about something the data does not cover
        ├── UnknownRuleSet
        ├── RuleSetNotInForce
        └── CalendarOutOfRange     a day outside the years the working-day calendar knows
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from permitflow import _texts as texts
from permitflow import _words as words
from permitflow._problems import (
    ABSENT,
    PROBLEMS,
    Expected,
    Given,
    Phrase,
    Problem,
    fact_types,
    jsonable,
)
from permitflow._texts import message_template
from permitflow.messages import LANGUAGES, Language

if TYPE_CHECKING:
    from permitflow.records.actors import Actor, Role
    from permitflow.records.application import BusinessType
    from permitflow.records.holder import Slot
    from permitflow.rules.finding import Finding

__all__ = [
    "ABSENT",
        "LANGUAGES",
    "PROBLEMS",
    "Blocked",
    "CalendarEstimateWarning",
    "CalendarOutOfRange",
    "CoverageError",
    "DefinitionError",
    "EventNotAllowed",
    "Expected",
    "Given",
    "IdempotencyConflict",
    "InputError",
    "InvalidIdentifier",
    "InvalidInput",
    "InvalidSnapshot",
    "Language",
    "NotPermitted",
    "PermitflowError",
    "Phrase",
    "Problem",
    "ProcedureError",
    "RuleDataError",
    "RuleSetNotInForce",
    "UnknownEvent",
    "UnknownParameter",
    "UnknownRuleSet",
    "VersionConflict",
    "error_classes",
    "fields_of",
    "keys_of",
    "message_template",
]

# --- the root ------------------------------------------------------------------------------------


class PermitflowError(Exception):
    """Root of every error permitflow raises on purpose."""

    code: ClassVar[str] = "permitflow_error"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {None: ()}
    """Its messages, each with the facts it names: None is the code's own message (catalogue
    key ``code``), a variant a distinct cause (``code.variant``)."""
    computed: ClassVar[Mapping[str, str]] = {}
    """Facts its messages name that the class computes from its fields, and their types."""

    def __init__(self, variant: str | None = None, /, **fields: Any) -> None:
        named = type(self).messages.get(variant)
        if named is None:
            raise TypeError(f"{type(self).__name__} has no message variant {variant!r}")
        self.variant = variant
        self.fields: Mapping[str, Any] = {
            name: value
            for name, value in fields.items()
            if value is not ABSENT and (value is not None or name == "value")
        }
        missing = set(named) - self.fields.keys() - self.computed.keys()
        if missing:
            raise TypeError(f"{type(self).__name__}({self.key}) needs {sorted(missing)}")
        super().__init__(self.key)

    @property
    def key(self) -> str:
        """The catalogue key of the message: the code, or ``code.variant``."""
        return self.code if self.variant is None else f"{self.code}.{self.variant}"

    def message(self, lang: Language = "zh") -> str:
        """The message in one language, ready to show to a person."""
        text = texts.render(self.key, lang, self._facts(lang))
        return text[:1].upper() + text[1:] if lang == "en" else text

    def words(self, lang: Language) -> str:
        """The message, when it is a fact of another message (a refusal inside a problem)."""
        return self.message(lang)

    def _facts(self, lang: Language) -> dict[str, str]:
        """Each fact in words of ``lang``: a rule id as a bracketed reference, every other fact
        through ``permitflow._words.say``; a class words its own facts in ``_own_words``."""
        return self._own_words({
            name: words.reference(value, lang) if name == "rule_id" else words.say(value, lang)
            for name, value in self.fields.items()
        }, lang)  # fmt: skip

    def _own_words(self, said: dict[str, str], lang: Language) -> dict[str, str]:
        return said

    @property
    def message_zh(self) -> str:
        """The message in Chinese."""
        return self.message("zh")

    @property
    def message_en(self) -> str:
        """The message in English."""
        return self.message("en")

    @property
    def context(self) -> Mapping[str, Any]:
        """The facts for programs: codes, ids, numbers and dates as JSON values."""
        return self._own_context({name: _context(value) for name, value in self.fields.items()})

    def _own_context(self, context: dict[str, Any]) -> dict[str, Any]:
        return context

    def to_dict(self, lang: Language | None = None) -> dict[str, Any]:
        """A JSON-able description for an API response."""
        data: dict[str, Any] = {"code": self.code}
        if lang is None:
            data["message"] = {"zh": self.message_zh, "en": self.message_en}
        else:
            data["message"] = self.message(lang)
        data["context"] = {key: jsonable(value) for key, value in self.context.items()}
        return data

    def __str__(self) -> str:
        return f"[{self.code}] {self.message_en} / {self.message_zh}"


def _context(value: Any) -> Any:
    # Programs read an actor as its short description, a problem as its "… @ $.path" line.
    describe = getattr(value, "describe", None)
    if callable(describe):
        return describe()
    if isinstance(value, Problem):
        return str(value)
    if isinstance(value, list | tuple) and value and isinstance(value[0], Problem):
        return [str(problem) for problem in value]
    return value


# --- definition branch -------------------------------------------------------------------------


def _problem_words(problems: Iterable[Problem | str], lang: Language) -> str:
    return words.sentences(
        [p.words(lang) if isinstance(p, Problem) else p for p in problems], lang
    )


class DefinitionError(PermitflowError):
    """A machine definition or rule set is inconsistent; raised when it is built."""

    code = "definition_error"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {
        None: (),
        "duplicate_states": ("definition", "states"),
        "initial_undeclared": ("definition", "states"),
        "no_terminal": ("definition",),
        "ending_not_terminal": ("definition", "states"),
        "undeclared_states": ("definition", "event", "states"),
        "unknown_groups": ("definition", "event", "groups"),
        "no_role": ("definition", "event"),
        "internal_with_role": ("definition", "event"),
        "level_without_authority": ("definition", "event"),
        "terminal_exit": ("definition", "states", "event"),
        "defined_twice": ("definition", "states", "event"),
        "tags_differ": ("definition", "event"),
        "unreachable": ("definition", "states"),
        "no_way_out": ("definition", "states"),
        "trapped": ("definition", "states"),
        "review_levels": ("levels",),
        "sample_permit_state": ("business_type", "states"),
        "unknown_group": ("rule_id", "group"),
        "group_titled_otherwise": ("group",),
        "ruleset": ("ruleset", "problems"),
        "ruleset_registered": ("ruleset",),
        "ruleset_entry_point": ("origin", "ruleset"),
        "business_type_unloadable": ("business_type", "package", "origin", "reason"),
        "business_type_entry_point": ("business_type", "package", "origin"),
        "catalogue": ("catalogue", "problems"),
    }

    def __init__(
        self,
        variant: str | None = None,
        /,
        *,
        definition: str | None = None,
        event: str | None = None,
        states: Sequence[str] | None = None,
        groups: Sequence[str] | None = None,
        group: str | None = None,
        rule_id: str | None = None,
        levels: int | None = None,
        ruleset: str | None = None,
        origin: str | None = None,
        business_type: str | None = None,
        package: str | None = None,
        reason: str | None = None,
        catalogue: str | None = None,
        problems: Iterable[Problem | str] | None = None,
    ) -> None:
        super().__init__(
            variant, definition=definition, event=event, states=_listed(states),
            groups=_listed(groups), group=group, rule_id=rule_id, levels=levels,
            ruleset=ruleset, origin=origin, business_type=business_type, package=package,
            reason=reason, catalogue=catalogue, problems=_listed(problems),
        )  # fmt: skip

    def _own_context(self, context: dict[str, Any]) -> dict[str, Any]:
        context = dict(context)
        if "problems" in context:
            context["errors"] = [str(p) for p in context.pop("problems")]
        return context

    def _own_words(self, said: dict[str, str], lang: Language) -> dict[str, str]:
        if "problems" in self.fields:
            said["problems"] = _problem_words(self.fields["problems"], lang)
        return said


class RuleDataError(DefinitionError):
    """A rule-parameter data file does not match its schema."""

    code = "rule_data_error"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {
        None: ("file", "problems"),
        "switches": ("file", "problems"),
        "value": ("problems",),
    }

    def __init__(
        self, variant: str | None = None, /, *, problems: Iterable[Problem], file: str | None = None
    ) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        PermitflowError.__init__(self, variant, file=file, problems=list(self.problems))


# --- runtime branch: refused events -------------------------------------------------------------


class ProcedureError(PermitflowError):
    """An event was refused. The snapshot handed in is left exactly as it was."""

    code = "procedure_error"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {None: ()}


def _machine_words(fields: Mapping[str, Any], said: dict[str, str], lang: Language) -> None:
    """``machine``, ``state``, ``event`` and ``allowed`` in the words of the machine named."""
    machine = fields.get("machine")
    if machine is None:
        return
    state = fields.get("state")
    said["machine"] = words.machine(machine, lang)
    if state is not None:
        said["state"] = words.state(machine, state, lang)
    if "event" in fields:
        said["event"] = words.event(machine, fields["event"], lang, state)
    if "allowed" in fields:
        said["allowed"] = words.events(machine, fields["allowed"], lang, state)


class UnknownEvent(ProcedureError):
    """The machine has no event of that name; ``context['allowed']`` lists what is possible now."""

    code = "unknown_event"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {
        None: ("machine", "event", "allowed"),
        "holder": ("event", "allowed"),
    }

    def __init__(
        self,
        variant: str | None = None,
        /,
        *,
        event: str,
        allowed: Sequence[str],
        machine: str | None = None,
        state: str | None = None,
    ) -> None:
        super().__init__(
            variant, event=event, machine=machine, state=state, allowed=list(allowed)
        )

    def _own_words(self, said: dict[str, str], lang: Language) -> dict[str, str]:
        _machine_words(self.fields, said, lang)
        said["event"] = words.quoted(self.fields["event"])
        if self.variant == "holder":
            said["allowed"] = words.holder_events(self.fields["allowed"], lang)
        return said


class EventNotAllowed(ProcedureError):
    """The event exists but not from the current state; ``context['allowed']`` lists what is."""

    code = "event_not_allowed"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {
        None: ("machine", "state", "event", "allowed"),
        "ended": ("machine", "state", "rule_id"),
        "slot_taken": ("slot", "uploaded_on"),
        "slot_empty": ("slot",),
        "permit": ("state", "event"),
    }

    def __init__(
        self,
        variant: str | None = None,
        /,
        *,
        machine: str,
        event: str,
        state: str | None = None,
        allowed: Sequence[str] | None = None,
        rule_id: str | None = None,
        slot: Slot | None = None,
        uploaded_on: date | None = None,
    ) -> None:
        super().__init__(
            variant, machine=machine, event=event, state=state, allowed=_listed(allowed),
            rule_id=rule_id, slot=slot, uploaded_on=uploaded_on,
        )  # fmt: skip

    def _own_words(self, said: dict[str, str], lang: Language) -> dict[str, str]:
        _machine_words(self.fields, said, lang)
        return said


class NotPermitted(ProcedureError):
    """The actor's role, identity or review level does not allow it to fire the event."""

    code = "not_permitted"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {
        None: ("actor", "event", "roles"),
        "internal": ("event",),
        "level": ("event", "level", "actor"),
        "own_records": ("actor",),
        "filer": ("roles", "event"),
        "attest_role": ("actor", "rule_id", "roles"),
        "attest_step": ("machine", "state", "actor", "rule_id"),
    }

    def __init__(
        self,
        variant: str | None = None,
        /,
        *,
        machine: str,
        event: str,
        state: str,
        actor: Actor,
        roles: Iterable[Role] | None = None,
        level: int | None = None,
        rule_id: str | None = None,
    ) -> None:
        super().__init__(
            variant, machine=machine, event=event, state=state, actor=actor,
            roles=None if roles is None else sorted(roles), level=level, rule_id=rule_id,
        )  # fmt: skip

    def _own_context(self, context: dict[str, Any]) -> dict[str, Any]:
        context = dict(context)
        if "roles" in context:
            context["roles"] = [str(role) for role in context["roles"]]
        return context

    def _own_words(self, said: dict[str, str], lang: Language) -> dict[str, str]:
        _machine_words(self.fields, said, lang)
        if "roles" in self.fields:
            said["roles"] = words.alternatives(
                [words.role(role, lang) for role in self.fields["roles"]], lang
            )
        return said


class Blocked(ProcedureError):
    """Rules with error severity failed; ``findings`` says which and why."""

    code = "blocked_by_rules"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {None: ("event", "reasons")}
    computed: ClassVar[Mapping[str, str]] = {"reasons": "str"}

    def __init__(
        self, *, machine: str, event: str, state: str | None, findings: Iterable[Finding]
    ) -> None:
        self.findings: tuple[Finding, ...] = tuple(findings)
        super().__init__(
            None, machine=machine, event=event, state=state,
            rule_ids=sorted({finding.rule_id for finding in self.findings if finding.blocks}),
        )  # fmt: skip

    def _own_context(self, context: dict[str, Any]) -> dict[str, Any]:
        return {**context, "findings": self.findings}

    def _own_words(self, said: dict[str, str], lang: Language) -> dict[str, str]:
        _machine_words(self.fields, said, lang)
        said["reasons"] = words.sentences(
            [
                words.clause(finding.message(lang)) + words.reference(finding.rule_id, lang)
                for finding in self.findings
                if finding.blocks
            ],
            lang,
        )
        return said


class VersionConflict(ProcedureError):
    """``expected_version`` differs from the snapshot's version: someone else changed it first."""

    code = "version_conflict"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {
        None: ("expected_version", "actual_version"),
    }

    def __init__(self, *, expected_version: int, actual_version: int) -> None:
        super().__init__(None, expected_version=expected_version, actual_version=actual_version)


class IdempotencyConflict(ProcedureError):
    """The idempotency key was already used for another event or actor."""

    code = "idempotency_key_reused"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {None: ("key", "step", "differs")}

    def __init__(
        self, *, key: str, event: str, original_event: str, step: int, differs: Sequence[str]
    ) -> None:
        super().__init__(
            None, key=key, event=event, original_event=original_event, step=step,
            differs=list(differs),
        )  # fmt: skip

    def _own_words(self, said: dict[str, str], lang: Language) -> dict[str, str]:
        said["differs"] = words.conjunction(
            [texts.render(f"request.{name}", lang) for name in self.fields["differs"]], lang
        )
        return said


# --- input branch -------------------------------------------------------------------------------


class InputError(PermitflowError):
    """Data handed in by a portal is not acceptable; nothing was changed."""

    code = "input_error"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {None: ()}


class InvalidInput(InputError):
    """A payload or record field is not acceptable; ``context['field']`` names it."""

    code = "invalid_input"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {
        None: ("field", "value"),
        "one_of": ("field", "value", "expected"),
        "aware_moment": ("value",),
        "moment_years": ("value", "first", "last"),
        "earlier": ("value", "after"),
        "too_far_ahead": ("value", "after", "days"),
        "idempotency_key": ("limit", "value"),
        "other_holder": (),
        "actor": ("value",),
        "reason_needed": ("event",),
        "reason_not_taken": ("event",),
        "payload_not_taken": ("event",),
        "payload_needed": ("event",),
        "payload_type": ("event", "value"),
        "opinion_needed": (),
        "opinion_not_taken": ("event",),
        "tip_empty": (),
        "levels_or_day": (),
        "form_needed": ("business_type",),
        "form_type": ("business_type",),
        "attested": ("rule_id", "actor"),
        "authority_level": ("value",),
        "level_not_authority": ("value",),
        "file_head": ("limit",),
        "file_digest": ("value",),
        "file_mismatch": ("value", "differs", "declared", "actual"),
        "no_application": (),
        "other_employer": ("value",),
        "unreadable": ("problems",),
        "unreadable_file": ("file", "detail"),
        "no_event": ("machine", "state"),
        "no_state": ("machine", "value", "expected"),
        "holder_event_twice": ("event",),
        "registered_twice": ("value",),
    }

    def __init__(
        self,
        variant: str | None = None,
        /,
        *,
        field: str,
        value: Given = ABSENT,
        expected: Expected | None = None,
        machine: str | None = None,
        event: str | None = None,
        state: str | None = None,
        business_type: BusinessType | None = None,
        actor: Actor | None = None,
        after: datetime | None = None,
        limit: int | None = None,
        days: int | None = None,
        first: int | None = None,
        last: int | None = None,
        rule_id: str | None = None,
        file: str | None = None,
        detail: Phrase | None = None,
        differs: Sequence[str] | None = None,
        declared: int | None = None,
        actual: int | None = None,
        problems: Iterable[Problem] | None = None,
    ) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems or ())
        super().__init__(
            variant, field=field, value=value, expected=expected, machine=machine, event=event,
            state=state, business_type=business_type, actor=actor, after=after, limit=limit,
            days=days, first=first, last=last, rule_id=rule_id, file=file, detail=detail,
            differs=_listed(differs), declared=declared, actual=actual,
            problems=list(self.problems) or None,
        )  # fmt: skip

    def _own_context(self, context: dict[str, Any]) -> dict[str, Any]:
        context = dict(context)
        if "value" in context:
            context["value"] = jsonable(context["value"])
        if self.problems:
            context["problems"] = [problem.to_dict() for problem in self.problems]
            context["errors"] = [str(problem) for problem in self.problems]
        return context

    def _own_words(self, said: dict[str, str], lang: Language) -> dict[str, str]:
        _machine_words(self.fields, said, lang)
        if "value" in self.fields:
            said["value"] = words.given(self.fields["value"], lang)
        key = f"field.{self.fields['field']}"
        said["field"] = (
            texts.render(key, lang) if texts.has(key) else words.quoted(self.fields["field"])
        )
        if "differs" in self.fields:
            said["differs"] = words.conjunction(
                [texts.render(f"file.{name}", lang) for name in self.fields["differs"]], lang
            )
        if self.problems:
            said["problems"] = _problem_words(self.problems, lang)
        return said

    def rebased(self, prefix: str) -> InvalidInput:
        """The same error about a value inside a larger document, under ``prefix``."""
        fields = {name: value for name, value in self.fields.items() if name != "problems"}
        return InvalidInput(
            self.variant, **fields, problems=[problem.at(prefix) for problem in self.problems]
        )


class InvalidSnapshot(InputError):
    """A stored snapshot (or a case file, or a file of rule cases) does not load; ``problems``
    says where and why, and ``context['errors']`` lists them as "message @ $.path" lines."""

    code = "invalid_snapshot"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {
        None: ("problems",),
        "case_file": ("file", "problems"),
        "rule_cases": ("file", "problems"),
    }

    def __init__(
        self,
        variant: str | None = None,
        /,
        *,
        problems: Iterable[Problem],
        count: int | None = None,
        file: str | None = None,
    ) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        total = len(self.problems) if count is None else count
        super().__init__(variant, problems=list(self.problems), count=total, file=file)

    def _own_context(self, context: dict[str, Any]) -> dict[str, Any]:
        context = {name: value for name, value in context.items() if name != "problems"}
        context["errors"] = [str(problem) for problem in self.problems]
        context["problems"] = [problem.to_dict() for problem in self.problems]
        context["path"] = self.problems[0].path if self.problems else "$"
        return context

    def _own_words(self, said: dict[str, str], lang: Language) -> dict[str, str]:
        rest = self.fields["count"] - len(self.problems)
        said["problems"] = _problem_words(self.problems, lang) + (
            texts.render("problem.more", lang, {"count": str(rest)}) if rest > 0 else ""
        )
        return said

    def rebased(self, prefix: str, *, file: str) -> InvalidSnapshot:
        """The same problems inside a case file ``file``, under ``prefix``."""
        return InvalidSnapshot(
            "case_file",
            problems=[problem.at(prefix) for problem in self.problems],
            count=self.fields["count"],
            file=file,
        )


class InvalidIdentifier(InputError):
    """A resident identity number or unified social credit code is malformed."""

    code = "invalid_identifier"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {
        None: (),
        "id_type": (),
        "id_empty": (),
        "id_legacy": (),
        "id_length": ("length",),
        "id_character": ("position", "character"),
        "id_province": ("province_code",),
        "id_birth_date": ("birth",),
        "id_born_later": ("birth", "today"),
        "id_check_digit": (),
        "code_type": (),
        "code_empty": (),
        "code_length": ("length",),
        "code_character": ("position", "character"),
        "code_authority": ("character",),
        "code_check_digit": (),
    }

    def __init__(
        self,
        variant: str | None = None,
        /,
        *,
        field: str,
        part: str,
        value: str | None = None,
        length: int | None = None,
        position: int | None = None,
        character: str | None = None,
        province_code: str | None = None,
        birth: str | date | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(
            variant, field=field, part=part, value=value, length=length, position=position,
            character=character, province_code=province_code, birth=birth, today=today,
        )  # fmt: skip

    def _own_context(self, context: dict[str, Any]) -> dict[str, Any]:
        # Logs keep the masked number only: not the birth date the message names.
        return {
            name: jsonable(value)
            for name, value in context.items()
            if name not in ("birth", "today") and value is not None
        }


# --- coverage branch ----------------------------------------------------------------------------


class CoverageError(PermitflowError):
    """The question lies outside what the installed data covers."""

    code = "coverage_error"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {
        None: (),
        "no_rule": ("ruleset", "version", "rule_id"),
    }

    def __init__(
        self,
        variant: str | None = None,
        /,
        *,
        ruleset: str | None = None,
        version: str | None = None,
        rule_id: str | None = None,
    ) -> None:
        super().__init__(variant, ruleset=ruleset, version=version, rule_id=rule_id)


class UnknownRuleSet(CoverageError):
    """No rule set (or rule-set version) of that name is registered."""

    code = "unknown_ruleset"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {
        None: ("ruleset", "known"),
        "version": ("ruleset", "version", "known"),
        "rule": ("ruleset", "rule_id"),
    }

    def __init__(
        self,
        variant: str | None = None,
        /,
        *,
        ruleset: str,
        known: Sequence[str] | None = None,
        version: str | None = None,
        rule_id: str | None = None,
    ) -> None:
        PermitflowError.__init__(
            self, variant, ruleset=ruleset, known=_listed(known), version=version,
            rule_id=rule_id,
        )  # fmt: skip


class RuleSetNotInForce(CoverageError):
    """The rule set is asked about a date outside its period of force."""

    code = "ruleset_not_in_force"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {
        None: ("ruleset", "day", "periods"),
        "version": ("ruleset", "version", "effective_from", "effective_until", "day"),
        "parameter": ("parameter", "first"),
    }

    def __init__(
        self,
        variant: str | None = None,
        /,
        *,
        day: date | None = None,
        ruleset: str | None = None,
        version: str | None = None,
        effective_from: date | None = None,
        effective_until: date | None = None,
        periods: Sequence[tuple[str, date, date | None]] | None = None,
        parameter: str | None = None,
        first: date | None = None,
    ) -> None:
        PermitflowError.__init__(
            self, variant, day=day, ruleset=ruleset, version=version,
            effective_from=effective_from, effective_until=effective_until or _OPEN,
            periods=_listed(periods), parameter=parameter, first=first,
        )  # fmt: skip

    def _own_context(self, context: dict[str, Any]) -> dict[str, Any]:
        return {
            name: jsonable(value)
            for name, value in context.items()
            if name not in ("effective_from", "effective_until", "periods")
        }

    def _own_words(self, said: dict[str, str], lang: Language) -> dict[str, str]:
        if "periods" in self.fields:
            periods = self.fields["periods"]
            said["periods"] = words.listing(
                [words.period(version, start, end, lang) for version, start, end in periods], lang
            )
        return said


class UnknownParameter(CoverageError, KeyError):
    """A rule (or a view) reads a parameter the rule set in force does not define on that day.

    Also a ``KeyError``, as the mapping of parameters it comes from is one."""

    code = "unknown_parameter"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {None: ("parameter", "day")}

    def __init__(self, variant: str | None = None, /, *, parameter: str, day: date) -> None:
        PermitflowError.__init__(self, variant, parameter=parameter, day=day)


class CalendarOutOfRange(CoverageError, ValueError):
    """A day (or a count of working days) outside the years the working-day calendar knows.

    Also a ``ValueError``, which is what it was before it had a code."""

    code = "calendar_out_of_range"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {
        None: ("day", "first", "last"),
        "count": ("day", "count", "first", "last"),
    }

    def __init__(
        self,
        variant: str | None = None,
        /,
        *,
        day: date,
        first: int,
        last: int,
        count: int | None = None,
    ) -> None:
        PermitflowError.__init__(self, variant, day=day, first=first, last=last, count=count)

    def _own_context(self, context: dict[str, Any]) -> dict[str, Any]:
        return {
            name: jsonable(value)
            for name, value in context.items()
            if name not in ("first", "last")
        }


class CalendarEstimateWarning(UserWarning):
    """An answer rests on a year with no official holiday arrangement in the installed data."""


class _Open:
    """The end of a period that has no end yet: ``…`` in every language."""

    def words(self, lang: Language) -> str:
        return "…"


_OPEN: Any = _Open()


def _listed(values: Iterable[Any] | None) -> list[Any] | None:
    return None if values is None else list(values)


# --- the catalogue, bound on import ------------------------------------------------------------


_PHRASES: Mapping[str, Mapping[str, str] | None] = {
    "expected.one_of": {"values": "str"},
    "problem.more": {"count": "int"},
}
"""The phrases with a placeholder (every other phrase has none)."""

_PHRASE_PREFIXES = ("expected.", "field.", "file.", "request.", "json.", "read.")


def error_classes() -> tuple[type[PermitflowError], ...]:
    """Every error class of the tree, each parent before its children, in the module's order."""
    found = {PermitflowError}
    stack = [PermitflowError]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub.__module__ == __name__ and sub not in found:
                found.add(sub)
                stack.append(sub)
    order = list(globals())
    return tuple(sorted(found, key=lambda cls: order.index(cls.__name__)))


def fields_of(cls: type[PermitflowError]) -> dict[str, str]:
    """The typed fields of an error class: the keyword arguments its constructor takes, with
    their declared types, and the facts it computes."""
    parameters = inspect.signature(cls.__init__).parameters.values()
    fields = {
        p.name: str(p.annotation) for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    return {**fields, **cls.computed}


def keys_of(cls: type[PermitflowError]) -> dict[str, tuple[str, ...]]:
    """The catalogue keys of an error class's messages (``code``, ``code.variant``) and the
    facts each names."""
    return {
        cls.code if variant is None else f"{cls.code}.{variant}": named
        for variant, named in cls.messages.items()
    }


def _bind() -> None:
    """Bind every message to its typed facts: a fact the class does not take, one a language
    leaves out, a missing language or a text no class uses raises here, on import."""
    errors: list[str] = []

    def bind(code: str, context: Mapping[str, str] | None) -> None:
        try:
            texts.bind(code, context)
        except DefinitionError as error:
            errors.extend(error.context.get("errors", []))

    for cls in error_classes():
        typed = fields_of(cls)
        for code, named in keys_of(cls).items():
            unknown = [name for name in named if name not in typed]
            errors.extend(f"{code} names {name}, which {cls.__name__} does not take"
                          for name in unknown)  # fmt: skip
            bind(code, {name: typed.get(name, "?") for name in named})
    for reason, named in PROBLEMS.items():
        bind(f"problem.{reason}", fact_types(named))
    catalogue = texts.catalogue()
    for code in sorted(catalogue.codes):
        if code.startswith(_PHRASE_PREFIXES) or code in _PHRASES:
            bind(code, _PHRASES.get(code))
    try:
        catalogue.check_used(texts.bound())
    except DefinitionError as error:
        errors.extend(error.context.get("errors", []))
    if errors:
        raise DefinitionError("catalogue", catalogue=catalogue.name, problems=errors)


_bind()

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
from enum import Enum
from pathlib import Path
from types import UnionType
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Union, get_args, get_origin

import attrs
from attrs import evolve, field, frozen

from permitflow import _words as words
from permitflow.messages import LANGUAGES, Catalogue, Language, Template

if TYPE_CHECKING:
    from permitflow.records.actors import Actor, Role
    from permitflow.records.application import BusinessType
    from permitflow.records.holder import Slot
    from permitflow.rules.finding import Finding

__all__ = [
    "ABSENT",
    "CATALOGUE",
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
    "UnknownRuleSet",
    "VersionConflict",
    "error_classes",
    "fields_of",
    "keys_of",
    "message_template",
]

Given = str | int | float | bool | list[Any] | dict[str, Any] | None
"""A value as a document held it (JSON data), shown to the person in quotes."""

_TEMPLATES: dict[str, Template] = {}
"""Every message and phrase of the catalogue, bound to its typed facts (at the end of the
module, once every class is defined)."""


def _render(code: str, lang: Language, values: Mapping[str, str] | None = None) -> str:
    return _TEMPLATES[code].render(values or {}, lang)


def message_template(code: str) -> Template:
    """The bound text of a catalogue code (``event_not_allowed``, ``invalid_input.one_of``,
    ``problem.wrong``...): its Chinese and English with the placeholders it names."""
    return _TEMPLATES[code]


class _Absent:
    """No value was given at all (unlike a given ``null``)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
"""The ``given`` of a problem about a key that is missing."""


# --- the problems of a document handed in -------------------------------------------------------

_FORMS: tuple[tuple[type, str], ...] = (
    (bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"),
    (datetime, "datetime"), (date, "date"), (bytes, "base64"),
)  # fmt: skip
"""Python types and the JSON form they are written in (bool before int, datetime before date:
each is a subclass of the next)."""


@frozen
class Expected:
    """The form a value should have, in words: a date, a whole number, one of some values..."""

    kind: str
    """``date``, ``datetime``, ``string``, ``integer``, ``number``, ``boolean``, ``null``,
    ``list``, ``object``, ``base64``, ``one_of`` (``values``), ``any_of`` (``options``), or
    ``value`` (anything)."""
    values: tuple[Any, ...] = ()
    """The values allowed, for ``one_of``."""
    enum: type | None = None
    """The enum the allowed values belong to (their labels come from it), for ``one_of``."""
    options: tuple[Expected, ...] = ()
    """The forms allowed, for ``any_of``."""
    machine: str | None = None
    """The machine whose states the allowed values are (their labels come from it)."""

    @classmethod
    def of(cls, hint: Any) -> Expected:
        """The form a value of the Python type ``hint`` takes in a JSON document."""
        origin, args = get_origin(hint), get_args(hint)
        if origin in (Union, UnionType):
            options = tuple(cls.of(arg) for arg in args if arg is not type(None))
            if type(None) in args:
                options = (*options, cls("null"))
            return options[0] if len(options) == 1 else cls("any_of", options=options)
        if origin is Literal:
            return cls("one_of", args)
        if origin in (tuple, list, frozenset, set):
            return cls("list")
        if origin in (dict, Mapping) or hint in (dict, Mapping):
            return cls("object")
        if not isinstance(hint, type):
            return cls("value")
        if issubclass(hint, Enum):
            return cls("one_of", tuple(member.value for member in hint), hint)
        for kind, name in _FORMS:
            if issubclass(hint, kind):
                return cls(name)
        return cls("object") if attrs.has(hint) else cls("value")

    def words(self, lang: Language) -> str:
        """The form in words: ``日期，格式 YYYY-MM-DD``, ``以下之一：新办（new）…``."""
        if self.kind == "any_of":
            said = [option.words(lang) for option in self.options if option.kind != "null"]
            text = words.alternatives(said, lang)
            if len(said) < len(self.options):  # null, said last: "…, or left empty"
                text += _render("expected.or_null", lang)
            return text
        if self.kind == "one_of":
            values = (
                words.state_choices(self.machine, self.values, lang)
                if self.machine is not None
                else words.choices(self.values, self.enum, lang)
            )
            return _render("expected.one_of", lang, {"values": values})
        return _render(f"expected.{self.kind}", lang)

    def to_dict(self) -> dict[str, Any]:
        """The form as JSON, for programs."""
        data: dict[str, Any] = {"kind": self.kind}
        if self.values:
            data["values"] = list(self.values)
        if self.options:
            data["options"] = [option.to_dict() for option in self.options]
        return data


@frozen
class Phrase:
    """A fixed phrase of the catalogue, said in the language of the message around it."""

    key: str
    """Its code in the catalogue, e.g. ``read.missing``."""

    def words(self, lang: Language) -> str:
        """The phrase in ``lang``."""
        return _render(self.key, lang)

    def to_dict(self) -> str:
        """The phrase's code, for programs."""
        return self.key


@frozen
class Problem:
    """One problem of a document handed in (a snapshot, a case file, a payload, a rule-data
    file): where it is, the value given, the form expected, in words from the catalogue.

    ``str(problem)`` is the English line ``"… @ $.path"`` that logs and ``context['errors']``
    keep, as cattrs' ``transform_error`` writes them."""

    reason: str
    """What is wrong; the message ``problem.<reason>`` of the catalogue says it."""
    path: str = "$"
    """The JSON path, e.g. ``$.holder.permit.expires_on``."""
    given: Any = ABSENT
    """The value found (JSON data), or ABSENT when the key is missing."""
    expected: Expected | None = None
    """The form the value should have."""
    words_zh: str | None = field(default=None, kw_only=True)
    """The field's name in Chinese, when the records give one (出生日期...)."""
    facts: Mapping[str, Any] = field(factory=dict, kw_only=True)
    """The other facts the message names (a limit, a line and column, a state...)."""

    def __attrs_post_init__(self) -> None:
        named = {"where", *self.facts}
        if self.given is not ABSENT:
            named.add("given")
        if self.expected is not None:
            named.add("expected")
        missing = set(PROBLEMS.get(self.reason, ("?",))) - named
        if missing:
            raise TypeError(f"the problem {self.reason!r} needs {sorted(missing)}")

    def words(self, lang: Language) -> str:
        """The problem in ``lang``, as a clause of a longer message."""
        values: dict[str, str] = {"where": words.where(self.path, self.words_zh, lang)}
        if self.given is not ABSENT:
            values["given"] = words.given(self.given, lang)
        if self.expected is not None:
            values["expected"] = self.expected.words(lang)
        for name, value in self.facts.items():
            values[name] = value.message(lang) if isinstance(value, PermitflowError) else (
                words.reference(value, lang) if name == "rule_id" else words.say(value, lang)
            )
        return _render(f"problem.{self.reason}", lang, values)

    def at(self, prefix: str) -> Problem:
        """The same problem inside a larger document, its path under ``prefix``."""
        return evolve(self, path=prefix + self.path[1:])

    def to_dict(self) -> dict[str, Any]:
        """The problem as JSON: reason, path, the value given, the form expected, the facts."""
        data: dict[str, Any] = {"reason": self.reason, "path": self.path}
        if self.given is not ABSENT:
            data["given"] = _jsonable(self.given)
        if self.expected is not None:
            data["expected"] = self.expected.to_dict()
        data.update({name: _jsonable(value) for name, value in self.facts.items()})
        return data

    def __str__(self) -> str:
        return f"{self.words('en')} @ {self.path}"


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
        text = _render(self.key, lang, self._facts(lang))
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
        data["context"] = {key: _jsonable(value) for key, value in self.context.items()}
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


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    return str(value)


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
        "undeclared_states": ("definition", "event", "states"),
        "unknown_groups": ("definition", "event", "groups"),
        "no_role": ("definition", "event"),
        "internal_with_role": ("definition", "event"),
        "level_without_authority": ("definition", "event"),
        "terminal_exit": ("definition", "states", "event"),
        "defined_twice": ("definition", "states", "event"),
        "unreachable": ("definition", "states"),
        "no_way_out": ("definition", "states"),
        "trapped": ("definition", "states"),
        "review_levels": ("levels",),
        "unknown_group": ("rule_id", "group"),
        "ruleset": ("ruleset", "problems"),
        "ruleset_registered": ("ruleset",),
        "ruleset_entry_point": ("origin", "ruleset"),
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
        catalogue: str | None = None,
        problems: Iterable[Problem | str] | None = None,
    ) -> None:
        super().__init__(
            variant, definition=definition, event=event, states=_listed(states),
            groups=_listed(groups), group=group, rule_id=rule_id, levels=levels,
            ruleset=ruleset, origin=origin, catalogue=catalogue, problems=_listed(problems),
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
            [_render(f"request.{name}", lang) for name in self.fields["differs"]], lang
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
            context["value"] = _jsonable(context["value"])
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
            _render(key, lang) if key in _TEMPLATES else words.quoted(self.fields["field"])
        )
        if "differs" in self.fields:
            said["differs"] = words.conjunction(
                [_render(f"file.{name}", lang) for name in self.fields["differs"]], lang
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
    """A stored snapshot (or a case file) does not load; ``problems`` says where and why, and
    ``context['errors']`` lists them as "message @ $.path" lines."""

    code = "invalid_snapshot"
    messages: ClassVar[Mapping[str | None, tuple[str, ...]]] = {
        None: ("problems",),
        "case_file": ("file", "problems"),
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
            _render("problem.more", lang, {"count": str(rest)}) if rest > 0 else ""
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
            name: _jsonable(value)
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
            name: _jsonable(value)
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
            name: _jsonable(value)
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


PROBLEMS: Mapping[str, tuple[str, ...]] = {
    "associated_no_employer": ("where",),
    "at_least_one_value": ("where",),
    "attest_changes_state": ("where",),
    "attest_not_step": ("where",),
    "attest_note_only": ("where",),
    "attest_twice": ("where",),
    "attestations_differ": ("where",),
    "before_creation": ("where",),
    "carries": ("where",),
    "defined_in": ("where", "file"),
    "either": (),
    "empty_citation": ("where",),
    "entry_unreadable": ("where",),
    "exactly": ("where", "known"),
    "form_mismatch": ("where",),
    "form_with_application": ("where",),
    "from_state": ("where", "given", "state"),
    "integer_too_large": ("where", "limit"),
    "key_length": ("where", "limit"),
    "key_not_string": ("where",),
    "key_reused": ("where", "entry"),
    "key_too_long": ("where", "limit"),
    "leads_elsewhere": ("where", "given", "state"),
    "missing": ("where", "expected"),
    "moment_order": ("where",),
    "moment_years": ("where", "first", "last", "given"),
    "no_offset": ("where", "given"),
    "no_step": ("where", "given", "state"),
    "no_versions": (),
    "not_filer": ("where",),
    "not_for_actor": ("where",),
    "not_json": ("line", "column", "detail"),
    "not_json_value": ("where", "kind"),
    "not_own_record": ("where",),
    "not_toml": ("detail",),
    "offset_minutes": ("where", "given"),
    "other_holder": ("where",),
    "outside_table": ("where",),
    "permit_step": ("where", "given", "state"),
    "pin_without_submission": ("where",),
    "refused": ("where", "error"),
    "rule_twice": ("rule_id",),
    "second_file": ("where", "slot"),
    "sequence": ("where", "given", "should"),
    "since_repeats": ("where", "given", "index"),
    "state_differs": ("where", "given", "state"),
    "state_with_application": ("where",),
    "string_too_long": ("where", "limit"),
    "submitted_at": ("where",),
    "switches_change": ("days",),
    "too_deep": ("where", "limit"),
    "too_many_items": ("where", "limit"),
    "too_many_values": ("limit",),
    "unknown_guard_groups": ("event", "groups"),
    "unknown_key": ("where", "known"),
    "unknown_parameters": ("rule_id", "names"),
    "unknown_rule": ("where",),
    "unknown_state": ("where", "given", "machine", "levels"),
    "until_before_from": ("until", "since"),
    "value_type_differs": ("where",),
    "version_history": ("where", "given", "count"),
    "version_named": ("version", "name"),
    "version_twice": ("version",),
    "versions_overlap": ("version", "later", "since"),
    "wrong": ("where", "expected", "given"),
}  # fmt: skip
"""Each problem's reason and the facts its message names (``where``: the field in words with
its path, ``given``: the value found, ``expected``: the form wanted; the rest in ``facts``)."""

_FACT_TYPES: Mapping[str, str] = {
    "where": "str", "given": "Given", "expected": "Expected", "known": "list[str]",
    "first": "int", "last": "int", "line": "int", "column": "int", "detail": "Phrase | str",
    "limit": "int", "kind": "str", "count": "int", "should": "int", "entry": "int",
    "machine": "BusinessType", "levels": "list[int]", "state": "str", "slot": "Slot",
    "error": "PermitflowError", "index": "int", "file": "str", "until": "date", "since": "date",
    "rule_id": "str", "days": "tuple[date, ...]", "event": "str", "groups": "list[str]",
    "version": "str", "name": "str", "later": "str", "names": "list[str]",
}  # fmt: skip
"""The type of each fact a problem's message may name."""

_PHRASES: Mapping[str, Mapping[str, str] | None] = {
    "expected.one_of": {"values": "str"},
    "problem.more": {"count": "int"},
}
"""The phrases with a placeholder (every other phrase has none)."""

_PHRASE_PREFIXES = ("expected.", "field.", "file.", "request.", "json.", "read.")

CATALOGUE = Catalogue.load("permitflow", (Path(__file__).parent / "texts").glob("*.toml"))
"""The texts of every error code, problem and phrase (``permitflow/texts/*.toml``)."""


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
            _TEMPLATES[code] = CATALOGUE.template(code, context)
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
        bind(f"problem.{reason}", {name: _FACT_TYPES.get(name, "?") for name in named})
    for code in sorted(CATALOGUE.codes):
        if code.startswith(_PHRASE_PREFIXES) or code in _PHRASES:
            bind(code, _PHRASES.get(code))
    try:
        CATALOGUE.check_used(_TEMPLATES)
    except DefinitionError as error:
        errors.extend(error.context.get("errors", []))
    if errors:
        raise DefinitionError("catalogue", catalogue=CATALOGUE.name, problems=errors)


_bind()

"""The problems of a document handed in, in words a person can act on: where (the field in
words and its JSON path), the value given, the form expected.

A snapshot, a case file, a payload or a rule-data file that cannot be used is reported as
[`Problem`][permitflow.errors.Problem] values (``problem.<reason>`` in the catalogue), the
[`Expected`][permitflow.errors.Expected] form of a value in words (a date, one of some labelled
values...). cattrs' detailed validation raises a tree of ``ClassValidationError`` and
``IterableValidationError`` groups whose leaves carry ``__notes__`` naming the field or index and
its type (``cattrs.transform_error`` walks it into ``"message @ $.path"`` lines). This walks the
same tree and, for each leaf, finds the value given at that path in the document, the form the
field's type expects and the field's name in the records' own words.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

import attrs
from attrs import evolve, field, frozen
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)

from permitflow import _texts as texts
from permitflow import _words as words
from permitflow._keys import is_vocabulary
from permitflow.messages import Language

Given = str | int | float | bool | list[Any] | dict[str, Any] | None
"""A value as a document held it (JSON data), shown to the person in quotes."""


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
        if is_vocabulary(hint):
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
                text += texts.render("expected.or_null", lang)
            return text
        if self.kind == "one_of":
            values = (
                words.state_choices(self.machine, self.values, lang)
                if self.machine is not None
                else words.choices(self.values, self.enum, lang)
            )
            return texts.render("expected.one_of", lang, {"values": values})
        return texts.render(f"expected.{self.kind}", lang)

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
        return texts.render(self.key, lang)

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
            values[name] = (
                words.reference(value, lang) if name == "rule_id" else words.say(value, lang)
            )
        if self.reason == "unknown_key":
            # The keys a person may write there, each with the field's name.
            values["known"] = words.keys(self.path.rpartition(".")[0], self.facts["known"], lang)
        return texts.render(f"problem.{self.reason}", lang, values)

    def at(self, prefix: str) -> Problem:
        """The same problem inside a larger document, its path under ``prefix``."""
        return evolve(self, path=prefix + self.path[1:])

    def to_dict(self) -> dict[str, Any]:
        """The problem as JSON: reason, path, the value given, the form expected, the facts."""
        data: dict[str, Any] = {"reason": self.reason, "path": self.path}
        if self.given is not ABSENT:
            data["given"] = jsonable(self.given)
        if self.expected is not None:
            data["expected"] = self.expected.to_dict()
        data.update({name: jsonable(value) for name, value in self.facts.items()})
        return data

    def __str__(self) -> str:
        return f"{self.words('en')} @ {self.path}"



PROBLEMS: Mapping[str, tuple[str, ...]] = {
    "associated_no_employer": ("where",),
    "at_least_one_value": ("where",),
    "attest_changes_state": ("where",),
    "attest_event": ("where", "given", "event"),
    "attest_no_rule": ("where",),
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
    "event_with_rule": ("where",),
    "exactly": ("where", "known"),
    "form_mismatch": ("where",),
    "form_with_application": ("where",),
    "holder_attestation": ("where",),
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
    "parameter_type": ("where", "given", "expected", "rule_id"),
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
    "title_value_changes": ("rule_id", "days"),
    "too_deep": ("where", "limit"),
    "too_many_items": ("where", "limit"),
    "too_many_values": ("limit",),
    "unknown_guard_groups": ("event", "groups"),
    "unknown_key": ("where", "known"),
    "unknown_parameter": ("where",),
    "unknown_events": ("rule_id", "version", "names"),
    "unknown_tags": ("rule_id", "version", "names"),
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


def fact_types(named: tuple[str, ...]) -> dict[str, str]:
    """The facts a problem's message names, with their types (the catalogue checks both)."""
    return {name: _FACT_TYPES.get(name, "?") for name in named}



def jsonable(value: Any) -> Any:
    """A fact as JSON for programs: dates as ISO strings, records by their ``to_dict``."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    return str(value)


# --- cattrs' validation trees ---------------------------------------------------------------


class Refusal(ValueError):
    """A structure hook's refusal that needs its own words (``reason``) beside "expected …"."""

    def __init__(self, reason: str, **facts: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.facts = facts


def _at(data: Any, key: str | int) -> Any:
    if isinstance(key, str) and isinstance(data, Mapping):
        return data.get(key, ABSENT)
    if isinstance(key, int) and isinstance(data, list | tuple) and -len(data) <= key < len(data):
        return data[key]
    return ABSENT


def problems_of(error: BaseException, data: Any, path: str = "$") -> list[Problem]:
    """Every problem of a structuring ``error`` raised on ``data``, each with its path below
    ``path``, the value given there, the form expected and the field's name in words."""
    return _walk(error, data, path, None, None)


def _walk(
    error: BaseException, data: Any, path: str, hint: Any, term: str | None
) -> list[Problem]:
    found: list[Problem] = []
    if isinstance(error, IterableValidationError):
        with_notes, without = error.group_exceptions()
        for inner, note in with_notes:
            found += _walk(
                inner, _at(data, note.index), f"{path}[{note.index!r}]", note.type, term
            )
        for inner in without:
            found += _walk(inner, data, path, hint, term)
    elif isinstance(error, ClassValidationError):
        if not isinstance(data, Mapping):  # no field can be read from it: one problem
            return [Problem("wrong", path, data, Expected("object"), words_zh=term)]
        with_notes_, without_ = error.group_exceptions()
        for inner, attribute in with_notes_:
            found += _walk(
                inner,
                _at(data, attribute.name),
                f"{path}.{attribute.name}",
                attribute.type,
                words.field_term(error.cl, attribute.name),
            )
        for inner in without_:
            found += _leaf(inner, data, path, hint, term)
    else:
        found += _leaf(error, data, path, hint, term)
    return found


def _leaf(error: BaseException, data: Any, path: str, hint: Any, term: str | None) -> list[Problem]:
    if isinstance(error, ForbiddenExtraKeysError):
        known = _field_names(error.cl)
        return [
            Problem("unknown_key", f"{path}.{key}", facts={"known": known})
            for key in sorted(error.extra_fields)
        ]
    expected = Expected.of(hint) if hint is not None else Expected("value")
    if isinstance(error, KeyError):
        return [Problem("missing", path, ABSENT, expected, words_zh=term)]
    if isinstance(error, Refusal):
        return [Problem(error.reason, path, data, words_zh=term, facts=error.facts)]
    return [Problem("wrong", path, data, expected, words_zh=term)]


def _field_names(cls: type) -> list[str]:
    return [field.name for field in attrs.fields(cls)] if attrs.has(cls) else []

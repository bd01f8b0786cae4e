"""Snapshots as plain JSON-able dicts, strict on the way back in.

``to_dict`` writes dates and datetimes as ISO 8601 strings, bytes as base64, enums as their
values, tuples as lists, and adds ``kind`` and ``schema_version``. It writes every field, at its
default value too, and ``from_dict`` requires every one: a key lost in storage (a holder's
``permit``) is an error, never a silent "no permit".

``from_dict`` trusts nothing (see [`permitflow.engine.loadchecks`][permitflow.engine.loadchecks]):
hard caps, a document of an older ``schema_version`` upgraded
([`permitflow.engine.upgrades`][permitflow.engine.upgrades]), exact types
(a string is no list, ``true`` no integer), naive datetimes, then the history replayed against
the machines. Its only outcomes are a faithful value or
[`InvalidSnapshot`][permitflow.errors.InvalidSnapshot] listing the
first problems as ``message @ $.path`` and counting the rest.
"""

from __future__ import annotations

import base64
import binascii
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from functools import cache, lru_cache
from typing import Any, TypeVar, get_origin

import attrs
import cattrs
from cattrs.errors import AttributeValidationNote, ClassValidationError
from cattrs.gen import make_dict_structure_fn
from cattrs.preconf.json import make_converter

from permitflow._keys import Key, Member, Vocabulary, is_vocabulary
from permitflow._problems import Refusal, problems_of
from permitflow.calendar import FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR
from permitflow.engine.codec import read_entry, read_sound, write_entry, write_sound
from permitflow.engine.definition import MachineDefinition
from permitflow.engine.loadchecks import (
    DEFAULT_LIMITS,
    DefinitionFactory,
    Limits,
    Problems,
    measure,
    replay_application,
    replay_holder,
)
from permitflow.engine.upgrades import SCHEMA_VERSION as SCHEMA_VERSION
from permitflow.engine.upgrades import VERSIONS, upgraded
from permitflow.errors import ABSENT, Expected, InvalidInput, InvalidSnapshot, Problem
from permitflow.records.actors import Actor, Role
from permitflow.records.application import (
    FORM_TYPES,
    Application,
    BusinessType,
    Form,
    find_business_type,
)
from permitflow.records.audit import AuditEntry
from permitflow.records.copying import replace
from permitflow.records.holder import HolderRecord
from permitflow.wiring import default_definitions, default_holder_definitions

Snapshot = Application | HolderRecord

_KINDS: dict[str, type[Application] | type[HolderRecord]] = {
    "application": Application,
    "holder": HolderRecord,
}


_ZONES: dict[timedelta, timezone] = {}


def _structure_datetime(value: Any, _: type) -> datetime:
    if not isinstance(value, str):
        raise TypeError("expected an ISO 8601 string")
    moment = datetime.fromisoformat(value)
    offset = moment.utcoffset()
    if offset is None:
        raise Refusal("no_offset")
    if offset % timedelta(minutes=1):
        raise Refusal("offset_minutes")
    if not FIRST_SUPPORTED_YEAR <= moment.year <= LAST_SUPPORTED_YEAR:
        raise Refusal("moment_years", first=FIRST_SUPPORTED_YEAR, last=LAST_SUPPORTED_YEAR)
    # Every moment of a stored history carries one of a few offsets: share one zone object
    # per offset instead of one per moment.
    zone = _ZONES.get(offset)
    if zone is None:
        zone = _ZONES[offset] = timezone(offset)
    return moment.replace(tzinfo=zone)


# --- audit entries, the bulk of a snapshot, read and written by hand ------------------------


@lru_cache(maxsize=4096)
def _shared_actor(role: str, identity: str, level: int | None) -> Actor:
    return Actor(Role(role), identity, level)


def _write_actor(actor: Actor) -> dict[str, Any]:
    return {"role": actor.role.value, "id": actor.id, "level": actor.level}


# The hooks below refuse with bare TypeError / ValueError: the problem's words come from the
# field's type ("应为日期，格式 YYYY-MM-DD") and the value at its path (``problems_of``).


def _structure_date(value: Any, _: type) -> date:
    if not isinstance(value, str):
        raise TypeError("expected an ISO 8601 date")
    return date.fromisoformat(value)


def _structure_bytes(value: Any, _: type) -> bytes:
    if not isinstance(value, str):
        raise TypeError("expected a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error as error:
        raise ValueError("invalid base64") from error


def _structure_enum(value: Any, cls: Vocabulary) -> Any:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return cls(value)


def _structure_str(value: Any, cls: type) -> Any:
    # String enums and keys are str subclasses and reach this hook too.
    if is_vocabulary(cls):
        return _structure_enum(value, cls)
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("expected an integer")
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return value




def _enum_value(value: Member) -> Any:
    # A string enum or key is a str: written as its plain value, the dict is plain JSON.
    return value.value


def _is_tuple(cls: Any) -> bool:
    origin: Any = get_origin(cls)
    return origin is tuple


def _list_only(converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    # cattrs builds a tuple from any iterable: "ab" would become ("a", "b"), {"t": 1} ("t",).
    def structure(value: Any, cls: Any) -> Any:
        if type(value) is not list and type(value) is not tuple:
            raise TypeError("expected a list")
        return converter._structure_tuple(value, cls)

    return structure


def _every_key(converter: cattrs.Converter, detailed: bool) -> Callable[[type], Any]:
    # A key at its default value is written all the same, so a missing one was lost.
    def factory(cls: type) -> Callable[[Any, type], Any]:
        read: Callable[[Any, type], Any] = make_dict_structure_fn(
            cls, converter, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=detailed
        )
        names = tuple(field.name for field in attrs.fields(cls))

        def structure(value: Any, _: type) -> Any:
            if type(value) is dict and not value.keys() >= set(names):
                missing = [name for name in names if name not in value]
                hints = typing.get_type_hints(cls)
                errors = []
                for name in missing:
                    error = KeyError(name)
                    error.__notes__ = [AttributeValidationNote(
                        f"Structuring {cls.__name__} @ {name}", name, hints[name]
                    )]  # fmt: skip
                    errors.append(error)
                raise ClassValidationError(f"While structuring {cls.__name__}", errors, cls)
            return read(value, cls)

        return structure

    return factory


def _make_converter(*, detailed: bool, every_key: bool) -> cattrs.Converter:
    converter = make_converter(forbid_extra_keys=True, detailed_validation=detailed)
    if every_key:
        converter.register_structure_hook_factory(attrs.has, _every_key(converter, detailed))
    converter.register_unstructure_hook(StrEnum, _enum_value)
    converter.register_unstructure_hook(Key, _enum_value)
    converter.register_unstructure_hook(datetime, datetime.isoformat)
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_unstructure_hook(bytes, lambda value: base64.b64encode(value).decode())
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_structure_hook(date, _structure_date)
    converter.register_structure_hook(bytes, _structure_bytes)
    # The JSON preset coerces (e.g. 1 -> "1"); a stored snapshot of the wrong type is a bug
    # the portal must hear about, not a value to repair.
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook_func(is_vocabulary, _structure_enum)
    converter.register_structure_hook_func(_is_tuple, _list_only(converter))
    # Which form an application carries follows from its business type; it is structured
    # by ``_structure_application`` before the attrs class is built.
    converter.register_structure_hook(Form, lambda value, _: value)
    converter.register_unstructure_hook(Form, lambda value: converter.unstructure(value))
    converter.register_unstructure_hook(AuditEntry, write_entry)
    converter.register_unstructure_hook(Actor, _write_actor)
    return converter


_converter = _make_converter(detailed=True, every_key=True)
"""Names every problem of a bad document by its path."""
_fast = _make_converter(detailed=False, every_key=True)
"""Reads a sound document quickly; a document it refuses is read again by ``_converter``."""
_lenient = _make_converter(detailed=True, every_key=False)
"""Reads a value handed in by a portal (a payload, a form), where a default may be left out."""


def to_dict(snapshot: Snapshot) -> dict[str, Any]:
    """A JSON-safe dict of an application or a holder record."""
    kind = "application" if isinstance(snapshot, Application) else "holder"
    return {"kind": kind, "schema_version": SCHEMA_VERSION, **write_sound(snapshot)}


T = TypeVar("T")


def structure(data: Any, cls: type[T]) -> T:
    """Build a record value (a form, an event payload, a child...) from plain JSON data.

    The same conventions as [`from_dict`][permitflow.engine.snapshot.from_dict] (ISO dates, base64
    bytes, strict keys and types);
    a problem raises [`InvalidInput`][permitflow.errors.InvalidInput] whose ``problems`` name
    each path, the value given and the form expected (``context['errors']`` lists them as
    "message @ $.path" lines).
    """
    try:
        return _lenient.structure(data, cls)
    except Exception as error:
        problems = problems_of(error, data) or [Problem("wrong", "$", data, Expected.of(cls))]
        raise InvalidInput(
            "unreadable", field=problems[0].path, problems=problems
        ) from None


def unstructure(value: Any) -> Any:
    """Plain JSON data of any record value, the inverse of
    [`structure`][permitflow.engine.snapshot.structure]."""
    return _converter.unstructure(value)


def from_dict(
    data: Mapping[str, Any],
    *,
    definitions: Mapping[BusinessType, DefinitionFactory] | None = None,
    holder_definitions: Iterable[MachineDefinition] | None = None,
    review_levels: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Snapshot:
    """Load a snapshot written by [`to_dict`][permitflow.engine.snapshot.to_dict]; anything else
    raises [`InvalidSnapshot`][permitflow.errors.InvalidSnapshot].

    Nothing is trusted: hard caps first (``limits``), then exact types, then the history replayed
    against the machines (``definitions`` and ``holder_definitions``, the built-in ones by
    default) with ``review_levels`` authority levels (default: any number of levels a version
    of the default rule set has had). The error lists the first problems and counts the rest.
    An application of a business type an installed package publishes loads that package first
    (``permitflow.machines.published``): one that cannot be loaded raises
    [`DefinitionError`][permitflow.errors.DefinitionError] naming it.
    """
    if limits == DEFAULT_LIMITS:
        sound = read_sound(data)
        if sound is not None and not _replay(
            sound, definitions, holder_definitions, review_levels, Problems(1)
        ):
            return sound
    return _read_detailed(data, definitions, holder_definitions, review_levels, limits)


def _read_detailed(
    data: Mapping[str, Any],
    definitions: Mapping[BusinessType, DefinitionFactory] | None,
    holder_definitions: Iterable[MachineDefinition] | None,
    review_levels: int | None,
    limits: Limits,
) -> Snapshot:
    """Every check, naming the problems: a document the fast reader did not take."""
    problems = Problems(limits.max_errors)
    if not isinstance(data, Mapping):
        raise _invalid(problems, [Problem("wrong", "$", _shown(data), Expected("object"))])
    body = dict(data)
    too_large = measure(body, limits)
    if too_large is not None:
        raise _invalid(problems, [too_large])
    kind = body.get("kind", ABSENT)
    version = body.get("schema_version", ABSENT)
    if type(kind) is not str or kind not in _KINDS:
        problems.add(_choice("$.kind", kind, sorted(_KINDS)))
    if type(version) is not int or version not in VERSIONS:
        problems.add(_choice("$.schema_version", version, list(VERSIONS)))
    if problems:
        raise _invalid(problems)
    if kind == "application":
        # A type an installed package publishes is registered before anything reads it; its
        # package failing to load is that package's error, not this document's.
        find_business_type(body.get("business_type"))
    body = upgraded(body, version)
    del body["kind"], body["schema_version"]
    history = _read_history(body.get("history"), problems)
    try:
        snapshot = _structure_snapshot(_fast, kind, {**body, "history": []})
    except Exception:  # the fast reader only says that something is wrong; find out what
        try:
            snapshot = _structure_snapshot(_converter, kind, {**body, "history": []})
        except InvalidSnapshot as error:
            problems.extend(error.problems)
            raise _invalid(problems) from None
        except Exception as error:  # cattrs raises class-validation groups with every path
            problems.extend(problems_of(error, body))
            raise _invalid(problems) from None
    if problems:
        raise _invalid(problems)
    snapshot = replace(snapshot, history=history)
    if _replay(snapshot, definitions, holder_definitions, review_levels, problems):
        raise _invalid(problems)
    return snapshot


def _replay(
    snapshot: Snapshot,
    definitions: Mapping[BusinessType, DefinitionFactory] | None,
    holder_definitions: Iterable[MachineDefinition] | None,
    review_levels: int | None,
    problems: Problems,
) -> Problems:
    """The history replayed against the machines; ``problems``, holding what it found."""
    if isinstance(snapshot, Application):
        factories = definitions if definitions is not None else default_definitions()
        levels = frozenset({review_levels}) if review_levels is not None else _default_levels()
        replay_application(snapshot, factories, levels, problems)
        if not isinstance(snapshot.form, FORM_TYPES[snapshot.business_type]):
            problems.note("form_mismatch", "$.form")
    else:
        machines = (
            holder_definitions if holder_definitions is not None else default_holder_definitions()
        )
        replay_holder(snapshot, machines, problems)
    return problems


def _read_history(raw: Any, problems: Problems) -> tuple[AuditEntry, ...]:
    """The entries, read one by one: a sound entry costs the fast reader alone, a faulty one
    is read again for its problems until enough are listed, then only counted."""
    if type(raw) is not list:
        problems.add(Problem("wrong", "$.history", _shown(raw), Expected("list")))
        return ()
    entries = []
    for index, item in enumerate(raw):
        try:
            entries.append(read_entry(item))
            continue
        except Exception:
            pass
        where = f"$.history[{index}]"
        if problems.full:
            problems.note("entry_unreadable", where)
            continue
        try:
            _converter.structure(item, AuditEntry)
        except Exception as error:
            problems.extend(problems_of(error, item, where))
        else:
            problems.note("entry_unreadable", where)
    return tuple(entries)


@cache
def _default_levels() -> frozenset[int]:
    from permitflow.rules.registry import default_family

    return default_family().review_levels_used


def _structure_snapshot(converter: cattrs.Converter, kind: str, body: dict[str, Any]) -> Snapshot:
    if kind == "application":
        return _structure_application(converter, body)
    holder: HolderRecord = converter.structure(body, HolderRecord)
    return holder


def _structure_application(converter: cattrs.Converter, body: dict[str, Any]) -> Application:
    raw = body.get("business_type", ABSENT)
    if type(raw) is not str or raw not in FORM_TYPES:
        raise _invalid(Problems(1), [Problem(
            "wrong", "$.business_type", _shown(raw), Expected.of(BusinessType)
        )])  # fmt: skip
    form_type = FORM_TYPES[BusinessType(raw)]
    form = body.get("form")
    try:
        form = converter.structure(form, form_type)
    except Exception as error:
        raise _invalid(Problems(50), problems_of(error, form, "$.form")) from None
    return converter.structure({**body, "form": form}, Application)



def _invalid(problems: Problems, more: Iterable[Problem] = ()) -> InvalidSnapshot:
    problems.extend(more)
    return InvalidSnapshot(problems=problems.listed, count=problems.count)


def _shown(value: Any) -> Any:
    """A value as a problem shows it: JSON data as it is, anything else by its type's name."""
    if value is ABSENT or value is None or isinstance(value, str | int | float | list | dict):
        return value
    return type(value).__name__


def _choice(path: str, given: Any, allowed: list[Any]) -> Problem:
    if given is ABSENT:
        return Problem("missing", path, ABSENT, Expected("one_of", tuple(allowed)))
    return Problem("wrong", path, _shown(given), Expected("one_of", tuple(allowed)))

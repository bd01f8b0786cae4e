"""The fast codec: sound snapshots written and read by hand, each in one pass.

[`to_dict`][permitflow.engine.snapshot.to_dict] writes through `write_sound`: one function per
record class, generated from its attrs fields, writing exactly what the cattrs converter of
[`permitflow.engine.snapshot`][permitflow.engine.snapshot] writes (findings are handed to that
converter).

[`from_dict`][permitflow.engine.snapshot.from_dict] tries `read_sound` first. It reads a
document in one pass: exact types (a string is a ``str``, a list a ``list``, an integer no
``bool``), every key and no other, the hard caps of the default
[`Limits`][permitflow.engine.loadchecks.Limits] (values counted, string and list lengths,
integer sizes; the nesting of a sound document is fixed and shallower than the cap), the
values built as the detailed reader builds them. At the first thing it does not expect it gives
up and returns None: the document is then read again by the detailed reader, which names every
problem (or accepts a form the fast reader leaves to it, such as a tuple for a list). So the
fast reader never decides that a document is refused, and it accepts only what the detailed
reader accepts, with an equal value; the history's replay against the machines runs after
either.
"""

from __future__ import annotations

import base64
import sys
import types
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, Union, get_args, get_origin

import attrs

from permitflow._keys import Key, Member, is_vocabulary
from permitflow.engine import snapshot as detailed
from permitflow.engine.loadchecks import DEFAULT_LIMITS, measure
from permitflow.records.actors import Actor
from permitflow.records.application import FORM_TYPES, Application, BusinessType
from permitflow.records.audit import AuditEntry, EntryKind
from permitflow.records.copying import positional
from permitflow.records.holder import HolderRecord
from permitflow.rules.finding import Finding

_MAX_STRING = DEFAULT_LIMITS.max_string
_MAX_INTEGER = DEFAULT_LIMITS.max_integer
_MAX_ITEMS = DEFAULT_LIMITS.max_items
_MAX_HISTORY = DEFAULT_LIMITS.max_history
_MAX_NODES = DEFAULT_LIMITS.max_nodes

Tally = list[int]
"""The number of values read so far, as ``measure`` counts them (every dict, list, string,
number, boolean and null; keys are not values)."""
Reader = Callable[[Any, Tally], Any]
Writer = Callable[[Any], Any]


class _Unsound(Exception):
    """Something the fast reader does not take as it is: the detailed reader will say what."""


# --- reading ----------------------------------------------------------------------------------


def _text(raw: Any, _: Tally) -> str:
    if type(raw) is not str or len(raw) > _MAX_STRING:
        raise _Unsound
    return raw


def _name(raw: Any) -> str:
    # States and events come from a small vocabulary: one string object each, shared.
    if type(raw) is not str or len(raw) > _MAX_STRING:
        raise _Unsound
    return sys.intern(raw)


def _optional_text(raw: Any) -> str | None:
    if raw is None:
        return None
    if type(raw) is not str or len(raw) > _MAX_STRING:
        raise _Unsound
    return raw


def _integer(raw: Any, _: Tally) -> int:
    if type(raw) is not int or not -_MAX_INTEGER <= raw <= _MAX_INTEGER:
        raise _Unsound
    return raw


def _boolean(raw: Any, _: Tally) -> bool:
    if type(raw) is not bool:
        raise _Unsound
    return raw


def _parsed(parse: Callable[[Any, type], Any], cls: type) -> Reader:
    def read(raw: Any, _: Tally) -> Any:
        if type(raw) is not str or len(raw) > _MAX_STRING:
            raise _Unsound
        try:
            return parse(raw, cls)
        except Exception:
            raise _Unsound from None

    return read


def _key(cls: type[Key]) -> Reader:
    # An open vocabulary may grow after the reader is made: its keys are looked up when read.
    def read(raw: Any, _: Tally) -> Any:
        if type(raw) is not str:
            raise _Unsound
        try:
            return cls(raw)
        except ValueError:
            raise _Unsound from None

    return read


def _moment(raw: Any) -> datetime:
    if type(raw) is not str or len(raw) > _MAX_STRING:
        raise _Unsound
    try:
        moment: datetime = detailed._structure_datetime(raw, datetime)
    except Exception:
        raise _Unsound from None
    return moment


def _member(cls: type[Enum]) -> Reader:
    members = cls._value2member_map_

    def read(raw: Any, _: Tally) -> Any:
        if type(raw) is not str:
            raise _Unsound
        member = members.get(raw)
        if member is None:
            raise _Unsound
        return member

    return read


def _optional(inner: Reader) -> Reader:
    def read(raw: Any, tally: Tally) -> Any:
        return None if raw is None else inner(raw, tally)

    return read


def _items(inner: Reader, cap: int) -> Reader:
    def read(raw: Any, tally: Tally) -> tuple[Any, ...]:
        if type(raw) is not list or len(raw) > cap:
            raise _Unsound
        if not raw:
            return ()
        tally[0] += len(raw)
        return tuple([inner(item, tally) for item in raw])

    return read


def _unsupported(raw: Any, _: Tally) -> Any:
    raise _Unsound


def _actor(raw: Any) -> Actor:
    if type(raw) is not dict or raw.keys() != _ACTOR_KEYS:
        raise _Unsound
    role, identity, level = raw["role"], raw["id"], raw["level"]
    if type(role) is not str or type(identity) is not str or len(identity) > _MAX_STRING:
        raise _Unsound
    if level is not None and (type(level) is not int or not -_MAX_INTEGER <= level <= _MAX_INTEGER):
        raise _Unsound
    try:
        actor: Actor = detailed._shared_actor(role, identity, level)
    except Exception:
        raise _Unsound from None
    return actor


_ACTOR_KEYS = frozenset(field.name for field in attrs.fields(Actor))
_ENTRY_KEYS = frozenset(field.name for field in attrs.fields(AuditEntry))
_ENTRY_VALUES = len(_ENTRY_KEYS) + len(_ACTOR_KEYS)
_new_entry = positional(AuditEntry)
_ENTRY_KINDS = EntryKind._value2member_map_


def _entry(raw: Any, tally: Tally) -> AuditEntry:
    if type(raw) is not dict or raw.keys() != _ENTRY_KEYS:
        raise _Unsound
    sequence, tips, findings = raw["sequence"], raw["tips"], raw["findings"]
    if type(sequence) is not int or not -_MAX_INTEGER <= sequence <= _MAX_INTEGER:
        raise _Unsound
    kind = raw["kind"]
    if type(kind) is not str or kind not in _ENTRY_KINDS:
        raise _Unsound
    if type(tips) is not list or type(findings) is not list:
        raise _Unsound
    tally[0] += _ENTRY_VALUES
    if tips:
        if len(tips) > _MAX_ITEMS:
            raise _Unsound
        for tip in tips:
            if type(tip) is not str or len(tip) > _MAX_STRING:
                raise _Unsound
        tally[0] += len(tips)
    return _new_entry(
        sequence,
        _name(raw["event"]),
        _name(raw["from_state"]),
        _name(raw["to_state"]),
        _actor(raw["actor"]),
        _moment(raw["at"]),
        _optional_text(raw["opinion"]),
        _optional_text(raw["reason"]),
        tuple(tips),
        _optional_text(raw["idempotency_key"]),
        _findings(findings, tally) if findings else (),
        _optional_text(raw["fingerprint"]),
        _ENTRY_KINDS[kind],
        _optional_text(raw["rule_id"]),
    )


def read_entry(raw: Any) -> AuditEntry:
    """One audit entry as the fast reader takes it; anything else raises (the detailed reader
    then says what is wrong with it)."""
    return _entry(raw, [0])


def _findings(raw: list[Any], tally: Tally) -> tuple[Finding, ...]:
    # Rare in a history and read by the converter that owns their shape; only their caps and
    # their count are the fast reader's to check.
    if measure(raw, DEFAULT_LIMITS) is not None:
        raise _Unsound
    tally[0] += _values(raw) - 1
    try:
        found: tuple[Finding, ...] = detailed._fast.structure(raw, tuple[Finding, ...])
    except Exception:
        raise _Unsound from None
    return found


def _values(raw: Any) -> int:
    if type(raw) is dict:
        return 1 + sum(_values(item) for item in raw.values())
    if type(raw) is list:
        return 1 + sum(_values(item) for item in raw)
    return 1


def _plain(cls: type) -> bool:
    """Whether ``cls`` can be built without its ``__init__``: no validator, no check after
    init, and converters only to the enum the reader already built."""
    if hasattr(cls, "__attrs_post_init__") or hasattr(cls, "__attrs_pre_init__"):
        return False
    return all(
        field.init
        and field.validator is None
        and (field.converter is None or field.converter is field.type)
        for field in attrs.fields(cls)
    )


_READERS: dict[type, Reader] = {}
_WRITERS: dict[type, Writer] = {}


def _class_reader(cls: type) -> Reader:
    known = _READERS.get(cls)
    if known is None:
        known = _READERS[cls] = _new_class_reader(cls)
    return known


def _new_class_reader(cls: type) -> Reader:
    attrs.resolve_types(cls)
    fields = attrs.fields(cls)
    if not all(field.init for field in fields):
        return _unsupported
    keys = frozenset(field.name for field in fields)
    count = len(fields)
    readers = tuple((field.name, _reader(field.type)) for field in fields)
    build = positional(cls) if _plain(cls) else cls

    def read(raw: Any, tally: Tally) -> Any:
        if type(raw) is not dict or raw.keys() != keys:
            raise _Unsound
        tally[0] += count
        try:
            return build(*[reader(raw[name], tally) for name, reader in readers])
        except _Unsound:
            raise
        except Exception:  # a validator's refusal: the detailed reader words it
            raise _Unsound from None

    return read


def _reader(kind: Any) -> Reader:
    if kind is str:
        return _text
    if kind is bool:
        return _boolean
    if kind is int:
        return _integer
    if kind is datetime:
        return lambda raw, _: _moment(raw)
    if kind is date:
        return _parsed(detailed._structure_date, date)
    if kind is bytes:
        return _parsed(detailed._structure_bytes, bytes)
    if kind is AuditEntry:
        return _entry
    if isinstance(kind, type) and issubclass(kind, Enum):
        return _member(kind)
    if isinstance(kind, type) and issubclass(kind, Key):
        return _key(kind)
    if isinstance(kind, type) and attrs.has(kind):
        return _class_reader(kind)
    origin, arguments = get_origin(kind), get_args(kind)
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        cap = _MAX_HISTORY if arguments[0] is AuditEntry else _MAX_ITEMS
        return _items(_reader(arguments[0]), cap)
    if origin in (Union, types.UnionType) and len(arguments) == 2 and type(None) in arguments:
        inner = next(argument for argument in arguments if argument is not type(None))
        return _optional(_reader(inner))
    return _unsupported


_APPLICATION_KEYS = frozenset(field.name for field in attrs.fields(Application))
_DOCUMENT_KEYS = {
    "application": _APPLICATION_KEYS | {"kind", "schema_version"},
    "holder": frozenset(field.name for field in attrs.fields(HolderRecord))
    | {"kind", "schema_version"},
}


@cache
def _application_readers() -> tuple[tuple[str, Reader], ...]:
    attrs.resolve_types(Application)
    return tuple(
        (field.name, _reader(field.type))
        for field in attrs.fields(Application)
        if field.name not in ("business_type", "form")
    )


def _application(raw: dict[str, Any], tally: Tally) -> Application:
    kind = raw["business_type"]
    if type(kind) is not str or kind not in FORM_TYPES:
        raise _Unsound
    business_type = BusinessType(kind)
    values = {name: read(raw[name], tally) for name, read in _application_readers()}
    form = _class_reader(FORM_TYPES[business_type])(raw["form"], tally)
    return Application(**values, business_type=business_type, form=form)



def read_sound(data: Any) -> Application | HolderRecord | None:
    """The snapshot ``data`` holds when it is a sound document of the current schema version
    within the default limits, read in one pass; None for anything else (the detailed reader
    then reads it). The history is not replayed here."""
    if type(data) is not dict:
        return None
    kind = data.get("kind")
    keys = _DOCUMENT_KEYS.get(kind) if type(kind) is str else None
    version = data.get("schema_version")
    if keys is None or type(version) is not int or version != detailed.SCHEMA_VERSION:
        return None
    if data.keys() != keys:
        return None
    tally = [1 + len(data)]
    try:
        if kind == "application":
            snapshot: Application | HolderRecord = _application(data, tally)
        else:
            reader = _class_reader(HolderRecord)
            snapshot = reader({k: v for k, v in data.items() if k not in _ENVELOPE}, tally)
            tally[0] -= len(keys) - len(_ENVELOPE)  # the class reader counted them again
    except (_Unsound, RecursionError):
        return None
    if tally[0] > _MAX_NODES:
        return None
    return snapshot


_ENVELOPE = frozenset({"kind", "schema_version"})


# --- writing ----------------------------------------------------------------------------------


def _same(value: Any) -> Any:
    return value


def _value_of(value: Member) -> Any:
    return value.value


def _isoformat(value: date) -> str:
    return value.isoformat()


def _base64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def _writer(kind: Any) -> Writer:
    if kind in (str, int, bool):
        return _same
    if kind in (date, datetime):
        return _isoformat
    if kind is bytes:
        return _base64
    if kind is AuditEntry:
        return write_entry
    if is_vocabulary(kind):
        return _value_of
    if isinstance(kind, type) and attrs.has(kind):
        return _class_writer(kind)
    origin, arguments = get_origin(kind), get_args(kind)
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        inner = _writer(arguments[0])
        if inner is _same:
            return list
        return lambda value: [inner(item) for item in value]
    if origin in (Union, types.UnionType) and len(arguments) == 2 and type(None) in arguments:
        present = _writer(next(argument for argument in arguments if argument is not type(None)))
        return lambda value: None if value is None else present(value)
    return detailed.unstructure


def write_value(kind: Any, value: Any) -> Any:
    """The document of ``value``, a value of the field type ``kind``."""
    return _writer(kind)(value)


def _class_writer(cls: type) -> Writer:
    known = _WRITERS.get(cls)
    if known is None:
        known = _WRITERS[cls] = _new_class_writer(cls)
    return known


def _new_class_writer(cls: type) -> Writer:
    attrs.resolve_types(cls)
    writers = tuple(
        (field.name, _form_writer if cls is Application and field.name == "form"
         else _writer(field.type))
        for field in attrs.fields(cls)
    )  # fmt: skip

    def write(value: Any) -> dict[str, Any]:
        return {name: writer(getattr(value, name)) for name, writer in writers}

    return write


def _form_writer(form: Any) -> Any:
    return _class_writer(type(form))(form)


def write_entry(entry: AuditEntry) -> dict[str, Any]:
    """The document of one audit entry (the bulk of a snapshot)."""
    actor = entry.actor
    return {
        "sequence": entry.sequence,
        "kind": entry.kind.value,
        "event": entry.event,
        "rule_id": entry.rule_id,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "actor": {"role": actor.role.value, "id": actor.id, "level": actor.level},
        "at": entry.at.isoformat(),
        "opinion": entry.opinion,
        "reason": entry.reason,
        "tips": list(entry.tips),
        "idempotency_key": entry.idempotency_key,
        "fingerprint": entry.fingerprint,
        "findings": detailed.unstructure(entry.findings) if entry.findings else [],
    }


def write_sound(snapshot: Application | HolderRecord) -> dict[str, Any]:
    """The document of ``snapshot``, without its ``kind`` and ``schema_version``."""
    written: dict[str, Any] = _class_writer(type(snapshot))(snapshot)
    return written

"""Snapshots as plain JSON-able dicts, strict on the way back in.

``to_dict`` writes dates and datetimes as ISO 8601 strings, bytes as base64, enums as their
values, tuples as lists, and adds ``kind`` and ``schema_version``. ``from_dict`` refuses unknown
keys, wrong types, naive datetimes and impossible states (a version that disagrees with the
history, a state the business type does not have) with :class:`InvalidSnapshot` listing each
problem as ``message @ $.path``.
"""

from __future__ import annotations

import base64
import binascii
import sys
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from functools import cache, lru_cache
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override
from cattrs.preconf.json import make_converter

from permitflow.errors import InvalidInput, InvalidSnapshot
from permitflow.records.actors import Actor, Role
from permitflow.records.application import FORM_TYPES, Application, BusinessType, Form
from permitflow.records.audit import AuditEntry
from permitflow.records.copying import builder
from permitflow.records.holder import HolderRecord
from permitflow.rules.finding import Finding

SCHEMA_VERSION = 1

Snapshot = Application | HolderRecord

_KINDS: dict[str, type[Application] | type[HolderRecord]] = {
    "application": Application,
    "holder": HolderRecord,
}


_ZONES: dict[timedelta, timezone] = {}


def _structure_datetime(value: Any, _: type) -> datetime:
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO 8601 string, got {type(value).__name__}")
    moment = datetime.fromisoformat(value)
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("datetime without a UTC offset")
    # Every moment of a stored history carries one of a few offsets: share one zone object
    # per offset instead of one per moment.
    zone = _ZONES.get(offset)
    if zone is None:
        zone = _ZONES[offset] = timezone(offset)
    return moment.replace(tzinfo=zone)


# --- audit entries, the bulk of a snapshot, read and written by hand ------------------------

_ENTRY_FIELDS = frozenset(field.name for field in attrs.fields(AuditEntry))
_ACTOR_FIELDS = frozenset(field.name for field in attrs.fields(Actor))


class _Unread(ValueError):
    """The fast reader met something unexpected; the detailed reader will say what."""


def _name(value: Any) -> str:
    # States and events come from a small vocabulary: one string object each, shared.
    if type(value) is not str:
        raise _Unread
    return sys.intern(value)


def _optional_text(value: Any) -> str | None:
    if value is not None and type(value) is not str:
        raise _Unread
    return value


@lru_cache(maxsize=4096)
def _shared_actor(role: str, identity: str, level: int | None) -> Actor:
    return Actor(Role(role), identity, level)


def _read_actor(data: Any) -> Actor:
    if type(data) is not dict or not data.keys() <= _ACTOR_FIELDS:
        raise _Unread
    role, identity, level = data.get("role"), data.get("id"), data.get("level")
    if type(role) is not str or type(identity) is not str:
        raise _Unread
    if level is not None and type(level) is not int:
        raise _Unread
    return _shared_actor(role, identity, level)


_new_entry = builder(AuditEntry)


def _read_entry(converter: cattrs.Converter) -> Callable[[Any, type], AuditEntry]:
    def read(data: Any, _: type) -> AuditEntry:
        if type(data) is not dict or not data.keys() <= _ENTRY_FIELDS:
            raise _Unread
        sequence = data.get("sequence")
        tips = data.get("tips", [])
        if type(sequence) is not int or type(tips) is not list:
            raise _Unread
        if tips and any(type(tip) is not str for tip in tips):
            raise _Unread
        findings = data.get("findings")
        return _new_entry(
            {
                "sequence": sequence,
                "event": _name(data.get("event")),
                "from_state": _name(data.get("from_state")),
                "to_state": _name(data.get("to_state")),
                "actor": _read_actor(data.get("actor")),
                "at": _structure_datetime(data.get("at"), datetime),
                "opinion": _optional_text(data.get("opinion")),
                "reason": _optional_text(data.get("reason")),
                "tips": tuple(tips),
                "idempotency_key": _optional_text(data.get("idempotency_key")),
                "findings": (
                    converter.structure(findings, tuple[Finding, ...]) if findings else ()
                ),
            }
        )

    return read


def _write_actor(actor: Actor) -> dict[str, Any]:
    data: dict[str, Any] = {"role": actor.role.value, "id": actor.id}
    if actor.level is not None:
        data["level"] = actor.level
    return data


def _write_entry(converter: cattrs.Converter) -> Callable[[AuditEntry], dict[str, Any]]:
    def write(entry: AuditEntry) -> dict[str, Any]:
        data: dict[str, Any] = {
            "sequence": entry.sequence,
            "event": entry.event,
            "from_state": entry.from_state,
            "to_state": entry.to_state,
            "actor": _write_actor(entry.actor),
            "at": entry.at.isoformat(),
        }
        if entry.opinion is not None:
            data["opinion"] = entry.opinion
        if entry.reason is not None:
            data["reason"] = entry.reason
        if entry.tips:
            data["tips"] = list(entry.tips)
        if entry.idempotency_key is not None:
            data["idempotency_key"] = entry.idempotency_key
        if entry.findings:
            data["findings"] = converter.unstructure(entry.findings)
        return data

    return write


def _structure_date(value: Any, _: type) -> date:
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO 8601 date string, got {type(value).__name__}")
    return date.fromisoformat(value)


def _structure_bytes(value: Any, _: type) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"expected a base64 string, got {type(value).__name__}")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error as error:
        raise ValueError(f"invalid base64: {error}") from error


def _structure_enum(value: Any, cls: type[Enum]) -> Any:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in cls)
        raise ValueError(f"{value!r} is not one of: {allowed}") from None


def _structure_str(value: Any, cls: type) -> Any:
    # String enums are str subclasses and reach this hook too.
    if issubclass(cls, Enum):
        return _structure_enum(value, cls)
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {type(value).__name__}")
    return value


def _make_converter(*, detailed: bool) -> cattrs.Converter:
    # Fields at their default value are left out: a smaller document, and the same snapshot
    # when it is read back.
    converter = make_converter(
        forbid_extra_keys=True, detailed_validation=detailed, omit_if_default=True
    )
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
    converter.register_structure_hook_func(
        lambda cls: isinstance(cls, type) and issubclass(cls, Enum), _structure_enum
    )
    # Which form an application carries follows from its business type; it is structured
    # by ``_structure_application`` before the attrs class is built.
    converter.register_structure_hook(Form, lambda value, _: value)
    converter.register_unstructure_hook(Form, lambda value: converter.unstructure(value))
    converter.register_unstructure_hook(AuditEntry, _write_entry(converter))
    converter.register_unstructure_hook(Actor, _write_actor)
    if not detailed:
        converter.register_structure_hook(AuditEntry, _read_entry(converter))
    # A snapshot always states its version and history, even at version 0: the portal's
    # optimistic writes read them.
    for cls in (Application, HolderRecord):
        converter.register_unstructure_hook(
            cls,
            make_dict_unstructure_fn(
                cls,
                converter,
                _cattrs_omit_if_default=True,
                version=override(omit_if_default=False),
                history=override(omit_if_default=False),
            ),
        )
    return converter


_converter = _make_converter(detailed=True)
"""Names every problem of a bad document by its path."""
_fast = _make_converter(detailed=False)
"""Reads a sound document quickly; a document it refuses is read again by ``_converter``."""


def to_dict(snapshot: Snapshot) -> dict[str, Any]:
    """A JSON-safe dict of an application or a holder record."""
    kind = "application" if isinstance(snapshot, Application) else "holder"
    data: dict[str, Any] = _converter.unstructure(snapshot)
    return {"kind": kind, "schema_version": SCHEMA_VERSION, **data}


T = TypeVar("T")


def structure(data: Any, cls: type[T]) -> T:
    """Build a record value (a form, an event payload, a child...) from plain JSON data.

    The same conventions as :func:`from_dict` (ISO dates, base64 bytes, strict keys and types);
    a problem raises :class:`InvalidInput` whose ``errors`` list "message @ $.path" lines.
    """
    try:
        return _converter.structure(data, cls)
    except Exception as error:
        problems = cattrs.transform_error(error, path="$")
        listing = "; ".join(problems)
        raise InvalidInput(
            f"数据无法读取：{listing}",
            f"The data cannot be read: {listing}",
            field=problems[0].rpartition(" @ ")[2] if problems else "$",
            errors=problems,
        ) from None


def unstructure(value: Any) -> Any:
    """Plain JSON data of any record value, the inverse of :func:`structure`."""
    return _converter.unstructure(value)


StateCheck = Callable[[Application], tuple[str, ...] | None]
"""Given an application, the states its business type declares (None: type unknown)."""


def declared_states(application: Application) -> tuple[str, ...] | None:
    """The states the default machine of the application's business type can be in.

    Review states exist for any number of levels, so ``authority_review_<k>`` is accepted for
    every k the application's own history could have reached.
    """
    from permitflow.machines import BUSINESS_MACHINES

    if application.business_type not in BUSINESS_MACHINES:
        return None
    levels = max(
        [1, *(_review_level(entry.to_state) for entry in application.history),
         _review_level(application.state)]
    )  # fmt: skip
    return _states(application.business_type, levels)


@cache
def _states(business_type: BusinessType, levels: int) -> tuple[str, ...]:
    from permitflow.machines import BUSINESS_MACHINES

    return tuple(state.name for state in BUSINESS_MACHINES[business_type](levels).states)


def _review_level(state: str) -> int:
    prefix, _, level = state.rpartition("_")
    return int(level) if prefix == "authority_review" and level.isdigit() else 0


def from_dict(data: Mapping[str, Any], *, states: StateCheck | None = declared_states) -> Snapshot:
    """Load a snapshot written by :func:`to_dict`; raises :class:`InvalidSnapshot`.

    ``states`` says which states an application may be in (default: the states of the
    built-in machine of its business type); pass None to skip that check for custom machines.
    """
    if not isinstance(data, Mapping):
        raise _invalid([f"expected an object, got {type(data).__name__} @ $"])
    body = dict(data)
    kind = body.pop("kind", None)
    version = body.pop("schema_version", None)
    problems = []
    if kind not in _KINDS:
        problems.append(f"unknown kind {kind!r}, expected one of {sorted(_KINDS)} @ $.kind")
    if version != SCHEMA_VERSION:
        problems.append(
            f"unsupported schema_version {version!r}, expected {SCHEMA_VERSION} @ $.schema_version"
        )
    if problems:
        raise _invalid(problems)
    try:
        snapshot = _structure_snapshot(_fast, kind, body)
    except Exception:  # the fast reader only says that something is wrong; find out what
        try:
            snapshot = _structure_snapshot(_converter, kind, body)
        except InvalidSnapshot:
            raise
        except Exception as error:  # cattrs raises class-validation groups with every path
            raise _invalid(cattrs.transform_error(error, path="$")) from None
    _check_consistency(snapshot, states)
    return snapshot


def _structure_snapshot(converter: cattrs.Converter, kind: str, body: dict[str, Any]) -> Snapshot:
    if kind == "application":
        return _structure_application(converter, body)
    holder: HolderRecord = converter.structure(body, HolderRecord)
    return holder


def _structure_application(converter: cattrs.Converter, body: dict[str, Any]) -> Application:
    try:
        business_type = BusinessType(str(body.get("business_type")))
    except ValueError:
        raise _invalid(
            [f"unknown business_type {body.get('business_type')!r} @ $.business_type"]
        ) from None
    form_type = FORM_TYPES[business_type]
    try:
        form = converter.structure(body.get("form"), form_type)
    except Exception as error:
        raise _invalid(cattrs.transform_error(error, path="$.form")) from None
    return converter.structure({**body, "form": form}, Application)


def _check_consistency(snapshot: Snapshot, states: StateCheck | None) -> None:
    problems = []
    history = snapshot.history
    if snapshot.version != len(history):
        problems.append(
            f"version {snapshot.version} disagrees with a history of {len(history)} entries"
            " @ $.version"
        )
    for index, entry in enumerate(history):
        if entry.sequence != index + 1:
            problems.append(
                f"sequence {entry.sequence} where {index + 1} was expected"
                f" @ $.history[{index}].sequence"
            )
        if entry.at.tzinfo is None:
            problems.append(f"naive datetime @ $.history[{index}].at")
    if isinstance(snapshot, Application):
        if history and history[-1].to_state != snapshot.state:
            problems.append(
                f"state {snapshot.state!r} differs from the last entry's"
                f" {history[-1].to_state!r} @ $.state"
            )
        declared = states(snapshot) if states is not None else None
        if declared is not None and snapshot.state not in declared:
            problems.append(
                f"state {snapshot.state!r} does not exist for business type"
                f" {snapshot.business_type.value!r} @ $.state"
            )
        if not isinstance(snapshot.form, FORM_TYPES[snapshot.business_type]):
            problems.append("form does not match the business type @ $.form")
    if problems:
        raise _invalid(problems)


def _invalid(problems: list[str]) -> InvalidSnapshot:
    listing = "; ".join(problems)
    return InvalidSnapshot(
        f"快照无法读取：{listing}。请检查存储的数据是否被改动。",
        f"The snapshot cannot be loaded: {listing}. Check whether the stored data was altered.",
        errors=problems,
        path=problems[0].rpartition(" @ ")[2] if problems else "$",
    )

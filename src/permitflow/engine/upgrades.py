"""Snapshot documents of an older ``schema_version``, brought to the current one.

[`UPGRADES`][permitflow.engine.upgrades.UPGRADES] holds one function per older version: it takes
a document of that version and returns the same record as a document of the next. ``from_dict``
runs them in turn before its strict checks (after the hard caps), so a stored document of any
version listed here loads as the current one, and ``to_dict`` writes it back upgraded. An upgrade
changes the shape only: it trusts nothing and decides nothing, and whatever it leaves as it found
(a value of the wrong type, an unknown key) the reader after it refuses with its path.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from typing import Any, Union, get_args, get_origin

import attrs

from permitflow.engine.codec import write_value
from permitflow.records.application import FORM_TYPES, Application, BusinessType
from permitflow.records.audit import ATTESTATION_EVENT, EntryKind
from permitflow.records.holder import HolderRecord

SCHEMA_VERSION = 3
"""The version ``to_dict`` writes. 3: an audit entry says what it records (``kind``: ``event``
or ``attestation``) and an attestation the rule it attests (``rule_id``). 2: every field
written, every key required, entries carry a request fingerprint. 1: defaults left out."""

Document = dict[str, Any]
Upgrade = Callable[[Document], Document]


def _filled(raw: Any, kind: Any) -> Any:
    """``raw``, read as ``kind``, with every field left out written at its default."""
    if isinstance(kind, type) and attrs.has(kind):
        return _filled_record(raw, kind) if type(raw) is dict else raw
    origin, arguments = get_origin(kind), get_args(kind)
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        return [_filled(item, arguments[0]) for item in raw] if type(raw) is list else raw
    if origin in (Union, types.UnionType) and raw is not None:
        present = [argument for argument in arguments if argument is not type(None)]
        return _filled(raw, present[0]) if len(present) == 1 else raw
    return raw


def _filled_record(raw: dict[str, Any], cls: type) -> dict[str, Any]:
    attrs.resolve_types(cls)
    filled = dict(raw)
    for field in attrs.fields(cls):
        if field.name in raw:
            filled[field.name] = _filled(raw[field.name], field.type)
        elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            if not field.default.takes_self:
                filled[field.name] = write_value(field.type, field.default.factory())
        elif field.default is not attrs.NOTHING:
            filled[field.name] = write_value(field.type, field.default)
    return filled


def _defaults_written(document: Document) -> Document:
    """1 → 2: version 2 writes every field; version 1 left those at their default out."""
    if document.get("kind") != "application":
        return _filled_record(document, HolderRecord)
    filled = _filled_record(document, Application)
    code = filled.get("business_type")
    if type(code) is str and code in FORM_TYPES:
        filled["form"] = _filled(filled.get("form"), FORM_TYPES[BusinessType(code)])
    return filled


_ATTESTED_AS = f"{ATTESTATION_EVENT}:"
"""How a version 2 entry spelled an attestation: its event was this and the rule's id."""


def _kinded(entry: Any) -> Any:
    if type(entry) is not dict:
        return entry
    event = entry.get("event")
    if type(event) is str and event.startswith(_ATTESTED_AS):
        return {**entry, "kind": EntryKind.ATTESTATION.value, "event": ATTESTATION_EVENT,
                "rule_id": event[len(_ATTESTED_AS) :]}  # fmt: skip
    return {**entry, "kind": EntryKind.EVENT.value, "rule_id": None}


def _entries_kinded(document: Document) -> Document:
    """2 → 3: each entry says whether it records an event or an attestation, and which rule
    an attestation attests; version 2 had only the event's spelling to say it."""
    history = document.get("history")
    if type(history) is not list:
        return document
    return {**document, "history": [_kinded(entry) for entry in history]}


UPGRADES: Mapping[int, Upgrade] = types.MappingProxyType({
    1: _defaults_written,
    2: _entries_kinded,
})  # fmt: skip
"""The upgrade from each older version to the next."""

VERSIONS: tuple[int, ...] = (*sorted(UPGRADES), SCHEMA_VERSION)
"""Every version ``from_dict`` reads."""


def upgraded(document: Document, version: int) -> Document:
    """``document``, of ``version`` (one of `VERSIONS`), as a document of the current version;
    the one handed in is not changed."""
    while version != SCHEMA_VERSION:
        document = {**UPGRADES[version](document), "schema_version": version + 1}
        version += 1
    return document

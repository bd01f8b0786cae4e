"""The JSON Schema of case files and snapshots, generated from the records' attrs fields.

[`case_schema`][permitflow.schema.case_schema] describes a case file (``docs/cases.md``),
[`snapshot_schema`][permitflow.schema.snapshot_schema] a
snapshot as [`permitflow.to_dict`][permitflow.to_dict] writes it; both are JSON Schema draft
2020-12, each
field described by the docstring written under it in the records. ``docs/case.schema.json``
is the published copy. [`problems`][permitflow.schema.problems] checks a document against such
a schema and names each problem's path, the value given and the form expected (the case-file
loader runs it first); [`validate`][permitflow.schema.validate] lists them as English
``"… @ $.path"`` lines.
"""

from __future__ import annotations

import copy
import inspect
import types
import typing
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from functools import cache
from typing import Any, Union

import attrs

from permitflow import _words as words
from permitflow._keys import Vocabulary, is_vocabulary
from permitflow.engine.upgrades import VERSIONS
from permitflow.errors import ABSENT, Expected, Problem
from permitflow.records.actors import Actor
from permitflow.records.application import FORM_TYPES, Application, BusinessType, Form
from permitflow.records.audit import AuditEntry
from permitflow.records.holder import HolderRecord

__all__ = ["case_schema", "field_docs", "problems", "snapshot_schema", "validate"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
Schema = dict[str, Any]

_ENUMS: dict[str, Vocabulary] = {}
"""The enums the schemas name (by ``title``): their members' labels say the allowed values."""


def field_docs(cls: type) -> dict[str, str]:
    """The docstring written under each field of ``cls`` (and its attrs bases)."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if attrs.has(klass):
            docs.update(words.attribute_docs(klass))
    return docs


class _Builder:
    """Turns attrs classes into ``$defs`` entries; ``partial`` ones require nothing."""

    def __init__(self) -> None:
        self.defs: dict[str, Schema] = {}

    def ref(self, cls: type, *, partial: bool = False) -> Schema:
        name = cls.__name__ + ("Facts" if partial else "")
        if name not in self.defs:
            self.defs[name] = {}  # reserved: a record may refer to itself
            self.defs[name] = self._record(cls, partial)
        return {"$ref": f"#/$defs/{name}"}

    def _record(self, cls: type, partial: bool) -> Schema:
        hints = typing.get_type_hints(cls)
        docs = field_docs(cls)
        properties: dict[str, Schema] = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            schema = self.of(hints[field.name], partial=partial)
            if field.name in docs:
                schema = {**schema, "description": docs[field.name]}
            properties[field.name] = schema
            if field.default is attrs.NOTHING and not partial:
                required.append(field.name)
        record: Schema = {
            "type": "object",
            "title": cls.__name__,
            "properties": properties,
            "additionalProperties": False,
        }
        if cls.__doc__:
            record["description"] = inspect.cleandoc(cls.__doc__)
        if required:
            record["required"] = required
        return record

    def of(self, hint: Any, *, partial: bool = False) -> Schema:
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin in (Union, types.UnionType):
            options = [self.of(arg, partial=partial) for arg in args if arg is not type(None)]
            choice = options[0] if len(options) == 1 else {"anyOf": options}
            return {"anyOf": [choice, {"type": "null"}]} if type(None) in args else choice
        if origin in (tuple, list, frozenset, set):
            return {"type": "array", "items": self.of(args[0]) if args else {}}
        if origin in (dict, Mapping) or hint in (dict, Mapping):
            return {"type": "object", "additionalProperties": self.of(args[1]) if args else {}}
        if hint is Actor:
            return self._actor()
        if isinstance(hint, type):
            return self._plain(hint, partial)
        return {}

    def _plain(self, hint: type, partial: bool) -> Schema:
        if is_vocabulary(hint):
            _ENUMS[hint.__name__] = hint
            return {"title": hint.__name__, "enum": [member.value for member in hint]}
        if hint is bool:
            return {"type": "boolean"}
        if hint is int:
            return {"type": "integer"}
        if hint is float:
            return {"type": "number"}
        if hint is str:
            return {"type": "string"}
        if hint is datetime:
            return {"type": "string", "format": "date-time"}
        if hint is date:
            return {"type": "string", "format": "date"}
        if hint is bytes:
            return {"type": "string", "contentEncoding": "base64"}
        if attrs.has(hint):
            return self.ref(hint, partial=partial)
        return {}

    def _actor(self) -> Schema:
        if "Actor" not in self.defs:
            self.defs["Actor"] = {
                "type": "object",
                "title": "Actor",
                "description": inspect.cleandoc(Actor.__doc__ or ""),
                "properties": {
                    "role": self.of(attrs.fields(Actor).role.type),
                    "id": {"type": "string"},
                    "level": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                },
                "required": ["role", "id"],
                "additionalProperties": False,
            }
        return {"$ref": "#/$defs/Actor"}

    def snapshot(self, cls: type, kind: str) -> Schema:
        """A snapshot: the record's fields with its ``kind`` and ``schema_version``. The schema
        requires the fields without a default; the loader requires every field of a current
        (``SCHEMA_VERSION``) document and replays its history."""
        record = self.defs[self.ref(cls)["$ref"].rpartition("/")[2]]
        name = f"{cls.__name__}Snapshot"
        self.defs[name] = {
            **record,
            "title": name,
            "properties": {
                "kind": {"const": kind},
                # A document of an older version is upgraded when it is read.
                "schema_version": {"enum": list(VERSIONS)},
                **record["properties"],
            },
            "required": ["kind", "schema_version", *record.get("required", [])],
        }
        return {"$ref": f"#/$defs/{name}"}


_Forms = tuple[tuple[BusinessType, type[Form]], ...]
"""The registered business types and their forms, as a schema is built for them."""


def _forms(builder: _Builder, forms: _Forms) -> Schema:
    return {"anyOf": [builder.ref(form) for form in dict.fromkeys(form for _, form in forms)]}


def _with_forms(builder: _Builder, forms: _Forms) -> None:
    """An application's ``form`` is the form of its business type: one of the form records."""
    application = builder.defs["Application"]
    application["properties"]["form"] = {
        **_forms(builder, forms),
        "description": application["properties"]["form"].get("description", ""),
    }


def _built() -> tuple[Schema, Schema]:
    # A business type registered later is a new table of forms: its schemas name it.
    return _built_for(tuple(FORM_TYPES.items()))


@cache
def _built_for(forms: _Forms) -> tuple[Schema, Schema]:
    builder = _Builder()
    builder.ref(AuditEntry)
    holder = builder.snapshot(HolderRecord, "holder")
    builder.ref(Application)
    _with_forms(builder, forms)
    application = builder.snapshot(Application, "application")
    snapshot: Schema = {
        "$schema": DIALECT,
        "title": "permitflow snapshot",
        "description": "An application or a holder record as permitflow.to_dict writes it.",
        "anyOf": [holder, application],
    }
    case: Schema = {
        "$schema": DIALECT,
        "title": "permitflow case file",
        "description": (
            "A holder, an application (or a business type, a state and a form) and the event "
            "to check, as permitflow check reads it (docs/cases.md)."
        ),
        "type": "object",
        "properties": {
            "name": {
                "type": "string",
                "description": "案例名称: a full sentence saying what the case shows.",
            },
            "at": {
                "type": "string",
                "format": "date-time",
                "description": "判断时间: the moment to judge at, ISO 8601; without an offset "
                "it is Beijing time.",
            },
            "ruleset": {"type": "string", "description": "规则集: the rule-set family (haidian)."},
            "holder": {
                "description": "持证人档案: the holder's record as a whole snapshot (with its "
                "kind), or only the facts that matter, laid over the default record.",
                "if": {"type": "object", "required": ["kind"]},
                "then": holder,
                "else": builder.ref(HolderRecord, partial=True),
            },
            "application": {**application, "description": "申请: an application snapshot."},
            "business_type": {
                **builder.of(BusinessType),
                "description": "业务类型: the business type of a new draft (instead of an "
                "application).",
            },
            "state": {
                "type": "string",
                "description": "申请状态: the state the draft is taken to (default: the draft).",
            },
            "form": {**_forms(builder, forms), "description": "申请表: the form of the draft."},
            "event": {"type": "string", "description": "要检查的事项: the event to check."},
            "expect": {
                "type": "object",
                "description": "预期结果: what the case is meant to show; check ignores it.",
                "properties": {
                    "exit": {"enum": [0, 1]},
                    "blocking": {"type": "array", "items": {"type": "string"}},
                },
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    }
    definitions = dict(sorted(builder.defs.items()))
    return {**case, "$defs": definitions}, {**snapshot, "$defs": definitions}


def case_schema() -> Schema:
    """The JSON Schema of a case file (a new dict each call)."""
    return copy.deepcopy(_built()[0])


def snapshot_schema() -> Schema:
    """The JSON Schema of a snapshot written by [`permitflow.to_dict`][permitflow.to_dict] (a new
    dict)."""
    return copy.deepcopy(_built()[1])


# --- validation ---------------------------------------------------------------------------------

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _expected(schema: Schema, root: Schema) -> Expected:
    """The form a schema asks for."""
    if "$ref" in schema:
        return _expected(_resolve(schema, root), root)
    if "const" in schema:
        return Expected("one_of", (schema["const"],))
    if "enum" in schema:
        return Expected("one_of", tuple(schema["enum"]), _ENUMS.get(schema.get("title", "")))
    if "anyOf" in schema:
        return Expected("any_of", options=tuple(_expected(o, root) for o in schema["anyOf"]))
    form = schema.get("format") or schema.get("contentEncoding")
    if form in _FORMATS:
        return Expected(_FORMATS[form])
    kind = schema.get("type")
    return Expected(_KINDS.get(str(kind), "value"))


_FORMATS = {"date": "date", "date-time": "datetime", "base64": "base64"}
_KINDS = {
    "object": "object", "array": "list", "string": "string", "integer": "integer",
    "number": "number", "boolean": "boolean", "null": "null",
}  # fmt: skip


def _resolve(schema: Schema, root: Schema) -> Schema:
    resolved: Schema = root["$defs"][schema["$ref"].rpartition("/")[2]]
    return resolved


def _is(value: Any, kind: str) -> bool:
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[kind])


def _format_ok(value: str, form: str) -> bool:
    try:
        (date if form == "date" else datetime).fromisoformat(value)
    except ValueError:
        return False
    return form != "date" or len(value) == 10


def _problems(
    value: Any, schema: Schema, root: Schema, path: str, term: str | None = None
) -> Iterator[Problem]:
    if "$ref" in schema:
        yield from _problems(value, _resolve(schema, root), root, path, term)
        return
    if term is None and "description" in schema:
        term = words.term(schema["description"])
    if "if" in schema:
        branch = "then" if not any(_problems(value, schema["if"], root, path)) else "else"
        yield from _problems(value, schema.get(branch, {}), root, path, term)
        return
    if "anyOf" in schema:
        failures = [
            list(_problems(value, option, root, path, term)) for option in schema["anyOf"]
        ]
        if all(failures):
            # The option the value nearly fits says most: one that got inside the value, whose
            # keys the value uses, with the fewest problems (the first such option on a tie).
            def distance(found: list[Problem]) -> tuple[bool, int, int]:
                unknown = sum(problem.reason == "unknown_key" for problem in found)
                return all(problem.path == path for problem in found), unknown, len(found)

            nearest = min(failures, key=distance)
            if distance(nearest)[0]:  # none got inside: the value has none of the forms
                yield Problem("wrong", path, value, _expected(schema, root), words_zh=term)
            else:
                yield from nearest
        return
    wrong = Problem("wrong", path, value, _expected(schema, root), words_zh=term)
    if ("const" in schema and value != schema["const"]) or (
        "enum" in schema and value not in schema["enum"]
    ):
        yield wrong
        return
    kind = schema.get("type")
    if kind is not None and not _is(value, kind):
        yield wrong
        return
    if "format" in schema and isinstance(value, str) and not _format_ok(value, schema["format"]):
        yield wrong
        return
    if kind == "array":
        for index, item in enumerate(value):
            yield from _problems(item, schema.get("items", {}), root, f"{path}[{index}]")
    if kind == "object":
        yield from _object_problems(value, schema, root, path)


def _object_problems(
    value: dict[str, Any], schema: Schema, root: Schema, path: str
) -> Iterator[Problem]:
    properties: dict[str, Schema] = schema.get("properties", {})
    for key in schema.get("required", ()):
        if key not in value:
            wanted = properties.get(key, {})
            yield Problem(
                "missing", f"{path}.{key}", ABSENT, _expected(wanted, root),
                words_zh=words.term(wanted.get("description", "")),
            )  # fmt: skip
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in properties:
            yield from _problems(item, properties[key], root, f"{path}.{key}")
        elif extra is False:
            yield Problem("unknown_key", f"{path}.{key}", facts={"known": list(properties)})
        elif isinstance(extra, dict):
            yield from _problems(item, extra, root, f"{path}.{key}")


def problems(document: Any, schema: Schema) -> list[Problem]:
    """Every problem of ``document`` against ``schema``: its path, the value given and the form
    expected (empty when it conforms). Handles the keywords
    [`case_schema`][permitflow.schema.case_schema] uses."""
    return list(_problems(document, schema, schema, "$"))


def validate(document: Any, schema: Schema) -> list[str]:
    """Every problem of ``document`` against ``schema``, as English ``"… @ $.path"`` lines
    (empty when it conforms); see [`problems`][permitflow.schema.problems]."""
    return [str(problem) for problem in problems(document, schema)]

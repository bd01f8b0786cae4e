"""Every public object, method and record field is documented, in mkdocstrings' syntax."""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import attrs

from permitflow.schema import field_docs

ROOT = Path(__file__).resolve().parents[1]
SPHINX_ROLE = re.compile(r":(?:class|meth|func|mod|attr|data|exc|obj|ref|py:\w+):`")
PUBLIC_MODULES = (
    "permitflow",
    "permitflow.addresses",
    "permitflow.calendar",
    "permitflow.cases",
    "permitflow.cli",
    "permitflow.deadlines",
    "permitflow.identifiers",
    "permitflow.labels",
    "permitflow.messages",
    "permitflow.retirement",
    "permitflow.rules.facts",
    "permitflow.samples",
    "permitflow.schema",
    "permitflow.templates",
    "permitflow.text",
)


def public_objects() -> Iterator[tuple[str, Any]]:
    seen: set[int] = set()
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and id(obj) not in seen:
                seen.add(id(obj))
                yield f"{module_name}.{name}", obj


def _own_doc(obj: Any) -> str | None:
    doc = vars(obj).get("__doc__") if inspect.isclass(obj) else obj.__doc__
    return doc if isinstance(doc, str) and doc.strip() else None


def _members(cls: type) -> Iterator[tuple[str, Any]]:
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, property):
            yield name, value.fget
        elif isinstance(value, classmethod | staticmethod):
            yield name, value.__func__
        elif inspect.isfunction(value):
            yield name, value


def test_no_docstring_uses_a_sphinx_role() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "src").rglob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if SPHINX_ROLE.search(line)
    ]
    assert found == [], "write [`Name`][permitflow.module.Name] instead"


def test_every_public_object_has_a_docstring() -> None:
    missing = [name for name, obj in public_objects() if _own_doc(obj) is None]
    assert missing == []


def test_every_public_method_and_property_has_a_docstring() -> None:
    missing = [
        f"{name}.{member}"
        for name, obj in public_objects()
        if inspect.isclass(obj) and not issubclass(obj, Enum)
        for member, function in _members(obj)
        if not (function.__doc__ or "").strip()
    ]
    assert missing == []


def test_every_field_of_a_public_record_says_what_it_means() -> None:
    missing = [
        f"{name}.{field.name}"
        for name, obj in public_objects()
        if inspect.isclass(obj) and attrs.has(obj)
        for field in attrs.fields(obj)
        if not field.name.startswith("_") and field.name not in field_docs(obj)
    ]
    assert missing == []

"""Immutable values built or copied at the cost of the slot writes alone.

attrs runs every converter and validator in ``__init__``; the engine's hot path hands over
values it built and checked itself, so it skips them with these two functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs

T = TypeVar("T")

_Copier = Callable[[Any, Mapping[str, Any]], Any]
_COPIERS: dict[type, _Copier] = {}
_MAKERS: dict[type, Callable[[Mapping[str, Any]], Any]] = {}
_FIELDS: dict[type, frozenset[str]] = {}


def _copier(cls: type) -> _Copier:
    """A function copying one attrs class field by field, written once per class.

    The source is generated from the class's own field names (never from data), the way attrs
    generates ``__init__``: one slot write per field, no loop, no converter.
    """
    names = [field.name for field in attrs.fields(cls)]
    lines = ["def copy(instance, changes):", "    new = _new(_cls)"]
    lines += [f"    _set(new, {n!r}, changes.get({n!r}, instance.{n}))" for n in names]
    lines.append("    return new")
    namespace: dict[str, Any] = {"_new": object.__new__, "_set": object.__setattr__, "_cls": cls}
    exec("\n".join(lines), namespace)
    copier: _Copier = namespace["copy"]
    return copier


def replace(instance: T, **changes: Any) -> T:
    """``attrs.evolve`` without running converters and validators again.

    For the engine's hot path: every value it passes was built and checked already (an enum
    is an enum, a tuple a tuple), so only the copy costs anything. Anything else should keep
    using ``attrs.evolve``.
    """
    cls: type = type(instance)
    copier = _COPIERS.get(cls)
    if copier is None:
        copier = _COPIERS[cls] = _copier(cls)
        _FIELDS[cls] = frozenset(field.name for field in attrs.fields(cls))
    if not changes.keys() <= _FIELDS[cls]:
        unknown = sorted(changes.keys() - _FIELDS[cls])
        raise TypeError(f"{cls.__name__} has no fields {unknown}")
    result: T = copier(instance, changes)
    return result


def _maker(cls: type) -> Callable[[Mapping[str, Any]], Any]:
    names = [field.name for field in attrs.fields(cls)]
    lines = ["def make(values):", "    new = _new(_cls)"]
    lines += [f"    _set(new, {n!r}, values[{n!r}])" for n in names]
    lines.append("    return new")
    namespace: dict[str, Any] = {"_new": object.__new__, "_set": object.__setattr__, "_cls": cls}
    exec("\n".join(lines), namespace)
    maker: Callable[[Mapping[str, Any]], Any] = namespace["make"]
    return maker


def builder(cls: type[T]) -> Callable[[Mapping[str, Any]], T]:
    """The function [`make`][permitflow.records.copying.make] calls for ``cls``, for a hot loop that
    always hands over the
    same, complete set of fields and so needs no check of them per call."""
    klass: type = cls
    maker = _MAKERS.get(klass)
    if maker is None:
        maker = _MAKERS[klass] = _maker(klass)
        _FIELDS[klass] = frozenset(field.name for field in attrs.fields(klass))
    return maker


def make(cls: type[T], /, **values: Any) -> T:
    """``cls(**values)`` without converters and validators; every field must be given, each
    already of its declared type."""
    maker = builder(cls)
    expected = _FIELDS[cls]
    if values.keys() != expected:
        raise TypeError(f"{cls.__name__} needs exactly the fields {sorted(expected)}")
    return maker(values)

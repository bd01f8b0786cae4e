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
_COPIERS: dict[tuple[type, tuple[str, ...]], _Copier] = {}
_MAKERS: dict[type, Callable[[Mapping[str, Any]], Any]] = {}
_POSITIONAL: dict[type, Callable[..., Any]] = {}
_FIELDS: dict[type, frozenset[str]] = {}


def _copier(cls: type, changed: tuple[str, ...]) -> _Copier:
    """A function copying one attrs class field by field with the fields ``changed`` replaced,
    written once per class and set of changed fields.

    The source is generated from the class's own field names (never from data), the way attrs
    generates ``__init__``: one slot write per field, no loop, no converter.
    """
    names = [field.name for field in attrs.fields(cls)]
    unknown = sorted(set(changed) - set(names))
    if unknown:
        raise TypeError(f"{cls.__name__} has no fields {unknown}")
    lines = ["def copy(instance, changes):", "    new = _new(_cls)"]
    lines += [
        f"    _set(new, {n!r}, changes[{n!r}])" if n in changed
        else f"    _set(new, {n!r}, instance.{n})"
        for n in names
    ]  # fmt: skip
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
    key = (type(instance), tuple(changes))
    copier = _COPIERS.get(key)
    if copier is None:
        copier = _COPIERS[key] = _copier(*key)
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


def positional(cls: type[T]) -> Callable[..., T]:
    """A constructor of ``cls`` taking every field positionally, in declaration order, without
    converters and validators: for a hot path that builds the same class again and again from
    values it checked itself (an audit entry per event, an entry per stored line)."""
    klass: type = cls
    made = _POSITIONAL.get(klass)
    if made is None:
        names = [field.name for field in attrs.fields(klass)]
        lines = [f"def make({', '.join(names)}):", "    new = _new(_cls)"]
        lines += [f"    _set(new, {n!r}, {n})" for n in names]
        lines.append("    return new")
        namespace: dict[str, Any] = {
            "_new": object.__new__, "_set": object.__setattr__, "_cls": klass,
        }  # fmt: skip
        exec("\n".join(lines), namespace)
        made = _POSITIONAL[klass] = namespace["make"]
    result: Callable[..., T] = made
    return result

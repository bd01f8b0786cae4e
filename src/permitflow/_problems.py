"""cattrs' structuring errors as [`Problem`][permitflow.errors.Problem] values a person can act on.

cattrs' detailed validation raises a tree of ``ClassValidationError`` and
``IterableValidationError`` groups whose leaves carry ``__notes__`` naming the field or index and
its type (``cattrs.transform_error`` walks it into ``"message @ $.path"`` lines). This walks the
same tree and, for each leaf, finds the value given at that path in the document, the form the
field's type expects and the field's name in the records' own words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)

from permitflow import _words as words
from permitflow.errors import ABSENT, Expected, Problem


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
    import attrs

    return [field.name for field in attrs.fields(cls)] if attrs.has(cls) else []

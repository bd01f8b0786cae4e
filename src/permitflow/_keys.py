"""Open vocabularies: a set of codes that grows as they are defined, read like a string enum.

An ``Enum`` is closed when its class is written; a business type registered from outside the
package needs a vocabulary it can add a code to. A ``Key`` subclass behaves as a ``StrEnum``
does wherever the package reads one: ``Kind("code")`` is the defined key or a ``ValueError``,
``Kind.CODE`` names a defined key, iterating the class lists the keys in the order they were
defined, a key is the ``str`` of its code with ``.value`` and ``.name``, and copying or
pickling a key gives the key itself back. ``Kind.define(code)`` adds a key; a vocabulary that
can find a code not defined yet says how in ``_missing`` (as an enum's ``_missing_`` does).
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import Any, Self, TypeGuard, TypeVar

_K = TypeVar("_K", bound="Key")


class KeyType(type):
    """The class of an open vocabulary: iterating, ``len`` and ``in`` read the keys defined."""

    _keys: dict[str, Any]

    def __init__(cls, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cls._keys = {}

    # The vocabulary class is the metaclass's self, as typeshed writes EnumMeta.__iter__;
    # mypy accepts the self type only in stubs.
    def __iter__(self: type[_K]) -> Iterator[_K]:  # type: ignore[misc]
        return iter(tuple(self._keys.values()))

    def __len__(cls) -> int:
        return len(cls._keys)

    def __contains__(cls, value: object) -> bool:
        return isinstance(value, str) and value in cls._keys


class Key(str, metaclass=KeyType):
    """A code of an open vocabulary (subclass it; each subclass has keys of its own)."""

    def __new__(cls, value: object) -> Self:
        try:
            key: Self = cls._keys[value]  # type: ignore[index]
        except (KeyError, TypeError):
            found = cls._missing(value) if type(value) is str else None
            if found is None:
                raise ValueError(f"{value!r} is not a valid {cls.__qualname__}") from None
            key = found
        return key

    @classmethod
    def _missing(cls, code: str) -> Self | None:
        """The key of ``code``, not defined yet, when the vocabulary can find it; None here."""
        return None

    @classmethod
    def define(cls, code: str) -> Self:
        """The key of ``code``, defined now if it is not yet; ``cls.CODE`` names it too."""
        key: Self | None = cls._keys.get(code)
        if key is None:
            key = cls._keys[code] = str.__new__(cls, code)
            setattr(cls, key.name, key)
        return key

    @classmethod
    def _forget(cls, code: str) -> None:
        """Removes a key defined for a while (``permitflow.testing`` restores the vocabulary)."""
        key = cls._keys.pop(code)
        delattr(cls, key.name)

    @property
    def value(self) -> str:
        """The code, as a plain string (``"new"``)."""
        return str(self)

    @property
    def name(self) -> str:
        """The name of the key on its class (``NEW``)."""
        return str(self).upper()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}.{self.name}: {self.value!r}>"

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return type(self), (self.value,)

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: Any) -> Self:
        return self


Vocabulary = type[Enum] | type[Key]
"""A closed vocabulary (an enum) or an open one (a ``Key`` subclass)."""

Member = Enum | Key
"""A code of either kind of vocabulary."""


def is_vocabulary(hint: object) -> TypeGuard[Vocabulary]:
    """Whether ``hint`` is a vocabulary class whose members a document writes as codes."""
    return isinstance(hint, type) and issubclass(hint, Enum | Key)

"""What is worked out from values that never change, kept by the values' identities.

A holder's record, an application and a machine's table of tags are immutable and shared from
one event to the next: what a rule works out from them (the insurance months by payer, the
events of a kind of step) holds as long as the same objects are asked about. Hashing such a
value by its contents would cost as much as the work itself; its identity is free.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class ByIdentity(Generic[V]):
    """Values by the identities of the objects they are made from (and a hashable extra).

    Each entry keeps its objects alive, so that no other object can take their identities while
    it is kept; the table is emptied when it is full, so it never outgrows ``size``.
    """

    __slots__ = ("_size", "_values")

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: dict[Hashable, tuple[tuple[object, ...], V]] = {}

    def get(self, objects: tuple[object, ...], extra: Hashable, work: Callable[[], V]) -> V:
        """The value made from ``objects`` and ``extra``: kept, or ``work()`` once."""
        key = (*map(id, objects), extra)
        known = self._values.get(key)
        # The objects are kept with the value: equal here means the very same objects.
        if known is not None and known[0] == objects:
            return known[1]
        value = work()
        if len(self._values) >= self._size:
            self._values.clear()
        self._values[key] = (objects, value)
        return value

"""Business types other packages publish: found the first time their code is met.

A package publishes a business type under the entry-point group ``permitflow.business_types``,
named by its code: ``reissue = "reissue_business:SPEC"``, the ``BusinessTypeSpec`` of the type
(its module may register it on import, as ``register_business_type`` does; a spec it leaves
unregistered is registered here). Nothing is read when permitflow is imported or an engine is
built: the installed packages' entry points are read the first time a code no registered type
has is met — a snapshot of that type loaded, ``Engine.start``, ``business_type_spec`` — (once
for an import path: again only when ``sys.path`` changes), and only the package publishing that
code is loaded. A package that fails to load breaks nothing else: the error names it when its
type is needed.
"""

from __future__ import annotations

import sys
import threading
from functools import lru_cache
from typing import TYPE_CHECKING

from permitflow.errors import DefinitionError
from permitflow.machines.spec import BusinessTypeSpec, business_type_specs, register_business_type
from permitflow.records.application import BusinessType
from permitflow.rules import registry

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = ["ENTRY_POINT_GROUP", "find_published"]

ENTRY_POINT_GROUP = "permitflow.business_types"

_LOCK = threading.RLock()
"""Two threads meeting the same code first load its package once."""

_loading: set[str] = set()
"""Codes whose package is being loaded: a lookup of the code while its module runs finds
nothing yet instead of loading it again."""


def find_published(code: str) -> None:
    """Registers the business type ``code`` when an installed package publishes it.

    Raises:
        DefinitionError: naming the package, when it publishes ``code`` but cannot be loaded
            (``business_type_unloadable``) or does not provide that type's spec
            (``business_type_entry_point``).
    """
    with _LOCK:
        _find(code)


def _find(code: str) -> None:
    entry = None if code in _loading else _published(tuple(sys.path)).get(code)
    if entry is None or _registered(code):
        return
    package = entry.dist.name if entry.dist is not None else entry.module
    _loading.add(code)
    try:
        loaded = entry.load()
    except Exception as error:
        _forget_unregistered(code)
        raise DefinitionError(
            "business_type_unloadable", business_type=code, package=package,
            origin=entry.value, reason=f"{type(error).__name__}: {error}",
        ) from error  # fmt: skip
    finally:
        _loading.discard(code)
    if not isinstance(loaded, BusinessTypeSpec) or loaded.business_type != code:
        _forget_unregistered(code)
        raise DefinitionError(
            "business_type_entry_point", business_type=code, package=package,
            origin=entry.value,
        )  # fmt: skip
    if not _registered(code):
        register_business_type(loaded)


@lru_cache(maxsize=4)
def _published(path: tuple[str, ...]) -> dict[str, EntryPoint]:
    # Reading every installed distribution takes milliseconds: once per import path (``path``,
    # where they are found), so that a stream of codes nobody publishes costs a lookup each.
    return {entry.name: entry for entry in registry.entry_points(group=ENTRY_POINT_GROUP)}


def _registered(code: str) -> bool:
    return any(spec.business_type == code for spec in business_type_specs())


def _forget_unregistered(code: str) -> None:
    # A module that failed half-way may have defined the code without registering its type:
    # the code stays unknown, and the next lookup names the package again.
    if code in BusinessType and not _registered(code):
        BusinessType._forget(code)


BusinessType.finder = find_published

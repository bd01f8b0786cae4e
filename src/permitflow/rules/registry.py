"""Where rule-set families are found by name.

Other packages publish a family under the entry-point group ``permitflow.rulesets``
(``name = "package.module:family"``); they are loaded the first time their name is asked for.
The built-in ``haidian`` family is always known, installed or not, and is its own module: a
published entry point of that name cannot replace it, as ``register`` cannot replace a
registered family.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from permitflow.errors import DefinitionError, UnknownRuleSet
from permitflow.rules.ruleset import RuleSetFamily

__all__ = ["ENTRY_POINT_GROUP", "default_family", "get_family", "known_families", "register"]

ENTRY_POINT_GROUP = "permitflow.rulesets"
DEFAULT = "haidian"
_BUILT_IN = {"haidian": "permitflow.rules.haidian"}
"""Families shipped with permitflow: name -> module exporting ``ruleset``."""

_families: dict[str, RuleSetFamily] = {}

if TYPE_CHECKING:
    from importlib.metadata import EntryPoints


def entry_points(*, group: str, name: str | None = None) -> EntryPoints:
    """The installed packages' entry points (``importlib.metadata.entry_points``), imported on
    first use: reading the installed distributions costs more than the rest of an engine's
    start, and the default family needs none of it."""
    from importlib.metadata import entry_points as installed

    published = installed(group=group)
    return published if name is None else published.select(name=name)


def register(family: RuleSetFamily) -> None:
    """Make ``family`` available by its name; registering another family of that name fails."""
    known = _families.get(family.name)
    if known is not None and known is not family:
        raise DefinitionError("ruleset_registered", ruleset=family.name)
    _families[family.name] = family


def _from_entry_point(name: str) -> RuleSetFamily | None:
    for entry in entry_points(group=ENTRY_POINT_GROUP, name=name):
        return _checked(name, entry.load(), f"entry point {entry.value}")
    return None


def _built_in(name: str) -> RuleSetFamily | None:
    module = _BUILT_IN.get(name)
    if module is None:
        return None
    return _checked(name, importlib.import_module(module).ruleset, f"module {module}")


def _checked(name: str, loaded: object, origin: str) -> RuleSetFamily:
    if not isinstance(loaded, RuleSetFamily) or loaded.name != name:
        raise DefinitionError("ruleset_entry_point", ruleset=name, origin=origin)
    return loaded


def get_family(name: str) -> RuleSetFamily:
    """The family called ``name``: registered, built in, or published as an entry point."""
    family = _families.get(name)
    if family is None:
        family = _built_in(name) or _from_entry_point(name)
        if family is None:
            raise UnknownRuleSet(ruleset=name, known=known_families())
        register(family)
    return family


def known_families() -> tuple[str, ...]:
    """Names that ``get_family`` can answer, without loading any family."""
    published = {entry.name for entry in entry_points(group=ENTRY_POINT_GROUP)}
    return tuple(sorted(published | set(_BUILT_IN) | set(_families)))


def default_family() -> RuleSetFamily:
    """The Haidian family, the default of permitflow."""
    return get_family(DEFAULT)

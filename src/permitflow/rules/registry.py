"""Where rule-set families are found by name.

Other packages publish a family under the entry-point group ``permitflow.rulesets``
(``name = "package.module:family"``); they are loaded the first time their name is asked for.
The built-in ``haidian`` family is always known, installed or not.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from permitflow.errors import DefinitionError, UnknownRuleSet
from permitflow.rules.ruleset import RuleSetFamily

__all__ = ["ENTRY_POINT_GROUP", "default_family", "get_family", "known_families", "register"]

ENTRY_POINT_GROUP = "permitflow.rulesets"
DEFAULT = "haidian"
_BUILT_IN = {"haidian": "permitflow.rules.haidian"}
"""Families shipped with permitflow: name -> module exporting ``ruleset``."""

_families: dict[str, RuleSetFamily] = {}


def register(family: RuleSetFamily) -> None:
    """Make ``family`` available by its name; registering another family of that name fails."""
    known = _families.get(family.name)
    if known is not None and known is not family:
        raise DefinitionError(
            f"规则集 {family.name} 已注册；如需替换，请使用新的名称或新的版本。",
            f"A rule set named {family.name} is already registered; use another name, or add "
            "a version to the registered family.",
            ruleset=family.name,
        )
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
        raise DefinitionError(
            f"{origin} 提供的不是名为 {name} 的规则集；请检查其 permitflow.rulesets 入口。",
            f"{origin} does not provide a rule-set family named {name}; check its "
            "permitflow.rulesets entry point.",
            ruleset=name,
            origin=origin,
        )
    return loaded


def get_family(name: str) -> RuleSetFamily:
    """The family called ``name``: registered, published as an entry point, or built in."""
    family = _families.get(name)
    if family is None:
        family = _from_entry_point(name) or _built_in(name)
        if family is None:
            raise UnknownRuleSet(
                f"未知的规则集 {name}（已知：{', '.join(known_families())}）；请核对名称或安装"
                "提供该规则集的包。",
                f"Unknown rule set {name} (known: {', '.join(known_families())}); check the "
                "name or install the package that provides it.",
                ruleset=name,
            )
        register(family)
    return family


def known_families() -> tuple[str, ...]:
    """Names that ``get_family`` can answer, without loading any family."""
    published = {entry.name for entry in entry_points(group=ENTRY_POINT_GROUP)}
    return tuple(sorted(published | set(_BUILT_IN) | set(_families)))


def default_family() -> RuleSetFamily:
    """The Haidian family, the default of permitflow."""
    return get_family(DEFAULT)

"""Rules: findings, rules, dated parameters, versioned rule sets and their registry.

The records import [`permitflow.rules.finding`][permitflow.rules.finding] (an audit entry keeps
findings), so this
package imports nothing else eagerly; the other names load on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from permitflow.rules.finding import Citation, Finding, RuleKind, Severity, Status

if TYPE_CHECKING:
    from permitflow.groups import GROUPS
    from permitflow.rules.facts import PLAIN, Facts, Plain, Unit
    from permitflow.rules.parameters import (
        Confidence,
        DatedValue,
        ParameterDescription,
        ParameterTable,
        load_parameters,
    )
    from permitflow.rules.registry import default_family, get_family, known_families, register
    from permitflow.rules.rule import (
        JudgedOn,
        Rule,
        RuleContext,
        Verdict,
        failed,
        needs_attestation,
        passed,
    )
    from permitflow.rules.ruleset import EnforcedBy, RuleDescription, RuleSet, RuleSetFamily
    from permitflow.tags import Tag

__all__ = [
    "GROUPS",
    "PLAIN",
    "Citation",
    "Confidence",
    "DatedValue",
    "EnforcedBy",
    "Facts",
    "Finding",
    "JudgedOn",
    "ParameterDescription",
    "ParameterTable",
    "Plain",
    "Rule",
    "RuleContext",
    "RuleDescription",
    "RuleKind",
    "RuleSet",
    "RuleSetFamily",
    "Severity",
    "Status",
    "Tag",
    "Unit",
    "Verdict",
    "default_family",
    "failed",
    "get_family",
    "known_families",
    "load_parameters",
    "needs_attestation",
    "passed",
    "register",
]

_LAZY = {
    **dict.fromkeys(
        ("Confidence", "DatedValue", "ParameterDescription", "ParameterTable", "load_parameters"),
        "permitflow.rules.parameters",
    ),
    **dict.fromkeys(("PLAIN", "Facts", "Plain", "Unit"), "permitflow.rules.facts"),
    **dict.fromkeys(
        ("default_family", "get_family", "known_families", "register"),
        "permitflow.rules.registry",
    ),
    **dict.fromkeys(
        (
            "JudgedOn",
            "Rule",
            "RuleContext",
            "Verdict",
            "failed",
            "needs_attestation",
            "passed",
        ),
        "permitflow.rules.rule",
    ),
    **dict.fromkeys(
        ("EnforcedBy", "RuleDescription", "RuleSet", "RuleSetFamily"),
        "permitflow.rules.ruleset",
    ),
    "GROUPS": "permitflow.groups",
    "Tag": "permitflow.tags",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

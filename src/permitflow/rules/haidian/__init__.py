"""The Haidian district rule set (海淀区), the default of permitflow.

Rules come from the modules below, in this fixed order (the order findings are reported in);
parameters from every ``*.toml`` file of the ``parameters`` folder, the words of every rule
(``TEXTS``) from every ``*.toml`` file of the ``texts`` folder. ``ruleset`` is the family of
versions the entry point ``permitflow.rulesets: haidian`` names.

Versions: ``2021.11`` is in force from 2021-11-01, open-ended. The manual is undated; its
screenshots show uploads on 2021-11-15, the earliest day its rules demonstrably applied.
A change of a rule switch (``rules.overrides``) or of rule logic starts a new version; a new
value of an ordinary parameter is a new dated value inside the same version.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from permitflow.rules.haidian import (
    account,
    attachments,
    basic_change,
    calendar_rules,
    cancellation,
    children,
    employer_change,
    employment,
    flow,
    hukou,
    identity,
    new,
    policy,
    profile,
    renewal,
    residence,
    review,
    timers,
)
from permitflow.rules.haidian._shared import TEXTS, TEXTS_DIR
from permitflow.rules.parameters import load_parameters
from permitflow.rules.rule import AWAITING, Rule
from permitflow.rules.ruleset import NOTES, RuleSet, RuleSetFamily

__all__ = ["PARAMETERS_DIR", "RULES", "TEXTS", "TEXTS_DIR", "parameters", "ruleset"]

_MODULES = (
    account,
    profile,
    attachments,
    hukou,
    employment,
    residence,
    identity,
    calendar_rules,
    new,
    renewal,
    employer_change,
    basic_change,
    children,
    cancellation,
    review,
    policy,
    flow,
    timers,
)

PARAMETERS_DIR = Path(__file__).parent / "parameters"

RULES: tuple[Rule, ...] = tuple(rule for module in _MODULES for rule in module.RULES)

parameters = load_parameters(PARAMETERS_DIR.glob("*.toml"))
attachments.check_parameters(parameters)
hukou.check_parameters(parameters)
TEXTS.check_used(
    (AWAITING, *NOTES.values(), *(code for rule in RULES for code in rule.bound_texts.codes))
)

ruleset = RuleSetFamily(
    name="haidian",
    versions=(
        RuleSet(
            name="haidian",
            version="2021.11",
            effective_from=date(2021, 11, 1),
            effective_until=None,
            rules=RULES,
            parameters=parameters,
        ),
    ),
)

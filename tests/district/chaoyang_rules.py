"""A district of its own, published from outside permitflow: Haidian's rules with a renewal
due 15 working days before expiry instead of 20, and the 36 months of non-zero income not asked
for (REN-002 switched off). Nothing of it lives in the library; ``ruleset`` is what the entry
point ``permitflow.rulesets: chaoyang = chaoyang_rules:ruleset`` names."""

from __future__ import annotations

from datetime import date

from permitflow.rules import RuleSetFamily, default_family

SINCE = date(2024, 1, 1)

CHAOYANG = default_family().in_force_on(SINCE).derive(
    name="chaoyang",
    version="2024.1",
    since=SINCE,
    citation="示例区工作居住证办理须知（2024 年版）第 3 条",
    parameters={"renewal.working_days_before_expiry": 15},
    overrides={"REN-002": {"enabled": False}},
)

ruleset = RuleSetFamily(name="chaoyang", versions=(CHAOYANG,))

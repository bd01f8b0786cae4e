"""What the engine needs from a rule set, and running the rules that guard an event.

Any object with these methods plugs in: the Haidian rule set (``permitflow.rules.RuleSet``
and its ``RuleSetFamily``), ``permitflow.testing.FixedRuleSet``, or a district's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Protocol, runtime_checkable

from permitflow.errors import UnknownRuleSet
from permitflow.records.application import BusinessType
from permitflow.rules.finding import Severity
from permitflow.rules.rule import Rule, local_date
from permitflow.tags import Tag

_NO_PARAMS: Mapping[str, Any] = {}


@runtime_checkable
class RuleSetVersion(Protocol):
    """What the engine needs from one rule-set version (see ``permitflow.rules.RuleSet``)."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    def review_levels(self, day: date, business_type: BusinessType | None = None) -> int:
        """How many authority levels review ``business_type`` on ``day`` (without one: the
        number the version gives every type)."""
        ...

    def params_on(self, day: date) -> Mapping[str, Any]: ...

    def rules_for(
        self,
        business_type: BusinessType,
        event: str,
        tags: frozenset[Tag],
        groups: frozenset[str],
    ) -> tuple[tuple[Rule, Severity], ...]: ...

    def rule(self, rule_id: str) -> Rule: ...

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule of the version, checked against the machines when an engine is built."""
        ...


@runtime_checkable
class RuleSetVersions(Protocol):
    """What the engine needs from a named family of versions."""

    @property
    def name(self) -> str: ...

    @property
    def versions(self) -> tuple[RuleSetVersion, ...]:
        """Every version, oldest first."""
        ...

    def in_force_on(self, day: date) -> RuleSetVersion: ...

    def version(self, version: str) -> RuleSetVersion: ...


def params_in_force(ruleset: RuleSetVersion | None, at: datetime) -> Mapping[str, Any]:
    return ruleset.params_on(local_date(at)) if ruleset is not None else _NO_PARAMS


RuleSetChoice = str | RuleSetVersions | RuleSetVersion | None
"""What an engine is given: a registered name, a family of versions, one fixed version, or
None for the default (Haidian)."""


def resolve_family(ruleset: RuleSetChoice) -> RuleSetVersions:
    if ruleset is None or isinstance(ruleset, str):
        from permitflow.rules.registry import default_family, get_family

        return default_family() if ruleset is None else get_family(ruleset)
    if isinstance(ruleset, RuleSetVersions):
        return ruleset
    return _SingleVersion(ruleset)


class _SingleVersion:
    """A fixed rule-set version seen as a family with one member."""

    def __init__(self, ruleset: RuleSetVersion) -> None:
        self._ruleset = ruleset
        self.name = ruleset.name
        self.versions = (ruleset,)

    def in_force_on(self, day: date) -> RuleSetVersion:
        self._ruleset.params_on(day)  # raises outside the version's period
        return self._ruleset

    def version(self, version: str) -> RuleSetVersion:
        if version != self._ruleset.version:
            raise UnknownRuleSet(
                "version", ruleset=self.name, version=version, known=[self._ruleset.version]
            )
        return self._ruleset

"""Fixtures for the machine tests: the bare engine and engines judging a few rules.

The Haidian rule set is not needed here: ``rule_engine`` builds an engine over any rules (by
default the timers' FLOW-1xx rules) and any parameters, so each test names what it relies on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pytest

from permitflow import testing
from permitflow.engine.engine import Engine
from permitflow.rules.haidian.timers import RULES as TIMER_RULES
from permitflow.rules.rule import Rule


@pytest.fixture
def bare() -> Engine:
    """The default machines, two review levels, no rules."""
    return testing.bare_engine(2)


@pytest.fixture
def rule_engine() -> Callable[..., Engine]:
    """``rule_engine(rules=..., params=..., levels=2)``: the default machines judged by those
    rules only (the timers' rules unless ``rules`` is given)."""

    def make(
        rules: Iterable[Rule] = TIMER_RULES,
        params: Mapping[str, Any] | None = None,
        levels: int = 2,
    ) -> Engine:
        return testing.rule_engine(rules, params, levels=levels)

    return make

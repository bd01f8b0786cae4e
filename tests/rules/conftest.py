"""Orders the rule-coverage check last; the builders live in ``rules_fixtures``."""

from __future__ import annotations

import pytest
from rules_fixtures import COVERAGE_MODULE, RULE_TESTS_DIR

WHOLE_RUN_CHECK = "test_every_rule_was_seen_passing_and_not_passing"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the coverage check after every other test so it sees what they asserted.

    Whether every rule was seen passing and failing can only be judged when every rule test
    runs; a partial run (one file, a ``-k`` selection) deselects that one check.
    """
    last = [item for item in items if item.path.name == COVERAGE_MODULE]
    if not last:
        return
    items[:] = [item for item in items if item.path.name != COVERAGE_MODULE] + last
    ran = {item.path for item in items}
    if set(RULE_TESTS_DIR.glob("test_*.py")) <= ran:
        return
    partial = [item for item in last if item.name == WHOLE_RUN_CHECK]
    items[:] = [item for item in items if item not in partial]
    config.hook.pytest_deselected(items=partial)

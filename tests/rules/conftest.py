"""Orders the rule-coverage check last; the builders live in ``rules_fixtures``."""

from __future__ import annotations

import pytest
from rules_fixtures import COVERAGE_MODULE


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the coverage check after every other test so it sees what they asserted."""
    last = [item for item in items if item.path.name == COVERAGE_MODULE]
    if last:
        items[:] = [item for item in items if item.path.name != COVERAGE_MODULE] + last

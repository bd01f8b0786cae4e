"""Orders the rule-coverage check last; the builders live in ``rules_fixtures``."""

from __future__ import annotations

import pytest
from rules_fixtures import COVERAGE_MODULE, MESSAGES_READ, RULE_TESTS_DIR

WHOLE_RUN_CHECKS = frozenset(
    {
        "test_every_rule_was_seen_passing_and_not_passing",
        "test_every_message_reads_as_a_person_would",
        "test_every_rule_declares_the_parameters_it_reads",
    }
)


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
    partial = [item for item in last if item.name in WHOLE_RUN_CHECKS]
    items[:] = [item for item in items if item not in partial]
    config.hook.pytest_deselected(items=partial)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many rule messages the reading test read."""
    if MESSAGES_READ:
        terminalreporter.write_line(f"rule messages read as a person would: {MESSAGES_READ[-1]}")

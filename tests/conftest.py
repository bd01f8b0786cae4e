"""Reports how many error messages the reading test read (the rule messages: rules/conftest.py)."""

from __future__ import annotations

import pytest

from spoken import ERROR_MESSAGES_READ


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many error texts were read as words, of how many codes, in which languages."""
    if ERROR_MESSAGES_READ:
        codes = {code for code, _ in ERROR_MESSAGES_READ}
        languages = sorted({lang for _, lang in ERROR_MESSAGES_READ})
        terminalreporter.write_line(
            f"error messages read as a person would: {len(ERROR_MESSAGES_READ)} "
            f"({len(codes)} texts in {', '.join(languages)})"
        )

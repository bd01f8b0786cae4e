"""What a rule says about a case; the values themselves are records, kept in audit entries."""

from __future__ import annotations

from permitflow.records.finding import Citation, Finding, RuleKind, Severity, Status, plain

__all__ = ["Citation", "Finding", "RuleKind", "Severity", "Status", "plain"]

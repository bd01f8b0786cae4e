"""What a rule says about a case: a structured, cited, bilingual finding."""

from __future__ import annotations

from enum import StrEnum

import attrs
from attrs import frozen


class Severity(StrEnum):
    ERROR = "error"
    """Blocks the transition the rule guards."""
    WARNING = "warning"
    """Shown to the people involved; never blocks."""
    TIP = "tip"
    """Advice (温馨提示 style); never blocks."""


class RuleKind(StrEnum):
    MACHINE = "machine"
    """Decided from structured data alone."""
    HYBRID = "hybrid"
    """Partly decided from data, partly by a person's attestation."""
    ATTESTATION = "attestation"
    """Only a person can decide; the rule waits for a recorded attestation."""
    PROCESS = "process"
    """A step, order or permission of the procedure."""


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NEEDS_ATTESTATION = "needs_attestation"


@frozen
class Citation:
    """Where a rule comes from: the manual section and the sentence it implements."""

    section: str
    """E.g. ``"M§3 注意事项 3"`` (manual section 三, note 3)."""
    quote: str
    """The sentence of the source, in its own language (Chinese for the manual)."""
    source: str = "平台操作手册（个人版）"


def _facts(value: object) -> tuple[tuple[str, str], ...]:
    if isinstance(value, dict):
        return tuple((str(k), str(v)) for k, v in value.items())
    return tuple((str(k), str(v)) for k, v in value)  # type: ignore[attr-defined]


@frozen
class Finding:
    rule_id: str
    severity: Severity = attrs.field(converter=Severity)
    status: Status = attrs.field(converter=Status)
    message_zh: str
    message_en: str
    citation: Citation
    field: str | None = None
    """Path of the datum the finding is about, e.g. ``"profile.general.address"``."""
    facts: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_facts)
    """The facts the rule used, in order, e.g. ``(("expiry", "2026-03-27"), ...)``."""

    @property
    def blocks(self) -> bool:
        """True when this finding stops the transition it guards."""
        return self.severity is Severity.ERROR and self.status is not Status.PASSED

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def facts_dict(self) -> dict[str, str]:
        return dict(self.facts)

    def to_dict(self) -> dict[str, object]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity.value,
            "status": self.status.value,
            "field": self.field,
            "message": {"zh": self.message_zh, "en": self.message_en},
            "citation": {"section": self.citation.section, "quote": self.citation.quote},
            "facts": dict(self.facts),
        }

"""What a rule says about a case: a structured, cited, bilingual finding."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import attrs
from attrs import frozen

from permitflow._keys import Member


class Severity(StrEnum):
    """What a failed rule does: an error blocks the event, a warning and a tip do not."""

    ERROR = "error"
    """Blocks the transition the rule guards."""
    WARNING = "warning"
    """Shown to the people involved; never blocks."""
    TIP = "tip"
    """Advice (温馨提示 style); never blocks."""


class RuleKind(StrEnum):
    """How a rule is judged: by the machine alone, by a person (an attestation), or both."""

    MACHINE = "machine"
    """Decided from structured data alone."""
    HYBRID = "hybrid"
    """Partly decided from data, partly by a person's attestation."""
    ATTESTATION = "attestation"
    """Only a person can decide; the rule waits for a recorded attestation."""
    PROCESS = "process"
    """A step, order or permission of the procedure."""


class Status(StrEnum):
    """A finding's outcome: passed, failed, or waiting for a person's attestation."""

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
    """The document cited, e.g. 平台操作手册（个人版） or GB 11643-1999."""


def _facts(value: object) -> tuple[tuple[str, str], ...]:
    if isinstance(value, dict):
        return tuple((str(k), str(v)) for k, v in value.items())
    return tuple((str(k), str(v)) for k, v in value)  # type: ignore[attr-defined]


def plain(value: object) -> str:
    """A fact as a program reads it in ``Finding.facts``: a code stays a code (an enum's value),
    a date is ISO 8601, a list is joined with commas, nothing is empty."""
    if value is None:
        return ""
    if isinstance(value, Member):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ", ".join(plain(item) for item in value)
    if isinstance(value, frozenset | set):
        return ", ".join(sorted(plain(item) for item in value))
    kind = type(value)
    if attrs.has(kind) and kind.__str__ is object.__str__:
        # A value of one field (an amount in fen) is that field; others say what they are.
        fields = attrs.fields(kind)
        if len(fields) == 1:
            return plain(getattr(value, fields[0].name))
    return str(value)


_DEFERRED = frozenset({"message_zh", "message_en", "facts"})
"""The fields of a finding a rule leaves to be worked out when they are first read."""


class _Deferred:
    """What a lazily made finding's messages and facts come from (one slot, set by the rule).

    A finding a rule makes carries its message template and facts, not text: the slots of
    ``message_zh``, ``message_en`` and ``facts`` stay empty until read, then hold the text.
    Everything else — attrs' equality, repr and pickling, cattrs, ``attrs.evolve`` — reads them
    as attributes and so sees a finding like any other."""

    __slots__ = ("_deferred",)

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            if name not in _DEFERRED:
                raise AttributeError(name)
            try:
                work: Callable[[str], object] = object.__getattribute__(self, "_deferred")
            except AttributeError:
                raise AttributeError(name) from None
            value = work(name)
            object.__setattr__(self, name, value)
            return value


@frozen
class Finding(_Deferred):
    """What one rule found about one field of a case: passed or not, how severe, the message for a
    person and the manual's sentence it implements."""

    rule_id: str
    """The rule, e.g. ``REN-005``."""
    severity: Severity = attrs.field(converter=Severity)
    """error, warning or tip."""
    status: Status = attrs.field(converter=Status)
    """passed, failed or needs attestation."""
    message_zh: str
    """The message in Chinese, saying what to do."""
    message_en: str
    """The message in English."""
    citation: Citation
    """The manual section and sentence the rule implements."""
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
        """True when the rule passed."""
        return self.status is Status.PASSED

    def message(self, lang: str = "zh") -> str:
        """The message in one language (``zh`` or ``en``)."""
        return self.message_zh if lang == "zh" else self.message_en

    def facts_dict(self) -> dict[str, str]:
        """The facts the message was written from, as a dict."""
        return dict(self.facts)

    def to_dict(self) -> dict[str, object]:
        """A JSON-able dict of the finding (both messages)."""
        return {
            "rule_id": self.rule_id,
            "severity": self.severity.value,
            "status": self.status.value,
            "field": self.field,
            "message": {"zh": self.message_zh, "en": self.message_en},
            "citation": {"section": self.citation.section, "quote": self.citation.quote},
            "facts": dict(self.facts),
        }

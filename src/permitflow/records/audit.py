"""The audit trail: one entry per accepted event, never rewritten."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from permitflow.records.actors import Actor
from permitflow.rules.finding import Finding


@frozen
class AuditEntry:
    sequence: int
    """1 for the first accepted event; equals the snapshot version after the event."""
    event: str
    from_state: str
    to_state: str
    actor: Actor
    at: datetime
    opinion: str | None = None
    """The binding review opinion (审批意见) given with a return."""
    reason: str | None = None
    """The stated reason of a withdrawal (撤回), a suspension (中止审核) or a resumption."""
    tips: tuple[str, ...] = ()
    """Non-binding friendly tips (温馨提示): for reference only, never a finding (M§2.4)."""
    idempotency_key: str | None = None
    findings: tuple[Finding, ...] = ()
    """Every rule finding that applied when the event was accepted (warnings and tips too)."""
    fingerprint: str | None = None
    """With an idempotency key: the digest of the request (event, actor, payload, opinion, tips)
    the key was first given with, so that a retry is told apart from another request."""

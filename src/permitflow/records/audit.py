"""The audit trail: one entry per accepted event, never rewritten."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from attrs import frozen

from permitflow.records.actors import Actor
from permitflow.records.finding import Finding


class EntryKind(StrEnum):
    """What an audit entry records."""

    EVENT = "event"
    """An event of the machine (``Engine.fire``, ``Engine.fire_holder``)."""
    ATTESTATION = "attestation"
    """A person's attestation of a rule (``Engine.attest``): the entry's ``rule_id`` names it."""


ATTESTATION_EVENT = "attest"
"""The ``event`` an attestation entry names: the call that made it; the rule is its ``rule_id``."""


@frozen
class AuditEntry:
    """One accepted event or attestation in a snapshot's history: who did what, when, from which
    state to which, and what the rules found."""

    sequence: int
    """1 for the first accepted event; equals the snapshot version after the event."""
    event: str
    """The event fired, e.g. ``submit`` or ``pass``; ``attest`` for an attestation."""
    from_state: str
    """The state before the event."""
    to_state: str
    """The state after the event (the same for an event that keeps the state)."""
    actor: Actor
    """Who fired the event."""
    at: datetime
    """When the event was accepted (timezone-aware)."""
    opinion: str | None = None
    """The binding review opinion (审批意见) given with a return; an attestation's note."""
    reason: str | None = None
    """The stated reason of a withdrawal (撤回), a suspension (中止审核) or a resumption."""
    tips: tuple[str, ...] = ()
    """Non-binding friendly tips (温馨提示): for reference only, never a finding (M§2.4)."""
    idempotency_key: str | None = None
    """The key a portal gave to make a retry harmless; a second request with the same key replays
    this entry."""
    findings: tuple[Finding, ...] = ()
    """Every rule finding that applied when the event was accepted (warnings and tips too)."""
    fingerprint: str | None = None
    """With an idempotency key: the digest of the request (event, actor, payload, opinion, tips)
    the key was first given with, so that a retry is told apart from another request."""
    kind: EntryKind = EntryKind.EVENT
    """Whether the entry records an event or an attestation."""
    rule_id: str | None = None
    """The rule an attestation attests, e.g. ``RES-001``; None for an event."""

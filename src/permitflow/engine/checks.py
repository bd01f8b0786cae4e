"""The checks that refuse an event, each raising the error a portal shows to a person.

The engine runs them in the order its module docstring gives; none of them changes anything,
so a refused event leaves every snapshot exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from attrs import frozen

from permitflow.calendar import FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR
from permitflow.engine.compiled import CompiledMachine
from permitflow.engine.definition import Transition
from permitflow.engine.loadchecks import MAX_KEY_LENGTH
from permitflow.engine.snapshot import unstructure
from permitflow.errors import (
    Blocked,
    EventNotAllowed,
    IdempotencyConflict,
    InvalidInput,
    NotPermitted,
    UnknownEvent,
    VersionConflict,
)
from permitflow.records.actors import Actor, Role
from permitflow.records.application import Application
from permitflow.records.audit import AuditEntry
from permitflow.records.holder import HolderRecord
from permitflow.rules.finding import Finding

Subject = Application | HolderRecord


def raise_if_blocked(
    findings: tuple[Finding, ...], machine: str, event: str, state: str | None
) -> None:
    if any(f.blocks for f in findings):
        raise Blocked(machine=machine, event=event, state=state, findings=findings)


def check_at(at: Any) -> None:
    """The one reading of a moment, for every call taking ``at``: an aware datetime within the
    years the working-day calendar knows (so that no day arithmetic on it can overflow)."""
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput("aware_moment", field="at", value=str(at)[:40])
    if not FIRST_SUPPORTED_YEAR <= at.year <= LAST_SUPPORTED_YEAR:
        raise InvalidInput(
            "moment_years", field="at", value=at.isoformat(), first=FIRST_SUPPORTED_YEAR,
            last=LAST_SUPPORTED_YEAR,
        )  # fmt: skip


def check_order(at: datetime, after: datetime | None, tolerance: timedelta | None) -> None:
    """``at`` is not earlier than ``after`` (the latest moment accepted on the records handed
    in) and not more than ``tolerance`` ahead of it."""
    if after is None:
        return
    if at < after:
        raise InvalidInput("earlier", field="at", value=at.isoformat(), after=after)
    if tolerance is not None and at - after > tolerance:
        raise InvalidInput(
            "too_far_ahead", field="at", value=at.isoformat(), after=after, days=tolerance.days
        )


def latest_moment(*moments: datetime | None) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def last_at(subject: Subject) -> datetime | None:
    return subject.history[-1].at if subject.history else None


def check_key(key: Any) -> None:
    if key is None:
        return
    if type(key) is not str or not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(
            "idempotency_key", field="idempotency_key", value=str(key)[:40], limit=MAX_KEY_LENGTH
        )


@frozen
class Request:
    """What one call asks for: what an idempotency key is bound to."""

    event: str
    actor: Actor
    payload: Any = None
    opinion: str | None = None
    tips: tuple[str, ...] = ()
    reason: str | None = None
    rule_id: str | None = None
    """The rule an attestation attests; None for an event."""

    def fingerprint(self) -> str:
        try:
            payload = unstructure(self.payload)
        except Exception:  # a payload of no known shape: check_payload refuses it later
            payload = repr(self.payload)
        # An attestation was digested as the event ``attest:<rule id>`` when its entry named
        # the rule that way: the digest keeps that text, so keys stored then still match.
        event = self.event if self.rule_id is None else f"{self.event}:{self.rule_id}"
        text = json.dumps(
            [event, self.actor.role.value, self.actor.id, self.actor.level, payload,
             self.opinion, list(self.tips), self.reason],
            sort_keys=True, ensure_ascii=False, default=repr,
        )  # fmt: skip
        return hashlib.sha256(text.encode()).hexdigest()


def _differences(entry: AuditEntry, request: Request) -> list[str]:
    differs = [
        name
        for name, before, now in (
            ("event", entry.event, request.event),
            ("rule_id", entry.rule_id, request.rule_id),
            ("actor", entry.actor, request.actor),
            ("opinion", entry.opinion, request.opinion),
            ("tips", entry.tips, request.tips),
            ("reason", entry.reason, request.reason),
        )
        if before != now
    ]
    if entry.fingerprint is None:  # an entry stored before requests were fingerprinted
        return [name for name in differs if name in ("event", "rule_id", "actor")]
    if not differs and entry.fingerprint != request.fingerprint():
        differs.append("payload")
    return differs


def seen_before(
    history: tuple[AuditEntry, ...], request: Request, key: str | None
) -> AuditEntry | None:
    """The entry ``key`` already produced, when the request is the same; another request under
    the same key raises [`IdempotencyConflict`][permitflow.errors.IdempotencyConflict] naming what
    differs."""
    if key is None:
        return None
    for entry in reversed(history):
        if entry.idempotency_key == key:
            differs = _differences(entry, request)
            if differs:
                raise IdempotencyConflict(
                    key=key, event=request.event, original_event=entry.event,
                    step=entry.sequence, differs=differs,
                )  # fmt: skip
            return entry
    return None


def admit(
    subject: Subject,
    request: Request,
    at: datetime,
    expected_version: int | None,
    idempotency_key: str | None,
    *,
    after: datetime | None,
    tolerance: timedelta | None,
) -> AuditEntry | None:
    """The checks every event passes first: the moment's reading and the key's shape, then a
    replay (the entry the same request under the key produced, returned as is, however much
    happened since), then the moment's order and the expected version."""
    check_at(at)
    check_key(idempotency_key)
    replay = seen_before(subject.history, request, idempotency_key)
    if replay is None:
        check_order(at, after, tolerance)
        check_version(subject, expected_version)
    return replay


def check_holder(holder: HolderRecord, application: Application) -> None:
    if holder.holder_id != application.holder_id:
        raise InvalidInput("other_holder", field="holder")


def check_version(subject: Subject, expected: int | None) -> None:
    if expected is not None and expected != subject.version:
        raise VersionConflict(expected_version=expected, actual_version=subject.version)


def transition_for(compiled: CompiledMachine, state: str, event: str, machine: str) -> Transition:
    transition = compiled.table.get((state, event))
    if transition is not None:
        return transition
    allowed = compiled.allowed_from(state)
    if event not in compiled.events:
        raise UnknownEvent(machine=machine, event=event, state=state, allowed=allowed)
    raise EventNotAllowed(machine=machine, event=event, state=state, allowed=allowed)


def application_owner(application: Application) -> Callable[[Actor], bool]:
    def owns(actor: Actor) -> bool:
        if actor.role is Role.APPLICANT:
            return actor.id == application.holder_id
        if actor.role is Role.EMPLOYER:
            return actor.id == application.employer_id
        return True

    return owns


def holder_owner(holder: HolderRecord) -> Callable[[Actor], bool]:
    def owns(actor: Actor) -> bool:
        if actor.role is Role.APPLICANT:
            return actor.id == holder.holder_id
        if actor.role is Role.EMPLOYER:
            employer = holder.association.employer
            return employer is not None and actor.id == employer.credit_code
        return True

    return owns


def check_actor(
    transition: Transition,
    actor: Actor,
    machine: str,
    state: str,
    event: str,
    owns: Callable[[Actor], bool],
) -> None:
    if not isinstance(actor, Actor):
        raise InvalidInput("actor", field="actor", value=type(actor).__name__, event=event)
    if transition.internal:
        raise NotPermitted(
            "internal", machine=machine, event=event, state=state, actor=actor, roles=()
        )
    if actor.role not in transition.roles:
        raise NotPermitted(
            machine=machine, event=event, state=state, actor=actor, roles=transition.roles
        )
    if actor.role is Role.AUTHORITY and actor.level != transition.level:
        raise NotPermitted(
            "level", machine=machine, event=event, state=state, actor=actor,
            level=transition.level,
        )  # fmt: skip
    if not owns(actor):
        raise NotPermitted("own_records", machine=machine, event=event, state=state, actor=actor)


def check_filer(transition: Transition, actor: Actor, application: Application) -> None:
    """Only the party that filed the application may fire a ``by_filer`` transition."""
    if not transition.by_filer:
        return
    filing = application.latest(transition.by_filer)
    if filing is None or filing.actor == actor:
        return
    raise NotPermitted(
        "filer", machine=application.business_type, event=transition.event,
        state=application.state, actor=actor, roles=[filing.actor.role],
    )  # fmt: skip


def check_payload(
    transition: Transition,
    machine: str,
    payload: Any,
    opinion: str | None,
    tips: tuple[str, ...],
    reason: str | None = None,
) -> None:
    event = transition.event
    if transition.reason:
        if not (isinstance(reason, str) and reason.strip()):
            raise InvalidInput("reason_needed", field="reason", machine=machine, event=event)
    elif reason is not None:
        raise InvalidInput("reason_not_taken", field="reason", machine=machine, event=event)
    if transition.payload is None and payload is not None:
        raise InvalidInput("payload_not_taken", field="payload", machine=machine, event=event)
    if transition.payload is not None:
        if payload is None and transition.payload_required:
            raise InvalidInput("payload_needed", field="payload", machine=machine, event=event)
        if payload is not None and not isinstance(payload, transition.payload):
            raise InvalidInput(
                "payload_type", field="payload", value=type(payload).__name__, machine=machine,
                event=event,
            )  # fmt: skip
    if transition.opinion:
        if not (opinion and opinion.strip()):
            raise InvalidInput("opinion_needed", field="opinion", machine=machine, event=event)
    elif opinion is not None or tips:
        raise InvalidInput("opinion_not_taken", field="opinion", machine=machine, event=event)
    for index, tip in enumerate(tips):
        if not isinstance(tip, str) or not tip.strip():
            raise InvalidInput("tip_empty", field=f"tips[{index}]", machine=machine, event=event)

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


def raise_if_blocked(findings: tuple[Finding, ...], event: str, state: str | None) -> None:
    blocking = [f for f in findings if f.blocks]
    if not blocking:
        return
    ids = sorted({f.rule_id for f in blocking})
    details_zh = "；".join(f"{f.rule_id}：{f.message_zh.rstrip('。.')}" for f in blocking)
    details_en = "; ".join(f"{f.rule_id}: {f.message_en.rstrip('。.')}" for f in blocking)
    raise Blocked(
        f"规则未通过，不能办理 {event}：{details_zh}。请按提示修改后再试。",
        f"The rules block {event!r}: {details_en}. Fix these and try again.",
        event=event,
        state=state,
        rule_ids=ids,
        findings=findings,
    )


def check_at(at: Any) -> None:
    """The one reading of a moment, for every call taking ``at``: an aware datetime within the
    years the working-day calendar knows (so that no day arithmetic on it can overflow)."""
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput(
            "时间必须是带时区的 datetime（例如北京时间 +08:00）。",
            "The moment must be a timezone-aware datetime (e.g. Beijing time, +08:00).",
            field="at",
            value=str(at)[:40],
        )
    if not FIRST_SUPPORTED_YEAR <= at.year <= LAST_SUPPORTED_YEAR:
        raise InvalidInput(
            f"时间 {at.isoformat()} 超出支持的年份范围"
            f"（{FIRST_SUPPORTED_YEAR}-{LAST_SUPPORTED_YEAR}年）。",
            f"The moment {at.isoformat()} is outside the supported years "
            f"({FIRST_SUPPORTED_YEAR}-{LAST_SUPPORTED_YEAR}).",
            field="at",
            value=at.isoformat(),
        )


def check_order(at: datetime, after: datetime | None, tolerance: timedelta | None) -> None:
    """``at`` is not earlier than ``after`` (the latest moment accepted on the records handed
    in) and not more than ``tolerance`` ahead of it."""
    if after is None:
        return
    if at < after:
        raise InvalidInput(
            f"时间 {at.isoformat()} 早于上一次办理的时间 {after.isoformat()}。",
            f"The moment {at.isoformat()} is earlier than the last accepted moment "
            f"{after.isoformat()}.",
            field="at",
            value=at.isoformat(),
        )
    if tolerance is not None and at - after > tolerance:
        raise InvalidInput(
            f"时间 {at.isoformat()} 比上一次办理的时间 {after.isoformat()} 晚了 "
            f"{tolerance.days} 天以上，请核对时间。",
            f"The moment {at.isoformat()} is more than {tolerance.days} days after the last "
            f"accepted moment {after.isoformat()}; check the clock.",
            field="at",
            value=at.isoformat(),
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
            f"幂等键必须是 1 到 {MAX_KEY_LENGTH} 个字符的字符串。",
            f"An idempotency key must be a string of 1 to {MAX_KEY_LENGTH} characters.",
            field="idempotency_key",
            value=str(key)[:40],
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

    def fingerprint(self) -> str:
        try:
            payload = unstructure(self.payload)
        except Exception:  # a payload of no known shape: check_payload refuses it later
            payload = repr(self.payload)
        text = json.dumps(
            [self.event, self.actor.role.value, self.actor.id, self.actor.level, payload,
             self.opinion, list(self.tips), self.reason],
            sort_keys=True, ensure_ascii=False, default=repr,
        )  # fmt: skip
        return hashlib.sha256(text.encode()).hexdigest()


def _differences(entry: AuditEntry, request: Request) -> list[str]:
    differs = [
        name
        for name, before, now in (
            ("event", entry.event, request.event),
            ("actor", entry.actor, request.actor),
            ("opinion", entry.opinion, request.opinion),
            ("tips", entry.tips, request.tips),
            ("reason", entry.reason, request.reason),
        )
        if before != now
    ]
    if entry.fingerprint is None:  # an entry stored before requests were fingerprinted
        return [name for name in differs if name in ("event", "actor")]
    if not differs and entry.fingerprint != request.fingerprint():
        differs.append("payload")
    return differs


_DIFFERENCE_LABELS = {
    "event": "事件", "actor": "办理人", "opinion": "审核意见", "tips": "温馨提示",
    "reason": "理由", "payload": "提交的数据",
}  # fmt: skip


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
                zh = "、".join(_DIFFERENCE_LABELS[name] for name in differs)
                raise IdempotencyConflict(
                    f"幂等键 {key} 已用于另一个请求（第 {entry.sequence} 步，{zh}不同），"
                    "请为新的操作使用新的键。",
                    f"Idempotency key {key!r} was already used for another request (step "
                    f"{entry.sequence}; differs in: {', '.join(differs)}); use a new key for a "
                    "new operation.",
                    key=key,
                    event=request.event,
                    original_event=entry.event,
                    differs=differs,
                )
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
        raise InvalidInput(
            "档案与申请不属于同一持证人。",
            "The holder record does not belong to this application's holder.",
            field="holder",
        )


def check_version(subject: Subject, expected: int | None) -> None:
    if expected is not None and expected != subject.version:
        raise VersionConflict(
            f"数据已被他人更新（期望版本 {expected}，当前版本 {subject.version}），"
            "请重新读取后再操作。",
            f"The record changed meanwhile (expected version {expected}, current "
            f"{subject.version}); reload it and try again.",
            expected_version=expected,
            actual_version=subject.version,
        )


def transition_for(compiled: CompiledMachine, state: str, event: str, machine: str) -> Transition:
    transition = compiled.table.get((state, event))
    if transition is not None:
        return transition
    allowed = compiled.allowed_from(state)
    if event not in compiled.events:
        raise UnknownEvent(
            f"{machine} 没有事件 {event}。当前可办理：{', '.join(allowed) or '无'}。",
            f"{machine} has no event {event!r}. Allowed now: {', '.join(allowed) or 'none'}.",
            event=event,
            state=state,
            allowed=list(allowed),
        )
    raise EventNotAllowed(
        f"当前状态 {state} 下不能办理 {event}。当前可办理：{', '.join(allowed) or '无'}。",
        f"Event {event!r} is not allowed in state {state!r}. "
        f"Allowed now: {', '.join(allowed) or 'none'}.",
        event=event,
        state=state,
        allowed=list(allowed),
    )


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
    state: str,
    event: str,
    owns: Callable[[Actor], bool],
) -> None:
    if not isinstance(actor, Actor):
        raise InvalidInput(
            "执行人必须是 Actor（角色与身份）。",
            f"The actor must be an Actor (role and identity), not {type(actor).__name__}.",
            field="actor",
            event=event,
        )
    if transition.internal:
        raise NotPermitted(
            f"“{transition.label_zh}”只能由相应业务审核通过引起，不能单独办理；请办理相应业务。",
            f"“{transition.label_en}” happens only as the effect of the business that causes it; "
            "file that business instead.",
            event=event,
            state=state,
            actor=actor.describe(),
            roles=[],
        )
    if actor.role not in transition.roles:
        roles = ", ".join(sorted(role.value for role in transition.roles))
        raise NotPermitted(
            f"{actor.describe()} 不能办理 {event}，应由 {roles} 办理。",
            f"{actor.describe()} may not fire {event!r}; it is for: {roles}.",
            event=event,
            state=state,
            actor=actor.describe(),
            roles=sorted(role.value for role in transition.roles),
        )
    if actor.role is Role.AUTHORITY and actor.level != transition.level:
        raise NotPermitted(
            f"{event} 应由第 {transition.level} 级审核人员办理，当前为第 {actor.level} 级。",
            f"{event!r} in state {state!r} is for review level {transition.level}, "
            f"not level {actor.level}.",
            event=event,
            state=state,
            actor=actor.describe(),
            level=transition.level,
        )
    if not owns(actor):
        raise NotPermitted(
            f"{actor.describe()} 只能办理本人或本单位的业务。",
            f"{actor.describe()} may act only on its own records.",
            event=event,
            state=state,
            actor=actor.describe(),
        )


def check_filer(transition: Transition, actor: Actor, application: Application) -> None:
    """Only the party that filed the application may fire a ``by_filer`` transition."""
    if not transition.by_filer:
        return
    filing = application.latest(transition.by_filer)
    if filing is None or filing.actor == actor:
        return
    raise NotPermitted(
        f"此申请由{filing.actor.role.label_zh}提交，只能由提交方{transition.label_zh}。",
        f"This application was filed by {filing.actor.role.label_en}; only the party that filed "
        f"it may {transition.label_en.lower()} it.",
        event=transition.event,
        state=application.state,
        actor=actor.describe(),
        roles=[filing.actor.role.value],
    )


def check_payload(
    transition: Transition,
    payload: Any,
    opinion: str | None,
    tips: tuple[str, ...],
    reason: str | None = None,
) -> None:
    event = transition.event
    if transition.reason:
        if not (isinstance(reason, str) and reason.strip()):
            raise InvalidInput(
                f"办理“{transition.label_zh}”时必须说明原因。",
                f"“{transition.label_en}” needs a stated reason.",
                field="reason",
                event=event,
            )
    elif reason is not None:
        raise InvalidInput(
            f"“{transition.label_zh}”不附带原因。",
            f"“{transition.label_en}” takes no reason.",
            field="reason",
            event=event,
        )
    if transition.payload is None and payload is not None:
        raise InvalidInput(
            f"事件 {event} 不需要附带数据。",
            f"Event {event!r} takes no payload.",
            field="payload",
            event=event,
        )
    if transition.payload is not None:
        if payload is None and transition.payload_required:
            raise InvalidInput(
                f"事件 {event} 需要附带 {transition.payload.__name__}。",
                f"Event {event!r} needs a {transition.payload.__name__} payload.",
                field="payload",
                event=event,
            )
        if payload is not None and not isinstance(payload, transition.payload):
            raise InvalidInput(
                f"事件 {event} 的数据应为 {transition.payload.__name__}。",
                f"The payload of {event!r} must be a {transition.payload.__name__}, "
                f"not {type(payload).__name__}.",
                field="payload",
                event=event,
            )
    if transition.opinion:
        if not (opinion and opinion.strip()):
            raise InvalidInput(
                "退回时必须填写审核意见。",
                "A return needs a review opinion saying what to fix.",
                field="opinion",
                event=event,
            )
    elif opinion is not None or tips:
        raise InvalidInput(
            f"事件 {event} 不附带审核意见或温馨提示。",
            f"Event {event!r} carries no opinion or tips.",
            field="opinion",
            event=event,
        )
    for index, tip in enumerate(tips):
        if not isinstance(tip, str) or not tip.strip():
            raise InvalidInput(
                "温馨提示不能为空。",
                "A friendly tip cannot be empty.",
                field=f"tips[{index}]",
                event=event,
            )

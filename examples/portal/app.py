"""A district portal embedding permitflow: a small FastAPI service over a real database.

This is an example, not a product. It shows the embedding contract — the portal owns storage,
identity and HTTP; permitflow owns the procedure:

* records are stored as snapshots (``permitflow.to_dict``) and loaded strictly
  (``permitflow.from_dict``); every write is an optimistic ``UPDATE … WHERE version = :expected``
  (see ``store.py``), and a request that lost a race answers 409 and changes nothing;
* an ``Idempotency-Key`` header makes a retried request answer what the first one answered,
  without firing twice;
* findings come back as JSON in the language asked for (``?lang=zh|en`` or ``Accept-Language``).

Identity is taken from headers — ``X-Actor-Role`` (applicant, employer, authority, system),
``X-Actor-Id`` (resident id or credit code) and ``X-Actor-Level`` (review level of an authority
actor) — because this example has no login. A real portal derives the actor from its own
authentication (the unified identity platform, 北京市统一身份认证平台) and never trusts a header.

Run it (from the ``examples`` folder, with the ``portal`` extra installed)::

    PORTAL_DATABASE_URL=sqlite:///portal.db uvicorn --factory portal.app:create_app
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection

import permitflow
from permitflow import (
    FORM_TYPES,
    Actor,
    Blocked,
    BusinessType,
    Engine,
    EventNotAllowed,
    EventOption,
    Finding,
    HolderRecord,
    IdempotencyConflict,
    InputError,
    InvalidInput,
    NotPermitted,
    PermitflowError,
    Role,
    UnknownEvent,
    VersionConflict,
)

from .store import (
    DEFAULT_DATABASE_URL,
    Duplicate,
    KeyReused,
    NotFound,
    Response,
    StaleWrite,
    Store,
    fingerprint,
)

Language = Literal["zh", "en"]
Clock = Callable[[], datetime]


# --- request bodies -----------------------------------------------------------------------------


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewHolder(_Body):
    holder_id: str | None = None
    """A new, empty record for this resident id."""
    snapshot: dict[str, Any] | None = None
    """Or a complete record written by ``permitflow.to_dict`` (an import)."""


class HolderEvent(_Body):
    event: str
    expected_version: int | None = None
    payload: dict[str, Any] | None = None


class NewApplication(_Body):
    holder_id: str
    business_type: str
    application_id: str | None = None
    form: dict[str, Any] | None = None


class AttestationBody(_Body):
    rule_id: str
    note: str = ""
    expected_version: int | None = None


class ApplicationEvent(_Body):
    event: str
    expected_version: int | None = None
    payload: dict[str, Any] | None = None
    opinion: str | None = None
    tips: list[str] = []


# --- errors -------------------------------------------------------------------------------------


class PortalError(Exception):
    """An answer of the portal itself (not found, missing identity …), in both languages."""

    def __init__(self, status: int, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.status, self.code, self.zh, self.en = status, code, zh, en


_STATUS: tuple[tuple[type[PermitflowError], int], ...] = (
    (Blocked, 422),
    (NotPermitted, 403),
    (VersionConflict, 409),
    (EventNotAllowed, 409),
    (IdempotencyConflict, 422),
    (UnknownEvent, 422),
    (InputError, 422),
)


def _status_of(error: PermitflowError) -> int:
    for kind, status in _STATUS:
        if isinstance(error, kind):
            return status
    return 422


def finding_json(finding: Finding, lang: Language) -> dict[str, Any]:
    return {**finding.to_dict(), "message": finding.message(lang)}


def option_json(option: EventOption, lang: Language) -> dict[str, Any]:
    zh = lang == "zh"
    return {
        "event": option.event,
        "allowed": option.allowed,
        "label": option.label_zh if zh else option.label_en,
        "dest": option.dest,
        "reason": option.reason,
        "reason_message": (option.reason_zh if zh else option.reason_en) or None,
        "findings": [finding_json(f, lang) for f in option.findings],
    }


# --- JSON payloads into the engine's payload classes ----------------------------------------------


def _payload(kind: type | None, data: Mapping[str, Any] | None, where: str) -> Any:
    if data is None:
        return None
    if kind is None:
        raise PortalError(
            422, "invalid_input", "此事件不需要附带数据。", f"This event takes no {where}."
        )
    # permitflow.structure reads the wire format of permitflow.to_dict (ISO dates, base64
    # bytes, strict keys) and names each problem by its path.
    try:
        return permitflow.structure(data, kind)
    except InvalidInput as error:
        problems = "; ".join(
            line.replace(" @ $", f" @ $.{where}", 1) for line in error.context["errors"]
        )
        raise PortalError(
            422, "invalid_input",
            f"{where} 的内容不符合要求：{problems}。请修正后重试。",
            f"The {where} is not acceptable: {problems}. Fix it and try again.",
        ) from None  # fmt: skip


def _payload_type(transitions: Any, event: str) -> type | None:
    for transition in transitions:
        if transition.event == event and transition.payload is not None:
            payload: type = transition.payload
            return payload
    return None


# --- the service --------------------------------------------------------------------------------


def _language(
    request: Request, lang: Annotated[Language | None, Query()] = None
) -> Language:
    if lang is not None:
        return lang
    ranked: list[tuple[float, str]] = []
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((quality, tag.strip().lower()))
    for _, tag in sorted(ranked, key=lambda pair: -pair[0]):
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh"
    return "zh"


def _actor(
    x_actor_role: Annotated[str | None, Header()] = None,
    x_actor_id: Annotated[str | None, Header()] = None,
    x_actor_level: Annotated[int | None, Header()] = None,
) -> Actor:
    if not x_actor_role or not x_actor_id:
        raise PortalError(
            401, "actor_required",
            "请在请求头 X-Actor-Role 和 X-Actor-Id 中说明操作人（示例门户，无登录）。",
            "Say who acts in the X-Actor-Role and X-Actor-Id headers (an example portal: no "
            "login).",
        )  # fmt: skip
    try:
        return Actor(Role(x_actor_role), x_actor_id, x_actor_level)
    except ValueError:
        roles = ", ".join(role.value for role in Role)
        raise PortalError(
            401, "actor_required",
            f"X-Actor-Role 应为以下之一：{roles}。", f"X-Actor-Role must be one of: {roles}.",
        ) from None  # fmt: skip


ActorDep = Annotated[Actor, Depends(_actor)]
LangDep = Annotated[Language, Depends(_language)]
KeyDep = Annotated[str | None, Header(alias="Idempotency-Key")]


def create_app(
    database_url: str | None = None,
    *,
    clock: Clock | None = None,
    engine: Engine | None = None,
) -> FastAPI:
    """The portal on ``database_url`` (default: ``PORTAL_DATABASE_URL``, else ``portal.db``).

    ``clock`` gives the moment of each request (default: now, in Beijing); ``engine`` the
    permitflow engine (default: the Haidian rule set).
    """
    store = Store(database_url or os.environ.get("PORTAL_DATABASE_URL", DEFAULT_DATABASE_URL))
    flow = engine or Engine()
    now: Clock = clock or (lambda: datetime.now(UTC))
    app = FastAPI(title="permitflow example portal", version=permitflow.__version__)
    app.state.store = store

    @app.exception_handler(PermitflowError)
    def _permitflow_error(request: Request, error: PermitflowError) -> JSONResponse:
        lang = _language(request, request.query_params.get("lang"))  # type: ignore[arg-type]
        body = error.to_dict(lang)
        body["context"].pop("findings", None)
        content: dict[str, Any] = {"error": body}
        if isinstance(error, Blocked):
            content["findings"] = [finding_json(f, lang) for f in error.findings]
        return JSONResponse(content, status_code=_status_of(error))

    @app.exception_handler(PortalError)
    def _portal_error(request: Request, error: PortalError) -> JSONResponse:
        lang = _language(request, request.query_params.get("lang"))  # type: ignore[arg-type]
        message = error.zh if lang == "zh" else error.en
        return JSONResponse(
            {"error": {"code": error.code, "message": message, "context": {}}},
            status_code=error.status,
        )

    @app.exception_handler(NotFound)
    def _not_found(request: Request, error: NotFound) -> JSONResponse:
        return _portal_error(request, PortalError(
            404, "not_found", f"找不到 {error.kind} {error.key}，请核对编号。",
            f"No {error.kind} {error.key}; check the id.",
        ))  # fmt: skip

    @app.exception_handler(Duplicate)
    def _duplicate(request: Request, error: Duplicate) -> JSONResponse:
        return _portal_error(request, PortalError(
            409, "already_exists", f"{error.kind} {error.key} 已存在，请直接读取它。",
            f"{error.kind} {error.key} already exists; read it instead.",
        ))  # fmt: skip

    @app.exception_handler(StaleWrite)
    def _stale(request: Request, error: StaleWrite) -> JSONResponse:
        return _portal_error(request, PortalError(
            409, "version_conflict", "数据已被他人更新，本次操作未生效；请重新读取后再操作。",
            "The record was changed by someone else meanwhile; nothing was done. Reload it and "
            "try again.",
        ))  # fmt: skip

    @app.exception_handler(KeyReused)
    def _key_reused(request: Request, error: KeyReused) -> JSONResponse:
        return _portal_error(request, PortalError(
            422, "idempotency_key_reused",
            "该幂等键已用于另一个请求；新的操作请使用新的 Idempotency-Key。",
            "This Idempotency-Key was used for another request; use a new key for a new "
            "operation.",
        ))  # fmt: skip

    def respond(
        actor: Actor, key: str | None, route: str, body: BaseModel | None,
        work: Callable[[Connection], Response],
    ) -> JSONResponse:  # fmt: skip
        canonical = json.dumps(
            body.model_dump() if body is not None else None, sort_keys=True, ensure_ascii=False
        )
        (status, content), replayed = store.idempotent(
            actor.describe(), key, fingerprint("POST", route, canonical.encode()), work
        )
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return JSONResponse(content, status_code=status, headers=headers)

    def owns_holder(actor: Actor, holder: HolderRecord) -> bool:
        if actor.role is Role.APPLICANT:
            return actor.id == holder.holder_id
        if actor.role is Role.EMPLOYER:
            employer = holder.association.employer
            return employer is not None and employer.credit_code == actor.id
        return True

    def may_read(actor: Actor, holder: HolderRecord) -> None:
        if not owns_holder(actor, holder):
            raise PortalError(
                403, "not_permitted", "只能查看本人或本单位的记录。",
                "You may read only your own records or your employees'.",
            )  # fmt: skip

    # --- holders --------------------------------------------------------------------------------

    @app.post("/holders", status_code=201)
    def create_holder(
        body: NewHolder, actor: ActorDep, key: KeyDep = None
    ) -> JSONResponse:
        if (body.holder_id is None) == (body.snapshot is None):
            raise PortalError(
                422, "invalid_input", "请给出 holder_id 或完整的 snapshot（二选一）。",
                "Give either a holder_id or a complete snapshot.",
            )  # fmt: skip
        if body.snapshot is not None:
            loaded = permitflow.from_dict(body.snapshot)
            if not isinstance(loaded, HolderRecord):
                raise PortalError(
                    422, "invalid_input", "snapshot 应为持证人档案。",
                    "The snapshot must be a holder record.",
                )  # fmt: skip
            holder = loaded
        else:
            holder = HolderRecord(str(body.holder_id))
        if actor.role not in (Role.SYSTEM, Role.APPLICANT) or (
            actor.role is Role.APPLICANT and actor.id != holder.holder_id
        ):
            raise PortalError(
                403, "not_permitted", "档案只能由本人或系统导入创建。",
                "A holder record is created by its holder or imported by the system.",
            )  # fmt: skip

        def work(connection: Connection) -> Response:
            store.add_holder(connection, holder)
            return 201, {"holder": permitflow.to_dict(holder)}

        return respond(actor, key, "/holders", body, work)

    @app.get("/holders/{holder_id}")
    def read_holder(holder_id: str, actor: ActorDep, lang: LangDep) -> dict[str, Any]:
        with store.transaction() as connection:
            holder = store.holder(connection, holder_id)
        may_read(actor, holder)
        options = flow.allowed_holder_events(holder, actor, now())
        return {
            "holder": permitflow.to_dict(holder),
            "allowed_events": [option_json(o, lang) for o in options],
        }

    @app.post("/holders/{holder_id}/events")
    def fire_holder_event(
        holder_id: str, body: HolderEvent, actor: ActorDep, lang: LangDep, key: KeyDep = None
    ) -> JSONResponse:
        def work(connection: Connection) -> Response:
            holder = store.holder(connection, holder_id)
            payload_type = None
            for definition in flow.holder_definitions:
                payload_type = payload_type or _payload_type(definition.transitions, body.event)
            outcome = flow.fire_holder(
                holder, body.event, actor=actor, at=now(),
                expected_version=body.expected_version, idempotency_key=key,
                payload=_payload(payload_type, body.payload, "payload"),
            )  # fmt: skip
            store.save_holder(connection, holder, outcome.holder)
            return 200, {
                "holder": permitflow.to_dict(outcome.holder),
                "findings": [finding_json(f, lang) for f in outcome.findings],
            }

        return respond(actor, key, f"/holders/{holder_id}/events", body, work)

    # --- applications ---------------------------------------------------------------------------

    @app.post("/applications", status_code=201)
    def start_application(
        body: NewApplication, actor: ActorDep, key: KeyDep = None
    ) -> JSONResponse:
        def work(connection: Connection) -> Response:
            holder = store.holder(connection, body.holder_id)
            may_read(actor, holder)
            try:
                business_type = BusinessType(body.business_type)
            except ValueError:
                known = ", ".join(t.value for t in BusinessType)
                raise PortalError(
                    422, "invalid_input", f"未知的业务类型，可用：{known}。",
                    f"Unknown business type; known: {known}.",
                ) from None  # fmt: skip
            form_type = FORM_TYPES[business_type]
            application = flow.start(
                business_type, holder=holder, at=now(),
                application_id=body.application_id or uuid.uuid4().hex,
                form=_payload(form_type, body.form, "form"),
            )  # fmt: skip
            store.add_application(connection, application)
            return 201, {"application": permitflow.to_dict(application)}

        return respond(actor, key, "/applications", body, work)

    @app.get("/applications/{application_id}")
    def read_application(
        application_id: str, actor: ActorDep, lang: LangDep
    ) -> dict[str, Any]:
        with store.transaction() as connection:
            application = store.application(connection, application_id)
            holder = store.holder(connection, application.holder_id)
        may_read(actor, holder)
        options = flow.allowed_events(application, actor, now(), holder=holder)
        return {
            "application": permitflow.to_dict(application),
            "allowed_events": [option_json(o, lang) for o in options],
        }

    @app.post("/applications/{application_id}/events")
    def fire_application_event(
        application_id: str,
        body: ApplicationEvent,
        actor: ActorDep,
        lang: LangDep,
        key: KeyDep = None,
    ) -> JSONResponse:
        def work(connection: Connection) -> Response:
            application = store.application(connection, application_id)
            holder = store.holder(connection, application.holder_id)
            transitions = flow.definition_for(application, now()).transitions
            outcome = flow.fire(
                application, body.event, actor=actor, at=now(), holder=holder,
                expected_version=body.expected_version, idempotency_key=key,
                payload=_payload(_payload_type(transitions, body.event), body.payload, "payload"),
                opinion=body.opinion, tips=body.tips,
            )  # fmt: skip
            moved = outcome.application
            assert moved is not None  # an application event always returns the application
            store.save_application(connection, application, moved)
            store.save_holder(connection, holder, outcome.holder)
            return 200, {
                "application": permitflow.to_dict(moved),
                "holder_version": outcome.holder.version,
                "findings": [finding_json(f, lang) for f in outcome.findings],
            }

        return respond(actor, key, f"/applications/{application_id}/events", body, work)

    @app.post("/applications/{application_id}/attestations")
    def attest(
        application_id: str,
        body: AttestationBody,
        actor: ActorDep,
        lang: LangDep,
        key: KeyDep = None,
    ) -> JSONResponse:
        """A reviewer records what only a person can judge (a colour scan, lawful housing)."""

        def work(connection: Connection) -> Response:
            application = store.application(connection, application_id)
            holder = store.holder(connection, application.holder_id)
            outcome = flow.attest(
                application, body.rule_id, actor=actor, at=now(), holder=holder,
                note=body.note, expected_version=body.expected_version, idempotency_key=key,
            )  # fmt: skip
            attested = outcome.application
            assert attested is not None  # an attestation always returns the application
            store.save_application(connection, application, attested)
            return 200, {"application": permitflow.to_dict(attested)}

        return respond(actor, key, f"/applications/{application_id}/attestations", body, work)

    @app.get("/applications/{application_id}/check")
    def check_application(
        application_id: str, event: str, actor: ActorDep, lang: LangDep
    ) -> dict[str, Any]:
        with store.transaction() as connection:
            application = store.application(connection, application_id)
            holder = store.holder(connection, application.holder_id)
        may_read(actor, holder)
        findings = flow.check(application, event, at=now(), holder=holder)
        return {
            "event": event,
            "blocked": any(f.blocks for f in findings),
            "findings": [finding_json(f, lang) for f in findings],
        }

    @app.get("/applications/{application_id}/history")
    def application_history(application_id: str, actor: ActorDep) -> dict[str, Any]:
        with store.transaction() as connection:
            application = store.application(connection, application_id)
            holder = store.holder(connection, application.holder_id)
        may_read(actor, holder)
        return {"events": store.events_of("application", application_id)}

    return app

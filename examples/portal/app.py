"""A district portal embedding permitflow: a small FastAPI service over a real database.

This is an example, not a product. It shows the embedding contract — the portal owns storage,
identity and HTTP; permitflow owns the procedure:

* records are stored as snapshots (``permitflow.to_dict``) and loaded strictly
  (``permitflow.from_dict``); every write is an optimistic ``UPDATE … WHERE version = :expected``
  (see ``store.py``), and a request that lost a race answers 409 and changes nothing;
* an ``Idempotency-Key`` header makes a retried request answer what the first one answered,
  without firing twice — also while the first one is still running;
* the trust boundary: an applicant starts a record from the basic information and every later
  change is an engine event; only an authority imports a complete record, and the import is
  audited; each party reads only what the procedure shows it;
* errors are problem details (RFC 9457) with the permitflow error code; findings come back in
  the language asked for (``?lang=zh|en`` or ``Accept-Language``).

Identity is taken from headers — ``X-Actor-Role`` (applicant, employer, authority, system),
``X-Actor-Id`` (resident id or credit code) and ``X-Actor-Level`` (review level of an authority
actor) — because this example has no login. A real portal derives the actor from its own
authentication (the unified identity platform, 北京市统一身份认证平台) and never trusts a header.

Run it (from the ``examples`` folder, with the ``portal`` extra installed)::

    python -m portal migrate      # once per database
    uvicorn --factory portal.app:create_app --workers 3
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any

import attrs
from fastapi import Depends, FastAPI, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel
from sqlalchemy import Connection

import permitflow
from permitflow import (
    FORM_TYPES,
    Actor,
    AssociationState,
    BusinessType,
    Engine,
    EventOption,
    FileInfo,
    Finding,
    HolderRecord,
    InvalidInput,
    Profile,
    Role,
)

from .problems import PROBLEM_JSON, BodyLimit, Language, PortalError, install, language
from .schemas import (
    ActorId,
    ApplicationChanged,
    ApplicationEvent,
    ApplicationId,
    ApplicationOut,
    ApplicationView,
    AttestationBody,
    CheckOut,
    FileName,
    FileOut,
    HistoryOut,
    HolderChanged,
    HolderEvent,
    HolderId,
    HolderImport,
    HolderOut,
    HolderView,
    IdempotencyKey,
    NewApplication,
    NewHolder,
    Problem,
)
from .store import DEFAULT_DATABASE_URL, HOLDER_ID_LENGTH, Response, Store, fingerprint

Clock = Callable[[], datetime]

DEFAULT_BODY_LIMIT = 1024 * 1024
"""Bytes a request body may have: a record with its history fits many times over."""
DEFAULT_FILE_LIMIT = 6 * 1024 * 1024
"""Bytes an uploaded file may have: the largest attachment the rules accept is 5 MB."""


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
        # Each problem with its path inside the request body, the value given and the form
        # expected, in the language asked for.
        inside = error.rebased(f"$.{where}")
        raise PortalError(422, "invalid_input", inside.message_zh, inside.message_en) from None


def _files_in(value: Any) -> Iterator[FileInfo]:
    """Every file a form or an event payload refers to."""
    if isinstance(value, FileInfo):
        yield value
    elif attrs.has(type(value)):
        for attribute in attrs.fields(type(value)):
            yield from _files_in(getattr(value, attribute.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _files_in(item)


def _payload_type(transitions: Any, event: str) -> type | None:
    for transition in transitions:
        if transition.event == event and transition.payload is not None:
            payload: type = transition.payload
            return payload
    return None


# --- who acts -----------------------------------------------------------------------------------


def _language(request: Request, lang: Annotated[Language | None, Query()] = None) -> Language:
    return language(request)


def _actor(
    x_actor_role: Annotated[Role, Header(description="applicant, employer, authority or system")],
    x_actor_id: Annotated[ActorId, Header(description="resident id, credit code or staff id")],
    x_actor_level: Annotated[
        int | None, Header(ge=1, le=9, description="the review level of an authority actor")
    ] = None,
) -> Actor:
    return Actor(x_actor_role, x_actor_id, x_actor_level)


ActorDep = Annotated[Actor, Depends(_actor)]
LangDep = Annotated[Language, Depends(_language)]
KeyDep = Annotated[IdempotencyKey | None, Header(alias="Idempotency-Key")]
HolderPath = Annotated[HolderId, Path()]
ApplicationPath = Annotated[ApplicationId, Path()]


def _problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error answers of a route, for the OpenAPI document."""
    described = {
        401: "Nobody, or nobody known, acts (the X-Actor-* headers).",
        403: "The actor may not do or see this.",
        404: "No such record.",
        409: "A conflict: the record moved on, the event is not allowed from this state, the "
        "record exists, or the request with this Idempotency-Key is still in progress "
        "(with Retry-After).",
        413: "The request body is too large.",
        422: "The request is not acceptable, or the rules block the event (with findings).",
        503: "The database is busy; nothing was done (with Retry-After).",
    }
    return {
        status: {"model": Problem, "description": described[status],
                 "content": {PROBLEM_JSON: {}}}
        for status in statuses
    }  # fmt: skip


def _problems_as_problem_json(document: dict[str, Any]) -> dict[str, Any]:
    """FastAPI files every response model under application/json: errors are problem+json."""
    for methods in document.get("paths", {}).values():
        for operation in methods.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status >= "4" and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
    return document


READS = _problems(401, 403, 404, 413, 422, 503)
WRITES = _problems(401, 403, 404, 409, 413, 422, 503)


def _forbidden() -> PortalError:
    return PortalError(
        403, "not_permitted", "只能查看本人、本单位已关联员工或本单位经办的记录。",
        "You may read only your own records, your associated employees' or the applications "
        "your organisation handles.",
    )  # fmt: skip


def may_read_holder(actor: Actor, holder: HolderRecord) -> None:
    """The holder, the employer whose association the employer approved, and the authority."""
    if actor.role is Role.APPLICANT:
        allowed = actor.id == holder.holder_id
    elif actor.role is Role.EMPLOYER:
        association = holder.association
        allowed = (
            association.state is AssociationState.ASSOCIATED
            and association.employer is not None
            and association.employer.credit_code == actor.id
        )
    else:
        allowed = True
    if not allowed:
        raise _forbidden()


def may_read_application(actor: Actor, application: permitflow.Application) -> None:
    """The holder, the employer the application is handled by, and the authority."""
    if actor.role is Role.APPLICANT:
        allowed = actor.id == application.holder_id
    elif actor.role is Role.EMPLOYER:
        allowed = actor.id == application.employer_id
    else:
        allowed = True
    if not allowed:
        raise _forbidden()


def create_app(
    database_url: str | None = None,
    *,
    clock: Clock | None = None,
    engine: Engine | None = None,
    body_limit: int = DEFAULT_BODY_LIMIT,
    file_limit: int = DEFAULT_FILE_LIMIT,
    lock_wait: float = 5.0,
) -> FastAPI:
    """The portal on ``database_url`` (default: ``PORTAL_DATABASE_URL``, else ``portal.db``).

    The database must have been migrated (``python -m portal migrate``). ``clock`` gives the
    moment of each request (default: now); ``engine`` the permitflow engine (default: the
    Haidian rule set); ``body_limit`` the largest request body accepted, in bytes, and
    ``file_limit`` the largest file (``POST /files``);
    ``lock_wait`` how long a write waits for a lock, in seconds (see :class:`store.Store`).
    """
    url = database_url or os.environ.get("PORTAL_DATABASE_URL", DEFAULT_DATABASE_URL)
    store = Store(url, lock_wait=lock_wait)
    flow = engine or Engine()
    now: Clock = clock or (lambda: datetime.now(UTC))
    # Swagger UI and ReDoc from the installed fastapi-offline package: /docs works offline.
    app = FastAPIOffline(title="permitflow example portal", version=permitflow.__version__)
    app.state.store = store
    app.add_middleware(BodyLimit, limit=body_limit, file_limit=file_limit)
    install(app)
    app.openapi = lambda: _problems_as_problem_json(FastAPI.openapi(app))  # type: ignore[method-assign]

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

    def handed_in(connection: Connection, value: Any) -> Any:
        """``value``, once every file it refers to is one whose bytes the portal was handed
        (``POST /files``) and matches them: declared size, first bytes and digest."""
        for info in _files_in(value):
            content = store.file_content(connection, info.sha256)
            if content is None:
                raise PortalError(
                    422, "file_not_uploaded",
                    f"文件 {info.name} 尚未上传：请先上传文件（POST /files），"
                    "再使用返回的文件信息。",
                    f"The file {info.name} was not uploaded: upload it first (POST /files) and "
                    "use the description it answers.",
                )  # fmt: skip
            info.check_content(content)
        return value

    # --- files ----------------------------------------------------------------------------------

    @app.post("/files", status_code=201, response_model=FileOut, responses=WRITES)
    async def upload_file(request: Request, name: FileName, actor: ActorDep) -> dict[str, Any]:
        """The bytes of a file, as the request body; answers what a record keeps of it.

        The description (real length, first bytes, SHA-256) is read from the bytes, never taken
        from the client; events then refer to the file by it.
        """
        content = await request.body()
        info = store.write(lambda connection: store.add_file(connection, name, content))
        return {"file": permitflow.unstructure(info)}

    # --- holders --------------------------------------------------------------------------------

    @app.post("/holders", status_code=201, response_model=HolderChanged, responses=WRITES)
    def create_holder(
        body: NewHolder, actor: ActorDep, lang: LangDep, key: KeyDep = None
    ) -> JSONResponse:
        """An applicant opens the record of their own resident id.

        The basic information, when given, is its first event (``edit_profile``): what the
        record holds beyond it (an association, a permit) only the engine's events grant.
        """
        if actor.role is not Role.APPLICANT or actor.id != body.holder_id:
            raise PortalError(
                403, "not_permitted", "档案只能由本人创建；完整档案的导入由审核部门办理。",
                "A holder record is opened by its holder; importing a complete record is an "
                "authority's task.",
            )  # fmt: skip
        profile = _payload(Profile, body.profile, "profile")

        def work(connection: Connection) -> Response:
            handed_in(connection, profile)
            holder = HolderRecord(body.holder_id)
            findings: tuple[Finding, ...] = ()
            if profile is not None:
                outcome = flow.fire_holder(
                    holder, "edit_profile", actor=actor, at=now(), payload=profile,
                    idempotency_key=key,
                )  # fmt: skip
                holder, findings = outcome.holder, outcome.findings
            store.add_holder(connection, holder)
            return 201, {
                "holder": permitflow.to_dict(holder),
                "findings": [finding_json(f, lang) for f in findings],
            }

        return respond(actor, key, "/holders", body, work)

    @app.post("/holders/import", status_code=201, response_model=HolderOut, responses=WRITES)
    def import_holder(body: HolderImport, actor: ActorDep, key: KeyDep = None) -> JSONResponse:
        """An authority brings over a complete record; who, when and what is kept (``imports``).

        The snapshot is loaded by ``Engine.load``, which checks it whole and replays its
        history through this engine's machines: what no sequence of events could have produced
        (an association approved by the applicant, times running backwards) is refused.
        """
        if actor.role is not Role.AUTHORITY:
            raise PortalError(
                403, "not_permitted", "只有审核部门可以导入完整档案。",
                "Only an authority imports a complete holder record.",
            )  # fmt: skip
        holder = flow.load(body.snapshot)
        if not isinstance(holder, HolderRecord):
            raise PortalError(
                422, "invalid_input", "snapshot 应为持证人档案。",
                "The snapshot must be a holder record.",
            )  # fmt: skip
        if len(holder.holder_id) > HOLDER_ID_LENGTH or "\x00" in holder.holder_id:
            raise PortalError(
                422, "invalid_input", "档案的证件号码过长或含有非法字符。",
                "The record's resident id is too long or has a forbidden character.",
            )  # fmt: skip
        digest = hashlib.sha256(
            json.dumps(body.snapshot, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()

        def work(connection: Connection) -> Response:
            store.add_holder(connection, holder)
            store.record_import(connection, holder, actor.describe(), now(), digest)
            return 201, {"holder": permitflow.to_dict(holder)}

        return respond(actor, key, "/holders/import", body, work)

    @app.get("/holders/{holder_id}", response_model=HolderView, responses=READS)
    def read_holder(holder_id: HolderPath, actor: ActorDep, lang: LangDep) -> dict[str, Any]:
        with store.reading() as connection:
            holder = store.holder(connection, holder_id)
        may_read_holder(actor, holder)
        options = flow.allowed_holder_events(holder, actor, now())
        return {
            "holder": permitflow.to_dict(holder),
            "allowed_events": [option_json(o, lang) for o in options],
        }

    @app.post("/holders/{holder_id}/events", response_model=HolderChanged, responses=WRITES)
    def fire_holder_event(
        holder_id: HolderPath, body: HolderEvent, actor: ActorDep, lang: LangDep,
        key: KeyDep = None,
    ) -> JSONResponse:  # fmt: skip
        def work(connection: Connection) -> Response:
            holder = store.holder(connection, holder_id)
            payload_type = None
            for definition in flow.holder_definitions:
                payload_type = payload_type or _payload_type(definition.transitions, body.event)
            outcome = flow.fire_holder(
                holder, body.event, actor=actor, at=now(),
                expected_version=body.expected_version, idempotency_key=key,
                payload=handed_in(connection, _payload(payload_type, body.payload, "payload")),
            )  # fmt: skip
            store.save_holder(connection, holder, outcome.holder)
            return 200, {
                "holder": permitflow.to_dict(outcome.holder),
                "findings": [finding_json(f, lang) for f in outcome.findings],
            }

        return respond(actor, key, f"/holders/{holder_id}/events", body, work)

    # --- applications ---------------------------------------------------------------------------

    @app.post("/applications", status_code=201, response_model=ApplicationOut, responses=WRITES)
    def start_application(
        body: NewApplication, actor: ActorDep, key: KeyDep = None
    ) -> JSONResponse:
        def work(connection: Connection) -> Response:
            holder = store.holder(connection, body.holder_id)
            may_read_holder(actor, holder)
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
                form=handed_in(connection, _payload(form_type, body.form, "form")),
            )  # fmt: skip
            store.add_application(connection, application)
            return 201, {"application": permitflow.to_dict(application)}

        return respond(actor, key, "/applications", body, work)

    @app.get("/applications/{application_id}", response_model=ApplicationView, responses=READS)
    def read_application(
        application_id: ApplicationPath, actor: ActorDep, lang: LangDep
    ) -> dict[str, Any]:
        with store.reading() as connection:
            application = store.application(connection, application_id)
            holder = store.holder(connection, application.holder_id)
        may_read_application(actor, application)
        options = flow.allowed_events(application, actor, now(), holder=holder)
        return {
            "application": permitflow.to_dict(application),
            "allowed_events": [option_json(o, lang) for o in options],
        }

    @app.post(
        "/applications/{application_id}/events", response_model=ApplicationChanged,
        responses=WRITES,
    )  # fmt: skip
    def fire_application_event(
        application_id: ApplicationPath, body: ApplicationEvent, actor: ActorDep,
        lang: LangDep, key: KeyDep = None,
    ) -> JSONResponse:  # fmt: skip
        def work(connection: Connection) -> Response:
            application = store.application(connection, application_id)
            holder = store.holder(connection, application.holder_id)
            transitions = flow.definition_for(application, now()).transitions
            payload_type = _payload_type(transitions, body.event)
            outcome = flow.fire(
                application, body.event, actor=actor, at=now(), holder=holder,
                expected_version=body.expected_version, idempotency_key=key,
                payload=handed_in(connection, _payload(payload_type, body.payload, "payload")),
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

    @app.post(
        "/applications/{application_id}/attestations", response_model=ApplicationOut,
        responses=WRITES,
    )  # fmt: skip
    def attest(
        application_id: ApplicationPath, body: AttestationBody, actor: ActorDep,
        key: KeyDep = None,
    ) -> JSONResponse:  # fmt: skip
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

    @app.get("/applications/{application_id}/check", response_model=CheckOut, responses=READS)
    def check_application(
        application_id: ApplicationPath,
        event: Annotated[str, Query(max_length=128)],
        actor: ActorDep,
        lang: LangDep,
    ) -> dict[str, Any]:
        with store.reading() as connection:
            application = store.application(connection, application_id)
            holder = store.holder(connection, application.holder_id)
        may_read_application(actor, application)
        findings = flow.check(application, event, at=now(), holder=holder)
        return {
            "event": event,
            "blocked": any(f.blocks for f in findings),
            "findings": [finding_json(f, lang) for f in findings],
        }

    @app.get("/applications/{application_id}/history", response_model=HistoryOut, responses=READS)
    def application_history(application_id: ApplicationPath, actor: ActorDep) -> dict[str, Any]:
        with store.reading() as connection:
            application = store.application(connection, application_id)
        may_read_application(actor, application)
        return {"events": store.events_of("application", application_id)}

    return app

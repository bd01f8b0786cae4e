"""Every error of the portal as RFC 9457 problem details (``application/problem+json``).

The body carries the permitflow error code (``code``) and its context, and the message in the
language asked for; ``Retry-After`` says when to come back where trying again can help.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from permitflow import (
    Blocked,
    EventNotAllowed,
    IdempotencyConflict,
    InputError,
    InvalidInput,
    NotPermitted,
    PermitflowError,
    UnknownEvent,
    VersionConflict,
)
from permitflow.errors import ABSENT, Expected, Problem

from .store import Busy, Duplicate, InProgress, KeyReused, NotFound, StaleWrite

Language = Literal["zh", "en"]

PROBLEM_JSON = "application/problem+json"
ACTOR_HEADERS = frozenset({"x-actor-role", "x-actor-id", "x-actor-level"})


class PortalError(Exception):
    """An answer of the portal itself (not found, missing identity …), in both languages."""

    def __init__(
        self, status: int, code: str, zh: str, en: str, *, retry_after: int | None = None
    ) -> None:
        super().__init__(en)
        self.status, self.code, self.zh, self.en = status, code, zh, en
        self.retry_after = retry_after


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413)


def language(request: Request) -> Language:
    """``?lang=`` first, then the best of ``Accept-Language``; Chinese by default."""
    asked = request.query_params.get("lang")
    if asked in ("zh", "en"):
        return asked  # type: ignore[return-value]
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


def problem(
    status: int, code: str, message: str, *, context: dict[str, Any] | None = None,
    retry_after: int | None = None, **extra: Any,
) -> JSONResponse:  # fmt: skip
    body = {
        "type": f"urn:permitflow:problem:{code}", "title": message, "status": status,
        "detail": message, "code": code, "context": context or {}, **extra,
    }  # fmt: skip
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def portal_problem(request: Request, error: PortalError) -> JSONResponse:
    message = error.zh if language(request) == "zh" else error.en
    return problem(error.status, error.code, message, retry_after=error.retry_after)


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


# The portal's own answers, by the exception its store or its middleware raises.
_ANSWERS: dict[type[Exception], Callable[[Any], PortalError]] = {
    NotFound: lambda e: PortalError(
        404,
        "not_found",
        f"找不到 {e.kind} {e.key}，请核对编号。",
        f"No {e.kind} {e.key}; check the id.",
    ),
    Duplicate: lambda e: PortalError(
        409,
        "already_exists",
        f"{e.kind} {e.key} 已存在，请直接读取它。",
        f"{e.kind} {e.key} already exists; read it instead.",
    ),
    StaleWrite: lambda _: PortalError(
        409,
        "version_conflict",
        "数据已被他人更新，本次操作未生效；请重新读取后再操作。",
        "The record was changed by someone else meanwhile; nothing was done. Reload it and "
        "try again.",
    ),
    KeyReused: lambda _: PortalError(
        422,
        "idempotency_key_reused",
        "该幂等键已用于另一个请求；新的操作请使用新的 Idempotency-Key。",
        "This Idempotency-Key was used for another request; use a new key for a new operation.",
    ),
    InProgress: lambda _: PortalError(
        409,
        "request_in_progress",
        "使用该幂等键的请求仍在处理中；请稍后用同一个 Idempotency-Key 重试，将得到它的结果。",
        "The request with this Idempotency-Key is still in progress; retry with the same key "
        "shortly to get its answer.",
        retry_after=1,
    ),
    Busy: lambda _: PortalError(
        503,
        "database_busy",
        "系统繁忙，本次操作未生效；请稍后重试。",
        "The database is busy; nothing was done. Try again shortly.",
        retry_after=1,
    ),
}

_HTTP: dict[int, tuple[str, str, str]] = {
    404: ("not_found", "找不到该地址。", "No such address."),
    405: ("method_not_allowed", "该地址不支持此方法。", "This address does not take this method."),
    413: ("body_too_large", "请求内容过大。", "The request body is too large."),
}


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` as problem details."""

    @app.exception_handler(PermitflowError)
    def _permitflow_error(request: Request, error: PermitflowError) -> JSONResponse:
        lang = language(request)
        body = error.to_dict(lang)
        body["context"].pop("findings", None)
        extra: dict[str, Any] = {}
        if isinstance(error, Blocked):
            extra["findings"] = [
                {**f.to_dict(), "message": f.message(lang)} for f in error.findings
            ]
        return problem(
            _status_of(error), body["code"], body["message"], context=body["context"], **extra
        )

    @app.exception_handler(PortalError)
    def _portal_error(request: Request, error: PortalError) -> JSONResponse:
        return portal_problem(request, error)

    for kind, answer in _ANSWERS.items():

        def _answer(
            request: Request, error: Exception, answer: Callable[[Any], PortalError] = answer
        ) -> JSONResponse:
            return portal_problem(request, answer(error))

        app.add_exception_handler(kind, _answer)

    @app.exception_handler(HTTPException)
    def _http(request: Request, error: HTTPException) -> JSONResponse:
        code, zh, en = _HTTP.get(error.status_code, ("http_error", "请求有误。", "Bad request."))
        return portal_problem(request, PortalError(error.status_code, code, zh, en))

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = list(error.errors())
        if any(p["loc"][0] == "header" and str(p["loc"][1]).lower() in ACTOR_HEADERS
               for p in problems):  # fmt: skip
            return portal_problem(request, actor_required())
        found = [_problem(p) for p in problems]
        refused = InvalidInput("unreadable", field=found[0].path, problems=found)
        return portal_problem(request, PortalError(
            422, "invalid_input", refused.message_zh, refused.message_en
        ))  # fmt: skip


_FORMS = {
    "string": "string", "int": "integer", "bool": "boolean", "float": "number",
    "dict": "object", "model": "object", "list": "list", "date": "date", "datetime": "datetime",
}  # fmt: skip
"""pydantic's error types (``string_type``, ``int_parsing``...) by the form they expected."""


def _problem(error: Any) -> Problem:
    """One of FastAPI's validation errors as permitflow words it: path, value given, form."""
    path = "$" + "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"]
    )
    kind = str(error["type"])
    if kind == "missing":
        return Problem("missing", path, ABSENT, Expected("value"))
    expected = Expected(_FORMS.get(kind.partition("_")[0], "value"))
    given = error.get("input")
    shown = given if isinstance(given, str | int | float | bool | list | dict) else None
    return Problem("wrong", path, shown, expected)


def actor_required() -> PortalError:
    return PortalError(
        401, "actor_required",
        "请在请求头 X-Actor-Role、X-Actor-Id（审核人员另加 X-Actor-Level）中正确说明操作人"
        "（示例门户，无登录）。",
        "Say who acts in the X-Actor-Role and X-Actor-Id headers (and X-Actor-Level for a "
        "reviewer); an example portal: no login.",
    )  # fmt: skip


class BodyLimit:
    """Refuse a request body larger than ``limit`` bytes (``file_limit`` for an uploaded file)
    with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int, file_limit: int) -> None:
        self.app, self.limit, self.file_limit = app, limit, file_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.file_limit if scope["path"] == "/files" else self.limit
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge
            return message

        await self.app(scope, limited, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        code, zh, en = _HTTP[413]
        response = portal_problem(request, PortalError(413, code, zh, en))
        await response(scope, receive, send)

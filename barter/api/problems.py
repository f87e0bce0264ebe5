"""Every error leaves as RFC 9457 problem+json with a stable `code`, mapped here and nowhere else."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.types import ExceptionHandlersMap

from barter.api.validation import parameter_errors
from barter.domain.errors import THAI_TITLES, BarterError, TooManyRequests, ValidationFailed
from barter.domain.refusals import thai_detail

log = logging.getLogger("barter.api")

PROBLEM_JSON = "application/problem+json"

_STATUS_CODES: dict[int, tuple[str, str]] = {
    400: ("malformed_request", "Malformed request"),
    401: ("unauthorized", "Missing or invalid API key"),
    403: ("forbidden", "Not allowed for this role"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    406: ("not_acceptable", "Not acceptable"),
    409: ("conflict", "Conflict with the current state"),
    412: ("stale_version", "The resource changed since it was read"),
    413: ("payload_too_large", "Request body too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
    422: ("validation_failed", "Invalid input"),
    428: ("precondition_required", "If-Match header required"),
    429: ("rate_limited", "Too many requests"),
    500: ("internal_error", "Internal server error"),
    503: ("unavailable", "Service unavailable"),
}


# `detail` in Thai for callers who ask for it (Accept-Language: th, with the title from
# THAI_TITLES): BarterError.detail_th where the error carries one (refused fields: their codes in
# the words of barter.domain.refusals, `thai_detail`), else these for the framework's own.
THAI_DETAILS: dict[str, str] = {
    "No such resource": "ไม่มีที่อยู่นี้ในระบบ",
    "Something went wrong on our side": "ระบบขัดข้อง ขออภัย",
    "The change conflicts with data that changed meanwhile; read and retry": (
        "ข้อมูลถูกเปลี่ยนไประหว่างนี้ โปรดอ่านใหม่แล้วลองอีกครั้ง"
    ),
    "Another request is changing the same data; retry": "มีคำขออื่นกำลังแก้ไขข้อมูลเดียวกัน โปรดลองอีกครั้ง",
    "The database took too long; retry": "ฐานข้อมูลตอบช้าเกินไป โปรดลองอีกครั้ง",
}


def wants_thai(request: Request[Any, Any, Any]) -> bool:
    """The caller's most wanted language (Accept-Language, by weight) is Thai."""
    best, best_q = "", 0.0
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and q > best_q:
            best, best_q = tag.lower(), q
    return best.split("-")[0] == "th"


def problem(
    request: Request[Any, Any, Any],
    status: int,
    code: str,
    title: str,
    detail: str,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    detail_th: str | None = None,
) -> Response[Any]:
    body: dict[str, Any] = {
        "type": f"https://barter.example/problems/{code.replace('_', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "code": code,
    }
    if extra:
        body.update(extra)
    if wants_thai(request) and title in THAI_TITLES:
        body["title"] = THAI_TITLES[title]
        body["detail"] = detail_th or THAI_DETAILS.get(detail, detail)
        headers = {**(headers or {}), "Content-Language": "th"}
    return Response(content=body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def barter_error_handler(request: Request[Any, Any, Any], exc: BarterError) -> Response[Any]:
    extra = dict(exc.extra)
    if isinstance(exc, ValidationFailed):
        extra["errors"] = [{"path": e.path, "message": e.message, "code": e.code} for e in exc.errors]
    headers = {"WWW-Authenticate": 'Bearer realm="barter"'} if exc.status == 401 else None
    if isinstance(exc, TooManyRequests):
        headers = {"Retry-After": str(exc.retry_after)}
    return problem(
        request, exc.status, exc.instance_code, exc.title, exc.detail, extra, headers, thai_detail(exc)
    )


def http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if isinstance(exc, ValidationException):
        # Litestar uses 400 for parameters that do not parse; they are refused fields here, with
        # their paths and codes (and Thai) like a body's.
        return barter_error_handler(request, ValidationFailed(parameter_errors(request, exc)))
    if isinstance(exc, NotFoundException) and status == 404:
        code, title = _STATUS_CODES[404]
        return problem(request, 404, code, title, "No such resource")
    if isinstance(exc, MethodNotAllowedException):
        code, title = _STATUS_CODES[405]
        return problem(request, 405, code, title, exc.detail, headers=exc.headers)
    if isinstance(exc, NotAuthorizedException):
        status = 401
    if isinstance(exc, PermissionDeniedException):
        status = 403
    code, title = _STATUS_CODES.get(status, ("http_error", "HTTP error"))
    detail = exc.detail if exc.detail and exc.detail != title else title
    return problem(request, status, code, title, detail, headers=exc.headers)


def database_error_handler(request: Request[Any, Any, Any], exc: asyncpg.PostgresError) -> Response[Any]:
    """Database errors that reach here lost a race the service could not see coming."""
    if isinstance(
        exc, asyncpg.UniqueViolationError | asyncpg.CheckViolationError | asyncpg.ExclusionViolationError
    ):
        return problem(
            request,
            409,
            "conflict",
            "Conflict with the current state",
            "The change conflicts with data that changed meanwhile; read and retry",
        )
    if isinstance(
        exc, asyncpg.LockNotAvailableError | asyncpg.SerializationError | asyncpg.DeadlockDetectedError
    ):
        return problem(
            request, 409, "busy", "Resource busy", "Another request is changing the same data; retry"
        )
    if isinstance(exc, asyncpg.QueryCanceledError):
        return problem(
            request, 503, "unavailable", "Service unavailable", "The database took too long; retry"
        )
    return internal_error_handler(request, exc)


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        request, 500, "internal_error", "Internal server error", "Something went wrong on our side"
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    BarterError: barter_error_handler,
    HTTPException: http_exception_handler,
    asyncpg.PostgresError: database_error_handler,
    Exception: internal_error_handler,
}

"""Errors that carry their HTTP status; the API maps them once to RFC 9457 problem+json.

`code` is the stable, machine-readable name clients rely on; `detail` is for people, and
`detail_th` is the same in Thai where one is written (answered to `Accept-Language: th`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class FieldError:
    """One bad field: `path` like `transfers[2].quantity`, and what is wrong with it.

    `message` is for API clients: English for a body's field (msgspec's, or the service's), and
    for a refused parameter (query, header, path) the code's words, Thai first with the English
    beside (barter.api.validation.parameter_error); `code` is the stable name of the problem and
    `params` its figures, from which a channel writes its own words (the console its Thai)."""

    path: str
    message: str
    code: str = "invalid"
    params: Mapping[str, Any] = field(default_factory=dict)


# Every problem title in Thai, for the callers and channels that speak it (the API answers
# Accept-Language: th with it; a channel says it where an error carries no Thai detail). The HTTP
# framework's own titles (barter/api/problems.py) are here too: one table of titles.
THAI_TITLES: dict[str, str] = {
    "Bad request": "คำขอไม่ถูกต้อง",
    "Malformed request": "รูปแบบคำขอไม่ถูกต้อง",
    "Missing or invalid API key": "ไม่มีรหัส API หรือรหัสไม่ถูกต้อง",
    "Not allowed for this role": "บทบาทนี้ไม่มีสิทธิ์ทำรายการนี้",
    "Not found": "ไม่พบข้อมูล",
    "Method not allowed": "ไม่รองรับวิธีการนี้",
    "Not acceptable": "ไม่สามารถตอบในรูปแบบที่ขอได้",
    "Conflict with the current state": "ขัดกับสถานะปัจจุบัน",
    "The resource changed since it was read": "ข้อมูลเปลี่ยนไปหลังจากที่อ่าน",
    "Request body too large": "เนื้อหาคำขอใหญ่เกินไป",
    "Unsupported media type": "ไม่รองรับชนิดข้อมูลนี้",
    "Invalid input": "ข้อมูลไม่ถูกต้อง",
    "If-Match header required": "ต้องส่งส่วนหัว If-Match",
    "Too many requests": "คำขอมากเกินไป",
    "Internal server error": "ระบบขัดข้อง",
    "Service unavailable": "ระบบไม่พร้อมให้บริการชั่วคราว",
    "Resource busy": "ข้อมูลกำลังถูกแก้ไข",
    "HTTP error": "ข้อผิดพลาด HTTP",
    "JSON nested too deeply": "ข้อมูล JSON ซ้อนกันลึกเกินไป",
}


class BarterError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        extra: Mapping[str, Any] | None = None,
        detail_th: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.detail_th = detail_th
        self.instance_code = code or self.code
        self.extra: dict[str, Any] = dict(extra or {})


class MalformedRequest(BarterError):
    status = 400
    code = "malformed_request"
    title = "Malformed request"


class Unauthorized(BarterError):
    status = 401
    code = "unauthorized"
    title = "Missing or invalid API key"


class Forbidden(BarterError):
    status = 403
    code = "forbidden"
    title = "Not allowed for this role"


class NotFound(BarterError):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(BarterError):
    status = 409
    code = "conflict"
    title = "Conflict with the current state"


class StaleVersion(BarterError):
    status = 412
    code = "stale_version"
    title = "The resource changed since it was read"


class PayloadTooLarge(BarterError):
    status = 413
    code = "payload_too_large"
    title = "Request body too large"


class UnsupportedMediaType(BarterError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported media type"


class ValidationFailed(BarterError):
    """Fields refused: `errors`, each with its code. Where the raise writes no Thai detail, the
    channels say the fields' codes in words (barter.domain.refusals: `said`, `thai_detail`)."""

    status = 422
    code = "validation_failed"
    title = "Invalid input"

    def __init__(
        self,
        errors: Sequence[FieldError],
        detail: str | None = None,
        *,
        code: str | None = None,
        detail_th: str | None = None,
    ) -> None:
        self.errors = list(errors)
        first = "; ".join(f"{e.path}: {e.message}" for e in self.errors[:3])
        super().__init__(
            detail or f"{len(self.errors)} invalid field(s): {first}", code=code, detail_th=detail_th
        )


class PreconditionRequired(BarterError):
    status = 428
    code = "precondition_required"
    title = "If-Match header required"


class TooManyRequests(BarterError):
    """A limit was reached; `retry_after` seconds from now the request may succeed (Retry-After)."""

    status = 429
    code = "rate_limited"
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(detail, code=code, extra={"retry_after": retry_after})
        self.retry_after = retry_after


class ServiceUnavailable(BarterError):
    status = 503
    code = "unavailable"
    title = "Service unavailable"

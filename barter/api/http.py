"""Small HTTP mechanics shared by the features: ETags and If-Match, cursors, idempotent POSTs."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, Protocol, TypeVar

import asyncpg
import msgspec
from litestar import Request, Response
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, PathParameter, QueryParameter

from barter.api.problems import barter_error_handler
from barter.api.schemas import Page
from barter.api.validation import parameter_error
from barter.domain.access import Caller
from barter.domain.clock import Clock
from barter.domain.errors import (
    BarterError,
    Conflict,
    MalformedRequest,
    PreconditionRequired,
    ValidationFailed,
)
from barter.domain.formats import ETAG, ITEM_ID_IN_PATH
from barter.domain.thaidate import buddhist_iso
from barter.schemas.base import secret_fields
from barter.services import idempotency as idem

JSON = "application/json"


def etag(version: int) -> str:
    return f'"v{version}"'


_IF_MATCH = re.compile(r'^\s*(?:W/)?"v(\d{1,9})"\s*$')


IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        required=True,
        max_length=40,
        pattern=ETAG,
        description='The ETag you read, e.g. "v3": 428 when missing, 412 when someone changed it since',
    ),
]


IdPath = Annotated[int, PathParameter(ge=1, le=2**62, description="An id from this API")]
"""Path ids: bounded, so a number no row could have is a 422, not a database overflow."""

ItemIdPath = Annotated[
    str,
    PathParameter(pattern=ITEM_ID_IN_PATH, description="A catalogue item id, such as rice-sticky"),
]
"""Catalogue item ids in a path: their shape is checked, so a NUL or a megabyte is a 4xx, not a 500."""

OptionalIfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        required=False,
        max_length=40,
        pattern=ETAG,
        description="Optional: the ETag you read; a stale one is 412 (transitions are idempotent anyway)",
    ),
]


def expected_version(header: str | None) -> int | None:
    """The version the client last saw (from If-Match); None for `*`. 428 when the header is missing."""
    if header is None or not header.strip():
        raise PreconditionRequired("Send If-Match with the ETag you read, so no one else's change is lost")
    if header.strip() == "*":
        return None
    match = _IF_MATCH.match(header)
    if match is None:
        raise MalformedRequest('If-Match must be an ETag from this API, such as "v3"')
    return int(match.group(1))


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(content=msgspec.json.encode(body), status_code=status, media_type=JSON, headers=headers)


# --- calendars -----------------------------------------------------------------------------------

ShowCalendar = Annotated[
    Literal["gregorian", "buddhist"],
    QueryParameter(
        description="The era dates are shown in: buddhist (2570-06-01 for 1 June 2027) or gregorian "
        "(the default). Calendar dates only; timestamps such as created_at stay RFC 3339.",
    ),
]


def shown_in(calendar: str, out: msgspec.Struct) -> Any:
    """`out` as a response body with its calendar dates in `calendar` (Gregorian: `out` itself)."""
    if calendar != "buddhist":
        return out
    body: dict[str, Any] = msgspec.to_builtins(out)
    for name in out.__struct_fields__:
        value = getattr(out, name)
        if isinstance(value, date) and not isinstance(value, datetime):
            body[name] = buddhist_iso(value)
    return body


# --- cursors -------------------------------------------------------------------------------------


def encode_cursor(sort: str, value: Any, last_id: int) -> str:
    raw = msgspec.json.encode([sort, value, last_id])
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


MAX_ID = 2**62
# Sort values a cursor may carry: the quantities and moments rows can have (issue 16: a forged
# cursor with a 64-bit overflow or the year 1 at +14:00 must be a 422, not a database error).
MAX_SORT_NUMBER = 1e15
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)


def _in_range(value: Any) -> Any:
    if isinstance(value, tuple | list):  # a sort by more than one value: each in range
        for part in value:
            _in_range(part)
    if isinstance(value, float | int) and not -MAX_SORT_NUMBER <= value <= MAX_SORT_NUMBER:
        raise ValueError("out of range")
    if isinstance(value, datetime) and (
        value.tzinfo is None or not EARLIEST <= value.astimezone(UTC) < LATEST
    ):
        raise ValueError("out of range")
    return value


def decode_cursor(cursor: str, sort: str, value_type: Any) -> tuple[Any, int]:
    """(sort value, id) from a cursor made by encode_cursor for the same sort; 422 otherwise."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        got_sort, value, last_id = msgspec.json.decode(raw, type=tuple[str, Any, int])
        if got_sort != sort:
            raise ValueError("sort differs")
        if not 1 <= last_id <= MAX_ID:
            raise ValueError("no row has that id")
        return _in_range(msgspec.convert(value, value_type)), last_id
    except (
        ValueError,
        OverflowError,
        binascii.Error,
        msgspec.DecodeError,
        msgspec.ValidationError,
        TypeError,
    ):
        raise ValidationFailed([parameter_error("cursor", "stale_cursor")]) from None


Cursor = Annotated[str | None, QueryParameter(max_length=400)]
Limit = Annotated[int, QueryParameter(ge=1, le=200, description="Page size")]


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


_Row = TypeVar("_Row", bound=_HasId)


def last_id(cursor: str | None) -> int | None:
    """Where a page of a list in id order starts: the id its cursor ended at (None: the first)."""
    return decode_cursor(cursor, "id", int)[1] if cursor else None


def id_page(data: list[_Row], *, more: bool) -> Page[_Row]:
    """A page of a list in id order; `more` when the query (asked for limit + 1) found a row past it."""
    return Page(data=data, next_cursor=encode_cursor("id", data[-1].id, data[-1].id) if more else None)


# --- idempotent POSTs ----------------------------------------------------------------------------

_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


class SecretNotReplayed(Conflict):
    """A replay of a response that carried a one-time secret: the secret was not kept."""

    code = "secret_not_replayed"

    def __init__(self, resource: Any, withheld: list[str]) -> None:
        fields = ", ".join(withheld)
        super().__init__(
            f"The first request with this Idempotency-Key succeeded, but its response held a secret "
            f"({fields}) that is shown once and not kept, so it cannot be shown again. `resource` is "
            "what that request created: if the secret was lost, revoke or delete it and create another "
            "with a new Idempotency-Key.",
            detail_th=(
                f"คำขอแรกที่ใช้ Idempotency-Key นี้สำเร็จแล้ว แต่คำตอบมีข้อมูลลับ ({fields}) ที่แสดงเพียงครั้งเดียว"
                "และไม่ได้เก็บไว้ จึงแสดงซ้ำไม่ได้ สิ่งที่คำขอแรกสร้างอยู่ใน resource หากข้อมูลลับสูญหาย "
                "โปรดเพิกถอนหรือลบรายการนั้น แล้วสร้างใหม่ด้วย Idempotency-Key ใหม่"
            ),
            extra={"resource": resource, "withheld": withheld},
        )


class Replay(BarterError):
    """Raised to answer a repeated request with the response stored for its Idempotency-Key, or
    with the problem that stands for it (`SecretNotReplayed`)."""

    status = 200
    code = "replay"

    def __init__(self, response: Response[Any] | None = None, problem: BarterError | None = None) -> None:
        super().__init__("replayed")
        self.response = response
        self.problem = problem


def replay_handler(request: Request[Any, Any, Any], exc: Replay) -> Response[Any]:
    if exc.problem is not None:
        response = barter_error_handler(request, exc.problem)
        response.headers["Idempotency-Replayed"] = "true"
        return response
    assert exc.response is not None
    return exc.response


class Idempotency:
    """Stores the response of a POST under the caller's Idempotency-Key, in the request's transaction.

    The key row is inserted first: a concurrent duplicate waits on the unique index until the first
    request commits (then replays its response) or rolls back (then runs itself), bounded by the
    connection's lock_timeout (409 busy). A record older than `idem.RETENTION` is gone or taken
    over: the request is new.

    A response that carries a one-time secret (an API key, a LINE link code, a webhook's signing
    secret: the fields its type declares `shown_once`) is stored without it, and its replay is a
    409 `secret_not_replayed` naming what was created. Keeping the secret, even encrypted under the
    server secret, would put a copy at rest that the service otherwise never has (it keeps keys and
    codes only as HMACs); and answering the resource without its secret would look to a client
    like a success with a blank secret. The effect still happens once; only the first caller ever
    sees the secret, and replays are scoped to the caller's key, so no one else can ask for it.
    """

    def __init__(
        self,
        conn: asyncpg.Connection,
        caller: Caller,
        key: str | None,
        method: str,
        path: str,
        clock: Clock,
    ) -> None:
        self.conn = conn
        self.caller = caller
        self.key = key
        self.method = method
        self.path = path
        self.clock = clock
        self.request_hash = ""

    async def begin(self, body: bytes) -> None:
        if self.key is None:
            return
        if not _KEY.match(self.key):
            raise ValidationFailed([parameter_error("Idempotency-Key", "idempotency_key")])
        try:
            canonical = (
                msgspec.json.encode(msgspec.json.decode(body), order="sorted") if body.strip() else b""
            )
        except msgspec.DecodeError:
            canonical = body
        self.request_hash = hashlib.sha256(
            self.method.encode() + b" " + self.path.encode() + b"\n" + canonical
        ).hexdigest()
        stored = await idem.claim(
            self.conn, self.caller, self.key, self.method, self.path, self.request_hash, self.clock.now()
        )
        if stored is None:
            return
        if stored["request_hash"] != self.request_hash:
            raise ValidationFailed(
                [parameter_error("Idempotency-Key", "key_reused")], code="idempotency_key_reused"
            )
        if stored["status"] is None:
            # Claimed by a request that has not finished; cannot happen after the wait, but be safe.
            raise BarterError("A request with this Idempotency-Key is still in progress", code="busy")
        if stored["withheld"]:
            resource = msgspec.json.decode(bytes(stored["body"]))
            raise Replay(problem=SecretNotReplayed(resource, list(stored["withheld"])))
        headers = {**(stored["headers"] or {}), "Idempotency-Replayed": "true"}
        raise Replay(
            Response(
                content=bytes(stored["body"]), status_code=stored["status"], media_type=JSON, headers=headers
            )
        )

    async def respond(
        self, body: Any, status: int = 201, headers: dict[str, str] | None = None
    ) -> Response[Any]:
        encoded = msgspec.json.encode(body)
        if self.key is not None:
            withheld = secret_fields(body)
            kept = encoded
            if withheld:
                builtins: dict[str, Any] = msgspec.to_builtins(body)
                kept = msgspec.json.encode({k: v for k, v in builtins.items() if k not in withheld})
            await idem.store(self.conn, self.caller, self.key, status, kept, headers or {}, withheld)
        return Response(content=encoded, status_code=status, media_type=JSON, headers=headers)


IdempotencyDep = NamedDependency[Idempotency]

"""Sending to LINE: reply (with the event's reply token) and push (to a user, group or room).

`LinePlatform` is the interface the service uses; `LineHttpClient` speaks the Messaging API over
HTTPS, and tests point it at a local stand-in of the platform. Pushes carry `X-Line-Retry-Key`
(a UUID per notice), so a retry after a timeout is answered 409 instead of being sent twice;
409 therefore counts as delivered. Replies take no retry key (LINE answers 400 to one); a reply
token is spent once. `SendResult.nothing_sent` says when LINE certainly sent nothing (a 4xx, or
never reached): after a 5xx or no answer the message may have gone out.
"""

from __future__ import annotations

import asyncio
import ssl
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import httpcore
import msgspec

from barter.channels.line.messages import MAX_MESSAGES, Message
from barter.tls import client_context

API_BASE = "https://api.line.me"
REPLY_PATH = "/v2/bot/message/reply"
PUSH_PATH = "/v2/bot/message/push"


@dataclass(frozen=True, slots=True)
class SendResult:
    status: int | None
    error: str | None = None
    unsent: bool = False  # LINE was never reached (no connection): nothing of the request arrived

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def nothing_sent(self) -> bool:
        """LINE certainly sent nothing for the request: it refused it (4xx) or was never reached.
        Otherwise (2xx, 5xx, no answer) the message may have gone out: LINE says that even a 5xx
        or a timeout may follow a message it sent."""
        return not self.ok and (self.unsent or (self.status is not None and 400 <= self.status < 500))

    @property
    def retryable(self) -> bool:
        """Worth another attempt: no answer, rate limited, or the platform's own failure."""
        return not self.ok and (self.status is None or self.status == 429 or self.status >= 500)


class LinePlatform(Protocol):
    async def reply(self, reply_token: str, messages: Sequence[Message]) -> SendResult: ...

    async def push(self, to: str, messages: Sequence[Message], retry_key: uuid.UUID) -> SendResult: ...


class _Reply(msgspec.Struct, rename="camel"):
    reply_token: str
    messages: list[Message]


class _Push(msgspec.Struct):
    to: str
    messages: list[Message]


class LineHttpClient:
    def __init__(self, access_token: str, *, base_url: str = API_BASE, timeout_s: float = 10.0) -> None:
        self._token = access_token
        self._base = base_url.rstrip("/")
        self._timeout_s = timeout_s
        self._pool = httpcore.AsyncConnectionPool(ssl_context=client_context(), keepalive_expiry=30.0)

    async def reply(self, reply_token: str, messages: Sequence[Message]) -> SendResult:
        body = msgspec.json.encode(_Reply(reply_token=reply_token, messages=list(messages[:MAX_MESSAGES])))
        return await self._post(REPLY_PATH, body, {})

    async def push(self, to: str, messages: Sequence[Message], retry_key: uuid.UUID) -> SendResult:
        body = msgspec.json.encode(_Push(to=to, messages=list(messages[:MAX_MESSAGES])))
        result = await self._post(PUSH_PATH, body, {"x-line-retry-key": str(retry_key)})
        if result.status == 409:  # this retry key was already accepted: the message went out before
            return SendResult(409)
        return result

    async def _post(self, path: str, body: bytes, extra: dict[str, str]) -> SendResult:
        headers = {
            "authorization": f"Bearer {self._token}",
            "content-type": "application/json",
            **extra,
        }
        timeouts = dict.fromkeys(("connect", "read", "write", "pool"), self._timeout_s)
        try:
            async with asyncio.timeout(self._timeout_s):
                response = await self._pool.request(
                    "POST",
                    self._base + path,
                    headers=list(headers.items()),
                    content=body,
                    extensions={"timeout": timeouts},
                )
        except (httpcore.ConnectError, httpcore.ConnectTimeout, httpcore.PoolTimeout) as exc:
            return SendResult(None, f"LINE not reached: {type(exc).__name__}: {exc}"[:300], unsent=True)
        except (TimeoutError, httpcore.TimeoutException):
            return SendResult(None, f"no response within {self._timeout_s:g} s")
        except (httpcore.NetworkError, httpcore.ProtocolError, ssl.SSLError) as exc:
            return SendResult(None, f"{type(exc).__name__}: {exc}"[:300])
        if 200 <= response.status < 300:
            return SendResult(response.status)
        detail = response.content[:300].decode("utf-8", "replace")
        return SendResult(response.status, f"HTTP {response.status}: {detail}")

    async def aclose(self) -> None:
        await self._pool.aclose()

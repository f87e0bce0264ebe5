"""One HTTP POST per delivery attempt, to vetted addresses only.

httpcore (under httpx) lets the connection layer be replaced: `VettedBackend` resolves the host
itself, refuses private targets (unless allowed) and connects to the addresses it checked, while
TLS still verifies the certificate against the URL's host name. Redirects are never followed: a
3xx is a failed attempt, as the Standard Webhooks guidance says.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpcore

from barter.tls import client_context
from barter.webhooks.targets import TargetRefused, parse_target, vetted_addresses

USER_AGENT = "barter-webhooks/1"
MAX_RESPONSE_BYTES = 64 * 1024


class VettedBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await vetted_addresses(host, port, allow_private=self.allow_private)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("webhooks are delivered over TCP only")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass(frozen=True, slots=True)
class Outcome:
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.error is None


class Sender:
    """Posts signed bodies; keeps connections alive between deliveries to the same receiver."""

    def __init__(self, *, allow_private: bool, timeout_s: float, max_connections: int = 64) -> None:
        self.allow_private = allow_private
        self.timeout_s = timeout_s
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=client_context(),
            max_connections=max_connections,
            keepalive_expiry=30.0,
            network_backend=VettedBackend(allow_private=allow_private),
        )

    async def post(self, url: str, headers: dict[str, str], body: bytes) -> Outcome:
        started = time.monotonic()
        status: int | None = None
        error: str | None = None
        try:
            parse_target(url, allow_private=self.allow_private)
            timeouts = {
                "connect": self.timeout_s,
                "read": self.timeout_s,
                "write": self.timeout_s,
                "pool": self.timeout_s,
            }
            async with asyncio.timeout(self.timeout_s):
                async with self._pool.stream(
                    "POST",
                    url,
                    headers=[*headers.items(), ("user-agent", USER_AGENT)],
                    content=body,
                    extensions={"timeout": timeouts},
                ) as response:
                    status = response.status
                    seen = 0
                    async for chunk in response.aiter_stream():
                        seen += len(chunk)
                        if seen > MAX_RESPONSE_BYTES:
                            break
            if status is None or not 200 <= status < 300:
                error = f"HTTP {status}"
        except TargetRefused as exc:
            error = f"refused: {exc}"
        except (TimeoutError, httpcore.TimeoutException):
            error = f"no response within {self.timeout_s:g} s"
        except (
            httpcore.NetworkError,
            httpcore.ProtocolError,
            httpcore.UnsupportedProtocol,
            ssl.SSLError,
        ) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500] if str(exc) else type(exc).__name__
        duration_ms = int((time.monotonic() - started) * 1000)
        return Outcome(status, error, duration_ms)

    async def aclose(self) -> None:
        await self._pool.aclose()

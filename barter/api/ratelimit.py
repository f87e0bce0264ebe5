"""Per-key and per-address rate limits, stricter for failed keys (issue 16), counted in
PostgreSQL so that every server process shares them.

Fixed windows of `rate_limit_window_s` (Settings): a key may make `rate_limit_per_key` requests
in a window and an address `rate_limit_per_address`; an address that sent `rate_limit_auth_failures`
unknown, revoked or malformed keys in a window is refused (even with a good key) until the window
ends. Beyond a limit: 429 problem+json with Retry-After. A limit of 0 is off. The address is the
connecting peer's: behind a proxy, every client shares the proxy's address.

Windows follow the app's clock, so tests move time instead of waiting.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from litestar import Request

from barter.domain.access import Caller
from barter.domain.errors import TooManyRequests
from barter.settings import Settings
from barter.storage.repos import ratelimit as repo


class Window:
    """The fixed window `now` falls in."""

    def __init__(self, now: datetime, seconds: int) -> None:
        epoch = now.timestamp()
        self.start = datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)
        self.retry_after = max(1, math.ceil(self.start.timestamp() + seconds - epoch))


def _address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def _window(request: Request[Any, Any, Any]) -> tuple[Settings, Window]:
    settings: Settings = request.app.state.settings
    return settings, Window(request.app.state.clock.now(), settings.rate_limit_window_s)


async def refuse_locked_out(request: Request[Any, Any, Any], conn: asyncpg.Connection) -> None:
    """429 before the key is even looked up when this address sent too many bad keys."""
    settings, window = _window(request)
    if not settings.rate_limit_auth_failures:
        return
    failed = await repo.hits(conn, f"failed:{_address(request)}", window.start)
    if failed >= settings.rate_limit_auth_failures:
        raise TooManyRequests(
            f"Too many unknown or invalid API keys from your address; try again in {window.retry_after} s",
            retry_after=window.retry_after,
            code="too_many_failed_keys",
        )


async def count_failure(request: Request[Any, Any, Any]) -> None:
    """Count a failed key against the address (on a connection of its own: the request fails)."""
    settings, window = _window(request)
    if not settings.rate_limit_auth_failures:
        return
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        await repo.hit(conn, [f"failed:{_address(request)}"], window.start)  # type: ignore[arg-type]


async def count_request(request: Request[Any, Any, Any], conn: asyncpg.Connection, caller: Caller) -> None:
    """Count a request of a known key; 429 past the key's or the address's limit."""
    settings, window = _window(request)
    limits = {
        f"key:{caller.key_id}": settings.rate_limit_per_key,
        f"address:{_address(request)}": settings.rate_limit_per_address,
    }
    limits = {bucket: limit for bucket, limit in limits.items() if limit}
    if not limits:
        return
    counts = await repo.hit(conn, list(limits), window.start)
    for bucket, limit in limits.items():
        if counts.get(bucket, 0) > limit:
            whose = "this API key" if bucket.startswith("key:") else "your address"
            raise TooManyRequests(
                f"More than {limit} requests in {settings.rate_limit_window_s} s from {whose}; "
                f"try again in {window.retry_after} s",
                retry_after=window.retry_after,
            )


async def prune(conn: asyncpg.Connection, now: datetime, settings: Settings) -> None:
    """Forget windows that ended (the expiry sweeper calls this)."""
    await repo.prune(conn, now - timedelta(seconds=2 * settings.rate_limit_window_s))

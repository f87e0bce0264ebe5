"""Per-key and per-address rate limits, stricter for failed keys (issue 16).

Fixed windows of `rate_limit_window_s` (Settings), counted in PostgreSQL so that every server
process shares them (barter/services/ratelimit.py): a key may make `rate_limit_per_key` requests in
a window and an address `rate_limit_per_address`; an address that sent `rate_limit_auth_failures`
unknown, revoked or malformed keys in a window is refused (even with a good key) until the window
ends. Beyond a limit: 429 problem+json with Retry-After. A limit of 0 is off. The address is the
connecting peer's: behind a proxy, every client shares the proxy's address. Public routes
(health, reference data) are not counted.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar import Request

from barter.domain.access import Caller
from barter.domain.errors import TooManyRequests
from barter.services import ratelimit
from barter.services.ratelimit import Window
from barter.settings import Settings


def _address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def _window(request: Request[Any, Any, Any]) -> tuple[Settings, Window]:
    settings: Settings = request.app.state.settings
    return settings, Window(request.app.state.clock.now(), settings.rate_limit_window_s)


async def refuse_locked_out(request: Request[Any, Any, Any], conn: asyncpg.Connection) -> None:
    """429 before the key is even looked up when this address sent too many bad keys."""
    settings, window = _window(request)
    if await ratelimit.over(conn, f"failed:{_address(request)}", settings.rate_limit_auth_failures, window):
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
        limits = {f"failed:{_address(request)}": settings.rate_limit_auth_failures}
        await ratelimit.count(conn, limits, window)  # type: ignore[arg-type]


async def count_request(request: Request[Any, Any, Any], conn: asyncpg.Connection, caller: Caller) -> None:
    """Count a request of a known key; 429 past the key's or the address's limit."""
    settings, window = _window(request)
    limits = {
        f"key:{caller.key_id}": settings.rate_limit_per_key,
        f"address:{_address(request)}": settings.rate_limit_per_address,
    }
    for bucket in await ratelimit.count(conn, limits, window):
        whose = "this API key" if bucket.startswith("key:") else "your address"
        raise TooManyRequests(
            f"More than {limits[bucket]} requests in {settings.rate_limit_window_s} s from {whose}; "
            f"try again in {window.retry_after} s",
            retry_after=window.retry_after,
        )

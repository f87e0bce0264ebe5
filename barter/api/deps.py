"""Request-scoped dependencies: one transaction per request, owned here and nowhere else.

The connection is a generator dependency, and Litestar does not clean up a generator that has
already yielded when a dependency resolved after it raises: the connection would never go back
to the pool. So everything that may refuse a request (authentication, body validation, the
Idempotency-Key claim) happens before the connection's first yield: the caller is resolved first
(the connection depends on it), and the idempotency claim runs inside the generator itself, where
an exception unwinds its own `async with` blocks.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any, cast

import asyncpg
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency

from barter.api.http import Idempotency
from barter.domain.access import Caller


async def provide_connection(
    request: Request[Any, Any, Any], state: State, caller: NamedDependency[Caller]
) -> AsyncGenerator[asyncpg.Connection, None]:
    """One pooled connection and, for requests that change anything, one transaction: committed
    when the handler succeeds (before the response is sent), rolled back when it raises.

    GET and HEAD only read, statement by statement; a transaction around them would cost two
    round trips and buy nothing, since no read depends on another's snapshot.
    """
    pool: asyncpg.Pool = state.pool
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        if request.method in ("GET", "HEAD"):
            yield conn
            return
        async with conn.transaction():
            idempotency = Idempotency(
                conn, caller, request.headers.get("idempotency-key"), request.method, request.url.path
            )
            if request.method == "POST":
                await idempotency.begin(await request.body())
            request.state.idempotency = idempotency
            yield conn


async def provide_public_connection(state: State) -> AsyncGenerator[asyncpg.Connection, None]:
    """A connection for the public reference routes (no caller, reads only)."""
    pool: asyncpg.Pool = state.pool
    async with pool.acquire() as proxy:
        yield cast(asyncpg.Connection, proxy)


def provide_idempotency(
    request: Request[Any, Any, Any], conn: NamedDependency[asyncpg.Connection]
) -> Idempotency:
    """The request's Idempotency-Key record, claimed when the connection was opened."""
    idempotency: Idempotency = request.state.idempotency
    return idempotency


Conn = NamedDependency[asyncpg.Connection]
"""Annotate a handler parameter `conn: Conn` to receive the request's transaction."""

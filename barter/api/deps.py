"""Request-scoped dependencies: one transaction per request, owned here and nowhere else."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any, cast

import asyncpg
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency


async def provide_connection(
    request: Request[Any, Any, Any], state: State
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
        else:
            async with conn.transaction():
                yield conn


Conn = NamedDependency[asyncpg.Connection]
"""Annotate a handler parameter `conn: Conn` to receive the request's transaction."""

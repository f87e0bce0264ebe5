"""Request-scoped dependencies: one transaction per request, owned here and nowhere else."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import cast

import asyncpg
from litestar.datastructures import State
from litestar.di import NamedDependency


async def provide_connection(state: State) -> AsyncGenerator[asyncpg.Connection, None]:
    """One pooled connection and one transaction per request: committed when the handler
    succeeds (before the response is sent), rolled back when it raises."""
    pool: asyncpg.Pool = state.pool
    async with pool.acquire() as proxy, proxy.transaction():
        yield cast(asyncpg.Connection, proxy)


Conn = NamedDependency[asyncpg.Connection]
"""Annotate a handler parameter `conn: Conn` to receive the request's transaction."""

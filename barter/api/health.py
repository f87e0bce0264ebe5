from __future__ import annotations

import asyncpg
from litestar import get
from litestar.datastructures import State

from barter import __version__
from barter.api.openapi import problems
from barter.domain.errors import ServiceUnavailable
from barter.schemas.reference import Health


@get("/health", tags=["health"], summary="Liveness with a database round trip", responses=problems(503))
async def health(state: State) -> Health:
    pool: asyncpg.Pool = state.pool
    try:
        async with pool.acquire(timeout=5) as conn:
            await conn.fetchval("SELECT 1")
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise ServiceUnavailable(f"database unreachable: {type(exc).__name__}") from exc
    return Health(status="ok", database="ok", version=__version__)

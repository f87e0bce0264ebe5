"""Pooled connections: the session settings every request relies on."""

from __future__ import annotations

import asyncio

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from barter.storage.database import Database


async def test_pools_plan_each_statement_for_its_parameters(database_url: str) -> None:
    pool = await Database(url=database_url).create_pool(
        min_size=1, max_size=1, server_settings={"lock_timeout": "2s"}
    )
    try:
        async with pool.acquire() as conn:
            assert await conn.fetchval("SHOW plan_cache_mode") == "force_custom_plan"
            assert await conn.fetchval("SHOW lock_timeout") == "2s"
    finally:
        await pool.close()


async def test_the_app_pools_keep_custom_plans_and_their_timeouts(
    app: Litestar, client: AsyncTestClient[Litestar]
) -> None:
    async def settings_of(pool: asyncpg.Pool) -> tuple[str, str]:
        async with pool.acquire() as conn:
            return await conn.fetchval("SHOW plan_cache_mode"), await conn.fetchval("SHOW statement_timeout")

    # the pools live on the app's own event loop, in the test client's thread
    for pool in (app.state.pool, app.state.export_pool):
        shown = await asyncio.to_thread(client.blocking_portal.call, settings_of, pool)
        assert shown == ("force_custom_plan", "30s")


async def test_a_released_connection_comes_back_without_its_transaction(database_url: str) -> None:
    pool = await Database(url=database_url).create_pool(min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            tx = conn.transaction()
            await tx.start()
            await conn.execute("CREATE TEMP TABLE left_open (x int)")
        async with pool.acquire() as conn:
            assert not conn.is_in_transaction()
            assert await conn.fetchval("SELECT to_regclass('pg_temp.left_open')") is None
    finally:
        await pool.close()

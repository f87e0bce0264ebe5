"""Counting the SQL statements a block runs on one connection (asyncpg's query logger)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

ASYNCPG_INTROSPECTION = ("typeinfo_tree", "current_setting('jit')", "set_config('jit'")


@asynccontextmanager
async def counted(db: asyncpg.Connection) -> AsyncIterator[list[str]]:
    """The statements `db` runs inside the block (asyncpg's query logger sees every one), less
    asyncpg's own type introspection, which it runs once per connection for a type it first meets.

    asyncpg calls a logger with `loop.call_soon`: the block's last statement is logged only once the
    loop turns. A future resolved by a callback queued after it is awaited before the logger goes."""
    seen: list[str] = []

    def log(record: Any) -> None:
        if not any(mark in record.query for mark in ASYNCPG_INTROSPECTION):
            seen.append(record.query)

    db.add_query_logger(log)
    try:
        yield seen
        turned = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_soon(turned.set_result, None)
        await turned
    finally:
        db.remove_query_logger(log)

"""Rate-limit counters in PostgreSQL, so every server process counts against the same limits."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from barter.storage.sql import query


async def hit(conn: asyncpg.Connection, buckets: list[str], window_start: datetime) -> dict[str, int]:
    """Count one request in each bucket of the window; the buckets' counts after it."""
    rows = await conn.fetch(query("rate_hit"), sorted(buckets), window_start)
    return {r["bucket"]: r["hits"] for r in rows}


async def hits(conn: asyncpg.Connection, bucket: str, window_start: datetime) -> int:
    count: int = await conn.fetchval(query("rate_hits"), bucket, window_start)
    return count


async def prune(conn: asyncpg.Connection, before: datetime) -> None:
    await conn.execute(query("rate_prune"), before)

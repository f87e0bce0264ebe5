"""Requests for runs across regions, and each region's answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from barter.domain.access import Caller
from barter.storage.sql import query


async def insert(
    conn: asyncpg.Connection,
    regions: list[str],
    overrides: dict[str, Any],
    requested_by: int,
    now: datetime,
    expires_at: datetime,
) -> int:
    request_id: int = await conn.fetchval(
        query("insert_run_request"), sorted(regions), overrides, requested_by, now, expires_at
    )
    await conn.execute(query("insert_run_consents"), request_id, sorted(regions))
    return request_id


async def lock(conn: asyncpg.Connection, request_id: int) -> bool:
    """Lock the request for this transaction; False when there is none."""
    return await conn.fetchval(query("lock_run_request"), request_id) is not None


async def get(conn: asyncpg.Connection, request_id: int) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("get_run_request"), request_id)
    return row


async def list_for(conn: asyncpg.Connection, caller: Caller, limit: int) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        query("list_run_requests"), caller.is_admin, sorted(caller.regions), limit
    )
    return rows


async def answer(
    conn: asyncpg.Connection,
    request_id: int,
    regions: list[str],
    answer: str,
    key_id: int,
    now: datetime,
    reason: str | None,
) -> list[str]:
    """Answer the regions still waiting; the regions answered."""
    rows = await conn.fetch(
        query("answer_run_consents"), request_id, sorted(regions), answer, key_id, now, reason
    )
    return [r["region"] for r in rows]


async def decide(
    conn: asyncpg.Connection, request_id: int, status: str, now: datetime, run_id: int | None = None
) -> bool:
    return await conn.fetchval(query("decide_run_request"), request_id, status, now, run_id) is not None

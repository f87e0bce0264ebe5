"""Scheduled "arriving" notices: written at dispatch, announced by the sweeper when due."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from barter.storage.sql import query


async def legs(conn: asyncpg.Connection, proposal_id: int) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("arrival_legs"), proposal_id)
    return rows


async def schedule(
    conn: asyncpg.Connection, proposal_id: int, receiver_id: int, expected_at: datetime, due_at: datetime
) -> None:
    await conn.execute(query("schedule_arrival"), proposal_id, receiver_id, expected_at, due_at)


async def due(conn: asyncpg.Connection, now: datetime, limit: int) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("due_arrivals"), now, limit)
    return rows


async def finish(
    conn: asyncpg.Connection, proposal_id: int, receiver_id: int, state: str, now: datetime
) -> None:
    await conn.execute(query("finish_arrival"), proposal_id, receiver_id, state, now)

"""SMS consent per community: the number and the opt-in or opt-out."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from barter.storage.repos import one
from barter.storage.sql import query


async def get(conn: asyncpg.Connection, community_id: int) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("get_sms_consent"), community_id)
    return row


async def opt_in(
    conn: asyncpg.Connection, community_id: int, number: str, key_id: int | None, now: datetime
) -> asyncpg.Record:
    return await one(conn, query("opt_in_sms"), community_id, number, key_id, now)


async def opt_out(
    conn: asyncpg.Connection, community_id: int, key_id: int | None, now: datetime
) -> asyncpg.Record | None:
    """The consent after the opt-out; None when the community was not opted in."""
    row: asyncpg.Record | None = await conn.fetchrow(query("opt_out_sms"), community_id, key_id, now)
    return row

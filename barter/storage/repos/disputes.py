"""Disputes: a delivery that arrived short or spoiled, until a coordinator resolves it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import asyncpg

from barter.domain.access import Caller
from barter.storage.sql import query


async def insert(
    conn: asyncpg.Connection,
    transfer: asyncpg.Record,
    *,
    regions: list[str],
    received: float,
    condition: str,
    now: datetime,
) -> int:
    dispute_id: int = await conn.fetchval(
        query("insert_dispute"),
        transfer["proposal_id"],
        transfer["position"],
        transfer["giver_id"],
        transfer["receiver_id"],
        sorted(set(regions)),
        transfer["item_id"],
        transfer["unit"],
        Decimal(f"{transfer['quantity']:.4f}"),
        Decimal(f"{received:.4f}"),
        condition,
        transfer["receipt_note"],
        transfer["photo_ref"],
        now,
    )
    return dispute_id


async def get(conn: asyncpg.Connection, dispute_id: int) -> asyncpg.Record | None:
    """The dispute under its row lock (reads in a write transaction lock it; plain reads are cheap)."""
    row: asyncpg.Record | None = await conn.fetchrow(query("get_dispute"), dispute_id)
    return row


async def list_ids(
    conn: asyncpg.Connection,
    caller: Caller,
    *,
    status: str | None,
    proposal_id: int | None,
    before_id: int | None,
    limit: int,
) -> list[int]:
    sees_all = caller.is_admin
    rows = await conn.fetch(
        query("list_disputes"),
        sees_all,
        sorted(caller.regions) if caller.role == "coordinator" else [],
        caller.community_id if caller.role == "community" else None,
        status,
        proposal_id,
        before_id,
        limit,
    )
    return [r["id"] for r in rows]


async def resolve(
    conn: asyncpg.Connection, dispute_id: int, status: str, note: str | None, key_id: int, now: datetime
) -> bool:
    return await conn.fetchval(query("resolve_dispute"), dispute_id, status, note, key_id, now) is not None

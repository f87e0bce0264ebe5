"""Repair after a decline: who ended a proposal, the declined arcs cooling down, repair runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from barter.storage.sql import query

NOTIFY_CHANNEL = "barter_repair"  # insert_repair_run notifies it when its transaction commits


async def mark_ended_by(
    conn: asyncpg.Connection, proposal_id: int, community_id: int | None, regions: Sequence[str] | None
) -> None:
    await conn.execute(query("mark_ended_by"), proposal_id, community_id, list(regions) if regions else None)


async def insert_declined_arcs(
    conn: asyncpg.Connection,
    proposal_id: int,
    arcs: Sequence[tuple[int, int]],
    *,
    community_id: int | None,
    regions: Sequence[str] | None,
    now: datetime,
) -> None:
    await conn.execute(
        query("insert_declined_arcs"),
        proposal_id,
        [o for o, _ in arcs],
        [n for _, n in arcs],
        community_id,
        list(regions) if regions else None,
        now,
    )


async def cooling_arcs(
    conn: asyncpg.Connection, since: datetime, offers: Sequence[int], needs: Sequence[int]
) -> list[tuple[int, int]]:
    """The (offer, need) pairs among these offers and needs declined after `since`."""
    rows = await conn.fetch(query("cooling_arcs"), since, list(offers), list(needs))
    return [(r["offer_id"], r["need_id"]) for r in rows]


async def insert_repair_run(
    conn: asyncpg.Connection, requested_by: int | None, proposal_id: int, parent_run: int
) -> tuple[int, list[str]]:
    """A queued repair of the proposal, over its run's regions with its run's settings."""
    row = await conn.fetchrow(query("insert_repair_run"), requested_by, proposal_id, parent_run)
    assert row is not None  # the proposal's run exists (a foreign key)
    return row["id"], list(row["regions"])


async def queued_repairs(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("queued_repairs"))
    return rows

"""Matching runs: their rows and the market snapshot they take."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg

from barter.domain.access import Caller
from barter.matching.snapshot import CommunityRow, ItemRow, NeedRow, OfferRow
from barter.storage.repos import one
from barter.storage.sql import query


async def insert(
    conn: asyncpg.Connection, regions: list[str], settings: dict[str, Any], requested_by: int | None
) -> asyncpg.Record:
    """A queued run; `settings` are the whole engine settings, seed included (the row's `settings`
    reads back without the seed, which is its own column of the result)."""
    return await one(conn, query("insert_run"), sorted(regions), settings, requested_by)


async def get(conn: asyncpg.Connection, run_id: int) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("get_run"), run_id)
    return row


async def list_page(
    conn: asyncpg.Connection, caller: Caller, *, status: str | None, before_id: int | None, limit: int
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        query("list_runs"), caller.is_admin, sorted(caller.regions), status, before_id, limit
    )
    return rows


async def start(conn: asyncpg.Connection, run_id: int, now: datetime) -> bool:
    return await conn.fetchval(query("start_run"), run_id, now) is not None


async def progress(
    conn: asyncpg.Connection, run_id: int, fraction: float, message: str, now: datetime
) -> None:
    await conn.execute(query("run_progress"), run_id, fraction, message[:300], now)


async def solved(
    conn: asyncpg.Connection,
    run_id: int,
    *,
    engine_status: str,
    objective: float,
    upper_bound: float,
    gap: float | None,
    counts: dict[str, Any],
    now: datetime,
) -> None:
    await conn.execute(query("run_solved"), run_id, engine_status, objective, upper_bound, gap, counts, now)


async def succeeded(
    conn: asyncpg.Connection, run_id: int, counts: dict[str, Any], now: datetime, message: str
) -> asyncpg.Record:
    return await one(conn, query("run_succeeded"), run_id, counts, now, message)


async def failed(conn: asyncpg.Connection, run_id: int, error: str, now: datetime) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("run_failed"), run_id, error[:2000], now)
    return row


async def unfinished(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("unfinished_runs"))
    return rows


async def snapshot(
    conn: asyncpg.Connection, regions: list[str], today: date
) -> tuple[list[CommunityRow], list[ItemRow], list[OfferRow], list[NeedRow]]:
    """Open remaining quantities in the regions, read in one REPEATABLE READ transaction."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        communities = [
            CommunityRow(**dict(r)) for r in await conn.fetch(query("snapshot_communities"), regions)
        ]
        items = [ItemRow(**dict(r)) for r in await conn.fetch(query("snapshot_items"))]
        offers = [OfferRow(**dict(r)) for r in await conn.fetch(query("snapshot_offers"), regions, today)]
        needs = [NeedRow(**dict(r)) for r in await conn.fetch(query("snapshot_needs"), regions)]
    return communities, items, offers, needs

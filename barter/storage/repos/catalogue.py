"""Reference values of the catalogue: national and regional, with every change kept."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import asyncpg

from barter.storage.repos import one
from barter.storage.sql import query


async def set_value(conn: asyncpg.Connection, item_id: str, region: str | None, value: float) -> int | None:
    """The new version of the value (national when `region` is None); None when no such item."""
    amount = Decimal(f"{value:.2f}")
    if region is None:
        version: int | None = await conn.fetchval(query("set_national_value"), item_id, amount)
    else:
        version = await conn.fetchval(query("set_region_value"), item_id, region, amount)
    return version


async def current(conn: asyncpg.Connection, item_id: str, region: str | None) -> asyncpg.Record:
    return await one(conn, query("current_value"), item_id, region)


async def record_change(
    conn: asyncpg.Connection,
    item_id: str,
    region: str | None,
    value: float,
    version: int,
    key_id: int,
    reason: str | None,
    at: datetime,
) -> None:
    await conn.execute(
        query("insert_value_change"), item_id, region, Decimal(f"{value:.2f}"), version, key_id, reason, at
    )


async def changes(conn: asyncpg.Connection, item_id: str) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("value_changes"), item_id)
    return rows


async def region_values(conn: asyncpg.Connection, item_id: str) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("region_values"), item_id)
    return rows

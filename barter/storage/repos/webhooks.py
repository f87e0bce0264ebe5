"""Webhook subscriptions, their deliveries and attempts; the relay's fan-out and claim queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from barter.domain.access import Caller
from barter.storage.repos import one
from barter.storage.sql import query


async def insert(
    conn: asyncpg.Connection,
    *,
    owner_key_id: int,
    url: str,
    events: list[str],
    description: str | None,
    salt: bytes,
) -> asyncpg.Record:
    return await one(conn, query("insert_webhook"), owner_key_id, url, events, description, salt)


async def count_owned(conn: asyncpg.Connection, owner_key_id: int) -> int:
    """Active webhooks of a key, its row locked until the transaction ends."""
    count: int = await conn.fetchval(query("count_owned_webhooks"), owner_key_id)
    return count


async def list_visible(conn: asyncpg.Connection, caller: Caller) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("list_webhooks"), caller.is_admin, caller.key_id)
    return rows


async def get_visible(conn: asyncpg.Connection, caller: Caller, webhook_id: int) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        query("get_webhook"), webhook_id, caller.is_admin, caller.key_id
    )
    return row


async def delete_visible(conn: asyncpg.Connection, caller: Caller, webhook_id: int) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        query("delete_webhook"), webhook_id, caller.is_admin, caller.key_id
    )
    return row


async def list_deliveries(
    conn: asyncpg.Connection, webhook_id: int, *, state: str | None, before_id: int | None, limit: int
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        query("list_deliveries"), webhook_id, state, before_id, limit
    )
    return rows


# --- the relay -----------------------------------------------------------------------------------


async def fan_out(conn: asyncpg.Connection, limit: int) -> tuple[int, int]:
    """(events dispatched, deliveries created) for up to `limit` undispatched events."""
    row = await one(conn, query("fan_out_events"), limit)
    return row["events"], row["deliveries"]


async def claim_due(conn: asyncpg.Connection, limit: int) -> list[asyncpg.Record]:
    """Due deliveries, locked FOR UPDATE SKIP LOCKED: call inside the transaction that records them."""
    rows: list[asyncpg.Record] = await conn.fetch(query("claim_deliveries"), limit)
    return rows


@dataclass(frozen=True, slots=True)
class AttemptResult:
    delivery_id: int
    number: int
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int
    state: str
    retry_in_s: float


async def record(conn: asyncpg.Connection, results: Sequence[AttemptResult]) -> None:
    if not results:
        return
    await conn.executemany(
        query("insert_attempt"),
        [(r.delivery_id, r.number, r.at, r.status_code, r.error, r.duration_ms) for r in results],
    )
    await conn.executemany(
        query("finish_attempt"),
        [(r.delivery_id, r.number, r.state, r.retry_in_s, r.status_code, r.error, r.at) for r in results],
    )


async def cancel(conn: asyncpg.Connection, delivery_ids: list[int]) -> None:
    if delivery_ids:
        await conn.execute(query("cancel_deliveries"), delivery_ids)

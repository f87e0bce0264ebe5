"""Notifications to communities: fan-out from the outbox, claims for sending, and the log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

from barter.domain.access import Caller
from barter.storage.repos import one
from barter.storage.sql import query


async def fan_out(conn: asyncpg.Connection, limit: int, *, sms: bool) -> tuple[int, int]:
    """(events marked, notifications created) for up to `limit` events not yet fanned out."""
    row = await one(conn, query("fan_out_notices"), limit, sms)
    return row["events"], row["notices"]


async def claim_due(conn: asyncpg.Connection, limit: int) -> list[asyncpg.Record]:
    """Due notifications, locked FOR UPDATE SKIP LOCKED: call inside the transaction recording them."""
    rows: list[asyncpg.Record] = await conn.fetch(query("claim_notices"), limit)
    return rows


@dataclass(frozen=True, slots=True)
class NoticeResult:
    notice_id: int
    attempts: int
    state: str
    retry_in_s: float
    status: int | None
    error: str | None
    parts: int | None = None


async def record(conn: asyncpg.Connection, results: Sequence[NoticeResult]) -> None:
    await conn.executemany(
        query("finish_notice"),
        [(r.notice_id, r.attempts, r.state, r.retry_in_s, r.status, r.error, r.parts) for r in results],
    )


async def list_visible(
    conn: asyncpg.Connection,
    caller: Caller,
    *,
    community_id: int | None,
    state: str | None,
    before_id: int | None,
    limit: int,
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        query("list_notices"), caller.is_admin, sorted(caller.regions), community_id, state, before_id, limit
    )
    return rows

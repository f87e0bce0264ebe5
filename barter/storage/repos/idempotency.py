from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from barter.storage.sql import query


async def claim(
    conn: asyncpg.Connection,
    api_key_id: int,
    key: str,
    method: str,
    path: str,
    request_hash: str,
    now: datetime,
    expired_at_or_before: datetime,
) -> asyncpg.Record | None:
    """None when this request now owns the key (new, or its record had expired); otherwise the
    stored record of the first one."""
    inserted = await conn.fetchval(
        query("claim_idempotency_key"),
        api_key_id,
        key,
        method,
        path,
        request_hash,
        now,
        expired_at_or_before,
    )
    if inserted is not None:
        return None
    row: asyncpg.Record | None = await conn.fetchrow(query("get_idempotency_key"), api_key_id, key)
    return row


async def store(
    conn: asyncpg.Connection,
    api_key_id: int,
    key: str,
    status: int,
    body: bytes,
    headers: dict[str, str],
    withheld: Sequence[str],
) -> None:
    await conn.execute(
        query("store_idempotent_response"), api_key_id, key, status, body, headers, list(withheld)
    )


async def prune(conn: asyncpg.Connection, before: datetime, limit: int) -> int:
    """Delete records created at or before `before`, at most `limit`; returns how many."""
    status = await conn.execute(query("prune_idempotency_keys"), before, limit)
    return int(status.split()[-1])

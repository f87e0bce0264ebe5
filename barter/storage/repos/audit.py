"""The audit log: every write, who did it, for whom, before and after. Rows are only ever added."""

from __future__ import annotations

from typing import Any

import asyncpg

from barter.domain.access import Caller
from barter.storage.sql import query


async def record(
    conn: asyncpg.Connection,
    caller: Caller | None,
    *,
    action: str,
    entity: str,
    entity_id: object,
    community_id: int | None = None,
    region: str | None = None,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
    regions: list[str] | None = None,
) -> None:
    await conn.execute(
        query("insert_audit"),
        caller.key_id if caller else None,
        caller.role if caller else "system",
        action,
        entity,
        str(entity_id),
        community_id,
        region,
        before,
        after,
        reason,
        sorted(set(regions or ([region] if region else []))),
        caller.via if caller else "system",
    )


async def list_entries(
    conn: asyncpg.Connection,
    caller: Caller,
    *,
    entity: str | None,
    entity_id: str | None,
    community_id: int | None,
    before_id: int | None,
    limit: int,
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        query("list_audit"),
        caller.is_admin,
        sorted(caller.regions),
        entity,
        entity_id,
        community_id,
        before_id,
        limit,
    )
    return rows

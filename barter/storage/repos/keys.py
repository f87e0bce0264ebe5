from __future__ import annotations

import asyncpg

from barter.domain.access import Caller, Role
from barter.domain.keys import display_prefix, key_hash
from barter.storage.repos import one
from barter.storage.sql import query


async def insert_key(
    conn: asyncpg.Connection,
    *,
    secret: str,
    key: str,
    name: str,
    role: Role,
    regions: list[str],
    community_id: int | None,
    partner_detail: bool,
    created_by: int | None,
    phone: str | None = None,
) -> asyncpg.Record:
    return await one(
        conn,
        query("insert_key"),
        name,
        role,
        sorted(set(regions)),
        community_id,
        partner_detail,
        display_prefix(key),
        key_hash(secret, key),
        created_by,
        phone,
    )


async def find_caller(conn: asyncpg.Connection, secret: str, key: str) -> Caller | None:
    row = await conn.fetchrow(query("find_key_by_hash"), key_hash(secret, key))
    if row is None:
        return None
    return Caller(
        key_id=row["id"],
        role=row["role"],
        regions=frozenset(row["regions"]),
        community_id=row["community_id"],
        partner_detail=row["partner_detail"],
    )


async def list_keys(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("list_keys"))
    return rows


async def get_key(conn: asyncpg.Connection, key_id: int) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("get_key"), key_id)
    return row


async def revoke_key(conn: asyncpg.Connection, key_id: int) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("revoke_key"), key_id)
    return row


async def set_phone(conn: asyncpg.Connection, key_id: int, phone: str | None) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("set_key_phone"), key_id, phone)
    return row


async def region_phones(conn: asyncpg.Connection, regions: list[str]) -> dict[str, str]:
    """Region -> the number its communities are told to call, for those of `regions` that have one."""
    return {r["region"]: r["phone"] for r in await conn.fetch(query("region_phones"), regions)}

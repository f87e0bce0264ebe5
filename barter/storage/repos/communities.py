from __future__ import annotations

import asyncpg

from barter.domain.access import CommunityRef
from barter.storage.repos import one
from barter.storage.sql import contains_pattern, query


async def insert(
    conn: asyncpg.Connection,
    *,
    name_th: str | None,
    name_en: str | None,
    kind: str,
    province_code: str,
    lat: float,
    lon: float,
    subdistrict_code: str | None,
    contact: str | None,
) -> asyncpg.Record:
    return await one(
        conn,
        query("insert_community"),
        name_th,
        name_en,
        kind,
        province_code,
        lat,
        lon,
        subdistrict_code,
        contact,
    )


async def get(
    conn: asyncpg.Connection, community_id: int, *, for_update: bool = False
) -> asyncpg.Record | None:
    name = "get_community_for_update" if for_update else "get_community"
    row: asyncpg.Record | None = await conn.fetchrow(query(name), community_id)
    return row


async def get_many(conn: asyncpg.Connection, community_ids: list[int]) -> list[asyncpg.Record]:
    """The communities with these ids (those that exist), by id, in one statement."""
    rows: list[asyncpg.Record] = await conn.fetch(query("get_communities"), community_ids)
    return rows


async def ref(conn: asyncpg.Connection, community_id: int) -> CommunityRef | None:
    row = await get(conn, community_id)
    return None if row is None else CommunityRef(id=row["id"], region=row["region"])


async def update(
    conn: asyncpg.Connection,
    community_id: int,
    *,
    name_th: str | None,
    name_en: str | None,
    kind: str,
    province_code: str,
    lat: float,
    lon: float,
    subdistrict_code: str | None,
    contact: str | None,
) -> asyncpg.Record:
    return await one(
        conn,
        query("update_community"),
        community_id,
        name_th,
        name_en,
        kind,
        province_code,
        lat,
        lon,
        subdistrict_code,
        contact,
    )


async def list_page(
    conn: asyncpg.Connection,
    *,
    region: str | None,
    province_code: str | None,
    kind: str | None,
    q: str | None,
    after_id: int | None,
    limit: int,
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        query("list_communities"), region, province_code, kind, contains_pattern(q), after_id, limit
    )
    return rows


def ref_of(row: asyncpg.Record) -> CommunityRef:
    return CommunityRef(id=row["id"], region=row["region"])

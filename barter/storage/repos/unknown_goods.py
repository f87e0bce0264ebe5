"""Goods words communities named that the catalogue did not know (ปลาช่อน before anyone added it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import asyncpg

from barter.domain.access import Caller
from barter.storage.sql import query


async def note(
    conn: asyncpg.Connection,
    words: Sequence[str],
    community_id: int,
    channel: str,
    at: datetime,
    sheet_of: tuple[int, date] | None = None,
) -> list[str]:
    """Count each word (tidied, one per word key) once more for the community; a spreadsheet's
    (`sheet_of`: the importing key and the Thai day) once per key and day. The words kept."""
    key_id, day = sheet_of if sheet_of is not None else (None, None)
    rows: list[asyncpg.Record] = await conn.fetch(
        query("note_unknown_goods"), list(words), community_id, channel, at, key_id, day
    )
    return [r["word"] for r in rows]


async def listed(
    conn: asyncpg.Connection, caller: Caller, limit: int, after: tuple[int, datetime, int] | None = None
) -> list[asyncpg.Record]:
    """One row per word, of the communities of the caller's regions (an admin's: all), but those
    goods are called by; the most named first, from after `after` (times, last seen, first id)."""
    times, last_seen, first_id = after if after is not None else (None, None, None)
    rows: list[asyncpg.Record] = await conn.fetch(
        query("unknown_goods_listed"),
        caller.is_admin,
        sorted(caller.regions) if caller.role == "coordinator" else [],
        limit,
        times,
        last_seen,
        first_id,
    )
    return rows


async def resolve(conn: asyncpg.Connection, keys: Sequence[str]) -> int:
    """Forget the words now naming goods of the catalogue (`keys`: as names are compared)."""
    gone: int = await conn.fetchval(query("resolve_unknown_goods"), list(keys))
    return gone

"""Imported spreadsheets: one row per (key, file), holding the report."""

from __future__ import annotations

from typing import Any

import asyncpg

from barter.storage.sql import query


async def claim(conn: asyncpg.Connection, key_id: int, file_hash: bytes, fmt: str, rows: int) -> int | None:
    import_id: int | None = await conn.fetchval(query("claim_import"), key_id, file_hash, fmt, rows)
    return import_id


async def get(conn: asyncpg.Connection, key_id: int, file_hash: bytes) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("get_import"), key_id, file_hash)
    return row


async def finish(conn: asyncpg.Connection, import_id: int, created: int, report: Any) -> None:
    await conn.execute(query("finish_import"), import_id, created, report)

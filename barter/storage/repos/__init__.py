"""Repositories: the only code that talks to PostgreSQL. Tenant queries take the caller."""

from __future__ import annotations

from typing import Any

import asyncpg


async def one(conn: asyncpg.Connection, sql: str, *args: Any) -> asyncpg.Record:
    """The single row an INSERT/UPDATE ... RETURNING (or a must-exist SELECT) gives."""
    row: asyncpg.Record | None = await conn.fetchrow(sql, *args)
    if row is None:
        raise LookupError("expected one row, got none")
    return row

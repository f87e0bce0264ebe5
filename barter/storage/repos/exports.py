"""Exports read the lists' own query without a limit, through a server-side cursor."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg

from barter.domain.access import Caller
from barter.storage.repos.listings import Kind, ListingFilter, list_statement
from barter.storage.sql import query


async def listings(
    conn: asyncpg.Connection,
    kind: Kind,
    caller: Caller,
    flt: ListingFilter,
    regions: list[str] | None,
    *,
    prefetch: int,
) -> AsyncIterator[asyncpg.Record]:
    """Every matching listing, `prefetch` rows per round trip; call inside a transaction."""
    sql, args = list_statement(kind, caller, flt, sort="created_at", after=None, limit=None)
    statement = query("export_listings", listing=sql.rstrip().rstrip(";"))
    async for row in conn.cursor(statement, *args, regions, prefetch=prefetch):
        yield row

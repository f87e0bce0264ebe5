"""The statements exports stream, read through a server-side cursor.

Listings are read with the lists' own query without a limit; proposals (one row per transfer)
and ledger entries with queries of their own (queries/exports.sql). Every statement takes the
regions to read last (None: all), as decided by the caller's grant.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg

from barter.domain.access import Caller
from barter.schemas.exports import ExchangeFilter
from barter.schemas.listings import Kind, ListingFilter
from barter.storage.repos.listings import list_statement
from barter.storage.sql import query

Statement = tuple[str, list[Any]]


def listing_statement(kind: Kind, caller: Caller, flt: ListingFilter, regions: list[str] | None) -> Statement:
    sql, args = list_statement(kind, caller, flt, sort="created_at", after=None, limit=None)
    return query("export_listings", listing=sql.rstrip().rstrip(";")), [*args, regions]


def _exchange_args(flt: ExchangeFilter, middle: str | None, regions: list[str] | None) -> list[Any]:
    return [flt.region, middle, flt.run_id, flt.community_id, flt.since, flt.until, regions]


def proposal_statement(caller: Caller, flt: ExchangeFilter, regions: list[str] | None) -> Statement:
    """Partners see a proposal only when their grant covers all its regions; others when it touches theirs."""
    return query("export_proposals"), [*_exchange_args(flt, flt.status, regions), caller.role == "partner"]


def ledger_statement(flt: ExchangeFilter, regions: list[str] | None) -> Statement:
    return query("export_ledger"), _exchange_args(flt, flt.direction, regions)


async def rows(
    conn: asyncpg.Connection, statement: Statement, *, prefetch: int
) -> AsyncIterator[Sequence[asyncpg.Record]]:
    """Every row of the statement in batches of `prefetch` (one round trip each); call inside a
    transaction. Only one batch is held at a time."""
    sql, args = statement
    cursor = await conn.cursor(sql, *args)
    while batch := await cursor.fetch(prefetch):
        yield batch

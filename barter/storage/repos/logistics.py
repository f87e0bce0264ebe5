"""Logistics plans, shipments and the transfers they carry (queries in queries/logistics.sql)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from barter.domain.access import Caller
from barter.storage.sql import query


def _visibility(caller: Caller) -> tuple[bool, str, list[str], int | None]:
    """(sees everything, role, regions, community) for the list queries' visibility clause."""
    return caller.is_admin, caller.role, sorted(caller.regions), caller.community_id


async def candidates(
    conn: asyncpg.Connection, status: str, scope: list[str], now: datetime, *, include_planned: bool
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        query("plan_candidates"), status, scope, now, include_planned
    )
    return rows


async def plannable_transfers(conn: asyncpg.Connection, proposal_ids: list[int]) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("plannable_transfers"), proposal_ids)
    return rows


async def share_proposals(conn: asyncpg.Connection, proposal_ids: list[int]) -> dict[int, str]:
    """Lock the proposals against transitions (FOR SHARE, in id order); their current statuses."""
    return {r["id"]: r["status"] for r in await conn.fetch(query("share_proposals"), proposal_ids)}


async def insert_plan(conn: asyncpg.Connection, *values: Any) -> int:
    plan_id: int = await conn.fetchval(query("insert_plan"), *values)
    return plan_id


async def claim(conn: asyncpg.Connection, proposal_ids: list[int], plan_id: int) -> list[int]:
    """The proposals claimed for the plan; one another plan claimed meanwhile (its transaction,
    waited for, committed) is left out."""
    rows = await conn.fetch(query("claim_proposals"), sorted(proposal_ids), plan_id)
    return [r["proposal_id"] for r in rows]


async def plan_of(conn: asyncpg.Connection, proposal_id: int) -> int | None:
    """The active plan that carries the proposal, if one does."""
    plan_id: int | None = await conn.fetchval(query("plan_of_proposal"), proposal_id)
    return plan_id


async def insert_plan_transfers(conn: asyncpg.Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    await conn.executemany(query("insert_plan_transfer"), rows)


async def insert_shipment(conn: asyncpg.Connection, *values: Any) -> int:
    shipment_id: int = await conn.fetchval(query("insert_shipment"), *values)
    return shipment_id


async def insert_shipment_transfers(conn: asyncpg.Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    await conn.executemany(query("insert_shipment_transfer"), rows)


async def get_plan(conn: asyncpg.Connection, plan_id: int, *, lock: bool = False) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("lock_plan" if lock else "get_plan"), plan_id)
    return row


async def plan_map(conn: asyncpg.Connection, plan_id: int) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("plan_map"), plan_id)
    return row


async def plan_input(conn: asyncpg.Connection, plan_id: int) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("plan_input"), plan_id)
    return row


async def list_plans(
    conn: asyncpg.Connection,
    caller: Caller,
    *,
    preview: bool | None,
    status: str | None,
    region: str | None,
    before_id: int | None,
    limit: int,
) -> list[asyncpg.Record]:
    everything, role, regions, _ = _visibility(caller)
    rows: list[asyncpg.Record] = await conn.fetch(
        query("list_plans"), everything, role, regions, preview, status, region, before_id, limit
    )
    return rows


async def plan_transfer_rows(conn: asyncpg.Connection, plan_id: int) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("plan_transfer_rows"), plan_id)
    return rows


async def plan_shipments(conn: asyncpg.Connection, plan_id: int) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("plan_shipments"), plan_id)
    return rows


async def get_shipment(
    conn: asyncpg.Connection, shipment_id: int, *, lock: bool = False
) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        query("lock_shipment" if lock else "get_shipment"), shipment_id
    )
    return row


async def carried(conn: asyncpg.Connection, shipment_ids: list[int]) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("carried_rows"), shipment_ids)
    return rows


async def list_shipments(
    conn: asyncpg.Connection,
    caller: Caller,
    *,
    plan_id: int | None,
    status: str | None,
    region: str | None,
    before_id: int | None,
    limit: int,
) -> list[asyncpg.Record]:
    everything, role, regions, community = _visibility(caller)
    rows: list[asyncpg.Record] = await conn.fetch(
        query("list_shipments"),
        everything,
        role,
        regions,
        community,
        plan_id,
        status,
        region,
        before_id,
        limit,
    )
    return rows


async def set_shipment_status(conn: asyncpg.Connection, shipment_id: int, status: str, now: datetime) -> None:
    await conn.execute(query("set_shipment_status"), shipment_id, status, now)


async def follow_proposal(conn: asyncpg.Connection, proposal_id: int, now: datetime) -> list[tuple[int, str]]:
    """Move the shipments carrying a proposal after its status changed (in the caller's
    transaction): lock them in id order, then read every carried proposal's status afresh, so two
    proposals moving at once cannot both miss that they were the last. Returns what changed."""
    locked = [r["id"] for r in await conn.fetch(query("lock_followers"), proposal_id)]
    if not locked:
        return []
    return [(r["id"], r["status"]) for r in await conn.fetch(query("follow_proposals"), locked, now)]


async def lock_plan_shipments(conn: asyncpg.Connection, plan_id: int) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("lock_plan_shipments"), plan_id)
    return rows


async def cancel_plan(conn: asyncpg.Connection, plan_id: int, now: datetime, key_id: int) -> None:
    await conn.execute(query("cancel_plan"), plan_id, now, key_id)
    await conn.execute(query("cancel_plan_shipments"), plan_id, now)
    await conn.execute(query("release_plan_claims"), plan_id)

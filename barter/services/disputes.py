"""Disputes: a delivery recorded short or spoiled. A coordinator of the giver's or the receiver's
region (or an admin) resolves it: accept what arrived (the shortfall's holds go back to the offer
and the need), or record that the giver made it up (the shortfall is delivered and booked)."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from barter.domain.access import Caller, require_writer
from barter.domain.errors import Conflict, Forbidden, NotFound, StaleVersion
from barter.schemas.proposals import DisputeOut, DisputeResolve
from barter.storage.repos import audit
from barter.storage.repos import disputes as repo
from barter.storage.repos import proposals as proposals_repo

_FIELDS = DisputeOut.__struct_fields__


def _out(row: asyncpg.Record) -> DisputeOut:
    return DisputeOut(**{k: row[k] for k in _FIELDS})


def _visible(caller: Caller, row: asyncpg.Record) -> bool:
    if caller.is_admin:
        return True
    if caller.role == "coordinator":
        return bool(caller.regions & set(row["regions"]))
    if caller.role == "community":
        return caller.community_id in (row["giver_id"], row["receiver_id"])
    return False


async def _row(conn: asyncpg.Connection, caller: Caller, dispute_id: int) -> asyncpg.Record:
    row = await repo.get(conn, dispute_id)
    if row is None or not _visible(caller, row):
        raise NotFound("No dispute with that id")
    return row


async def get(conn: asyncpg.Connection, caller: Caller, dispute_id: int) -> DisputeOut:
    return _out(await _row(conn, caller, dispute_id))


async def list_disputes(
    conn: asyncpg.Connection,
    caller: Caller,
    *,
    status: str | None,
    proposal_id: int | None,
    before_id: int | None,
    limit: int,
) -> list[DisputeOut]:
    if caller.role == "partner":
        return []
    ids = await repo.list_ids(
        conn, caller, status=status, proposal_id=proposal_id, before_id=before_id, limit=limit
    )
    return [_out(r) for i in ids if (r := await repo.get(conn, i)) is not None]


async def resolve(
    conn: asyncpg.Connection,
    caller: Caller,
    dispute_id: int,
    data: DisputeResolve,
    now: datetime,
    version: int | None = None,
) -> DisputeOut:
    require_writer(caller)
    row = await _row(conn, caller, dispute_id)
    if not (caller.is_admin or (caller.role == "coordinator" and caller.regions & set(row["regions"]))):
        raise Forbidden("A coordinator of the giver's or the receiver's region resolves a dispute")
    if version is not None and row["version"] != version:
        raise StaleVersion(f"The dispute changed since you read it (now version {row['version']})")
    if row["status"] != "open":
        raise Conflict(f"The dispute is already resolved ({row['status']})", code="resolved")
    shortfall = float(row["shortfall"])
    offers, needs = [(row["offer_id"], shortfall)], [(row["need_id"], shortfall)]
    if data.resolution == "accept":
        await proposals_repo.release_amounts(conn, offers, needs)
        status = "accepted"
    else:
        await proposals_repo.deliver_amounts(conn, offers, needs)
        await proposals_repo.write_entries(conn, row["proposal_id"], [(row, shortfall, 0.0)], now, "make_up")
        status = "made_up"
    await repo.resolve(conn, dispute_id, status, data.note, caller.key_id, now)
    after = await repo.get(conn, dispute_id)
    assert after is not None
    await audit.record(
        conn,
        caller,
        action="resolve",
        entity="dispute",
        entity_id=dispute_id,
        community_id=row["receiver_id"],
        regions=list(row["regions"]),
        before={"status": "open"},
        after={"status": status, "shortfall": shortfall},
        reason=data.note,
    )
    return _out(after)

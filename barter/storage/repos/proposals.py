"""Proposals, their transfers, participants and approvals; holds on offers and needs; the ledger."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

import asyncpg

from barter.domain.access import Caller
from barter.storage.repos import one
from barter.storage.sql import query


def _dec(value: float) -> Decimal:
    return Decimal(f"{value:.4f}")


def _summed(pairs: Iterable[tuple[int, float]]) -> list[tuple[int, float]]:
    """Quantities per id, in id order: every multi-row lock is taken in sorted order."""
    totals: dict[int, float] = defaultdict(float)
    for key, quantity in pairs:
        totals[key] += quantity
    return sorted(totals.items())


async def reserve(
    conn: asyncpg.Connection, offers: Iterable[tuple[int, float]], needs: Iterable[tuple[int, float]]
) -> bool:
    """Hold quantities on offers then needs, each in id order; False (nothing held) if any is short."""
    for offer_id, quantity in _summed(offers):
        if await conn.fetchval(query("reserve_offer"), offer_id, _dec(quantity)) is None:
            return False
    for need_id, quantity in _summed(needs):
        if await conn.fetchval(query("reserve_need"), need_id, _dec(quantity)) is None:
            return False
    return True


async def release(conn: asyncpg.Connection, transfers: Sequence[asyncpg.Record]) -> None:
    await release_amounts(
        conn,
        [(t["offer_id"], t["quantity"]) for t in transfers],
        [(t["need_id"], t["quantity"]) for t in transfers],
    )


def received(t: asyncpg.Record) -> float:
    """What arrived on a transfer: its recorded receipt, or the planned quantity."""
    got = t["received_quantity"]
    return float(t["quantity"] if got is None else got)


async def deliver(conn: asyncpg.Connection, transfers: Sequence[asyncpg.Record]) -> None:
    """Move what arrived from held to delivered; a shortfall stays held until its dispute is resolved."""
    await deliver_amounts(
        conn,
        [(t["offer_id"], received(t)) for t in transfers],
        [(t["need_id"], received(t)) for t in transfers],
    )


async def deliver_amounts(
    conn: asyncpg.Connection, offers: Iterable[tuple[int, float]], needs: Iterable[tuple[int, float]]
) -> None:
    for offer_id, quantity in _summed(offers):
        if quantity > 0:
            await conn.execute(query("deliver_offer"), offer_id, _dec(quantity))
    for need_id, quantity in _summed(needs):
        if quantity > 0:
            await conn.execute(query("deliver_need"), need_id, _dec(quantity))


async def release_amounts(
    conn: asyncpg.Connection, offers: Iterable[tuple[int, float]], needs: Iterable[tuple[int, float]]
) -> None:
    for offer_id, quantity in _summed(offers):
        await conn.execute(query("release_offer"), offer_id, _dec(quantity))
    for need_id, quantity in _summed(needs):
        await conn.execute(query("release_need"), need_id, _dec(quantity))


async def insert_proposal(
    conn: asyncpg.Connection,
    *,
    run_id: int,
    kind: str,
    regions: list[str],
    total_value: float,
    hold_expires_at: datetime,
    now: datetime,
) -> int:
    proposal_id: int = await conn.fetchval(
        query("insert_proposal"),
        run_id,
        kind,
        sorted(set(regions)),
        Decimal(f"{total_value:.2f}"),
        hold_expires_at,
        now,
    )
    return proposal_id


async def insert_transfer(
    conn: asyncpg.Connection,
    proposal_id: int,
    position: int,
    *,
    offer_id: int,
    need_id: int,
    giver_id: int,
    receiver_id: int,
    item_id: str,
    unit: str,
    quantity: float,
    unit_value: float,
    distance_km: float,
) -> None:
    await conn.execute(
        query("insert_transfer"),
        proposal_id,
        position,
        offer_id,
        need_id,
        giver_id,
        receiver_id,
        item_id,
        unit,
        _dec(quantity),
        Decimal(f"{unit_value:.2f}"),
        Decimal(f"{quantity * unit_value:.2f}"),
        distance_km,
    )


async def insert_participant(
    conn: asyncpg.Connection,
    proposal_id: int,
    community_id: int,
    *,
    region: str,
    gives_value: float,
    receives_value: float,
    explanation_th: str,
    explanation_en: str,
    distance_km: float = 0.0,
    transport_estimate: float = 0.0,
) -> None:
    await conn.execute(
        query("insert_participant"),
        proposal_id,
        community_id,
        region,
        Decimal(f"{gives_value:.2f}"),
        Decimal(f"{receives_value:.2f}"),
        explanation_th,
        explanation_en,
        Decimal(f"{distance_km:.1f}"),
        Decimal(f"{transport_estimate:.2f}"),
    )


async def get(conn: asyncpg.Connection, proposal_id: int, *, lock: bool = False) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        query("lock_proposal" if lock else "get_proposal"), proposal_id
    )
    return row


async def details(
    conn: asyncpg.Connection, ids: list[int]
) -> tuple[list[asyncpg.Record], list[asyncpg.Record], list[asyncpg.Record]]:
    transfers: list[asyncpg.Record] = await conn.fetch(query("proposal_transfers"), ids)
    participants: list[asyncpg.Record] = await conn.fetch(query("proposal_participants"), ids)
    approvals: list[asyncpg.Record] = await conn.fetch(query("proposal_approvals"), ids)
    return transfers, participants, approvals


async def places(conn: asyncpg.Connection, proposal_id: int) -> list[asyncpg.Record]:
    """Each participant's own point and its province's centre, in one statement."""
    rows: list[asyncpg.Record] = await conn.fetch(query("proposal_places"), proposal_id)
    return rows


async def list_page(
    conn: asyncpg.Connection,
    caller: Caller,
    *,
    run_id: int | None,
    status: str | None,
    region: str | None,
    community_id: int | None,
    before_id: int | None,
    limit: int,
) -> list[asyncpg.Record]:
    sees_all = caller.is_admin or (caller.role == "partner" and not caller.regions)
    rows: list[asyncpg.Record] = await conn.fetch(
        query("list_proposals"),
        sees_all,
        sorted(caller.regions) if caller.role == "coordinator" else [],
        caller.community_id if caller.role == "community" else None,
        run_id,
        status,
        region,
        community_id,
        before_id,
        limit,
        sorted(caller.regions) if caller.role == "partner" and caller.regions else None,
    )
    return rows


async def record_answers(
    conn: asyncpg.Connection,
    proposal_id: int,
    status: str,
    now: datetime,
    key_id: int,
    *,
    accept: Sequence[int] = (),
    approve: Sequence[str] = (),
) -> asyncpg.Record:
    """Acceptances and approvals, and the proposal's new status, in one statement; the proposal after."""
    return await one(
        conn, query("record_answers"), proposal_id, status, now, key_id, list(accept), list(approve)
    )


async def set_status(
    conn: asyncpg.Connection,
    proposal_id: int,
    status: str,
    now: datetime,
    *,
    reason: str | None = None,
    ended_by: int | None = None,
) -> None:
    await conn.execute(query("set_proposal_status"), proposal_id, status, reason, now, ended_by)


async def touch(conn: asyncpg.Connection, proposal_id: int, now: datetime) -> None:
    await conn.execute(query("touch_proposal"), proposal_id, now)


async def mark_received(
    conn: asyncpg.Connection, proposal_id: int, receiver_id: int, now: datetime, key_id: int
) -> bool:
    result: str = await conn.execute(query("mark_received"), proposal_id, receiver_id, now, key_id)
    return not result.endswith(" 0")


async def record_receipt(
    conn: asyncpg.Connection,
    proposal_id: int,
    position: int,
    *,
    quantity: float | None,
    condition: str | None,
    note: str | None,
    photo_ref: str | None,
) -> None:
    """What arrived on one transfer (before it is marked received); None means all of it, good."""
    await conn.execute(
        query("record_receipt"),
        proposal_id,
        position,
        None if quantity is None else _dec(quantity),
        condition,
        note,
        photo_ref,
    )


async def due_expiries(conn: asyncpg.Connection, now: datetime, limit: int) -> list[int]:
    return [r["id"] for r in await conn.fetch(query("due_expiries"), now, limit)]


async def write_ledger(
    conn: asyncpg.Connection, proposal_id: int, transfers: Sequence[asyncpg.Record], now: datetime
) -> None:
    """Each transfer as delivered (what arrived, and its value), beside the planned quantity."""
    await write_entries(
        conn,
        proposal_id,
        [(t, received(t), float(t["quantity"])) for t in transfers],
        now,
        "delivery",
    )


async def write_entries(
    conn: asyncpg.Connection,
    proposal_id: int,
    lines: Sequence[tuple[asyncpg.Record, float, float]],
    now: datetime,
    entry: str,
) -> None:
    """(transfer, quantity, planned quantity) -> one entry for the giver and one for the receiver."""
    rows = []
    for t, amount, planned in lines:
        quantity, value = _dec(amount), Decimal(f"{amount * t['unit_value']:.2f}")
        for who, direction, other in (
            (t["giver_id"], "gave", t["receiver_id"]),
            (t["receiver_id"], "received", t["giver_id"]),
        ):
            rows.append(
                (
                    who,
                    proposal_id,
                    t["position"],
                    direction,
                    other,
                    t["item_id"],
                    t["unit"],
                    quantity,
                    value,
                    now,
                    _dec(planned),
                    entry,
                )
            )
    await conn.executemany(query("insert_ledger_entry"), rows)


async def account(conn: asyncpg.Connection, community_id: int) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("account_by_item_month"), community_id)
    return rows


async def count_exchanges(conn: asyncpg.Connection, community_id: int) -> int:
    count: int = await conn.fetchval(query("count_ledger_exchanges"), community_id)
    return count

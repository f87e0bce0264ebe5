"""Proposals: made from a run's exchanges, then moved by communities and coordinators.

Every transition is one transaction (the caller's): the proposal row is locked first, then offers
and needs in id order, so two transitions can never deadlock; a transition that does not apply
answers 409 naming the current state; a retry of one that already took effect answers with the
current state and changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import msgspec

from barter.domain import geo
from barter.domain.access import Caller, require_writer
from barter.domain.clock import Clock
from barter.domain.errors import Forbidden, NotFound, StaleVersion
from barter.domain.proposals import (
    Action,
    Leg,
    TransitionConflict,
    approved_when,
    display_names,
    explain,
    require_applies,
)
from barter.domain.snapshot import parse_key
from barter.failpoints import failpoint
from barter.matching.model import Exchange, Instance
from barter.storage.repos import audit, logistics, outbox
from barter.storage.repos import proposals as repo
from barter.storage.sql import query
from barter.workflow.schemas import ApprovalOut, ParticipantOut, Pending, ProposalOut, TransferOut


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return geo.great_circle_km(a[0], a[1], b[0], b[1])


def floor4(quantity: float) -> float:
    """Quantities are stored with 4 decimals; rounding down never holds more than the engine chose."""
    return math.floor(quantity * 10_000 + 1e-6) / 10_000


# --- reading -------------------------------------------------------------------------------------


def _out(
    row: asyncpg.Record, transfers: list[Any], participants: list[Any], approvals: list[Any]
) -> ProposalOut:
    accepted = {p["community_id"] for p in participants if p["accepted_at"] is not None}
    approved = {a["region"] for a in approvals}
    live = row["status"] in ("proposed", "approved", "in_transit")
    received = {t["receiver_id"] for t in transfers if t["received_at"] is not None}
    receivers = sorted({t["receiver_id"] for t in transfers})
    pending = Pending(
        accept=sorted(p["community_id"] for p in participants if p["community_id"] not in accepted)
        if row["status"] == "proposed"
        else [],
        approve=sorted(set(row["regions"]) - approved) if row["status"] == "proposed" else [],
        receive=[r for r in receivers if r not in received] if live and row["status"] != "proposed" else [],
    )
    values = {k: row[k] for k in row.keys() if k != "ended_by"}  # noqa: SIM118 (asyncpg Record)
    return ProposalOut(
        **values,
        transfers=[TransferOut(**{k: t[k] for k in t.keys() if k != "proposal_id"}) for t in transfers],  # noqa: SIM118
        participants=[
            ParticipantOut(**{k: p[k] for k in p.keys() if k != "proposal_id"})  # noqa: SIM118
            for p in participants
        ],
        approvals=[ApprovalOut(region=a["region"], approved_at=a["approved_at"]) for a in approvals],
        pending=pending,
    )


async def load(conn: asyncpg.Connection, rows: Sequence[asyncpg.Record]) -> list[ProposalOut]:
    ids = [r["id"] for r in rows]
    transfers, participants, approvals = await repo.details(conn, ids)
    by: dict[str, dict[int, list[Any]]] = {"t": {}, "p": {}, "a": {}}
    for key, items in (("t", transfers), ("p", participants), ("a", approvals)):
        for item in items:
            by[key].setdefault(item["proposal_id"], []).append(item)
    return [
        _out(r, by["t"].get(r["id"], []), by["p"].get(r["id"], []), by["a"].get(r["id"], [])) for r in rows
    ]


def visible(caller: Caller, proposal: ProposalOut) -> bool:
    if caller.is_admin:
        return True
    if caller.role == "coordinator":
        return bool(caller.regions & set(proposal.regions))
    if caller.role == "community":
        return any(p.community_id == caller.community_id for p in proposal.participants)
    # A partner's grant must cover every region of the proposal (as for webhooks).
    return not caller.regions or set(proposal.regions) <= caller.regions


async def get(conn: asyncpg.Connection, caller: Caller, proposal_id: int) -> ProposalOut:
    row = await repo.get(conn, proposal_id)
    if row is None:
        raise NotFound("No proposal with that id")
    (out,) = await load(conn, [row])
    if not visible(caller, out):
        raise NotFound("No proposal with that id")
    return out


# --- making proposals from a run -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Made:
    proposals: list[int]
    dropped: int


class _Dropped(Exception):
    """Raised inside an exchange's savepoint to undo what it had held."""


@dataclass
class _Context:
    run_id: int
    instance: Instance
    hold_until: datetime
    now: datetime
    road_factor: float
    names: dict[int, tuple[str, str]]
    regions: dict[int, str]
    points: dict[int, tuple[float, float]]
    items: dict[str, Any]
    values: dict[str, float]


async def create_all(
    conn: asyncpg.Connection,
    *,
    run_id: int,
    instance: Instance,
    exchanges: Sequence[Exchange],
    hold: timedelta,
    clock: Clock,
    road_factor: float,
) -> Made:
    """Each exchange becomes a proposal holding its quantities, or is dropped whole (its savepoint
    rolled back) when the market moved since the snapshot and a quantity is no longer there."""
    now = clock.now()
    values = {i.id: i.value for i in instance.items}
    ids = sorted({parse_key(c.id) for c in instance.communities})
    names: dict[int, tuple[str, str]] = {}
    regions: dict[int, str] = {}
    for r in await conn.fetch(query("snapshot_names"), ids):
        names[r["id"]] = display_names(r["name_th"], r["name_en"])
        regions[r["id"]] = r["region"]
    ctx = _Context(
        run_id=run_id,
        instance=instance,
        hold_until=now + hold,
        now=now,
        road_factor=road_factor,
        names=names,
        regions=regions,
        points={parse_key(c.id): (c.lat, c.lon) for c in instance.communities},
        items={r["id"]: r for r in await conn.fetch(query("item_names"), sorted(values))},
        values=values,
    )
    offer_of = {o.id: o for o in instance.offers}
    need_of = {n.id: n for n in instance.needs}
    made: list[int] = []
    dropped = 0
    for exchange in exchanges:
        legs = []
        for t in exchange.transfers:
            offer, need = offer_of[t.offer], need_of[t.need]
            legs.append(
                (
                    parse_key(t.offer),
                    parse_key(t.need),
                    parse_key(offer.community),
                    parse_key(need.community),
                    offer.item,
                    floor4(t.quantity),
                )
            )
        try:
            async with conn.transaction():  # a savepoint inside the run's transaction
                made.append(await _make_one(conn, ctx, exchange.kind, legs))
        except _Dropped:
            dropped += 1
    return Made(made, dropped)


async def _make_one(
    conn: asyncpg.Connection, ctx: _Context, kind: str, legs: list[tuple[int, int, int, int, str, float]]
) -> int:
    if any(q <= 0 for *_, q in legs):
        raise _Dropped
    if not await repo.reserve(
        conn, [(o, q) for o, _, _, _, _, q in legs], [(n, q) for _, n, _, _, _, q in legs]
    ):
        raise _Dropped
    members = list(dict.fromkeys(c for leg in legs for c in (leg[2], leg[3])))
    total = sum(q * ctx.values[item] for *_, item, q in legs)
    proposal_id = await repo.insert_proposal(
        conn,
        run_id=ctx.run_id,
        kind=kind,
        regions=[ctx.regions[c] for c in members],
        total_value=total,
        hold_expires_at=ctx.hold_until,
        now=ctx.now,
    )
    story = []
    for position, (offer_id, need_id, giver, receiver, item, quantity) in enumerate(legs):
        distance = great_circle_km(ctx.points[giver], ctx.points[receiver]) * ctx.road_factor
        unit = ctx.items[item]["unit"]
        await repo.insert_transfer(
            conn,
            proposal_id,
            position,
            offer_id=offer_id,
            need_id=need_id,
            giver_id=giver,
            receiver_id=receiver,
            item_id=item,
            unit=unit,
            quantity=quantity,
            unit_value=ctx.values[item],
            distance_km=round(distance, 1),
        )
        story.append(
            Leg(giver, receiver, quantity, unit, ctx.items[item]["name_th"], ctx.items[item]["name_en"])
        )
    for community in members:
        thai, english = explain(community, story, ctx.names, kind)
        await repo.insert_participant(
            conn,
            proposal_id,
            community,
            region=ctx.regions[community],
            gives_value=sum(q * ctx.values[i] for _, _, g, _, i, q in legs if g == community),
            receives_value=sum(q * ctx.values[i] for _, _, _, r, i, q in legs if r == community),
            explanation_th=thai,
            explanation_en=english,
        )
    await outbox.emit(
        conn,
        "proposal.proposed",
        [ctx.regions[c] for c in members],
        {
            "proposal_id": proposal_id,
            "run_id": ctx.run_id,
            "kind": kind,
            "communities": members,
            "total_value": round(total, 2),
        },
    )
    return proposal_id


# --- transitions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """The proposal after a transition; `conflict` when the request lost and its answer is 409
    although the transaction must still commit (an expiry noticed on the way)."""

    proposal: ProposalOut
    conflict: TransitionConflict | None = None


async def _locked(
    conn: asyncpg.Connection, caller: Caller, proposal_id: int, version: int | None
) -> ProposalOut:
    row = await repo.get(conn, proposal_id, lock=True)
    if row is None:
        raise NotFound("No proposal with that id")
    (out,) = await load(conn, [row])
    if not visible(caller, out):
        raise NotFound("No proposal with that id")
    if version is not None and out.version != version:
        raise StaleVersion(f"The proposal changed since you read it (now version {out.version})")
    return out


async def _transfers(conn: asyncpg.Connection, proposal_id: int) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = (await repo.details(conn, [proposal_id]))[0]
    return rows


async def _record(
    conn: asyncpg.Connection,
    caller: Caller | None,
    action: str,
    before: ProposalOut,
    after: ProposalOut,
    *,
    community_id: int | None = None,
    reason: str | None = None,
) -> None:
    await audit.record(
        conn,
        caller,
        action=action,
        entity="proposal",
        entity_id=before.id,
        community_id=community_id,
        region=before.regions[0] if len(before.regions) == 1 else None,
        regions=before.regions,
        before={"status": before.status, "version": before.version},
        after={"status": after.status, "version": after.version},
        reason=reason,
    )


async def _end(
    conn: asyncpg.Connection,
    caller: Caller | None,
    proposal: ProposalOut,
    status: str,
    now: datetime,
    *,
    reason: str | None,
    action: str,
    community_id: int | None = None,
) -> ProposalOut:
    """Reject, decline, expire or cancel: the holds go back to the market."""
    await repo.release(conn, await _transfers(conn, proposal.id))
    await repo.set_status(
        conn, proposal.id, status, now, reason=reason, ended_by=caller.key_id if caller else None
    )
    after = await _reload(conn, proposal.id)
    await _record(conn, caller, action, proposal, after, community_id=community_id, reason=reason)
    if status == "rejected":
        await outbox.emit(conn, "proposal.rejected", proposal.regions, _event(after))
    return after


async def _reload(conn: asyncpg.Connection, proposal_id: int) -> ProposalOut:
    row = await repo.get(conn, proposal_id)
    assert row is not None
    (out,) = await load(conn, [row])
    return out


def _event(p: ProposalOut) -> dict[str, Any]:
    return {
        "proposal_id": p.id,
        "run_id": p.run_id,
        "status": p.status,
        "kind": p.kind,
        "regions": p.regions,
        "communities": [x.community_id for x in p.participants],
        "total_value": p.total_value,
        "reason": p.reason,
    }


def _acting(caller: Caller, proposal: ProposalOut, community_id: int | None, who: Sequence[int]) -> list[int]:
    """The communities among `who` that the caller answers for (one, when `community_id` is given)."""
    require_writer(caller)
    region = {p.community_id: p.region for p in proposal.participants}
    mine = [c for c in who if caller.acts_for(c, region[c])]
    if community_id is not None:
        if community_id not in mine:
            raise NotFound("You do not act for that community in this proposal")
        return [community_id]
    if not mine:
        raise Forbidden("You act for no community that has a part in this")
    return mine


def _covered(caller: Caller, proposal: ProposalOut) -> list[str]:
    """The proposal's regions this caller decides for as a coordinator (all of them for an admin)."""
    require_writer(caller)
    regions = [r for r in proposal.regions if caller.covers_region(r)]
    if not regions:
        raise Forbidden("Only a coordinator of a region involved (or an admin) can do this")
    return regions


async def transition(
    conn: asyncpg.Connection,
    caller: Caller,
    proposal_id: int,
    action: Action,
    clock: Clock,
    *,
    community_id: int | None = None,
    reason: str | None = None,
    version: int | None = None,
) -> Outcome:
    now = clock.now()
    proposal = await _locked(conn, caller, proposal_id, version)
    if (
        proposal.status == "proposed"
        and proposal.hold_expires_at <= now
        and action not in ("decline", "reject")
    ):
        # The hold ran out before the expiry job came by: it expires now, and the request loses.
        expired = await _end(conn, None, proposal, "expired", now, reason="the hold expired", action="expire")
        return Outcome(expired, TransitionConflict(action, expired.status))
    if action == "accept":
        return Outcome(await _accept(conn, caller, proposal, community_id, now))
    if action == "decline":
        return Outcome(await _decline(conn, caller, proposal, community_id, reason, now))
    if action == "approve":
        return Outcome(await _approve(conn, caller, proposal, now))
    if action == "reject":
        regions = _covered(caller, proposal)
        if proposal.status == "rejected" and proposal.reason == reason:
            return Outcome(proposal)  # a retry of the same rejection
        require_applies("reject", proposal.status)
        after = await _end(conn, caller, proposal, "rejected", now, reason=reason, action="reject")
        assert regions
        return Outcome(after)
    if action == "dispatch":
        return Outcome(await _shipments_follow(conn, await _dispatch(conn, caller, proposal, now), now))
    if action == "complete":
        done = await _complete(conn, caller, proposal, community_id, now)
        return Outcome(await _shipments_follow(conn, done, now))
    if action == "cancel":
        _covered(caller, proposal)
        if proposal.status == "cancelled":
            return Outcome(proposal)
        require_applies("cancel", proposal.status)
        ended = await _end(conn, caller, proposal, "cancelled", now, reason=reason, action="cancel")
        return Outcome(await _shipments_follow(conn, ended, now))
    raise TransitionConflict(action, proposal.status)


async def _shipments_follow(conn: asyncpg.Connection, proposal: ProposalOut, now: datetime) -> ProposalOut:
    """The logistics hook: shipments carrying the proposal follow its new status, in this transaction
    (on the road once all they carry is dispatched, delivered once all is completed)."""
    await logistics.follow_proposal(conn, proposal.id, now)
    return proposal


async def _accept(
    conn: asyncpg.Connection, caller: Caller, proposal: ProposalOut, community_id: int | None, now: datetime
) -> ProposalOut:
    communities = _acting(caller, proposal, community_id, [p.community_id for p in proposal.participants])
    accepted = {p.community_id for p in proposal.participants if p.accepted_at is not None}
    if set(communities) <= accepted:
        return proposal  # already accepted: a retry changes nothing, whatever happened since
    require_applies("accept", proposal.status)
    for community in communities:
        if await repo.accept(conn, proposal.id, community, now, caller.key_id):
            accepted.add(community)
    return await _advance(conn, caller, proposal, now, "accept", community_id=communities[0])


async def _approve(
    conn: asyncpg.Connection, caller: Caller, proposal: ProposalOut, now: datetime
) -> ProposalOut:
    regions = _covered(caller, proposal)
    approved = {a.region for a in proposal.approvals}
    if set(regions) <= approved:
        return proposal
    require_applies("approve", proposal.status)
    for region in regions:
        await repo.approve(conn, proposal.id, region, now, caller.key_id)
    return await _advance(conn, caller, proposal, now, "approve")


async def _advance(
    conn: asyncpg.Connection,
    caller: Caller,
    proposal: ProposalOut,
    now: datetime,
    action: str,
    community_id: int | None = None,
) -> ProposalOut:
    current = await _reload(conn, proposal.id)
    if approved_when(
        [p.community_id for p in current.participants],
        [p.community_id for p in current.participants if p.accepted_at is not None],
        current.regions,
        [a.region for a in current.approvals],
    ):
        await repo.set_status(conn, proposal.id, "approved", now)
        failpoint("approve.before_commit")
        current = await _reload(conn, proposal.id)
        await outbox.emit(conn, "proposal.approved", current.regions, _event(current))
    else:
        await repo.touch(conn, proposal.id, now)
        current = await _reload(conn, proposal.id)
    await _record(conn, caller, action, proposal, current, community_id=community_id)
    return current


async def _decline(
    conn: asyncpg.Connection,
    caller: Caller,
    proposal: ProposalOut,
    community_id: int | None,
    reason: str | None,
    now: datetime,
) -> ProposalOut:
    communities = _acting(caller, proposal, community_id, [p.community_id for p in proposal.participants])
    if proposal.status == "rejected" and proposal.reason == reason:
        return proposal
    require_applies("decline", proposal.status)
    return await _end(
        conn, caller, proposal, "rejected", now, reason=reason, action="decline", community_id=communities[0]
    )


async def _dispatch(
    conn: asyncpg.Connection, caller: Caller, proposal: ProposalOut, now: datetime
) -> ProposalOut:
    if not caller.is_admin and caller.role != "coordinator":
        _acting(caller, proposal, None, sorted({t.giver_id for t in proposal.transfers}))
    else:
        _covered(caller, proposal)
    if proposal.status == "in_transit":
        return proposal
    require_applies("dispatch", proposal.status)
    await repo.set_status(conn, proposal.id, "in_transit", now)
    after = await _reload(conn, proposal.id)
    await _record(conn, caller, "dispatch", proposal, after)
    return after


async def _complete(
    conn: asyncpg.Connection, caller: Caller, proposal: ProposalOut, community_id: int | None, now: datetime
) -> ProposalOut:
    receivers = sorted({t.receiver_id for t in proposal.transfers})
    communities = _acting(caller, proposal, community_id, receivers)
    received = {t.receiver_id for t in proposal.transfers if t.received_at is not None}
    if set(communities) <= received:
        return proposal  # receipt already confirmed
    require_applies("complete", proposal.status)
    for community in communities:
        await repo.mark_received(conn, proposal.id, community, now, caller.key_id)
    transfers = await _transfers(conn, proposal.id)
    if all(t["received_at"] is not None for t in transfers):
        await repo.deliver(conn, transfers)
        failpoint("complete.before_ledger")
        await repo.write_ledger(conn, proposal.id, transfers, now)
        await repo.set_status(conn, proposal.id, "completed", now)
        after = await _reload(conn, proposal.id)
        await outbox.emit(conn, "proposal.completed", after.regions, _event(after))
    else:
        await repo.touch(conn, proposal.id, now)
        after = await _reload(conn, proposal.id)
    await _record(conn, caller, "complete", proposal, after, community_id=communities[0])
    return after


# --- expiry --------------------------------------------------------------------------------------


async def expire_due(conn: asyncpg.Connection, clock: Clock, limit: int = 200) -> list[int]:
    """Expire proposals whose hold ran out (in the caller's transaction; skips rows others hold)."""
    now = clock.now()
    expired = []
    for proposal_id in await repo.due_expiries(conn, now, limit):
        row = await repo.get(conn, proposal_id)
        assert row is not None
        (proposal,) = await load(conn, [row])
        await _end(conn, None, proposal, "expired", now, reason="the hold expired", action="expire")
        expired.append(proposal_id)
    return expired


def as_json(proposal: ProposalOut) -> Any:
    return msgspec.to_builtins(proposal)

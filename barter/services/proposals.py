"""Proposals: made from a run's exchanges, then moved by communities and coordinators.

Every transition is one transaction (the caller's): the proposal row is locked first, then offers
and needs in id order, so two transitions can never deadlock; a transition that does not apply
answers 409 naming the current state; a retry of one that already took effect answers with the
current state and changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, cast

import asyncpg
import msgspec

from barter.domain import geo
from barter.domain.access import Caller, require_row_level
from barter.domain.clock import Clock
from barter.domain.errors import NotFound, StaleVersion
from barter.domain.proposals import (
    Action,
    Arc,
    Decision,
    Leg,
    OwnTerm,
    ProposalState,
    Request,
    Status,
    TransitionConflict,
    decide,
    declined_arcs,
    display_names,
    expiry,
    explain,
)
from barter.domain.receipts import Planned, Stated, check
from barter.failpoints import failpoint
from barter.logistics.estimate import direct_cost
from barter.logistics.fleet import default_fleet
from barter.logistics.model import Vehicle
from barter.matching.model import Exchange, Instance
from barter.matching.snapshot import parse_key
from barter.matching.terms import own_offer_value
from barter.schemas.proposals import (
    ApprovalOut,
    ParticipantOut,
    Pending,
    PlaceOut,
    ProposalOut,
    TransferOut,
)
from barter.services import arrivals
from barter.storage.repos import audit, disputes, logistics, outbox
from barter.storage.repos import proposals as repo
from barter.storage.repos import repair as repair_repo
from barter.storage.sql import query


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return geo.great_circle_km(a[0], a[1], b[0], b[1])


def floor4(quantity: float) -> float:
    """Quantities are stored with 4 decimals; rounding down never holds more than the engine chose."""
    return math.floor(quantity * 10_000 + 1e-6) / 10_000


# --- reading -------------------------------------------------------------------------------------


def _out(row: Any, transfers: list[Any], participants: list[Any], approvals: list[Any]) -> ProposalOut:
    accepted = {p["community_id"] for p in participants if p["accepted_at"] is not None}
    approved = {a["region"] for a in approvals}
    received = {t["receiver_id"] for t in transfers if t["received_at"] is not None}
    receivers = sorted({t["receiver_id"] for t in transfers})
    pending = Pending(
        accept=sorted(p["community_id"] for p in participants if p["community_id"] not in accepted)
        if row["status"] == "proposed"
        else [],
        approve=sorted(set(row["regions"]) - approved) if row["status"] == "proposed" else [],
        # receipts are asked for once the goods are on their way (decide() refuses them before)
        receive=[r for r in receivers if r not in received] if row["status"] == "in_transit" else [],
    )
    return ProposalOut(
        **{k: row[k] for k in row.keys()},  # noqa: SIM118 (asyncpg Record)
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


def _no_such_proposal() -> NotFound:
    """A proposal that is not there, or not the caller's to see: the same answer for both."""
    return NotFound("No proposal with that id", detail_th="ไม่พบข้อเสนอแลกเปลี่ยนตามรหัสนี้")


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
        raise _no_such_proposal()
    (out,) = await load(conn, [row])
    if not visible(caller, out):
        raise _no_such_proposal()
    return out


async def places(conn: asyncpg.Connection, caller: Caller, proposal: ProposalOut) -> list[PlaceOut]:
    """Where each participant of `proposal` is, as far as `caller` may know (one statement, however
    many take part): its own point where the caller sees it (Caller.sees_point), else its
    province's centre. The own point of the others never leaves this function. The community's
    region today decides (a community that moved is placed where it is now)."""
    require_row_level(caller)
    if not visible(caller, proposal):
        raise _no_such_proposal()
    out = []
    for r in await repo.places(conn, proposal.id):
        exact = caller.sees_point(r["community_id"], r["region"])
        out.append(
            PlaceOut(
                community_id=r["community_id"],
                province_code=r["province_code"],
                province_name_th=r["province_name_th"],
                province_name_en=r["province_name_en"],
                lat=r["lat"] if exact else r["province_lat"],
                lon=r["lon"] if exact else r["province_lon"],
                exact=exact,
            )
        )
    return out


# --- making proposals from a run -----------------------------------------------------------------


@cache
def _vehicles() -> tuple[Vehicle, ...]:
    """The kinds of vehicle of the default fleet (one of each), for transport estimates."""
    kinds: dict[str, Vehicle] = {}
    for v in default_fleet().vehicles:
        kinds.setdefault(v.kind, v)
    return tuple(kinds.values())


@dataclass(frozen=True, slots=True)
class Made:
    """The proposals made; `dropped`: exchanges whose holds failed because the market moved since
    the snapshot (a concurrent hold, delivery or close); `unstorable`: exchanges with a quantity
    the database's four decimals cannot hold (the engine returns none: counted, never "dropped")."""

    proposals: list[int]
    dropped: int
    unstorable: int = 0


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
    kg_per_unit: dict[str, float] = field(default_factory=dict)
    vehicles: tuple[Vehicle, ...] = ()
    # own terms (barter.matching.terms) by offer and need id, where the listing set them
    offer_terms: dict[int, OwnTerm] = field(default_factory=dict)
    need_terms: dict[int, OwnTerm] = field(default_factory=dict)
    cost_per_kg_km: float = 0.0  # the run's: transport estimates on shared trucks


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
        kg_per_unit={i.id: i.kg_per_unit for i in instance.items},
        vehicles=_vehicles(),
        cost_per_kg_km=instance.settings.transport_cost_per_kg_km,
    )
    _own_terms(ctx, instance)
    offer_of = {o.id: o for o in instance.offers}
    need_of = {n.id: n for n in instance.needs}
    made: list[int] = []
    dropped = unstorable = 0
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
        if any(q <= 0 for *_, q in legs):
            unstorable += 1
            continue
        try:
            async with conn.transaction():  # a savepoint inside the run's transaction
                made.append(await _make_one(conn, ctx, exchange.kind, legs))
        except _Dropped:
            dropped += 1
    return Made(made, dropped, unstorable)


def _own_terms(ctx: _Context, instance: Instance) -> None:
    """The own terms each offer and need of the run set, as the explanations state them."""
    for o in instance.offers:
        # at face value: "10 kg of rice for each kg" reads as 10 kg of rice's worth (the engine
        # balances on it raised by the tolerance, so that the community never gets less)
        own = own_offer_value(o, ctx.values, 0.0)
        if own is None:
            continue
        term = OwnTerm(own)
        ratio = o.min_ratio
        if ratio is not None and (o.own_value is None or own > o.own_value):
            # the ratio set the value: say it as the community did
            names = ctx.items[ratio.item]
            term = OwnTerm(own, ratio.ratio, names["name_th"], names["name_en"], names["unit"], ratio.item)
        ctx.offer_terms[parse_key(o.id)] = term
    for n in instance.needs:
        if n.own_value is not None:
            ctx.need_terms[parse_key(n.id)] = OwnTerm(n.own_value)


async def _make_one(
    conn: asyncpg.Connection, ctx: _Context, kind: str, legs: list[tuple[int, int, int, int, str, float]]
) -> int:
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
        weight = quantity * ctx.kg_per_unit.get(item, 1.0)
        story.append(
            Leg(
                giver,
                receiver,
                quantity,
                unit,
                ctx.items[item]["name_th"],
                ctx.items[item]["name_en"],
                value=quantity * ctx.values[item],
                need_id=need_id,
                distance_km=round(distance, 1),
                transport=direct_cost(weight, distance, ctx.vehicles),
                giver_term=ctx.offer_terms.get(offer_id),
                receiver_term=ctx.need_terms.get(need_id),
                shared=ctx.cost_per_kg_km * weight * distance,
                item_id=item,
            )
        )
    for community in members:
        thai, english = explain(community, story, ctx.names, kind)
        mine = [leg for leg in story if leg.giver == community]
        await repo.insert_participant(
            conn,
            proposal_id,
            community,
            region=ctx.regions[community],
            # the values this community balanced by: its own terms where it set any
            gives_value=sum(leg.giver_value for leg in story if leg.giver == community),
            receives_value=sum(leg.receiver_value for leg in story if leg.receiver == community),
            explanation_th=thai,
            explanation_en=english,
            distance_km=sum(leg.distance_km for leg in mine),
            transport_estimate=sum(leg.shared for leg in mine),
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


@dataclass(frozen=True, slots=True)
class _Loaded:
    """A proposal as read once for a transition: its rows, and the answer they make."""

    row: dict[str, Any]
    transfers: list[asyncpg.Record]
    participants: list[Any]
    approvals: list[dict[str, Any]]
    out: ProposalOut

    def state(self, now: datetime) -> ProposalState:
        p = self.out
        return ProposalState(
            status=cast(Status, p.status),
            regions=tuple(p.regions),
            members={x.community_id: x.region for x in p.participants},
            accepted=frozenset(x.community_id for x in p.participants if x.accepted_at is not None),
            approved=frozenset(a.region for a in p.approvals),
            givers=frozenset(t.giver_id for t in p.transfers),
            receivers=frozenset(t.receiver_id for t in p.transfers),
            received=frozenset(t.receiver_id for t in p.transfers if t.received_at is not None),
            reason=p.reason,
            hold_expired=p.status == "proposed" and p.hold_expires_at <= now,
        )


def _assemble(
    row: Any, transfers: list[asyncpg.Record], participants: list[Any], approvals: list[dict[str, Any]]
) -> _Loaded:
    values = {k: row[k] for k in _PROPOSAL_COLUMNS}
    return _Loaded(
        values, transfers, participants, approvals, _out(values, transfers, participants, approvals)
    )


_PROPOSAL_COLUMNS = (
    "id", "run_id", "kind", "status", "regions", "total_value", "hold_expires_at", "reason", "ended_by",
    "created_at", "updated_at", "approved_at", "dispatched_at", "completed_at", "ended_at", "version",
    "ended_by_community", "ended_by_regions",
)  # fmt: skip


async def _locked(conn: asyncpg.Connection, caller: Caller, proposal_id: int, version: int | None) -> _Loaded:
    """The proposal under its row lock, then its transfers, participants and approvals: four
    statements. The details are read after the lock is granted, so they include what the
    transaction that held it before committed (a statement sees what committed before it began)."""
    row = await repo.get(conn, proposal_id, lock=True)
    if row is None:
        raise _no_such_proposal()
    transfers, participants, approval_rows = await repo.details(conn, [proposal_id])
    approvals = [{"region": a["region"], "approved_at": a["approved_at"]} for a in approval_rows]
    loaded = _assemble(row, transfers, participants, approvals)
    if not visible(caller, loaded.out):
        raise _no_such_proposal()
    if version is not None and loaded.out.version != version:
        raise StaleVersion(
            f"The proposal changed since you read it (now version {loaded.out.version})",
            detail_th=f"ข้อเสนอนี้ถูกแก้ไขหลังจากที่คุณอ่าน (ตอนนี้เป็นฉบับที่ {loaded.out.version})",
        )
    return loaded


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
        "ended_by": p.ended_by,
        "ended_by_community": p.ended_by_community,
        "ended_by_regions": p.ended_by_regions,
    }


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
    receipts: Sequence[Stated] = (),
) -> Outcome:
    """Move a proposal: load it once under its lock, let the pure state machine decide, apply the
    decision, answer. In the caller's transaction; a retry of an applied request changes nothing.
    `receipts` (complete only): what arrived on each transfer; those not listed arrived in full."""
    now = clock.now()
    loaded = await _locked(conn, caller, proposal_id, version)
    decision = decide(loaded.state(now), caller, Request(action, community_id, reason))
    if decision.retry:
        if decision.shipments_follow:
            await _shipments_follow(conn, proposal_id, now)
        return Outcome(loaded.out)
    if receipts and decision.receive:
        await _record_receipts(conn, loaded, decision.receive, receipts)
    return Outcome(await _apply(conn, caller, loaded, decision, now), decision.conflict)


async def _record_receipts(
    conn: asyncpg.Connection, loaded: _Loaded, receiving: Sequence[int], receipts: Sequence[Stated]
) -> None:
    plan = [
        Planned(t.position, t.receiver_id, t.quantity, t.received_at is None) for t in loaded.out.transfers
    ]
    for r in check(plan, receiving, receipts):
        await repo.record_receipt(
            conn,
            loaded.out.id,
            r.position,
            quantity=r.quantity,
            condition=r.condition,
            note=r.note,
            photo_ref=r.photo_ref,
        )


async def _open_disputes(
    conn: asyncpg.Connection,
    caller: Caller | None,
    before: ProposalOut,
    transfers: Sequence[asyncpg.Record],
    now: datetime,
) -> None:
    """A transfer that arrived short or spoiled opens a dispute for the regions of both sides."""
    members = {p.community_id: p.region for p in before.participants}
    for t in transfers:
        got = repo.received(t)
        if got >= t["quantity"]:
            continue
        regions = [members[t["giver_id"]], members[t["receiver_id"]]]
        dispute_id = await disputes.insert(
            conn, t, regions=regions, received=got, condition=t["condition"], now=now
        )
        await audit.record(
            conn,
            caller,
            action="open",
            entity="dispute",
            entity_id=dispute_id,
            community_id=t["receiver_id"],
            regions=regions,
            after={
                "proposal_id": before.id,
                "position": t["position"],
                "planned": t["quantity"],
                "received": got,
            },
        )


async def _apply(
    conn: asyncpg.Connection, caller: Caller | None, loaded: _Loaded, decision: Decision, now: datetime
) -> ProposalOut:
    """Write what `decision` says, in the caller's transaction, and build the answer once."""
    before = loaded.out
    actor = None if decision.system else caller
    if decision.accept or decision.approve:
        assert actor is not None
        row = await repo.record_answers(
            conn,
            before.id,
            decision.status,
            now,
            actor.key_id,
            accept=decision.accept,
            approve=decision.approve,
        )
        if decision.status == "approved":
            failpoint("approve.before_commit")
        at = now.astimezone(UTC)
        participants = [
            {**dict(p), "accepted_at": at} if p["community_id"] in decision.accept else p
            for p in loaded.participants
        ]
        approvals = sorted(
            loaded.approvals + [{"region": r, "approved_at": at} for r in decision.approve],
            key=lambda a: str(a["region"]),
        )
        after = _assemble(row, loaded.transfers, participants, approvals).out
    elif decision.receive:
        assert actor is not None
        for community in decision.receive:
            await repo.mark_received(conn, before.id, community, now, actor.key_id)
        if decision.deliver:
            transfers = await _transfers(conn, before.id)
            await repo.deliver(conn, transfers)
            failpoint("complete.before_ledger")
            await repo.write_ledger(conn, before.id, transfers, now)
            await _open_disputes(conn, actor, before, transfers, now)
            await repo.set_status(conn, before.id, decision.status, now)
        else:
            await repo.touch(conn, before.id, now)
        after = await _reload(conn, before.id)
    else:
        if decision.release:  # reject, decline, expire or cancel: the holds go back to the market
            await repo.release(conn, loaded.transfers)
        await repo.set_status(
            conn,
            before.id,
            decision.status,
            now,
            reason=decision.reason if decision.release else None,
            ended_by=actor.key_id if actor and decision.release else None,
        )
        if decision.repair:
            await _repair(conn, actor, loaded, decision, now)
        after = await _reload(conn, before.id)
    if decision.event is not None and decision.event != "proposal.rejected":
        await outbox.emit(conn, decision.event, after.regions, _event(after))
    if decision.event == "proposal.dispatched":  # tell each receiver shortly before it arrives
        await arrivals.schedule(conn, before.id, now)
    await _record(
        conn, actor, decision.audit, before, after, community_id=decision.community_id, reason=decision.reason
    )
    if decision.event == "proposal.rejected":
        await outbox.emit(conn, decision.event, before.regions, _event(after))
    if decision.shipments_follow:
        await _shipments_follow(conn, before.id, now)
    return after


async def _repair(
    conn: asyncpg.Connection, actor: Caller | None, loaded: _Loaded, decision: Decision, now: datetime
) -> None:
    """After a decline or rejection, in its transaction: who declined, the exchange's arcs that
    involve them (cooling down from now), and a repair run queued for the others, over the
    proposal's run's regions with its settings (tolerance, limits, time limit, seed): the others'
    fallback partners may be anywhere that run looked, as the declined partner was. Runners start
    it once this commits and its regions are free."""
    before = loaded.out
    community = decision.community_id
    rejecting = list(decision.regions) if community is None else None
    await repair_repo.mark_ended_by(conn, before.id, community, rejecting)
    members = {p.community_id: p.region for p in before.participants}
    arcs = declined_arcs(
        [Arc(t.offer_id, t.need_id, t.giver_id, t.receiver_id) for t in before.transfers],
        members,
        community,
        rejecting or (),
    )
    await repair_repo.insert_declined_arcs(
        conn, before.id, arcs, community_id=community, regions=rejecting, now=now
    )
    run_id, regions = await repair_repo.insert_repair_run(
        conn, actor.key_id if actor else None, before.id, before.run_id
    )
    await audit.record(
        conn,
        actor,
        action="repair",
        entity="run",
        entity_id=run_id,
        community_id=community,
        regions=regions,
        after={"repair_of": before.id, "regions": regions, "declined_arcs": len(arcs)},
        reason=decision.reason,
    )


async def _shipments_follow(conn: asyncpg.Connection, proposal_id: int, now: datetime) -> None:
    """The logistics hook: shipments carrying the proposal follow its new status, in this transaction
    (on the road once all they carry is dispatched, delivered once all is completed)."""
    await logistics.follow_proposal(conn, proposal_id, now)


# --- expiry --------------------------------------------------------------------------------------


async def expire_due(conn: asyncpg.Connection, clock: Clock, limit: int = 200) -> list[int]:
    """Expire proposals whose hold ran out (in the caller's transaction; skips rows others hold)."""
    now = clock.now()
    expired = []
    for proposal_id in await repo.due_expiries(conn, now, limit):
        row = await repo.get(conn, proposal_id)
        assert row is not None
        transfers, participants, approvals = await repo.details(conn, [proposal_id])
        loaded = _assemble(row, transfers, participants, [dict(a) for a in approvals])
        await _apply(conn, None, loaded, expiry(loaded.state(now)), now)
        expired.append(proposal_id)
    return expired


def as_json(proposal: ProposalOut) -> Any:
    return msgspec.to_builtins(proposal)

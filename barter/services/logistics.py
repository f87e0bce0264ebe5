"""Logistics: plan shipments for proposals, store the plan, and let shipments follow the proposals.

What a plan covers
    POST /v1/logistics/plans takes the approved proposals touching the requested regions (one of
    their communities lies there) that no active plan carries yet, oldest first, up to
    MAX_TRANSFERS transfers; the rest are counted as `deferred` and wait for the next plan. A
    proposal travels on at most one active stored plan; to plan it again, cancel the plan (only
    while none of its shipments is loading or beyond).

Previews
    `preview: true` plans the proposed proposals (whose hold still runs) instead. A preview is
    stored like a plan, so it has an id, a map and a text table, but it claims nothing, its
    shipments never move, partners and communities never see it, and /v1/shipments lists its
    shipments only when asked for that plan.

From transfers to the planner's input (`build_input`)
    origin: the giving community's point and region; destination: the receiving one's. Weight:
    quantity x the item's kg per unit; a transfer heavier than the biggest truck is cut into lots
    of whole units (`split_lots`), each planned on its own. Ready: today (Thai date) or the offer's
    available_from, whichever is later. Needed by: the need's needed_by, or today + horizon_days
    when it names none. Shelf life: the item's. The plan starts today, so what was due before is
    unplaced ("impossible_window"). The fleet and hubs are fleet.py's defaults.

The planner runs in a worker thread (it is pure and single-threaded) inside the request; the
time limit is capped at 30 s so the request transaction, idle meanwhile, stays far from the
server's idle-in-transaction timeout. The plan is stored only after the proposals are locked
FOR SHARE and found unchanged, so no transition slips between planning and storing.

Shipment status: planned -> loading (a coordinator) -> on_the_road (a coordinator's `depart`, or
every proposal it carries dispatched) -> delivered (every proposal it carries completed); a
shipment whose proposals were all cancelled is cancelled. `follow_proposal` (in the storage repo)
is the hook barter/workflow/proposals.py calls after dispatch, complete and cancel.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import msgspec

from barter.domain.access import ENGLISH_REGIONS, THAI_REGIONS, Caller, require_role, require_row_level
from barter.domain.clock import Clock, thai_today
from barter.domain.errors import Conflict, Forbidden, NotFound, StaleVersion, ValidationFailed
from barter.domain.model import REGIONS
from barter.logistics import (
    THAI_TIME,
    Place,
    Plan,
    PlanInput,
    PlanInputError,
    PlanSettings,
    Transfer,
    split_into_lots,
    to_geojson,
)
from barter.logistics.fleet import BIGGEST_KG, default_fleet
from barter.schemas.logistics import (
    CarriedOut,
    HandoverOut,
    PlanCreate,
    PlanOut,
    PlanSummary,
    ShipmentOut,
    StopOut,
    TotalsOut,
    TransferKey,
    TransferRef,
    UnplacedOut,
)
from barter.services.planning import run_planner, take_plan_slot
from barter.settings import Settings
from barter.storage.repos import audit
from barter.storage.repos import logistics as repo

MAX_TRANSFERS = 500
DEFAULT_TIME_LIMIT_S = 30.0  # 500 transfers plan in 20-25 s on 2 cores (bench/logistics_api.py)
DEFAULT_HORIZON_DAYS = 14
# A shipment's states as a Thai reader says them (a refused move names both).
THAI_SHIPMENT_STATES = {
    "planned": "วางแผนแล้ว",
    "loading": "กำลังขึ้นของ",
    "on_the_road": "อยู่ระหว่างทาง",
    "delivered": "ส่งถึงแล้ว",
}

# --- building the planner's input (pure) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Part:
    """What a planner transfer id stands for: a transfer of a proposal, or one lot of it."""

    proposal_id: int
    position: int
    lot: int
    quantity: float
    weight_kg: float


@dataclass(frozen=True, slots=True)
class Built:
    problem: PlanInput
    parts: dict[str, Part]  # planner transfer id -> what it stands for
    names: dict[str, dict[str, Any]]  # place key -> Thai and English names, community id


def community_key(community_id: int) -> str:
    return f"community:{community_id}"


def build_input(
    rows: Sequence[Any], today: date, settings: PlanSettings, *, split_lots: bool, horizon_days: int
) -> Built:
    """The planner's input for transfer rows (see the module docstring for each field's source)."""
    fleet = default_fleet()
    names = dict(fleet.names)
    transfers: list[Transfer] = []
    parts: dict[str, Part] = {}
    for row in rows:
        ends = []
        for side in ("giver", "receiver"):
            key = community_key(row[f"{side}_id"])
            names[key] = {
                "name_th": row[f"{side}_name_th"] or row[f"{side}_name_en"],
                "name_en": row[f"{side}_name_en"] or row[f"{side}_name_th"],
                "community_id": row[f"{side}_id"],
            }
            ends.append(
                Place(lat=row[f"{side}_lat"], lon=row[f"{side}_lon"], region=row[f"{side}_region"], name=key)
            )
        ready = max(today, row["available_from"] or today)
        whole = Transfer(
            id=f"{row['proposal_id']}.{row['position']}",
            origin=ends[0],
            destination=ends[1],
            quantity=row["quantity"],
            kg_per_unit=row["kg_per_unit"],
            ready=ready,
            needed_by=row["needed_by"] or today + timedelta(days=horizon_days),
            shelf_life_days=row["shelf_life_days"],
        )
        lots = split_into_lots(whole, BIGGEST_KG) if split_lots else (whole,)
        for number, lot in enumerate(lots, 1):
            parts[lot.id] = Part(
                row["proposal_id"],
                row["position"],
                number if len(lots) > 1 else 0,
                lot.quantity,
                lot.weight_kg,
            )
            transfers.append(lot)
    problem = PlanInput(
        transfers=tuple(transfers), vehicles=fleet.vehicles, hubs=fleet.hubs, settings=settings
    )
    return Built(problem, parts, names)


def settings_for(data: PlanCreate, now: datetime) -> PlanSettings:
    """The planner's settings for a plan asked for at `now`: it starts today (Thai date), and no
    vehicle leaves before the next whole minute (a plan made in the evening departs tonight at the
    earliest, not at the midnight already gone)."""
    base = PlanSettings()
    thai = now.astimezone(THAI_TIME)
    since_midnight = thai - thai.replace(hour=0, minute=0, second=0, microsecond=0)
    return PlanSettings(
        handover_km=base.handover_km if data.handover_km is None else data.handover_km,
        time_limit_s=DEFAULT_TIME_LIMIT_S if data.time_limit_s is None else data.time_limit_s,
        seed=data.seed or 0,
        strategy=data.strategy or base.strategy,
        start=thai.date(),
        not_before_minute=math.ceil(since_midnight.total_seconds() / 60),
    )


# --- reading -------------------------------------------------------------------------------------


def _ref(row: Any) -> TransferRef:
    return TransferRef(**{f: row[f] for f in TransferRef.__struct_fields__})


def _key(part: Part) -> TransferKey:
    return TransferKey(part.proposal_id, part.position, part.lot)


def _totals(raw: dict[str, Any]) -> TotalsOut:
    def pct(saved: float, direct: float) -> float:
        return round(100 * saved / direct, 1) if direct else 0.0

    return TotalsOut(
        **raw,
        saved_km_pct=pct(raw["saved_km"], raw["direct_km"]),
        saved_cost_pct=pct(raw["saved_cost"], raw["direct_cost"]),
    )


def _summary(row: Any) -> PlanSummary:
    values = {k: row[k] for k in PlanSummary.__struct_fields__ if k not in ("proposals", "totals")}
    return PlanSummary(**values, proposals=list(row["proposal_ids"]), totals=_totals(row["totals"]))


def _shipment(row: Any, carried: Sequence[Any]) -> ShipmentOut:
    values = {k: row[k] for k in ShipmentOut.__struct_fields__ if k not in ("stops", "carries")}
    return ShipmentOut(
        **values,
        stops=msgspec.convert(row["stops"], list[StopOut], strict=False),
        carries=[
            CarriedOut(
                transfer=_ref(c), leg=c["leg"], legs=c["legs"], pickup=c["pickup"], dropoff=c["dropoff"]
            )
            for c in carried
        ],
    )


async def _shipments(conn: asyncpg.Connection, rows: Sequence[Any]) -> list[ShipmentOut]:
    by: dict[int, list[Any]] = defaultdict(list)
    for c in await repo.carried(conn, [r["id"] for r in rows]):
        by[c["shipment_id"]].append(c)
    return [_shipment(r, by[r["id"]]) for r in rows]


async def _load_plan(conn: asyncpg.Connection, row: Any, caller: Caller | None = None) -> PlanOut:
    """The plan as `caller` may read it: a caller scoped to regions sees the shipments, hand-overs
    and unplaced transfers that touch its regions, as /v1/shipments shows them (None: all)."""
    summary = _summary(row)
    transfers = await repo.plan_transfer_rows(conn, row["id"])
    shipments = await _shipments(conn, await repo.plan_shipments(conn, row["id"]))
    if caller is not None:
        shipments = [s for s in shipments if sees_shipment(caller, s)]
        transfers = [t for t in transfers if sees_regions(caller, t["end_regions"])]
    return PlanOut(
        **msgspec.structs.asdict(summary),
        shipments=shipments,
        handovers=[HandoverOut(_ref(t), t["km"]) for t in transfers if t["outcome"] == "handover"],
        unplaced=[
            UnplacedOut(_ref(t), t["reason"], t["detail"]) for t in transfers if t["outcome"] == "unplaced"
        ],
    )


def sees_plan(caller: Caller, row: Any) -> bool:
    if caller.is_admin:
        return True
    if caller.role == "coordinator":
        return bool(caller.regions & set(row["regions"]))
    if caller.role == "partner":  # grants by region; no grant region means national
        return not row["preview"] and (not caller.regions or bool(caller.regions & set(row["regions"])))
    return False


def sees_regions(caller: Caller, regions: Sequence[str]) -> bool:
    """Whether something touching `regions` is in the caller's scope (admins and national partners
    see every region; coordinators and regional partners theirs)."""
    if caller.is_admin or (caller.role == "partner" and not caller.regions):
        return True
    return bool(caller.regions & set(regions))


def sees_shipment(caller: Caller, shipment: ShipmentOut) -> bool:
    if caller.is_admin:
        return True
    if caller.role == "coordinator":
        return sees_regions(caller, shipment.regions)
    if shipment.preview:
        return False
    if caller.role == "partner":
        return sees_regions(caller, shipment.regions)
    return any(caller.community_id in (c.transfer.giver_id, c.transfer.receiver_id) for c in shipment.carries)


async def _visible_plan(conn: asyncpg.Connection, caller: Caller, plan_id: int, *, lock: bool = False) -> Any:
    require_role(caller, "admin", "coordinator", "partner")
    require_row_level(caller)  # who gives what to whom: as /v1/proposals
    row = await repo.get_plan(conn, plan_id, lock=lock)
    if row is None or not sees_plan(caller, row):
        raise NotFound("No plan with that id")
    return row


async def get_plan(conn: asyncpg.Connection, caller: Caller, plan_id: int) -> PlanOut:
    return await _load_plan(conn, await _visible_plan(conn, caller, plan_id), caller)


async def list_plans(
    conn: asyncpg.Connection,
    caller: Caller,
    *,
    preview: bool | None,
    status: str | None,
    region: str | None,
    before_id: int | None,
    limit: int,
) -> list[PlanSummary]:
    require_role(caller, "admin", "coordinator", "partner")
    rows = await repo.list_plans(
        conn, caller, preview=preview, status=status, region=region, before_id=before_id, limit=limit
    )
    return [_summary(r) for r in rows]


async def plan_geojson(conn: asyncpg.Connection, caller: Caller, plan_id: int) -> dict[str, Any]:
    """The planner's GeoJSON of the stored plan, with names for people and the shipments' ids and
    current statuses added to the properties."""
    await _visible_plan(conn, caller, plan_id)
    stored = await repo.plan_map(conn, plan_id)
    assert stored is not None
    document = msgspec.convert(stored["document"], Plan, strict=False)
    places: dict[str, dict[str, Any]] = stored["places"]
    shipments = {r["code"]: r for r in await repo.plan_shipments(conn, plan_id)}
    geojson = to_geojson(document)
    # Only the shipments the caller may read, as in the plan's JSON.
    geojson["features"] = [
        f
        for f in geojson["features"]
        if sees_regions(caller, shipments[f["properties"]["shipment"]]["regions"])
    ]
    for feature in geojson["features"]:
        properties = feature["properties"]
        shipment = shipments[properties["shipment"]]
        properties["shipment_id"] = shipment["id"]
        properties["status"] = shipment["status"]
        if properties["feature"] == "stop":
            names = places.get(properties["name"], {})
            properties["name_th"] = names.get("name_th", properties["name"])
            properties["name_en"] = names.get("name_en", properties["name"])
            properties["community_id"] = names.get("community_id")
            properties["name"] = properties["name_en"]
    return geojson


async def stored_input(conn: asyncpg.Connection, plan_id: int) -> tuple[PlanInput, Plan]:
    """The planner's input and answer as stored (planning the input again gives the answer)."""
    row = await repo.plan_input(conn, plan_id)
    if row is None:
        raise NotFound("No plan with that id")
    return (
        msgspec.convert(row["input"], PlanInput, strict=False),
        msgspec.convert(row["document"], Plan, strict=False),
    )


async def get_shipment(conn: asyncpg.Connection, caller: Caller, shipment_id: int) -> ShipmentOut:
    require_row_level(caller)
    row = await repo.get_shipment(conn, shipment_id)
    if row is None:
        raise NotFound("No shipment with that id")
    (out,) = await _shipments(conn, [row])
    if not sees_shipment(caller, out):
        raise NotFound("No shipment with that id")
    return out


async def list_shipments(
    conn: asyncpg.Connection,
    caller: Caller,
    *,
    plan_id: int | None,
    status: str | None,
    region: str | None,
    before_id: int | None,
    limit: int,
) -> list[ShipmentOut]:
    require_row_level(caller)
    rows = await repo.list_shipments(
        conn, caller, plan_id=plan_id, status=status, region=region, before_id=before_id, limit=limit
    )
    return await _shipments(conn, rows)


# --- planning ------------------------------------------------------------------------------------


@dataclass
class _Scope:
    regions: list[str]
    proposals: list[int] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)
    deferred: int = 0


async def _scope(conn: asyncpg.Connection, caller: Caller, data: PlanCreate, now: datetime) -> _Scope:
    regions = sorted(data.regions or (REGIONS if caller.is_admin else caller.regions))
    outside = [r for r in regions if not caller.covers_region(r)]
    if outside:
        raise Forbidden(f"Your key does not cover {', '.join(outside)}")
    scope = _Scope(regions)
    status = "proposed" if data.preview else "approved"
    taken = 0
    for row in await repo.candidates(conn, status, regions, now, include_planned=data.preview):
        if scope.proposals and taken + row["transfers"] > MAX_TRANSFERS:
            scope.deferred += 1
            continue
        taken += row["transfers"]
        scope.proposals.append(row["id"])
        scope.touched.update(row["regions"])
    if not scope.proposals:
        raise Conflict(
            f"No {status} proposal of the {' and '.join(ENGLISH_REGIONS[r] for r in regions)} waits"
            " for a plan",
            code="nothing_to_plan",
            detail_th=(
                f"ยังไม่มีข้อเสนอที่{'รอตอบรับ' if data.preview else 'อนุมัติแล้ว'}ของ"
                f"{' และ'.join(THAI_REGIONS[r] for r in regions)}ที่รอวางแผนขนส่ง"
            ),
        )
    return scope


async def create_plan(
    conn: asyncpg.Connection, caller: Caller, data: PlanCreate, clock: Clock, settings: Settings
) -> PlanOut:
    require_role(caller, "admin", "coordinator")
    await take_plan_slot(conn, caller, settings)
    now = clock.now()
    today = thai_today(now)
    scope = await _scope(conn, caller, data, now)
    rows = await repo.plannable_transfers(conn, scope.proposals)
    built = build_input(
        rows,
        today,
        settings_for(data, now),
        split_lots=data.split_lots,
        horizon_days=data.horizon_days or DEFAULT_HORIZON_DAYS,
    )
    try:
        result = await run_planner(built.problem, settings)
    except PlanInputError as exc:  # the planner's own input error, a 422 at this edge
        raise ValidationFailed(exc.problems) from None
    if not data.preview:
        statuses = await repo.share_proposals(conn, scope.proposals)
        moved = sorted(p for p in scope.proposals if statuses.get(p) != "approved")
        if moved:
            raise Conflict(
                f"Proposal {moved[0]} changed while the plan was made (now {statuses.get(moved[0])});"
                " plan again",
                code="proposals_changed",
            )
    plan_id = await _store(conn, caller, scope, built, result, data.preview, now)
    row = await repo.get_plan(conn, plan_id)
    out = await _load_plan(conn, row)
    await audit.record(
        conn,
        caller,
        action="plan",
        entity="logistics_plan",
        entity_id=plan_id,
        regions=out.regions,
        after={"preview": out.preview, "proposals": out.proposals, "shipments": len(out.shipments)},
    )
    return out


async def _claim(conn: asyncpg.Connection, proposal_ids: list[int], plan_id: int) -> None:
    """The plan's proposals, claimed; or, when another planner stored a plan carrying one of them
    while this one was made (both read it unplanned), 409 planned_meanwhile naming it and that
    plan, and nothing of this one is kept (the transaction rolls back)."""
    claimed = await repo.claim(conn, proposal_ids, plan_id)
    taken = sorted(set(proposal_ids) - set(claimed))
    if not taken:
        return
    other = await repo.plan_of(conn, taken[0])
    raise Conflict(
        f"Proposal {taken[0]} was planned meanwhile, by plan {other}, while this plan was made;"
        " this plan was not stored: plan again for what is left",
        code="planned_meanwhile",
        extra={"proposal_ids": taken, "plan_id": other},
        detail_th=(
            f"ข้อเสนอ #{taken[0]} ถูกจัดเข้าแผนขนส่ง #{other} ไปแล้วระหว่างที่คำนวณแผนนี้"
            " จึงไม่ได้บันทึกแผนนี้ วางแผนใหม่ได้สำหรับข้อเสนอที่เหลือ"
        ),
    )


async def _store(
    conn: asyncpg.Connection,
    caller: Caller,
    scope: _Scope,
    built: Built,
    result: Plan,
    preview: bool,
    now: datetime,
) -> int:
    parts = built.parts
    stop_regions = {s.id: sorted({stop.place.region for stop in s.stops}) for s in result.shipments}
    regions = sorted(set(scope.regions) | scope.touched | {r for rs in stop_regions.values() for r in rs})
    plan_id = await repo.insert_plan(
        conn,
        preview,
        scope.regions,
        regions,
        scope.proposals,
        result.seed,
        result.strategy,
        result.start,
        result.time_limited,
        msgspec.to_builtins(result.totals),
        scope.deferred,
        built.names,
        built.problem,
        result,
        caller.key_id,
        now,
    )
    if not preview:
        await _claim(conn, scope.proposals, plan_id)
    outcome: dict[str, tuple[str, float | None, str | None, str | None]] = {}
    for h in result.handovers:
        outcome[h.transfer] = ("handover", h.km, None, None)
    for u in result.unplaced:
        outcome[u.transfer] = ("unplaced", None, u.reason, u.detail)
    for j in result.journeys:
        outcome[j.transfer] = ("shipped", None, None, None)
    await repo.insert_plan_transfers(
        conn,
        [
            (plan_id, p.proposal_id, p.position, p.lot, _decimal(p.quantity), p.weight_kg, *outcome[tid])
            for tid, p in parts.items()
        ],
    )
    ids: dict[str, int] = {}
    for s in result.shipments:
        stops = [
            StopOut(
                kind=stop.kind,
                name_th=built.names[stop.place.name]["name_th"],
                name_en=built.names[stop.place.name]["name_en"],
                community_id=built.names[stop.place.name]["community_id"],
                lat=stop.place.lat,
                lon=stop.place.lon,
                region=stop.place.region,
                hub=stop.hub,
                arrival=stop.arrival,
                departure=stop.departure,
                load_kg=stop.load_kg,
                km_from_previous=stop.km_from_previous,
                picked=[_key(parts[t]) for t in stop.picked],
                dropped=[_key(parts[t]) for t in stop.dropped],
            )
            for stop in s.stops
        ]
        ids[s.id] = await repo.insert_shipment(
            conn,
            plan_id,
            s.id,
            s.vehicle,
            s.kind,
            s.unit,
            s.capacity_kg,
            stop_regions[s.id],
            s.km,
            s.cost,
            s.max_load_kg,
            s.departure,
            s.arrival,
            stops,
            now,
        )
    legs = []
    for j in result.journeys:
        p = parts[j.transfer]
        for number, leg in enumerate(j.legs, 1):
            legs.append(
                (
                    ids[leg.shipment],
                    plan_id,
                    p.proposal_id,
                    p.position,
                    p.lot,
                    number,
                    len(j.legs),
                    leg.pickup,
                    leg.dropoff,
                )
            )
    await repo.insert_shipment_transfers(conn, legs)
    return plan_id


def _decimal(quantity: float) -> Decimal:
    return Decimal(f"{quantity:.4f}")


# --- changing plans and shipments ----------------------------------------------------------------


def _check_version(kind: str, current: int, version: int | None) -> None:
    if version is not None and current != version:
        raise StaleVersion(f"The {kind} changed since you read it (now version {current})")


async def cancel_plan(
    conn: asyncpg.Connection, caller: Caller, plan_id: int, clock: Clock, version: int | None
) -> PlanOut:
    """Cancel a plan whose shipments have not started loading: its proposals can be planned again."""
    require_role(caller, "admin", "coordinator")
    row = await _visible_plan(conn, caller, plan_id, lock=True)
    if row["status"] == "cancelled":
        return await _load_plan(conn, row, caller)  # a retry
    _check_version("plan", row["version"], version)
    started = [
        s
        for s in await repo.lock_plan_shipments(conn, plan_id)
        if s["status"] not in ("planned", "cancelled")
    ]
    if started:
        raise Conflict(
            f"Shipment {started[0]['code']} is already {started[0]['status']};"
            " a started plan cannot be cancelled",
            code="invalid_state",
            extra={"state": started[0]["status"]},
        )
    now = clock.now()
    await repo.cancel_plan(conn, plan_id, now, caller.key_id)
    after = await repo.get_plan(conn, plan_id)
    await audit.record(
        conn,
        caller,
        action="cancel",
        entity="logistics_plan",
        entity_id=plan_id,
        regions=list(row["regions"]),
        before={"status": row["status"], "version": row["version"]},
        after={"status": "cancelled", "version": after["version"] if after else None},
    )
    return await _load_plan(conn, after, caller)


MOVES: dict[str, tuple[str, frozenset[str]]] = {
    # action: (status it leads to, statuses it applies from)
    "loading": ("loading", frozenset({"planned"})),
    "depart": ("on_the_road", frozenset({"planned", "loading"})),
}


async def move_shipment(
    conn: asyncpg.Connection,
    caller: Caller,
    shipment_id: int,
    action: str,
    clock: Clock,
    version: int | None,
) -> ShipmentOut:
    """A coordinator marks a shipment loading, or on the road (`depart`). Retries answer the current
    state; a move that does not apply is 409 naming the state."""
    require_role(caller, "admin", "coordinator")
    row = await repo.get_shipment(conn, shipment_id, lock=True)
    if row is None:
        raise NotFound("No shipment with that id")
    (before,) = await _shipments(conn, [row])
    if not sees_shipment(caller, before):
        raise NotFound("No shipment with that id")
    target, applies = MOVES[action]
    if before.preview:
        raise Conflict(
            "The shipments of a preview do not move", code="invalid_state", extra={"state": "preview"}
        )
    if before.status == target:
        return before
    _check_version("shipment", before.version, version)
    if before.status not in applies:
        raise Conflict(
            f"Cannot mark a shipment {target} when it is {before.status}",
            detail_th=(
                f"เปลี่ยนเที่ยวขนส่งเป็น{THAI_SHIPMENT_STATES.get(target, target)}ไม่ได้"
                f" เพราะตอนนี้{THAI_SHIPMENT_STATES.get(before.status, before.status)}"
            ),
            code="invalid_state",
            extra={"state": before.status},
        )
    await repo.set_shipment_status(conn, shipment_id, target, clock.now())
    after = await get_shipment(conn, caller, shipment_id)
    await audit.record(
        conn,
        caller,
        action=action,
        entity="shipment",
        entity_id=shipment_id,
        regions=after.regions,
        before={"status": before.status, "version": before.version},
        after={"status": after.status, "version": after.version},
    )
    return after

"""Proposals for the logistics tests, made the way a run makes them (no engine needed), and the
checks every stored plan must pass."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

import pytest

from barter.domain.clock import SystemClock
from barter.logistics import THAI_TIME
from barter.matching.model import Community, Exchange, Instance, Item, Need, Offer, Transfer
from barter.services.proposals import create_all
from barter.storage.repos import communities as communities_repo
from tests.world import ADMIN, World, world

__all__ = ["Leg", "Towns", "exchange", "place", "towns", "world"]


@dataclass
class Leg:
    giver: dict[str, Any]
    receiver: dict[str, Any]
    item: str
    quantity: float
    available_from: date | None = None
    needed_by: date | None = None


async def place(w: World, name_en: str, province: str, lat: float, lon: float) -> dict[str, Any]:
    row = await communities_repo.insert(
        w.db,
        name_th=f"ชุมชน{name_en}",
        name_en=name_en,
        kind="mixed",
        province_code=province,
        lat=lat,
        lon=lon,
        subdistrict_code=None,
        contact=None,
    )
    return dict(row)


@dataclass
class Towns:
    satun: dict[str, Any]  # world.a: Pak Bara (south)
    chiang_rai: dict[str, Any]  # world.b (north)
    near_satun: dict[str, Any]  # 12 km from Pak Bara: hand-overs
    narathiwat: dict[str, Any]  # south, ~250 km from Pak Bara
    yasothon: dict[str, Any]  # northeast
    sakon: dict[str, Any]  # northeast


@pytest.fixture
async def towns(world: World) -> Towns:
    return Towns(
        satun=world.a,
        chiang_rai=world.b,
        near_satun=await place(world, "La-ngu", "91", 6.95, 99.78),
        narathiwat=await place(world, "Tak Bai", "96", 6.26, 102.05),
        yasothon=await place(world, "Yasothon", "35", 15.79, 104.14),
        sakon=await place(world, "Sakon Nakhon", "47", 17.16, 104.15),
    )


async def exchange(w: World, legs: list[Leg], status: str = "approved") -> int:
    """One proposal whose transfers are `legs` (a cycle when the last receiver is the first
    giver), with its own offers and needs, moved by an admin to `status`."""
    offers, needs, transfers = [], [], []
    for leg in legs:
        offer_body: dict[str, Any] = {
            "community_id": leg.giver["id"],
            "item_id": leg.item,
            "quantity": leg.quantity,
        }
        if leg.available_from:
            offer_body["available_from"] = leg.available_from.isoformat()
        need_body: dict[str, Any] = {
            "community_id": leg.receiver["id"],
            "item_id": leg.item,
            "quantity": leg.quantity,
        }
        offer = await w.post(ADMIN, "/v1/offers", offer_body)
        need = await w.post(ADMIN, "/v1/needs", need_body)
        assert offer.status_code == need.status_code == 201, (offer.text, need.text)
        o, n = offer.json()["id"], need.json()["id"]
        if leg.needed_by:  # set in the database: the API refuses a day already past (a late leg)
            await w.db.execute("UPDATE needs SET needed_by = $2 WHERE id = $1", n, leg.needed_by)
        offers.append(
            Offer(id=f"o{o}", community=f"c{leg.giver['id']}", item=leg.item, quantity=leg.quantity)
        )
        needs.append(
            Need(id=f"n{n}", community=f"c{leg.receiver['id']}", item=leg.item, quantity=leg.quantity)
        )
        transfers.append(Transfer(offer=f"o{o}", need=f"n{n}", quantity=leg.quantity))
    members = {c["id"]: c for leg in legs for c in (leg.giver, leg.receiver)}
    instance = Instance(
        communities=[Community(id=f"c{c['id']}", lat=c["lat"], lon=c["lon"]) for c in members.values()],
        items=[Item(id=i, category="any", value=10) for i in sorted({leg.item for leg in legs})],
        offers=offers,
        needs=needs,
    )
    kind: Literal["cycle", "chain"] = "cycle" if legs[-1].receiver["id"] == legs[0].giver["id"] else "chain"
    run_id = await w.db.fetchval(
        "INSERT INTO matching_runs (regions, settings, status) "
        "VALUES ('{south}', jsonb_build_object('seed', 0), 'succeeded') RETURNING id"
    )
    async with w.db.transaction():
        made = await create_all(
            w.db,
            run_id=run_id,
            instance=instance,
            exchanges=[Exchange(kind=kind, transfers=transfers)],
            hold=timedelta(hours=72),
            clock=SystemClock(),
            road_factor=1.3,
        )
    (proposal_id,) = made.proposals
    if status != "proposed":
        for action in ("accept", "approve"):
            response = await w.client.post(f"/v1/proposals/{proposal_id}/{action}", headers=w.headers(ADMIN))
            assert response.status_code == 200, response.text
        assert response.json()["status"] == "approved"
    return proposal_id


def thai_day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=THAI_TIME)


def check_stored_plan(plan: dict[str, Any], expected: set[tuple[int, int, int]]) -> None:
    """The promises of issue 6 on a plan as the API answers it: every transfer (or lot) exactly once
    as shipped (each leg on exactly one shipment), hand-over or unplaced; no leg over capacity;
    every pick-up before its drop-off on the same vehicle; times move forward."""

    def key(ref: dict[str, Any]) -> tuple[int, int, int]:
        return (ref["proposal_id"], ref["position"], ref["lot"])

    legs: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    weights: dict[tuple[int, int, int], float] = {}
    for shipment in plan["shipments"]:
        capacity = shipment["capacity_kg"]
        assert shipment["max_load_kg"] <= capacity + 0.01
        carried = {key(c["transfer"]): c for c in shipment["carries"]}
        for k, c in carried.items():
            legs[k].append(c["leg"])
            weights[k] = c["transfer"]["weight_kg"]
            assert 1 <= c["leg"] <= c["legs"] <= 3
            assert datetime.fromisoformat(c["pickup"]) < datetime.fromisoformat(c["dropoff"])
        picked_at: dict[tuple[int, int, int], int] = {}
        load = 0.0
        previous = datetime.fromisoformat(shipment["stops"][0]["departure"])
        assert shipment["stops"][0]["kind"] == shipment["stops"][-1]["kind"] == "depot"
        for i, stop in enumerate(shipment["stops"]):
            arrival, departure = (
                datetime.fromisoformat(stop["arrival"]),
                datetime.fromisoformat(stop["departure"]),
            )
            assert previous <= arrival <= departure, "times move forward"
            previous = departure
            for ref in stop["picked"]:
                picked_at[key(ref)] = i
                load += weights[key(ref)]
            for ref in stop["dropped"]:
                assert picked_at[key(ref)] < i, "pick-up precedes drop-off on the same vehicle"
                load -= weights[key(ref)]
            assert abs(stop["load_kg"] - load) <= 0.01
            assert -0.01 <= load <= capacity + 0.01, "no leg exceeds capacity"
        assert set(picked_at) == set(carried)
    for k, numbers in legs.items():
        legs_of = {c["legs"] for s in plan["shipments"] for c in s["carries"] if key(c["transfer"]) == k}
        (count,) = legs_of
        assert sorted(numbers) == list(range(1, count + 1)), f"{k}: each leg on exactly one shipment"
    handed = [key(h["transfer"]) for h in plan["handovers"]]
    unplaced = [key(u["transfer"]) for u in plan["unplaced"]]
    everything = list(legs) + handed + unplaced
    assert sorted(everything) == sorted(expected), "each transfer exactly once"
    totals = plan["totals"]
    assert totals["transfers"] == len(expected)
    assert (totals["handovers"], totals["unplaced"], totals["routed"]) == (
        len(handed),
        len(unplaced),
        len(legs),
    )
    assert totals["shipments"] == len(plan["shipments"])
    assert abs(totals["saved_cost"] - (totals["direct_cost"] - totals["cost"])) <= 0.011

"""Plans over HTTP: what a plan holds, that it keeps the planner's promises, and that it repeats."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec

from barter.domain.clock import ManualClock, thai_today
from barter.logistics import plan
from barter.schemas.logistics import PlanCreate
from barter.services import logistics as service
from tests.api.logistics.conftest import Leg, Towns, check_stored_plan, exchange, thai_day_start
from tests.world import ADMIN, World


async def _cross_region(w: World, t: Towns, today: date) -> dict[str, int]:
    """The 2020 story and its neighbours: fish north, rice south (20 t: two lots), a local swap of
    hand-overs, and greens that were due yesterday."""
    return {
        "cycle": await exchange(
            w,
            [
                Leg(t.satun, t.sakon, "dried-fish", 100),
                Leg(t.sakon, t.yasothon, "turmeric", 650),
                Leg(t.yasothon, t.satun, "rice-jasmine", 20_000),
            ],
        ),
        "local": await exchange(
            w, [Leg(t.satun, t.near_satun, "dried-fish", 30), Leg(t.near_satun, t.satun, "pumpkin", 200)]
        ),
        "late": await exchange(
            w,
            [
                Leg(t.satun, t.chiang_rai, "morning-glory", 300, needed_by=today - timedelta(days=1)),
                Leg(t.chiang_rai, t.satun, "rice-white", 500),
            ],
        ),
    }


async def test_a_plan_places_every_transfer_once_within_capacity_and_windows(
    world: World, towns: Towns, clock: ManualClock
) -> None:
    today = thai_today(clock.now())  # the service plans from the Thai date on its clock
    ids = await _cross_region(world, towns, today)
    response = await world.post(ADMIN, "/v1/logistics/plans", {"seed": 3})
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/v1/logistics/plans/{body['id']}"
    assert sorted(body["proposals"]) == sorted(ids.values())
    assert body["preview"] is False
    assert body["seed"] == 3
    expected = {
        (ids["cycle"], 0, 0),
        (ids["cycle"], 1, 0),
        (ids["cycle"], 2, 1),
        (ids["cycle"], 2, 2),
        (ids["local"], 0, 0),
        (ids["local"], 1, 0),
        (ids["late"], 0, 0),
        (ids["late"], 1, 0),
    }
    check_stored_plan(body, expected)
    handed = {(h["transfer"]["proposal_id"], h["transfer"]["position"]) for h in body["handovers"]}
    assert handed == {(ids["local"], 0), (ids["local"], 1)}
    assert all(h["km"] <= 30 for h in body["handovers"])
    (late,) = body["unplaced"]
    assert (late["transfer"]["proposal_id"], late["transfer"]["position"]) == (ids["late"], 0)
    assert late["reason"] == "impossible_window"
    lots = [c["transfer"] for s in body["shipments"] for c in s["carries"] if c["transfer"]["lot"]]
    assert {lot["lot"] for lot in lots} == {1, 2}
    assert all(lot["weight_kg"] == 10_000 for lot in lots)
    # Time windows: picked up no earlier than today, delivered by the end of the needed-by date
    # (no need named one: today + 14 days; no item here spoils sooner).
    start = thai_day_start(today)
    due = thai_day_start(today + timedelta(days=15))
    for s in body["shipments"]:
        for c in s["carries"]:
            assert datetime.fromisoformat(c["pickup"]) >= start
            if c["leg"] == c["legs"]:
                assert datetime.fromisoformat(c["dropoff"]) <= due
    # Savings are measured against every routed transfer travelling alone.
    totals = body["totals"]
    assert totals["direct_cost"] > totals["cost"] > 0
    assert totals["saved_cost_pct"] == round(100 * totals["saved_cost"] / totals["direct_cost"], 1)
    assert {"south", "northeast", "north"} <= set(body["regions"])
    # The stored answer is the same through GET.
    again = await world.get(ADMIN, f"/v1/logistics/plans/{body['id']}")
    assert again.status_code == 200
    assert again.json() == body


async def test_the_stored_input_plans_again_to_the_stored_plan(
    world: World, towns: Towns, clock: ManualClock
) -> None:
    await _cross_region(world, towns, thai_today(clock.now()))
    created = (await world.post(ADMIN, "/v1/logistics/plans", {"seed": 5})).json()
    problem, stored = await service.stored_input(world.db, created["id"])
    assert problem.settings.seed == 5
    assert msgspec.json.encode(plan(problem)) == msgspec.json.encode(stored)
    assert stored.time_limited == 0


def _shape(body: dict[str, Any]) -> Any:
    """What a plan says, without its database ids and timestamps."""
    drop = {"id", "plan_id", "created_at", "updated_at", "version", "requested_by"}

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in drop}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return clean(body)


async def test_same_input_and_seed_give_the_same_plan(world: World, towns: Towns, clock: ManualClock) -> None:
    await _cross_region(world, towns, thai_today(clock.now()))
    first = await world.post(ADMIN, "/v1/logistics/plans", {"seed": 7})
    assert first.status_code == 201
    again = await world.post(ADMIN, "/v1/logistics/plans", {"seed": 7})
    assert again.status_code == 409
    assert again.json()["code"] == "nothing_to_plan"
    cancelled = await world.post(ADMIN, f"/v1/logistics/plans/{first.json()['id']}/cancel", None)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert {s["status"] for s in cancelled.json()["shipments"]} == {"cancelled"}
    second = await world.post(ADMIN, "/v1/logistics/plans", {"seed": 7})
    assert second.status_code == 201, second.text
    assert second.json()["id"] != first.json()["id"]
    assert _shape(second.json())["shipments"] == _shape(first.json())["shipments"]
    assert _shape(second.json())["totals"] == _shape(first.json())["totals"]


def _row(**overrides: Any) -> dict[str, Any]:
    row = {
        "proposal_id": 4,
        "position": 1,
        "item_id": "rice-jasmine",
        "quantity": 100.0,
        "kg_per_unit": 1.0,
        "shelf_life_days": 365,
        "available_from": None,
        "needed_by": None,
        "giver_id": 10,
        "giver_name_th": "บ้านยโสธร",
        "giver_name_en": None,
        "giver_lat": 15.79,
        "giver_lon": 104.14,
        "giver_region": "northeast",
        "receiver_id": 11,
        "receiver_name_th": None,
        "receiver_name_en": "Pak Bara",
        "receiver_lat": 6.86,
        "receiver_lon": 99.72,
        "receiver_region": "south",
    }
    return row | overrides


def test_the_planner_input_follows_the_listings() -> None:
    day = date(2025, 3, 3)
    # asked for at 20:21 Thai time (13:21 UTC): it starts that day, and departs from 20:21
    settings = service.settings_for(
        PlanCreate(seed=9, handover_km=12), datetime(2025, 3, 3, 13, 20, 5, tzinfo=UTC)
    )
    assert (settings.seed, settings.handover_km, settings.start) == (9, 12, day)
    assert settings.not_before_minute == 20 * 60 + 21
    # (at 00:30 Thai time it is already the next Thai day)
    late = service.settings_for(PlanCreate(), datetime(2025, 3, 3, 17, 30, tzinfo=UTC))
    assert (late.start, late.not_before_minute) == (day + timedelta(days=1), 30)
    assert settings.time_limit_s == service.DEFAULT_TIME_LIMIT_S
    rows = [
        _row(),
        _row(position=2, available_from=day + timedelta(days=5), needed_by=day + timedelta(days=9)),
        _row(
            position=3,
            available_from=day - timedelta(days=5),
            quantity=4000,
            kg_per_unit=1.2,
            shelf_life_days=30,
        ),
    ]
    built = service.build_input(rows, day, settings, split_lots=True, horizon_days=14)
    first, second, third = built.problem.transfers
    assert first.id == "4.1"
    assert (first.ready, first.needed_by, first.shelf_life_days) == (day, day + timedelta(days=14), 365)
    assert (first.origin.lat, first.origin.region) == (15.79, "northeast")
    assert (first.destination.lon, first.destination.region) == (99.72, "south")
    assert (second.ready, second.needed_by) == (day + timedelta(days=5), day + timedelta(days=9))
    assert third.ready == day, "an offer available since last week is ready today"
    assert (third.weight_kg, third.shelf_life_days) == (4800, 30)
    assert built.parts["4.3"] == service.Part(4, 3, 0, 4000, 4800)
    assert built.names[first.origin.name] == {
        "name_th": "บ้านยโสธร",
        "name_en": "บ้านยโสธร",
        "community_id": 10,
    }
    assert built.names[first.destination.name]["name_th"] == "Pak Bara"
    assert len(built.problem.vehicles) == 18
    assert len(built.problem.hubs) == 6
    assert built.problem.settings == settings


def test_transfers_heavier_than_the_biggest_truck_become_lots_unless_told_not_to() -> None:
    day = date(2025, 3, 3)
    rows = [_row(quantity=32_000)]
    settings = service.settings_for(PlanCreate(), datetime(2025, 3, 3, 1, 0, tzinfo=UTC))
    lots = service.build_input(rows, day, settings, split_lots=True, horizon_days=14)
    assert [t.id for t in lots.problem.transfers] == ["4.1/1", "4.1/2", "4.1/3"]
    assert [p.lot for p in lots.parts.values()] == [1, 2, 3]
    assert sum(p.quantity for p in lots.parts.values()) == 32_000
    assert all(p.weight_kg <= 15_000 for p in lots.parts.values())
    whole = service.build_input(rows, day, settings, split_lots=False, horizon_days=14)
    assert [t.id for t in whole.problem.transfers] == ["4.1"]
    (unplaced,) = plan(whole.problem).unplaced
    assert unplaced.reason == "too_heavy"


async def test_through_hubs_each_leg_rides_one_shipment_and_the_legs_chain(
    world: World, towns: Towns, clock: ManualClock
) -> None:
    ids = await _cross_region(world, towns, thai_today(clock.now()))
    response = await world.post(ADMIN, "/v1/logistics/plans", {"strategy": "hubs", "seed": 1})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["strategy"] == "hubs"
    expected = {(ids["cycle"], p, 0) for p in (0, 1)} | {(ids["cycle"], 2, lot) for lot in (1, 2)}
    expected |= {(ids["local"], 0, 0), (ids["local"], 1, 0), (ids["late"], 0, 0), (ids["late"], 1, 0)}
    check_stored_plan(body, expected)
    legs: dict[tuple[int, int, int], list[dict[str, Any]]] = {}
    for s in body["shipments"]:
        for c in s["carries"]:
            t = c["transfer"]
            legs.setdefault((t["proposal_id"], t["position"], t["lot"]), []).append(c)
    through = {k: sorted(v, key=lambda c: c["leg"]) for k, v in legs.items() if v[0]["legs"] > 1}
    assert through, "some transfer changes vehicles at a hub"
    for chain in through.values():
        for before, after in itertools.pairwise(chain):
            arrived, leaves = (
                datetime.fromisoformat(before["dropoff"]),
                datetime.fromisoformat(after["pickup"]),
            )
            assert arrived <= leaves, "a leg leaves the hub after the previous one arrives"
    hub_stops = [stop for s in body["shipments"] for stop in s["stops"] if stop["kind"] == "hub"]
    assert hub_stops
    assert all(stop["name_en"].endswith(" hub") for stop in hub_stops)

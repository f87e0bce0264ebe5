"""Plans over HTTP: what a plan holds, that it keeps the planner's promises, and that it repeats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from barter.api.logistics import service
from barter.matching.logistics import plan
from tests.api.logistics.conftest import Leg, Towns, check_stored_plan, exchange, thai_day_start
from tests.world import ADMIN, World

TODAY = service.thai_today(datetime.now(UTC))  # the service plans from the Thai date


async def _cross_region(w: World, t: Towns) -> dict[str, int]:
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
                Leg(t.satun, t.chiang_rai, "morning-glory", 300, needed_by=TODAY - timedelta(days=1)),
                Leg(t.chiang_rai, t.satun, "rice-white", 500),
            ],
        ),
    }


async def test_a_plan_places_every_transfer_once_within_capacity_and_windows(
    world: World, towns: Towns
) -> None:
    ids = await _cross_region(world, towns)
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
    start = thai_day_start(TODAY)
    due = thai_day_start(TODAY + timedelta(days=15))
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


async def test_the_stored_input_plans_again_to_the_stored_plan(world: World, towns: Towns) -> None:
    await _cross_region(world, towns)
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


async def test_same_input_and_seed_give_the_same_plan(world: World, towns: Towns) -> None:
    await _cross_region(world, towns)
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

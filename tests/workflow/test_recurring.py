"""Recurring offers: "200 kg every month until March" opens its next quantity by itself."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from barter.domain.clock import ManualClock
from barter.services.listings import open_recurring
from barter.storage.database import init_connection
from barter.workflow.runner import sweep_expired
from tests.world import OWNER, World


async def test_a_monthly_offer_opens_each_month_until_march(world: World, database_url: str) -> None:
    offer = await world.offer(
        item_id="rice-sticky",
        quantity=200,
        min_lot=0,
        available_from="2569-12-01",
        calendar="buddhist",
        recur_every="month",
        recur_quantity=200,
        recur_until="2570-03-31",
    )
    assert (offer["recur_next"], offer["recur_until"]) == ("2027-01-01", "2027-03-31")
    # 31 December 2026, 23:00 in Bangkok: not yet.
    clock = ManualClock(datetime(2026, 12, 31, 16, 0, tzinfo=UTC))
    assert await open_recurring(world.db, clock) == []
    clock.advance(hours=2)  # 1 January 2027, 01:00 in Bangkok
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2, init=init_connection)
    try:
        await sweep_expired(pool, clock)  # the sweeper opens it
    finally:
        await pool.close()
    fetched = (await world.get(OWNER, f"/v1/offers/{offer['id']}")).json()
    assert (fetched["quantity"], fetched["remaining"], fetched["recur_next"]) == (400, 400, "2027-02-01")
    # Down for three months: February and March are caught up, April is past "until March".
    clock.advance(days=100)
    assert await open_recurring(world.db, clock) == [offer["id"], offer["id"]]
    fetched = (await world.get(OWNER, f"/v1/offers/{offer['id']}")).json()
    assert (fetched["quantity"], fetched["recur_next"]) == (800, "2027-04-01")
    assert await open_recurring(world.db, clock) == []


async def test_a_recurrence_needs_its_period_and_quantity(world: World) -> None:
    base = {"community_id": world.a["id"], "item_id": "rice-sticky", "quantity": 200}
    for extra, path in (
        ({"recur_every": "month"}, "recur_quantity"),
        ({"recur_quantity": 200}, "recur_every"),
        ({"recur_until": "2027-03-31"}, "recur_until"),
        ({"recur_every": "week", "recur_quantity": 0.05}, "recur_quantity"),
    ):
        response = await world.post(OWNER, "/v1/offers", {**base, **extra})
        assert response.status_code == 422, (extra, response.text)
        assert path in {e["path"] for e in response.json()["errors"]}, response.text

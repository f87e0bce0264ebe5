"""Recurring offers: "200 kg every month until March" opens its next quantity by itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import asyncpg

from barter.domain.clock import ManualClock
from barter.services.listings import open_recurring
from barter.storage.database import init_connection
from barter.workflow.runner import sweep_expired
from tests.dates import ahead, be_iso, first_of_month, iso
from tests.world import OWNER, World


async def test_a_monthly_offer_opens_each_month_until_march(world: World, database_url: str) -> None:
    """Counted from today: the months are named as if this one were December."""
    start, january, february, april = (first_of_month(n) for n in (0, 1, 2, 4))
    until = april - timedelta(days=1)  # 31 March
    offer = await world.offer(
        item_id="rice-sticky",
        quantity=200,
        min_lot=0,
        available_from=be_iso(start),
        calendar="buddhist",
        recur_every="month",
        recur_quantity=200,
        recur_until=be_iso(until),
    )
    assert (offer["recur_next"], offer["recur_until"]) == (iso(january), iso(until))
    # 31 December, 23:00 in Bangkok: not yet.
    clock = ManualClock(datetime.combine(january - timedelta(days=1), time(16), UTC))
    assert await open_recurring(world.db, clock) == []
    clock.advance(hours=2)  # 1 January, 01:00 in Bangkok
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2, init=init_connection)
    try:
        await sweep_expired(pool, clock)  # the sweeper opens it
    finally:
        await pool.close()
    fetched = (await world.get(OWNER, f"/v1/offers/{offer['id']}")).json()
    assert (fetched["quantity"], fetched["remaining"], fetched["recur_next"]) == (400, 400, iso(february))
    # Down for three months: February and March are caught up, April is past "until March".
    clock.advance(days=100)
    assert await open_recurring(world.db, clock) == [offer["id"], offer["id"]]
    fetched = (await world.get(OWNER, f"/v1/offers/{offer['id']}")).json()
    assert (fetched["quantity"], fetched["recur_next"]) == (800, iso(april))
    assert await open_recurring(world.db, clock) == []


async def test_a_recurrence_needs_its_period_and_quantity(world: World) -> None:
    base = {"community_id": world.a["id"], "item_id": "rice-sticky", "quantity": 200}
    for extra, path in (
        ({"recur_every": "month"}, "recur_quantity"),
        ({"recur_quantity": 200}, "recur_every"),
        ({"recur_until": iso(ahead(120))}, "recur_until"),
        ({"recur_every": "week", "recur_quantity": 0.05}, "recur_quantity"),
    ):
        response = await world.post(OWNER, "/v1/offers", {**base, **extra})
        assert response.status_code == 422, (extra, response.text)
        assert path in {e["path"] for e in response.json()["errors"]}, response.text


async def test_a_monthly_offer_from_the_31st_keeps_to_month_ends_not_the_28th(
    world: World, clock: ManualClock
) -> None:
    """Available from 31 January 2027 (the clock fixed a week before): each later month opens on
    its own last day when it has no 31st (28 Feb, then 31 Mar, 30 Apr), not on the 28th ever after
    because February once cut the day short."""
    clock.advance(seconds=(datetime(2027, 1, 24, 3, 0, tzinfo=UTC) - clock.now()).total_seconds())
    offer = await world.offer(
        item_id="rice-sticky",
        quantity=200,
        min_lot=0,
        available_from="2027-01-31",
        recur_every="month",
        recur_quantity=200,
        recur_until="2027-05-31",
    )
    assert offer["recur_next"] == "2027-02-28"
    seen = []
    for day in ("2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"):
        # 00:30 on that day in Bangkok (17:30 UTC the day before)
        at = datetime.combine(date.fromisoformat(day) - timedelta(days=1), time(17, 30), UTC)
        before = ManualClock(at - timedelta(hours=1))
        assert await open_recurring(world.db, before) == [], day
        assert await open_recurring(world.db, ManualClock(at)) == [offer["id"]], day
        seen.append((await world.get(OWNER, f"/v1/offers/{offer['id']}")).json()["recur_next"])
    assert seen == ["2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30"]


async def test_an_offer_available_at_once_counts_its_weeks_from_the_services_today(
    world: World, clock: ManualClock
) -> None:
    """Posted on the service's 31 January 2027 at 23:30 in Bangkok (16:30 UTC), with no first
    day: its first week opens on 7 February, counted from the service's clock, not from the
    database server's (a server set months apart, or a test's pinned clock, gave another day)."""
    clock.advance(seconds=(datetime(2027, 1, 31, 16, 30, tzinfo=UTC) - clock.now()).total_seconds())
    offer = await world.offer(
        item_id="rice-sticky", quantity=50, min_lot=0, recur_every="week", recur_quantity=50
    )
    assert offer["recur_next"] == "2027-02-07"
    monthly = await world.offer(
        item_id="rice-sticky", quantity=50, min_lot=0, recur_every="month", recur_quantity=50
    )
    assert monthly["recur_next"] == "2027-02-28"

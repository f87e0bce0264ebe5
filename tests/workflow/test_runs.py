"""Matching runs: scope, authorization, one at a time per region, recovery after a crash."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from barter.api.app import create_app
from barter.domain.clock import ManualClock, thai_today
from barter.domain.model import REGIONS
from barter.matching.model import EngineSettings
from barter.matching.snapshot import build_instance, offer_key
from barter.matching.snapshot import need_key as snapshot_need_key
from barter.services.proposals import expire_due
from barter.services.runs import run_transport_cost
from barter.settings import Settings
from barter.storage.repos import runs as runs_repo
from barter.workflow.runner import REGION_LOCKS, RUN_ALIVE
from tests.polling import poll
from tests.workflow.conftest import BOTH_COORD, NE_COORD, Cycle
from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER


@pytest.mark.parametrize(
    ("persona", "body", "status"),
    [
        (COORD, {}, 202),
        (ADMIN, {"regions": ["north"]}, 202),
        (COORD, {"regions": ["north"]}, 403),
        (COORD_ELSEWHERE, {"regions": ["south"]}, 403),
        (OWNER, {}, 403),
        (OTHER, {}, 403),
        (PARTNER, {}, 403),
        (ANON, {}, 401),
        (COORD, {"max_cycle_length": 1}, 422),
        (COORD, {"time_limit_s": 0}, 422),
    ],
)
async def test_who_starts_runs_and_over_what(
    cycle: Cycle, persona: str, body: dict[str, object], status: int
) -> None:
    response = await cycle.world.post(persona, "/v1/matching/runs", {"time_limit_s": 5, **body})
    assert response.status_code == status, response.text
    if status == 202:
        run = await cycle.finished(response.json()["id"], ADMIN)
        assert run["status"] == "succeeded"
        expected = body.get("regions", ["south"])
        assert run["regions"] == expected


async def test_run_reports_settings_seed_counts_and_timings(cycle: Cycle) -> None:
    run = await cycle.run(seed=42, max_cycle_length=4, max_chain_length=0, balance_tolerance=0.05)
    assert run["seed"] == 42
    assert run["settings"]["max_cycle_length"] == 4
    assert run["settings"]["max_chain_length"] == 0
    assert run["settings"]["balance_tolerance"] == 0.05
    assert run["counts"]["offers"] == 3
    assert run["counts"]["needs"] == 3
    assert run["counts"]["communities"] == 3
    assert run["progress"] == 1
    assert run["started_at"] <= run["solved_at"] <= run["finished_at"]
    assert run["upper_bound"] >= run["objective"]
    listed = (await cycle.world.get(BOTH_COORD, "/v1/matching/runs")).json()["data"]
    assert [r["id"] for r in listed] == [run["id"]]
    assert (await cycle.world.get(COORD_ELSEWHERE, f"/v1/matching/runs/{run['id']}")).status_code == 404


async def test_a_run_holding_a_region_elsewhere_refuses_a_second(cycle: Cycle, database_url: str) -> None:
    other_process = await asyncpg.connect(database_url)
    try:
        assert await other_process.fetchval(
            "SELECT pg_try_advisory_lock($1, $2)", REGION_LOCKS, REGIONS.index("south")
        )
        refused = await cycle.world.post(COORD, "/v1/matching/runs", {"time_limit_s": 5})
        assert refused.status_code == 409
        assert refused.json()["code"] == "run_in_progress"
        assert refused.json()["state"] == "running"
        # A run over other regions is not in the way.
        north = await cycle.world.post(ADMIN, "/v1/matching/runs", {"regions": ["north"], "time_limit_s": 5})
        assert north.status_code == 202
        await cycle.finished(north.json()["id"], ADMIN)
    finally:
        await other_process.close()
    assert (await cycle.world.post(COORD, "/v1/matching/runs", {"time_limit_s": 5})).status_code == 202


async def test_a_run_cut_short_is_failed_at_the_next_start(
    cycle: Cycle, database_url: str, settings: Settings, clock: ManualClock
) -> None:
    db = cycle.world.db
    dead = await db.fetchval(
        "INSERT INTO matching_runs (regions, settings, status, started_at) "
        "VALUES ('{south}', jsonb_build_object('seed', 0), 'running', now()) RETURNING id"
    )
    alive = await db.fetchval(
        "INSERT INTO matching_runs (regions, settings, status, started_at) "
        "VALUES ('{north}', jsonb_build_object('seed', 0), 'running', now()) RETURNING id"
    )
    elsewhere = await asyncpg.connect(database_url)  # another process still running `alive`
    try:
        await elsewhere.execute("SELECT pg_advisory_lock($1, $2)", RUN_ALIVE, alive)
        async with AsyncTestClient(app=create_app(settings, clock=clock)):
            pass  # a start: recovery runs in the lifespan
        statuses = {
            r["id"]: r["status"]
            for r in await db.fetch("SELECT id, status FROM matching_runs WHERE id = ANY($1)", [dead, alive])
        }
        assert statuses == {dead: "failed", alive: "running"}
        assert "interrupted" in await db.fetchval("SELECT error FROM matching_runs WHERE id = $1", dead)
        events = await db.fetch("SELECT type, payload FROM outbox_events WHERE type = 'run.failed'")
        assert [e["payload"]["run_id"] for e in events] == [dead]
    finally:
        await elsewhere.close()


async def test_runs_emit_outbox_events(cycle: Cycle) -> None:
    run = await cycle.run()
    types = [r["type"] for r in await cycle.world.db.fetch("SELECT type FROM outbox_events ORDER BY id")]
    assert types == ["proposal.proposed", "run.succeeded"]
    payload = await cycle.world.db.fetchval("SELECT payload FROM outbox_events WHERE type = 'run.succeeded'")
    assert payload["run_id"] == run["id"]


async def test_same_market_and_seed_give_the_same_proposals(cycle: Cycle, clock: ManualClock) -> None:
    first = await cycle.run(seed=7)
    (p1,) = await cycle.proposals(first["id"])
    # the hold runs out, so the second run sees the same market (a decline would cool the
    # exchange down, and start a repair run)
    clock.advance(hours=73)
    async with cycle.world.db.transaction():
        await expire_due(cycle.world.db, clock)  # (or the server's sweeper, at the same time)

    async def status() -> str:
        return str((await cycle.world.get(BOTH_COORD, f"/v1/proposals/{p1['id']}")).json()["status"])

    await poll(status, lambda s: s == "expired")
    second = await cycle.run(seed=7)
    (p2,) = await cycle.proposals(second["id"])

    def shape(p: dict[str, Any]) -> list[tuple[Any, Any, Any]]:
        return [(t["offer_id"], t["need_id"], t["quantity"]) for t in p["transfers"]]

    assert shape(p1) == shape(p2)


async def test_a_run_prices_transport_from_the_fleet_unless_told(cycle: Cycle) -> None:
    """No transport setting: the run prices it from the fleet's cheapest truck per kg-km (a
    ten-wheel, 22 baht/km for 15 t at half load) and the run's row keeps the figure; a client's
    own figure, 0 included, is kept too."""
    run = await cycle.run()
    assert run["settings"]["transport_cost_per_kg_km"] == run_transport_cost() == 0.002933
    assert run["settings"]["max_transport_share"] == 0.5
    assert run["counts"]["exchanges"] == 1  # Satun's fish for Yasothon's rice is worth its transport
    again = await cycle.run(transport_cost_per_kg_km=0, max_transport_share=0.2)
    assert again["settings"]["transport_cost_per_kg_km"] == 0
    assert again["settings"]["max_transport_share"] == 0.2


async def test_a_run_refuses_a_transport_share_out_of_bounds(cycle: Cycle) -> None:
    refused = await cycle.world.post(BOTH_COORD, "/v1/matching/runs", {"max_transport_share": 1.5})
    assert refused.status_code == 422
    assert "max_transport_share" in refused.text


async def test_the_snapshot_carries_dates_and_the_run_keeps_to_them(cycle: Cycle, clock: ManualClock) -> None:
    """The fish is available only next month and the herb group needs it within the week: the
    snapshot carries both dates (and the items' shelf lives) and the run proposes nothing; when
    the need can wait, the three-way swap is proposed."""
    today = thai_today(clock.now())  # the runner's day: Thailand's, not UTC's (a day ahead after 17:00 UTC)
    fish, fish_need = cycle.listings["fish"], cycle.listings["fish_need"]
    moved = await cycle.world.patch(
        OWNER, f"/v1/offers/{fish['id']}", {"available_from": str(today + timedelta(days=30))}, etag='"v1"'
    )
    assert moved.status_code == 200, moved.text
    due = await cycle.world.patch(
        NE_COORD, f"/v1/needs/{fish_need['id']}", {"needed_by": str(today + timedelta(days=6))}, etag='"v1"'
    )
    assert due.status_code == 200, due.text
    regions = ["northeast", "south"]
    communities, items, offers, needs = await runs_repo.snapshot(cycle.world.db, regions, today)
    instance = build_instance(EngineSettings(), communities, items, offers, needs, today)
    assert instance.today == today
    offer = next(o for o in instance.offers if o.id == offer_key(fish["id"]))
    need = next(n for n in instance.needs if n.id == snapshot_need_key(fish_need["id"]))
    assert offer.available_from == today + timedelta(days=30)
    assert need.needed_by == today + timedelta(days=6)
    shelf = {i.id: i.shelf_life_days for i in instance.items}
    assert (shelf["dried-fish"], shelf["morning-glory"]) == (90, 4)
    run = await cycle.run()
    assert run["counts"]["exchanges"] == 0
    later = await cycle.world.patch(
        NE_COORD, f"/v1/needs/{fish_need['id']}", {"needed_by": str(today + timedelta(days=40))}, etag='"v2"'
    )
    assert later.status_code == 200, later.text
    run = await cycle.run()
    assert run["counts"]["exchanges"] == 1
    (proposal,) = await cycle.proposals(run["id"])
    assert {t["item_id"] for t in proposal["transfers"]} == {"dried-fish", "rice-jasmine", "turmeric"}

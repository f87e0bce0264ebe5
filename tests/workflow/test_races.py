"""Races that real use produces, with 20+ concurrent clients on real connections (reliability.md).

In every case: nothing is allocated beyond what was posted, no deadlock reaches a client, and
every loser gets a 409 that names the current state.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from barter.api.app import create_app
from barter.domain.clock import ManualClock
from barter.settings import Settings
from barter.storage.database import init_connection
from barter.workflow.runner import sweep_expired
from tests.live import Overlap, client, serve
from tests.workflow.conftest import B_KEY, BOTH_COORD, C_KEY, NE_COORD, Cycle
from tests.world import COORD, OWNER

CLIENTS = 20


async def _invariants(db: asyncpg.Connection) -> None:
    """posted = remaining + held + delivered, nothing negative, for every offer and need."""
    bad = await db.fetch(
        "SELECT 'offer' AS kind, id, quantity, held, delivered, remaining FROM offers"
        " WHERE held < 0 OR delivered < 0 OR remaining < 0 OR quantity <> remaining + held + delivered"
        " UNION ALL SELECT 'need', id, quantity, held, delivered, remaining FROM needs"
        " WHERE held < 0 OR delivered < 0 OR remaining < 0 OR quantity <> remaining + held + delivered"
    )
    assert bad == []
    # Holds equal what live proposals reserve.
    mismatched = await db.fetch(
        "SELECT o.id FROM offers o LEFT JOIN (SELECT t.offer_id, sum(t.quantity) q FROM proposal_transfers t"
        " JOIN proposals p ON p.id = t.proposal_id WHERE p.status IN ('proposed', 'approved', 'in_transit')"
        " GROUP BY t.offer_id) h ON h.offer_id = o.id WHERE o.held <> coalesce(h.q, 0)"
    )
    assert mismatched == []


def _losers_name_the_state(responses: list[httpx.Response]) -> None:
    for r in responses:
        assert r.status_code < 500, r.text
        if r.status_code == 409:
            body = r.json()
            assert body.get("state") or body["code"] in ("held", "below_held"), body
            assert body["code"] != "busy", "a lock wait or deadlock reached a client"


async def _proposal(cycle: Cycle) -> dict[str, Any]:
    run = await cycle.run()
    (proposal,) = await cycle.proposals(run["id"])
    return proposal


async def test_the_same_approval_twenty_times_has_one_effect(
    cycle: Cycle, live: str, overlap: Overlap
) -> None:
    """All twenty wait on the proposal's row (held elsewhere) before any approves it."""
    pid = (await _proposal(cycle))["id"]
    async with client(live, cycle.world.keys[COORD]) as http:
        responses = await overlap.on_row(
            "proposals", pid, [http.post(f"/v1/proposals/{pid}/approve") for _ in range(CLIENTS)]
        )
    _losers_name_the_state(list(responses))
    assert {r.status_code for r in responses} == {200}
    db = cycle.world.db
    assert await db.fetchval("SELECT count(*) FROM proposal_approvals WHERE proposal_id = $1", pid) == 1
    assert (
        await db.fetchval(
            "SELECT count(*) FROM audit_log WHERE entity = 'proposal' AND action = 'approve' AND entity_id = $1",
            str(pid),
        )
        == 1
    )
    assert await db.fetchval("SELECT version FROM proposals WHERE id = $1", pid) == 2
    await _invariants(db)


async def test_approvals_while_the_community_withdraws_or_reduces_the_held_offer(
    cycle: Cycle, live: str, overlap: Overlap
) -> None:
    pid = (await _proposal(cycle))["id"]
    fish = (await cycle.world.get(OWNER, f"/v1/offers/{cycle.listings['fish']['id']}")).json()
    url = f"/v1/offers/{fish['id']}"
    etag = f'"v{fish["version"]}"'
    keys = cycle.world.keys
    async with (
        client(live, keys[OWNER]) as owner,
        client(live, keys[BOTH_COORD]) as coord,
        client(live, keys[B_KEY]) as b,
        client(live, keys[C_KEY]) as c,
    ):
        calls: list[Awaitable[httpx.Response]] = []
        for n in range(CLIENTS):
            if n % 4 == 0:
                calls.append(owner.delete(url, headers={"If-Match": etag}))
            elif n % 4 == 1:
                calls.append(
                    owner.patch(url, json={"quantity": fish["held"] / 2}, headers={"If-Match": etag})
                )
            elif n % 4 == 2:
                calls.append(coord.post(f"/v1/proposals/{pid}/approve"))
            else:
                calls.append((owner, b, c)[n % 3].post(f"/v1/proposals/{pid}/accept"))
        responses = await overlap.at_once(  # all twenty wait on the offer's row or the proposal's
            "SELECT (SELECT count(*) FROM (SELECT FROM offers WHERE id = $1 FOR UPDATE) o)"
            " + (SELECT count(*) FROM (SELECT FROM proposals WHERE id = $2 FOR UPDATE) p)",
            fish["id"],
            pid,
            calls=calls,
        )
    _losers_name_the_state(list(responses))
    assert all(r.status_code in (200, 409) for r in responses), [(r.status_code, r.text) for r in responses]
    withdrawals = [r for r, n in zip(responses, range(CLIENTS), strict=True) if n % 4 in (0, 1)]
    assert {r.status_code for r in withdrawals} == {409}
    proposal = (await cycle.world.get(BOTH_COORD, f"/v1/proposals/{pid}")).json()
    assert proposal["status"] == "approved"
    await _invariants(cycle.world.db)


async def test_approvals_while_the_expiry_job_releases_the_same_hold(
    cycle: Cycle, live: str, clock: ManualClock, database_url: str
) -> None:
    pid = (await _proposal(cycle))["id"]
    clock.advance(hours=80)
    pool = await asyncpg.create_pool(database_url, min_size=4, max_size=8, init=init_connection)
    try:
        async with (
            client(live, cycle.world.keys[COORD]) as coord,
            client(live, cycle.world.keys[NE_COORD]) as ne,
        ):
            approvals = [(coord, ne)[n % 2].post(f"/v1/proposals/{pid}/approve") for n in range(CLIENTS)]
            sweeps = [sweep_expired(pool, clock) for _ in range(4)]
            results = await asyncio.gather(*approvals, *sweeps)
    finally:
        await pool.close()
    responses = [r for r in results if isinstance(r, httpx.Response)]
    swept = [r for r in results if isinstance(r, list)]
    _losers_name_the_state(responses)
    assert {r.status_code for r in responses} == {409}
    assert {r.json()["state"] for r in responses} == {"expired"}
    assert sum(len(s) for s in swept) <= 1  # released once, by the job or by the first late approval
    assert (await cycle.world.get(BOTH_COORD, f"/v1/proposals/{pid}")).json()["status"] == "expired"
    await _invariants(cycle.world.db)


@pytest.fixture
def live_real_time(settings: Settings) -> Iterator[str]:
    """Runs stamp their start and finish with the service clock: this one is the real one."""
    with serve(create_app(settings)) as base:
        yield base


async def test_two_runs_started_at_once(cycle: Cycle, live_real_time: str, overlap: Overlap) -> None:
    """The coordinator's key row is held elsewhere: the start that reserved the regions waits to
    record its run (the row refers to the key) while every other start meets the reservation."""
    async with client(live_real_time, cycle.world.keys[BOTH_COORD]) as http:
        responses = await overlap.at_once(
            "SELECT 1 FROM api_keys WHERE role = 'coordinator' AND regions @> $1 AND regions <@ $1 FOR UPDATE",
            ["south", "northeast"],  # BOTH_COORD's
            calls=[http.post("/v1/matching/runs", json={"time_limit_s": 5}) for _ in range(CLIENTS)],
            waiting=1,
            answered=CLIENTS - 1,
        )
    _losers_name_the_state(list(responses))
    started = [r for r in responses if r.status_code == 202]
    refused = [r for r in responses if r.status_code == 409]
    assert len(started) >= 1
    assert len(started) == 1, [r.text for r in responses]  # the others all met the reservation
    assert len(started) + len(refused) == CLIENTS
    assert all(r.json()["code"] == "run_in_progress" for r in refused)
    for r in started:
        await cycle.finished(r.json()["id"])
    db = cycle.world.db
    runs = await db.fetch("SELECT id, started_at, finished_at FROM matching_runs ORDER BY started_at")
    assert len(runs) == len(started)
    assert all(r["finished_at"] > r["started_at"] for r in runs)
    for earlier, later in itertools.pairwise(runs):
        assert later["started_at"] >= earlier["finished_at"], "two runs over one region overlapped"
    await _invariants(db)

"""The proposal state machine over HTTP: who may move it, and what happens to the holds."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest

from barter.domain.clock import ManualClock
from barter.storage.database import init_connection
from barter.workflow.runner import EXPIRY_LOCK, sweep_expired
from tests.workflow.conftest import B_KEY, BOTH_COORD, C_KEY, NE_COORD, Cycle
from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER


async def _proposal(cycle: Cycle) -> dict[str, Any]:
    run = await cycle.run()
    (proposal,) = await cycle.proposals(run["id"])
    return proposal


async def _listing_amounts(cycle: Cycle) -> dict[str, tuple[float, float, float, float]]:
    rows = await cycle.world.db.fetch(
        "SELECT 'o' || id AS k, quantity::float8 q, held::float8 h, delivered::float8 d, remaining::float8 r FROM offers"
        " UNION ALL SELECT 'n' || id, quantity::float8, held::float8, delivered::float8, remaining::float8 FROM needs"
    )
    return {r["k"]: (r["q"], r["h"], r["d"], r["r"]) for r in rows}


async def _approve_all(cycle: Cycle, pid: int) -> dict[str, Any]:
    for persona in (OWNER, B_KEY, C_KEY):
        await cycle.act(persona, pid, "accept")
    body: dict[str, Any] = (await cycle.act(BOTH_COORD, pid, "approve")).json()
    return body


async def test_actions_out_of_order_answer_409_with_the_state(cycle: Cycle) -> None:
    pid = (await _proposal(cycle))["id"]
    for action in ("dispatch", "complete", "cancel"):
        response = await cycle.act(BOTH_COORD, pid, action)
        assert response.status_code == 409, (action, response.text)
        assert response.json()["code"] == "invalid_state"
        assert response.json()["state"] == "proposed"


async def test_decline_needs_a_reason_and_releases_the_holds(cycle: Cycle) -> None:
    pid = (await _proposal(cycle))["id"]
    held = await _listing_amounts(cycle)
    assert any(h > 0 for _, h, _, _ in held.values())
    missing = await cycle.act(OWNER, pid, "decline")
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["path"] == "reason"
    declined = await cycle.act(OWNER, pid, "decline", reason="เรือออกไม่ได้ช่วงมรสุม")
    assert declined.status_code == 200
    assert declined.json()["status"] == "rejected"
    assert declined.json()["reason"] == "เรือออกไม่ได้ช่วงมรสุม"
    assert all(h == 0 and r == q for q, h, _, r in (await _listing_amounts(cycle)).values())
    again = await cycle.act(OWNER, pid, "decline", reason="เรือออกไม่ได้ช่วงมรสุม")
    assert again.status_code == 200  # a retry of the same decline
    late = await cycle.act(B_KEY, pid, "accept")
    assert late.status_code == 409
    assert late.json()["state"] == "rejected"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (COORD, 200),
        (NE_COORD, 200),
        (ADMIN, 200),
        (COORD_ELSEWHERE, 404),
        (OTHER, 404),
        (OWNER, 403),
        (PARTNER, 403),
        (ANON, 401),
    ],
)
async def test_who_approves(cycle: Cycle, persona: str, status: int) -> None:
    pid = (await _proposal(cycle))["id"]
    response = await cycle.act(persona, pid, "approve")
    assert response.status_code == status, response.text


async def test_approval_needs_every_region_and_every_participant(cycle: Cycle) -> None:
    pid = (await _proposal(cycle))["id"]
    both = (await cycle.act(BOTH_COORD, pid, "approve")).json()
    assert both["status"] == "proposed"
    assert {a["region"] for a in both["approvals"]} == {"south", "northeast"}
    assert len(both["pending"]["accept"]) == 3
    await cycle.act(OWNER, pid, "accept")
    await cycle.act(B_KEY, pid, "accept")
    final = (await cycle.act(C_KEY, pid, "accept")).json()
    assert final["status"] == "approved"


async def test_a_coordinator_accepts_for_the_communities_it_serves(cycle: Cycle) -> None:
    pid = (await _proposal(cycle))["id"]
    body = (await cycle.act(NE_COORD, pid, "accept")).json()
    accepted = {p["community_id"] for p in body["participants"] if p["accepted_at"]}
    assert accepted == {cycle.b["id"], cycle.c["id"]}
    wrong = await cycle.act(NE_COORD, pid, "accept", community_id=cycle.world.a["id"])
    assert wrong.status_code == 404
    entries = await cycle.world.db.fetch(
        "SELECT actor_key_id, community_id FROM audit_log WHERE entity = 'proposal' AND action = 'accept'"
    )
    assert len(entries) == 1
    assert entries[0]["community_id"] in (cycle.b["id"], cycle.c["id"])


async def test_retries_have_one_effect(cycle: Cycle) -> None:
    pid = (await _proposal(cycle))["id"]
    first = (await cycle.act(OWNER, pid, "accept")).json()
    for _ in range(3):
        again = await cycle.act(OWNER, pid, "accept")
        assert again.status_code == 200
        assert again.json()["version"] == first["version"]
    approved = await _approve_all(cycle, pid)
    assert approved["status"] == "approved"
    assert (await cycle.act(OWNER, pid, "accept")).status_code == 200  # retry after it moved on


async def test_a_receipt_before_dispatch_is_refused_and_records_nothing(cycle: Cycle) -> None:
    pid = (await _proposal(cycle))["id"]
    approved = await _approve_all(cycle, pid)
    assert approved["status"] == "approved"
    assert approved["pending"]["receive"] == []  # nobody is asked for a receipt yet
    for persona in (OWNER, BOTH_COORD):
        early = await cycle.act(persona, pid, "complete", community_id=cycle.world.a["id"])
        assert early.status_code == 409, early.text
        assert (early.json()["code"], early.json()["state"]) == ("not_dispatched", "approved")
    thai = await cycle.world.client.post(
        f"/v1/proposals/{pid}/complete",
        headers={**cycle.world.headers(OWNER), "Accept-Language": "th"},
    )
    assert thai.json()["code"] == "not_dispatched"
    assert "ส่งของออก" in thai.json()["detail"]
    received = await cycle.world.db.fetchval(
        "SELECT count(*) FROM proposal_transfers WHERE proposal_id = $1 AND received_at IS NOT NULL", pid
    )
    assert received == 0
    after = (await cycle.world.get(OWNER, f"/v1/proposals/{pid}")).json()
    assert (after["status"], after["version"]) == ("approved", approved["version"])
    dispatched = (await cycle.act(BOTH_COORD, pid, "dispatch")).json()
    assert sorted(dispatched["pending"]["receive"]) == sorted(
        [cycle.world.a["id"], cycle.b["id"], cycle.c["id"]]
    )
    assert (await cycle.act(OWNER, pid, "complete")).status_code == 200


async def test_cancel_releases_and_complete_writes_the_ledger_once(cycle: Cycle) -> None:
    pid = (await _proposal(cycle))["id"]
    await _approve_all(cycle, pid)
    await cycle.act(BOTH_COORD, pid, "dispatch")  # receipt follows dispatch, a hand-over too
    for persona in (OWNER, B_KEY, C_KEY):
        await cycle.act(persona, pid, "complete")
    assert (await cycle.act(C_KEY, pid, "complete")).status_code == 200
    entries = await cycle.world.db.fetchval("SELECT count(*) FROM ledger_entries WHERE proposal_id = $1", pid)
    assert entries == 6  # three transfers, each given and received
    cancel = await cycle.act(BOTH_COORD, pid, "cancel")
    assert cancel.status_code == 409
    assert cancel.json()["state"] == "completed"


async def test_cancel_an_approved_exchange(cycle: Cycle) -> None:
    pid = (await _proposal(cycle))["id"]
    await _approve_all(cycle, pid)
    cancelled = (await cycle.act(COORD, pid, "cancel", reason="the boat broke down")).json()
    assert cancelled["status"] == "cancelled"
    assert all(h == 0 for _, h, _, _ in (await _listing_amounts(cycle)).values())


async def test_ledger_entries_are_never_changed(cycle: Cycle) -> None:
    pid = (await _proposal(cycle))["id"]
    await _approve_all(cycle, pid)
    await cycle.act(BOTH_COORD, pid, "dispatch")
    for persona in (OWNER, B_KEY, C_KEY):
        await cycle.act(persona, pid, "complete")
    with pytest.raises(Exception, match="never updated or deleted"):
        await cycle.world.db.execute("UPDATE ledger_entries SET value = 0")
    with pytest.raises(Exception, match="never updated or deleted"):
        await cycle.world.db.execute("DELETE FROM ledger_entries")


async def test_holds_expire_by_the_clock(cycle: Cycle, clock: ManualClock, database_url: str) -> None:
    pid = (await _proposal(cycle))["id"]
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2, init=init_connection)
    try:
        clock.advance(hours=71)
        assert await sweep_expired(pool, clock) == []
        clock.advance(hours=2)
        assert await sweep_expired(pool, clock) == [pid]
        assert await sweep_expired(pool, clock) == []
    finally:
        await pool.close()
    body = (await cycle.world.get(BOTH_COORD, f"/v1/proposals/{pid}")).json()
    assert body["status"] == "expired"
    assert all(h == 0 for _, h, _, _ in (await _listing_amounts(cycle)).values())


async def test_a_sweep_that_meets_a_running_one_waits_and_still_expires_the_hold(
    cycle: Cycle, clock: ManualClock, database_url: str
) -> None:
    """Another sweeper (the server's periodic one) holds the sweep lock: a sweep asked for now
    waits for it and then releases the hold, rather than returning having done nothing (which
    once failed the recurring-offer test when the server's sweep ran at the same moment)."""
    pid = (await _proposal(cycle))["id"]
    clock.advance(hours=73)
    other = await asyncpg.connect(database_url)
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2, init=init_connection)
    try:
        running = other.transaction()
        await running.start()
        await other.execute("SELECT pg_advisory_xact_lock($1)", EXPIRY_LOCK)
        sweep = asyncio.create_task(sweep_expired(pool, clock))
        waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        for _ in range(10_000):  # until the sweep is seen queued behind the lock (no sleeping)
            if sweep.done() or await cycle.world.db.fetchval(waiting):
                break
        assert not sweep.done(), "the sweep returned while another held the lock"
        await running.commit()
        assert await sweep == [pid]
    finally:
        await pool.close()
        await other.close()
    assert (await cycle.world.get(BOTH_COORD, f"/v1/proposals/{pid}")).json()["status"] == "expired"


async def test_a_late_approval_expires_the_hold_and_loses(cycle: Cycle, clock: ManualClock) -> None:
    pid = (await _proposal(cycle))["id"]
    clock.advance(hours=73)
    late = await cycle.act(COORD, pid, "approve")
    assert late.status_code == 409
    assert late.json()["state"] == "expired"
    # The expiry it found was committed although the request lost.
    assert (await cycle.world.get(BOTH_COORD, f"/v1/proposals/{pid}")).json()["status"] == "expired"
    assert all(h == 0 for _, h, _, _ in (await _listing_amounts(cycle)).values())


async def test_listings_with_holds_cannot_go_below_them(cycle: Cycle) -> None:
    await _proposal(cycle)
    fish = cycle.listings["fish"]
    url = f"/v1/offers/{fish['id']}"
    current = (await cycle.world.get(OWNER, url)).json()
    below = await cycle.world.patch(OWNER, url, {"quantity": current["held"] / 2}, f'"v{current["version"]}"')
    assert below.status_code == 409
    withdraw = await cycle.world.delete(OWNER, url, f'"v{current["version"]}"')
    assert withdraw.status_code == 409


async def test_partners_see_exchanges_only_with_a_detail_grant_covering_every_region(cycle: Cycle) -> None:
    proposal = await _proposal(cycle)  # south and northeast
    w = cycle.world
    aggregates = await w.new_key(role="partner")
    south_detail = await w.new_key(role="partner", regions=["south"], partner_detail=True)
    both_detail = await w.new_key(role="partner", regions=["south", "northeast"], partner_detail=True)
    national_detail = await w.new_key(role="partner", partner_detail=True)

    async def seen(key: str) -> tuple[int, int, list[int]]:
        headers = {"Authorization": f"Bearer {key}"}
        one = await w.client.get(f"/v1/proposals/{proposal['id']}", headers=headers)
        page = await w.client.get("/v1/proposals", headers=headers)
        ids = [p["id"] for p in page.json()["data"]] if page.status_code == 200 else []
        return one.status_code, page.status_code, ids

    assert await seen(aggregates) == (403, 403, [])
    assert await seen(south_detail) == (404, 200, [])
    assert await seen(both_detail) == (200, 200, [proposal["id"]])
    assert await seen(national_detail) == (200, 200, [proposal["id"]])

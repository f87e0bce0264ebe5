"""The whole journey over HTTP: post, match, accept, approve, dispatch, receive, account."""

from __future__ import annotations

from tests.workflow.conftest import B_KEY, BOTH_COORD, C_KEY, NE_COORD, Cycle
from tests.world import COORD, OWNER


async def test_three_way_cycle_from_posting_to_accounts(cycle: Cycle) -> None:
    w = cycle.world
    run = await cycle.run()
    assert run["counts"]["proposals"] == 1
    assert run["engine_status"] == "optimal"
    assert run["objective"] > 0
    assert run["gap"] is not None
    (proposal,) = await cycle.proposals(run["id"])
    a, b, c = w.a["id"], cycle.b["id"], cycle.c["id"]
    assert proposal["kind"] == "cycle"
    assert proposal["status"] == "proposed"
    assert proposal["regions"] == ["northeast", "south"]
    assert {p["community_id"] for p in proposal["participants"]} == {a, b, c}
    legs = {(t["giver_id"], t["receiver_id"], t["item_id"]) for t in proposal["transfers"]}
    assert legs == {(a, c, "dried-fish"), (c, b, "turmeric"), (b, a, "rice-jasmine")}
    story = {p["community_id"]: p for p in proposal["participants"]}
    assert "dried fish" in story[a]["explanation_en"]
    assert "jasmine rice" in story[a]["explanation_en"].lower()
    assert "ปลาแห้ง" in story[a]["explanation_th"]
    assert "ข้าวหอมมะลิ" in story[a]["explanation_th"]
    for p in proposal["participants"]:
        assert abs(p["gives_value"] - p["receives_value"]) <= 0.1 * p["gives_value"]
    # The quantities are held: remaining = posted - held - delivered.
    fish = (await w.get(OWNER, f"/v1/offers/{cycle.listings['fish']['id']}")).json()
    assert fish["held"] > 0
    assert fish["remaining"] == fish["quantity"] - fish["held"]

    pid = proposal["id"]
    assert (await cycle.act(OWNER, pid, "accept")).json()["pending"]["accept"] == sorted([b, c])
    await cycle.act(B_KEY, pid, "accept")
    after_accepts = (await cycle.act(NE_COORD, pid, "accept", community_id=c)).json()
    assert after_accepts["status"] == "proposed"
    assert after_accepts["pending"] == {"accept": [], "approve": ["northeast", "south"], "receive": []}
    after_south = (await cycle.act(COORD, pid, "approve")).json()
    assert after_south["status"] == "proposed"
    approved = (await cycle.act(NE_COORD, pid, "approve")).json()
    assert approved["status"] == "approved"
    assert (await cycle.act(COORD, pid, "dispatch")).json()["status"] == "in_transit"
    for persona in (OWNER, B_KEY):
        assert (await cycle.act(persona, pid, "complete")).json()["status"] == "in_transit"
    done = (await cycle.act(C_KEY, pid, "complete")).json()
    assert done["status"] == "completed"
    assert done["pending"] == {"accept": [], "approve": [], "receive": []}

    fish = (await w.get(OWNER, f"/v1/offers/{cycle.listings['fish']['id']}")).json()
    assert fish["held"] == 0
    assert fish["delivered"] > 0
    assert fish["remaining"] == fish["quantity"] - fish["delivered"]

    account = (await w.get(OWNER, f"/v1/communities/{a}/account")).json()
    given = next(line for line in account["by_item"] if line["item_id"] == "dried-fish")
    got = next(line for line in account["by_item"] if line["item_id"] == "rice-jasmine")
    assert given["gave_quantity"] == fish["delivered"]
    assert got["received_quantity"] > 0
    assert account["totals"]["exchanges"] == 1
    assert account["totals"]["gave_value"] > 0
    assert account["totals"]["received_value"] > 0
    assert (await w.get(BOTH_COORD, f"/v1/communities/{b}/account")).json()["totals"]["exchanges"] == 1

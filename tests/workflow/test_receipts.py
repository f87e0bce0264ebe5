"""Receipts as delivered: a short delivery is recorded, booked as delivered, and disputed until a
coordinator of the region resolves it; every listing keeps posted = remaining + held + delivered."""

from __future__ import annotations

from typing import Any

import pytest

from tests.workflow.conftest import B_KEY, BOTH_COORD, C_KEY, NE_COORD, Cycle
from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER


async def _dispatched(cycle: Cycle) -> dict[str, Any]:
    """The exchange approved and on its way: receipts are taken from here on."""
    run = await cycle.run()
    (proposal,) = await cycle.proposals(run["id"])
    for persona in (OWNER, B_KEY, C_KEY):
        await cycle.act(persona, proposal["id"], "accept")
    approved = (await cycle.act(BOTH_COORD, proposal["id"], "approve")).json()
    assert approved["status"] == "approved"
    body: dict[str, Any] = (await cycle.act(BOTH_COORD, proposal["id"], "dispatch")).json()
    assert body["status"] == "in_transit"
    return body


def _rice(proposal: dict[str, Any]) -> dict[str, Any]:
    transfer: dict[str, Any] = next(t for t in proposal["transfers"] if t["item_id"] == "rice-jasmine")
    return transfer


async def _amounts(cycle: Cycle) -> dict[str, tuple[float, float, float, float]]:
    rows = await cycle.world.db.fetch(
        "SELECT 'offer ' || item_id AS k, quantity::float8 q, remaining::float8 r, held::float8 h,"
        " delivered::float8 d FROM offers UNION ALL SELECT 'need ' || item_id, quantity::float8,"
        " remaining::float8, held::float8, delivered::float8 FROM needs"
    )
    return {r["k"]: (r["q"], r["r"], r["h"], r["d"]) for r in rows}


async def _invariant(cycle: Cycle) -> None:
    for key, (posted, remaining, held, delivered) in (await _amounts(cycle)).items():
        assert posted == pytest.approx(remaining + held + delivered), key


async def _short_rice(cycle: Cycle) -> tuple[dict[str, Any], dict[str, Any]]:
    """A receives 700 of the 750 kg of rice (two sacks missing); B and C receive in full."""
    proposal = await _dispatched(cycle)
    rice = _rice(proposal)
    receipt = {"position": rice["position"], "quantity": 700, "condition": "short", "note": "ขาดไป 2 กระสอบ"}
    response = await cycle.act(OWNER, proposal["id"], "complete", receipts=[receipt])
    assert response.status_code == 200, response.text
    for persona in (B_KEY, C_KEY):
        assert (await cycle.act(persona, proposal["id"], "complete")).status_code == 200
    done = (await cycle.world.get(ADMIN, f"/v1/proposals/{proposal['id']}")).json()
    assert done["status"] == "completed"
    disputes = (await cycle.world.get(ADMIN, "/v1/disputes", proposal_id=proposal["id"])).json()["data"]
    assert len(disputes) == 1
    return done, disputes[0]


async def test_a_short_delivery_is_booked_as_delivered_and_disputed(cycle: Cycle) -> None:
    proposal, dispute = await _short_rice(cycle)
    rice = _rice(proposal)
    assert (rice["quantity"], rice["received_quantity"], rice["condition"]) == (750, 700, "short")
    assert rice["receipt_note"] == "ขาดไป 2 กระสอบ"
    fish = next(t for t in proposal["transfers"] if t["item_id"] == "dried-fish")
    assert (fish["received_quantity"], fish["condition"]) == (100, "good")
    assert (dispute["planned"], dispute["received"], dispute["shortfall"]) == (750, 700, 50)
    assert (dispute["status"], dispute["condition"], dispute["regions"]) == (
        "open",
        "short",
        ["northeast", "south"],
    )
    # The ledger books what arrived, beside what was planned.
    received = await cycle.world.db.fetchrow(
        "SELECT quantity::float8 q, planned_quantity::float8 p, value::float8 v FROM ledger_entries"
        " WHERE community_id = $1 AND direction = 'received'",
        cycle.world.a["id"],
    )
    assert received is not None
    assert (received["q"], received["p"]) == (700, 750)
    unit_value = rice["unit_value"]
    assert received["v"] == pytest.approx(700 * unit_value)
    # The shortfall stays held on the rice offer and need until the dispute is resolved.
    amounts = await _amounts(cycle)
    assert amounts["offer rice-jasmine"] == (750.0, 0.0, 50.0, 700.0)
    assert amounts["need rice-jasmine"] == (750.0, 0.0, 50.0, 700.0)
    await _invariant(cycle)
    # The account shows both: 700 kg received of 750 planned.
    account = (await cycle.world.get(OWNER, f"/v1/communities/{cycle.world.a['id']}/account")).json()
    (line,) = [x for x in account["by_item"] if x["item_id"] == "rice-jasmine"]
    assert (line["received_quantity"], line["planned_received_quantity"]) == (700, 750)
    assert account["totals"]["received_value"] == pytest.approx(700 * unit_value)


@pytest.mark.parametrize(
    ("persona", "read", "resolve"),
    [
        (ADMIN, 200, 200),
        (COORD, 200, 200),  # the receiver's region (south)
        (NE_COORD, 200, 200),  # the giver's region
        (COORD_ELSEWHERE, 404, 404),
        (OWNER, 200, 403),  # the receiving community reads, a coordinator resolves
        (B_KEY, 200, 403),  # the giver
        (OTHER, 404, 404),
        (PARTNER, 404, 403),
        (ANON, 401, 401),
    ],
)
async def test_who_reads_and_resolves_a_dispute(cycle: Cycle, persona: str, read: int, resolve: int) -> None:
    _, dispute = await _short_rice(cycle)
    url = f"/v1/disputes/{dispute['id']}"
    assert (await cycle.world.get(persona, url)).status_code == read
    response = await cycle.world.post(persona, url + "/resolve", {"resolution": "accept"})
    assert response.status_code == resolve, response.text
    listed = await cycle.world.get(persona, "/v1/disputes")
    if read == 200:
        assert [d["id"] for d in listed.json()["data"]] == [dispute["id"]]
    elif persona != ANON:
        assert listed.json()["data"] == []


async def test_made_up_by_the_giver_delivers_the_rest(cycle: Cycle) -> None:
    proposal, dispute = await _short_rice(cycle)
    url = f"/v1/disputes/{dispute['id']}/resolve"
    response = await cycle.world.post(COORD, url, {"resolution": "make_up", "note": "ส่งเพิ่มแล้ว"})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "made_up"
    amounts = await _amounts(cycle)
    assert amounts["offer rice-jasmine"] == (750.0, 0.0, 0.0, 750.0)
    assert amounts["need rice-jasmine"] == (750.0, 0.0, 0.0, 750.0)
    await _invariant(cycle)
    account = (await cycle.world.get(OWNER, f"/v1/communities/{cycle.world.a['id']}/account")).json()
    (line,) = [x for x in account["by_item"] if x["item_id"] == "rice-jasmine"]
    assert (line["received_quantity"], line["planned_received_quantity"]) == (750, 750)
    again = await cycle.world.post(NE_COORD, url, {"resolution": "accept"})
    assert again.status_code == 409
    audit = await cycle.world.db.fetchval(
        "SELECT count(*) FROM audit_log WHERE entity = 'dispute' AND entity_id = $1", str(dispute["id"])
    )
    assert audit == 2  # opened, resolved
    assert proposal["status"] == "completed"


async def test_accepted_as_delivered_returns_the_shortfall_to_the_market(cycle: Cycle) -> None:
    _, dispute = await _short_rice(cycle)
    response = await cycle.world.post(
        NE_COORD, f"/v1/disputes/{dispute['id']}/resolve", {"resolution": "accept"}
    )
    assert response.json()["status"] == "accepted"
    amounts = await _amounts(cycle)
    assert amounts["offer rice-jasmine"] == (750.0, 50.0, 0.0, 700.0)
    assert amounts["need rice-jasmine"] == (750.0, 50.0, 0.0, 700.0)  # A still needs 50 kg
    await _invariant(cycle)


async def test_spoiled_goods_and_bad_receipts(cycle: Cycle) -> None:
    proposal = await _dispatched(cycle)
    pid, rice = proposal["id"], _rice(proposal)
    fish = next(t for t in proposal["transfers"] if t["item_id"] == "dried-fish")
    cases = [
        ({"position": rice["position"], "quantity": 800}, "receipts[0].quantity"),
        ({"position": rice["position"], "quantity": 700, "condition": "good"}, "receipts[0].condition"),
        ({"position": rice["position"], "quantity": 750, "condition": "spoiled"}, "receipts[0].quantity"),
        ({"position": fish["position"], "quantity": 100}, "receipts[0].position"),  # C receives the fish
        ({"position": rice["position"], "quantity": -1}, "receipts[0].quantity"),
        ({"position": rice["position"], "quantity": 1, "condition": "wet"}, "receipts[0].condition"),
    ]
    for receipt, path in cases:
        response = await cycle.act(OWNER, pid, "complete", receipts=[receipt])
        assert response.status_code == 422, (receipt, response.text)
        assert path in {e["path"] for e in response.json()["errors"]}, response.text
    nothing = await cycle.world.db.fetchval(
        "SELECT count(*) FROM proposal_transfers WHERE proposal_id = $1 AND received_at IS NOT NULL", pid
    )
    assert nothing == 0
    photo = "line://message/8812"
    spoiled = {"position": rice["position"], "quantity": 0, "condition": "spoiled", "photo_ref": photo}
    assert (await cycle.act(OWNER, pid, "complete", receipts=[spoiled])).status_code == 200
    for persona in (B_KEY, C_KEY):
        await cycle.act(persona, pid, "complete")
    (dispute,) = (await cycle.world.get(COORD, "/v1/disputes", status="open")).json()["data"]
    assert (dispute["condition"], dispute["received"], dispute["photo_ref"]) == ("spoiled", 0, photo)
    await _invariant(cycle)

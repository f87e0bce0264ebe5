"""No dust: a remainder below a listing's min lot closes with its delivery and is never proposed
again; a run's "dropped" counts only exchanges whose holds failed because the market moved."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from barter.storage.repos import runs as runs_repo
from tests.workflow.conftest import B_KEY, BOTH_COORD, C_KEY, Cycle
from tests.world import OWNER


async def _listing(cycle: Cycle, table: str, listing_id: int) -> dict[str, Any]:
    row = await cycle.world.db.fetchrow(
        f"SELECT status, quantity::float8 q, remaining::float8 r, held::float8 h, delivered::float8 d "
        f"FROM {table} WHERE id = $1",
        listing_id,
    )
    assert row is not None
    return dict(row)


async def _complete(cycle: Cycle, proposal_id: int) -> None:
    for persona in (OWNER, B_KEY, C_KEY):
        assert (await cycle.act(persona, proposal_id, "accept")).status_code == 200
    assert (await cycle.act(BOTH_COORD, proposal_id, "approve")).json()["status"] == "approved"
    assert (await cycle.act(BOTH_COORD, proposal_id, "dispatch")).json()["status"] == "in_transit"
    for persona in (OWNER, B_KEY, C_KEY):
        assert (await cycle.act(persona, proposal_id, "complete")).status_code == 200


async def test_a_remainder_below_the_min_lot_closes_with_the_delivery_and_is_not_proposed_again(
    cycle: Cycle,
) -> None:
    """Yasothon posts 790 kg of rice in lots of at least 50 kg; the cycle takes the 750 kg Pak Bara
    needs. The 40 kg left is less than a lot: the offer closes with it, and a second run with a
    new rice need does not propose those 40 kg."""
    rice = cycle.listings["rice"]["id"]
    await cycle.world.db.execute("UPDATE offers SET quantity = 790, min_lot = 50 WHERE id = $1", rice)
    run = await cycle.run()
    (proposal,) = await cycle.proposals(run["id"])
    assert {t["item_id"]: t["quantity"] for t in proposal["transfers"]}["rice-jasmine"] == 750
    await _complete(cycle, proposal["id"])
    offer = await _listing(cycle, "offers", rice)
    assert offer == {"status": "closed", "q": 790.0, "r": 40.0, "h": 0.0, "d": 750.0}
    assert offer["q"] == offer["r"] + offer["h"] + offer["d"]  # posted = remaining + held + delivered
    # The fish need was met in full; it closes as before.
    assert (await _listing(cycle, "needs", cycle.listings["fish_need"]["id"]))["status"] == "closed"
    # Another village wants 40 kg of jasmine rice and gives fish: the 40 kg are not offered to it.
    c = cycle.c["id"]
    await cycle.world.db.execute(
        "INSERT INTO needs (community_id, item_id, unit, quantity) VALUES ($1, 'rice-jasmine', 'kg', 40)", c
    )
    again = await cycle.run()
    assert again["counts"]["offers"] == 0
    assert await cycle.proposals(again["id"]) == []


async def test_a_run_on_a_market_that_did_not_move_drops_nothing(cycle: Cycle) -> None:
    run = await cycle.run()
    assert len(await cycle.proposals(run["id"])) == 1
    assert run["counts"]["dropped"] == 0
    assert "dropped" not in run["message"]


async def test_an_exchange_held_elsewhere_between_snapshot_and_commit_is_dropped(
    cycle: Cycle, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Right after the run reads the market, another connection holds all of Yasothon's rice (as a
    concurrent proposal would): the cycle cannot hold its 750 kg, and is the one exchange dropped."""
    snapshot = runs_repo.snapshot
    rice = cycle.listings["rice"]["id"]

    async def then_held_elsewhere(*args: Any, **kwargs: Any) -> Any:
        taken = await snapshot(*args, **kwargs)
        elsewhere = await asyncpg.connect(database_url)  # (the runner's own event loop)
        try:
            await elsewhere.execute("UPDATE offers SET held = held + remaining WHERE id = $1", rice)
        finally:
            await elsewhere.close()
        return taken

    monkeypatch.setattr(runs_repo, "snapshot", then_held_elsewhere)  # the module the runner calls
    run = await cycle.run()
    assert await cycle.proposals(run["id"]) == []
    assert run["counts"]["exchanges"] == 1
    assert run["counts"]["dropped"] == 1
    assert "1 dropped (the market moved since the snapshot)" in run["message"]
    # The failed hold left nothing behind: only the concurrent hold is on the rice.
    offer = await _listing(cycle, "offers", rice)
    assert (offer["h"], offer["r"]) == (750.0, 0.0)
    fish = await _listing(cycle, "offers", cycle.listings["fish"]["id"])
    assert (fish["h"], fish["r"]) == (0.0, 100.0)

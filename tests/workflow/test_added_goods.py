"""A matching run over goods the network added: the snapshot holds them as it holds the shipped
catalogue's, and the proposal's explanation names them in Thai, counted in their own word."""

from __future__ import annotations

import pytest

from tests.added_goods import GRILLED_CHICKEN, SNAKEHEAD, add_goods, as_if_added_elsewhere
from tests.workflow.conftest import Cycle
from tests.world import ADMIN, COORD, World, second_south_community


async def test_a_run_exchanges_added_goods_and_explains_them_in_their_own_words(world: World) -> None:
    """Pak Bara grills chicken and wants snakehead; Thung Wa has snakehead and wants grilled
    chicken: both goods were added by a coordinator through another server process. The run
    proposes the swap, 9 chickens (150 baht each) for 15 kg of snakehead (90 baht a kg), and says
    it "ไก่ย่าง 9 ตัว", never ชิ้น."""
    chicken = await add_goods(world, GRILLED_CHICKEN)
    snakehead = await add_goods(world, SNAKEHEAD)
    a, a2 = world.a["id"], (await second_south_community(world))["id"]
    posts = [
        ("offers", {"community_id": a, "item_id": chicken, "quantity": 9, "min_lot": 0}),
        ("needs", {"community_id": a, "item_id": snakehead, "quantity": 15, "min_lot": 0}),
        ("offers", {"community_id": a2, "item_id": snakehead, "quantity": 15, "min_lot": 0}),
        ("needs", {"community_id": a2, "item_id": chicken, "quantity": 9, "min_lot": 0}),
    ]
    for kind, body in posts:
        response = await world.post(ADMIN, f"/v1/{kind}", body)
        assert response.status_code == 201, response.text
    as_if_added_elsewhere()
    cycle = Cycle(world)
    run = await cycle.run(COORD)
    assert (run["counts"]["offers"], run["counts"]["needs"], run["counts"]["proposals"]) == (2, 2, 1)
    (proposal,) = await cycle.proposals(run["id"], COORD)
    moved = {t["item_id"]: (t["quantity"], t["unit"], t["giver_id"]) for t in proposal["transfers"]}
    assert moved == {chicken: (pytest.approx(9), "piece", a), snakehead: (pytest.approx(15), "kg", a2)}
    story = {p["community_id"]: p["explanation_th"] for p in proposal["participants"]}
    for community in (a, a2):
        assert "ไก่ย่าง 9 ตัว" in story[community], story
        assert "ปลาช่อน 15 กก." in story[community], story
    assert all("ชิ้น" not in said for said in story.values()), story

"""Own terms through a real run: the proposal keeps the values each side balanced by, and says them."""

from __future__ import annotations

import pytest

from tests.workflow.conftest import B_KEY, BOTH_COORD, Cycle, yasothon
from tests.world import OWNER, World


async def test_a_2_kg_fish_for_20_kg_rice_term_reaches_the_proposal(world: World) -> None:
    """Pak Bara asks at least 10 kg of sticky rice for each kg of its dried fish; a Yasothon rice
    group says a kilo of dried fish is worth 300 baht to it (catalogue: fish 260, sticky rice 30).
    The run's tolerance stays 0.1, and the exchange is proposed; each side's values are its own."""
    rice_farmers = await yasothon(world)
    world.keys[B_KEY] = await world.new_key(role="community", community_id=rice_farmers["id"])
    world.keys[BOTH_COORD] = await world.new_key(role="coordinator", regions=["south", "northeast"])
    a, b = world.a["id"], rice_farmers["id"]
    posts = [
        (
            OWNER,
            "offers",
            {
                "community_id": a,
                "item_id": "dried-fish",
                "quantity": 2,
                "min_lot": 0,
                "min_ratio_item_id": "rice-sticky",
                "min_ratio": 10,
            },
        ),
        (OWNER, "needs", {"community_id": a, "item_id": "rice-sticky", "quantity": 100, "min_lot": 0}),
        (B_KEY, "offers", {"community_id": b, "item_id": "rice-sticky", "quantity": 100, "min_lot": 0}),
        (B_KEY, "needs", {"community_id": b, "item_id": "dried-fish", "quantity": 10, "own_value": 300}),
    ]
    for persona, kind, body in posts:
        response = await world.post(persona, f"/v1/{kind}", body)
        assert response.status_code == 201, response.text
    cycle = Cycle(world)
    run = await cycle.run()
    assert run["counts"]["proposals"] == 1
    (proposal,) = await cycle.proposals(run["id"])
    moved = {t["item_id"]: t for t in proposal["transfers"]}
    assert moved["dried-fish"]["quantity"] == pytest.approx(2.0)
    rice = moved["rice-sticky"]["quantity"]
    assert (
        20.0 - 1e-6 <= rice <= 600 / 0.9 / 30 + 1e-6
    )  # at least 10 kg per kg; the rice group gives <= 600 / 0.9 baht
    # every transfer keeps the catalogue's value it was priced at
    assert (moved["dried-fish"]["unit_value"], moved["rice-sticky"]["unit_value"]) == (260, 30)
    story = {p["community_id"]: p for p in proposal["participants"]}
    # the values each side balanced by: Pak Bara's fish at 10 kg of rice a kilo (300 baht),
    # Yasothon's receipt of fish at its own 300 baht a kilo
    assert story[a]["gives_value"] == pytest.approx(600.0)
    assert story[a]["receives_value"] == pytest.approx(30 * rice, abs=0.01)
    assert story[b]["receives_value"] == pytest.approx(600.0)
    assert story[b]["gives_value"] == pytest.approx(30 * rice, abs=0.01)
    assert (
        "By your own terms (at least 10 kg of glutinous (sticky) rice for each kg of dried fish)"
        in (story[a]["explanation_en"])
    )
    assert "ตามเงื่อนไขของคุณเอง (ปลาแห้ง 1 กก. ต่อข้าวเหนียวอย่างน้อย 10 กก.)" in story[a]["explanation_th"]
    assert "By your own terms (dried fish at 300 baht a kg) you give about" in story[b]["explanation_en"]
    assert "ตามเงื่อนไขของคุณเอง (ปลาแห้ง กก.ละ 300 บาท)" in story[b]["explanation_th"]

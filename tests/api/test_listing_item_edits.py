"""Changing an offer's or a need's item and minimum lot: the posting rules apply to the new item
(its unit and steps), the change is audited, and a held listing keeps its item."""

from __future__ import annotations

import pytest

from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (OWNER, 200),
        (COORD, 200),
        (ADMIN, 200),
        (OTHER, 404),
        (COORD_ELSEWHERE, 404),
        (PARTNER, 403),
        (ANON, 401),
    ],
)
async def test_who_changes_an_offers_item(world: World, persona: str, status: int) -> None:
    offer = await world.offer()
    url = f"/v1/offers/{offer['id']}"
    response = await world.patch(persona, url, {"item_id": "salted-fish", "min_lot": 20}, etag='"v1"')
    assert response.status_code == status, response.text
    kept = (await world.get(ADMIN, url)).json()
    assert kept["item_id"] == ("salted-fish" if status == 200 else "dried-fish")
    assert kept["min_lot"] == (20 if status == 200 else 10)


async def test_an_item_change_is_audited_with_before_and_after(world: World) -> None:
    offer = await world.offer()
    await world.patch(OWNER, f"/v1/offers/{offer['id']}", {"item_id": "dried-squid"}, etag='"v1"')
    entries = (await world.get(ADMIN, "/v1/audit", entity="offer", entity_id=str(offer["id"]))).json()["data"]
    update = next(e for e in entries if e["action"] == "update")
    assert update["before"]["item_id"] == "dried-fish"
    assert update["after"]["item_id"] == "dried-squid"
    assert update["after"]["quantity"] == 200


async def test_the_new_items_steps_and_unit_apply(world: World) -> None:
    offer = await world.offer(quantity=30, min_lot=0)
    url = f"/v1/offers/{offer['id']}"
    # Coconuts come in whole pieces, and kilograms are no pieces: the amounts must be given again.
    moved = await world.patch(OWNER, url, {"item_id": "coconut"}, etag='"v1"')
    assert moved.status_code == 422
    assert {e["path"] for e in moved.json()["errors"]} == {"quantity", "min_lot"}
    halves = await world.patch(
        OWNER, url, {"item_id": "coconut", "quantity": 12.5, "min_lot": 0}, etag='"v1"'
    )
    assert halves.status_code == 422
    assert [e["path"] for e in halves.json()["errors"]] == ["quantity"]
    whole = await world.patch(OWNER, url, {"item_id": "coconut", "quantity": 12, "min_lot": 4}, etag='"v1"')
    assert whole.status_code == 200, whole.text
    assert (whole.json()["item_id"], whole.json()["unit"], whole.json()["quantity"]) == (
        "coconut",
        "piece",
        12,
    )
    unknown = await world.patch(OWNER, url, {"item_id": "gold-bars"}, etag='"v2"')
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["path"] == "item_id"
    too_big = await world.patch(OWNER, url, {"min_lot": 13}, etag='"v2"')
    assert too_big.status_code == 422
    assert too_big.json()["errors"][0]["path"] == "min_lot"


async def test_a_held_listing_keeps_its_item_with_a_thai_reason(world: World) -> None:
    offer = await world.offer()
    await world.db.execute("UPDATE offers SET held = 20 WHERE id = $1", offer["id"])
    url = f"/v1/offers/{offer['id']}"
    refused = await world.client.patch(
        url,
        json={"item_id": "salted-fish"},
        headers=world.headers(OWNER, **{"If-Match": '"v1"', "Accept-Language": "th"}),
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "item_held"
    assert "เปลี่ยนชนิดของไม่ได้" in refused.json()["detail"]
    assert "20 กก." in refused.json()["detail"]
    # Its minimum lot still changes, and the item stays.
    lot = await world.patch(OWNER, url, {"min_lot": 25}, etag='"v1"')
    assert lot.status_code == 200
    assert (lot.json()["item_id"], lot.json()["min_lot"]) == ("dried-fish", 25)


async def test_an_item_change_follows_the_version_rule(world: World) -> None:
    offer = await world.offer()
    url = f"/v1/offers/{offer['id']}"
    assert (await world.patch(OWNER, url, {"quantity": 150}, etag='"v1"')).status_code == 200
    stale = await world.patch(OWNER, url, {"item_id": "salted-fish"}, etag='"v1"')
    assert stale.status_code == 412
    assert (await world.get(OWNER, url)).json()["item_id"] == "dried-fish"


async def test_a_need_moves_to_another_item(world: World) -> None:
    need = await world.need(quantity=100, min_lot=10)
    url = f"/v1/needs/{need['id']}"
    moved = await world.patch(OWNER, url, {"item_id": "rice-sticky", "min_lot": 25}, etag='"v1"')
    assert moved.status_code == 200, moved.text
    assert (moved.json()["item_id"], moved.json()["min_lot"], moved.json()["unit"]) == (
        "rice-sticky",
        25,
        "kg",
    )
    to_eggs = await world.patch(OWNER, url, {"item_id": "eggs-chicken", "quantity": 300}, etag='"v2"')
    assert to_eggs.status_code == 422  # the kept minimum lot of 25 kg is no number of eggs
    eggs = await world.patch(
        OWNER, url, {"item_id": "eggs-chicken", "quantity": 300, "min_lot": 30}, etag='"v2"'
    )
    assert eggs.status_code == 200, eggs.text
    assert eggs.json()["unit"] == "piece"
    category = await world.need(category_id="rice", item_id=None, quantity=50, min_lot=0)
    named = await world.patch(OWNER, f"/v1/needs/{category['id']}", {"item_id": "rice-white"}, etag='"v1"')
    assert named.status_code == 422

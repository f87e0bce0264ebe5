from __future__ import annotations

import pytest

from barter.domain.clock import ManualClock, thai_today
from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (OWNER, 201),
        (COORD, 201),
        (ADMIN, 201),
        (OTHER, 404),
        (COORD_ELSEWHERE, 404),
        (PARTNER, 403),
        (ANON, 401),
    ],
)
async def test_who_posts_needs_for_community_a(world: World, persona: str, status: int) -> None:
    body = {"community_id": world.a["id"], "item_id": "rice-jasmine", "quantity": 1500}
    assert (await world.post(persona, "/v1/needs", body)).status_code == status


async def test_item_need_defaults(world: World) -> None:
    need = await world.need()
    assert (need["unit"], need["priority"], need["remaining"], need["status"]) == ("kg", 3, 1500, "open")
    assert need["item_name_th"] == "ข้าวหอมมะลิ"
    assert need["category_id"] is None


async def test_category_need_takes_the_unit_of_its_items(world: World) -> None:
    rice = await world.need(item_id=None, category_id="rice", quantity=800, priority=5)
    assert (rice["category_id"], rice["unit"], rice["priority"]) == ("rice", "kg", 5)
    mixed = await world.post(
        OWNER, "/v1/needs", {"community_id": world.a["id"], "category_id": "fish-seafood", "quantity": 10}
    )
    assert mixed.status_code == 422
    assert [(e["path"], e["code"]) for e in mixed.json()["errors"]] == [("unit", "unit_needed")]
    sauce = await world.need(item_id=None, category_id="fish-seafood", quantity=10, unit="litre", min_lot=0)
    assert sauce["unit"] == "litre"


async def test_need_for_a_list_of_acceptable_offers(world: World) -> None:
    rice = (
        await world.post(
            OTHER, "/v1/offers", {"community_id": world.b["id"], "item_id": "rice-jasmine", "quantity": 1000}
        )
    ).json()
    sticky = (
        await world.post(
            OTHER, "/v1/offers", {"community_id": world.b["id"], "item_id": "rice-sticky", "quantity": 500}
        )
    ).json()
    need = await world.need(item_id=None, accept_offer_ids=[sticky["id"], rice["id"]], quantity=300)
    assert need["accept_offer_ids"] == [sticky["id"], rice["id"]]
    assert need["unit"] == "kg"
    own = await world.offer()
    response = await world.post(
        OWNER,
        "/v1/needs",
        {"community_id": world.a["id"], "quantity": 1, "accept_offer_ids": [rice["id"], own["id"], 999999]},
    )
    assert response.status_code == 422
    assert {(e["path"], e["code"]) for e in response.json()["errors"]} == {
        ("accept_offer_ids[1]", "own_offer"),
        ("accept_offer_ids[2]", "not_open_offer"),
    }
    twice = await world.post(
        OWNER,
        "/v1/needs",
        {"community_id": world.a["id"], "quantity": 1, "accept_offer_ids": [rice["id"]] * 2},
    )
    assert [(e["path"], e["code"]) for e in twice.json()["errors"]] == [("accept_offer_ids", "listed_twice")]


@pytest.mark.parametrize(
    ("body", "codes"),
    [
        ({"category_id": "rice"}, {("item_id", "one_target")}),  # two targets
        ({"item_id": None}, {("item_id", "one_target")}),  # no target
        ({"priority": 9, "max_distance_km": 0}, {("priority", "le"), ("max_distance_km", "gt")}),
        ({"priority": 2.5}, {("priority", "whole_number")}),  # never read as 2
        ({"accept_offer_ids": [], "item_id": None}, {("accept_offer_ids", "required")}),
        ({"needed_by": "soon"}, {("needed_by", "bad_date")}),
        ({"item_id": None, "category_id": "rice", "unit": "litre"}, {("unit", "counted_in")}),
    ],
)
async def test_bad_needs(world: World, body: dict[str, object], codes: set[tuple[str, str]]) -> None:
    """Each refusal names its field and its problem's code (the console and LINE word the code)."""
    full = {"community_id": world.a["id"], "item_id": "rice-jasmine", "quantity": 100, **body}
    response = await world.post(OWNER, "/v1/needs", full)
    assert response.status_code == 422, response.text
    assert {(e["path"], e["code"]) for e in response.json()["errors"]} == codes


async def test_search_needs_by_thai_item_category_and_community(world: World) -> None:
    await world.need()
    await world.need(item_id=None, category_id="herbs", quantity=20, min_lot=0, unit="kg")
    assert len((await world.get(PARTNER, "/v1/needs", q="ข้าวหอมมะลิ")).json()["data"]) == 1
    assert len((await world.get(PARTNER, "/v1/needs", q="สมุนไพร")).json()["data"]) == 1
    assert len((await world.get(PARTNER, "/v1/needs", q="ปากบารา")).json()["data"]) == 2
    assert len((await world.get(PARTNER, "/v1/needs", category_id="herbs")).json()["data"]) == 1
    assert len((await world.get(PARTNER, "/v1/needs", category_id="rice")).json()["data"]) == 1


async def test_edit_and_withdraw_a_need(world: World) -> None:
    need = await world.need()
    url = f"/v1/needs/{need['id']}"
    edited = await world.patch(COORD, url, {"quantity": 2000, "priority": 5}, etag='"v1"')
    assert edited.status_code == 200
    assert (edited.json()["quantity"], edited.json()["priority"]) == (2000, 5)
    assert (await world.patch(COORD, url, {"quantity": 1}, etag='"v1"')).status_code == 412
    withdrawn = await world.delete(OWNER, url, etag='"v2"')
    assert withdrawn.json()["status"] == "withdrawn"
    assert (await world.get(OTHER, url)).status_code == 404


async def test_a_fractional_priority_is_refused_on_a_change_too(world: World) -> None:
    need = await world.need(priority=2)
    url = f"/v1/needs/{need['id']}"
    refused = await world.patch(COORD, url, {"priority": 2.5}, etag='"v1"')
    assert refused.status_code == 422, refused.text
    assert [(e["path"], e["code"]) for e in refused.json()["errors"]] == [("priority", "whole_number")]
    assert (await world.get(OWNER, url)).json()["priority"] == 2


async def test_a_whole_number_written_2_0_is_that_number_as_in_imports_and_query_parameters(
    world: World,
) -> None:
    """JSON does not tell 2 from 2.0: a priority, a community's id or an offer's id written with a
    point and nothing after it is that whole number, as a spreadsheet cell of 2.0 is priority 2
    and `?limit=2.0` is 2. A fraction (2.5) is refused as `whole_number`; one past the bounds as
    them."""
    offer = await world.offer(OTHER, community_id=world.b["id"])
    body = {
        "community_id": float(world.a["id"]),
        "quantity": 5.0,
        "priority": 2.0,
        "accept_offer_ids": [float(offer["id"])],
    }
    created = await world.post(OWNER, "/v1/needs", body)
    assert created.status_code == 201, created.text
    need = created.json()
    assert (need["community_id"], need["priority"], need["accept_offer_ids"]) == (
        world.a["id"],
        2,
        [offer["id"]],
    )
    url = f"/v1/needs/{need['id']}"
    changed = await world.patch(OWNER, url, {"priority": 5.0}, etag='"v1"')
    assert changed.status_code == 200, changed.text
    assert changed.json()["priority"] == 5
    for priority, code in ((5.5, "whole_number"), (6.0, "le"), (0.0, "ge"), (-0.0, "ge"), (1e300, "le")):
        refused = await world.patch(OWNER, url, {"priority": priority}, etag='"v2"')
        assert refused.status_code == 422, (priority, refused.text)
        assert [(e["path"], e["code"]) for e in refused.json()["errors"]] == [("priority", code)], priority
    listed = await world.get(OWNER, "/v1/needs", limit="2.0")
    assert listed.status_code == 200, listed.text


async def test_a_need_by_a_day_already_past_is_refused_and_today_is_not(
    world: World, clock: ManualClock
) -> None:
    today = thai_today(clock.now())
    body = {"community_id": world.a["id"], "item_id": "rice-jasmine", "quantity": 100}
    response = await world.post(OWNER, "/v1/needs", {**body, "needed_by": "2020-01-01"})
    assert response.status_code == 422, response.text
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [("needed_by", "in_the_past")]
    assert response.json()["code"] == "validation_failed"
    need = await world.need(needed_by=str(today))
    assert need["needed_by"] == str(today)


async def test_a_need_whose_day_has_since_passed_keeps_its_other_edits(
    world: World, clock: ManualClock
) -> None:
    today = thai_today(clock.now())
    need = await world.need(needed_by=str(today))
    url = f"/v1/needs/{need['id']}"
    clock.advance(days=1)
    edited = await world.patch(COORD, url, {"priority": 5}, etag='"v1"')
    assert edited.status_code == 200, edited.text
    assert (edited.json()["priority"], edited.json()["needed_by"]) == (5, str(today))
    refused = await world.patch(COORD, url, {"needed_by": str(today)}, etag='"v2"')
    assert refused.status_code == 422, refused.text
    assert [(e["path"], e["code"]) for e in refused.json()["errors"]] == [("needed_by", "in_the_past")]

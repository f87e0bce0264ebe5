"""Correcting goods the network added (PATCH /v1/items/{id}): who may, what may change, what is refused."""

from __future__ import annotations

from typing import Any

from litestar import Litestar

from barter.api.openapi import openapi_document
from tests.api.test_catalogue_items import SNAKEHEAD
from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World

COCONUT_CRAB = {
    "name_th": "ปูมะพร้าว",
    "category_id": "fish-seafood",
    "unit": "piece",
    "kg_per_unit": 1.5,
    "reference_value": 400,
    "shelf_life_days": 2,
    "counted_th": "ตัว",
}
URL = "/v1/items/striped-snakehead"


async def _add(world: World, body: dict[str, Any] = SNAKEHEAD) -> dict[str, Any]:
    response = await world.post(ADMIN, "/v1/items", body)
    assert response.status_code == 201, response.text
    added: dict[str, Any] = response.json()
    return added


def _refused(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return [(e["path"], e["code"]) for e in response.json()["errors"]]


async def test_who_corrects_goods(world: World) -> None:
    # one world for every persona (a world costs a second to build), each correcting the version
    # it reads
    await _add(world)
    version = 1
    for persona, status in [
        (ADMIN, 200),
        (COORD, 200),
        (COORD_ELSEWHERE, 200),  # the catalogue is the whole network's
        (OWNER, 403),
        (OTHER, 403),
        (PARTNER, 403),
        (ANON, 401),
    ]:
        response = await world.patch(persona, URL, {"name_en": f"Snakehead {persona}"}, f'"v{version}"')
        assert response.status_code == status, (persona, response.text)
        version += status == 200
        shown = (await world.get(ANON, URL)).json()
        assert shown["version"] == version, persona
        assert (shown["name_en"] == f"Snakehead {persona}") == (status == 200), persona


async def test_a_correction_is_versioned_audited_and_read_everywhere(world: World) -> None:
    await _add(world)
    response = await world.patch(
        COORD,
        URL,
        {"name_th": "ปลาช่อนแม่กลอง", "synonyms_th": ["ปลาช่อน", "ทูแม่กลอง"], "shelf_life_days": 4},
        '"v1"',
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"v2"'
    body = response.json()
    assert (body["name_th"], body["synonyms_th"], body["shelf_life_days"], body["version"]) == (
        "ปลาช่อนแม่กลอง",
        ["ปลาช่อน", "ทูแม่กลอง"],
        4,
        2,
    )
    # unchanged: what was not sent, and what listings count in
    assert (body["name_en"], body["unit"], body["category_id"], body["reference_value"]) == (
        "Striped snakehead",
        "kg",
        "fish-seafood",
        90,
    )
    assert [i["id"] for i in (await world.get(ANON, "/v1/items", q="แม่กลอง")).json()["data"]] == [
        "striped-snakehead"
    ]
    row = await world.db.fetchrow(
        "SELECT actor_key_id, before, after FROM audit_log WHERE action = 'update_item' AND entity_id = $1",
        "striped-snakehead",
    )
    assert row is not None
    assert row["actor_key_id"] == world.key_ids[COORD]
    assert (row["before"]["name_th"], row["before"]["version"]) == ("ปลาช่อน", 1)
    assert row["after"] == body
    # an offer of it keeps its item, under the new name
    offer = await world.offer(item_id="striped-snakehead", quantity=50, min_lot=5)
    assert offer["item_id"] == "striped-snakehead"


async def test_if_match_is_required_and_a_stale_one_is_412(world: World) -> None:
    await _add(world)
    missing = await world.patch(COORD, URL, {"shelf_life_days": 5})
    assert (missing.status_code, missing.json()["code"]) == (428, "precondition_required")
    assert (await world.patch(COORD, URL, {"shelf_life_days": 5}, '"v1"')).status_code == 200
    stale = await world.patch(ADMIN, URL, {"shelf_life_days": 6}, '"v1"')
    assert (stale.status_code, stale.json()["code"]) == (412, "stale_version")
    # a reference value set meanwhile changes the item too
    assert (await world.post(ADMIN, f"{URL}/values", {"value": 95})).status_code == 200
    assert (await world.patch(ADMIN, URL, {"shelf_life_days": 6}, '"v2"')).status_code == 412
    assert (await world.patch(ADMIN, URL, {"shelf_life_days": 6}, '"v3"')).status_code == 200
    assert (await world.db.fetchval("SELECT shelf_life_days FROM items WHERE id = 'striped-snakehead'")) == 6


async def test_the_shipped_catalogues_goods_are_not_corrected_here(world: World) -> None:
    before = await world.db.fetchrow("SELECT name_th, version FROM items WHERE id = 'dried-fish'")
    response = await world.patch(ADMIN, "/v1/items/dried-fish", {"name_th": "ปลาตากแห้ง"}, '"v1"')
    assert response.status_code == 409, response.text
    problem = response.json()
    assert problem["code"] == "shipped_item"
    assert response.headers["content-type"].startswith("application/problem+json")
    thai = await world.client.patch(
        "/v1/items/dried-fish",
        json={"name_th": "ปลาตากแห้ง"},
        headers=world.headers(ADMIN, **{"If-Match": '"v1"', "Accept-Language": "th"}),
    )
    assert "สินค้าที่เครือข่ายเพิ่มเอง" in thai.json()["detail"]
    assert await world.db.fetchrow("SELECT name_th, version FROM items WHERE id = 'dried-fish'") == before
    assert (await world.patch(ADMIN, "/v1/items/caviar", {"name_th": "ไข่ปลา"}, '"v1"')).status_code == 404


async def test_unit_and_category_are_not_corrected(world: World) -> None:
    await _add(world)
    response = await world.patch(ADMIN, URL, {"unit": "piece", "category_id": "vegetables"}, '"v1"')
    assert sorted(_refused(response)) == [("category_id", "unknown_field"), ("unit", "unknown_field")]
    assert (await world.get(ANON, URL)).json()["unit"] == "kg"


async def test_a_name_another_item_uses_is_refused_its_own_are_fine(world: World) -> None:
    await _add(world)
    await _add(world, COCONUT_CRAB)
    # its own names, swapped: fine
    swapped = await world.patch(ADMIN, URL, {"name_th": "ปลาช่อนนึ่ง", "synonyms_th": ["ปลาช่อน"]}, '"v1"')
    assert swapped.status_code == 200, swapped.text
    # another item's name or synonym, a shipped one's, a category word, a name given twice
    crab = "/v1/items/item-1"
    refused = await world.patch(
        ADMIN,
        crab,
        {"name_th": "ปลาช่อน", "synonyms_th": ["ปลาช่อนนึ่ง", "ปลาแห้ง", "ผัก", "ปูยักษ์", "ปู ยักษ์", "  "]},
        '"v1"',
    )
    assert _refused(refused) == [
        ("name_th", "name_taken"),
        ("synonyms_th[0]", "name_taken"),
        ("synonyms_th[1]", "name_taken"),
        ("synonyms_th[2]", "category_word"),
        ("synonyms_th[4]", "given_twice"),
        ("synonyms_th[5]", "required"),
    ]
    # a name the item keeps, given again, is said at the field sent
    again = await world.patch(ADMIN, URL, {"synonyms_th": ["ปลาช่อนนึ่ง"]}, '"v2"')
    assert _refused(again) == [("synonyms_th[0]", "given_twice")]
    unseen = await world.patch(ADMIN, crab, {"name_th": "ปู\u200bมะพร้าว", "name_en": " "}, '"v1"')
    assert _refused(unseen) == [("name_th", "bad_characters"), ("name_en", "required")]
    assert (await world.get(ANON, crab)).json()["version"] == 1


async def test_weight_and_counting_word_follow_the_unit(world: World) -> None:
    await _add(world)
    await _add(world, COCONUT_CRAB)
    assert _refused(await world.patch(ADMIN, URL, {"kg_per_unit": 2}, '"v1"')) == [
        ("kg_per_unit", "kg_is_one")
    ]
    assert _refused(await world.patch(ADMIN, URL, {"counted_th": "ตัว"}, '"v1"')) == [
        ("counted_th", "pieces_only")
    ]
    crab = "/v1/items/item-1"
    changed = await world.patch(ADMIN, crab, {"kg_per_unit": 1.25, "counted_th": "ตัว ละ"}, '"v1"')
    assert _refused(changed) == [("counted_th", "one_word")]
    changed = await world.patch(ADMIN, crab, {"kg_per_unit": 1.25, "counted_th": None}, '"v1"')
    assert changed.status_code == 200, changed.text
    assert (changed.json()["kg_per_unit"], changed.json()["counted_th"]) == (1.25, None)
    assert _refused(await world.patch(ADMIN, crab, {"kg_per_unit": 0}, '"v2"')) == [("kg_per_unit", "ge")]


async def test_goods_with_no_english_name_keep_being_called_by_their_thai_name(world: World) -> None:
    added = await _add(world, COCONUT_CRAB)
    assert added["name_en"] == "ปูมะพร้าว"
    renamed = await world.patch(ADMIN, "/v1/items/item-1", {"name_th": "ปูใหญ่"}, '"v1"')
    assert (renamed.json()["name_th"], renamed.json()["name_en"]) == ("ปูใหญ่", "ปูใหญ่")
    named = await world.patch(ADMIN, "/v1/items/item-1", {"name_en": "Coconut crab"}, '"v2"')
    assert named.json()["name_en"] == "Coconut crab"
    again = await world.patch(ADMIN, "/v1/items/item-1", {"name_th": "ปูมะพร้าว"}, '"v3"')
    assert (again.json()["name_th"], again.json()["name_en"], again.json()["id"]) == (
        "ปูมะพร้าว",
        "Coconut crab",
        "item-1",
    )


def test_the_openapi_document_describes_adding_and_correcting_goods(app: Litestar) -> None:
    document = openapi_document(app)
    schemas = document["components"]["schemas"]
    assert set(schemas["ItemPatch"]["properties"]) == {
        "name_th",
        "name_en",
        "synonyms_th",
        "counted_th",
        "shelf_life_days",
        "kg_per_unit",
    }
    assert {"synonyms_th", "added_at", "counted_th", "version"} <= set(schemas["ItemOut"]["properties"])
    correct = document["paths"]["/v1/items/{item_id}"]["patch"]
    (if_match,) = [p for p in correct["parameters"] if p["name"] == "If-Match"]
    assert (if_match["in"], if_match["required"]) == ("header", True)
    assert {"401", "403", "404", "409", "412", "422", "428"} <= set(correct["responses"])
    assert "shipped_item" in correct["description"]
    assert correct["security"]
    add = document["paths"]["/v1/items"]["post"]
    assert {"401", "403", "409", "422"} <= set(add["responses"])
    assert "Idempotency-Key" in add["description"]
    for code in ("name_taken", "category_word", "given_twice", "not_thai", "bad_characters"):
        assert code in add["description"], code
    read = document["paths"]["/v1/items/{item_id}"]["get"]
    assert "security" not in read or not read["security"]


async def test_a_name_the_file_took_since_does_not_block_other_corrections(world: World) -> None:
    """A shipped item may hold a synonym an added item is named by (a load before the loader left
    such synonyms out gave it one): its shelf life is still corrected; renaming says the clash."""
    await _add(world)
    await world.db.execute("UPDATE items SET synonyms_th = synonyms_th || '{ปลาช่อน}' WHERE id = 'dried-fish'")
    shelf = await world.patch(COORD, URL, {"shelf_life_days": 4}, '"v1"')
    assert shelf.status_code == 200, shelf.text
    renamed = await world.patch(COORD, URL, {"synonyms_th": ["ปลาช่อนสด"]}, '"v2"')
    assert _refused(renamed) == [("name_th", "name_taken")]


async def test_an_english_name_cleared_is_the_thai_one_again_under_if_match(world: World) -> None:
    """`name_en` null or "" clears the English name: the goods are called by their Thai name in
    English, and follow a new Thai name, as goods added without one are; each clearing is a new
    version (ETag), needs If-Match and is refused at a stale one; blank with spaces stays `required`."""
    await _add(world)
    missing = await world.patch(COORD, URL, {"name_en": None})
    assert (missing.status_code, missing.json()["code"]) == (428, "precondition_required")
    cleared = await world.patch(COORD, URL, {"name_en": None}, '"v1"')
    assert cleared.status_code == 200, cleared.text
    assert cleared.headers["etag"] == '"v2"'
    assert (cleared.json()["name_en"], cleared.json()["version"]) == ("ปลาช่อน", 2)
    stale = await world.patch(COORD, URL, {"name_en": ""}, '"v1"')
    assert (stale.status_code, stale.json()["code"]) == (412, "stale_version")
    renamed = await world.patch(COORD, URL, {"name_th": "ปลาช่อนแม่กลอง"}, '"v2"')
    assert (renamed.json()["name_th"], renamed.json()["name_en"]) == ("ปลาช่อนแม่กลอง", "ปลาช่อนแม่กลอง")
    named = await world.patch(COORD, URL, {"name_en": "Mae Klong snakehead"}, '"v3"')
    assert named.json()["name_en"] == "Mae Klong snakehead"
    assert _refused(await world.patch(COORD, URL, {"name_en": "  "}, '"v4"')) == [("name_en", "required")]
    emptied = await world.patch(COORD, URL, {"name_en": ""}, '"v4"')
    assert (emptied.status_code, emptied.headers["etag"]) == (200, '"v5"')
    assert (await world.get(ANON, URL)).json()["name_en"] == "ปลาช่อนแม่กลอง"
    row = await world.db.fetchrow(
        "SELECT before, after FROM audit_log WHERE action = 'update_item' ORDER BY id DESC LIMIT 1"
    )
    assert row is not None
    assert (row["before"]["name_en"], row["after"]["name_en"]) == ("Mae Klong snakehead", "ปลาช่อนแม่กลอง")

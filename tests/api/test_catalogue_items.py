"""Goods the network adds to the catalogue (ปลาช่อน, ข้าวโพด): who may, what is refused, where they show."""

from __future__ import annotations

import json
from typing import Any

from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World

SNAKEHEAD = {
    "name_th": "ปลาช่อน",
    "name_en": "Striped snakehead",
    "category_id": "fish-seafood",
    "unit": "kg",
    "reference_value": 90,
    "shelf_life_days": 3,
    "synonyms_th": ["ปลาช่อนนึ่ง"],
}


WHO_ADDS = [
    (ADMIN, 201),
    (COORD, 201),
    (COORD_ELSEWHERE, 201),  # the catalogue is the whole network's, not a region's
    (OWNER, 403),
    (OTHER, 403),
    (PARTNER, 403),
    (ANON, 401),
]


async def test_who_adds_goods(world: World) -> None:
    # one world for every persona (a world costs a second to build): each adds goods of its own
    for n, (persona, status) in enumerate(WHO_ADDS):
        body = {**SNAKEHEAD, "name_th": f"ปลาช่อน {persona}", "name_en": f"Snakehead {n}", "synonyms_th": []}
        response = await world.post(persona, "/v1/items", body)
        assert response.status_code == status, (persona, response.text)
        listed = (await world.get(OWNER, "/v1/items", q=f"ปลาช่อน {persona}")).json()["data"]
        mine = [i["id"] for i in listed if i["name_th"] == body["name_th"]]
        assert mine == ([f"snakehead-{n}"] if status == 201 else []), persona


async def test_added_goods_can_be_offered_and_are_audited(world: World) -> None:
    added = await world.post(COORD, "/v1/items", SNAKEHEAD)
    assert added.status_code == 201
    body = added.json()
    assert (body["id"], body["quantity_step"], body["kg_per_unit"]) == ("striped-snakehead", 0.1, 1)
    offer = await world.offer(item_id="striped-snakehead", quantity=50, min_lot=5)
    assert offer["item_id"] == "striped-snakehead"
    audited = await world.db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'add_item'")
    assert audited == 1


async def test_a_taken_name_or_a_category_word_is_refused_by_field(world: World) -> None:
    assert (await world.post(ADMIN, "/v1/items", SNAKEHEAD)).status_code == 201
    again = await world.post(ADMIN, "/v1/items", {**SNAKEHEAD, "name_en": "Snakehead"})
    assert again.status_code == 422
    assert [(e["path"], e["code"]) for e in again.json()["errors"]] == [
        ("name_th", "name_taken"),
        ("synonyms_th[0]", "name_taken"),
    ]
    rice = await world.post(ADMIN, "/v1/items", {**SNAKEHEAD, "name_th": "ข้าว", "synonyms_th": ["ข้าวสาร"]})
    assert [(e["path"], e["code"]) for e in rice.json()["errors"]] == [
        ("name_th", "category_word"),
        ("synonyms_th[0]", "name_taken"),
    ]
    eggs = await world.post(
        ADMIN,
        "/v1/items",
        {**SNAKEHEAD, "name_th": "ไข่นกกระทา", "synonyms_th": [], "unit": "piece", "counted_th": "ฟอง"},
    )
    assert [(e["path"], e["code"]) for e in eggs.json()["errors"]] == [("kg_per_unit", "required")]


def _refused(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return [(e["path"], e["code"]) for e in response.json()["errors"]]


CORN = {
    "name_th": "ข้าวโพด",
    "category_id": "vegetables",
    "unit": "kg",
    "reference_value": 15,
    "shelf_life_days": 7,
}


UNREADABLE: list[tuple[dict[str, Any], list[tuple[str, str]]]] = [
    ({"name_th": "   "}, [("name_th", "required")]),
    ({"name_th": "\u3000\u00a0"}, [("name_th", "required")]),
    ({"name_en": "  "}, [("name_en", "required")]),
    # a zero-width space: looks like ปลาช่อน, is not what anyone types, the LINE reader never matches it
    ({"name_th": "ข้าว\u200bโพด"}, [("name_th", "bad_characters")]),
    ({"name_th": "ข้าวโพด\n"}, [("name_th", "bad_characters")]),
    ({"name_th": "ข้าว\x07โพด"}, [("name_th", "bad_characters")]),
    ({"synonyms_th": ["โพด\tหวาน"]}, [("synonyms_th[0]", "bad_characters")]),
    ({"name_en": "Corn\x1b[31m"}, [("name_en", "bad_characters")]),
    ({"name_en": "Co\u200brn"}, [("name_en", "bad_characters")]),
    # Thai digits or marks alone name no goods
    ({"name_th": "๑๒๓"}, [("name_th", "not_thai")]),
    ({"synonyms_th": ["ๆ"]}, [("synonyms_th[0]", "not_thai")]),
    # a synonym that is its own name, however spaced, says nothing new
    ({"synonyms_th": ["ข้าวโพด"]}, [("synonyms_th[0]", "given_twice")]),
    ({"synonyms_th": ["ข้าว โพด"]}, [("synonyms_th[0]", "given_twice")]),
    (
        {"unit": "piece", "kg_per_unit": 0.3, "counted_th": "ฝัก\u200b"},
        [("counted_th", "bad_characters")],
    ),
]


async def test_names_no_one_could_type_or_read_are_refused_by_field(world: World) -> None:
    for fields, refused in UNREADABLE:
        response = await world.post(COORD, "/v1/items", {**CORN, **fields})
        assert _refused(response) == refused, fields
    assert await world.db.fetchval("SELECT count(*) FROM items WHERE added_by IS NOT NULL") == 0


async def test_names_are_kept_tidied(world: World) -> None:
    response = await world.post(
        COORD,
        "/v1/items",
        {**CORN, "name_th": "  ข้าวโพด   หวาน ", "name_en": " Sweet   corn ", "synonyms_th": [" โพดหวาน "]},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["name_th"], body["name_en"], body["synonyms_th"]) == (
        "ข้าวโพด หวาน",
        "Sweet corn",
        ["โพดหวาน"],
    )
    # and a name differing only in its spaces is the same name
    again = await world.post(COORD, "/v1/items", {**CORN, "name_th": "ข้าวโพดหวาน", "name_en": "Corn"})
    assert _refused(again) == [("name_th", "name_taken")]


async def test_values_that_would_be_kept_as_nothing_are_422_not_500(world: World) -> None:
    nothing: list[tuple[dict[str, Any], list[tuple[str, str]]]] = [
        ({"reference_value": 0.004}, [("reference_value", "ge")]),  # 0.00 baht once kept to the satang
        ({"unit": "piece", "kg_per_unit": 0.00001}, [("kg_per_unit", "ge")]),  # 0.0000 kg once kept
    ]
    for fields, refused in nothing:
        assert _refused(await world.post(ADMIN, "/v1/items", {**CORN, **fields})) == refused, fields


async def test_a_reference_value_that_would_be_kept_as_nothing_is_422_not_500(world: World) -> None:
    response = await world.post(ADMIN, "/v1/items/dried-fish/values", {"value": 0.001})
    assert _refused(response) == [("value", "ge")]
    assert (await world.post(ADMIN, "/v1/items/dried-fish/values", {"value": 0.01})).status_code == 200


async def test_values_are_kept_to_the_satang_and_the_answer_says_what_was_kept(world: World) -> None:
    response = await world.post(
        ADMIN, "/v1/items", {**CORN, "reference_value": 15.129, "unit": "piece", "kg_per_unit": 0.33333}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["reference_value"], body["kg_per_unit"], body["quantity_step"]) == (15.13, 0.3333, 1)
    stored = await world.db.fetchrow(
        "SELECT reference_value::text AS v, kg_per_unit::text AS kg FROM items WHERE id = $1", body["id"]
    )
    assert stored is not None
    assert (stored["v"], stored["kg"]) == ("15.13", "0.3333")


async def test_goods_with_no_english_name_are_called_by_their_thai_name_with_numbered_ids(
    world: World,
) -> None:
    first = await world.post(COORD, "/v1/items", CORN)
    second = await world.post(COORD, "/v1/items", {**CORN, "name_th": "มันสำปะหลัง", "name_en": "3-in-1"})
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert (first.json()["id"], first.json()["name_en"]) == ("item-1", "ข้าวโพด")
    assert (second.json()["id"], second.json()["name_en"]) == ("item-2", "3-in-1")
    assert first.headers["location"] == "/v1/items/item-1"
    shown = await world.get(ANON, "/v1/items/item-1")
    assert shown.status_code == 200
    assert shown.headers["etag"] == '"v1"'
    assert shown.json() == first.json()


async def test_the_audit_keeps_what_was_added_not_what_was_sent(world: World) -> None:
    sent = {**CORN, "name_th": " ข้าวโพด ", "reference_value": 15.129, "synonyms_th": ["โพด  หวาน"]}
    added = await world.post(COORD, "/v1/items", sent)
    assert added.status_code == 201, added.text
    row = await world.db.fetchrow(
        "SELECT actor_key_id, entity, entity_id, before, after FROM audit_log WHERE action = 'add_item'"
    )
    assert row is not None
    after = json.loads(row["after"]) if isinstance(row["after"], str) else row["after"]
    assert (row["actor_key_id"], row["entity"], row["entity_id"], row["before"]) == (
        world.key_ids[COORD],
        "item",
        "item-1",
        None,
    )
    assert after == added.json()
    assert (after["name_th"], after["name_en"], after["reference_value"]) == ("ข้าวโพด", "ข้าวโพด", 15.13)
    assert (after["kg_per_unit"], after["quantity_step"], after["synonyms_th"]) == (1, 0.1, ["โพด หวาน"])


async def test_a_retried_add_creates_one_item(world: World) -> None:
    responses = [
        await world.post(COORD, "/v1/items", SNAKEHEAD, **{"Idempotency-Key": "add-snakehead"})
        for _ in range(3)
    ]
    assert [r.status_code for r in responses] == [201, 201, 201]
    assert len({r.content for r in responses}) == 1
    assert "idempotency-replayed" not in responses[0].headers
    assert [r.headers.get("idempotency-replayed") for r in responses[1:]] == ["true", "true"]
    assert {r.headers["location"] for r in responses} == {"/v1/items/striped-snakehead"}
    assert await world.db.fetchval("SELECT count(*) FROM items WHERE name_th = 'ปลาช่อน'") == 1
    assert await world.db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'add_item'") == 1
    # the same key with another body is refused, and nothing more is added
    other = await world.post(
        COORD, "/v1/items", {**SNAKEHEAD, "name_th": "ปลาลัง"}, **{"Idempotency-Key": "add-snakehead"}
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert await world.db.fetchval("SELECT count(*) FROM items WHERE added_by IS NOT NULL") == 1


async def test_sara_am_typed_in_two_keys_is_the_same_name(world: World) -> None:
    """น + ้ + ํ + า looks like น้ำ but is other text (NFC leaves it apart): kept as ำ, and taken for it."""
    fish_sauce = await world.post(COORD, "/v1/items", {**CORN, "name_th": "น\u0e49\u0e4d\u0e32ปลา"})
    assert _refused(fish_sauce) == [("name_th", "name_taken")]  # the shipped น้ำปลา
    added = await world.post(
        COORD, "/v1/items", {**CORN, "name_th": "น\u0e4d\u0e49\u0e32ตาลโตนด", "name_en": "Toddy palm sugar"}
    )
    assert added.status_code == 201, added.text
    assert added.json()["name_th"] == "น\u0e49\u0e33ตาลโตนด"
    assert [i["id"] for i in (await world.get(ANON, "/v1/items", q="น้ำตาลโตนด")).json()["data"]] == [
        "toddy-palm-sugar"
    ]


async def test_the_api_explorers_example_adds_goods(world: World) -> None:
    """The body /schema shows for POST /v1/items (each field's example) is one that adds ปลาช่อน."""
    document = (await world.client.get("/schema/openapi.json")).json()
    fields = document["components"]["schemas"]["ItemNew"]["properties"]
    body = {name: field["examples"][0] for name, field in fields.items() if "examples" in field}
    body["unit"] = "kg"  # an enum: the explorer shows its first value
    assert set(body) == {
        "name_th",
        "category_id",
        "unit",
        "reference_value",
        "shelf_life_days",
        "synonyms_th",
    }
    added = await world.post(COORD, "/v1/items", body)
    assert added.status_code == 201, added.text
    assert (added.json()["name_th"], added.json()["synonyms_th"]) == ("ปลาช่อน", ["ปลาช่อนนึ่ง"])


async def test_values_are_rounded_as_written_half_up_not_as_their_binary_float(world: World) -> None:
    """2.675 is 2.67499... in binary: formatted to two places it was kept as 2.67."""
    added = await world.post(
        ADMIN, "/v1/items", {**CORN, "reference_value": 2.675, "unit": "piece", "kg_per_unit": 0.00015}
    )
    assert added.status_code == 201, added.text
    assert (added.json()["reference_value"], added.json()["kg_per_unit"]) == (2.68, 0.0002)
    value = await world.post(ADMIN, "/v1/items/dried-fish/values", {"value": 1.005})
    assert value.status_code == 200, value.text
    assert value.json()["reference_value"] == 1.01
    assert [c["value"] for c in value.json()["changes"]] == [1.01]


async def test_a_counting_word_is_kept_trimmed_and_must_be_one_word(world: World) -> None:
    crab = {**CORN, "name_th": "ปูม้า", "name_en": "Blue crab", "unit": "piece", "kg_per_unit": 0.3}
    two = await world.post(COORD, "/v1/items", {**crab, "counted_th": "ตัว ละ"})
    assert _refused(two) == [("counted_th", "one_word")]
    added = await world.post(COORD, "/v1/items", {**crab, "counted_th": " ตัว "})
    assert added.status_code == 201, added.text
    assert added.json()["counted_th"] == "ตัว"

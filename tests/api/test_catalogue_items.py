"""Goods the network adds to the catalogue (ปลาทู, ข้าวโพด): who may, what is refused, where they show."""

from __future__ import annotations

import pytest

from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World

MACKEREL = {
    "name_th": "ปลาทู",
    "name_en": "Short mackerel",
    "category_id": "fish-seafood",
    "unit": "kg",
    "reference_value": 90,
    "shelf_life_days": 3,
    "synonyms_th": ["ปลาทูนึ่ง"],
}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (ADMIN, 201),
        (COORD, 201),
        (COORD_ELSEWHERE, 201),
        (OWNER, 403),
        (OTHER, 403),
        (PARTNER, 403),
        (ANON, 401),
    ],
)
async def test_who_adds_goods(world: World, persona: str, status: int) -> None:
    response = await world.post(persona, "/v1/items", MACKEREL)
    assert response.status_code == status, response.text
    listed = (await world.get(OWNER, "/v1/items", q="ปลาทู")).json()["data"]
    assert [i["id"] for i in listed] == (["short-mackerel"] if status == 201 else [])


async def test_added_goods_can_be_offered_and_are_audited(world: World) -> None:
    added = await world.post(COORD, "/v1/items", MACKEREL)
    assert added.status_code == 201
    body = added.json()
    assert (body["id"], body["quantity_step"], body["kg_per_unit"]) == ("short-mackerel", 0.1, 1)
    offer = await world.offer(item_id="short-mackerel", quantity=50, min_lot=5)
    assert offer["item_id"] == "short-mackerel"
    audited = await world.db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'add_item'")
    assert audited == 1


async def test_a_taken_name_or_a_category_word_is_refused_by_field(world: World) -> None:
    assert (await world.post(ADMIN, "/v1/items", MACKEREL)).status_code == 201
    again = await world.post(ADMIN, "/v1/items", {**MACKEREL, "name_en": "Mackerel"})
    assert again.status_code == 422
    assert [(e["path"], e["code"]) for e in again.json()["errors"]] == [
        ("name_th", "name_taken"),
        ("synonyms_th[0]", "name_taken"),
    ]
    rice = await world.post(ADMIN, "/v1/items", {**MACKEREL, "name_th": "ข้าว", "synonyms_th": ["ข้าวสาร"]})
    assert [(e["path"], e["code"]) for e in rice.json()["errors"]] == [
        ("name_th", "category_word"),
        ("synonyms_th[0]", "name_taken"),
    ]
    eggs = await world.post(
        ADMIN,
        "/v1/items",
        {**MACKEREL, "name_th": "ไข่นกกระทา", "synonyms_th": [], "unit": "piece", "counted_th": "ฟอง"},
    )
    assert [(e["path"], e["code"]) for e in eggs.json()["errors"]] == [("kg_per_unit", "required")]

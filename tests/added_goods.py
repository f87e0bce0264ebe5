"""Goods the network adds to the catalogue (POST /v1/items), for the tests of every channel that
reads them: a weighed one (ปลาช่อน, in kg) and one counted in its own word (ไก่ย่าง, counted ตัว)."""

from __future__ import annotations

from typing import Any

import msgspec

from barter.domain import units
from barter.reference import CatalogueItem, load_catalogue
from tests.world import COORD, World

SNAKEHEAD: dict[str, Any] = {
    "name_th": "ปลาช่อน",
    "name_en": "Striped snakehead",
    "category_id": "fish-seafood",
    "unit": "kg",
    "reference_value": 90,
    "shelf_life_days": 4,
}
GRILLED_CHICKEN: dict[str, Any] = {
    "name_th": "ไก่ย่าง",
    "name_en": "Grilled chicken",
    "category_id": "processed-food",
    "unit": "piece",
    "kg_per_unit": 1.2,
    "reference_value": 150,
    "shelf_life_days": 5,
    "counted_th": "ตัว",
}


async def add_goods(w: World, goods: dict[str, Any], persona: str = COORD) -> str:
    """Add the goods through the API, as a coordinator does; their new item id."""
    response = await w.post(persona, "/v1/items", goods)
    assert response.status_code == 201, response.text
    item_id: str = response.json()["id"]
    return item_id


def as_if_added_elsewhere() -> None:
    """This process forgets the goods it added: as a server process that another one's adding
    told nothing, it knows the shipped catalogue only until it reads the live one."""
    units.goods_known(None)
    assert units.counting_words().get("grilled-chicken") is None


def _as_item(item_id: str, goods: dict[str, Any]) -> CatalogueItem:
    weight = goods.get("kg_per_unit", 1.0)
    step = 1.0 if goods["unit"] == "piece" else 0.1
    return msgspec.convert(
        {**goods, "id": item_id, "kg_per_unit": weight, "quantity_step": step}, CatalogueItem
    )


# The live catalogue once both are added (barter.services.catalogue.current), for the pure readers'
# tests: the shipped goods in their order, then the added ones.
ADDED = (
    *load_catalogue(),
    _as_item("grilled-chicken", GRILLED_CHICKEN),
    _as_item("striped-snakehead", SNAKEHEAD),
)

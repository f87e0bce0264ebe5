from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from barter.domain.formats import CATALOGUE_ID
from barter.domain.model import Region
from barter.schemas.base import Input


class RegionOut(msgspec.Struct):
    code: str
    name_th: str
    name_en: str
    province_count: int


class ProvinceOut(msgspec.Struct):
    code: str
    name_th: str
    name_en: str
    region: str
    lat: float
    lon: float


class CategoryOut(msgspec.Struct):
    id: str
    name_th: str
    name_en: str
    item_count: int


CountedTh = Annotated[
    str | None,
    Meta(
        description="The counting word (ลักษณนาม) Thai says an amount of a piece item in, e.g. ฟอง for "
        "eggs (ไข่ไก่ 300 ฟอง), ลูก for coconuts, ผืน for woven cloth; null for an item weighed or "
        "measured, or counted in plain ชิ้น (pieces)",
        examples=["ฟอง"],
    ),
]


class ItemOut(msgspec.Struct):
    id: str
    category_id: str
    name_th: str
    name_en: str
    unit: str
    kg_per_unit: float
    shelf_life_days: int
    reference_value: float
    quantity_step: float = 0.0001
    version: int = 1
    counted_th: CountedTh = None


class Health(msgspec.Struct):
    status: str
    database: str
    version: str


class ValueSet(Input):
    """A reference value in baht per unit: national (no region; admins) or for one region."""

    value: Annotated[float, Meta(gt=0, le=1e7)]
    region: Region | None = None
    reason: Annotated[str, Meta(max_length=500)] | None = None


class ValueChange(msgspec.Struct):
    item_id: str
    region: str | None
    value: float
    version: int
    reason: str | None
    at: datetime


class RegionValue(msgspec.Struct):
    region: str
    value: float
    version: int
    updated_at: datetime


class ItemValues(msgspec.Struct):
    item_id: str
    reference_value: float
    version: int
    regions: list[RegionValue]
    changes: list[ValueChange]


class ItemNew(Input):
    """Goods the shipped catalogue lacks, added by a coordinator or an admin (ปลาทู, ข้าวโพด).

    The id is made from the English name (`mackerel`, or `item-N` where it has no Latin letters);
    the quantity step follows the unit (0.1 for kg and litres, whole pieces and packs)."""

    name_th: Annotated[str, Meta(min_length=1, max_length=60, description="The Thai name, e.g. ปลาทู")]
    category_id: Annotated[str, Meta(pattern=CATALOGUE_ID, description="The category, e.g. fish-seafood")]
    unit: Annotated[Literal["kg", "litre", "piece", "pack"], Meta(description="How it is counted")]
    reference_value: Annotated[float, Meta(gt=0, le=1e7, description="Baht per unit, for balancing")]
    shelf_life_days: Annotated[int, Meta(ge=1, le=3650, description="How many days it keeps")]
    name_en: Annotated[str, Meta(min_length=1, max_length=80, description="The English name")] | None = None
    kg_per_unit: (
        Annotated[
            float,
            Meta(
                gt=0, le=1000, description="Weight of one unit (kg; 1 for kg, required for pieces and packs)"
            ),
        ]
        | None
    ) = None
    synonyms_th: Annotated[
        list[Annotated[str, Meta(min_length=1, max_length=60)]],
        Meta(max_length=10, description="Other Thai names people use, e.g. ปลาทูนึ่ง"),
    ] = msgspec.field(default_factory=list)
    counted_th: (
        Annotated[
            str,
            Meta(min_length=1, max_length=10, description="A piece item's counting word, e.g. ตัว, ลูก, ฟอง"),
        ]
        | None
    ) = None


class ItemListed(ItemOut):
    """An item as the console's goods page lists it: with the other Thai names people call it by
    and, for goods the network added (not the shipped catalogue's), when it was added."""

    synonyms_th: list[str] = msgspec.field(default_factory=list)
    added_at: datetime | None = None

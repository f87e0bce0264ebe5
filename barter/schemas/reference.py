from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta

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

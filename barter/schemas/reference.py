from __future__ import annotations

import msgspec


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


class ItemOut(msgspec.Struct):
    id: str
    category_id: str
    name_th: str
    name_en: str
    unit: str
    kg_per_unit: float
    shelf_life_days: int
    reference_value: float


class Health(msgspec.Struct):
    status: str
    database: str
    version: str

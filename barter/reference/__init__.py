"""The reference figures shipped with barter: regions, provinces, sub-districts, catalogue.

Plain readers for code that needs the figures without a database (the synthetic market
generator, benchmarks, the demo). The service itself reads them from PostgreSQL.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Literal

import msgspec

DIR = Path(__file__).resolve().parent

# The regions' codes, as regions.json lists them (barter.domain.model re-exports them): here, below
# the domain, which reads the catalogue below (barter.domain.units), and must not be read back.
Region = Literal["north", "northeast", "central", "east", "west", "south"]
REGIONS: tuple[Region, ...] = ("north", "northeast", "central", "east", "west", "south")


class Province(msgspec.Struct, frozen=True):
    code: str
    name_th: str
    name_en: str
    region: Region  # checked when the figures load: a typo in provinces.json fails at once
    lat: float
    lon: float


class CatalogueItem(msgspec.Struct, frozen=True):
    id: str
    category_id: str
    name_th: str
    name_en: str
    unit: str
    kg_per_unit: float
    shelf_life_days: int
    reference_value: float
    quantity_step: float  # listings and transfers are multiples of it (1: the goods come whole)
    # Other Thai names people use for the item (ข้าวสาร for white rice); read by the LINE parser.
    synonyms_th: tuple[str, ...] = ()
    # The counting word (ลักษณนาม) Thai says a piece item's amount in: ไข่ไก่ 300 ฟอง, มะพร้าว
    # 100 ลูก (barter.domain.units.thai_unit_for); None: ชิ้น, as for every item not counted.
    counted_th: str | None = None

    def __post_init__(self) -> None:
        if self.counted_th is not None and self.unit != "piece":
            raise ValueError(f"{self.id}: only an item counted in pieces has a counting word (counted_th)")


@cache
def load_provinces() -> tuple[Province, ...]:
    raw: list[dict[str, Any]] = json.loads((DIR / "provinces.json").read_text(encoding="utf-8"))
    return tuple(msgspec.convert(p, Province) for p in raw)


@cache
def _catalogue_file() -> dict[str, list[dict[str, Any]]]:
    raw: dict[str, list[dict[str, Any]]] = json.loads((DIR / "catalogue.json").read_text(encoding="utf-8"))
    return raw


@cache
def load_catalogue() -> tuple[CatalogueItem, ...]:
    return tuple(msgspec.convert(i, CatalogueItem) for i in _catalogue_file()["items"])


@cache
def category_names_th() -> dict[str, str]:
    """Category id -> its Thai name (rice -> ข้าว), as the catalogue names it."""
    return {c["id"]: c["name_th"] for c in _catalogue_file()["categories"]}


BANGKOK = "10"  # its districts are เขต and sub-districts แขวง, elsewhere อำเภอ and ตำบล


class Subdistrict(msgspec.Struct, frozen=True):
    code: str
    province_code: str
    name_th: str
    name_en: str
    lat: float | None
    lon: float | None
    district_th: str  # its district's (อำเภอ) name: two sub-districts of one province may share one
    district_en: str


@cache
def load_subdistricts() -> tuple[Subdistrict, ...]:
    import csv

    with (DIR / "subdistricts.csv").open(encoding="utf-8") as f:
        return tuple(
            Subdistrict(
                code=row["code"],
                province_code=row["province_code"],
                name_th=row["name_th"],
                name_en=row["name_en"],
                lat=float(row["lat"]) if row["lat"] else None,
                lon=float(row["lon"]) if row["lon"] else None,
                district_th=row["district_th"],
                district_en=row["district_en"],
            )
            for row in csv.DictReader(f)
        )


@cache
def subdistricts_by_code() -> dict[str, Subdistrict]:
    return {s.code: s for s in load_subdistricts()}

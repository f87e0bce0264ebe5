from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

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
    synonyms_th: Annotated[
        list[str], Meta(description="Other Thai names people call the goods by, e.g. ข้าวสาร for white rice")
    ] = msgspec.field(default_factory=list)
    added_at: Annotated[
        datetime | None,
        Meta(
            description="When a coordinator or an admin added the goods (they correct them with PATCH); "
            "null for the shipped catalogue's goods"
        ),
    ] = None


class CommunityName(msgspec.Struct):
    id: int
    name_th: str | None
    name_en: str | None


class UnknownGoodsOut(msgspec.Struct):
    """Goods communities named that the catalogue lacks (ปลาช่อน before anyone added it), as the
    console's goods page lists them for coordinators: the word as last typed, how many times in
    all, by which communities (those the reader acts for), through which channels, when first and
    last."""

    word: str
    times: int
    communities: list[CommunityName]
    channels: list[Literal["line", "import"]]
    first_seen: datetime
    last_seen: datetime


class Health(msgspec.Struct):
    status: str
    database: str
    version: str


class ValueSet(Input):
    """A reference value in baht per unit: national (no region; admins) or for one region."""

    value: Annotated[float, Meta(ge=0.01, le=1e7, description="Baht per unit, to the satang (0.01)")]
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


# What adding goods and correcting them share: the words people call them by (NFC, each at most
# its length; checked again by the service: Thai, not taken, no control or invisible characters).
NameTh = Annotated[
    str, Meta(min_length=1, max_length=60, description="The Thai name, e.g. ปลาช่อน", examples=["ปลาช่อน"])
]
NameEn = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=80,
        description="The English name, e.g. Striped snakehead",
        examples=["Striped snakehead"],
    ),
]
# A correction's English name: "" (or null) clears it, and the goods are called by their Thai name
# in English again, as goods added with none are.
NameEnOrCleared = Annotated[
    str,
    Meta(
        max_length=80,
        description='The English name, e.g. Striped snakehead; null or "" clears it (the goods are then '
        "called by their Thai name in English, as goods added without one are)",
        examples=["Striped snakehead"],
    ),
]
SynonymsTh = Annotated[
    list[Annotated[str, Meta(min_length=1, max_length=60)]],
    Meta(max_length=10, description="Other Thai names people use, e.g. ปลาช่อนนึ่ง", examples=[["ปลาช่อนนึ่ง"]]),
]
CountingWord = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=10,
        description="A piece item's counting word, e.g. ตัว, ลูก, ฟอง",
        examples=["ตัว"],
    ),
]
ShelfLife = Annotated[int, Meta(ge=1, le=3650, description="How many days it keeps", examples=[3])]
KgPerUnit = Annotated[
    float,
    Meta(
        ge=0.0001,
        le=1000,
        description="Weight of one unit in kg (to 0.0001 kg; 1 for kg, required for pieces and packs)",
    ),
]


class ItemNew(Input):
    """Goods the shipped catalogue lacks, added by a coordinator or an admin (ปลาช่อน, ข้าวโพด).

    The id is made from the English name (`striped-snakehead`; `item-1`, `item-2`, ... where it has
    no Latin letters); the quantity step follows the unit (0.1 for kg and litres, whole pieces and
    packs). Goods with no English name are called by their Thai name in English too (`name_en`).
    Names are Thai (a Thai letter at least), with no control or invisible characters; spaces
    around them are dropped and runs of spaces inside become one."""

    name_th: NameTh
    category_id: Annotated[
        str,
        Meta(pattern=CATALOGUE_ID, description="The category, e.g. fish-seafood", examples=["fish-seafood"]),
    ]
    unit: Annotated[Literal["kg", "litre", "piece", "pack"], Meta(description="How it is counted")]
    reference_value: Annotated[
        float,
        Meta(
            ge=0.01, le=1e7, description="Baht per unit, for balancing (to the satang, 0.01)", examples=[90]
        ),
    ]
    shelf_life_days: ShelfLife
    name_en: NameEn | None = None
    kg_per_unit: KgPerUnit | None = None
    synonyms_th: SynonymsTh = msgspec.field(default_factory=list)
    counted_th: CountingWord | None = None


class ItemPatch(Input):
    """A correction to goods the network added (PATCH /v1/items/{item_id}, with If-Match): only the
    fields sent change. Their unit and category stay (listings count in them: post new goods
    instead); the shipped catalogue's goods are corrected in its file (409 `shipped_item`).
    `synonyms_th` replaces the whole list; `counted_th: null` drops the counting word; `name_en:
    null` (or "") drops the English name: the goods are called by their Thai name in English, and
    follow a new Thai name, as goods added without one do."""

    name_th: NameTh | UnsetType = UNSET
    name_en: NameEnOrCleared | UnsetType | None = UNSET
    synonyms_th: SynonymsTh | UnsetType = UNSET
    counted_th: CountingWord | UnsetType | None = UNSET
    shelf_life_days: ShelfLife | UnsetType = UNSET
    kg_per_unit: KgPerUnit | UnsetType = UNSET

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from barter.domain.formats import CATALOGUE_ID, DATE, UNIT
from barter.schemas.base import Input

Quantity = Annotated[float, Meta(gt=0, le=1e9, description="In the item's unit (or g/ml, converted)")]
MinLot = Annotated[float, Meta(ge=0, le=1e9, description="Smallest sensible transfer")]
Note = Annotated[str, Meta(max_length=1000)]
Id = Annotated[int, Meta(ge=1, le=2**62)]
Slug = Annotated[str, Meta(pattern=CATALOGUE_ID)]
InputUnit = Annotated[
    str,
    Meta(
        pattern=UNIT,
        description="kg, g, litre, l, ml, piece, pack, or as written in Thai: กก., กิโล, กิโลกรัม, กรัม, ลิตร, "
        "ชิ้น, ถุง, แพ็ค, ถาด",
    ),
]
OwnValue = Annotated[float, Meta(gt=0, le=1e7, description="The community's own value per unit, in baht")]
MinRatio = Annotated[
    float,
    Meta(gt=0, le=1e4, description="At least this many units of min_ratio_item_id for each unit of this"),
]
Calendar = Annotated[
    Literal["gregorian", "buddhist"],
    Meta(description="The era of the dates given: buddhist (2570 = 2027) or gregorian (the default)"),
]
Every = Literal["week", "month"]
# A date as given: ISO year-month-day in the era of the request's `calendar`. Kept as text until the
# era is known, because 29 February of a leap year (2028) is 2571-02-29 in the Buddhist era, a day
# that `date` (proleptic Gregorian) would refuse; barter.services.listings reads it.
DateIn = Annotated[
    str,
    Meta(
        pattern=DATE,
        description="YYYY-MM-DD, in the era of `calendar`",
        extra_json_schema={"format": "date"},
    ),
]


class OfferCreate(Input):
    """A new offer: what a community has.

    Cross-field rules (422 with the field's path): `min_lot` must not exceed `quantity` (both in
    the same unit, after conversion); `quantity` must be at least 0.0001 of the item's unit once
    converted. `available_until` must not be before `available_from`."""

    community_id: Id
    item_id: Slug
    quantity: Quantity
    unit: InputUnit | None = None
    min_lot: MinLot = 0.0
    available_from: DateIn | None = None
    available_until: DateIn | None = None
    gift: bool = False
    note: Note | None = None
    own_value: OwnValue | None = None
    min_ratio_item_id: Slug | None = None
    min_ratio: MinRatio | None = None
    recur_every: Every | None = None
    recur_quantity: Quantity | None = None
    recur_until: DateIn | None = None
    calendar: Calendar = "gregorian"


class OfferPatch(Input):
    """Changes to an offer; fields left out keep their value.

    Cross-field rules (422 with the field's path): `min_lot` must not exceed `quantity` (both in
    the same unit, after conversion); `quantity` must be at least 0.0001 of the item's unit once
    converted. `available_until` must not be before `available_from`; `quantity` must
    not go below what proposals hold or delivered (409 `below_held`). `item_id` moves the offer
    to another catalogue item (its unit and steps then apply) only while nothing of it is held or
    delivered (409 `item_held`)."""

    item_id: Slug | UnsetType = UNSET
    quantity: Quantity | UnsetType = UNSET
    unit: InputUnit | UnsetType = UNSET
    min_lot: MinLot | UnsetType = UNSET
    available_from: DateIn | UnsetType | None = UNSET
    available_until: DateIn | UnsetType | None = UNSET
    gift: bool | UnsetType = UNSET
    note: Note | UnsetType | None = UNSET
    own_value: OwnValue | UnsetType | None = UNSET
    min_ratio_item_id: Slug | UnsetType | None = UNSET
    min_ratio: MinRatio | UnsetType | None = UNSET
    calendar: Calendar = "gregorian"


class OfferOut(msgspec.Struct):
    id: int
    community_id: int
    community_name_th: str | None
    community_name_en: str | None
    province_code: str
    region: str
    item_id: str
    item_name_th: str
    item_name_en: str
    category_id: str
    unit: str
    quantity: float
    held: float
    delivered: float
    remaining: float
    min_lot: float
    available_from: date | None
    available_until: date | None
    gift: bool
    note: str | None
    status: str
    created_at: datetime
    updated_at: datetime
    version: int
    distance_km: float | None = None
    own_value: float | None = None
    min_ratio_item_id: str | None = None
    min_ratio: float | None = None
    quantity_step: float | None = None
    recur_every: str | None = None
    recur_quantity: float | None = None
    recur_until: date | None = None
    recur_next: date | None = None


class NeedCreate(Input):
    """A new need: one of `item_id`, `category_id` or `accept_offer_ids`.

    Cross-field rules (422 with the field's path): `min_lot` must not exceed `quantity` (both in
    the same unit, after conversion); `quantity` must be at least 0.0001 of the item's unit once
    converted."""

    community_id: Id
    quantity: Quantity
    item_id: Slug | None = None
    category_id: Slug | None = None
    accept_offer_ids: Annotated[list[Id], Meta(min_length=1, max_length=50)] | None = None
    unit: InputUnit | None = None
    min_lot: MinLot = 0.0
    needed_by: DateIn | None = None
    priority: Annotated[int, Meta(ge=1, le=5, description="5 = most urgent (food security)")] = 3
    max_distance_km: Annotated[float, Meta(gt=0, le=5000)] | None = None
    note: Note | None = None
    own_value: OwnValue | None = None
    calendar: Calendar = "gregorian"


class NeedPatch(Input):
    """Changes to a need; fields left out keep their value.

    Cross-field rules (422 with the field's path): `min_lot` must not exceed `quantity` (both in
    the same unit, after conversion); `quantity` must be at least 0.0001 of the item's unit once
    converted. `quantity` must not go below what proposals hold or delivered (409
    `below_held`). `item_id` moves a need that names an item to another one (its unit and steps
    then apply) only while nothing of it is held or delivered (409 `item_held`)."""

    item_id: Slug | UnsetType = UNSET
    quantity: Quantity | UnsetType = UNSET
    unit: InputUnit | UnsetType = UNSET
    min_lot: MinLot | UnsetType = UNSET
    needed_by: DateIn | UnsetType | None = UNSET
    priority: Annotated[int, Meta(ge=1, le=5)] | UnsetType = UNSET
    max_distance_km: Annotated[float, Meta(gt=0, le=5000)] | UnsetType | None = UNSET
    note: Note | UnsetType | None = UNSET
    own_value: OwnValue | UnsetType | None = UNSET
    calendar: Calendar = "gregorian"


class NeedOut(msgspec.Struct):
    id: int
    community_id: int
    community_name_th: str | None
    community_name_en: str | None
    province_code: str
    region: str
    item_id: str | None
    item_name_th: str | None
    item_name_en: str | None
    category_id: str | None
    accept_offer_ids: list[int] | None
    unit: str
    quantity: float
    held: float
    delivered: float
    remaining: float
    min_lot: float
    needed_by: date | None
    priority: int
    max_distance_km: float | None
    note: str | None
    status: str
    created_at: datetime
    updated_at: datetime
    version: int
    distance_km: float | None = None
    own_value: float | None = None
    quantity_step: float | None = None


Kind = Literal["offer", "need"]


@dataclass(frozen=True, slots=True)
class ListingFilter:
    region: str | None = None
    province_code: str | None = None
    category_id: str | None = None
    item_id: str | None = None
    community_id: int | None = None
    status: str = "open"
    q: str | None = None
    near_lat: float | None = None
    near_lon: float | None = None
    within_km: float | None = None

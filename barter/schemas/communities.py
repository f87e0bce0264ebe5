from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

from barter.domain.formats import PROVINCE_CODE, SUBDISTRICT_CODE
from barter.domain.model import CommunityKind
from barter.schemas.base import Input

Name = Annotated[str, Meta(min_length=1, max_length=200, description="Thai or English name")]
ProvinceCode = Annotated[str, Meta(pattern=PROVINCE_CODE, description="Official province code, e.g. 91")]
SubdistrictCode = Annotated[str, Meta(pattern=SUBDISTRICT_CODE, description="Sub-district (tambon) code")]
Lat = Annotated[float, Meta(ge=-90, le=90)]
Lon = Annotated[float, Meta(ge=-180, le=180)]
Contact = Annotated[str, Meta(max_length=500)]


class CommunityCreate(Input):
    kind: CommunityKind
    province_code: ProvinceCode
    name_th: Name | None = None
    name_en: Name | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    subdistrict_code: SubdistrictCode | None = None
    contact: Contact | None = None


class CommunityPatch(Input):
    name_th: Name | UnsetType | None = UNSET
    name_en: Name | UnsetType | None = UNSET
    kind: CommunityKind | UnsetType = UNSET
    province_code: ProvinceCode | UnsetType = UNSET
    lat: Lat | UnsetType = UNSET
    lon: Lon | UnsetType = UNSET
    subdistrict_code: SubdistrictCode | UnsetType | None = UNSET
    contact: Contact | UnsetType | None = UNSET


PointOut = Annotated[
    float | None,
    Meta(
        description="The community's own point; null unless the key may know it: the community's own "
        "key, a coordinator of its region, an admin, or a partner whose detail grant covers its region "
        "(everyone else reads its province)"
    ),
]
SubdistrictOut = Annotated[
    str | None,
    Meta(
        description="The community's sub-district (ตำบล) code; null when none was given, and for those "
        "who may not know its point (a sub-district places a village as nearly)"
    ),
]
ContactOut = Annotated[
    str | None,
    Meta(
        description="null when there is none, and unless the key acts for the community (its own key, "
        "a coordinator of its region, an admin)"
    ),
]


class CommunityOut(msgspec.Struct):
    id: int
    name_th: str | None
    name_en: str | None
    kind: str
    province_code: str
    province_name_th: str
    province_name_en: str
    region: str
    lat: PointOut
    lon: PointOut
    subdistrict_code: SubdistrictOut
    contact: ContactOut
    created_at: datetime
    updated_at: datetime
    version: int

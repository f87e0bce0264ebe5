from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar

import msgspec
from msgspec import Meta

from barter.domain.access import Role
from barter.domain.model import Region
from barter.schemas.base import Input
from barter.schemas.sms import PhoneNumber


class KeyCreate(Input):
    role: Role
    regions: Annotated[list[Region], Meta(max_length=6)] = []
    community_id: Annotated[int, Meta(ge=1, le=2**62)] | None = None
    name: Annotated[str, Meta(max_length=200)] = ""
    partner_detail: bool = False
    # coordinator keys: the number said in the SMS to its regions' communities (PUT .../phone changes it)
    phone: PhoneNumber | None = None


class KeyOut(msgspec.Struct):
    id: int
    name: str
    role: str
    regions: list[str]
    community_id: int | None
    partner_detail: bool
    prefix: str
    # a coordinator's own number, said in the SMS its region's communities are sent (0XXXXXXXXX)
    phone: str | None
    created_at: datetime
    revoked_at: datetime | None


class KeyPhone(Input):
    """A coordinator's phone number for the SMS its region's communities are sent (members without
    a smartphone call it to answer a proposal or to stop SMS); null removes it."""

    phone: PhoneNumber | None


class KeyCreated(KeyOut):
    key: str = ""

    shown_once: ClassVar[tuple[str, ...]] = ("key",)  # only its HMAC is kept

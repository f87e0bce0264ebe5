"""SMS consent: the number a community is texted at, and its explicit opt-in or opt-out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta

from barter.schemas.base import Input

PhoneNumber = Annotated[
    str,
    Meta(
        min_length=9,
        max_length=20,
        pattern=r"^[0-9+\s().-]+$",
        description="A Thai mobile number: 0812345678, 081-234-5678 or +66 81 234 5678",
    ),
]


class SmsConsentIn(Input):
    """`consent: true` with a number opts the community in; `consent: false` opts it out (the
    number is kept, and nothing more is texted to it)."""

    consent: bool
    number: PhoneNumber | None = None


class SmsConsentOut(msgspec.Struct):
    community_id: int
    number: str | None  # as texted: 0XXXXXXXXX
    opted_in: bool
    consented_at: datetime | None
    opted_out_at: datetime | None
    updated_at: datetime | None
    version: int

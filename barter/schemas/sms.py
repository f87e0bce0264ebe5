"""SMS consent: the number a community is texted at, and its explicit opt-in or opt-out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta

from barter.schemas.base import Input

# Checked by the service (barter.domain.phone), which refuses a number that is not a Thai mobile
# with a code the channels word in Thai, rather than here by a pattern whose message is a regex.
PhoneNumber = Annotated[
    str,
    Meta(
        max_length=40,
        description="A Thai mobile number: 0812345678, 081-234-5678, +66 81 234 5678 or in Thai digits",
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

"""SMS consent: a community (or a coordinator of its region, or an admin) records the number it
wants notices texted to and its explicit consent, and may opt out at any time (also from its
LINE chat). Notices go by SMS only to a community opted in; the free-text `contact` is never
texted. Every change is audited."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec

from barter.domain.access import Caller, require_acts_for
from barter.domain.errors import FieldError, ValidationFailed
from barter.domain.phone import mobile_in
from barter.schemas.sms import SmsConsentIn, SmsConsentOut
from barter.storage.repos import audit
from barter.storage.repos import communities as communities_repo
from barter.storage.repos import sms_consents as repo


def _out(community_id: int, row: asyncpg.Record | None) -> SmsConsentOut:
    if row is None:
        return SmsConsentOut(community_id, None, False, None, None, None, 0)
    return SmsConsentOut(**dict(row))


async def get(conn: asyncpg.Connection, caller: Caller, community_id: int) -> SmsConsentOut:
    """The number is personal: those who act for the community read it, nobody else."""
    require_acts_for(caller, await communities_repo.ref(conn, community_id))
    return _out(community_id, await repo.get(conn, community_id))


async def record(
    conn: asyncpg.Connection, caller: Caller, community_id: int, data: SmsConsentIn, now: datetime
) -> SmsConsentOut:
    community = require_acts_for(caller, await communities_repo.ref(conn, community_id))
    before = _out(community_id, await repo.get(conn, community_id))
    if data.consent:
        if data.number is None:
            raise ValidationFailed(
                [FieldError("number", "consent to SMS needs the number to text", code="required")]
            )
        number = mobile_in("number", data.number)
        row = await repo.opt_in(conn, community_id, number, caller.key_id, now)
        action = "opt_in"
    else:
        if data.number is not None:
            mobile_in("number", data.number)
        opted_out = await repo.opt_out(conn, community_id, caller.key_id, now)
        if opted_out is None:  # not opted in: nothing changes, nothing to audit
            return before
        row, action = opted_out, "opt_out"
    after = _out(community_id, row)
    await audit.record(
        conn,
        caller,
        action=action,
        entity="sms_consent",
        entity_id=community_id,
        community_id=community_id,
        region=community.region,
        before=msgspec.to_builtins(before),
        after=msgspec.to_builtins(after),
    )
    return after

"""API keys: created by admins (or the `barter keys` command on the server), shown once, revocable.
A coordinator's key carries its phone number (set by the coordinator or an admin), which the SMS to
its region's communities says."""

from __future__ import annotations

import asyncpg
import msgspec

from barter.domain.access import Caller, require_role
from barter.domain.errors import FieldError, NotFound, ValidationFailed
from barter.domain.keys import generate_key
from barter.domain.phone import mobile_in
from barter.schemas.keys import KeyCreate, KeyCreated, KeyOut, KeyPhone
from barter.storage.repos import audit
from barter.storage.repos import communities as communities_repo
from barter.storage.repos import keys as repo

# Refused on a key that is not a coordinator's, as it is made or changed.
_PHONE_NOT_FOR_ROLE = FieldError(
    "phone", "only a coordinator's key carries a phone number", code="not_for_role"
)


def key_out(row: asyncpg.Record) -> KeyOut:
    return KeyOut(**dict(row))


async def create(conn: asyncpg.Connection, caller: Caller | None, secret: str, data: KeyCreate) -> KeyCreated:
    """`caller` is None for the command line, which runs with the server's own authority."""
    if caller is not None:
        require_role(caller, "admin")
    errors: list[FieldError] = []
    if data.role == "coordinator" and not data.regions:
        errors.append(FieldError("regions", "a coordinator key needs at least one region", code="required"))
    if data.role in ("admin", "community") and data.regions:
        errors.append(FieldError("regions", f"a {data.role} key takes no regions", code="not_for_role"))
    if data.role == "community":
        if data.community_id is None:
            errors.append(FieldError("community_id", "a community key needs its community", code="required"))
        elif await communities_repo.ref(conn, data.community_id) is None:
            errors.append(FieldError("community_id", "no community with this id", code="unknown"))
    elif data.community_id is not None:
        errors.append(FieldError("community_id", "only community keys name a community", code="not_for_role"))
    if data.partner_detail and data.role != "partner":
        errors.append(FieldError("partner_detail", "only partner keys carry grants", code="not_for_role"))
    phone = None
    if data.phone is not None and data.role != "coordinator":
        errors.append(_PHONE_NOT_FOR_ROLE)
    elif data.phone is not None:
        try:
            phone = mobile_in("phone", data.phone)
        except ValidationFailed as refused:
            errors += refused.errors
    if errors:
        raise ValidationFailed(errors)
    key = generate_key()
    row = await repo.insert_key(
        conn,
        secret=secret,
        key=key,
        name=data.name,
        role=data.role,
        regions=list(data.regions),
        community_id=data.community_id,
        partner_detail=data.partner_detail,
        phone=phone,
        created_by=None if caller is None else caller.key_id,
    )
    out = key_out(row)
    await audit.record(
        conn,
        caller,
        action="create",
        entity="api_key",
        entity_id=out.id,
        community_id=out.community_id,
        after=msgspec.to_builtins(out),
    )
    return KeyCreated(**msgspec.structs.asdict(out), key=key)


async def authenticate(conn: asyncpg.Connection, secret: str, key: str) -> Caller | None:
    """The caller a presented key stands for; None when it is unknown or revoked."""
    return await repo.find_caller(conn, secret, key)


async def list_keys(conn: asyncpg.Connection, caller: Caller | None) -> list[KeyOut]:
    if caller is not None:
        require_role(caller, "admin")
    return [key_out(r) for r in await repo.list_keys(conn)]


async def revoke(conn: asyncpg.Connection, caller: Caller | None, key_id: int) -> KeyOut:
    if caller is not None:
        require_role(caller, "admin")
    before = await repo.get_key(conn, key_id)
    if before is None:
        raise NotFound("No key with that id")
    row = await repo.revoke_key(conn, key_id)
    assert row is not None
    out = key_out(row)
    if before["revoked_at"] is None:
        await audit.record(
            conn,
            caller,
            action="revoke",
            entity="api_key",
            entity_id=key_id,
            community_id=out.community_id,
            before=msgspec.to_builtins(key_out(before)),
            after=msgspec.to_builtins(out),
        )
    return out


async def own(conn: asyncpg.Connection, caller: Caller) -> KeyOut:
    """The caller's own key (never the key itself): what the console's "my details" page shows a
    coordinator, its phone number among it, or an admin. Community and partner keys 403."""
    require_role(caller, "admin", "coordinator")
    row = await repo.get_key(conn, caller.key_id)
    if row is None:
        raise NotFound("No key with that id")
    return key_out(row)


async def set_phone(conn: asyncpg.Connection, caller: Caller, key_id: int, data: KeyPhone) -> KeyOut:
    """A coordinator key's phone number (null removes it): the coordinator itself, or an admin.
    Another coordinator's key answers 404, as another tenant's objects do; community and partner
    keys 403 (they never read a coordinator's number, only hear it in the SMS they are sent)."""
    require_role(caller, "admin", "coordinator")
    before = await repo.get_key(conn, key_id)
    if before is None or (not caller.is_admin and key_id != caller.key_id):
        raise NotFound("No key with that id")
    if before["role"] != "coordinator":
        raise ValidationFailed([_PHONE_NOT_FOR_ROLE])
    phone = None if data.phone is None else mobile_in("phone", data.phone)
    if phone == before["phone"]:
        return key_out(before)
    row = await repo.set_phone(conn, key_id, phone)
    assert row is not None
    changed = {"before": key_out(before), "after": key_out(row)}
    await audit.record(
        conn, caller, action="set_phone", entity="api_key", entity_id=key_id, **msgspec.to_builtins(changed)
    )
    return changed["after"]


async def region_phones(conn: asyncpg.Connection, caller: Caller, regions: list[str]) -> dict[str, str]:
    """Region -> the number its communities are told to call (a coordinator of it: the view
    region_phones), for a coordinator or an admin; community and partner keys are told none, as
    coordinators' numbers are never answered to them."""
    if caller.role not in ("coordinator", "admin"):
        return {}
    return await repo.region_phones(conn, sorted(set(regions)))

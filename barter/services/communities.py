"""Communities: created by admins anywhere and coordinators in their regions; edited by themselves too."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import asyncpg
import msgspec

from barter.domain.access import Caller, require_acts_for, require_region, require_role
from barter.domain.errors import FieldError, Forbidden, NotFound, StaleVersion, ValidationFailed
from barter.schemas.communities import CommunityCreate, CommunityOut, CommunityPatch
from barter.schemas.proposals import AccountLine, AccountOut, AccountTotals
from barter.storage import reference
from barter.storage.repos import audit
from barter.storage.repos import communities as repo
from barter.storage.repos import proposals as proposals_repo


def to_out(row: asyncpg.Record, caller: Caller) -> CommunityOut:
    """The community as `caller` may read it: its contact only where `Caller.sees_contact`, its
    point (lat, lon) and its sub-district (which places a village as nearly) only where
    `Caller.sees_point` (the rule the console's maps follow); the others read null there, and the
    province it is in."""
    values = dict(row)
    if not caller.sees_contact(values["id"], values["region"]):
        values["contact"] = None
    if not caller.sees_point(values["id"], values["region"]):
        values["lat"] = values["lon"] = values["subdistrict_code"] = None
    return CommunityOut(**values)


def _blank(value: str | None) -> bool:
    return value is not None and not value.strip()


def name_errors(values: dict[str, Any]) -> list[FieldError]:
    """The rule of a community's names (a name in Thai or English, neither blank), with the names
    stripped in `values`: checked with the rest of a form, so that a form left empty is told every
    field it lacks at once, not the names on the next try."""
    errors: list[FieldError] = []
    for name in ("name_th", "name_en"):
        if _blank(values.get(name)):
            errors.append(FieldError(name, "must not be blank", code="required"))
        elif values.get(name) is not None:
            values[name] = values[name].strip()
    if not values.get("name_th") and not values.get("name_en"):
        errors.append(FieldError("name_th", "give name_th or name_en (or both)", code="name_needed"))
    return errors


async def _check(conn: asyncpg.Connection, values: dict[str, Any]) -> dict[str, Any]:
    """Cross-field rules; returns the values with lat/lon defaulted. Raises with every problem."""
    errors = name_errors(values)
    province = await reference.get_province(conn, values["province_code"])
    if province is None:
        errors.append(FieldError("province_code", "no province with this code", code="unknown"))
    if (values["lat"] is None) != (values["lon"] is None):
        errors.append(
            FieldError(
                "lat" if values["lat"] is None else "lon", "give lat and lon together", code="together"
            )
        )
    if values["subdistrict_code"] is not None:
        sub = await reference.get_subdistrict(conn, values["subdistrict_code"])
        if sub is None:
            errors.append(FieldError("subdistrict_code", "no sub-district with this code", code="unknown"))
        elif sub["province_code"] != values["province_code"]:
            errors.append(
                FieldError(
                    "subdistrict_code", "this sub-district is in another province", code="other_province"
                )
            )
    if errors:
        raise ValidationFailed(errors)
    assert province is not None
    if values["lat"] is None:
        values["lat"], values["lon"] = province["lat"], province["lon"]
    values["region"] = province["region"]
    return values


async def create(conn: asyncpg.Connection, caller: Caller, data: CommunityCreate) -> CommunityOut:
    require_role(caller, "admin", "coordinator")
    values = await _check(conn, msgspec.structs.asdict(data))
    require_region(caller, values.pop("region"))
    row = await repo.insert(conn, **values)
    out = to_out(row, caller)
    await audit.record(
        conn,
        caller,
        action="create",
        entity="community",
        entity_id=out.id,
        community_id=out.id,
        region=out.region,
        after=msgspec.to_builtins(out),
    )
    return out


async def get(conn: asyncpg.Connection, caller: Caller, community_id: int) -> CommunityOut:
    row = await repo.get(conn, community_id)
    if row is None:
        raise NotFound("No community with that id")
    return to_out(row, caller)


async def get_many(
    conn: asyncpg.Connection, caller: Caller, community_ids: Iterable[int]
) -> list[CommunityOut]:
    """The communities with these ids that exist, as `get` gives each (contacts as the caller may
    see them), read in one statement however many ids."""
    return [to_out(row, caller) for row in await repo.get_many(conn, sorted(set(community_ids)))]


async def update(
    conn: asyncpg.Connection, caller: Caller, community_id: int, version: int | None, data: CommunityPatch
) -> CommunityOut:
    row = await repo.get(conn, community_id, for_update=True)
    require_acts_for(caller, None if row is None else repo.ref_of(row))
    assert row is not None
    if version is not None and row["version"] != version:
        raise StaleVersion(f"The community changed since you read it (now version {row['version']})")
    before = to_out(row, caller)
    current = {
        k: row[k]
        for k in ("name_th", "name_en", "kind", "province_code", "lat", "lon", "subdistrict_code", "contact")
    }
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    if "province_code" in changes and not ({"lat", "lon"} & changes.keys()):
        # Moving province without a new point: take the new province's centroid.
        changes["lat"] = changes["lon"] = None
    values = await _check(conn, {**current, **changes})
    region = values.pop("region")
    if region != before.region:
        require_region(caller, region)
    updated = await repo.update(conn, community_id, **values)
    out = to_out(updated, caller)
    await audit.record(
        conn,
        caller,
        action="update",
        entity="community",
        entity_id=community_id,
        community_id=community_id,
        region=out.region,
        before=msgspec.to_builtins(before),
        after=msgspec.to_builtins(out),
    )
    return out


async def account(conn: asyncpg.Connection, caller: Caller, community_id: int) -> AccountOut:
    """The community's ledger: gave and received, by month and item, with totals."""
    row = await repo.get(conn, community_id)
    if caller.role == "partner":
        raise Forbidden("Partners read accounts through their grants' exports")
    if row is None or not caller.acts_for(row["id"], row["region"]):
        raise NotFound("No community you can act for with that id")
    lines = [AccountLine(**dict(r)) for r in await proposals_repo.account(conn, community_id)]
    by_item: dict[str, AccountLine] = {}
    for line in lines:
        total = by_item.get(line.item_id)
        if total is None:
            by_item[line.item_id] = msgspec.structs.replace(line, month="all")
        else:
            by_item[line.item_id] = msgspec.structs.replace(
                total,
                gave_quantity=total.gave_quantity + line.gave_quantity,
                gave_value=total.gave_value + line.gave_value,
                received_quantity=total.received_quantity + line.received_quantity,
                received_value=total.received_value + line.received_value,
                exchanges=total.exchanges + line.exchanges,
                planned_gave_quantity=total.planned_gave_quantity + line.planned_gave_quantity,
                planned_received_quantity=total.planned_received_quantity + line.planned_received_quantity,
            )
    gave = round(sum(line.gave_value for line in lines), 2)
    received = round(sum(line.received_value for line in lines), 2)
    exchanges = await proposals_repo.count_exchanges(conn, community_id)
    return AccountOut(
        community_id=community_id,
        lines=lines,
        by_item=sorted(by_item.values(), key=lambda line: line.item_id),
        totals=AccountTotals(
            gave_value=gave, received_value=received, balance=round(received - gave, 2), exchanges=exchanges
        ),
    )

"""The catalogue's reference values: admins set national ones and any region's, coordinators their
regions'. Every change is versioned and audited; proposals keep the value they used on each transfer."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from barter.domain.access import Caller, require_writer
from barter.domain.errors import Forbidden, NotFound, StaleVersion
from barter.schemas.reference import ItemValues, RegionValue, ValueChange, ValueSet
from barter.storage import reference
from barter.storage.repos import audit
from barter.storage.repos import catalogue as repo


async def values(conn: asyncpg.Connection, item_id: str) -> ItemValues:
    item = await reference.get_item(conn, item_id)
    if item is None:
        raise NotFound("No item with that id")
    return ItemValues(
        item_id=item_id,
        reference_value=item["reference_value"],
        version=item["version"],
        regions=[RegionValue(**dict(r)) for r in await repo.region_values(conn, item_id)],
        changes=[ValueChange(**dict(r)) for r in await repo.changes(conn, item_id)],
    )


async def set_value(
    conn: asyncpg.Connection, caller: Caller, item_id: str, data: ValueSet, now: datetime, version: int | None
) -> ItemValues:
    require_writer(caller)
    if data.region is None and not caller.is_admin:
        raise Forbidden("Only an admin sets a national reference value; a coordinator sets its regions'")
    if data.region is not None and not caller.covers_region(data.region):
        raise Forbidden(f"Your key does not cover the {data.region} region")
    item = await reference.get_item(conn, item_id)
    if item is None:
        raise NotFound("No item with that id")
    before = await repo.current(conn, item_id, data.region)
    current_version: int = item["version"] if data.region is None else before["version"]
    if version is not None and version != current_version:
        raise StaleVersion(f"The value changed since you read it (now version {current_version})")
    new_version = await repo.set_value(conn, item_id, data.region, data.value)
    assert new_version is not None
    await repo.record_change(
        conn, item_id, data.region, data.value, new_version, caller.key_id, data.reason, now
    )
    await audit.record(
        conn,
        caller,
        action="set_value",
        entity="item",
        entity_id=item_id,
        region=data.region,
        before={"value": before["value"], "version": current_version},
        after={"value": data.value, "version": new_version, "region": data.region},
        reason=data.reason,
    )
    return await values(conn, item_id)

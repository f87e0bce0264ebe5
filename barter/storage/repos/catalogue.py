"""Reference values of the catalogue: national and regional, with every change kept."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import asyncpg

from barter.storage.repos import one
from barter.storage.sql import query

# One advisory lock id ("bart" + 4) for the catalogue's names: adding or renaming goods, and loading
# the catalogue file, hold it until their transaction ends.
CATALOGUE_NAMES_LOCK = 0x62617274_00000004


def _rounded(value: float, places: str) -> Decimal:
    """`value` as a person reads it (2.675 as written, not the binary 2.67499...), rounded half up:
    a reference value of 2.675 baht is kept as 2.68, as anyone rounds it."""
    return Decimal(repr(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _baht(value: float) -> Decimal:
    return _rounded(value, "0.01")


def _kg(kg_per_unit: float) -> Decimal:
    return _rounded(kg_per_unit, "0.0001")


async def set_value(conn: asyncpg.Connection, item_id: str, region: str | None, value: float) -> int | None:
    """The new version of the value (national when `region` is None); None when no such item."""
    amount = _baht(value)
    if region is None:
        version: int | None = await conn.fetchval(query("set_national_value"), item_id, amount)
    else:
        version = await conn.fetchval(query("set_region_value"), item_id, region, amount)
    return version


async def current(conn: asyncpg.Connection, item_id: str, region: str | None) -> asyncpg.Record:
    return await one(conn, query("current_value"), item_id, region)


async def record_change(
    conn: asyncpg.Connection,
    item_id: str,
    region: str | None,
    value: float,
    version: int,
    key_id: int,
    reason: str | None,
    at: datetime,
) -> None:
    await conn.execute(
        query("insert_value_change"), item_id, region, _baht(value), version, key_id, reason, at
    )


async def changes(conn: asyncpg.Connection, item_id: str) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("value_changes"), item_id)
    return rows


async def region_values(conn: asyncpg.Connection, item_id: str) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("region_values"), item_id)
    return rows


async def entries(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Every item with its Thai words, the shipped catalogue first in its order (catalogue_entries)."""
    rows: list[asyncpg.Record] = await conn.fetch(query("catalogue_entries"))
    return rows


async def lock_names(conn: asyncpg.Connection) -> None:
    """Hold the catalogue's names until the transaction ends (lock_catalogue_names): two adds or
    renames of goods never both take the same Thai name or synonym."""
    await conn.execute(query("lock_catalogue_names"), CATALOGUE_NAMES_LOCK)


async def insert_item(
    conn: asyncpg.Connection,
    *,
    item_id: str,
    category_id: str,
    name_th: str,
    name_en: str,
    unit: str,
    kg_per_unit: float,
    shelf_life_days: int,
    reference_value: float,
    quantity_step: float,
    synonyms_th: list[str],
    counted_th: str | None,
    added_by: int,
    added_at: datetime,
) -> Literal["added", "id_taken", "name_taken"]:
    """Add an item the network names. In a savepoint: a Thai name another item took meanwhile
    (items_name_th) leaves the caller's transaction usable."""
    try:
        async with conn.transaction():
            added = await conn.fetchval(
                query("insert_network_item"),
                item_id,
                category_id,
                name_th,
                name_en,
                unit,
                _kg(kg_per_unit),
                shelf_life_days,
                _baht(reference_value),
                _kg(quantity_step),
                synonyms_th,
                counted_th,
                added_by,
                added_at,
            )
    except asyncpg.UniqueViolationError as exc:
        if exc.constraint_name != "items_name_th":
            raise
        return "name_taken"
    return "added" if added is not None else "id_taken"


async def item_for_update(conn: asyncpg.Connection, item_id: str) -> asyncpg.Record | None:
    """The item, locked until the transaction ends, with who added it (None: shipped)."""
    row: asyncpg.Record | None = await conn.fetchrow(query("item_for_update"), item_id)
    return row


async def update_item(
    conn: asyncpg.Connection,
    item_id: str,
    *,
    name_th: str,
    name_en: str,
    synonyms_th: list[str],
    counted_th: str | None,
    shelf_life_days: int,
    kg_per_unit: float,
) -> bool:
    """Correct goods the network added (a new version); False, in a savepoint, when another item
    holds the Thai name (items_name_th)."""
    try:
        async with conn.transaction():
            await conn.execute(
                query("update_network_item"),
                item_id,
                name_th,
                name_en,
                synonyms_th,
                counted_th,
                shelf_life_days,
                _kg(kg_per_unit),
            )
    except asyncpg.UniqueViolationError as exc:
        if exc.constraint_name != "items_name_th":
            raise
        return False
    return True

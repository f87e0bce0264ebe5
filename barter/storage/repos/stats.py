"""Aggregates over the listings, for partners and coordinators (the cells are suppressed upstream)."""

from __future__ import annotations

from typing import Literal

import asyncpg

from barter.storage.sql import query

GroupBy = Literal["region", "province", "category", "item", "month"]

# group_by -> the cell's key, labels and order, from the columns of `supply_demand_listings`
_CELLS: dict[str, str] = {
    "region": "region AS key, region_th AS label_th, region_en AS label_en, "
    "lpad(region_position::text, 4, '0') AS sort_key",
    "province": "province AS key, province_th AS label_th, province_en AS label_en, province AS sort_key",
    "category": "category AS key, category_th AS label_th, category_en AS label_en, "
    "lpad(category_position::text, 4, '0') AS sort_key",
    "item": "item AS key, item_th AS label_th, item_en AS label_en, "
    "lpad(category_position::text, 4, '0') || item AS sort_key",
    "month": "month AS key, month AS label_th, month AS label_en, month AS sort_key",
}


async def supply_demand(
    conn: asyncpg.Connection, group_by: GroupBy, regions: list[str] | None
) -> list[asyncpg.Record]:
    """Per cell: a row with its distinct communities (side NULL), then rows per side and unit."""
    rows: list[asyncpg.Record] = await conn.fetch(query("supply_demand", cell=_CELLS[group_by]), regions)
    return rows

"""Aggregates over listings and exchanges, for partners and coordinators (small cells are suppressed
upstream)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import asyncpg

from barter.schemas.stats import ExchangeGroupBy, GroupBy
from barter.storage.sql import query

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


# group_by -> the cell's key, labels and order, from the columns of `exchange_cells`
_EXCHANGE_CELLS: dict[str, str] = {
    "all": "'all' AS key, 'ทั้งหมด' AS label_th, 'All' AS label_en, '' AS sort_key",
    "region": _CELLS["region"],
    "month": _CELLS["month"],
}


@dataclass(frozen=True, slots=True)
class ExchangeRows:
    cells: list[asyncpg.Record]
    """One row per cell: communities, counts by state, values, approval times, endings."""
    lengths: list[asyncpg.Record]
    """(key, kind, participants, proposals)"""
    reasons: list[asyncpg.Record]
    """(key, action, reason, proposals), the most frequent first; empty unless asked for."""


async def exchanges(
    conn: asyncpg.Connection,
    group_by: ExchangeGroupBy,
    regions: list[str] | None,
    since: date | None,
    until: date | None,
    *,
    reasons: int,
) -> ExchangeRows:
    """Proposals created on the Thai dates since..until in the regions (None: all), per cell;
    `reasons`: how many verbatim reasons to read per cell (0: none)."""
    cell = _EXCHANGE_CELLS[group_by]
    args = (regions, since, until)
    return ExchangeRows(
        cells=await conn.fetch(query("exchange_stats", cell=cell), *args),
        lengths=await conn.fetch(query("exchange_lengths", cell=cell), *args),
        reasons=await conn.fetch(query("exchange_reasons", cell=cell), *args, reasons) if reasons else [],
    )

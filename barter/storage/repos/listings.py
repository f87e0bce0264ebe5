"""Offers and needs: the two kinds of listing share their shape, queries and visibility rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

from barter.domain.access import Caller
from barter.schemas.listings import Kind, ListingFilter
from barter.storage.repos import one
from barter.storage.sql import contains_pattern, query

# sort name -> (column without alias, SQL type for the cursor value, direction)
SORTS: dict[str, tuple[str, str, str]] = {
    "-created_at": ("created_at", "timestamptz", "DESC"),
    "created_at": ("created_at", "timestamptz", "ASC"),
    "-remaining": ("remaining", "numeric", "DESC"),
    "remaining": ("remaining", "numeric", "ASC"),
    "distance": ("distance_km", "float8", "ASC"),
}


def _alias(kind: Kind) -> str:
    return "o" if kind == "offer" else "n"


def _list_query(kind: Kind, sort: str) -> str:
    column, sql_type, direction = SORTS[sort]
    key = "d.distance_km" if column == "distance_km" else f"{_alias(kind)}.{column}"
    return query(
        f"list_{kind}s",
        sort_key=key,
        sort_type=sql_type,
        sort_dir=direction,
        sort_cmp="<" if direction == "DESC" else ">",
    )


def cursor_param(sort: str, value: Any) -> Any:
    """The cursor's sort value as the type its query compares with."""
    sql_type = SORTS[sort][1]
    if value is None:
        return None
    if sql_type == "numeric":
        return Decimal(str(value))
    return value


def list_statement(
    kind: Kind,
    caller: Caller,
    flt: ListingFilter,
    *,
    sort: str,
    after: tuple[Any, int] | None,
    limit: int | None,
) -> tuple[str, list[Any]]:
    """The list query and its arguments; `limit=None` reads every match (exports stream it)."""
    after_value, after_id = after if after is not None else (None, None)
    points = caller.point_scope()
    args = [
        flt.region,
        flt.province_code,
        flt.category_id,
        flt.item_id,
        flt.community_id,
        flt.status,
        contains_pattern(flt.q),
        flt.near_lat,
        flt.near_lon,
        flt.within_km,
        caller.is_admin,
        sorted(caller.regions) if caller.role == "coordinator" else [],
        caller.community_id if caller.role == "community" else None,
        cursor_param(sort, after_value),
        after_id,
        limit,
        points.every,
        sorted(points.regions),
        points.community_id,
    ]
    return _list_query(kind, sort), args


async def list_page(
    conn: asyncpg.Connection,
    kind: Kind,
    caller: Caller,
    flt: ListingFilter,
    *,
    sort: str,
    after: tuple[Any, int] | None,
    limit: int,
) -> list[asyncpg.Record]:
    sql, args = list_statement(kind, caller, flt, sort=sort, after=after, limit=limit)
    rows: list[asyncpg.Record] = await conn.fetch(sql, *args)
    return rows


async def get(conn: asyncpg.Connection, kind: Kind, listing_id: int, *, for_update: bool = False) -> Any:
    name = f"get_{kind}_for_update" if for_update else f"get_{kind}"
    return await conn.fetchrow(query(name), listing_id)


async def insert_offer(
    conn: asyncpg.Connection,
    *,
    community_id: int,
    item_id: str,
    quantity: float,
    min_lot: float,
    available_from: date | None,
    available_until: date | None,
    gift: bool,
    note: str | None,
    terms: dict[str, Any] | None = None,
    today: date | None = None,
) -> asyncpg.Record:
    """`terms`: own_value, min_ratio_item_id, min_ratio, recur_every, recur_quantity, recur_until.
    `today` (today's Thai date on the service's clock) starts a recurring offer available at once."""
    terms = terms or {}
    if terms.get("recur_every") is not None and available_from is None and today is None:
        raise ValueError("a recurring offer available at once needs today's date to count from")
    return await one(
        conn,
        query("insert_offer"),
        community_id,
        item_id,
        Decimal(str(quantity)),
        Decimal(str(min_lot)),
        available_from,
        available_until,
        gift,
        note,
        _num(terms.get("own_value")),
        terms.get("min_ratio_item_id"),
        _num(terms.get("min_ratio")),
        terms.get("recur_every"),
        _num(terms.get("recur_quantity")),
        terms.get("recur_until"),
        today,
    )


def _num(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


async def update_offer(conn: asyncpg.Connection, offer_id: int, values: dict[str, Any]) -> asyncpg.Record:
    return await one(
        conn,
        query("update_offer"),
        offer_id,
        values["item_id"],
        Decimal(str(values["quantity"])),
        Decimal(str(values["min_lot"])),
        values["available_from"],
        values["available_until"],
        values["gift"],
        values["note"],
        values["status"],
        _num(values.get("own_value")),
        values.get("min_ratio_item_id"),
        _num(values.get("min_ratio")),
    )


async def insert_need(conn: asyncpg.Connection, values: dict[str, Any]) -> asyncpg.Record:
    return await one(
        conn,
        query("insert_need"),
        values["community_id"],
        values["item_id"],
        values["category_id"],
        values["accept_offer_ids"],
        values["unit"],
        Decimal(str(values["quantity"])),
        Decimal(str(values["min_lot"])),
        values["needed_by"],
        values["priority"],
        values["max_distance_km"],
        values["note"],
        _num(values.get("own_value")),
    )


async def update_need(conn: asyncpg.Connection, need_id: int, values: dict[str, Any]) -> asyncpg.Record:
    return await one(
        conn,
        query("update_need"),
        need_id,
        values["item_id"],
        values["category_id"],
        values["accept_offer_ids"],
        values["unit"],
        Decimal(str(values["quantity"])),
        Decimal(str(values["min_lot"])),
        values["needed_by"],
        values["priority"],
        values["max_distance_km"],
        values["note"],
        values["status"],
        _num(values.get("own_value")),
    )


async def offers_by_id(conn: asyncpg.Connection, ids: list[int]) -> dict[int, asyncpg.Record]:
    rows = await conn.fetch(query("offers_exist"), ids)
    return {row["id"]: row for row in rows}


async def open_recurring(conn: asyncpg.Connection, today: date) -> list[int]:
    """One period of every recurring offer that is due by `today`; the ids opened."""
    return [r["id"] for r in await conn.fetch(query("open_recurring_offers"), today)]

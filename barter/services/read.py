"""The read side: the lists every channel pages through, each scoped to the caller.

Channels own the page's shape (cursors, links, HTML); these functions take a keyset position
(`before_id`/`after_id`, or a listing's `(sort value, id)`) and a `limit`, and return at most
`limit` results. Ask for one more than you show to learn whether another page follows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from barter.domain.access import Caller, require_role, require_row_level
from barter.schemas.audit import AuditEntry
from barter.schemas.communities import CommunityOut
from barter.schemas.listings import Kind, ListingFilter, NeedOut, OfferOut
from barter.schemas.proposals import ProposalOut, RunOut
from barter.schemas.reference import CategoryOut, ItemOut, ProvinceOut, RegionOut
from barter.services import communities, listings, proposals, runs
from barter.storage import reference
from barter.storage.repos import audit as audit_repo
from barter.storage.repos import communities as communities_repo
from barter.storage.repos import listings as listings_repo
from barter.storage.repos import proposals as proposals_repo
from barter.storage.repos import runs as runs_repo

# A listing sort -> the Python type of its cursor value.
SORT_VALUE_TYPES: dict[str, type] = {
    sort: {"timestamptz": datetime, "numeric": float, "float8": float}[sql_type]
    for sort, (_, sql_type, _) in listings_repo.SORTS.items()
}


async def audit_entries(
    conn: asyncpg.Connection,
    caller: Caller,
    *,
    entity: str | None,
    entity_id: str | None,
    community_id: int | None,
    before_id: int | None,
    limit: int,
) -> list[AuditEntry]:
    """The audit log, newest first (admins; coordinators see their regions)."""
    require_role(caller, "admin", "coordinator")
    rows = await audit_repo.list_entries(
        conn,
        caller,
        entity=entity,
        entity_id=entity_id,
        community_id=community_id,
        before_id=before_id,
        limit=limit,
    )
    return [AuditEntry(**dict(r)) for r in rows]


async def community_page(
    conn: asyncpg.Connection,
    caller: Caller,
    *,
    region: str | None,
    province_code: str | None,
    kind: str | None,
    q: str | None,
    after_id: int | None,
    limit: int,
) -> list[CommunityOut]:
    rows = await communities_repo.list_page(
        conn, region=region, province_code=province_code, kind=kind, q=q, after_id=after_id, limit=limit
    )
    return [communities.to_out(r, caller) for r in rows]


async def listing_page(
    conn: asyncpg.Connection,
    caller: Caller,
    kind: Kind,
    flt: ListingFilter,
    *,
    sort: str,
    after: tuple[Any, int] | None,
    limit: int,
) -> list[tuple[OfferOut | NeedOut, Any]]:
    """Offers or needs matching `flt` in `sort` order after the keyset `after` ((sort value, id));
    each with its sort value, which with its id is the position of the next page."""
    column = listings_repo.SORTS[sort][0]
    rows = await listings_repo.list_page(conn, kind, caller, flt, sort=sort, after=after, limit=limit)
    convert = listings.offer_out if kind == "offer" else listings.need_out
    return [(convert(r), r[column]) for r in rows]


async def proposal_page(
    conn: asyncpg.Connection,
    caller: Caller,
    *,
    run_id: int | None,
    status: str | None,
    region: str | None,
    community_id: int | None,
    before_id: int | None,
    limit: int,
) -> list[ProposalOut]:
    """Proposals the caller can see, newest first."""
    require_row_level(caller)
    rows = await proposals_repo.list_page(
        conn,
        caller,
        run_id=run_id,
        status=status,
        region=region,
        community_id=community_id,
        before_id=before_id,
        limit=limit,
    )
    return await proposals.load(conn, rows)


async def run_page(
    conn: asyncpg.Connection, caller: Caller, *, status: str | None, before_id: int | None, limit: int
) -> list[RunOut]:
    """Matching runs over the caller's regions, newest first (coordinators and admins)."""
    require_role(caller, "admin", "coordinator")
    rows = await runs_repo.list_page(conn, caller, status=status, before_id=before_id, limit=limit)
    return [runs.run_out(r) for r in rows]


async def regions(conn: asyncpg.Connection) -> list[RegionOut]:
    return [RegionOut(**dict(r)) for r in await reference.list_regions(conn)]


async def provinces(conn: asyncpg.Connection, region: str | None) -> list[ProvinceOut]:
    return [ProvinceOut(**dict(r)) for r in await reference.list_provinces(conn, region)]


async def categories(conn: asyncpg.Connection) -> list[CategoryOut]:
    return [CategoryOut(**dict(r)) for r in await reference.list_categories(conn)]


async def items(conn: asyncpg.Connection, category_id: str | None, q: str | None) -> list[ItemOut]:
    """The items, the shipped catalogue's and those the network added, each with its Thai counting
    word where it has one (the items table holds it: loaded from barter/reference/catalogue.json,
    or given when the goods were added)."""
    return [ItemOut(**dict(r)) for r in await reference.list_items(conn, category_id, q)]

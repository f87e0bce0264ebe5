"""Goods communities named that the catalogue lacks (ปลาช่อน before anyone added it): the list the
console's goods page shows coordinators, read by the same use case (barter/services/unknown_goods.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, get
from msgspec import Meta

from barter.api.auth import SECURITY, CallerDep
from barter.api.deps import Conn
from barter.api.http import Cursor, Limit, decode_cursor, encode_cursor
from barter.api.openapi import problems
from barter.api.schemas import Page
from barter.schemas.reference import UnknownGoodsOut
from barter.services import unknown_goods

SORT = "times"  # the cursor's sort: the most named first, then the last named
# What a cursor holds besides the first id: a count a word can have (the column is an integer), when last.
Position = tuple[Annotated[int, Meta(ge=1, le=2**31 - 1)], datetime]


class UnknownGoodsController(Controller):
    path = "/v1/unknown-goods"
    tags = ["reference"]
    security = SECURITY

    @get(
        "/",
        summary="Goods communities named that the catalogue lacks, the most named first "
        "(coordinators: their regions' communities; admins: all)",
        description="Words a linked LINE chat or a spreadsheet row (a dry run's too) took for goods "
        "that no goods are called by, one per word (compared without spaces, as goods' names are): "
        "the word as last typed, how many times in all, by which communities, through which "
        "channels (`line`, `import`), when first and last. A spreadsheet counts a word once per "
        "community, importing key and Thai day. Goods added or renamed to the word take it off. "
        "`cursor` is the `next_cursor` of the page before; anything else is 422 at `cursor`.",
        responses=problems(400, 401, 403, 422),
    )
    async def list_unknown_goods(
        self, conn: Conn, caller: CallerDep, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[UnknownGoodsOut]:
        after = None
        if cursor:
            (times, last_seen), first_id = decode_cursor(cursor, SORT, Position)
            after = (times, last_seen, first_id)
        rows = await unknown_goods.page(conn, caller, limit + 1, after)
        next_cursor = None
        if len(rows) > limit:
            times, last_seen, first_id = rows[limit - 1][1]
            next_cursor = encode_cursor(SORT, [times, last_seen], first_id)
        return Page(data=[out for out, _ in rows[:limit]], next_cursor=next_cursor)

"""Goods communities named that the catalogue lacks, kept so that coordinators learn what people want
to trade.

A linked LINE chat's message whose goods the reader does not know ("มีปลาช่อน 20 กิโล" before anyone
added ปลาช่อน), or a spreadsheet row naming goods the catalogue lacks, counts the word for the
community (`note`), in the transaction that handles the message or the import: only the words the
reader took for goods (never a message), only of a community (never a chat linked to none), only
what could be a goods' name (`goods_names.goods_word`). Coordinators of the community's region and
admins read them on the console's goods page (`listed`); goods added or renamed to one of the
words take it off (`catalogue.add_item`, `update_item`, in their transaction).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

import asyncpg
import msgspec

from barter.domain.access import Caller, require_role
from barter.domain.clock import thai_today
from barter.domain.goods_names import goods_word, name_key
from barter.schemas.reference import UnknownGoodsOut
from barter.storage.repos import unknown_goods as repo

Channel = Literal["line", "import"]
LISTED_MAX = 100  # words the goods page lists, the most named first


async def note(
    conn: asyncpg.Connection,
    community_id: int,
    typed: Iterable[str],
    channel: Channel,
    now: datetime,
    *,
    importer: int | None = None,
) -> frozenset[str]:
    """Count each goods word the community typed (`typed`: as the reader took them) once more,
    once however often one message or file names it; a spreadsheet's (`importer`: the importing
    key) once per key and Thai day, so that the dry runs of a sheet being checked and fixed, and
    its import, are one naming. Returns those of `typed` that were counted (the others could name
    no goods: too long, not Thai, a category's word)."""
    typed = list(typed)
    words: dict[str, str] = {}  # as names are compared -> as kept (the last typed)
    for text in typed:
        word = goods_word(text)
        if word is not None:
            words[name_key(word)] = word
    if words:
        sheet_of = None if importer is None else (importer, thai_today(now))
        await repo.note(conn, sorted(words.values()), community_id, channel, now, sheet_of)
    return counted(typed)


def counted(typed: Iterable[str]) -> frozenset[str]:
    """Those of `typed` that `note` counts: the words that could name goods (`goods_word`)."""
    return frozenset(text for text in typed if goods_word(text) is not None)


Position = tuple[int, datetime, int]
"""Where a word stands in the list: how many times, when last, its first row's id (the API's cursor)."""


async def page(
    conn: asyncpg.Connection, caller: Caller, limit: int, after: Position | None = None
) -> list[tuple[UnknownGoodsOut, Position]]:
    """The words of the communities the caller acts for (a coordinator's regions; an admin's all),
    the most named first, then the last named, from after `after`, each with its position (the
    API's `GET /v1/unknown-goods` pages through them; the console's goods page reads the first
    page): for coordinators and admins, who add goods. A word goods are called by by now (added
    by another process while the word was being written) is left out (the query)."""
    require_role(caller, "admin", "coordinator")
    rows = await repo.listed(conn, caller, limit, after)
    return [
        (msgspec.convert(dict(r), UnknownGoodsOut), (r["times"], r["last_seen"], r["first_id"])) for r in rows
    ]


async def listed(conn: asyncpg.Connection, caller: Caller) -> list[UnknownGoodsOut]:
    """The first `LISTED_MAX` words `page` gives: what the console's goods page lists."""
    return [out for out, _ in await page(conn, caller, LISTED_MAX)]

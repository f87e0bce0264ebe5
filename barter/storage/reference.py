"""Reference data: regions, provinces, sub-districts and the starter catalogue.

The figures ship inside the package (`barter/reference/`). Loading is idempotent: each file's
checksum is recorded, so a start with unchanged files does nothing, and a changed file is merged
(geography is overwritten, catalogue items are only added, never overwritten; goods the network
added through the API or the console are never touched, nor is a file item loaded over one of
them, by its id or by its Thai name, nor a file item's synonym one of them is called by: each is
left out with a warning, compared as names are, without spaces).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
from pathlib import Path
from typing import Any

import asyncpg

from barter.domain.goods_names import name_key
from barter.storage.repos.catalogue import lock_names
from barter.storage.sql import contains_pattern, query

log = logging.getLogger(__name__)

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"


def _read(name: str) -> tuple[str, bytes]:
    raw = (REFERENCE_DIR / name).read_bytes()
    return hashlib.sha256(raw).hexdigest(), raw


def _float_or_none(text: str) -> float | None:
    return float(text) if text else None


async def _changed(conn: asyncpg.Connection, name: str, checksum: str) -> bool:
    current = await conn.fetchval(query("reference_checksum"), name)
    return bool(current != checksum)


async def load_reference_data(conn: asyncpg.Connection) -> list[str]:
    """Load what changed since the last load; return the names of the files loaded."""
    loaded: list[str] = []
    async with conn.transaction():
        await conn.execute("LOCK TABLE reference_loads IN EXCLUSIVE MODE")
        checksum, raw = _read("regions.json")
        if await _changed(conn, "regions", checksum):
            regions: list[dict[str, Any]] = json.loads(raw)
            await conn.executemany(
                query("upsert_region"),
                [(r["code"], r["name_th"], r["name_en"], r["position"]) for r in regions],
            )
            await conn.execute(query("record_reference_load"), "regions", checksum)
            loaded.append("regions")
        checksum, raw = _read("provinces.json")
        if await _changed(conn, "provinces", checksum):
            provinces: list[dict[str, Any]] = json.loads(raw)
            await conn.executemany(
                query("upsert_province"),
                [(p["code"], p["name_th"], p["name_en"], p["region"], p["lat"], p["lon"]) for p in provinces],
            )
            await conn.execute(query("record_reference_load"), "provinces", checksum)
            loaded.append("provinces")
        checksum, raw = _read("subdistricts.csv")
        if await _changed(conn, "subdistricts", checksum):
            rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
            await conn.executemany(
                query("upsert_subdistrict"),
                [
                    (
                        r["code"],
                        r["province_code"],
                        r["name_th"],
                        r["name_en"],
                        _float_or_none(r["lat"]),
                        _float_or_none(r["lon"]),
                    )
                    for r in rows
                ],
            )
            await conn.execute(query("record_reference_load"), "subdistricts", checksum)
            loaded.append("subdistricts")
        checksum, raw = _read("catalogue.json")
        if await _changed(conn, "catalogue", checksum):
            catalogue: dict[str, list[dict[str, Any]]] = json.loads(raw)
            await conn.executemany(
                query("upsert_category"),
                [(c["id"], c["name_th"], c["name_en"], c["position"]) for c in catalogue["categories"]],
            )
            await lock_names(conn)
            added = await conn.fetch(query("network_item_names"))
            ids = {r["id"]: r["name_th"] for r in added}
            # every name the network's goods are called by, as names are compared (without spaces)
            names = {name_key(n): (r["id"], n) for r in added for n in (r["name_th"], *r["synonyms_th"])}
            items = []
            for position, i in enumerate(catalogue["items"]):
                holder = (i["id"], ids[i["id"]]) if i["id"] in ids else names.get(name_key(i["name_th"]))
                if holder is not None:
                    log.warning(
                        "catalogue item %s (%s) not loaded: the network added %s (%s) before the file "
                        "named it",
                        i["id"],
                        i["name_th"],
                        *holder,
                    )
                    continue
                synonyms = []
                for synonym in i.get("synonyms_th", []):
                    taken = names.get(name_key(synonym))
                    if taken is None:
                        synonyms.append(synonym)
                        continue
                    # the rest of the goods load: only the word the network's goods are called by is left out
                    log.warning(
                        "catalogue synonym %s of %s (%s) not loaded: the network added %s, called %s, "
                        "before the file named it",
                        synonym,
                        i["id"],
                        i["name_th"],
                        *taken,
                    )
                items.append(
                    (
                        i["id"],
                        i["category_id"],
                        i["name_th"],
                        i["name_en"],
                        i["unit"],
                        i["kg_per_unit"],
                        i["shelf_life_days"],
                        i["reference_value"],
                        i["quantity_step"],
                        synonyms,
                        i.get("counted_th"),
                        position,
                    )
                )
            await conn.executemany(query("insert_item_if_new"), items)
            await conn.execute(query("record_reference_load"), "catalogue", checksum)
            loaded.append("catalogue")
    return loaded


async def list_regions(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("list_regions"))
    return rows


async def list_provinces(conn: asyncpg.Connection, region: str | None) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("list_provinces"), region)
    return rows


async def list_categories(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("list_categories"))
    return rows


async def list_items(
    conn: asyncpg.Connection, category_id: str | None, q: str | None
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("list_items"), category_id, contains_pattern(q))
    return rows


async def get_province(conn: asyncpg.Connection, code: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("get_province"), code)
    return row


async def get_subdistrict(conn: asyncpg.Connection, code: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("get_subdistrict"), code)
    return row


async def get_item(conn: asyncpg.Connection, item_id: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("get_item"), item_id)
    return row


async def category_exists(conn: asyncpg.Connection, category_id: str) -> bool:
    return bool(await conn.fetchval(query("category_exists"), category_id))


async def category_units(conn: asyncpg.Connection, category_id: str) -> list[str]:
    rows = await conn.fetch(query("category_units"), category_id)
    return [row["unit"] for row in rows]

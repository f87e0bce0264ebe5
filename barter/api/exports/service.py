"""Offers and needs as CSV or GeoJSON, streamed from a server-side cursor in constant memory.

The rows are exactly those of the lists (same filters and visibility, no page limit), within the
caller's grant; partners need a detail grant. Text is UTF-8 with Thai as is; `bom` prefixes the
CSV with a byte-order mark so that spreadsheet programs read it as UTF-8. Text cells that a
spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a leading apostrophe.

The stream owns its connection, from a small pool of its own (`export_pool`): the request's
connection is released before the body is sent, and long exports must not starve the API.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from typing import Any, Literal

import asyncpg
import msgspec

from barter.domain.access import Caller
from barter.domain.grants import read_scope, require_detail
from barter.storage.repos import exports as repo
from barter.storage.repos.listings import Kind, ListingFilter

Format = Literal["csv", "geojson"]
BATCH_ROWS = 500
BOM = "\ufeff"

_COMMON_HEAD = (
    "id",
    "community_id",
    "community_name_th",
    "community_name_en",
    "province_code",
    "region",
    "lat",
    "lon",
)
_COMMON_TAIL = ("note", "status", "created_at", "updated_at", "distance_km")
COLUMNS: dict[Kind, tuple[str, ...]] = {
    "offer": (
        *_COMMON_HEAD,
        "item_id",
        "item_name_th",
        "item_name_en",
        "category_id",
        "unit",
        "quantity",
        "held",
        "delivered",
        "remaining",
        "min_lot",
        "available_from",
        "available_until",
        "gift",
        *_COMMON_TAIL,
    ),
    "need": (
        *_COMMON_HEAD,
        "item_id",
        "item_name_th",
        "item_name_en",
        "category_id",
        "accept_offer_ids",
        "unit",
        "quantity",
        "held",
        "delivered",
        "remaining",
        "min_lot",
        "needed_by",
        "priority",
        "max_distance_km",
        *_COMMON_TAIL,
    ),
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_START) else value
    return str(value)


class CsvWriter:
    def __init__(self, columns: Sequence[str], bom: bool) -> None:
        self.columns = columns
        self.bom = bom
        self._buffer = io.StringIO()
        self._csv = csv.writer(self._buffer, lineterminator="\r\n")

    def _take(self) -> bytes:
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text.encode("utf-8")

    def start(self) -> bytes:
        if self.bom:
            self._buffer.write(BOM)
        self._csv.writerow(self.columns)
        return self._take()

    def rows(self, rows: Sequence[asyncpg.Record]) -> bytes:
        self._csv.writerows([csv_cell(row[c]) for c in self.columns] for row in rows)
        return self._take()

    def end(self) -> bytes:
        return b""


class GeoJsonWriter:
    """A FeatureCollection, one Point feature per listing at its community's location."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.properties = [c for c in columns if c not in ("lat", "lon")]
        self._encoder = msgspec.json.Encoder()
        self._first = True

    def start(self) -> bytes:
        return b'{"type":"FeatureCollection","features":['

    def rows(self, rows: Sequence[asyncpg.Record]) -> bytes:
        parts = []
        for row in rows:
            feature = {
                "type": "Feature",
                "id": row["id"],
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": {c: row[c] for c in self.properties},
            }
            parts.append(self._encoder.encode(feature))
        chunk = b",".join(parts)
        if self._first:
            self._first = False
            return chunk
        return b"," + chunk

    def end(self) -> bytes:
        return b"]}\n"


def check_access(caller: Caller, flt: ListingFilter) -> list[str] | None:
    """The regions to export (None: all); 403 for keys without a detail grant or outside it."""
    scope = read_scope(caller)
    require_detail(scope)
    return scope.narrowed(flt.region)


async def stream(
    pool: asyncpg.Pool,
    caller: Caller,
    kind: Kind,
    fmt: Format,
    flt: ListingFilter,
    regions: list[str] | None,
    *,
    bom: bool = False,
) -> AsyncIterator[bytes]:
    columns = COLUMNS[kind]
    writer: CsvWriter | GeoJsonWriter = CsvWriter(columns, bom) if fmt == "csv" else GeoJsonWriter(columns)
    async with pool.acquire() as proxy, proxy.transaction(isolation="repeatable_read", readonly=True):
        conn: asyncpg.Connection = proxy  # type: ignore[assignment]
        yield writer.start()
        batch: list[asyncpg.Record] = []
        async for row in repo.listings(conn, kind, caller, flt, regions, prefetch=BATCH_ROWS):
            batch.append(row)
            if len(batch) == BATCH_ROWS:
                yield writer.rows(batch)
                batch.clear()
        if batch:
            yield writer.rows(batch)
        end = writer.end()
        if end:
            yield end

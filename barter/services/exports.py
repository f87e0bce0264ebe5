"""Exports as CSV or GeoJSON, streamed from a server-side cursor in constant memory.

Four kinds share one mechanism (`EXPORTS`): each names its columns, its geometry and the statement
that reads it. Offers and needs are exactly the rows of the lists (same filters and visibility,
no page limit); proposals are one row per transfer (a LineString from giver to receiver in
GeoJSON); ledger entries are one row per entry (a Point at the community). Everything is within
the caller's grant, and partners need a detail grant.

Text is UTF-8 with Thai as is; `bom` prefixes the CSV with a byte-order mark so that spreadsheet
programs read it as UTF-8. Text cells that a spreadsheet would run as a formula (=, +, -, @, tab,
CR first) get a leading apostrophe.

The stream owns its connection, from a small pool of its own (`export_pool`): the request's
connection is released before the body is sent, and long exports must not starve the API.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import asyncpg
import msgspec

from barter.domain.access import Caller
from barter.domain.grants import read_scope, require_detail
from barter.storage.repos import exports as repo
from barter.storage.repos.exports import Statement

Format = Literal["csv", "geojson"]
Name = Literal["offers", "needs", "proposals", "ledger"]
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
_ITEM = ("item_id", "item_name_th", "item_name_en", "category_id")
_AMOUNTS = ("quantity", "held", "delivered", "remaining", "min_lot")
_COMMON_TAIL = ("note", "status", "created_at", "updated_at", "distance_km")
_OFFER_COLUMNS = (
    *_COMMON_HEAD,
    *_ITEM,
    "unit",
    *_AMOUNTS,
    "available_from",
    "available_until",
    "gift",
    *_COMMON_TAIL,
)
_NEED_COLUMNS = (
    *_COMMON_HEAD,
    *_ITEM,
    "accept_offer_ids",
    "unit",
    *_AMOUNTS,
    "needed_by",
    "priority",
    "max_distance_km",
    *_COMMON_TAIL,
)
_PROPOSAL_COLUMNS = (
    "proposal_id",
    "position",
    "run_id",
    "kind",
    "status",
    "regions",
    "participants",
    "proposal_value",
    "giver_id",
    "giver_name_th",
    "giver_name_en",
    "giver_province_code",
    "giver_region",
    "giver_lat",
    "giver_lon",
    "receiver_id",
    "receiver_name_th",
    "receiver_name_en",
    "receiver_province_code",
    "receiver_region",
    "receiver_lat",
    "receiver_lon",
    "offer_id",
    "need_id",
    "item_id",
    "item_name_th",
    "item_name_en",
    "category_id",
    "unit",
    "quantity",
    "unit_value",
    "value",
    "distance_km",
    "received_at",
    "reason",
    "created_at",
    "approved_at",
    "dispatched_at",
    "completed_at",
    "ended_at",
)
_LEDGER_COLUMNS = (
    "id",
    "at",
    "community_id",
    "community_name_th",
    "community_name_en",
    "province_code",
    "region",
    "lat",
    "lon",
    "direction",
    "counterpart_id",
    "counterpart_name_th",
    "counterpart_name_en",
    "counterpart_region",
    "item_id",
    "item_name_th",
    "item_name_en",
    "category_id",
    "unit",
    "quantity",
    "value",
    "proposal_id",
    "run_id",
    "position",
)


def _row_id(row: asyncpg.Record) -> Any:
    return row["id"]


def _transfer_id(row: asyncpg.Record) -> Any:
    return f"{row['proposal_id']}-{row['position']}"


@dataclass(frozen=True, slots=True)
class ExportKind:
    """What one export is: its file name, columns and map geometry, and how its rows are read."""

    name: Name
    columns: tuple[str, ...]
    points: tuple[tuple[str, str], ...]
    """(lon, lat) column pairs of the GeoJSON geometry: one is a Point, two a LineString. The
    CSV keeps them as columns; GeoJSON properties leave them out."""
    feature_id: Callable[[asyncpg.Record], Any]
    statement: Callable[[Caller, Any, list[str] | None], Statement]
    """(caller, filter, regions to read or None for all) -> the SQL and its arguments."""


EXPORTS: dict[Name, ExportKind] = {
    "offers": ExportKind(
        "offers",
        _OFFER_COLUMNS,
        (("lon", "lat"),),
        _row_id,
        lambda caller, flt, regions: repo.listing_statement("offer", caller, flt, regions),
    ),
    "needs": ExportKind(
        "needs",
        _NEED_COLUMNS,
        (("lon", "lat"),),
        _row_id,
        lambda caller, flt, regions: repo.listing_statement("need", caller, flt, regions),
    ),
    "proposals": ExportKind(
        "proposals",
        _PROPOSAL_COLUMNS,
        (("giver_lon", "giver_lat"), ("receiver_lon", "receiver_lat")),
        _transfer_id,
        repo.proposal_statement,
    ),
    "ledger": ExportKind(
        "ledger",
        _LEDGER_COLUMNS,
        (("lon", "lat"),),
        _row_id,
        lambda _caller, flt, regions: repo.ledger_statement(flt, regions),
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
    """A FeatureCollection: one feature per row, a Point or a LineString as the kind says."""

    def __init__(self, kind: ExportKind) -> None:
        self.kind = kind
        located = {c for pair in kind.points for c in pair}
        self.properties = [c for c in kind.columns if c not in located]
        self._encoder = msgspec.json.Encoder()
        self._first = True

    def start(self) -> bytes:
        return b'{"type":"FeatureCollection","features":['

    def _geometry(self, row: asyncpg.Record) -> dict[str, Any]:
        points = [[row[lon], row[lat]] for lon, lat in self.kind.points]
        if len(points) == 1:
            return {"type": "Point", "coordinates": points[0]}
        return {"type": "LineString", "coordinates": points}

    def rows(self, rows: Sequence[asyncpg.Record]) -> bytes:
        parts = []
        for row in rows:
            feature = {
                "type": "Feature",
                "id": self.kind.feature_id(row),
                "geometry": self._geometry(row),
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


def check_access(caller: Caller, region: str | None) -> list[str] | None:
    """The regions to export (None: all); 403 for keys without a detail grant or outside it."""
    scope = read_scope(caller)
    require_detail(scope)
    return scope.narrowed(region)


async def stream(
    pool: asyncpg.Pool, kind: ExportKind, fmt: Format, statement: Statement, *, bom: bool = False
) -> AsyncIterator[bytes]:
    """The export's bytes, one chunk per batch of rows, read in one read-only snapshot."""
    writer: CsvWriter | GeoJsonWriter = CsvWriter(kind.columns, bom) if fmt == "csv" else GeoJsonWriter(kind)
    async with pool.acquire() as proxy, proxy.transaction(isolation="repeatable_read", readonly=True):
        conn: asyncpg.Connection = proxy  # type: ignore[assignment]
        yield writer.start()
        async for batch in repo.rows(conn, statement, prefetch=BATCH_ROWS):
            yield writer.rows(batch)
        end = writer.end()
        if end:
            yield end

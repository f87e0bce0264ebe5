"""Exports of 100,000 offers as CSV and GeoJSON: throughput and the server's memory while streaming;
then the exchange exports (proposals, one row per transfer, and the ledger).

    .venv/bin/python -m bench.exports [--offers 100000] [--swaps 10000] [--no-write]

Starts `barter serve` as a real process on a fresh embedded PostgreSQL, writes the offers
straight into the database (300 communities in every province, Thai notes), then downloads
`/v1/exports/offers.csv` and `.geojson` over HTTP as an admin, sampling the server process's
resident memory (RSS) every 10 ms. The same exports filtered to about a tenth of the rows show
whether memory grows with the export (it should not: the server holds one 500-row batch).
Each download is checked: the CSV parses with the csv module, the GeoJSON with json, row counts
match and the Thai text is intact. Then `--swaps` completed two-way swaps are written into the
workflow's tables (two transfers and four ledger entries each) and `/v1/exports/proposals.*` and
`/v1/exports/ledger.*` are measured the same way (the south alone as the control).
Writes the "exports" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import codecs
import csv
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import psutil

from barter.schemas.keys import KeyCreate
from barter.services import keys as keys_service
from barter.storage.database import init_connection
from bench.report import write_section
from bench.serving import serving

SECRET = "bench-secret-0123456789abcdef"
NOTE = "ปลาแห้งตากแดด ล็อตที่ "
MiB = 1024 * 1024
# Flat: streaming every row may grow the server by at most this much more than a tenth of them.
FLAT_MARGIN_MIB = 8


async def setup(url: str, offers: int) -> tuple[str, int]:
    """Communities and offers inserted with SQL; returns an admin key and the rice offers' count."""
    conn = await asyncpg.connect(url)
    await init_connection(conn)
    try:
        async with conn.transaction():
            await conn.execute(
                """
                INSERT INTO communities (name_th, name_en, kind, province_code, lat, lon)
                SELECT 'วิสาหกิจชุมชนทดสอบ ' || g, 'Bench community ' || g, 'mixed', p.code,
                       p.lat + (g % 7) * 0.01, p.lon + (g % 5) * 0.01
                FROM generate_series(1, 300) g
                JOIN (SELECT code, lat, lon, row_number() OVER (ORDER BY code) - 1 AS n FROM provinces) p
                  ON p.n = g % 77
                """
            )
            await conn.execute(
                """
                INSERT INTO offers (community_id, item_id, quantity, min_lot, note)
                SELECT c.id, i.id, 1 + g % 500, 0, $2 || g
                FROM generate_series(1, $1) g
                JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM communities) c ON c.n = g % 300
                JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM items) i
                  ON i.n = g % (SELECT count(*) FROM items)
                """,
                offers,
                NOTE,
            )
            rice = await conn.fetchval(
                "SELECT count(*) FROM offers o JOIN items i ON i.id = o.item_id WHERE i.category_id = 'rice'"
            )
            admin = await keys_service.create(conn, None, SECRET, KeyCreate(role="admin", name="bench"))
    finally:
        await conn.close()
    return admin.key, int(rice)


async def add_swaps(url: str, swaps: int) -> dict[str, int]:
    """`swaps` completed two-way swaps written straight into the tables the workflow writes: the
    communities are paired (in id order) and the k-th offers of a pair each give one unit to the
    other, with the needs they meet, the participants and four ledger entries. Returns the rows
    each export should give."""
    conn = await asyncpg.connect(url)
    await init_connection(conn)
    try:
        async with conn.transaction():
            await conn.execute(
                "INSERT INTO matching_runs (regions, settings, status) "
                "SELECT array_agg(code ORDER BY position), jsonb_build_object('seed', 0), 'succeeded' "
                "FROM regions"
            )
            await conn.execute(
                """
                CREATE TEMP TABLE leg ON COMMIT DROP AS
                WITH ranked AS (
                    SELECT o.id, o.community_id, o.item_id, i.unit, i.reference_value, p.region,
                           dense_rank() OVER (ORDER BY o.community_id) AS cn,
                           row_number() OVER (PARTITION BY o.community_id ORDER BY o.id) AS r
                    FROM offers o JOIN items i ON i.id = o.item_id
                    JOIN communities c ON c.id = o.community_id JOIN provinces p ON p.code = c.province_code
                ), leg AS (
                    SELECT dense_rank() OVER (ORDER BY g.r, (g.cn + 1) / 2) AS swap, 1 - g.cn % 2 AS position,
                           g.id AS offer_id, g.community_id AS giver_id, o.community_id AS receiver_id,
                           g.item_id, g.unit, g.reference_value AS value, g.region AS giver_region
                    FROM ranked g
                    JOIN ranked o ON o.r = g.r
                     AND o.cn = CASE WHEN g.cn % 2 = 1 THEN g.cn + 1 ELSE g.cn - 1 END
                )
                SELECT * FROM leg WHERE swap <= $1
                """,
                swaps,
            )
            await conn.execute(
                """
                CREATE TEMP TABLE swap ON COMMIT DROP AS
                SELECT swap, array_agg(DISTINCT giver_region ORDER BY giver_region) AS regions,
                       sum(value) AS total, nextval(pg_get_serial_sequence('proposals', 'id')) AS proposal_id
                FROM leg GROUP BY swap;
                INSERT INTO proposals (id, run_id, kind, status, regions, total_value, hold_expires_at,
                                       approved_at, dispatched_at, completed_at, ended_at)
                OVERRIDING SYSTEM VALUE
                SELECT proposal_id, (SELECT max(id) FROM matching_runs), 'cycle', 'completed', regions, total,
                       now(), now(), now(), now(), now()
                FROM swap;
                INSERT INTO needs (community_id, item_id, unit, quantity, delivered, status, note)
                SELECT receiver_id, item_id, unit, 1, 1, 'closed', 'bench ' || swap || '/' || position
                FROM leg;
                INSERT INTO proposal_transfers (proposal_id, position, offer_id, need_id, giver_id,
                                                receiver_id, item_id, unit, quantity, unit_value, value,
                                                distance_km, received_at)
                SELECT s.proposal_id, l.position, l.offer_id, n.id, l.giver_id, l.receiver_id, l.item_id,
                       l.unit, 1, l.value, l.value, 100, now()
                FROM leg l JOIN swap s USING (swap)
                JOIN needs n ON n.note = 'bench ' || l.swap || '/' || l.position;
                INSERT INTO proposal_participants (proposal_id, community_id, region, gives_value,
                                                   receives_value, explanation_th, explanation_en,
                                                   accepted_at)
                SELECT s.proposal_id, l.giver_id, l.giver_region, l.value, 0, 'ให้ของ', 'gives', now()
                FROM leg l JOIN swap s USING (swap);
                INSERT INTO ledger_entries (community_id, proposal_id, position, direction, counterpart_id,
                                            item_id, unit, quantity, value, at)
                SELECT CASE WHEN d = 'gave' THEN t.giver_id ELSE t.receiver_id END, t.proposal_id,
                       t.position, d, CASE WHEN d = 'gave' THEN t.receiver_id ELSE t.giver_id END,
                       t.item_id, t.unit, t.quantity, t.value, now()
                FROM proposal_transfers t CROSS JOIN (VALUES ('gave'), ('received')) AS dir(d);
                """
            )
            counts = await conn.fetchrow(
                """
                SELECT (SELECT count(*) FROM proposal_transfers) AS transfers,
                       (SELECT count(*) FROM proposal_transfers t JOIN proposals p ON p.id = t.proposal_id
                        WHERE 'south' = ANY(p.regions)) AS south_transfers,
                       (SELECT count(*) FROM ledger_entries) AS ledger,
                       (SELECT count(*) FROM ledger_entries l JOIN communities c ON c.id = l.community_id
                        JOIN provinces p ON p.code = c.province_code WHERE p.region = 'south') AS south_ledger
                """
            )
    finally:
        await conn.close()
    assert counts is not None, "an aggregate SELECT returns one row"
    return dict(counts)


class RssSampler:
    """The peak resident memory of one process, sampled every 10 ms in a thread."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            self._stop.wait(0.01)

    def __enter__(self) -> RssSampler:
        self.peak = self.process.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Run:
    name: str
    rows: int
    bytes: int
    seconds: float
    rss_before: int
    rss_peak: int

    @property
    def growth_mib(self) -> float:
        return (self.rss_peak - self.rss_before) / MiB


def _csv_rows(chunks: Iterator[bytes]) -> Iterator[list[str]]:
    decoder = codecs.getincrementaldecoder("utf-8")()
    buffer = ""
    for chunk in chunks:
        buffer += decoder.decode(chunk)
        lines = buffer.split("\r\n")
        buffer = lines.pop()
        yield from csv.reader(lines)
    if buffer:
        yield from csv.reader([buffer])


COMMUNITY = "วิสาหกิจชุมชนทดสอบ "
CHECKS = {
    "offers": ("note", NOTE),
    "proposals": ("giver_name_th", COMMUNITY),
    "ledger": ("community_name_th", COMMUNITY),
}


def export(base: str, key: str, pid: int, path: str, params: dict[str, Any], expected: int) -> Run:
    """Download one export, count its rows and check a Thai column of every row (GeoJSON: the first 1,000)."""
    headers = {"Authorization": f"Bearer {key}"}
    geojson = path.endswith(".geojson")
    check, prefix = CHECKS[path.rsplit("/", 1)[1].split(".", maxsplit=1)[0]]
    with RssSampler(pid) as sampler, httpx.Client(base_url=base, timeout=300) as http:
        before = sampler.peak
        started = time.perf_counter()
        size = 0
        rows = 0
        body = bytearray()
        with http.stream("GET", path, params=params, headers=headers) as response:
            assert response.status_code == 200, response.read()

            def chunks() -> Iterator[bytes]:
                nonlocal size
                for chunk in response.iter_raw():
                    size += len(chunk)
                    if geojson:
                        body.extend(chunk)
                    yield chunk

            if geojson:
                for _ in chunks():
                    pass
            else:
                reader = _csv_rows(chunks())
                header = next(reader)
                column = header.index(check)
                for row in reader:
                    assert row[column].startswith(prefix), row
                    rows += 1
        seconds = time.perf_counter() - started
    if geojson:
        features = json.loads(body)["features"]
        assert all(f["properties"][check].startswith(prefix) for f in features[:1000])
        rows = len(features)
    assert rows == expected, f"{path}: {rows} rows, expected {expected}"
    return Run(
        f"`{path}`" + (f" ({', '.join(f'{k}={v}' for k, v in params.items())})" if params else ""),
        rows,
        size,
        seconds,
        before,
        sampler.peak,
    )


def _table(runs: list[Run]) -> list[str]:
    return [
        "| export | rows | size | seconds | rows/s | server RSS before | peak | growth |",
        "|---|---|---|---|---|---|---|---|",
        *(
            f"| {run.name} | {run.rows:,} | {run.bytes / MiB:.1f} MiB | {run.seconds:.2f} | "
            f"{run.rows / run.seconds:,.0f} | {run.rss_before / MiB:.0f} MiB | "
            f"{run.rss_peak / MiB:.0f} MiB | {run.growth_mib:+.1f} MiB |"
            for run in runs
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument(
        "--swaps", type=int, default=10_000, help="completed two-way swaps (at most offers/2)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    runs: list[Run] = []
    exchange_runs: list[Run] = []
    with serving("barter-bench-exports-", SECRET) as served:
        base, url, pid = served.base, served.database_url, served.pid
        started = time.perf_counter()
        key, rice = asyncio.run(setup(url, args.offers))
        print(f"{args.offers:,} offers inserted in {time.perf_counter() - started:.1f} s")
        rss_start = psutil.Process(pid).memory_info().rss
        export(base, key, pid, "/v1/exports/offers.csv", {"category_id": "rice"}, rice)  # warm-up
        for path in ("/v1/exports/offers.csv", "/v1/exports/offers.geojson"):
            runs.append(export(base, key, pid, path, {"category_id": "rice"}, rice))
            runs.append(export(base, key, pid, path, {}, args.offers))
        started = time.perf_counter()
        expected = asyncio.run(add_swaps(url, min(args.swaps, args.offers // 2)))
        print(f"{args.swaps:,} swaps inserted in {time.perf_counter() - started:.1f} s")
        for kind, total, south in (
            ("proposals", expected["transfers"], expected["south_transfers"]),
            ("ledger", expected["ledger"], expected["south_ledger"]),
        ):
            for fmt in ("csv", "geojson"):
                path = f"/v1/exports/{kind}.{fmt}"
                exchange_runs.append(export(base, key, pid, path, {"region": "south"}, south))
                exchange_runs.append(export(base, key, pid, path, {}, total))
        for run in runs + exchange_runs:
            print(
                f"{run.name}: {run.rows:,} rows, {run.bytes / MiB:.1f} MiB in {run.seconds:.2f} s, "
                f"server RSS {run.rss_before / MiB:.0f} -> {run.rss_peak / MiB:.0f} MiB"
            )

    lines = _table(runs)
    full = [r for r in runs if r.rows == args.offers]
    small = [r for r in runs if r.rows != args.offers]
    worst_full = max(r.growth_mib for r in full)
    worst_small = max(r.growth_mib for r in small)
    largest = max(r.bytes for r in full) / MiB
    flat = worst_full <= worst_small + FLAT_MARGIN_MIB
    exchange_worst = max(r.growth_mib for r in exchange_runs if "region" not in r.name)
    exchange_small = max(r.growth_mib for r in exchange_runs if "region" in r.name)
    body = f"""
{args.offers:,} offers of 300 communities (every province, Thai notes), exported over HTTP by an
admin from `barter serve` (1 worker, embedded PostgreSQL, the relay running), downloaded with
httpx streaming; the server process's RSS is sampled every 10 ms. The filtered rows
(`category_id=rice`, {runs[0].rows:,} rows) are the control: memory that grew with the export would
show as a larger growth for {args.offers // 1000}k rows than for {runs[0].rows / 1000:.0f}k. Every
download is parsed (csv module, json) and its rows counted and checked for the Thai note.

{chr(10).join(lines)}

The server held {rss_start / MiB:.0f} MiB before the first (warm-up) export. Flat memory (target:
growth for every row within {FLAT_MARGIN_MIB} MiB of growth for a tenth of them): the largest growth
while streaming {args.offers:,} rows is {worst_full:+.1f} MiB, against {worst_small:+.1f} MiB for the
filtered export, with {largest:.0f} MiB streamed: {"met" if flat else "NOT met"}.

Then {args.swaps:,} completed two-way swaps between those communities, written straight into the
workflow's tables: {expected["transfers"]:,} transfers (`proposals.*`, one row per transfer) and
{expected["ledger"]:,} ledger entries (`ledger.*`), exported whole and for the south alone (the
control), parsed and checked for the Thai community names the same way:

{chr(10).join(_table(exchange_runs))}

Largest growth while streaming every row: {exchange_worst:+.1f} MiB (south only: {exchange_small:+.1f} MiB).
"""
    print(body)
    if not args.no_write:
        write_section(
            "exports",
            "Exports: 100,000 offers, then proposals and the ledger, streamed as CSV and GeoJSON",
            "python -m bench.exports",
            body,
        )


if __name__ == "__main__":
    main()

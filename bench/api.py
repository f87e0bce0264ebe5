"""Listings API under load: 10,000 offers posted over HTTP, then read back with filters.

    .venv/bin/python -m bench.api [--offers 10000] [--clients 32] [--workers 1]

Starts `barter serve` as a real process on a fresh embedded PostgreSQL, creates communities and
their keys, posts offers from concurrent clients (each with an Idempotency-Key, as a careful
client would), then runs filtered reads through the API and the same query straight to
PostgreSQL from this machine, and writes the figures to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
import uuid
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

import asyncpg

from barter.domain.access import Caller
from barter.reference import load_catalogue, load_provinces
from barter.schemas.keys import KeyCreate
from barter.schemas.listings import ListingFilter
from barter.services import keys as keys_service
from barter.storage.database import Database, init_connection
from barter.storage.repos import communities as communities_repo
from barter.storage.repos import listings as listings_repo
from bench.http_client import Connection
from bench.report import write_section
from bench.serving import serving

SECRET = "bench-secret-0123456789abcdef"
READ_FILTERS: list[dict[str, Any]] = [
    {"region": "south"},
    {"category_id": "rice"},
    {"region": "northeast", "category_id": "herbs"},
    {"item_id": "dried-fish"},
    {"q": "ข้าว"},
    {"q": "fish", "region": "south"},
    {"near": "13.75,100.5", "within_km": 150},
    {"province_code": "57", "sort": "-remaining"},
]


@dataclass
class Timing:
    count: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _host_port(base: str) -> tuple[str, int]:
    host, port = base.removeprefix("http://").split(":")
    return host, int(port)


async def setup(url: str, n_communities: int) -> tuple[list[int], list[str]]:
    conn = await asyncpg.connect(url)
    await init_connection(conn)
    rng = random.Random(7)
    provinces = load_provinces()
    ids, keys = [], []
    try:
        async with conn.transaction():
            for n in range(n_communities):
                p = provinces[n % len(provinces)]
                row = await communities_repo.insert(
                    conn,
                    name_th=f"ชุมชนทดสอบ {n}",
                    name_en=f"Bench community {n}",
                    kind="mixed",
                    province_code=p.code,
                    lat=p.lat + rng.uniform(-0.2, 0.2),
                    lon=p.lon + rng.uniform(-0.2, 0.2),
                    subdistrict_code=None,
                    contact=None,
                )
                ids.append(row["id"])
                created = await keys_service.create(
                    conn, None, SECRET, KeyCreate(role="community", community_id=row["id"])
                )
                keys.append(created.key)
    finally:
        await conn.close()
    return ids, keys


async def post_offers(base: str, ids: list[int], keys: list[str], total: int, clients: int) -> Timing:
    items = [i.id for i in load_catalogue()]
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(total):
        queue.put_nowait(n)
    latencies: list[float] = []
    failures: list[str] = []

    async def client(worker: int) -> None:
        rng = random.Random(worker)
        async with Connection(*_host_port(base)) as http:
            while True:
                try:
                    n = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                who = n % len(ids)
                body = {
                    "community_id": ids[who],
                    "item_id": rng.choice(items),
                    "quantity": rng.choice([5, 10, 50, 100, 250, 1000]),
                    "min_lot": 0,
                }
                headers = {"Authorization": f"Bearer {keys[who]}", "Idempotency-Key": str(uuid.uuid4())}
                started = time.perf_counter()
                status, text = await http.request("POST", "/v1/offers", body, headers)
                latencies.append(time.perf_counter() - started)
                if status != 201:
                    failures.append(f"{status} {text[:200]!r}")

    started = time.perf_counter()
    await asyncio.gather(*(client(w) for w in range(clients)))
    seconds = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} posts failed, first: {failures[0]}")
    return Timing(total, seconds, latencies)


async def analyze(url: str) -> None:
    """Refresh the planner's statistics, as autovacuum does within a minute of a load this size."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


async def read_api(base: str, key: str, total: int, clients: int) -> Timing:
    latencies: list[float] = []
    counter = iter(range(total))

    async def client() -> None:
        async with Connection(*_host_port(base), headers={"Authorization": f"Bearer {key}"}) as http:
            for n in counter:
                query = urlencode({**READ_FILTERS[n % len(READ_FILTERS)], "limit": 50})
                started = time.perf_counter()
                status, text = await http.request("GET", f"/v1/offers?{query}")
                latencies.append(time.perf_counter() - started)
                assert status == 200, text

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return Timing(total, time.perf_counter() - started, latencies)


def _filter(params: dict[str, Any]) -> tuple[ListingFilter, str]:
    near = params.get("near")
    lat, lon = (float(x) for x in near.split(",")) if near else (None, None)
    flt = ListingFilter(
        region=params.get("region"),
        province_code=params.get("province_code"),
        category_id=params.get("category_id"),
        item_id=params.get("item_id"),
        q=params.get("q"),
        near_lat=lat,
        near_lon=lon,
        within_km=params.get("within_km"),
    )
    return flt, params.get("sort", "-created_at")


async def read_sql(url: str, total: int, clients: int) -> Timing:
    # The same pool settings the service uses, so the two sides run the same plans.
    pool = await Database(url=url).create_pool(min_size=clients, max_size=clients)
    caller = Caller(key_id=0, role="partner")
    latencies: list[float] = []
    counter = iter(range(total))

    async def client() -> None:
        async with pool.acquire() as conn:
            for n in counter:
                flt, sort = _filter(READ_FILTERS[n % len(READ_FILTERS)])
                started = time.perf_counter()
                await listings_repo.list_page(
                    cast(asyncpg.Connection, conn), "offer", caller, flt, sort=sort, after=None, limit=51
                )
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    seconds = time.perf_counter() - started
    await pool.close()
    return Timing(total, seconds, latencies)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--reads", type=int, default=4_000)
    parser.add_argument("--communities", type=int, default=300)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    with serving("barter-bench-api-", SECRET, workers=args.workers) as served:
        base, url = served.base, served.database_url
        ids, keys = asyncio.run(setup(url, args.communities))
        posts = asyncio.run(post_offers(base, ids, keys, args.offers, args.clients))
        asyncio.run(analyze(url))
        asyncio.run(read_api(base, keys[0], 200, args.clients))  # warm-up
        reads = asyncio.run(read_api(base, keys[0], args.reads, args.clients))
        light = asyncio.run(read_api(base, keys[0], args.reads // 4, 4))
        sql = asyncio.run(read_sql(url, args.reads, args.clients))

    ratio = reads.rate / sql.rate
    p99 = reads.pct(0.99)

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    body = f"""
{args.offers:,} offers posted by {args.clients} concurrent HTTP clients (each POST with its own
Idempotency-Key, as community keys of {args.communities} communities), then {args.reads:,} filtered reads
(`GET /v1/offers` with 8 filter mixes: region, category, item, Thai and English text, distance,
province with sort), {args.clients} concurrent clients, after an `ANALYZE` (autovacuum would have
run one within a minute; reading at once after a bulk load plans on empty-table statistics); then
the same list query straight to PostgreSQL (asyncpg, {args.clients} connections) from the same machine
in the same run. Server: `barter serve`,
{args.workers} uvicorn worker(s), embedded PostgreSQL; the load generator shares the machine's cores.

| measure | value | target |
|---|---|---|
| posts per second | {posts.rate:,.0f} | ≥ 500: {verdict(posts.rate >= 500)} |
| post latency p50 / p99 | {posts.pct(0.5):.1f} ms / {posts.pct(0.99):.1f} ms | |
| filtered reads per second (API) | {reads.rate:,.0f} | |
| filtered read p50 / p99 | {reads.pct(0.5):.1f} ms / {p99:.1f} ms | p99 ≤ 50 ms: {verdict(p99 <= 50)} |
| filtered read p50 / p99, 4 clients (not saturated) | {light.pct(0.5):.1f} ms / {light.pct(0.99):.1f} ms | |
| same query straight to PostgreSQL, per second | {sql.rate:,.0f} | |
| same query straight to PostgreSQL, p50 / p99 | {sql.pct(0.5):.1f} ms / {sql.pct(0.99):.1f} ms | |
| API rate / PostgreSQL rate | {ratio:.0%} | ≥ 40%: {verdict(ratio >= 0.4)} |

{args.clients} clients that always have a request in flight wait {args.clients} / rate on average
(Little's law): a mean under 50 ms takes {args.clients / 0.05:,.0f} reads/s, and this machine answers
{sql.rate:,.0f}/s with no HTTP at all ({os.cpu_count()} cores shared by PostgreSQL, the server and
the load generator).
"""
    print(body)
    if not args.no_write:
        command_line = "python -m bench.api" + (f" --workers {args.workers}" if args.workers > 1 else "")
        write_section("api", "Listings API: posts and filtered reads", command_line, body)


if __name__ == "__main__":
    main()

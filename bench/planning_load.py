"""Benchmark: reads while plans are made (issue 16, item 13).

    .venv/bin/python -m bench.planning_load [--transfers 300] [--seconds 20] [--planners 24]
        [--readers 32] [--time-limit 10] [--no-write]

A real `barter serve` on loopback with a fresh embedded PostgreSQL, seeded with the logistics
benchmark's market (bench.logistics_api.seed) turned into proposed exchanges, so that preview
plans can be made again and again. Phase 1 (idle): `--readers` clients read GET /v1/offers
(a page of 50) in a loop for `--seconds`. Phase 2 (planning): `--planners` clients, each with its
own admin key, ask for preview plans of every region at once and ask again as soon as they are
answered (after 1 s, not Retry-After's 10, when refused with 429); the same readers
read for the same time. Reports the read p50/p99 of both phases, the plans made and refused, and
writes the "planning-load" section of docs/benchmarks.md. Bounded: both phases end on time; every
client is on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import time
from collections import Counter
from typing import Any

import asyncpg

from barter.schemas.keys import KeyCreate
from barter.services import keys as keys_service
from barter.storage.database import init_connection
from bench.http_client import Connection
from bench.logistics_api import SECRET, seed
from bench.report import write_section
from bench.serving import serving

READ_PATH = "/v1/offers?limit=50"


async def prepare(url: str, transfers: int, planners: int) -> tuple[str, list[str]]:
    """The market as proposed exchanges whose holds run for a day; a reader key and planner keys."""
    reader = await seed(url, transfers, 0)
    conn: asyncpg.Connection = await asyncpg.connect(url)
    await init_connection(conn)
    try:
        await conn.execute(
            "UPDATE proposals SET status = 'proposed', approved_at = NULL,"
            " hold_expires_at = now() + interval '1 day'"
        )
        keys = [
            (await keys_service.create(conn, None, SECRET, KeyCreate(role="admin", name=f"planner {i}"))).key
            for i in range(planners)
        ]
    finally:
        await conn.close()
    return reader, keys


def _port(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


async def read_loop(
    port: int, key: str, until: float, latencies: list[float], statuses: Counter[int]
) -> None:
    async with Connection("127.0.0.1", port, {"Authorization": f"Bearer {key}"}) as conn:
        while time.monotonic() < until:
            began = time.perf_counter()
            status, _ = await conn.request("GET", READ_PATH)
            latencies.append(time.perf_counter() - began)
            statuses[status] += 1


async def plan_loop(
    port: int, key: str, stop: asyncio.Event, time_limit: float, statuses: Counter[int]
) -> None:
    body = {"preview": True, "time_limit_s": time_limit}
    async with Connection("127.0.0.1", port, {"Authorization": f"Bearer {key}"}) as conn:
        while not stop.is_set():
            status, _ = await conn.request("POST", "/v1/logistics/plans", body)
            statuses[status] += 1
            if status == 429:
                # Retry-After says 10 s; a client hungrier than that keeps both planner slots full.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1.0)


async def readers_for(port: int, key: str, readers: int, seconds: float) -> tuple[list[float], Counter[int]]:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    until = time.monotonic() + seconds
    await asyncio.gather(*(read_loop(port, key, until, latencies, statuses) for _ in range(readers)))
    return latencies, statuses


def p(latencies: list[float], q: float) -> float:
    return statistics.quantiles(latencies, n=1000)[int(q * 1000) - 1] * 1000


async def measure(args: argparse.Namespace, base: str, reader: str, planners: list[str]) -> dict[str, Any]:
    port = _port(base)
    await readers_for(port, reader, args.readers, 2)  # warm the server's pool and caches
    idle, idle_statuses = await readers_for(port, reader, args.readers, args.seconds)
    stop = asyncio.Event()
    plan_statuses: Counter[int] = Counter()
    planning = [
        asyncio.create_task(plan_loop(port, key, stop, args.time_limit, plan_statuses)) for key in planners
    ]
    await asyncio.sleep(2)  # the first plans are under way
    busy, busy_statuses = await readers_for(port, reader, args.readers, args.seconds)
    stop.set()
    await asyncio.wait_for(asyncio.gather(*planning), timeout=args.time_limit * 4 + 60)
    return {
        "idle": idle,
        "busy": busy,
        "idle_statuses": idle_statuses,
        "busy_statuses": busy_statuses,
        "plans": plan_statuses,
    }


def report(args: argparse.Namespace, result: dict[str, Any]) -> str:
    idle, busy = result["idle"], result["busy"]
    ratio = p(busy, 0.99) / p(idle, 0.99)
    plans = result["plans"]
    lines = [
        f"- Market: {args.transfers} proposed single-transfer exchanges over six regions "
        f"(bench.logistics_api.seed); reads: GET {READ_PATH} by {args.readers} keep-alive clients "
        f"for {args.seconds:g} s per phase; planning: {args.planners} clients with their own admin keys "
        f"asking for preview plans of every region (time limit {args.time_limit:g} s) again and again.",
        f"- Plans answered 201: {plans.get(201, 0)}; refused 429 (`planner_busy`): {plans.get(429, 0)}; "
        f"other: {sum(v for k, v in plans.items() if k not in (201, 429))}. Settings: "
        "plan_concurrency 2 (worker processes at nice 19), plan_per_key 1.",
        "",
        "| phase | reads | read p50 (ms) | read p99 (ms) | non-200 reads |",
        "|---|---:|---:|---:|---:|",
        f"| idle | {len(idle):,} | {p(idle, 0.5):.1f} | {p(idle, 0.99):.1f} | "
        f"{sum(v for k, v in result['idle_statuses'].items() if k != 200)} |",
        f"| while planning | {len(busy):,} | {p(busy, 0.5):.1f} | {p(busy, 0.99):.1f} | "
        f"{sum(v for k, v in result['busy_statuses'].items() if k != 200)} |",
        "",
        f"**Read p99 while planning / idle: {ratio:.2f}x** (target: within 3x).",
        "",
        "The machine was shared with other sessions running their own tests and benchmarks while this "
        "ran, so absolute figures are inflated and noisy; the ratio is the figure that matters.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--transfers", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--planners", type=int, default=24)
    parser.add_argument("--readers", type=int, default=32)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    with serving("barter-planload-", SECRET) as served:
        reader, planners = asyncio.run(prepare(served.database_url, args.transfers, args.planners))
        result = asyncio.run(measure(args, served.base, reader, planners))
    text = report(args, result)
    print(text)
    if not args.no_write:
        command = "python -m bench.planning_load " + " ".join(sys.argv[1:] if argv is None else argv)
        write_section("planning-load", "Reads while 24 clients ask for plans", command.strip(), text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

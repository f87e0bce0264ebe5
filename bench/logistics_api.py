"""Benchmark: plan 500 approved transfers over six regions through POST /v1/logistics/plans.

    .venv/bin/python -m bench.logistics_api [--transfers 500] [--seed 0] [--time-limit 30] [--no-write]

Seeds a fresh embedded PostgreSQL with the planner benchmark's market (bench.logistics.generate:
160 communities on real province centroids, rice moving south, fish north, the rest in between),
one approved single-transfer proposal per transfer, its dates moved so that the earliest is
today. Then one admin request plans all of it with the API's default fleet (barter/api/logistics/
fleet.py) and stores the plan; the report compares that request with the planner alone on the
stored input, and times the reads of the plan, its map and the shipment list. Writes the
"logistics-api" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
from litestar.testing import AsyncTestClient

from barter.api.app import create_app
from barter.domain.clock import thai_today
from barter.logistics import Place, plan
from barter.reference import CatalogueItem, load_catalogue, load_provinces
from barter.schemas.keys import KeyCreate
from barter.services import keys as keys_service
from barter.services import logistics as service
from barter.settings import Settings
from barter.storage.bootstrap import prepare_database
from barter.storage.database import Database, init_connection
from barter.storage.embedded import DATABASE, EmbeddedPostgres, ensure_database
from bench.logistics import START, generate

SECRET = "bench-secret-0123456789abcdef"


async def seed(url: str, transfers: int, seed_: int) -> str:
    """Communities, listings and approved proposals for the generated transfers; an admin key."""
    problem = generate(transfers, seed_)
    shift = thai_today(datetime.now(UTC)) - START
    provinces = {p.name_en: p for p in load_provinces()}
    # keyed as the transfers carry them (generate() copies both from a catalogue item)
    items: dict[tuple[float, int | None], CatalogueItem] = {
        (i.kg_per_unit, i.shelf_life_days): i for i in reversed(load_catalogue())
    }
    await prepare_database(Database(url=url))
    conn: asyncpg.Connection = await asyncpg.connect(url)
    await init_connection(conn)
    try:
        async with conn.transaction():
            communities: dict[Place, int] = {}
            for place in dict.fromkeys(p for t in problem.transfers for p in (t.origin, t.destination)):
                province = provinces[place.name.rsplit(" community ", 1)[0]]
                communities[place] = await conn.fetchval(
                    "INSERT INTO communities (name_th, name_en, kind, province_code, lat, lon)"
                    " VALUES ($1, $2, 'mixed', $3, $4, $5) RETURNING id",
                    f"ชุมชน{province.name_th} {len(communities) + 1}",
                    place.name,
                    province.code,
                    place.lat,
                    place.lon,
                )
            run_id = await conn.fetchval(
                "INSERT INTO matching_runs (regions, settings, status)"
                " VALUES ('{north,northeast,central,east,west,south}', jsonb_build_object('seed', 0),"
                " 'succeeded') RETURNING id"
            )
            now = datetime.now(UTC)
            for t in problem.transfers:
                item = items[(t.kg_per_unit, t.shelf_life_days)]
                quantity = Decimal(f"{t.quantity:.4f}")
                giver, receiver = communities[t.origin], communities[t.destination]
                offer = await conn.fetchval(
                    "INSERT INTO offers (community_id, item_id, quantity, held, available_from)"
                    " VALUES ($1, $2, $3, $3, $4) RETURNING id",
                    giver,
                    item.id,
                    quantity,
                    t.ready + shift,
                )
                need = await conn.fetchval(
                    "INSERT INTO needs (community_id, item_id, unit, quantity, held, needed_by)"
                    " VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",
                    receiver,
                    item.id,
                    item.unit,
                    quantity,
                    t.needed_by + shift,
                )
                regions = sorted({t.origin.region, t.destination.region})
                proposal = await conn.fetchval(
                    "INSERT INTO proposals (run_id, kind, status, regions, total_value, hold_expires_at,"
                    " approved_at) VALUES ($1, 'chain', 'approved', $2, $3, $4, $4) RETURNING id",
                    run_id,
                    regions,
                    Decimal(f"{t.quantity * item.reference_value:.2f}"),
                    now,
                )
                await conn.execute(
                    "INSERT INTO proposal_transfers (proposal_id, position, offer_id, need_id, giver_id,"
                    " receiver_id, item_id, unit, quantity, unit_value, value, distance_km)"
                    " VALUES ($1, 0, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0)",
                    proposal,
                    offer,
                    need,
                    giver,
                    receiver,
                    item.id,
                    item.unit,
                    quantity,
                    Decimal(f"{item.reference_value:.2f}"),
                    Decimal(f"{t.quantity * item.reference_value:.2f}"),
                )
        admin = await keys_service.create(conn, None, SECRET, KeyCreate(role="admin", name="bench"))
    finally:
        await conn.close()
    return admin.key


async def measure(url: str, data_dir: Path, key: str, time_limit: float, seed_: int) -> dict[str, Any]:
    app = create_app(Settings(database_url=url, data_dir=data_dir, secret=SECRET))
    headers = {"Authorization": f"Bearer {key}"}
    async with AsyncTestClient(app=app, timeout=120) as client:
        began = time.perf_counter()
        response = await client.post(
            "/v1/logistics/plans", json={"time_limit_s": time_limit, "seed": seed_}, headers=headers
        )
        request_s = time.perf_counter() - began
        if response.status_code != 201:
            raise SystemExit(f"planning failed: {response.status_code} {response.text[:500]}")
        body = response.json()
        reads: dict[str, float] = {}
        for name, url_ in (
            ("GET the plan", f"/v1/logistics/plans/{body['id']}"),
            ("GET its GeoJSON", f"/v1/logistics/plans/{body['id']}.geojson"),
            ("GET /v1/shipments (first 200)", "/v1/shipments?limit=200"),
        ):
            began = time.perf_counter()
            got = await client.get(url_, headers=headers)
            reads[name] = time.perf_counter() - began
            assert got.status_code == 200, got.text[:300]
            reads[f"{name} bytes"] = len(got.content)
    conn: asyncpg.Connection = await asyncpg.connect(url)
    await init_connection(conn)
    try:
        problem, stored = await service.stored_input(conn, body["id"])
    finally:
        await conn.close()
    began = time.perf_counter()
    again = plan(problem)
    planner_s = time.perf_counter() - began
    same = msgspec.json.encode(again) == msgspec.json.encode(stored)
    return {"body": body, "request_s": request_s, "planner_s": planner_s, "reads": reads, "same": same}


def report(result: dict[str, Any], transfers: int, time_limit: float) -> str:
    body = result["body"]
    t = body["totals"]
    reasons = Counter(u["reason"] for u in body["unplaced"])
    kinds = Counter(s["kind"] for s in body["shipments"])
    lots = sum(1 for s in body["shipments"] for c in s["carries"] if c["transfer"]["lot"] and c["leg"] == 1)
    reads = result["reads"]
    lines = [
        f"- {transfers} approved single-transfer proposals over {len(body['regions'])} regions; "
        f"{t['transfers']} transfers and lots planned ({lots} lots of transfers heavier than 15 t), "
        f"strategy {body['strategy']}, time limit {time_limit:g} s, "
        f"sub-problems cut by it: {body['time_limited']}",
        f"- **POST /v1/logistics/plans: {result['request_s']:.1f} s** (planning, storing "
        f"{len(body['shipments'])} shipments and every transfer's outcome, answering "
        f"{len(msgspec.json.encode(body)) / 1e6:.1f} MB); the planner alone on the stored input: "
        f"{result['planner_s']:.1f} s, "
        + ("the same plan" if result["same"] else "A DIFFERENT PLAN")
        + " (the stored input replays to the stored plan)",
        f"- {t['handovers']} hand-overs, {t['routed']} routed ({t['weight_kg'] / 1000:,.1f} t) in "
        f"{t['shipments']} shipments ({', '.join(f'{k}: {v}' for k, v in sorted(kinds.items()))}), "
        f"{t['unplaced']} unplaced"
        + (f" ({', '.join(f'{k}: {v}' for k, v in sorted(reasons.items()))})" if reasons else ""),
        "",
        "| | kilometres | cost (baht) |",
        "|---|---:|---:|",
        f"| every routed transfer alone (direct) | {t['direct_km']:,.0f} | {t['direct_cost']:,.0f} |",
        f"| the plan's shipments | {t['km']:,.0f} | {t['cost']:,.0f} |",
        f"| **saved** | **{t['saved_km']:,.0f} ({t['saved_km_pct']:g}%)** | "
        f"**{t['saved_cost']:,.0f} ({t['saved_cost_pct']:g}%)** |",
        "",
        "| read | seconds | bytes |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {name} | {reads[name]:.2f} | {reads[f'{name} bytes']:,} |"
        for name in reads
        if "bytes" not in name
    ]
    lines += [
        "",
        "Fleet: the API default (barter/api/logistics/fleet.py): per region depot 6 pickups (1 t), "
        "4 six-wheel (6 t), 2 ten-wheel (15 t), no trailer. Proposals seeded straight into PostgreSQL; "
        "the request goes through the in-process test client to the app and an embedded PostgreSQL.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transfers", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="barter-bench-logistics-") as tmp:
        data_dir = Path(tmp) / "data"
        embedded = EmbeddedPostgres(data_dir)
        embedded.start()
        try:
            asyncio.run(ensure_database(embedded.url("postgres"), DATABASE))
            url = embedded.url(DATABASE)
            key = asyncio.run(seed(url, args.transfers, args.seed))
            result = asyncio.run(measure(url, data_dir, key, args.time_limit, args.seed))
        finally:
            embedded.stop()
    body = report(result, args.transfers, args.time_limit)
    print(body)
    if not args.no_write:
        from bench.report import write_section

        command = "python -m bench.logistics_api " + " ".join(argv if argv is not None else sys.argv[1:])
        write_section(
            "logistics-api", "Logistics API: 500 approved transfers planned and stored", command.strip(), body
        )
    return 0 if result["same"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

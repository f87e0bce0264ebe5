"""The demo, end to end, through the same services the API uses (not through HTTP).

load the market -> one national matching run -> print the proposals (Thai and English) -> every
community accepts and every region approves -> dispatch and receipt -> print the accounts.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import asyncpg
import msgspec

from barter.demo import build_market
from barter.domain.access import Caller
from barter.domain.clock import SystemClock
from barter.domain.model import REGIONS
from barter.domain.proposals import Action
from barter.domain.units import english_unit
from barter.schemas.keys import KeyCreate
from barter.schemas.logistics import PlanCreate
from barter.schemas.proposals import ProposalOut
from barter.schemas.runs import RunRequest
from barter.services import keys as keys_service
from barter.services import logistics, runs
from barter.services import proposals as workflow
from barter.services.logistics_render import render_shipments
from barter.settings import Settings, ensure_secret
from barter.storage.bootstrap import prepare_database
from barter.storage.database import Database
from barter.storage.repos import communities as communities_repo
from barter.storage.repos import listings as listings_repo
from barter.storage.repos import one
from barter.storage.repos import proposals as proposals_repo
from barter.storage.sql import query
from barter.workflow.runner import Runner

Write = Callable[[str], None]
KEYS_FILE = "demo-keys.json"


def demo_settings(settings: Settings) -> Settings:
    """The demo's own folder and embedded database, beside the real data, never in it."""
    return msgspec.structs.replace(settings, data_dir=settings.data_dir / "demo", database_url=None)


async def load_market(conn: asyncpg.Connection, secret: str) -> dict[str, str]:
    """Load the demo market once (idempotent); return the demo's keys by name."""
    if await conn.fetchval(query("reference_checksum"), "demo") is not None:
        return {}
    market = build_market()
    ids: dict[str, int] = {}
    async with conn.transaction():
        for c in market.communities:
            row = await communities_repo.insert(
                conn,
                name_th=c.name_th,
                name_en=c.name_en,
                kind=c.kind,
                province_code=c.province_code,
                lat=c.lat,
                lon=c.lon,
                subdistrict_code=c.subdistrict_code,
                contact=None,
            )
            ids[c.key] = row["id"]
        for o in market.offers:
            await listings_repo.insert_offer(
                conn,
                community_id=ids[o.community],
                item_id=o.item_id,
                quantity=o.quantity,
                min_lot=o.min_lot,
                available_from=None,
                available_until=None,
                gift=o.gift,
                note=None,
            )
        units = {r["id"]: r["unit"] for r in await conn.fetch("SELECT id, unit FROM items")}
        for n in market.needs:
            await listings_repo.insert_need(
                conn,
                {
                    "community_id": ids[n.community],
                    "item_id": n.item_id,
                    "category_id": None,
                    "accept_offer_ids": None,
                    "unit": units[n.item_id],
                    "quantity": n.quantity,
                    "min_lot": n.min_lot,
                    "needed_by": None,
                    "priority": 3,
                    "max_distance_km": None,
                    "note": None,
                },
            )
        keys = await create_demo_keys(conn, secret)
        await conn.execute(query("record_reference_load"), "demo", "demo-2020")
    return keys


async def create_demo_keys(conn: asyncpg.Connection, secret: str) -> dict[str, str]:
    """The demo's keys by name: an admin, a coordinator per region and a national partner."""
    keys = {
        "admin": (
            await keys_service.create(conn, None, secret, KeyCreate(role="admin", name="demo admin"))
        ).key
    }
    for region in REGIONS:
        spec = KeyCreate(role="coordinator", regions=[region], name=f"demo coordinator, {region}")
        keys[f"coordinator-{region}"] = (await keys_service.create(conn, None, secret, spec)).key
    partner = KeyCreate(role="partner", name="demo partner (national, aggregates)")
    keys["partner"] = (await keys_service.create(conn, None, secret, partner)).key
    return keys


async def renew_demo_keys(settings: Settings, *, write: Write) -> dict[str, str]:
    """For `barter keys create --demo`: the demo market (made on first use) with a new set of keys,
    written to its keys file in place of the old set."""
    settings = ensure_secret(settings)
    assert settings.secret is not None
    await ensure_demo(settings, write=write)
    database = await Database.open(settings)
    try:
        conn = await database.connect()
        try:
            async with conn.transaction():
                keys = await create_demo_keys(conn, settings.secret)
        finally:
            await conn.close()
    finally:
        database.close()
    (settings.data_dir / KEYS_FILE).write_text(json.dumps(keys, indent=1) + "\n", encoding="utf-8")
    return keys


def _names(p: Any) -> str:
    return f"{p.name_th or p.name_en} ({p.name_en or p.name_th})"


def render_proposal(p: ProposalOut) -> list[str]:
    path = " → ".join(dict.fromkeys(x.region for x in p.participants))
    lines = [f"#{p.id} {p.kind} of {len(p.participants)} communities · {path} · {p.total_value:,.0f} baht"]
    for t in p.transfers:
        giver = next(x for x in p.participants if x.community_id == t.giver_id)
        receiver = next(x for x in p.participants if x.community_id == t.receiver_id)
        lines.append(
            f"   {_names(giver)}\n      → {_names(receiver)}: "
            f"{t.quantity:,.1f} {english_unit(t.unit, t.quantity)} "
            f"{t.item_name_th} ({t.item_name_en}), {t.distance_km:,.0f} km"
        )
    return lines


async def run_demo(settings: Settings, *, time_limit_s: float, show: int, write: Write) -> list[ProposalOut]:
    settings = ensure_secret(settings)
    write(f"barter demo: data in {settings.data_dir} (embedded PostgreSQL)")
    database = await Database.open(settings)
    try:
        await prepare_database(database)
        conn = await database.connect()
        try:
            return await _demo(conn, database, settings, time_limit_s, show, write)
        finally:
            await conn.close()
    finally:
        database.close()


async def _demo(
    conn: asyncpg.Connection,
    database: Database,
    settings: Settings,
    time_limit_s: float,
    show: int,
    write: Write,
) -> list[ProposalOut]:
    started = time.monotonic()
    assert settings.secret is not None
    clock = SystemClock()
    keys = await load_market(conn, settings.secret)
    if keys:
        (settings.data_dir / KEYS_FILE).write_text(json.dumps(keys, indent=1) + "\n", encoding="utf-8")
    c = await one(conn, query("demo_market_counts"))
    write(f"market: {c['communities']} communities, {c['offers']} open offers, {c['needs']} open needs")
    admin_key = json.loads((settings.data_dir / KEYS_FILE).read_text(encoding="utf-8"))["admin"]
    write(f"demo keys (admin, a coordinator per region, a partner): {settings.data_dir / KEYS_FILE}")
    admin = await _caller(conn, settings.secret, admin_key)

    run_id = await _match(conn, database, settings, admin, clock, time_limit_s, write)
    proposals = await workflow.load(conn, await conn.fetch(query("demo_run_proposals"), run_id))
    cross = [
        p for p in proposals if len(p.participants) >= 3 and len({x.region for x in p.participants}) >= 2
    ]
    write(f"\n{len(proposals)} proposals; {len(cross)} join three or more communities across regions.")
    write("ข้อเสนอการแลกเปลี่ยน / proposed exchanges:")
    for p in (cross + [p for p in proposals if p not in cross])[:show]:
        write("\n".join(render_proposal(p)))
    if cross:
        example = cross[0].participants[0]
        write(f"\nwhat {example.name_en} is told:")
        write(f"  TH: {example.explanation_th}\n  EN: {example.explanation_en}")

    write("\nevery community accepts and every region's coordinator approves ...")
    await _move_all(conn, admin, proposals, ("accept", "approve"), clock)
    if proposals:
        write("\nshipments for the approved exchanges (การขนส่ง):")
        async with conn.transaction():
            plan = await logistics.create_plan(
                conn, admin, PlanCreate(time_limit_s=15, seed=2020), clock, settings
            )
        head, *shipments = render_shipments(plan).split("\nShipment ")
        write("\n".join([head, *(f"Shipment {s}" for s in shipments[:2])]))
        if len(shipments) > 2:
            write(
                f"... and {len(shipments) - 2} more shipments (GET /v1/shipments, or the map: "
                f"GET /v1/logistics/plans/{plan.id}.geojson)"
            )
    write("\nthe goods go and arrive: dispatch, then every receiver confirms ...")
    await _move_all(conn, admin, proposals, ("dispatch", "complete"), clock)
    done = await conn.fetchval(query("demo_completed"), run_id)
    write(f"{done} exchanges completed.\n\naccounts (บัญชีชุมชน), by region:")
    for line in await _accounts(conn):
        write(line)
    write(f"\ndone in {time.monotonic() - started:.1f} s. Serve this data with: barter serve --demo")
    return proposals


async def _match(
    conn: asyncpg.Connection,
    database: Database,
    settings: Settings,
    admin: Caller,
    clock: SystemClock,
    time_limit_s: float,
    write: Write,
) -> int:
    """One national run through the same Runner the API uses; the run's id once it succeeded."""
    runner = Runner(
        database,
        clock,
        timedelta(hours=settings.hold_hours),
        cooldown=timedelta(days=settings.decline_cooldown_days),
        engine_processes=settings.engine_processes,
    )
    await runner.recover()
    request = RunRequest(regions=list(REGIONS), time_limit_s=time_limit_s, seed=2020)
    async with conn.transaction():
        started = await runs.start_run(conn, admin, runner, request, runs.run_defaults(settings))
    write(
        f"matching run {started.run.id}: six regions, cycles and chains of up to 3, "
        f"at most {time_limit_s:.0f} s"
    )
    await runner.start(started.reservation)
    await runner.wait()
    run = await runs.get_run(conn, admin, started.run.id)
    if run.status != "succeeded":
        raise RuntimeError(f"the matching run failed: {run.error}")
    gap = f"{run.gap:.1%}" if run.gap is not None else "n/a"
    objective, bound = f"{run.objective or 0:,.0f}", f"{run.upper_bound or 0:,.0f}"
    write(f"  {run.engine_status}: objective {objective}, bound {bound}, gap {gap}; {run.message}")
    return run.id


async def _move_all(
    conn: asyncpg.Connection,
    admin: Caller,
    proposals: list[ProposalOut],
    actions: tuple[Action, ...],
    clock: SystemClock,
) -> None:
    for p in proposals:
        for action in actions:
            async with conn.transaction():
                await workflow.transition(conn, admin, p.id, action, clock)


async def _caller(conn: asyncpg.Connection, secret: str, key: str) -> Caller:
    caller = await keys_service.authenticate(conn, secret, key)
    assert caller is not None
    return caller


async def _accounts(conn: asyncpg.Connection) -> list[str]:
    lines = []
    for r in await conn.fetch(query("demo_accounts_by_region")):
        gave, received = f"{r['gave']:,.0f}", f"{r['received']:,.0f}"
        who = f"{r['region']:<10} {r['communities']:>3} communities"
        lines.append(f"  {who} gave {gave:>9}, received {received:>9} baht")
    lines.append("  the five most active communities:")
    for r in await conn.fetch(query("demo_most_active"), 5):
        moves = []
        for x in await proposals_repo.account(conn, r["id"]):
            verb, amount = (
                ("received", x["received_quantity"])
                if x["received_quantity"]
                else ("gave", x["gave_quantity"])
            )
            moves.append(
                f"{verb} {amount:,.0f} {english_unit(x['unit'], amount)} of {x['item_name_en'].lower()}"
            )
        lines.append(f"    {r['name_th']} ({r['name_en']}): {', '.join(moves)}")
    return lines


async def ensure_demo(settings: Settings, *, write: Write) -> dict[str, str]:
    """For `barter serve --demo`: run the demo once if its folder has none yet; return its keys."""
    settings = ensure_secret(settings)
    keys_file = settings.data_dir / KEYS_FILE
    if not keys_file.exists():
        await run_demo(settings, time_limit_s=20.0, show=3, write=write)
    keys: dict[str, str] = json.loads(keys_file.read_text(encoding="utf-8"))
    return keys

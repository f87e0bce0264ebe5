"""GET /v1/exports/{offers,needs,proposals,ledger}.{csv,geojson}: every match, streamed, UTF-8 with
Thai intact."""

from __future__ import annotations

import asyncio
import csv
import gc
import io
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest

from barter.api.app import EXPORT_CONNECTIONS
from barter.domain.access import Caller
from barter.schemas.listings import ListingFilter
from barter.services import exports as service
from barter.services.exports import EXPORTS
from barter.storage.database import init_connection
from barter.storage.repos.exports import listing_statement
from tests.api.exchanges import Market
from tests.cli.serving import ServerProcess
from tests.conftest import TEST_SECRET
from tests.polling import poll
from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OWNER, PARTNER, World, second_south_community


@pytest.fixture
async def listings(world: World) -> dict[str, Any]:
    fish = await world.offer(ADMIN, note='ปลาแห้งตากแดด 3 วัน, "เกรด A"')
    formula = await world.offer(ADMIN, item_id="shrimp-paste", quantity=20, note='=HYPERLINK("http://x")')
    rice = await world.offer(ADMIN, community_id=world.b["id"], item_id="rice-jasmine", quantity=1000)
    need = await world.need(
        ADMIN,
        community_id=world.b["id"],
        item_id=None,
        accept_offer_ids=[fish["id"], formula["id"]],
        quantity=30,
        min_lot=0,
    )
    return {"fish": fish, "formula": formula, "rice": rice, "need": need}


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


async def test_offers_csv_opens_with_the_csv_module_and_keeps_thai(
    world: World, listings: dict[str, Any]
) -> None:
    response = await world.get(ADMIN, "/v1/exports/offers.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="offers.csv"'
    assert "ปลาแห้ง".encode() in response.content  # raw UTF-8, not escaped
    rows = _csv(response)
    assert [int(r["id"]) for r in rows] == [listings[k]["id"] for k in ("fish", "formula", "rice")]
    fish = rows[0]
    assert fish["community_name_th"] == "กลุ่มประมงพื้นบ้านบ้านปากบารา"
    assert fish["item_name_th"] == "ปลาแห้ง"
    assert fish["note"] == 'ปลาแห้งตากแดด 3 วัน, "เกรด A"'  # comma and quotes survive quoting
    assert (fish["quantity"], fish["remaining"], fish["unit"], fish["gift"]) == ("200", "200", "kg", "false")
    assert (float(fish["lat"]), float(fish["lon"]), fish["region"]) == (6.86, 99.72, "south")
    assert fish["created_at"] == listings["fish"]["created_at"].replace("Z", "+00:00")
    assert "contact" not in fish  # contacts stay with the coordinators
    # A spreadsheet would run this as a formula: it is kept as text.
    assert rows[1]["note"] == '\'=HYPERLINK("http://x")'


async def test_bom_for_spreadsheets(world: World, listings: dict[str, Any]) -> None:
    response = await world.get(ADMIN, "/v1/exports/offers.csv", bom="true")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["id"] == str(listings["fish"]["id"])
    plain = await world.get(ADMIN, "/v1/exports/offers.csv")
    assert plain.content.startswith(b"id,")


async def test_offers_geojson_is_a_feature_collection_of_points(
    world: World, listings: dict[str, Any]
) -> None:
    response = await world.get(ADMIN, "/v1/exports/offers.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    assert "ข้าวหอมมะลิ".encode() in response.content
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert [f["id"] for f in features] == [listings[k]["id"] for k in ("fish", "formula", "rice")]
    rice = features[2]
    assert rice["type"] == "Feature"
    assert rice["geometry"] == {"type": "Point", "coordinates": [99.83, 19.9]}  # lon, lat
    assert rice["properties"]["community_name_th"] == "วิสาหกิจชุมชนข้าวหอมมะลิเชียงราย"
    assert rice["properties"]["quantity"] == 1000
    assert "lat" not in rice["properties"]


async def test_needs_exports(world: World, listings: dict[str, Any]) -> None:
    rows = _csv(await world.get(ADMIN, "/v1/exports/needs.csv"))
    assert len(rows) == 1
    assert rows[0]["accept_offer_ids"] == f"{listings['fish']['id']} {listings['formula']['id']}"
    assert rows[0]["item_id"] == ""
    assert rows[0]["priority"] == "3"
    geo = json.loads((await world.get(ADMIN, "/v1/exports/needs.geojson")).content)
    assert geo["features"][0]["properties"]["accept_offer_ids"] == [
        listings["fish"]["id"],
        listings["formula"]["id"],
    ]


async def test_filters_are_those_of_the_lists(world: World, listings: dict[str, Any]) -> None:
    async def ids(**params: Any) -> list[int]:
        return [int(r["id"]) for r in _csv(await world.get(ADMIN, "/v1/exports/offers.csv", **params))]

    assert await ids(region="north") == [listings["rice"]["id"]]
    assert await ids(item_id="shrimp-paste") == [listings["formula"]["id"]]
    assert await ids(q="ข้าว") == [listings["rice"]["id"]]
    assert await ids(near="6.86,99.72", within_km=50) == [listings["fish"]["id"], listings["formula"]["id"]]
    assert await ids(region="central") == []
    bad = await world.get(ADMIN, "/v1/exports/offers.csv", within_km=5)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["path"] == "within_km"
    # Withdrawn listings, as in the list: only for whoever may see them.
    assert (await world.delete(ADMIN, f"/v1/offers/{listings['rice']['id']}", '"v1"')).status_code == 200
    assert await ids(status="withdrawn") == [listings["rice"]["id"]]
    assert await ids() == [listings["fish"]["id"], listings["formula"]["id"]]


async def test_grants_decide_what_is_exported(world: World, listings: dict[str, Any]) -> None:
    south = _csv(await world.get(COORD, "/v1/exports/offers.csv"))
    assert {r["region"] for r in south} == {"south"}
    assert {r["region"] for r in _csv(await world.get(COORD_ELSEWHERE, "/v1/exports/offers.csv"))} == {
        "north"
    }
    assert (await world.get(COORD, "/v1/exports/offers.csv", region="north")).status_code == 403
    world.keys["north_detail"] = await world.new_key(role="partner", regions=["north"], partner_detail=True)
    north = json.loads((await world.get("north_detail", "/v1/exports/offers.geojson")).content)
    assert [f["id"] for f in north["features"]] == [listings["rice"]["id"]]
    for persona in (PARTNER, OWNER):  # aggregates only; a community
        refused = await world.get(persona, "/v1/exports/needs.geojson")
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")


async def test_an_empty_export_is_still_well_formed(world: World) -> None:
    assert _csv(await world.get(ADMIN, "/v1/exports/needs.csv")) == []
    assert json.loads((await world.get(ADMIN, "/v1/exports/needs.geojson")).content) == {
        "type": "FeatureCollection",
        "features": [],
    }


async def test_large_exports_stream_in_batches(world: World, database_url: str) -> None:
    await world.db.execute(
        "INSERT INTO offers (community_id, item_id, quantity, note) "
        "SELECT $1, 'dried-fish', g, 'ล็อตที่ ' || g FROM generate_series(1, 1234) g",
        world.a["id"],
    )
    admin = Caller(key_id=world.key_ids[ADMIN], role="admin")
    async with asyncpg.create_pool(database_url, min_size=1, max_size=1, init=init_connection) as pool:
        chunks = [
            c
            async for c in service.stream(
                pool, EXPORTS["offers"], "csv", listing_statement("offer", admin, ListingFilter(), None)
            )
        ]
    # the header, then one chunk per 500 rows: memory holds one batch, not the export
    assert [c.count(b"\r\n") for c in chunks] == [1, 500, 500, 234]
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode("utf-8"))))
    assert len(rows) == 1234
    assert rows[-1]["note"] == "ล็อตที่ 1234"
    over_http = _csv(await world.get(ADMIN, "/v1/exports/offers.csv"))
    assert over_http == rows


async def test_refusals_leak_no_connection(world: World) -> None:
    """Requests refused by a dependency (filters, keys, Idempotency-Key) give their connection back,
    with no help from the garbage collector."""
    assert (await world.get(ANON, "/v1/exports/offers.csv", within_km=5)).status_code == 401  # before 422
    pool = world.client.app.state.pool
    bad_key = {"Idempotency-Key": "k" * 300}  # too long: refused after the transaction began
    offer = {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 1}
    gc.disable()  # a connection held only by a reference cycle would stay out of the pool
    try:
        for _ in range(3):
            assert (await world.get(ADMIN, "/v1/offers", region="mars")).status_code == 422
            assert (await world.get(ADMIN, "/v1/exports/offers.csv", within_km=5)).status_code == 422
            assert (await world.get(ADMIN, "/v1/exports/needs.geojson", status="gone")).status_code == 422
            assert (await world.get(ANON, "/v1/stats/supply-demand")).status_code == 401
            assert (await world.post(ADMIN, "/v1/offers", offer, **bad_key)).status_code == 422

        async def idle() -> bool:
            return bool(pool.get_size() == pool.get_idle_size())

        # the server's sweeper (every 15 s) may hold a connection for a moment; a leaked one
        # (held by a reference cycle while the collector is off) never comes back
        await poll(idle, bool, timeout=10)
    finally:
        gc.enable()
    assert await world.db.fetchval("SELECT count(*) FROM offers") == 0


async def test_abandoned_downloads_give_their_connection_back(
    world: World, database_url: str, tmp_path: Path
) -> None:
    """Against a real server: clients that hang up mid-export leave no transaction behind, and
    more of them than the export pool has connections do not block the next export."""
    await world.db.execute(
        "INSERT INTO offers (community_id, item_id, quantity) "
        "SELECT $1, 'dried-fish', g FROM generate_series(1, 20000) g",
        world.a["id"],
    )
    server = ServerProcess(
        tmp_path / "data",
        extra_env={
            "BARTER_DATABASE_URL": database_url,
            "BARTER_SECRET": TEST_SECRET,
            "BARTER_LOG_LEVEL": "warning",
        },
    )
    server.start()
    try:
        await asyncio.to_thread(server.wait_healthy)
        async with httpx.AsyncClient(base_url=server.url, headers=world.headers(ADMIN), timeout=30) as http:
            for _ in range(EXPORT_CONNECTIONS + 2):
                async with http.stream("GET", "/v1/exports/offers.csv") as response:
                    assert response.status_code == 200
                    async for chunk in response.aiter_raw():
                        assert chunk.startswith(b"id,")
                        break  # hang up after the first chunk
            full = await http.get("/v1/exports/offers.geojson")
            assert full.status_code == 200
            assert len(json.loads(full.content)["features"]) == 20000
        stuck = (
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND state LIKE 'idle in%'"
        )
        deadline = time.monotonic() + 10
        while await world.db.fetchval(stuck):  # the server notices each hang-up at its next write
            assert time.monotonic() < deadline, "a transaction was left open"
            await asyncio.sleep(0.05)
    finally:
        server.stop()


# --- proposals and the ledger --------------------------------------------------------------------


@pytest.fixture
async def exchanges(world: World) -> dict[str, Any]:
    """South: A, A2, Trang; north: B; northeast: Yasothon.
    `south`: A -> A2 -> Trang -> A, completed (its ledger: 6 entries).
    `cross`: A -> B -> A (south and north), proposed.
    `chain`: B gives rice to Yasothon (north and northeast), declined."""
    market = Market(world)
    a, b = world.a, world.b
    a2 = await second_south_community(world)
    trang = await market.community("กลุ่มแม่บ้านตรัง", "92", 7.56, 99.61)
    yasothon = await market.community("กลุ่มเกษตรกรนาข้าวยโสธร", "35", 15.79, 104.14)
    south = await market.exchange([(a, "dried-fish", 10), (a2, "rice-jasmine", 70), (trang, "coconut", 100)])
    await market.complete(south)
    cross = await market.exchange([(a, "dried-fish", 5), (b, "rice-jasmine", 37)])
    chain = await market.exchange([(b, "rice-jasmine", 100), (yasothon, "turmeric", 0)], kind="chain")
    await market.move(chain, "decline", reason="ไม่มีรถขนส่ง")
    return {
        "market": market,
        "south": south,
        "cross": cross,
        "chain": chain,
        "a2": a2,
        "trang": trang,
        "yasothon": yasothon,
    }


async def _transfers(w: World, persona: str, **params: Any) -> list[tuple[int, int]]:
    rows = _csv(await w.get(persona, "/v1/exports/proposals.csv", **params))
    return [(int(r["proposal_id"]), int(r["position"])) for r in rows]


async def test_proposals_csv_has_one_row_per_transfer(world: World, exchanges: dict[str, Any]) -> None:
    south, cross, chain = exchanges["south"], exchanges["cross"], exchanges["chain"]
    response = await world.get(ADMIN, "/v1/exports/proposals.csv")
    assert response.headers["content-disposition"] == 'attachment; filename="proposals.csv"'
    rows = _csv(response)
    assert [(int(r["proposal_id"]), int(r["position"])) for r in rows] == [
        (south, 0),
        (south, 1),
        (south, 2),
        (cross, 0),
        (cross, 1),
        (chain, 0),
    ]
    first = rows[0]
    assert (first["kind"], first["status"], first["regions"], first["participants"]) == (
        "cycle",
        "completed",
        "south",
        "3",
    )
    assert (first["giver_id"], first["receiver_id"]) == (str(world.a["id"]), str(exchanges["a2"]["id"]))
    assert first["giver_name_th"] == "กลุ่มประมงพื้นบ้านบ้านปากบารา"
    assert first["receiver_name_th"] == "บ้านทุ่งหว้า"
    assert (first["item_id"], first["item_name_th"], first["unit"], first["quantity"]) == (
        "dried-fish",
        "ปลาแห้ง",
        "kg",
        "10",
    )
    assert float(first["value"]) == pytest.approx(10 * float(first["unit_value"]))
    assert float(first["proposal_value"]) == pytest.approx(sum(float(r["value"]) for r in rows[:3]))
    assert (float(first["giver_lat"]), float(first["receiver_lon"])) == (6.86, 99.8)
    assert all(first[c] for c in ("received_at", "approved_at", "completed_at"))
    declined = rows[-1]
    assert (declined["status"], declined["regions"], declined["kind"]) == (
        "rejected",
        "north northeast",
        "chain",
    )
    assert declined["reason"] == "ไม่มีรถขนส่ง"
    assert declined["receiver_name_th"] == "กลุ่มเกษตรกรนาข้าวยโสธร"
    assert rows[3]["completed_at"] == ""


async def test_proposals_geojson_draws_each_transfer_from_giver_to_receiver(
    world: World, exchanges: dict[str, Any]
) -> None:
    response = await world.get(ADMIN, "/v1/exports/proposals.geojson", status="proposed")
    assert response.headers["content-type"] == "application/geo+json"
    features = json.loads(response.content)["features"]
    cross = exchanges["cross"]
    assert [f["id"] for f in features] == [f"{cross}-0", f"{cross}-1"]
    fish, rice = features
    assert fish["geometry"] == {"type": "LineString", "coordinates": [[99.72, 6.86], [99.83, 19.9]]}
    assert rice["geometry"]["coordinates"] == [[99.83, 19.9], [99.72, 6.86]]
    assert rice["properties"]["giver_name_th"] == "วิสาหกิจชุมชนข้าวหอมมะลิเชียงราย"
    assert rice["properties"]["regions"] == ["north", "south"]
    assert rice["properties"]["quantity"] == 37
    assert not {"giver_lat", "giver_lon", "receiver_lat", "receiver_lon"} & set(rice["properties"])


async def test_proposal_export_filters(world: World, exchanges: dict[str, Any]) -> None:
    south, cross, chain = exchanges["south"], exchanges["cross"], exchanges["chain"]

    async def proposals(**params: Any) -> list[int]:
        return list(dict.fromkeys(p for p, _ in await _transfers(world, ADMIN, **params)))

    assert await proposals(status="completed") == [south]
    assert await proposals(region="northeast") == [chain]
    assert await proposals(region="north") == [cross, chain]
    assert await proposals(community_id=world.b["id"]) == [cross, chain]
    assert await proposals(community_id=exchanges["trang"]["id"]) == [south]
    run_id = await world.db.fetchval("SELECT run_id FROM proposals WHERE id = $1", cross)
    assert await proposals(run_id=run_id) == [cross]
    today = datetime.now(ZoneInfo("Asia/Bangkok")).date()
    assert await proposals(since=str(today - timedelta(days=1)), until=str(today)) == [
        south,
        cross,
        chain,
    ]
    await exchanges["market"].dated(
        chain, datetime(2025, 3, 31, 17, 30, tzinfo=UTC)
    )  # 00:30 on 1 April, Thai
    assert await proposals(since="2025-04-01", until="2025-04-01") == [chain]
    assert await proposals(until="2025-03-31") == []
    backwards = await world.get(ADMIN, "/v1/exports/proposals.csv", since="2025-04-02", until="2025-04-01")
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["path"] == "until"
    assert (await world.get(ADMIN, "/v1/exports/proposals.csv", status="lost")).status_code == 422


async def test_proposal_exports_follow_the_grants(world: World, exchanges: dict[str, Any]) -> None:
    south, cross, chain = exchanges["south"], exchanges["cross"], exchanges["chain"]
    # A proposal touching a region read is exported whole, the north's transfer of `cross` included.
    assert await _transfers(world, COORD) == [(south, 0), (south, 1), (south, 2), (cross, 0), (cross, 1)]
    assert await _transfers(world, COORD_ELSEWHERE) == [(cross, 0), (cross, 1), (chain, 0)]
    assert (await world.get(COORD, "/v1/exports/proposals.csv", region="north")).status_code == 403
    # A partner's grant must cover every region of a proposal (the rule of the list and of webhooks).
    world.keys["ne_detail"] = await world.new_key(role="partner", regions=["northeast"], partner_detail=True)
    assert await _transfers(world, "ne_detail") == []
    world.keys["n_ne_detail"] = await world.new_key(
        role="partner", regions=["north", "northeast"], partner_detail=True
    )
    assert await _transfers(world, "n_ne_detail") == [(chain, 0)]
    for persona in (PARTNER, OWNER):  # aggregates only; a community
        for url in ("/v1/exports/proposals.geojson", "/v1/exports/ledger.csv"):
            refused = await world.get(persona, url)
            assert refused.status_code == 403
            assert refused.headers["content-type"].startswith("application/problem+json")


async def test_proposals_csv_with_a_bom(world: World, exchanges: dict[str, Any]) -> None:
    response = await world.get(ADMIN, "/v1/exports/proposals.csv", bom="true")
    assert response.content.startswith(b"\xef\xbb\xbfproposal_id,")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["giver_name_th"] == "กลุ่มประมงพื้นบ้านบ้านปากบารา"


async def test_ledger_csv_lists_what_each_community_gave_and_received(
    world: World, exchanges: dict[str, Any]
) -> None:
    south = exchanges["south"]
    response = await world.get(ADMIN, "/v1/exports/ledger.csv")
    assert response.headers["content-disposition"] == 'attachment; filename="ledger.csv"'
    rows = _csv(response)
    assert len(rows) == 6  # only the completed exchange: two entries per transfer
    assert {int(r["proposal_id"]) for r in rows} == {south}
    a = [r for r in rows if r["community_id"] == str(world.a["id"])]
    assert sorted((r["direction"], r["item_id"], r["quantity"]) for r in a) == [
        ("gave", "dried-fish", "10"),
        ("received", "coconut", "100"),
    ]
    gave = next(r for r in a if r["direction"] == "gave")
    assert gave["community_name_th"] == "กลุ่มประมงพื้นบ้านบ้านปากบารา"
    assert (gave["counterpart_name_th"], gave["counterpart_region"]) == ("บ้านทุ่งหว้า", "south")
    assert (gave["item_name_th"], gave["region"], float(gave["lat"])) == ("ปลาแห้ง", "south", 6.86)
    assert float(gave["value"]) == pytest.approx(
        float(await world.db.fetchval("SELECT reference_value FROM items WHERE id = 'dried-fish'")) * 10
    )
    run_id = await world.db.fetchval("SELECT run_id FROM proposals WHERE id = $1", south)
    assert {r["run_id"] for r in rows} == {str(run_id)}
    gave_total = sum(float(r["value"]) for r in rows if r["direction"] == "gave")
    received_total = sum(float(r["value"]) for r in rows if r["direction"] == "received")
    assert gave_total == pytest.approx(received_total)


async def test_ledger_filters_grants_and_map(world: World, exchanges: dict[str, Any]) -> None:
    async def entries(persona: str = ADMIN, **params: Any) -> list[dict[str, str]]:
        return _csv(await world.get(persona, "/v1/exports/ledger.csv", **params))

    assert len(await entries(direction="gave")) == 3
    assert {r["direction"] for r in await entries(community_id=world.a["id"])} == {"gave", "received"}
    assert await entries(region="north") == []
    today = datetime.now(ZoneInfo("Asia/Bangkok")).date()
    assert len(await entries(since=str(today))) == 6
    assert await entries(until=str(today - timedelta(days=1))) == []
    assert len(await entries(COORD)) == 6
    assert await entries(COORD_ELSEWHERE) == []
    assert (await world.get(ADMIN, "/v1/exports/ledger.csv", direction="lent")).status_code == 422
    features = json.loads(
        (await world.get(ADMIN, "/v1/exports/ledger.geojson", direction="received")).content
    )["features"]
    trang = next(f for f in features if f["properties"]["community_id"] == exchanges["trang"]["id"])
    assert trang["geometry"] == {"type": "Point", "coordinates": [99.61, 7.56]}
    assert trang["properties"]["community_name_th"] == "กลุ่มแม่บ้านตรัง"
    assert trang["properties"]["item_id"] == "rice-jasmine"
    assert isinstance(trang["id"], int)

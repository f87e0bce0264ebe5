"""GET /v1/stats/supply-demand and /v1/stats/exchanges: figures per cell, grants, and suppression of
small cells."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from barter.storage.repos import communities as communities_repo
from tests.api.exchanges import Market
from tests.world import ADMIN, COORD, OWNER, PARTNER, World, second_south_community

URL = "/v1/stats/supply-demand"


async def _community(w: World, name: str, province: str) -> int:
    row = await communities_repo.insert(
        w.db,
        name_th=name,
        name_en=None,
        kind="fishing",
        province_code=province,
        lat=7.0,
        lon=100.0,
        subdistrict_code=None,
        contact=None,
    )
    return int(row["id"])


@pytest.fixture
async def market(world: World) -> dict[str, Any]:
    """South: A (Satun), Songkhla and Trang: three communities. North: B alone."""
    songkhla = await _community(world, "กลุ่มประมงสงขลา", "90")
    trang = await _community(world, "กลุ่มแม่บ้านตรัง", "92")
    fish = await world.offer(ADMIN, quantity=200)  # A, dried fish 260/kg
    squid = await world.offer(ADMIN, community_id=songkhla, item_id="dried-squid", quantity=10)  # 950/kg
    await world.offer(ADMIN, community_id=trang, item_id="coconut", quantity=40, min_lot=0)  # 25/piece
    rice = await world.offer(
        ADMIN, community_id=world.b["id"], item_id="rice-jasmine", quantity=1000
    )  # 35/kg
    await world.need(ADMIN, quantity=1500)  # A needs jasmine rice
    await world.need(
        ADMIN,
        community_id=world.b["id"],
        item_id=None,
        category_id="fish-seafood",
        unit="kg",
        quantity=50,
        min_lot=0,
    )
    # A proposal holds 50 kg of the fish and 30 kg were delivered earlier (the workflow's job).
    await world.db.execute("UPDATE offers SET held = 50, delivered = 30 WHERE id = $1", fish["id"])
    return {"songkhla": songkhla, "trang": trang, "fish": fish, "squid": squid, "rice": rice}


def _cells(response: Any) -> dict[str, dict[str, Any]]:
    assert response.status_code == 200, response.text
    return {c["key"]: c for c in response.json()["cells"]}


async def test_region_cells_count_open_matched_and_delivered(world: World, market: dict[str, Any]) -> None:
    body = (await world.get(ADMIN, URL, group_by="region")).json()
    assert body["regions"] is None
    assert body["detail"]
    assert body["suppressed_cells"] == 0
    cells = {c["key"]: c for c in body["cells"]}
    assert list(cells) == ["north", "south"]  # in the regions' own order
    south = cells["south"]
    assert (south["label_th"], south["label_en"], south["communities"]) == ("ภาคใต้", "South", 3)
    offered = south["offered"]
    assert offered["open"]["quantity"] == {"kg": 120 + 10, "piece": 40}
    assert offered["open"]["value"] == pytest.approx(120 * 260 + 10 * 950 + 40 * 25)
    assert offered["matched"] == {"quantity": {"kg": 50}, "value": pytest.approx(50 * 260)}
    assert offered["delivered"] == {"quantity": {"kg": 30}, "value": pytest.approx(30 * 260)}
    assert south["needed"]["open"] == {"quantity": {"kg": 1500}, "value": pytest.approx(1500 * 35)}
    north = cells["north"]
    assert north["offered"]["open"]["value"] == pytest.approx(1000 * 35)
    # A category need is valued at the mean reference value of the category's items in its unit.
    mean = await world.db.fetchval(
        "SELECT avg(reference_value)::float8 FROM items WHERE category_id = 'fish-seafood' AND unit = 'kg'"
    )
    assert north["needed"]["open"]["value"] == pytest.approx(50 * mean)


async def test_small_cells_are_suppressed_without_a_detail_grant(
    world: World, market: dict[str, Any]
) -> None:
    body = (await world.get(PARTNER, URL, group_by="region")).json()
    assert not body["detail"]
    assert body["min_communities"] == 3
    assert body["suppressed_cells"] == 1
    cells = {c["key"]: c for c in body["cells"]}
    assert cells["north"] == {
        "key": "north",
        "label_th": "ภาคเหนือ",
        "label_en": "North",
        "suppressed": True,
        "communities": None,
        "offered": None,
        "needed": None,
    }
    assert cells["south"]["suppressed"] is False
    assert cells["south"]["communities"] == 3
    detail = await world.new_key(role="partner", partner_detail=True)
    world.keys["detail"] = detail
    shown = _cells(await world.get("detail", URL, group_by="region"))
    assert shown["north"]["communities"] == 1
    assert shown["north"]["offered"] is not None


async def test_grants_limit_the_regions(world: World, market: dict[str, Any]) -> None:
    south = _cells(await world.get(COORD, URL, group_by="province"))
    assert set(south) == {"90", "91", "92"}  # Songkhla, Satun, Trang: the coordinator's region only
    assert (await world.get(COORD, URL, region="north")).status_code == 403
    world.keys["north_partner"] = await world.new_key(role="partner", regions=["north"])
    north = await world.get("north_partner", URL, group_by="region")
    assert north.json()["regions"] == ["north"]
    assert set(_cells(north)) == {"north"}
    assert (await world.get("north_partner", URL, region="south")).status_code == 403
    refused = await world.get(OWNER, URL)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")


async def test_item_cells_name_category_needs_and_first_accepted_offers(
    world: World, market: dict[str, Any]
) -> None:
    await world.need(
        ADMIN,
        community_id=market["trang"],
        item_id=None,
        accept_offer_ids=[market["squid"]["id"], market["rice"]["id"]],
        quantity=2,
        unit="kg",
        min_lot=0,
    )
    cells = _cells(await world.get(ADMIN, URL, group_by="item"))
    assert cells["any:fish-seafood"]["label_en"] == "any fish and seafood"
    assert cells["any:fish-seafood"]["needed"]["open"]["quantity"] == {"kg": 50}
    squid = cells["dried-squid"]
    assert squid["label_th"] == "ปลาหมึกแห้ง"
    assert squid["needed"]["open"] == {"quantity": {"kg": 2}, "value": pytest.approx(2 * 950)}
    assert squid["communities"] == 2  # Songkhla offers it, Trang needs it


async def test_withdrawn_listings_leave_open_figures(world: World, market: dict[str, Any]) -> None:
    squid = market["squid"]
    assert (await world.delete(ADMIN, f"/v1/offers/{squid['id']}", '"v1"')).status_code == 200
    cells = _cells(await world.get(ADMIN, URL, group_by="category"))
    assert cells["fish-seafood"]["offered"]["open"]["quantity"] == {"kg": 120}
    assert "dried-squid" not in _cells(await world.get(ADMIN, URL, group_by="item"))


async def test_month_cells_use_thai_time(world: World, market: dict[str, Any]) -> None:
    # Every listing posted at 16:59 UTC on 31 January 2025 (23:59 in Bangkok): all in January,
    # whatever day the suite runs on.
    for table in ("offers", "needs"):
        await world.db.execute(f"UPDATE {table} SET created_at = '2025-01-31 16:59:00+00'")
    assert list(_cells(await world.get(ADMIN, URL, group_by="month"))) == ["2025-01"]
    await world.db.execute(
        "UPDATE offers SET created_at = '2025-01-31 18:00:00+00' WHERE id = $1", market["rice"]["id"]
    )
    cells = _cells(await world.get(ADMIN, URL, group_by="month"))
    assert list(cells) == ["2025-01", "2025-02"]
    assert cells["2025-02"]["offered"]["open"]["quantity"] == {"kg": 1000}  # 01:00 on 1 Feb in Bangkok


async def test_unknown_group_is_422(world: World) -> None:
    response = await world.get(ADMIN, URL, group_by="planet")
    assert response.status_code == 422


# --- exchanges -----------------------------------------------------------------------------------

EXCHANGES = "/v1/stats/exchanges"
HOUR = 3600.0


@pytest.fixture
def no_repairs(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """These figures are of hand-made proposals: the repair runs their declines queue stay queued
    (a repair would propose a fallback over the released listings, a proposal more to count)."""

    async def none() -> list[int]:
        return []

    monkeypatch.setattr(world.client.app.state.runner, "start_queued", none)


@pytest.fixture
async def traded(world: World, no_repairs: None) -> dict[str, Any]:
    """South: A, A2, Trang; north: B; northeast: Yasothon. Seven proposals:
    s1 A -> A2 -> Trang completed (created 10 Jan 2025, approved 2 h later), s2 A <-> A2 approved
    (20 Jan, 10 h), s3 A2 <-> Trang and s5 A <-> A2 declined ("no boat"), s4 A <-> Trang rejected by
    a coordinator, x1 A <-> B proposed (1 Feb in Thai time), c1 a chain B -> Yasothon cancelled
    after approval (4 h)."""
    market = Market(world)
    a, b = world.a, world.b
    a2 = await second_south_community(world)
    trang = await market.community("กลุ่มแม่บ้านตรัง", "92", 7.56, 99.61)
    yasothon = await market.community("กลุ่มเกษตรกรนาข้าวยโสธร", "35", 15.79, 104.14)
    fish, rice, coconut = "dried-fish", "rice-jasmine", "coconut"
    s1 = await market.exchange([(a, fish, 10), (a2, rice, 70), (trang, coconut, 100)])
    await market.complete(s1)
    s2 = await market.exchange([(a, fish, 4), (a2, rice, 30)])
    await market.move(s2, "accept", "approve")
    s3 = await market.exchange([(a2, rice, 20), (trang, coconut, 28)])
    await market.move(s3, "decline", reason="ไม่มีเรือ")
    s4 = await market.exchange([(a, fish, 2), (trang, coconut, 20)])
    await market.move(s4, "reject", reason="too far")
    s5 = await market.exchange([(a, fish, 1), (a2, rice, 7)])
    await market.move(s5, "decline", reason=" ไม่มีเรือ ")
    x1 = await market.exchange([(a, fish, 5), (b, rice, 37)])
    c1 = await market.exchange([(b, rice, 100), (yasothon, coconut, 0)], kind="chain")
    await market.move(c1, "accept", "approve", "cancel", reason="ถนนขาด")
    jan = datetime(2025, 1, 10, 3, tzinfo=UTC)
    await market.dated(s1, jan, jan + timedelta(hours=2))
    await market.dated(s2, jan + timedelta(days=10), jan + timedelta(days=10, hours=10))
    await market.dated(x1, datetime(2025, 1, 31, 18, tzinfo=UTC))  # 01:00 on 1 February in Bangkok
    created = await world.db.fetchval("SELECT created_at FROM proposals WHERE id = $1", c1)
    await market.dated(c1, created, created + timedelta(hours=4))
    ids = {"s1": s1, "s2": s2, "s3": s3, "s4": s4, "s5": s5, "x1": x1, "c1": c1}
    return {**ids, "b": b, "a2": a2, "trang": trang, "yasothon": yasothon}


async def _given(w: World, proposals: list[int], givers: list[int] | None = None) -> float:
    """The value given in these proposals (by these communities, when named), from the transfers."""
    value = await w.db.fetchval(
        "SELECT coalesce(sum(value), 0)::float8 FROM proposal_transfers "
        "WHERE proposal_id = ANY($1::bigint[]) AND ($2::bigint[] IS NULL OR giver_id = ANY($2::bigint[]))",
        proposals,
        givers,
    )
    return float(value)


async def test_exchange_totals(world: World, traded: dict[str, Any]) -> None:
    body = (await world.get(ADMIN, EXCHANGES)).json()
    assert (body["group_by"], body["regions"], body["since"], body["until"]) == ("all", None, None, None)
    assert (body["detail"], body["min_communities"], body["suppressed_cells"]) == (True, 3, 0)
    (cell,) = body["cells"]
    assert (cell["key"], cell["label_en"], cell["suppressed"], cell["communities"]) == (
        "all",
        "All",
        False,
        5,
    )
    assert cell["proposals"] == {
        "total": 7,
        "proposed": 1,
        "approved": 1,
        "in_transit": 0,
        "completed": 1,
        "rejected": 3,
        "expired": 0,
        "cancelled": 1,
    }
    t = traded
    assert cell["values"] == {
        "proposed": pytest.approx(
            await _given(world, [t[k] for k in ("s1", "s2", "s3", "s4", "s5", "x1", "c1")])
        ),
        "approved": pytest.approx(await _given(world, [t["s1"], t["s2"], t["c1"]])),
        "completed": pytest.approx(await _given(world, [t["s1"]])),
    }
    assert cell["lengths"] == [
        {"kind": "cycle", "participants": 2, "proposals": 5},
        {"kind": "cycle", "participants": 3, "proposals": 1},
        {"kind": "chain", "participants": 2, "proposals": 1},
    ]
    # 2 h, 4 h and 10 h: the median is 4 h, the 90th percentile interpolates between 4 h and 10 h.
    assert cell["approval"] == {
        "approved": 3,
        "median_seconds": pytest.approx(4 * HOUR),
        "p90_seconds": pytest.approx(4 * HOUR + 0.8 * 6 * HOUR),
    }
    endings = cell["endings"]
    assert (endings["declined"], endings["rejected"], endings["expired"], endings["cancelled"]) == (
        2,
        1,
        0,
        1,
    )
    assert endings["reasons"][0] == {"action": "decline", "reason": "ไม่มีเรือ", "proposals": 2}  # trimmed
    assert sorted((r["action"], r["reason"], r["proposals"]) for r in endings["reasons"][1:]) == [
        ("cancel", "ถนนขาด", 1),
        ("reject", "too far", 1),
    ]


async def test_exchanges_per_region_count_values_where_the_communities_are(
    world: World, traded: dict[str, Any]
) -> None:
    cells = _cells(await world.get(ADMIN, EXCHANGES, group_by="region"))
    assert list(cells) == ["north", "northeast", "south"]
    south, north, northeast = cells["south"], cells["north"], cells["northeast"]
    assert (south["proposals"]["total"], north["proposals"]["total"], northeast["proposals"]["total"]) == (
        6,
        2,
        1,
    )
    assert (south["communities"], north["communities"], northeast["communities"]) == (3, 1, 1)
    b = traded["b"]["id"]
    assert north["values"]["proposed"] == pytest.approx(
        await _given(world, [traded["x1"], traded["c1"]], [b])
    )
    assert northeast["values"]["proposed"] == 0  # the chain's end only receives
    assert north["lengths"] == [
        {"kind": "cycle", "participants": 2, "proposals": 1},
        {"kind": "chain", "participants": 2, "proposals": 1},
    ]
    total = _cells(await world.get(ADMIN, EXCHANGES))["all"]["values"]["proposed"]
    assert sum(c["values"]["proposed"] for c in cells.values()) == pytest.approx(total)
    # The south's coordinator: what the south's communities give, in every proposal touching the south.
    (mine,) = _cells(await world.get(COORD, EXCHANGES)).values()
    assert mine["proposals"]["total"] == 6
    assert mine["values"]["proposed"] == pytest.approx(south["values"]["proposed"])
    assert mine["endings"]["reasons"] is not None


async def test_exchange_cells_are_suppressed_and_reasons_withheld_without_detail(
    world: World, traded: dict[str, Any]
) -> None:
    body = (await world.get(PARTNER, EXCHANGES, group_by="region")).json()
    assert (body["detail"], body["suppressed_cells"]) == (False, 2)
    cells = {c["key"]: c for c in body["cells"]}
    assert cells["north"] == {
        "key": "north",
        "label_th": "ภาคเหนือ",
        "label_en": "North",
        "suppressed": True,
        "communities": None,
        "proposals": None,
        "values": None,
        "lengths": None,
        "approval": None,
        "endings": None,
    }
    assert cells["northeast"]["suppressed"]
    south = cells["south"]
    assert south["proposals"]["rejected"] == 3
    assert south["endings"]["declined"] == 2
    assert south["endings"]["reasons"] is None  # counted, but no free text
    assert "ไม่มีเรือ" not in (await world.get(PARTNER, EXCHANGES)).text
    world.keys["north_partner"] = await world.new_key(role="partner", regions=["north"])
    north_only = (await world.get("north_partner", EXCHANGES)).json()
    assert north_only["regions"] == ["north"]
    assert north_only["cells"][0]["suppressed"]  # B alone
    world.keys["north_detail"] = await world.new_key(role="partner", regions=["north"], partner_detail=True)
    (shown,) = _cells(await world.get("north_detail", EXCHANGES)).values()
    assert (shown["communities"], shown["proposals"]["total"]) == (1, 2)
    assert [r["reason"] for r in shown["endings"]["reasons"]] == ["ถนนขาด"]


async def test_exchanges_per_month_and_period_in_thai_time(world: World, traded: dict[str, Any]) -> None:
    cells = _cells(await world.get(ADMIN, EXCHANGES, group_by="month"))
    this_month = datetime.now(ZoneInfo("Asia/Bangkok")).strftime("%Y-%m")
    assert cells["2025-01"]["proposals"]["total"] == 2
    assert cells["2025-02"]["proposals"]["proposed"] == 1  # x1: 31 Jan 18:00 UTC is February in Bangkok
    assert sum(c["proposals"]["total"] for c in cells.values()) == 7
    assert list(cells)[:2] == ["2025-01", "2025-02"]
    assert this_month in cells
    january = (await world.get(ADMIN, EXCHANGES, since="2025-01-01", until="2025-01-31")).json()
    assert (january["since"], january["until"]) == ("2025-01-01", "2025-01-31")
    assert january["cells"][0]["proposals"]["total"] == 2
    assert january["cells"][0]["approval"]["median_seconds"] == pytest.approx(6 * HOUR)  # 2 h and 10 h
    february = _cells(
        await world.get(ADMIN, EXCHANGES, group_by="region", since="2025-02-01", until="2025-02-01")
    )
    assert {k: c["proposals"]["total"] for k, c in february.items()} == {"north": 1, "south": 1}
    assert (await world.get(ADMIN, EXCHANGES, until="2024-12-31")).json()["cells"] == []


async def test_exchange_requests_refused(world: World) -> None:
    assert (await world.get(OWNER, EXCHANGES)).status_code == 403
    assert (await world.get(COORD, EXCHANGES, region="north")).status_code == 403
    backwards = await world.get(ADMIN, EXCHANGES, since="2025-02-01", until="2025-01-31")
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["path"] == "until"
    assert (await world.get(ADMIN, EXCHANGES, group_by="item")).status_code == 422
    not_a_date = await world.get(ADMIN, EXCHANGES, since="31/01/2025")
    assert not_a_date.status_code == 422
    assert not_a_date.json()["errors"][0]["path"] == "since"

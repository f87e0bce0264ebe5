"""GET /v1/stats/supply-demand: figures per cell, grants, and suppression of small cells."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from barter.storage.repos import communities as communities_repo
from tests.world import ADMIN, COORD, OWNER, PARTNER, World

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
    cells = _cells(await world.get(ADMIN, URL, group_by="month"))
    this_month = datetime.now(ZoneInfo("Asia/Bangkok")).strftime("%Y-%m")
    assert list(cells) == [this_month] or len(cells) == 2  # a run at midnight may straddle two
    await world.db.execute(
        "UPDATE offers SET created_at = '2025-01-31 18:00:00+00' WHERE id = $1", market["rice"]["id"]
    )
    cells = _cells(await world.get(ADMIN, URL, group_by="month"))
    assert cells["2025-02"]["offered"]["open"]["quantity"] == {"kg": 1000}  # 01:00 on 1 Feb in Bangkok


async def test_unknown_group_is_422(world: World) -> None:
    response = await world.get(ADMIN, URL, group_by="planet")
    assert response.status_code == 422

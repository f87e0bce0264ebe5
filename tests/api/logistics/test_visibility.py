"""A plan read by a caller scoped to regions shows what touches those regions, as /v1/shipments
does (issue 16, item 2); partners without a detail grant read no logistics rows (item 1)."""

from __future__ import annotations

from typing import Any

from tests.api.logistics.conftest import Leg, Towns, exchange
from tests.world import ADMIN, COORD, COORD_ELSEWHERE, PARTNER, World


async def _national_plan(w: World, t: Towns) -> dict[str, Any]:
    """One plan over the whole country: a southern swap and a northern delivery."""
    await exchange(
        w, [Leg(t.satun, t.narathiwat, "dried-fish", 50), Leg(t.narathiwat, t.satun, "rice-jasmine", 300)]
    )
    await exchange(w, [Leg(t.chiang_rai, t.yasothon, "rice-white", 400)])
    response = await w.post(ADMIN, "/v1/logistics/plans", {"seed": 1})
    assert response.status_code == 201, response.text
    plan: dict[str, Any] = response.json()
    assert len(plan["shipments"]) == 2
    return plan


def _touches(shipment: dict[str, Any], region: str) -> bool:
    return region in shipment["regions"]


async def test_a_plan_shows_a_regional_caller_only_its_regions(world: World, towns: Towns) -> None:
    plan = await _national_plan(world, towns)
    world.keys["south_partner"] = await world.new_key(
        role="partner", regions=["south"], partner_detail=True, name="Southern NGO"
    )
    expected = {
        ADMIN: {"south", "north"},
        COORD: {"south"},
        COORD_ELSEWHERE: {"north"},
        "south_partner": {"south"},
    }
    for persona, regions in expected.items():
        response = await world.get(persona, f"/v1/logistics/plans/{plan['id']}")
        assert response.status_code == 200, response.text
        shipments = response.json()["shipments"]
        assert shipments, persona
        for shipment in shipments:
            assert set(shipment["regions"]) & regions, (persona, shipment["regions"])
        seen = {r for s in shipments for r in s["regions"]} & {"south", "north"}
        assert seen == regions, persona
        # the same shipments as /v1/shipments/{id} answers 200 for
        for shipment in plan["shipments"]:
            one = await world.get(persona, f"/v1/shipments/{shipment['id']}")
            assert (one.status_code == 200) == (shipment["id"] in {s["id"] for s in shipments}), persona
        geojson = await world.get(persona, f"/v1/logistics/plans/{plan['id']}.geojson")
        assert geojson.status_code == 200
        on_map = {f["properties"]["shipment_id"] for f in geojson.json()["features"]}
        assert on_map == {s["id"] for s in shipments}, persona


async def test_partners_without_detail_read_no_logistics_rows(world: World, towns: Towns) -> None:
    plan = await _national_plan(world, towns)
    shipment = plan["shipments"][0]["id"]
    for url in (
        "/v1/shipments",
        f"/v1/shipments/{shipment}",
        f"/v1/logistics/plans/{plan['id']}",
        f"/v1/logistics/plans/{plan['id']}.geojson",
        "/v1/proposals",
    ):
        response = await world.get(PARTNER, url)
        assert response.status_code == 403, (url, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (await world.get(PARTNER, "/v1/logistics/plans")).status_code == 200  # summaries: aggregates

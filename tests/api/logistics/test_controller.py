"""Shipments over HTTP: they follow the proposals they carry, coordinators move them along, and
each caller sees only what is theirs."""

from __future__ import annotations

from datetime import date
from typing import Any

import jsonschema_rs

from tests.api.logistics.conftest import Leg, Towns, exchange
from tests.live import Overlap, client
from tests.world import ADMIN, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World


async def _plan(w: World, persona: str = ADMIN, **body: Any) -> dict[str, Any]:
    response = await w.post(persona, "/v1/logistics/plans", body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


async def _act(w: World, proposal_id: int, action: str, persona: str = ADMIN) -> dict[str, Any]:
    response = await w.client.post(f"/v1/proposals/{proposal_id}/{action}", headers=w.headers(persona))
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


async def _status(w: World, shipment_id: int) -> str:
    status: str = (await w.get(ADMIN, f"/v1/shipments/{shipment_id}")).json()["status"]
    return status


async def _two_on_one_truck(w: World, t: Towns) -> tuple[int, int, dict[str, Any]]:
    """Two exchanges between Pak Bara and Tak Bai (250 km): small enough for one pickup."""
    first = await exchange(
        w, [Leg(t.satun, t.narathiwat, "dried-fish", 50), Leg(t.narathiwat, t.satun, "rice-jasmine", 300)]
    )
    second = await exchange(
        w, [Leg(t.satun, t.narathiwat, "dried-squid", 20), Leg(t.narathiwat, t.satun, "rice-white", 200)]
    )
    plan = await _plan(w, COORD, seed=1)
    (shipment,) = plan["shipments"]
    assert {c["transfer"]["proposal_id"] for c in shipment["carries"]} == {first, second}
    return first, second, shipment


async def test_a_shipment_is_on_the_road_when_all_it_carries_is_dispatched_and_delivered_when_completed(
    world: World, towns: Towns
) -> None:
    first, second, shipment = await _two_on_one_truck(world, towns)
    sid = shipment["id"]
    assert shipment["status"] == "planned"
    await _act(world, first, "dispatch")
    assert await _status(world, sid) == "planned", "one of two proposals dispatched: not yet"
    loading = await world.post(COORD, f"/v1/shipments/{sid}/loading", None)
    assert loading.status_code == 200
    assert loading.json()["status"] == "loading"
    assert loading.json()["loading_at"] is not None
    await _act(world, second, "dispatch")
    on_road = (await world.get(OWNER, f"/v1/shipments/{sid}")).json()
    assert on_road["status"] == "on_the_road"
    assert on_road["departed_at"] is not None
    await _act(world, first, "complete")
    assert await _status(world, sid) == "on_the_road", "one of two completed: still on the road"
    await _act(world, second, "complete")
    delivered = (await world.get(ADMIN, f"/v1/shipments/{sid}")).json()
    assert delivered["status"] == "delivered"
    assert delivered["delivered_at"] is not None
    assert {c["transfer"]["proposal_status"] for c in delivered["carries"]} == {"completed"}
    late = await world.post(COORD, f"/v1/shipments/{sid}/loading", None)
    assert late.status_code == 409
    assert late.json()["state"] == "delivered"


async def test_a_shipment_whose_proposals_are_all_cancelled_is_cancelled(world: World, towns: Towns) -> None:
    first, second, shipment = await _two_on_one_truck(world, towns)
    await _act(world, first, "cancel")
    assert await _status(world, shipment["id"]) == "planned"
    await _act(world, second, "cancel")
    assert await _status(world, shipment["id"]) == "cancelled"


async def test_a_shipment_that_departed_first_is_delivered_and_never_goes_back(
    world: World, towns: Towns
) -> None:
    first, second, shipment = await _two_on_one_truck(world, towns)
    sid = shipment["id"]
    departed = await world.post(COORD, f"/v1/shipments/{sid}/depart", None)
    assert departed.json()["status"] == "on_the_road"
    await _act(world, first, "dispatch")  # receipt follows the exchange's dispatch
    await _act(world, second, "dispatch")
    assert await _status(world, sid) == "on_the_road"
    await _act(world, first, "complete")
    await _act(world, second, "complete")
    assert await _status(world, sid) == "delivered"


async def test_coordinators_move_shipments_forward_only_and_retries_change_nothing(
    world: World, towns: Towns
) -> None:
    _, _, shipment = await _two_on_one_truck(world, towns)
    url = f"/v1/shipments/{shipment['id']}"
    stale = await world.client.post(f"{url}/loading", headers=world.headers(COORD, **{"If-Match": '"v9"'}))
    assert stale.status_code == 412
    first = await world.client.post(
        f"{url}/loading", headers=world.headers(COORD, **{"Idempotency-Key": "k1"})
    )
    replay = await world.client.post(
        f"{url}/loading", headers=world.headers(COORD, **{"Idempotency-Key": "k1"})
    )
    assert first.status_code == replay.status_code == 200
    assert replay.content == first.content
    assert replay.headers["idempotency-replayed"] == "true"
    again = await world.post(COORD, f"{url}/loading", None)
    assert again.status_code == 200
    assert again.json()["version"] == first.json()["version"], "a retry changes nothing"
    departed = await world.post(COORD, f"{url}/depart", None)
    assert departed.json()["status"] == "on_the_road"
    back = await world.post(COORD, f"{url}/loading", None)
    assert back.status_code == 409
    assert back.json()["code"] == "invalid_state"
    assert back.json()["state"] == "on_the_road"
    thai = await world.client.post(
        f"{url}/loading", headers=world.headers(COORD, **{"Accept-Language": "th"})
    )
    assert thai.status_code == 409
    assert thai.json()["detail"] == "เปลี่ยนเที่ยวขนส่งเป็นกำลังขึ้นของไม่ได้ เพราะตอนนี้อยู่ระหว่างทาง"
    cancel = await world.post(COORD, f"/v1/logistics/plans/{shipment['plan_id']}/cancel", None)
    assert cancel.status_code == 409, "a plan whose shipments started cannot be cancelled"
    audit = (await world.get(ADMIN, "/v1/audit", entity="shipment", entity_id=str(shipment["id"]))).json()
    assert [e["action"] for e in audit["data"]] == ["depart", "loading"]


async def test_previews_plan_proposed_exchanges_claim_nothing_and_never_move(
    world: World, towns: Towns
) -> None:
    proposed = await exchange(
        world,
        [
            Leg(towns.satun, towns.narathiwat, "dried-fish", 50),
            Leg(towns.narathiwat, towns.satun, "rice-jasmine", 300),
        ],
        "proposed",
    )
    nothing = await world.post(COORD, "/v1/logistics/plans", {})
    assert nothing.status_code == 409
    assert nothing.json()["code"] == "nothing_to_plan"
    preview = await _plan(world, COORD, preview=True)
    assert preview["preview"] is True
    assert preview["proposals"] == [proposed]
    again = await _plan(world, COORD, preview=True)
    assert again["shipments"][0]["stops"] == preview["shipments"][0]["stops"], "same input, same seed"
    sid = preview["shipments"][0]["id"]
    moved = await world.post(COORD, f"/v1/shipments/{sid}/loading", None)
    assert moved.status_code == 409
    assert moved.json()["state"] == "preview"
    assert (await world.get(OWNER, f"/v1/shipments/{sid}")).status_code == 404
    world.keys["detail"] = await world.new_key(role="partner", partner_detail=True, name="NGO")
    assert (await world.get("detail", f"/v1/logistics/plans/{preview['id']}")).status_code == 404
    assert (await world.get(PARTNER, f"/v1/logistics/plans/{preview['id']}")).status_code == 403
    listed = (await world.get(COORD, "/v1/shipments")).json()["data"]
    assert listed == [], "previews stay out of the shipment list"
    of_plan = (await world.get(COORD, "/v1/shipments", plan=preview["id"])).json()["data"]
    assert [s["id"] for s in of_plan] == [sid]
    # Once approved, the same exchange is planned for real.
    await _act(world, proposed, "accept")
    await _act(world, proposed, "approve")
    real = await _plan(world, COORD)
    assert real["proposals"] == [proposed]
    assert real["preview"] is False


async def test_who_sees_which_shipments(world: World, towns: Towns) -> None:
    await _two_on_one_truck(world, towns)
    north = await exchange(world, [Leg(towns.chiang_rai, towns.yasothon, "rice-white", 400)])
    plan = await _plan(world, ADMIN)
    assert plan["proposals"] == [north]
    (north_shipment,) = plan["shipments"]

    async def ids(persona: str, **params: Any) -> list[int]:
        response = await world.get(persona, "/v1/shipments", **params)
        assert response.status_code == 200, response.text
        return sorted(s["id"] for s in response.json()["data"])

    everything = await ids(ADMIN)
    assert len(everything) == 2
    south = [i for i in everything if i != north_shipment["id"]]
    assert await ids(COORD) == south
    assert await ids(COORD_ELSEWHERE) == [north_shipment["id"]]
    assert await ids(OWNER) == south  # Pak Bara's goods ride on the southern truck
    assert await ids(OTHER) == [north_shipment["id"]]  # Chiang Rai gives the rice going north-east
    assert (await world.get(PARTNER, "/v1/shipments")).status_code == 403  # aggregates only (issue 16)
    world.keys["detail"] = await world.new_key(role="partner", partner_detail=True, name="NGO")
    assert await ids("detail") == everything
    assert await ids(ADMIN, region="northeast") == [north_shipment["id"]]
    assert await ids(ADMIN, status="delivered") == []
    assert await ids(ADMIN, plan=plan["id"]) == [north_shipment["id"]]
    first_page = (await world.get(ADMIN, "/v1/shipments", limit=1)).json()
    second_page = (await world.get(ADMIN, "/v1/shipments", limit=1, cursor=first_page["next_cursor"])).json()
    assert [s["id"] for s in first_page["data"] + second_page["data"]] == sorted(everything, reverse=True)
    assert second_page["next_cursor"] is None
    plans = (await world.get(COORD_ELSEWHERE, "/v1/logistics/plans")).json()["data"]
    assert [p["id"] for p in plans] == [plan["id"]]
    assert (await world.get(OWNER, "/v1/logistics/plans")).status_code == 403


async def test_two_planners_racing_for_the_same_proposals_one_wins(
    world: World, towns: Towns, live: str, overlap: Overlap
) -> None:
    """Both planners read the proposals as unplanned and make their plans, then wait to lock them
    (held elsewhere) before storing: both are past every check when they race to claim them. The
    loser is told what happened, in Thai (the winner's plan took the proposals), not a bare key
    violation."""
    await _two_on_one_truck_unplanned(world, towns)
    proposals = sorted(r["id"] for r in await world.db.fetch("SELECT id FROM proposals"))
    async with client(live, world.keys[ADMIN]) as admin:
        answers = await overlap.at_once(
            "SELECT 1 FROM proposals WHERE id = ANY($1::bigint[]) FOR UPDATE",
            proposals,
            calls=[
                admin.post(
                    "/v1/logistics/plans", json={"regions": ["south"]}, headers={"Accept-Language": "th"}
                )
                for _ in range(2)
            ],
        )
    assert sorted(r.status_code for r in answers) == [201, 409], [r.text for r in answers]
    (winner,) = [r.json() for r in answers if r.status_code == 201]
    (loser,) = [r for r in answers if r.status_code == 409]
    assert loser.headers["content-type"].startswith("application/problem+json")
    problem = loser.json()
    assert (problem["code"], problem["proposal_ids"], problem["plan_id"]) == (
        "planned_meanwhile",
        proposals,
        winner["id"],
    ), loser.text
    assert problem["detail"] == (
        f"ข้อเสนอ #{proposals[0]} ถูกจัดเข้าแผนขนส่ง #{winner['id']} ไปแล้วระหว่างที่คำนวณแผนนี้"
        " จึงไม่ได้บันทึกแผนนี้ วางแผนใหม่ได้สำหรับข้อเสนอที่เหลือ"
    )
    again = await world.post(
        ADMIN, "/v1/logistics/plans", {"regions": ["south"]}, **{"Accept-Language": "th"}
    )
    assert (again.status_code, again.json()["code"]) == (409, "nothing_to_plan")
    assert again.json()["detail"] == "ยังไม่มีข้อเสนอที่อนุมัติแล้วของภาคใต้ที่รอวางแผนขนส่ง"
    claims = await world.db.fetchval("SELECT count(*) FROM planned_proposals")
    assert claims == 2
    plans = await world.db.fetchval("SELECT count(*) FROM logistics_plans")
    assert plans == 1


async def _two_on_one_truck_unplanned(w: World, t: Towns) -> None:
    await exchange(
        w, [Leg(t.satun, t.narathiwat, "dried-fish", 50), Leg(t.narathiwat, t.satun, "rice-jasmine", 300)]
    )
    await exchange(
        w, [Leg(t.satun, t.narathiwat, "dried-squid", 20), Leg(t.narathiwat, t.satun, "rice-white", 200)]
    )


async def test_the_map_has_a_line_per_shipment_and_a_point_per_stop(world: World, towns: Towns) -> None:
    _, _, shipment = await _two_on_one_truck(world, towns)
    response = await world.client.get(
        f"/v1/logistics/plans/{shipment['plan_id']}.geojson", headers=world.headers(COORD)
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    features = response.json()["features"]
    (route,) = [f for f in features if f["geometry"]["type"] == "LineString"]
    stops = [f for f in features if f["geometry"]["type"] == "Point"]
    assert route["properties"]["shipment_id"] == shipment["id"]
    assert route["properties"]["status"] == "planned"
    assert len(route["geometry"]["coordinates"]) == len(stops) == len(shipment["stops"])
    assert [f["geometry"]["coordinates"] for f in stops] == [[s["lon"], s["lat"]] for s in shipment["stops"]]
    assert [f["properties"]["name_th"] for f in stops] == [s["name_th"] for s in shipment["stops"]]
    assert "Pak Bara fishing group" in {f["properties"]["name_en"] for f in stops}
    hidden = await world.client.get(
        f"/v1/logistics/plans/{shipment['plan_id']}.geojson", headers=world.headers(COORD_ELSEWHERE)
    )
    assert hidden.status_code == 404
    bad = await world.client.get("/v1/logistics/plans/7.kml", headers=world.headers(COORD))
    assert bad.status_code == 422


def _documented(document: dict[str, Any], path: str, media_type: str = "application/json") -> Any:
    """A validator for the 200 answer of GET `path` as the OpenAPI document describes it."""
    content = document["paths"][path]["get"]["responses"]["200"]["content"]
    return jsonschema_rs.validator_for(
        {**content[media_type]["schema"], "components": document["components"]}
    )


async def test_plans_maps_and_shipments_match_the_documented_schemas(world: World, towns: Towns) -> None:
    """Schemathesis rarely reaches a stored plan: check real ones against the OpenAPI document."""
    document = (await world.client.get("/schema/openapi.json")).json()
    _, _, shipment = await _two_on_one_truck(world, towns)
    await exchange(world, [Leg(towns.satun, towns.near_satun, "pumpkin", 20)])  # a hand-over
    late = Leg(towns.satun, towns.chiang_rai, "morning-glory", 9, needed_by=date(2020, 1, 1))
    await exchange(world, [late])  # unplaced
    plan_id = (await _plan(world, ADMIN))["id"]
    checks = [
        ("/v1/logistics/plans/{plan}", f"/v1/logistics/plans/{plan_id}", "application/json"),
        ("/v1/logistics/plans/{plan}", f"/v1/logistics/plans/{plan_id}.geojson", "application/geo+json"),
        ("/v1/logistics/plans", "/v1/logistics/plans", "application/json"),
        ("/v1/shipments", "/v1/shipments", "application/json"),
        ("/v1/shipments/{shipment_id}", f"/v1/shipments/{shipment['id']}", "application/json"),
    ]
    bodies = {}
    for path, url, media_type in checks:
        response = await world.client.get(url, headers=world.headers(ADMIN))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == media_type
        _documented(document, path, media_type).validate(response.json())
        bodies[url] = response.json()
    plan = bodies[f"/v1/logistics/plans/{plan_id}"]
    assert plan["handovers"]
    assert plan["unplaced"]
    as_plan = _documented(document, "/v1/logistics/plans/{plan}")
    assert not as_plan.is_valid(bodies[f"/v1/logistics/plans/{plan_id}.geojson"]), "the validator can fail"

from __future__ import annotations

import json

from barter.logistics import PlanInput, plan, to_geojson
from tests.logistics.builders import CHIANG_MAI, FAST, SATUN, SONGKHLA, TRANG, transfer, truck


def test_routes_are_line_strings_and_stops_are_points_in_lon_lat_order() -> None:
    problem = PlanInput(
        transfers=(transfer("fish", SATUN, CHIANG_MAI, 300), transfer("squid", TRANG, CHIANG_MAI, 100)),
        vehicles=(truck("south-six-wheel", SONGKHLA),),
        settings=FAST,
    )
    result = plan(problem)
    doc = to_geojson(result)
    assert doc["type"] == "FeatureCollection"
    json.dumps(doc)  # plain JSON types only
    routes = [f for f in doc["features"] if f["geometry"]["type"] == "LineString"]
    points = [f for f in doc["features"] if f["geometry"]["type"] == "Point"]
    assert len(routes) == len(result.shipments) >= 1
    assert len(points) == sum(len(s.stops) for s in result.shipments)
    route = routes[0]
    shipment = result.shipments[0]
    assert route["properties"]["shipment"] == shipment.id
    assert route["properties"]["transfers"] == list(shipment.transfers)
    assert route["geometry"]["coordinates"][0] == [SONGKHLA.lon, SONGKHLA.lat]
    assert len(route["geometry"]["coordinates"]) == len(shipment.stops)
    kinds = [p["properties"]["kind"] for p in points if p["properties"]["shipment"] == shipment.id]
    assert kinds[0] == kinds[-1] == "depot"
    assert "pickup" in kinds
    assert "dropoff" in kinds
    assert [p["properties"]["sequence"] for p in points] == list(range(len(shipment.stops)))


def test_an_empty_plan_is_an_empty_collection() -> None:
    result = plan(PlanInput(transfers=(), vehicles=(), settings=FAST))
    assert to_geojson(result) == {"type": "FeatureCollection", "features": []}

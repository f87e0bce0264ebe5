"""A plan as GeoJSON (RFC 7946): each shipment's route as a LineString, its stops as Points.

Coordinates are [longitude, latitude]. Lines join the stops straight (the planner does not know
the roads); properties carry what a map needs to label and colour them.
"""

from __future__ import annotations

from typing import Any

from barter.logistics.model import Plan


def to_geojson(plan: Plan) -> dict[str, Any]:
    features: list[dict[str, Any]] = []
    for shipment in plan.shipments:
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[s.place.lon, s.place.lat] for s in shipment.stops],
                },
                "properties": {
                    "feature": "route",
                    "shipment": shipment.id,
                    "vehicle": shipment.vehicle,
                    "kind": shipment.kind,
                    "unit": shipment.unit,
                    "km": shipment.km,
                    "cost": shipment.cost,
                    "max_load_kg": shipment.max_load_kg,
                    "transfers": list(shipment.transfers),
                    "departure": shipment.departure.isoformat(),
                    "arrival": shipment.arrival.isoformat(),
                },
            }
        )
        for sequence, stop in enumerate(shipment.stops):
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [stop.place.lon, stop.place.lat]},
                    "properties": {
                        "feature": "stop",
                        "shipment": shipment.id,
                        "sequence": sequence,
                        "kind": stop.kind,
                        "name": stop.place.name,
                        "region": stop.place.region,
                        "hub": stop.hub,
                        "picked": list(stop.picked),
                        "dropped": list(stop.dropped),
                        "load_kg": stop.load_kg,
                        "arrival": stop.arrival.isoformat(),
                        "departure": stop.departure.isoformat(),
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}

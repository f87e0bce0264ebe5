"""The logistics planner: approved transfers in, hand-overs and consolidated shipments out.

Pure (no I/O): `plan(PlanInput) -> Plan`, `to_geojson(Plan) -> dict`. Distances come from a
`DistanceProvider`; the default is great-circle kilometres times a road factor.
"""

from barter.domain.clock import THAI_TIME
from barter.logistics.distance import DistanceProvider, GreatCircle, great_circle_km
from barter.logistics.geojson import to_geojson
from barter.logistics.lots import split_heavy, split_into_lots
from barter.logistics.model import (
    DirectDelivery,
    Handover,
    Hub,
    Journey,
    Leg,
    Place,
    Plan,
    PlanInput,
    PlanInputError,
    PlanSettings,
    Shipment,
    Stop,
    Totals,
    Transfer,
    Unplaced,
    Vehicle,
)
from barter.logistics.planner import plan

__all__ = [
    "THAI_TIME",
    "DirectDelivery",
    "DistanceProvider",
    "GreatCircle",
    "Handover",
    "Hub",
    "Journey",
    "Leg",
    "Place",
    "Plan",
    "PlanInput",
    "PlanInputError",
    "PlanSettings",
    "Shipment",
    "Stop",
    "Totals",
    "Transfer",
    "Unplaced",
    "Vehicle",
    "great_circle_km",
    "plan",
    "split_heavy",
    "split_into_lots",
    "to_geojson",
]

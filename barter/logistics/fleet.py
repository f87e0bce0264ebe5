"""The default fleet and hubs the API plans with (no fleet registry exists yet).

One depot, which is also the regional hub, in each region's logistics city, at its province's
centroid: north Chiang Mai, northeast Khon Kaen, central Bangkok, east Chon Buri, west
Ratchaburi, south Songkhla. Every depot has

| vehicle    | capacity | baht/km | baht per trip | count |
|------------|---------:|--------:|--------------:|------:|
| pickup     |    1 t   |       9 |           800 |     6 |
| six-wheel  |    6 t   |      15 |         2,000 |     4 |
| ten-wheel  |   15 t   |      22 |         3,500 |     2 |

The ten-wheel trucks are there for the inter-regional corridors (rice south, fish north); the
planner puts them wherever they are cheapest. With this fleet, 500 transfers over the six regions
all find a vehicle in time (bench/logistics_api.py); with 4/2/1 trucks per depot 13% did not.
Trips start and end at the depot. Prices are rounded hire rates for Thai trucks with a driver;
change them here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from barter.domain.model import REGIONS, Region
from barter.logistics import Hub, Place, Vehicle
from barter.reference import load_provinces

DEPOT_PROVINCES: dict[Region, str] = {
    "north": "50",  # Chiang Mai
    "northeast": "40",  # Khon Kaen
    "central": "10",  # Bangkok
    "east": "20",  # Chon Buri
    "west": "70",  # Ratchaburi
    "south": "90",  # Songkhla
}


@dataclass(frozen=True, slots=True)
class FleetLine:
    kind: str
    capacity_kg: float
    cost_per_km: float
    fixed_cost: float
    count: int


FLEET: tuple[FleetLine, ...] = (
    FleetLine("pickup", 1_000.0, 9.0, 800.0, 6),
    FleetLine("six-wheel", 6_000.0, 15.0, 2_000.0, 4),
    FleetLine("ten-wheel", 15_000.0, 22.0, 3_500.0, 2),
)
BIGGEST_KG = max(line.capacity_kg for line in FLEET)


@dataclass(frozen=True, slots=True)
class DefaultFleet:
    vehicles: tuple[Vehicle, ...]
    hubs: tuple[Hub, ...]
    names: dict[str, dict[str, Any]]  # place key -> Thai and English names


def depot_key(region: str) -> str:
    return f"depot:{region}"


def hub_key(region: str) -> str:
    return f"hub:{region}"


def default_fleet() -> DefaultFleet:
    provinces = {p.code: p for p in load_provinces()}
    vehicles: list[Vehicle] = []
    hubs: list[Hub] = []
    names: dict[str, dict[str, Any]] = {}
    for region in REGIONS:
        province = provinces[DEPOT_PROVINCES[region]]
        depot = Place(lat=province.lat, lon=province.lon, region=region, name=depot_key(region))
        hub = Place(lat=province.lat, lon=province.lon, region=region, name=hub_key(region))
        names[depot.name] = {
            "name_th": f"คลังรถ{province.name_th}",
            "name_en": f"{province.name_en} depot",
            "community_id": None,
        }
        names[hub.name] = {
            "name_th": f"ศูนย์กระจายสินค้า{province.name_th}",
            "name_en": f"{province.name_en} hub",
            "community_id": None,
        }
        hubs.append(Hub(id=f"hub-{region}", place=hub))
        vehicles += [
            Vehicle(
                id=f"{region}-{line.kind}",
                kind=line.kind,
                capacity_kg=line.capacity_kg,
                cost_per_km=line.cost_per_km,
                fixed_cost=line.fixed_cost,
                depot=depot,
                count=line.count,
            )
            for line in FLEET
        ]
    return DefaultFleet(tuple(vehicles), tuple(hubs), names)

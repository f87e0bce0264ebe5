"""Small hand-built places and fleets for the planner's tests."""

from __future__ import annotations

from datetime import date, timedelta

from barter.logistics import Place, PlanSettings, Transfer, Vehicle

DAY0 = date(2025, 3, 3)
# Real province centroids (rounded), one or two per region.
SATUN = Place(lat=6.62, lon=100.07, region="south", name="Satun")
SONGKHLA = Place(lat=7.19, lon=100.60, region="south", name="Songkhla")
TRANG = Place(lat=7.56, lon=99.61, region="south", name="Trang")
CHIANG_MAI = Place(lat=18.79, lon=98.98, region="north", name="Chiang Mai")
LAMPHUN = Place(lat=18.58, lon=99.01, region="north", name="Lamphun")
CHIANG_RAI = Place(lat=19.91, lon=99.84, region="north", name="Chiang Rai")
KHON_KAEN = Place(lat=16.43, lon=102.83, region="northeast", name="Khon Kaen")
BANGKOK = Place(lat=13.76, lon=100.56, region="central", name="Bangkok")
CHON_BURI = Place(lat=13.36, lon=100.98, region="east", name="Chon Buri")
RATCHABURI = Place(lat=13.54, lon=99.82, region="west", name="Ratchaburi")
ALL_PLACES = (
    SATUN,
    SONGKHLA,
    TRANG,
    CHIANG_MAI,
    LAMPHUN,
    CHIANG_RAI,
    KHON_KAEN,
    BANGKOK,
    CHON_BURI,
    RATCHABURI,
)

FAST = PlanSettings(solution_limit=20, time_limit_s=30)


def transfer(
    id: str,
    origin: Place,
    destination: Place,
    kg: float,
    *,
    ready: int = 0,
    days: int = 10,
    shelf: int | None = None,
) -> Transfer:
    return Transfer(
        id=id,
        origin=origin,
        destination=destination,
        quantity=kg,
        kg_per_unit=1.0,
        ready=DAY0 + timedelta(days=ready),
        needed_by=DAY0 + timedelta(days=ready + days),
        shelf_life_days=shelf,
    )


def truck(
    id: str, depot: Place, capacity: float = 6000, *, per_km: float = 15, fixed: float = 2000, count: int = 2
) -> Vehicle:
    return Vehicle(
        id=id,
        kind=id.rsplit("-", maxsplit=1)[-1],
        capacity_kg=capacity,
        cost_per_km=per_km,
        fixed_cost=fixed,
        depot=depot,
        count=count,
    )

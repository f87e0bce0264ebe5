"""Exchanges across regions, the ones barter exists for, made the way a run makes them.

On the logistics tests' towns (tests/api/logistics/conftest.py): Pak Bara in Satun (South) and a
rice group in Yasothon (Northeast), about 1,400 km apart by road.
"""

from __future__ import annotations

from typing import Any

from barter.reference import load_provinces
from tests.api.logistics.conftest import Leg, Towns, exchange, place
from tests.world import World


def province_centre(code: str) -> tuple[float, float]:
    """Where a community of that province stands for one who may not know its own point."""
    (province,) = [p for p in load_provinces() if p.code == code]
    return province.lat, province.lon


async def south_northeast(w: World, t: Towns, status: str = "proposed") -> int:
    """Satun's dried fish for Yasothon's jasmine rice."""
    return await exchange(
        w,
        [Leg(t.satun, t.yasothon, "dried-fish", 200), Leg(t.yasothon, t.satun, "rice-jasmine", 1500)],
        status=status,
    )


async def through_one_province(w: World, t: Towns) -> tuple[int, dict[str, Any]]:
    """A proposed cycle through Satun and two villages of Yasothon (the second one is returned):
    fish north, rice from one Yasothon village to the other, sticky rice back south."""
    kho_wang = await place(w, "Kho Wang", "35", 15.96, 104.41)
    proposal_id = await exchange(
        w,
        [
            Leg(t.satun, t.yasothon, "dried-fish", 200),
            Leg(t.yasothon, kho_wang, "rice-jasmine", 1500),
            Leg(kho_wang, t.satun, "rice-sticky", 800),
        ],
        status="proposed",
    )
    return proposal_id, kho_wang

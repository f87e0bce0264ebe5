"""A transport estimate for one transfer sent alone: the cheapest vehicle (or vehicles) of the fleet
that carries it, there and back from its depot ignored. Pure; an upper-side figure that joint
planning with shared shipments (barter/logistics/planner.py) brings down."""

from __future__ import annotations

import math
from collections.abc import Sequence

from barter.logistics.model import Vehicle


def direct_cost(weight_kg: float, distance_km: float, vehicles: Sequence[Vehicle]) -> float:
    """Baht to drive `weight_kg` over `distance_km` by the cheapest kind of vehicle, in as many
    full trips as it takes (per-km cost only; 0 when there is no fleet or nothing to carry)."""
    if not vehicles or weight_kg <= 0:
        return 0.0
    return min(math.ceil(weight_kg / v.capacity_kg - 1e-9) * v.cost_per_km * distance_km for v in vehicles)

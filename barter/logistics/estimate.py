"""A transport estimate for one transfer sent alone: the cheapest vehicle (or vehicles) of the fleet
that carries it, there and back from its depot ignored. Pure; an upper-side figure that joint
planning with shared shipments (barter/logistics/planner.py) brings down."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

from barter.logistics.model import Vehicle

# Trucks on the long corridors go out full and come back empty (nobody books the return): on
# average half of the capacity is carried over the kilometres driven.
LOAD_FACTOR = 0.5


class Carrier(Protocol):
    @property
    def capacity_kg(self) -> float: ...

    @property
    def cost_per_km(self) -> float: ...


def direct_cost(weight_kg: float, distance_km: float, vehicles: Sequence[Vehicle]) -> float:
    """Baht to drive `weight_kg` over `distance_km` by the cheapest kind of vehicle, in as many
    full trips as it takes (per-km cost only; 0 when there is no fleet or nothing to carry)."""
    if not vehicles or weight_kg <= 0:
        return 0.0
    return min(math.ceil(weight_kg / v.capacity_kg - 1e-9) * v.cost_per_km * distance_km for v in vehicles)


def cost_per_kg_km(vehicles: Sequence[Carrier], load_factor: float = LOAD_FACTOR) -> float:
    """Baht per kg-km of goods carried by the cheapest vehicle per kg-km: its cost per km over the
    kilograms it carries on average, `load_factor` of its capacity. The default matching run
    prices transport with it (barter.services.runs.run_defaults).

    Assumptions: goods share trucks (the planner consolidates a run's transfers into shipments),
    so the biggest truck, cheapest per kg-km, is the suitable one on the corridors where transport
    matters; a truck carries `load_factor` of its capacity on average (LOAD_FACTOR 0.5: full out,
    empty back); per-km hire only: a trip's fixed cost and the drive from and back to the depot
    are left out (the run's `exchange_fixed_cost` is for costs per exchange). 0 with no fleet.
    With the default fleet: a ten-wheel truck, 22 baht/km for 15 t at half load, 0.0029 baht
    per kg-km (Satun to Khon Kaen, 1,472 road km: 4.3 baht a kg).
    """
    if not 0 < load_factor <= 1:
        raise ValueError("load_factor must be in (0, 1]")
    usable = [v for v in vehicles if v.capacity_kg > 0]
    if not usable:
        return 0.0
    return min(v.cost_per_km / (v.capacity_kg * load_factor) for v in usable)

"""What a caller may ask of a matching run: the regions, and overrides of the engine settings."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from barter.domain.model import Region
from barter.matching.model import ChainLength, CostPerKgKm, CycleLength, FixedCost, Seed, Tolerance
from barter.schemas.base import Input

# A client may ask for at most ten minutes of the shared engine; an operator may configure up to
# the engine's own bound (BARTER_MATCHING_TIME_LIMIT_S, TIME_LIMIT_MAX_S).
CLIENT_TIME_LIMIT_MAX_S = 600.0


class RunRequest(Input):
    """Overrides of the run defaults (`barter.services.runs.run_defaults`); unset keeps the default.
    Each field has the bounds of `EngineSettings`; the time limit is capped lower for clients."""

    regions: Annotated[list[Region], Meta(min_length=1, max_length=6)] | None = None
    max_cycle_length: CycleLength | None = None
    max_chain_length: ChainLength | None = None
    balance_tolerance: Tolerance | None = None
    transport_cost_per_kg_km: CostPerKgKm | None = None
    exchange_fixed_cost: FixedCost | None = None
    time_limit_s: Annotated[float, Meta(ge=0.1, le=CLIENT_TIME_LIMIT_MAX_S)] | None = None
    seed: Seed | None = None

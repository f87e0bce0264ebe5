"""What a caller may ask of a matching run: the regions, and overrides of the engine settings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from barter.domain.model import Region
from barter.matching.model import (
    ChainLength,
    CostPerKgKm,
    CycleLength,
    FixedCost,
    HoursPerDay,
    LeadDays,
    MinExchangeValue,
    Seed,
    Share,
    SpeedKmh,
    Tolerance,
)
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
    min_exchange_value: MinExchangeValue | None = None
    time_limit_s: Annotated[float, Meta(ge=0.1, le=CLIENT_TIME_LIMIT_MAX_S)] | None = None
    seed: Seed | None = None
    speed_kmh: SpeedKmh | None = None
    working_hours_per_day: HoursPerDay | None = None
    lead_days: LeadDays | None = None
    shelf_life_share: Share | None = None
    max_transport_share: Share | None = None


class RunConsentRequest(RunRequest):
    """A run across regions, asked of the other regions' coordinators: `regions` names the caller's
    own regions (at least one) and the others (at least one), then the same overrides as a run."""


class ConsentAnswer(Input):
    """A coordinator's answer for its regions of a request: `consent`, or `decline` with a reason
    the requester reads."""

    answer: Literal["consent", "decline"]
    reason: Annotated[str, Meta(min_length=1, max_length=500)] | None = None


class RegionAnswer(msgspec.Struct):
    region: str
    answer: Literal["consented", "declined"] | None
    reason: str | None
    answered_at: datetime | None


class RunConsentOut(msgspec.Struct):
    """A request for a run across regions. `status` is pending until every region consented
    (started: `run_id` is the run), one declined (declined), or `expires_at` passed (expired);
    `waiting_for` names the regions still to answer."""

    id: int
    regions: list[str]
    requested_by: int
    requested_by_name: str
    status: Literal["pending", "started", "declined", "expired"]
    created_at: datetime
    expires_at: datetime
    decided_at: datetime | None
    run_id: int | None
    settings: dict[str, Any]
    answers: list[RegionAnswer]
    waiting_for: list[str]

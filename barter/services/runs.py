"""Matching runs: start one over the caller's regions, read them back.

`start_run` is the one way a run begins (JSON API, console, demo). It checks the caller's role and
regions, resolves the settings (the run defaults, then the request's overrides), reserves the
regions with the engine (one run per region at a time), and inserts the queued run in the caller's
transaction. The channel starts the reserved run once that transaction has committed, and releases
the reservation if it does not get that far.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import asyncpg
import msgspec

from barter.domain.access import Caller, require_role
from barter.domain.errors import Forbidden, NotFound, ValidationFailed
from barter.domain.model import REGIONS
from barter.logistics.estimate import cost_per_kg_km
from barter.logistics.fleet import FLEET
from barter.matching.model import EngineSettings, SettingsError
from barter.schemas.proposals import RunOut
from barter.schemas.runs import RunRequest
from barter.settings import Settings
from barter.storage.repos import runs as repo

# Great-circle kilometres times 1.3 is close to Thai road distances; files keep formats.md's 1.0.
RUN_ROAD_FACTOR = 1.3
# The smallest transfer worth proposing, in baht. Every transfer costs its two communities an
# acceptance each, a coordinator's approval per region, packing and a hand-over or a parcel (a
# 10 kg domestic parcel is some 100-200 baht), and a member's day is worth a day's minimum wage
# (330-400 baht in 2025). Below about 500 baht a transfer costs the villages more than it moves
# (the dust of issue 12: 0.07 baht of fish and rice needing three approvals); the demo's smallest
# listing is worth 5,000 baht. Files keep the engine's 0 (their values may be in any unit).
RUN_MIN_EXCHANGE_VALUE = 500.0


class Reservation(Protocol):
    """The engine's hold on a run's regions (barter.workflow.runner.Reservation)."""

    async def mark(self, run_id: int) -> None: ...

    async def release(self) -> None: ...


R = TypeVar("R", bound=Reservation)
R_co = TypeVar("R_co", bound=Reservation, covariant=True)


class Engine(Protocol[R_co]):
    """What starting a run needs of the background runner (barter.workflow.runner.Runner)."""

    async def reserve(self, regions: list[str]) -> R_co: ...


@dataclass(frozen=True, slots=True)
class StartedRun(Generic[R]):
    run: RunOut
    reservation: R
    """Hand it to the runner's `start` once the transaction commits; `release` it otherwise."""


def run_transport_cost() -> float:
    """Baht per kg-km a run prices transport at: the default fleet's cheapest vehicle per kg-km at
    its average load (barter.logistics.estimate.cost_per_kg_km), to six decimals."""
    return round(cost_per_kg_km(FLEET), 6)


def run_defaults(settings: Settings) -> EngineSettings:
    """The settings of a run nobody overrode: the engine's, with Thai roads, transport priced from
    the fleet (files solved by `barter solve` keep the format's 0), and the operator's time limit
    and seed."""
    return EngineSettings(
        road_factor=RUN_ROAD_FACTOR,
        min_exchange_value=RUN_MIN_EXCHANGE_VALUE,
        transport_cost_per_kg_km=run_transport_cost(),
        time_limit_s=settings.matching_time_limit_s,
        seed=settings.matching_seed,
    )


def resolve_settings(defaults: EngineSettings, request: RunRequest) -> EngineSettings:
    """`defaults` with the request's overrides, or a 422 naming the field."""
    overrides = {k: v for k, v in msgspec.structs.asdict(request).items() if k != "regions"}
    try:
        return defaults.overridden(overrides)
    except SettingsError as exc:  # the engine's own input error, a 422 at this edge
        raise ValidationFailed([exc.error]) from None


def run_out(row: Any) -> RunOut:
    return RunOut(**dict(row))


def _can_see(caller: Caller, row: Any) -> bool:
    return caller.is_admin or bool(caller.regions & set(row["regions"]))


async def start_run(
    conn: asyncpg.Connection,
    caller: Caller,
    engine: Engine[R],
    request: RunRequest,
    defaults: EngineSettings,
) -> StartedRun[R]:
    """Queue a run over `request.regions` (default: all the caller covers) in the caller's
    transaction. Coordinators for their regions, admins anywhere; 409 while one of the regions
    has a run going."""
    require_role(caller, "admin", "coordinator")
    regions = sorted(request.regions or (REGIONS if caller.is_admin else caller.regions))
    outside = [r for r in regions if not caller.covers_region(r)]
    if outside:
        raise Forbidden(f"Your key does not cover {', '.join(outside)}")
    return await queue_run(conn, engine, regions, resolve_settings(defaults, request), caller.key_id)


async def queue_run(
    conn: asyncpg.Connection,
    engine: Engine[R],
    regions: list[str],
    settings: EngineSettings,
    requested_by: int,
) -> StartedRun[R]:
    """Reserve the regions with the engine and insert the queued run (for a caller already
    allowed to run over them: `start_run`, or a request every region consented to)."""
    reservation = await engine.reserve(regions)
    try:
        row = await repo.insert(conn, regions, msgspec.structs.asdict(settings), requested_by)
        await reservation.mark(row["id"])
    except BaseException:
        await reservation.release()
        raise
    return StartedRun(run_out(row), reservation)


async def get_run(conn: asyncpg.Connection, caller: Caller, run_id: int) -> RunOut:
    """One run: status, progress, objective, bound, gap, counts, timings (its regions' coordinators)."""
    require_role(caller, "admin", "coordinator")
    row = await repo.get(conn, run_id)
    if row is None or not _can_see(caller, row):
        raise NotFound("No run with that id")
    return run_out(row)

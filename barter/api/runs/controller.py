"""Matching runs: a coordinator asks the engine for proposals over its regions."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import State
from litestar.params import FromQuery, JSONBody
from msgspec import Meta

from barter.api.auth import SECURITY, CallerDep
from barter.api.deps import Conn
from barter.api.http import (
    Cursor,
    IdempotencyDep,
    IdPath,
    Limit,
    id_page,
    last_id,
)
from barter.api.openapi import problems
from barter.api.schemas import Page
from barter.domain.access import Caller, require_role
from barter.domain.errors import FieldError, Forbidden, NotFound, ValidationFailed
from barter.domain.model import REGIONS, Region
from barter.schemas.base import Input
from barter.schemas.proposals import RunOut
from barter.settings import Settings
from barter.storage.repos import runs as repo
from barter.workflow.runner import Runner


class RunCreate(Input):
    regions: Annotated[list[Region], Meta(min_length=1, max_length=6)] | None = None
    max_cycle_length: Annotated[int, Meta(ge=0, le=8, description="2 to 8, or 0 for no limit")] | None = None
    max_chain_length: (
        Annotated[int, Meta(ge=0, le=16, description="transfers in a gift chain; 0: none")] | None
    ) = None
    balance_tolerance: Annotated[float, Meta(ge=0, lt=1)] | None = None
    transport_cost_per_kg_km: Annotated[float, Meta(ge=0, le=100)] | None = None
    exchange_fixed_cost: Annotated[float, Meta(ge=0, le=1e9)] | None = None
    time_limit_s: Annotated[float, Meta(ge=0.1, le=600)] | None = None
    seed: Annotated[int, Meta(ge=0, lt=2**31)] | None = None


def run_out(row: Any) -> RunOut:
    return RunOut(**dict(row))


def _can_see(caller: Caller, row: Any) -> bool:
    return caller.is_admin or bool(caller.regions & set(row["regions"]))


class RunController(Controller):
    path = "/v1/matching/runs"
    tags = ["matching"]
    security = SECURITY

    @post(
        "/",
        status_code=202,
        summary="Start a matching run (coordinators for their regions; admins)",
        responses=problems(400, 401, 403, 409, 413, 422),
    )
    async def create(
        self,
        data: JSONBody[RunCreate],
        conn: Conn,
        caller: CallerDep,
        state: State,
        idempotency: IdempotencyDep,
    ) -> Response[RunOut]:
        require_role(caller, "admin", "coordinator")
        settings: Settings = state.settings
        regions = sorted(data.regions or (REGIONS if caller.is_admin else caller.regions))
        outside = [r for r in regions if not caller.covers_region(r)]
        if outside:
            raise Forbidden(f"Your key does not cover {', '.join(outside)}")
        if data.max_cycle_length == 1:
            raise ValidationFailed([FieldError("max_cycle_length", "2 to 8, or 0 for no limit")])
        engine = {
            "max_cycle_length": 3,
            "max_chain_length": 3,
            "balance_tolerance": 0.1,
            "transport_cost_per_kg_km": 0.0,
            "exchange_fixed_cost": 0.0,
            "road_factor": 1.3,
            "time_limit_s": settings.matching_time_limit_s,
        }
        overrides = {
            k: v
            for k, v in msgspec.structs.asdict(data).items()
            if v is not None and k not in ("regions", "seed")
        }
        seed = data.seed if data.seed is not None else settings.matching_seed
        runner: Runner = state.runner
        reservation = await runner.reserve(regions)
        try:
            row = await repo.insert(conn, regions, engine | overrides, seed, caller.key_id)
            await reservation.mark(row["id"])
            out = run_out(row)
            response = await idempotency.respond(out, 202, {"Location": f"/v1/matching/runs/{out.id}"})
        except BaseException:
            await reservation.release()
            raise
        # Starts once the response is sent, which is after this request's transaction committed.
        response.background = BackgroundTask(runner.start, reservation)
        return response

    @get("/", summary="Matching runs, newest first", responses=problems(400, 401, 403, 422))
    async def list_runs(
        self,
        conn: Conn,
        caller: CallerDep,
        status: FromQuery[Literal["queued", "running", "succeeded", "failed"] | None] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[RunOut]:
        require_role(caller, "admin", "coordinator")
        rows = await repo.list_page(conn, caller, status=status, before_id=last_id(cursor), limit=limit + 1)
        return id_page([run_out(r) for r in rows[:limit]], more=len(rows) > limit)

    @get(
        "/{run_id:int}",
        summary="One run: status, progress, objective, bound, gap, counts, timings",
        responses=problems(400, 401, 403, 404, 422),
    )
    async def get_one(self, conn: Conn, caller: CallerDep, run_id: IdPath) -> RunOut:
        require_role(caller, "admin", "coordinator")
        row = await repo.get(conn, run_id)
        if row is None or not _can_see(caller, row):
            raise NotFound("No run with that id")
        return run_out(row)

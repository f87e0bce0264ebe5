"""Matching runs: a coordinator asks the engine for proposals over its regions."""

from __future__ import annotations

from typing import Literal

from litestar import Controller, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import State
from litestar.params import FromQuery, JSONBody

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
from barter.schemas.proposals import RunOut
from barter.schemas.runs import RunRequest
from barter.services import read, runs
from barter.workflow.runner import Runner


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
        data: JSONBody[RunRequest],
        conn: Conn,
        caller: CallerDep,
        state: State,
        idempotency: IdempotencyDep,
    ) -> Response[RunOut]:
        runner: Runner = state.runner
        started = await runs.start_run(conn, caller, runner, data, runs.run_defaults(state.settings))
        try:
            out = started.run
            response = await idempotency.respond(out, 202, {"Location": f"/v1/matching/runs/{out.id}"})
        except BaseException:
            await started.reservation.release()
            raise
        response.background = BackgroundTask(runner.start, started.reservation)
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
        rows = await read.run_page(conn, caller, status=status, before_id=last_id(cursor), limit=limit + 1)
        return id_page(rows[:limit], more=len(rows) > limit)

    @get(
        "/{run_id:int}",
        summary="One run: status, progress, objective, bound, gap, counts, timings",
        responses=problems(400, 401, 403, 404, 422),
    )
    async def get_one(self, conn: Conn, caller: CallerDep, run_id: IdPath) -> RunOut:
        return await runs.get_run(conn, caller, run_id)

"""Logistics plans and shipments: plan them, map them, and move them along."""

from __future__ import annotations

from typing import Annotated, Any, cast

import msgspec
from litestar import Controller, Litestar, Response, get, post
from litestar.datastructures import State
from litestar.params import FromQuery, JSONBody, PathParameter, QueryParameter

from barter.api.auth import SECURITY, CallerDep
from barter.api.deps import Conn
from barter.api.http import (
    Cursor,
    IdempotencyDep,
    IdPath,
    Limit,
    OptionalIfMatch,
    etag,
    expected_version,
    id_page,
    json_response,
    last_id,
)
from barter.api.openapi import problems
from barter.api.schemas import Page
from barter.api.validation import parameter_error
from barter.domain.errors import ValidationFailed
from barter.domain.formats import PLAN_REF
from barter.domain.model import Region
from barter.schemas.logistics import (
    FeatureCollection,
    PlanCreate,
    PlanOut,
    PlanStatus,
    PlanSummary,
    ShipmentOut,
    ShipmentStatus,
)
from barter.services import logistics as service

GEOJSON = "application/geo+json"
MOVE = problems(400, 401, 403, 404, 409, 412, 413, 422)
PlanRef = Annotated[
    str,
    PathParameter(
        pattern=PLAN_REF,
        max_length=26,
        description="A plan id for the plan as JSON, or the id followed by .geojson for its map",
    ),
]


def _version(if_match: str | None) -> int | None:
    return None if if_match is None else expected_version(if_match)


class LogisticsPlanController(Controller):
    path = "/v1/logistics/plans"
    tags = ["logistics"]
    security = SECURITY

    @post(
        "/",
        summary="Plan shipments for the approved proposals of your regions (or preview the proposed ones)",
        description=(
            "409 `nothing_to_plan` when no proposal waits for a plan; `planned_meanwhile` when another "
            "plan, made at the same time, took one of its proposals first (`proposal_ids`, `plan_id`: "
            "nothing of this one is stored; plan again for what is left); `proposals_changed` when one "
            "moved on while the plan was made."
        ),
        responses=problems(400, 401, 403, 409, 413, 415, 422, 429),
    )
    async def create(
        self,
        conn: Conn,
        caller: CallerDep,
        state: State,
        idempotency: IdempotencyDep,
        data: JSONBody[PlanCreate | None] = None,
    ) -> Response[PlanOut]:
        out = await service.create_plan(conn, caller, data or PlanCreate(), state.clock, state.settings)
        return await idempotency.respond(
            out, 201, {"Location": f"/v1/logistics/plans/{out.id}", "ETag": etag(out.version)}
        )

    @get("/", summary="Plans you can see, newest first", responses=problems(400, 401, 403, 422))
    async def list_plans(
        self,
        conn: Conn,
        caller: CallerDep,
        preview: FromQuery[bool | None] = None,
        status: FromQuery[PlanStatus | None] = None,
        region: FromQuery[Region | None] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[PlanSummary]:
        data = await service.list_plans(
            conn,
            caller,
            preview=preview,
            status=status,
            region=region,
            before_id=last_id(cursor),
            limit=limit + 1,
        )
        return id_page(data[:limit], more=len(data) > limit)

    @get(
        "/{plan:str}",
        summary="One plan with its shipments, hand-overs and unplaced transfers; `{id}.geojson` for its map",
        description="`/v1/logistics/plans/7` answers the plan as JSON; `/v1/logistics/plans/7.geojson` "
        "answers its map (application/geo+json): routes as LineStrings, stops as Points.",
        responses=problems(400, 401, 403, 404, 422),
    )
    async def get_one(self, conn: Conn, caller: CallerDep, plan: PlanRef) -> Response[PlanOut]:
        number, _, suffix = plan.partition(".")
        plan_id = int(number)
        if plan_id > 2**62:
            raise ValidationFailed([parameter_error("plan", "unknown")])
        if suffix:
            body = await service.plan_geojson(conn, caller, plan_id)
            # The same route answers the map: documented by install_geojson_schema.
            return cast(Response[PlanOut], Response(content=msgspec.json.encode(body), media_type=GEOJSON))
        out = await service.get_plan(conn, caller, plan_id)
        return json_response(out, headers={"ETag": etag(out.version)})

    @post(
        "/{plan_id:int}/cancel",
        status_code=200,
        summary="Cancel a plan before any of its shipments loads; its proposals can be planned again",
        responses=MOVE,
    )
    async def cancel(
        self,
        conn: Conn,
        caller: CallerDep,
        state: State,
        idempotency: IdempotencyDep,
        plan_id: IdPath,
        if_match: OptionalIfMatch = None,
    ) -> Response[PlanOut]:
        out = await service.cancel_plan(conn, caller, plan_id, state.clock, _version(if_match))
        return await idempotency.respond(out, 200, {"ETag": etag(out.version)})


class ShipmentController(Controller):
    path = "/v1/shipments"
    tags = ["logistics"]
    security = SECURITY

    @get("/", summary="Shipments you can see, newest first", responses=problems(400, 401, 422))
    async def list_shipments(
        self,
        conn: Conn,
        caller: CallerDep,
        plan: Annotated[int | None, QueryParameter(ge=1, le=2**62, description="A plan's id")] = None,
        status: FromQuery[ShipmentStatus | None] = None,
        region: FromQuery[Region | None] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[ShipmentOut]:
        data = await service.list_shipments(
            conn,
            caller,
            plan_id=plan,
            status=status,
            region=region,
            before_id=last_id(cursor),
            limit=limit + 1,
        )
        return id_page(data[:limit], more=len(data) > limit)

    @get(
        "/{shipment_id:int}",
        summary="One shipment: stops, loads, times, what it carries",
        responses=problems(400, 401, 404, 422),
    )
    async def get_one(self, conn: Conn, caller: CallerDep, shipment_id: IdPath) -> Response[ShipmentOut]:
        out = await service.get_shipment(conn, caller, shipment_id)
        return json_response(out, headers={"ETag": etag(out.version)})

    @post(
        "/{shipment_id:int}/loading",
        status_code=200,
        summary="A coordinator marks the shipment loading",
        responses=MOVE,
    )
    async def loading(
        self,
        conn: Conn,
        caller: CallerDep,
        state: State,
        idempotency: IdempotencyDep,
        shipment_id: IdPath,
        if_match: OptionalIfMatch = None,
    ) -> Response[ShipmentOut]:
        out = await service.move_shipment(
            conn, caller, shipment_id, "loading", state.clock, _version(if_match)
        )
        return await idempotency.respond(out, 200, {"ETag": etag(out.version)})

    @post(
        "/{shipment_id:int}/depart",
        status_code=200,
        summary="A coordinator marks the shipment on the road (dispatching all it carries does too)",
        responses=MOVE,
    )
    async def depart(
        self,
        conn: Conn,
        caller: CallerDep,
        state: State,
        idempotency: IdempotencyDep,
        shipment_id: IdPath,
        if_match: OptionalIfMatch = None,
    ) -> Response[ShipmentOut]:
        out = await service.move_shipment(
            conn, caller, shipment_id, "depart", state.clock, _version(if_match)
        )
        return await idempotency.respond(out, 200, {"ETag": etag(out.version)})


def install_geojson_schema(app: Litestar) -> None:
    """Document the second answer of GET /v1/logistics/plans/{plan}: the map as application/geo+json."""
    (schema,), components = msgspec.json.schema_components(
        [FeatureCollection], ref_template="#/components/schemas/{name}"
    )
    document: dict[str, Any] = app.plugins.get("OpenAPIPlugin").provide_openapi_schema()
    document.setdefault("components", {}).setdefault("schemas", {}).update(components)
    operation = document["paths"]["/v1/logistics/plans/{plan}"]["get"]
    operation["responses"]["200"]["content"][GEOJSON] = {"schema": schema}

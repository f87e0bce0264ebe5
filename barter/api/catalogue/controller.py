"""The catalogue's reference values: read by any key, set by admins (national, any region) and
coordinators (their regions)."""

from __future__ import annotations

from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.params import JSONBody

from barter.api.auth import SECURITY, CallerDep
from barter.api.deps import Conn
from barter.api.http import ItemIdPath, OptionalIfMatch, etag, expected_version, json_response
from barter.api.openapi import problems
from barter.schemas.reference import ItemValues, ValueSet
from barter.services import catalogue


class CatalogueController(Controller):
    path = "/v1/items/{item_id:str}/values"
    tags = ["reference"]
    security = SECURITY

    @get(
        "/",
        summary="An item's reference values: national, by region, and every change",
        responses=problems(401, 404, 422),
    )
    async def get_values(self, conn: Conn, caller: CallerDep, item_id: ItemIdPath) -> Response[ItemValues]:
        out = await catalogue.values(conn, item_id)
        return json_response(out, headers={"ETag": etag(out.version)})

    @post(
        "/",
        status_code=200,
        summary="Set a reference value (national: admins; a region's: its coordinators and admins)",
        responses=problems(400, 401, 403, 404, 412, 422),
    )
    async def set_value(
        self,
        state: State,
        conn: Conn,
        caller: CallerDep,
        item_id: ItemIdPath,
        data: JSONBody[ValueSet],
        if_match: OptionalIfMatch = None,
    ) -> Response[ItemValues]:
        version = None if if_match is None else expected_version(if_match)
        out = await catalogue.set_value(conn, caller, item_id, data, state.clock.now(), version)
        return json_response(out, headers={"ETag": etag(out.version)})

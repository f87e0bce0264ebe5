"""Reference data: open to everyone, like a printed price list on the village notice board; goods
the catalogue lacks are added by coordinators and admins (with their key)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import JSONBody, QueryParameter

from barter.api.auth import SECURITY, CallerDep
from barter.api.deps import Conn, provide_connection, provide_public_connection
from barter.api.http import json_response
from barter.api.openapi import PUBLIC, problems
from barter.api.schemas import ListOf
from barter.domain.model import Region
from barter.schemas.reference import CategoryOut, ItemNew, ItemOut, ProvinceOut, RegionOut
from barter.services import catalogue, read


class ReferenceController(Controller):
    path = "/v1"
    tags = ["reference"]
    dependencies = {"conn": Provide(provide_public_connection)}

    @get("/regions", summary="The six regions of Thailand", responses=PUBLIC)
    async def regions(self, conn: Conn) -> ListOf[RegionOut]:
        return ListOf(await read.regions(conn))

    @get("/provinces", summary="The 77 provinces, with centroids", responses=PUBLIC)
    async def provinces(
        self,
        conn: Conn,
        region: Annotated[Region | None, QueryParameter(description="Only this region")] = None,
    ) -> ListOf[ProvinceOut]:
        return ListOf(await read.provinces(conn, region))

    @get("/categories", summary="Item categories", responses=PUBLIC)
    async def categories(self, conn: Conn) -> ListOf[CategoryOut]:
        return ListOf(await read.categories(conn))

    @get("/items", summary="The catalogue: items with units and reference values", responses=PUBLIC)
    async def items(
        self,
        conn: Conn,
        category_id: Annotated[
            str | None, QueryParameter(max_length=64, description="Only this category")
        ] = None,
        q: Annotated[
            str | None,
            QueryParameter(max_length=100, description="Search Thai or English names, e.g. ข้าว or rice"),
        ] = None,
    ) -> ListOf[ItemOut]:
        return ListOf(await read.items(conn, category_id, q))

    @post(
        "/items",
        status_code=201,
        summary="Add goods the catalogue lacks, e.g. ปลาทู (coordinators and admins)",
        description="The id is made from the English name; the quantity step follows the unit. A Thai "
        "name or synonym another item uses, or one naming a whole category (ข้าว, ผัก), is refused "
        "by field (422): the LINE reader must know which goods a message names.",
        responses=problems(400, 401, 403, 422),
        security=SECURITY,
        dependencies={"conn": Provide(provide_connection)},
    )
    async def add_item(
        self, state: State, conn: Conn, caller: CallerDep, data: JSONBody[ItemNew]
    ) -> Response[ItemOut]:
        out = await catalogue.add_item(conn, caller, data, state.clock.now())
        return json_response(out, 201, headers={"Location": f"/v1/items/{out.id}/values"})

"""Reference data: open to everyone, like a printed price list on the village notice board."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import Provide
from litestar.params import QueryParameter

from barter.api.deps import Conn, provide_public_connection
from barter.api.openapi import PUBLIC
from barter.api.schemas import ListOf
from barter.domain.model import Region
from barter.schemas.reference import CategoryOut, ItemOut, ProvinceOut, RegionOut
from barter.services import read


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

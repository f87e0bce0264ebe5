"""Reference data: open to everyone, like a printed price list on the village notice board."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import Provide
from litestar.params import QueryParameter

from barter.api.deps import Conn, provide_public_connection
from barter.api.openapi import PUBLIC
from barter.api.reference.schemas import CategoryOut, ItemOut, ProvinceOut, RegionOut
from barter.api.schemas import ListOf
from barter.domain.model import Region
from barter.storage import reference as repo


class ReferenceController(Controller):
    path = "/v1"
    tags = ["reference"]
    dependencies = {"conn": Provide(provide_public_connection)}

    @get("/regions", summary="The six regions of Thailand", responses=PUBLIC)
    async def regions(self, conn: Conn) -> ListOf[RegionOut]:
        return ListOf([RegionOut(**dict(r)) for r in await repo.list_regions(conn)])

    @get("/provinces", summary="The 77 provinces, with centroids", responses=PUBLIC)
    async def provinces(
        self,
        conn: Conn,
        region: Annotated[Region | None, QueryParameter(description="Only this region")] = None,
    ) -> ListOf[ProvinceOut]:
        return ListOf([ProvinceOut(**dict(r)) for r in await repo.list_provinces(conn, region)])

    @get("/categories", summary="Item categories", responses=PUBLIC)
    async def categories(self, conn: Conn) -> ListOf[CategoryOut]:
        return ListOf([CategoryOut(**dict(r)) for r in await repo.list_categories(conn)])

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
        return ListOf([ItemOut(**dict(r)) for r in await repo.list_items(conn, category_id, q)])

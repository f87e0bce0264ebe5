"""Reference data: open to everyone, like a printed price list on the village notice board; goods
the catalogue lacks are added by coordinators and admins (with their key)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, patch, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import JSONBody, QueryParameter

from barter.api.auth import SECURITY, CallerDep
from barter.api.deps import Conn, provide_connection, provide_public_connection
from barter.api.http import IdempotencyDep, IfMatch, ItemIdPath, etag, expected_version, json_response
from barter.api.openapi import CHANGE, PUBLIC, problems
from barter.api.schemas import ListOf
from barter.domain.model import Region
from barter.schemas.reference import CategoryOut, ItemNew, ItemOut, ItemPatch, ProvinceOut, RegionOut
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

    @get(
        "/items/{item_id:str}",
        summary="One item of the catalogue (ETag for If-Match), with its other Thai names",
        responses=problems(400, 404, 422),
    )
    async def item(self, conn: Conn, item_id: ItemIdPath) -> Response[ItemOut]:
        out = await catalogue.get_item(conn, item_id)
        return json_response(out, headers={"ETag": etag(out.version)})

    @post(
        "/items",
        status_code=201,
        summary="Add goods the catalogue lacks, e.g. ปลาช่อน (coordinators and admins)",
        description="The id is made from the English name (`striped-snakehead`; `item-1`, `item-2`, ... "
        "without one, when the English name is the Thai one); the quantity step follows the unit. A "
        "Thai name or synonym another item uses (`name_taken`), one naming a whole category (ข้าว, "
        "ผัก: `category_word`), given twice (`given_twice`), not in Thai (`not_thai`), blank "
        "(`required`) or with control or invisible characters (`bad_characters`) is refused by "
        "field (422): the LINE reader must know which goods a message names. Honours "
        "`Idempotency-Key`.",
        responses=problems(400, 401, 403, 409, 413, 422),
        security=SECURITY,
        dependencies={"conn": Provide(provide_connection)},
    )
    async def add_item(
        self,
        state: State,
        conn: Conn,
        caller: CallerDep,
        idempotency: IdempotencyDep,
        data: JSONBody[ItemNew],
    ) -> Response[ItemOut]:
        out = await catalogue.add_item(conn, caller, data, state.clock.now())
        return await idempotency.respond(
            out, 201, {"ETag": etag(out.version), "Location": f"/v1/items/{out.id}"}
        )

    @patch(
        "/items/{item_id:str}",
        summary="Correct goods the network added (coordinators and admins; If-Match required)",
        description="Names, synonyms (the whole list), counting word (null drops it), shelf life and "
        'weight per unit; `name_en` null or "" clears the English name (the goods are called by their '
        "Thai name in English, as goods added without one are, and follow a new Thai name); not "
        "the unit or category (listings count in them: `unknown_field`). The "
        "same refusals as adding, against the other items' names. The shipped catalogue's goods "
        "answer 409 `shipped_item`: their names come from its file.",
        responses=CHANGE,
        security=SECURITY,
        dependencies={"conn": Provide(provide_connection)},
    )
    async def update_item(
        self, if_match: IfMatch, conn: Conn, caller: CallerDep, item_id: ItemIdPath, data: JSONBody[ItemPatch]
    ) -> Response[ItemOut]:
        out = await catalogue.update_item(conn, caller, item_id, expected_version(if_match), data)
        return json_response(out, headers={"ETag": etag(out.version)})

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, patch, post
from litestar.params import FromQuery, JSONBody, QueryParameter

from barter.api.auth import SECURITY, CallerDep
from barter.api.communities import service
from barter.api.communities.schemas import CommunityCreate, CommunityOut, CommunityPatch
from barter.api.deps import Conn
from barter.api.http import (
    IdempotencyDep,
    IfMatch,
    PathId,
    decode_cursor,
    encode_cursor,
    etag,
    expected_version,
    json_response,
)
from barter.api.openapi import CHANGE, CREATE, READ, READ_ONE
from barter.api.schemas import Page
from barter.domain.model import CommunityKind, Region
from barter.storage.repos import communities as repo

Limit = Annotated[int, QueryParameter(ge=1, le=200, description="Page size")]


class CommunityController(Controller):
    path = "/v1/communities"
    tags = ["communities"]
    security = SECURITY

    @post(
        "/", summary="Create a community (admins anywhere, coordinators in their regions)", responses=CREATE
    )
    async def create(
        self, data: JSONBody[CommunityCreate], conn: Conn, caller: CallerDep, idempotency: IdempotencyDep
    ) -> Response[CommunityOut]:
        out = await service.create(conn, caller, data)
        return await idempotency.respond(
            out, 201, {"ETag": etag(out.version), "Location": f"/v1/communities/{out.id}"}
        )

    @get("/", summary="List communities", responses=READ)
    async def list_communities(
        self,
        conn: Conn,
        caller: CallerDep,
        region: FromQuery[Region | None] = None,
        province_code: Annotated[str | None, QueryParameter(pattern=r"^[1-9][0-9]$")] = None,
        kind: FromQuery[CommunityKind | None] = None,
        q: Annotated[
            str | None, QueryParameter(max_length=100, description="Search Thai or English names")
        ] = None,
        cursor: Annotated[str | None, QueryParameter(max_length=400)] = None,
        limit: Limit = 50,
    ) -> Page[CommunityOut]:
        after = decode_cursor(cursor, "id", int)[1] if cursor else None
        rows = await repo.list_page(
            conn, region=region, province_code=province_code, kind=kind, q=q, after_id=after, limit=limit + 1
        )
        data = [service.to_out(r, caller) for r in rows[:limit]]
        next_cursor = encode_cursor("id", data[-1].id, data[-1].id) if len(rows) > limit else None
        return Page(data=data, next_cursor=next_cursor)

    @get("/{community_id:int}", summary="One community (ETag for If-Match)", responses=READ_ONE)
    async def get_one(self, conn: Conn, caller: CallerDep, community_id: PathId) -> Response[CommunityOut]:
        out = await service.get(conn, caller, community_id)
        return json_response(out, headers={"ETag": etag(out.version)})

    @patch("/{community_id:int}", summary="Edit a community (If-Match required)", responses=CHANGE)
    async def update(
        self,
        if_match: IfMatch,
        data: JSONBody[CommunityPatch],
        conn: Conn,
        caller: CallerDep,
        community_id: PathId,
    ) -> Response[CommunityOut]:
        version = expected_version(if_match)
        out = await service.update(conn, caller, community_id, version, data)
        return json_response(out, headers={"ETag": etag(out.version)})

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, patch, post, put
from litestar.datastructures import State
from litestar.params import FromQuery, JSONBody, QueryParameter

from barter.api.auth import SECURITY, CallerDep
from barter.api.deps import Conn
from barter.api.http import (
    Cursor,
    IdempotencyDep,
    IdPath,
    IfMatch,
    Limit,
    etag,
    expected_version,
    id_page,
    json_response,
    last_id,
)
from barter.api.openapi import CHANGE, CREATE, READ, READ_ONE, problems
from barter.api.schemas import Page
from barter.domain.formats import PROVINCE_CODE
from barter.domain.model import CommunityKind, Region
from barter.schemas.communities import CommunityCreate, CommunityOut, CommunityPatch
from barter.schemas.proposals import AccountOut
from barter.schemas.sms import SmsConsentIn, SmsConsentOut
from barter.services import communities as service
from barter.services import read, sms_consent


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
        province_code: Annotated[str | None, QueryParameter(pattern=PROVINCE_CODE)] = None,
        kind: FromQuery[CommunityKind | None] = None,
        q: Annotated[
            str | None, QueryParameter(max_length=100, description="Search Thai or English names")
        ] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[CommunityOut]:
        rows = await read.community_page(
            conn,
            caller,
            region=region,
            province_code=province_code,
            kind=kind,
            q=q,
            after_id=last_id(cursor),
            limit=limit + 1,
        )
        return id_page(rows[:limit], more=len(rows) > limit)

    @get("/{community_id:int}", summary="One community (ETag for If-Match)", responses=READ_ONE)
    async def get_one(self, conn: Conn, caller: CallerDep, community_id: IdPath) -> Response[CommunityOut]:
        out = await service.get(conn, caller, community_id)
        return json_response(out, headers={"ETag": etag(out.version)})

    @patch("/{community_id:int}", summary="Edit a community (If-Match required)", responses=CHANGE)
    async def update(
        self,
        if_match: IfMatch,
        data: JSONBody[CommunityPatch],
        conn: Conn,
        caller: CallerDep,
        community_id: IdPath,
    ) -> Response[CommunityOut]:
        version = expected_version(if_match)
        out = await service.update(conn, caller, community_id, version, data)
        return json_response(out, headers={"ETag": etag(out.version)})

    @get(
        "/{community_id:int}/account",
        summary="What the community gave and received, by item and month",
        responses=problems(400, 401, 403, 404, 422),
    )
    async def account(self, conn: Conn, caller: CallerDep, community_id: IdPath) -> AccountOut:
        return await service.account(conn, caller, community_id)

    @get(
        "/{community_id:int}/sms",
        summary="The number SMS notices go to, and whether the community consented (opted in)",
        responses=problems(400, 401, 403, 404, 422),
    )
    async def sms(self, conn: Conn, caller: CallerDep, community_id: IdPath) -> SmsConsentOut:
        return await sms_consent.get(conn, caller, community_id)

    @put(
        "/{community_id:int}/sms",
        summary="Opt the community in to SMS notices with a Thai mobile number, or out (audited)",
        responses=problems(400, 401, 403, 404, 413, 422),
    )
    async def set_sms(
        self, data: JSONBody[SmsConsentIn], conn: Conn, caller: CallerDep, state: State, community_id: IdPath
    ) -> SmsConsentOut:
        return await sms_consent.record(conn, caller, community_id, data, state.clock.now())

"""Link codes and linked LINE chats, for admins and the coordinators of a community's region.

The console's link-code screen uses the same use cases (barter/services/line.py).
"""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Response, delete, get, post
from litestar.datastructures import State
from litestar.params import QueryParameter

from barter.api.auth import SECURITY, CallerDep
from barter.api.deps import Conn
from barter.api.http import Cursor, IdempotencyDep, IdPath, Limit, id_page, last_id
from barter.api.openapi import problems
from barter.api.schemas import ListOf, Page
from barter.services import line as service
from barter.services import notices
from barter.services.line import CodeOut, LinkOut
from barter.services.notices import NoticeOut


class LineController(Controller):
    tags = ["line"]
    security = SECURITY

    @post(
        "/v1/communities/{community_id:int}/line-codes",
        summary="A one-time code that links a LINE chat to the community (shown once, valid 48 hours)",
        description=(
            "A retry with the same Idempotency-Key issues nothing more and answers 409 "
            "`secret_not_replayed` with the code's id and expiry but not the code: it is shown once and "
            "kept only as a hash, not even for replays."
        ),
        responses=problems(400, 401, 403, 404, 409, 413, 422),
    )
    async def issue_code(
        self, conn: Conn, caller: CallerDep, state: State, idempotency: IdempotencyDep, community_id: IdPath
    ) -> Response[CodeOut]:
        out = await service.issue_code(conn, caller, state.settings.secret, community_id, state.clock.now())
        return await idempotency.respond(out, 201)

    @delete(
        "/v1/line-codes/{code_id:int}",
        summary="Revoke a link code that was not used yet",
        responses=problems(400, 401, 403, 404, 409, 422),
    )
    async def revoke_code(self, conn: Conn, caller: CallerDep, code_id: IdPath) -> None:
        await service.revoke_code(conn, caller, code_id)

    @get(
        "/v1/communities/{community_id:int}/line-links",
        summary="LINE chats linked to the community now",
        responses=problems(400, 401, 403, 404, 422),
    )
    async def list_links(self, conn: Conn, caller: CallerDep, community_id: IdPath) -> ListOf[LinkOut]:
        return ListOf(await service.list_links(conn, caller, community_id))

    @post(
        "/v1/line-links/{link_id:int}/revoke",
        status_code=200,
        summary="Unlink a LINE chat: it can no longer post or answer for the community",
        responses=problems(400, 401, 403, 404, 422),
    )
    async def revoke_link(self, conn: Conn, caller: CallerDep, link_id: IdPath) -> LinkOut:
        return await service.revoke_link(conn, caller, link_id)


class NoticeController(Controller):
    path = "/v1/notifications"
    tags = ["line"]
    security = SECURITY

    @get(
        "/",
        summary="Notices sent to communities by LINE and SMS, and those that failed, newest first",
        responses=problems(400, 401, 403, 422),
    )
    async def list_notices(
        self,
        conn: Conn,
        caller: CallerDep,
        community_id: Annotated[int | None, QueryParameter(ge=1, le=2**62)] = None,
        notice_state: Annotated[
            Literal["pending", "sent", "failed", "cancelled"] | None, QueryParameter(name="state")
        ] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[NoticeOut]:
        rows = await notices.list_notices(
            conn,
            caller,
            community_id=community_id,
            state=notice_state,
            before_id=last_id(cursor),
            limit=limit + 1,
        )
        return id_page(rows[:limit], more=len(rows) > limit)

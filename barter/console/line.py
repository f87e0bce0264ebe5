"""The LINE link-code screen of a community: a coordinator of its region (or an admin) issues a
one-time code, sees the codes still waiting and the LINE chats linked, and unlinks one. The use
cases are barter/services/line.py's, through barter/console/uses.py (the same as /v1/...line-codes)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.response import Redirect, Template

from barter.console import uses
from barter.console.session import Conn, ViewerDep


class LineCodes(Controller):
    path = "/communities/{community_id:int}/line"

    @get("/")
    async def screen(
        self, conn: Conn, viewer: ViewerDep, state: State, community_id: FromPath[int]
    ) -> Template:
        return await line_page(conn, viewer, state, community_id)

    @post("/codes")
    async def issue(
        self, conn: Conn, viewer: ViewerDep, state: State, community_id: FromPath[int]
    ) -> Template:
        """The code is shown once, on this answer (only its hash is kept)."""
        code = await uses.issue_line_code(conn, viewer.caller, state.settings, community_id, state.clock)
        return await line_page(conn, viewer, state, community_id, code=code, status_code=201)

    @post("/codes/{code_id:int}/revoke")
    async def revoke_code(
        self, conn: Conn, viewer: ViewerDep, community_id: FromPath[int], code_id: FromPath[int]
    ) -> Response[Any]:
        await uses.revoke_line_code(conn, viewer.caller, code_id)
        return Redirect(path=f"/console/communities/{community_id}/line/", status_code=303)

    @post("/links/{link_id:int}/revoke")
    async def revoke_link(
        self, conn: Conn, viewer: ViewerDep, community_id: FromPath[int], link_id: FromPath[int]
    ) -> Response[Any]:
        await uses.revoke_line_link(conn, viewer.caller, link_id)
        return Redirect(path=f"/console/communities/{community_id}/line/", status_code=303)


async def line_page(
    conn: Conn,
    viewer: ViewerDep,
    state: State,
    community_id: int,
    *,
    code: uses.CodeOut | None = None,
    status_code: int = 200,
) -> Template:
    community = await uses.community(conn, viewer.caller, community_id)
    return Template(
        template_name="line.html",
        status_code=status_code,
        context={
            "viewer": viewer,
            "nav": "communities",
            "community": community,
            "code": code,
            "codes": await uses.line_codes(conn, viewer.caller, community_id, state.clock),
            "links": await uses.line_links(conn, viewer.caller, community_id),
            "channel_on": state.settings.line_enabled,
        },
    )

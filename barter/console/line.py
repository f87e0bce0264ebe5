"""The LINE link-code screen of a community: a coordinator of its region (or an admin) issues a
one-time code, sees the codes still waiting and the LINE chats linked, and unlinks one. The use
cases are barter/services/line.py's, through barter/console/uses.py (the same as /v1/...line-codes).

Issuing answers 303 to the screen (Post/Redirect/Get) and carries the new code there in a flash
(barter/console/session.py): the screen shows it once, and reloading it, or going back and
forward on a phone, never issues a second code nor shows the first again."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.response import Redirect, Template

from barter.console import uses
from barter.console.session import Conn, ViewerDep, take_flash, with_flash


class LineCodes(Controller):
    path = "/communities/{community_id:int}/line"

    @get("/")
    async def screen(
        self,
        conn: Conn,
        viewer: ViewerDep,
        state: State,
        request: Request[Any, Any, Any],
        community_id: FromPath[int],
    ) -> Template:
        """With the code just issued, once: the flash is cleared by this answer, which no cache
        keeps (a page shown again by the back button is asked for again, and shows no code)."""
        flashed, clear = take_flash(request, state, _screen(community_id))
        page = await line_page(conn, viewer, state, community_id, flashed=flashed)
        page.headers["Cache-Control"] = "no-store"
        if clear is not None:
            page.set_cookie(clear)
        return page

    @post("/codes")
    async def issue(
        self,
        conn: Conn,
        viewer: ViewerDep,
        state: State,
        request: Request[Any, Any, Any],
        community_id: FromPath[int],
    ) -> Response[Any]:
        """Issue a code and redirect to the screen, which shows it once (only its hash is kept)."""
        code = await uses.issue_line_code(conn, viewer.caller, state.settings, community_id, state.clock)
        screen = _screen(community_id)
        redirect = Redirect(path=screen, status_code=303)
        return with_flash(redirect, request, state, screen, f"{code.id}:{code.code}")

    @post("/codes/{code_id:int}/revoke")
    async def revoke_code(
        self, conn: Conn, viewer: ViewerDep, community_id: FromPath[int], code_id: FromPath[int]
    ) -> Response[Any]:
        await uses.revoke_line_code(conn, viewer.caller, community_id, code_id)
        return Redirect(path=_screen(community_id), status_code=303)

    @post("/links/{link_id:int}/revoke")
    async def revoke_link(
        self, conn: Conn, viewer: ViewerDep, community_id: FromPath[int], link_id: FromPath[int]
    ) -> Response[Any]:
        await uses.revoke_line_link(conn, viewer.caller, community_id, link_id)
        return Redirect(path=_screen(community_id), status_code=303)


def _screen(community_id: int) -> str:
    return f"/console/communities/{community_id}/line/"


def _shown(flashed: str | None, codes: list[uses.ActiveCodeOut]) -> uses.CodeOut | None:
    """The code flashed to the screen ("id:code"), while it is still waiting to be used."""
    if flashed is None:
        return None
    code_id, _, text = flashed.partition(":")
    for c in codes:
        if str(c.id) == code_id:
            return uses.CodeOut(id=c.id, community_id=c.community_id, code=text, expires_at=c.expires_at)
    return None


async def line_page(
    conn: Conn, viewer: ViewerDep, state: State, community_id: int, *, flashed: str | None = None
) -> Template:
    community = await uses.community(conn, viewer.caller, community_id)
    codes = await uses.line_codes(conn, viewer.caller, community_id, state.clock)
    return Template(
        template_name="line.html",
        context={
            "viewer": viewer,
            "nav": "communities",
            "community": community,
            "code": _shown(flashed, codes),
            "codes": codes,
            "links": await uses.line_links(conn, viewer.caller, community_id),
            "channel_on": state.settings.line_enabled,
        },
    )

"""Signing in to the console: an API key once, then a server-side session behind an HttpOnly cookie.

The cookie holds a random token; the database holds only its keyed hash, the key it stands for
and when it ends (console_sessions). Each request looks the session up with its key, so signing
out or revoking the key ends it at once, on every server process, and sessions survive restarts.
The cookie is SameSite=Lax, HttpOnly, and Secure whenever the request came over TLS; every form
also carries Litestar's CSRF token (see barter/console/web.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import asyncpg
from litestar import Request, Response
from litestar.datastructures import Cookie, State
from litestar.di import NamedDependency

from barter.domain.access import Caller
from barter.domain.clock import Clock
from barter.services import sessions
from barter.settings import Settings

COOKIE = "barter_session"
LIFETIME = timedelta(hours=12)


class SignInRequired(Exception):
    """No live session: the console sends the browser to the sign-in page."""


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a console page."""

    caller: Caller
    name: str

    @property
    def role(self) -> str:
        return self.caller.role


def _secret(state: State) -> str:
    settings: Settings = state.settings
    assert settings.secret is not None
    return settings.secret


async def provide_viewer(request: Request[Any, Any, Any], state: State) -> Viewer:
    token = request.cookies.get(COOKIE)
    if not token:
        raise SignInRequired
    clock: Clock = state.clock
    pool: asyncpg.Pool = state.pool
    async with pool.acquire() as conn:
        found = await sessions.session_caller(
            cast(asyncpg.Connection, conn), _secret(state), token, clock.now()
        )
    if found is None:
        raise SignInRequired
    caller, name = found
    return Viewer(caller, name)


async def sign_in(conn: asyncpg.Connection, state: State, key: str) -> str | None:
    """A new session token for a valid key; None for anything else."""
    clock: Clock = state.clock
    return await sessions.open_session(conn, _secret(state), key, clock.now(), LIFETIME)


async def sign_out(conn: asyncpg.Connection, state: State, request: Request[Any, Any, Any]) -> None:
    token = request.cookies.get(COOKIE)
    if token:
        await sessions.close_session(conn, _secret(state), token)


def session_cookie(request: Request[Any, Any, Any], token: str | None) -> Cookie:
    """The session cookie to set (or, with None, to clear)."""
    return Cookie(
        key=COOKIE,
        value=token or "",
        path="/",
        max_age=int(LIFETIME.total_seconds()) if token else 0,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def with_cookie(response: Response[Any], request: Request[Any, Any, Any], token: str | None) -> Response[Any]:
    response.set_cookie(session_cookie(request, token))
    return response


ViewerDep = NamedDependency[Viewer]
"""Annotate a page's `viewer: ViewerDep` parameter: the page needs a signed-in viewer."""

Conn = NamedDependency[asyncpg.Connection]
"""A page's `conn: Conn`: the request's connection, provided by the app factory."""

"""Signing in to the console: an API key once, then a server-side session behind an HttpOnly cookie.

The cookie holds a random token; the database holds only its keyed hash, the key it stands for
and when it ends (console_sessions). Each request looks the session up with its key, so signing
out or revoking the key ends it at once, on every server process, and sessions survive restarts.
The cookie is SameSite=Lax, HttpOnly, and Secure whenever the request came over TLS; every form
also carries Litestar's CSRF token (see barter/console/web.py).

A form whose answer must be shown once (a LINE link code: only its hash is kept) answers with a
redirect and a *flash*: a short-lived cookie for the one page it redirects to, signed with the
server secret and bound to this session's token, which that page reads and clears at once. So
reloading the page, or going back and forward, never sends the form again and never shows the
answer a second time; another browser or session can neither plant nor replay one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import asyncpg
from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, State
from litestar.di import NamedDependency
from litestar.handlers import BaseRouteHandler

from barter.domain.access import Caller
from barter.domain.clock import Clock
from barter.services import sessions
from barter.settings import Settings

COOKIE = "barter_session"
LIFETIME = timedelta(hours=12)
FLASH_COOKIE = "barter_flash"
FLASH_LIFETIME = timedelta(minutes=5)  # from the form's answer to the page it redirects to


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


async def find_viewer(connection: ASGIConnection[Any, Any, Any, Any], state: State) -> Viewer:
    """Who the session cookie says is signed in, kept in the request's state (for the page's
    dependency, and for an error page of this request: its navigation); SignInRequired if none."""
    token = connection.cookies.get(COOKIE)
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
    viewer = Viewer(caller, name)
    connection.state.console_viewer = viewer
    return viewer


async def signed_in(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """The console router's guard: a page that takes a `viewer` is refused (SignInRequired, a
    redirect to the sign-in page) before any of its dependencies is resolved. As a dependency
    beside the request's connection, the refusal came after the connection's generator had
    yielded, and Litestar, whose dependency resolution failed, never closed that generator: it
    stayed suspended until the event loop closed it at shutdown, and asyncio logged "generator
    didn't stop after athrow()" (the screenshot script's traceback; tests/console/test_shutdown.py)."""
    if "viewer" in handler.parsed_fn_signature.parameters:
        await find_viewer(connection, connection.app.state)


def provide_viewer(request: Request[Any, Any, Any]) -> Viewer:
    """The viewer the `signed_in` guard found for this page."""
    viewer: Viewer | None = request.state.get("console_viewer")
    if viewer is None:  # a page the guard did not see: refused as the guard would
        raise SignInRequired
    return viewer


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


def _flash_mac(state: State, token: str, path: str, until: str, payload: str) -> str:
    key = (_secret(state) + ":console-flash").encode("utf-8")
    message = "\n".join((token, path, until, payload)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _flash_cookie(request: Request[Any, Any, Any], path: str, value: str, lifetime: timedelta) -> Cookie:
    return Cookie(
        key=FLASH_COOKIE,
        value=value,
        path=path,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def with_flash(
    response: Response[Any], request: Request[Any, Any, Any], state: State, path: str, payload: str
) -> Response[Any]:
    """`response` (a redirect to `path`) carrying `payload` to the next request of `path`, once.
    The payload is readable in the cookie (signed, not encrypted): only for what that page shows
    this same viewer anyway, and never kept anywhere else."""
    clock: Clock = state.clock
    token = request.cookies.get(COOKIE, "")
    data = base64.urlsafe_b64encode(payload.encode("utf-8")).decode("ascii").rstrip("=")  # no quoting
    until = str(int((clock.now() + FLASH_LIFETIME).timestamp()))
    value = f"{data}.{until}.{_flash_mac(state, token, path, until, payload)}"
    response.set_cookie(_flash_cookie(request, path, value, FLASH_LIFETIME))
    return response


def take_flash(request: Request[Any, Any, Any], state: State, path: str) -> tuple[str | None, Cookie | None]:
    """The payload flashed to this page (`path`, as `with_flash` was given it) by this session
    (None when there is none, or it is not genuine), and the cookie that clears it for the answer
    to set (None when there was none)."""
    raw = request.cookies.get(FLASH_COOKIE)
    if raw is None:
        return None, None
    clear = _flash_cookie(request, path, "", timedelta(0))
    data, _, rest = raw.partition(".")
    until, _, mac = rest.partition(".")
    try:
        payload = base64.urlsafe_b64decode(data.encode("ascii") + b"=" * (-len(data) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return None, clear
    expected = _flash_mac(state, request.cookies.get(COOKIE, ""), path, until, payload)
    clock: Clock = state.clock
    genuine = hmac.compare_digest(mac.encode("utf-8"), expected.encode("ascii"))
    if not genuine or not until.isdigit() or int(until) < clock.now().timestamp():
        return None, clear
    return payload, clear


ViewerDep = NamedDependency[Viewer]
"""Annotate a page's `viewer: ViewerDep` parameter: the page needs a signed-in viewer."""

Conn = NamedDependency[asyncpg.Connection]
"""A page's `conn: Conn`: the request's connection, provided by the app factory."""

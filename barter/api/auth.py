"""Who is calling: `Authorization: Bearer <key>`, looked up by its keyed hash on the request's connection.

Routes that need a key declare a `caller: Caller` parameter; the few public routes are listed in
PUBLIC_ROUTES (public to read: GET and HEAD) and a test walks the route table to keep it that way.
"""

from __future__ import annotations

from typing import Any, cast

import asyncpg
from litestar import Request
from litestar.di import NamedDependency

from barter.api import ratelimit
from barter.api.validation import validate_body
from barter.domain.access import Caller
from barter.domain.errors import Unauthorized
from barter.domain.keys import well_formed
from barter.services import keys

PUBLIC_ROUTES = frozenset(
    {
        "/health",
        "/v1/regions",
        "/v1/provinces",
        "/v1/categories",
        "/v1/items",
        "/v1/items/{item_id:str}",  # one item, as the list shows it
        "/v1/imports/template.csv",
        "/v1/imports/template.xlsx",
    }
)
# Routes without a key that a platform signs instead; each refuses a request whose signature fails.
SIGNED_ROUTES = frozenset({"/line/webhook"})
SECURITY: list[dict[str, list[str]]] = [{"BearerKey": []}]


async def provide_caller(request: Request[Any, Any, Any]) -> Caller:
    try:
        caller = await _caller(request)
    except Unauthorized:
        await ratelimit.count_failure(request)
        raise
    # Only now, for a known caller, is the body worth checking: 401 comes before 422.
    await validate_body(request)
    return caller


async def _caller(request: Request[Any, Any, Any]) -> Caller:
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        await ratelimit.refuse_locked_out(request, cast(asyncpg.Connection, conn))
        caller = await _lookup(request, cast(asyncpg.Connection, conn))
        await ratelimit.count_request(request, cast(asyncpg.Connection, conn), caller)
    return caller


async def _lookup(request: Request[Any, Any, Any], conn: asyncpg.Connection) -> Caller:
    header = request.headers.get("authorization")
    if not header:
        raise Unauthorized("Send your API key as 'Authorization: Bearer <key>'")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Use the Bearer scheme: 'Authorization: Bearer <key>'")
    if not well_formed(token):
        raise Unauthorized("That is not a barter API key (check for a typo)")
    caller = await keys.authenticate(conn, request.app.state.settings.secret, token)
    if caller is None:
        raise Unauthorized("Unknown or revoked API key")
    return caller


CallerDep = NamedDependency[Caller]

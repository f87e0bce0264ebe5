"""Request-scoped dependencies: one transaction per request, owned here and nowhere else."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any, cast

import asyncpg
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.types import ASGIApp, Receive, Scope, Send

_SCOPE_KEY = "barter.connection"


class RequestConnection:
    """The request's pooled connection and transaction; closing it twice is harmless."""

    def __init__(self, pool: asyncpg.Pool, *, transactional: bool) -> None:
        self.pool = pool
        self.transactional = transactional
        self._proxy: Any = None
        self._transaction: Any = None

    async def open(self) -> asyncpg.Connection:
        self._proxy = await self.pool.acquire()
        if self.transactional:
            self._transaction = self._proxy.transaction()
            await self._transaction.start()
        return cast(asyncpg.Connection, self._proxy)

    async def close(self, *, failed: bool) -> None:
        proxy, self._proxy = self._proxy, None
        if proxy is None:
            return
        try:
            if self._transaction is not None:
                await (self._transaction.rollback() if failed else self._transaction.commit())
        finally:
            await self.pool.release(proxy)


async def provide_connection(
    request: Request[Any, Any, Any], state: State
) -> AsyncGenerator[asyncpg.Connection, None]:
    """One pooled connection and, for requests that change anything, one transaction: committed
    when the handler succeeds (before the response is sent), rolled back when it raises.

    GET and HEAD only read, statement by statement; a transaction around them would cost two
    round trips and buy nothing, since no read depends on another's snapshot.

    Litestar 2.x does not close generator dependencies when a later dependency fails (a 401, a
    422 from a filter): the generator would hold its connection until garbage collection, which
    exhausts the pool and hangs shutdown. The connection is therefore also registered in the
    ASGI scope, and `release_abandoned_connections` closes it (rolled back) once the response
    has gone, whatever happened.
    """
    held = RequestConnection(state.pool, transactional=request.method not in ("GET", "HEAD"))
    request.scope[_SCOPE_KEY] = held  # type: ignore[literal-required]
    try:
        conn = await held.open()
        yield conn
    except BaseException:
        await held.close(failed=True)
        raise
    await held.close(failed=False)


def release_abandoned_connections(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: after each request, roll back and release a connection nobody closed."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await app(scope, receive, send)
        finally:
            held = cast(dict[str, Any], scope).pop(_SCOPE_KEY, None)
            if held is not None:
                await held.close(failed=True)

    return middleware


Conn = NamedDependency[asyncpg.Connection]
"""Annotate a handler parameter `conn: Conn` to receive the request's transaction."""

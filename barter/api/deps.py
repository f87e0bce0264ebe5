"""Request-scoped dependencies: one transaction per request, owned here and nowhere else.

Litestar 2.x does not close a generator dependency that already yielded when a dependency
resolved after it (or beside it) raises: its connection would stay checked out until garbage
collection, which exhausts the pool and hangs shutdown. Two defences:

- everything that may refuse a request is done before the connection's first yield: the caller
  is resolved first (the connection depends on it; body validation runs there), and the
  Idempotency-Key claim runs inside the generator, whose own error path releases the connection;
- the connection is also registered in the ASGI scope, and `release_abandoned_connections`
  rolls back and releases whatever a request left open once its response has gone.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

import asyncpg
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.types import ASGIApp, Receive, Scope, Send

from barter.api.http import Idempotency
from barter.domain.access import Caller

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


@asynccontextmanager
async def _held_connection(
    request: Request[Any, Any, Any], state: State, caller: Caller | None
) -> AsyncIterator[asyncpg.Connection]:
    transactional = request.method not in ("GET", "HEAD")
    held = RequestConnection(state.pool, transactional=transactional)
    request.scope[_SCOPE_KEY] = held  # type: ignore[literal-required]
    try:
        conn = await held.open()
        if transactional and caller is not None:
            idempotency = Idempotency(
                conn,
                caller,
                request.headers.get("idempotency-key"),
                request.method,
                request.url.path,
                state.clock,
            )
            if request.method == "POST":
                await idempotency.begin(await request.body())
            request.state.idempotency = idempotency
        yield conn
    except BaseException:
        await held.close(failed=True)
        raise
    await held.close(failed=False)


async def provide_connection(
    request: Request[Any, Any, Any], state: State, caller: NamedDependency[Caller]
) -> AsyncGenerator[asyncpg.Connection, None]:
    """One pooled connection and, for requests that change anything, one transaction: committed
    when the handler succeeds (before the response is sent), rolled back when it raises.

    GET and HEAD only read, statement by statement; a transaction around them would cost two
    round trips and buy nothing, since no read depends on another's snapshot.
    """
    async with _held_connection(request, state, caller) as conn:
        yield conn


async def provide_public_connection(
    request: Request[Any, Any, Any], state: State
) -> AsyncGenerator[asyncpg.Connection, None]:
    """A connection for the public reference routes (no caller, reads only)."""
    async with _held_connection(request, state, None) as conn:
        yield conn


def provide_idempotency(
    request: Request[Any, Any, Any], conn: NamedDependency[asyncpg.Connection]
) -> Idempotency:
    """The request's Idempotency-Key record, claimed when the connection was opened."""
    idempotency: Idempotency = request.state.idempotency
    return idempotency


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

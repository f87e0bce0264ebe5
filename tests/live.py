"""The app under a real uvicorn server in a thread: real sockets, real concurrent connections.

litestar's AsyncTestClient answers one request at a time (its async requests wait on a portal):
`asyncio.gather` over it never has two requests in the server at once. A test of concurrency
sends its requests to `live` instead, and, where the outcome would otherwise depend on timing,
through `overlap` (Overlap): every request provably waits in PostgreSQL before any goes on.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg
import httpx
import pytest
import uvicorn
from litestar import Litestar

from barter.api.app import create_app
from barter.domain.clock import ManualClock
from barter.settings import Settings
from tests.cli.serving import free_port
from tests.polling import poll

T = TypeVar("T")


@contextmanager
def serve(app: Litestar) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise AssertionError("the live server did not start")
        time.sleep(0.02)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(30)


def client(base: str, key: str | None = None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.AsyncClient(base_url=base, headers=headers, timeout=60)


@pytest.fixture
def live(settings: Settings, clock: ManualClock) -> Iterator[str]:
    """A second app on the test's database and clock, behind a real server (the in-process one
    stays for setting up and reading back)."""
    with serve(create_app(settings, clock=clock)) as base:
        yield base


async def lock_waiters(db: asyncpg.Connection) -> int:
    """Backends of this database waiting on a lock (a row, a table, an advisory lock, another
    transaction). `db` must not be inside a transaction: pg_stat_activity is read once per one."""
    waiting: int = await db.fetchval(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
    )
    return waiting


@dataclass
class Overlap:
    """Requests provably in flight at once: each is held in PostgreSQL, by a lock another
    connection takes, until all of them wait there (`db` counts the waiting)."""

    db: asyncpg.Connection
    database_url: str

    async def at_once(
        self, hold: str, *args: Any, calls: list[Awaitable[T]], waiting: int | None = None, answered: int = 0
    ) -> list[T]:
        """Run `calls` (requests to the live server) while another connection holds what `hold`
        (a statement, in a transaction) locks, until `waiting` of them (all but `answered` by
        default) wait on a lock and `answered` of them have their answer; then let them go. They
        were all in flight at once: what follows is the race.

        Once the first waits, the others have 4 s: below the server's lock_timeout (5 s), after
        which a waiting request would give up with 409 busy."""
        holder: asyncpg.Connection = await asyncpg.connect(self.database_url)
        tasks: list[asyncio.Future[T]] = []
        try:
            async with holder.transaction():
                await holder.execute(hold, *args)
                tasks = [asyncio.ensure_future(call) for call in calls]
                expected = (len(tasks) - answered if waiting is None else waiting, answered)

                async def state() -> tuple[int, int]:
                    return await lock_waiters(self.db), sum(task.done() for task in tasks)

                await poll(state, lambda now: now[0] > 0 or now[1] == len(tasks), timeout=60)
                await poll(state, lambda now: now == expected, timeout=4)
            return list(await asyncio.gather(*tasks))
        finally:
            await holder.close()
            for task in tasks:  # a failed wait: the requests end before the test does
                if not task.done():
                    await asyncio.gather(task, return_exceptions=True)

    async def on_row(self, table: str, row_id: int, calls: list[Awaitable[T]]) -> list[T]:
        """`at_once`, every call waiting on one row of `table` (locked FOR UPDATE elsewhere)."""
        return await self.at_once(f"SELECT 1 FROM {table} WHERE id = $1 FOR UPDATE", row_id, calls=calls)


@pytest.fixture
def overlap(db: asyncpg.Connection, database_url: str) -> Overlap:
    return Overlap(db, database_url)

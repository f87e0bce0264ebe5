"""A real PostgreSQL for the tests: the embedded server, or BARTER_TEST_DATABASE_URL.

Every test that needs a database gets a fresh one, copied from a migrated template, so tests
never see each other's rows and the migrations run once per session.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import tempfile
import urllib.parse
from pathlib import Path

import asyncpg

from barter.storage.bootstrap import prepare_database
from barter.storage.database import Database
from barter.storage.embedded import EmbeddedPostgres

_counter = itertools.count()


def with_database(url: str, name: str) -> str:
    """The same server URL pointing at database `name` (works for socket and TCP URLs)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


class PgTestServer:
    def __init__(self) -> None:
        self._embedded: EmbeddedPostgres | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.admin_url = ""
        self.template = f"barter_template_{os.getpid()}"
        self._next: asyncio.Future[str] | None = None

    def start(self) -> None:
        url = os.environ.get("BARTER_TEST_DATABASE_URL", "").strip()
        if url:
            self.admin_url = url
            return
        self._tmp = tempfile.TemporaryDirectory(prefix="barter-test-pg-")
        self._embedded = EmbeddedPostgres(Path(self._tmp.name))
        self._embedded.start()
        self.admin_url = self._embedded.url("postgres")

    def stop(self) -> None:
        if self._next is not None:
            self._next.cancel()
        if self._embedded is not None:
            self._embedded.stop()
        if self._tmp is not None:
            self._tmp.cleanup()

    async def _admin(self) -> asyncpg.Connection:
        conn: asyncpg.Connection = await asyncpg.connect(self.admin_url)
        return conn

    async def build_template(self) -> None:
        conn = await self._admin()
        try:
            if self._embedded is not None:
                # A throw-away server: durability buys nothing here, and copies get much faster.
                for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                    await conn.execute(f"ALTER SYSTEM SET {setting} = off")
                await conn.execute("SELECT pg_reload_conf()")
            await conn.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{self.template}"')
        finally:
            await conn.close()
        await prepare_database(Database(url=with_database(self.admin_url, self.template)))

    async def create_database(self, *, from_template: bool = True) -> str:
        """A fresh copy of the template; the next copy is made while the caller's test runs."""
        if not from_template:
            return await self._create(from_template=False)
        if self._next is None:
            self._next = asyncio.ensure_future(self._create(from_template=True))
        name = await self._next
        self._next = asyncio.ensure_future(self._create(from_template=True))
        return name

    async def _create(self, *, from_template: bool) -> str:
        name = f"barter_test_{os.getpid()}_{next(_counter)}"
        conn = await self._admin()
        try:
            if from_template:
                await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            else:
                await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return name

    async def drop_database(self, name: str) -> None:
        conn = await self._admin()
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    def url(self, name: str) -> str:
        return with_database(self.admin_url, name)

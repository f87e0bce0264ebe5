"""A real PostgreSQL for the tests: the embedded server, or BARTER_TEST_DATABASE_URL.

Every test that needs a database gets a fresh one, copied from a migrated template, so tests
never see each other's rows and the migrations run once per session.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import os
import shutil
import tempfile
import urllib.parse
from pathlib import Path

import asyncpg

from barter.storage.bootstrap import prepare_database
from barter.storage.database import Database
from barter.storage.embedded import EmbeddedPostgres

_counter = itertools.count()
# Copies made ahead of the tests that take them, so that a quick test does not wait for its copy
# (on an idle machine four copies made at once took as long as one; where a copy costs CPU, as on
# ext4 before scratch_root, three ahead saved little: 3 s of 72 on three API test files).
_AHEAD = 3
# Memory enough for two test processes' servers (a few hundred MB each at most: see build_template).
_ROOM = 2 * 2**30


def scratch_root() -> str | None:
    """Where the tests' PostgreSQL servers keep their files: in memory (/dev/shm) where the machine
    has room there, else the system's temporary folder (None).

    On disk, a copy of the template cost a quarter of a second of CPU, three quarters of it in the
    file system: ext4 without a journal (this machine's and CI's) scans past every recently deleted
    inode (ext4's recently_deleted(), seen with `perf`) when it makes a file, and each test's
    database makes and deletes some 350. In memory a copy takes 20 ms. Nothing here is meant to
    outlive the test that made it.
    """
    shm = "/dev/shm"
    try:
        roomy = os.access(shm, os.W_OK) and shutil.disk_usage(shm).free >= _ROOM
    except OSError:
        return None
    return shm if roomy else None


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
        self._ahead: collections.deque[asyncio.Future[str]] = collections.deque()

    def start(self) -> None:
        url = os.environ.get("BARTER_TEST_DATABASE_URL", "").strip()
        if url:
            self.admin_url = url
            return
        self._tmp = tempfile.TemporaryDirectory(prefix="barter-test-pg-", dir=scratch_root())
        self._embedded = EmbeddedPostgres(Path(self._tmp.name))
        self._embedded.start()
        self.admin_url = self._embedded.url("postgres")

    def stop(self) -> None:
        for copy in self._ahead:
            copy.cancel()
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
                # Its write-ahead log in memory stays small (1 GB by default), checkpoints cost
                # next to nothing without fsync.
                await conn.execute("ALTER SYSTEM SET max_wal_size = '96MB'")
                await conn.execute("ALTER SYSTEM SET min_wal_size = '32MB'")
                await conn.execute("SELECT pg_reload_conf()")
            await conn.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{self.template}"')
        finally:
            await conn.close()
        await prepare_database(Database(url=with_database(self.admin_url, self.template)))

    async def create_database(self, *, from_template: bool = True) -> str:
        """A fresh copy of the template; the next copies are made while the caller's test runs."""
        if not from_template:
            return await self._create(from_template=False)
        while len(self._ahead) < _AHEAD:
            self._ahead.append(asyncio.ensure_future(self._create(from_template=True)))
        name = await self._ahead.popleft()
        self._ahead.append(asyncio.ensure_future(self._create(from_template=True)))
        return name

    async def _create(self, *, from_template: bool) -> str:
        name = f"barter_test_{os.getpid()}_{next(_counter)}"
        conn = await self._admin()
        try:
            if from_template:
                # The embedded server copies the template's files as they are (two checkpoints, free
                # without fsync) rather than through its log: half the time. A server of the
                # caller's keeps its default.
                strategy = " STRATEGY FILE_COPY" if self._embedded is not None else ""
                await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"{strategy}')
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

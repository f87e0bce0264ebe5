from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from barter.domain import units
from barter.domain.clock import ManualClock
from barter.settings import Settings
from barter.storage.database import init_connection
from tests.apps import app_for
from tests.pg import PgTestServer, scratch_root

TEST_SECRET = "test-secret-0123456789abcdef"
# Rate limits off and two plans per key: tests race many requests from one key and one address on
# purpose; tests/api/test_limits.py turns the limits on where it checks them.
TEST_LIMITS: dict[str, Any] = {
    "rate_limit_per_key": 0,
    "rate_limit_per_address": 0,
    "rate_limit_auth_failures": 0,
    "plan_per_key": 2,
}


@pytest.fixture(autouse=True)
def shipped_goods_known() -> Iterator[None]:
    """Goods a test adds (ไก่ย่าง counted ตัว) are what this process says amounts in once it read
    them (barter.domain.units.goods_known): the next test starts from the shipped catalogue."""
    yield
    units.goods_known(None)


@pytest.fixture
def pg_folder() -> Iterator[Path]:
    """A fresh folder for a PostgreSQL the test starts itself, outside pytest's temporary root.

    Run as root, PostgreSQL runs as the pgserver user, which must pass through every folder above
    its data. pytest sets its root (/tmp/pytest-of-<user>) back to mode 0700 whenever another
    pytest starts on the machine: once, a server restarting in the middle of a test could then
    no longer read its own files ("could not stat data directory": Permission denied).
    """
    with tempfile.TemporaryDirectory(prefix="barter-test-folder-", dir=scratch_root()) as name:
        yield Path(name)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgTestServer]:
    server = PgTestServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
async def pg_template(pg_server: PgTestServer) -> PgTestServer:
    await pg_server.build_template()
    return pg_server


@pytest.fixture
async def database_url(pg_template: PgTestServer) -> AsyncIterator[str]:
    """A fresh, migrated database with reference data, dropped after the test."""
    name = await pg_template.create_database()
    try:
        yield pg_template.url(name)
    finally:
        await pg_template.drop_database(name)


@pytest.fixture
async def empty_database_url(pg_template: PgTestServer) -> AsyncIterator[str]:
    """A fresh database with no schema at all."""
    name = await pg_template.create_database(from_template=False)
    try:
        yield pg_template.url(name)
    finally:
        await pg_template.drop_database(name)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A direct connection to the test database, for arranging and checking rows."""
    conn: asyncpg.Connection = await asyncpg.connect(database_url)
    await init_connection(conn)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path / "data", secret=TEST_SECRET, **TEST_LIMITS)


@pytest.fixture
def clock() -> ManualClock:
    """The service's clock in tests: it moves only when a test moves it."""
    return ManualClock()


@pytest.fixture
def app(settings: Settings, clock: ManualClock) -> Litestar:
    return app_for(settings, clock=clock)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as test_client:
        yield test_client

"""What a server process does as it starts, beside the database's migrations and recovery."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from barter.api.app import create_app, registered_app
from barter.domain import units
from barter.domain.clock import ManualClock
from barter.schemas.keys import KeyCreate
from barter.services import keys as keys_service
from barter.settings import Settings
from barter.storage.database import init_connection
from tests.added_goods import GRILLED_CHICKEN, add_goods, as_if_added_elsewhere
from tests.apps import app_for
from tests.conftest import TEST_SECRET
from tests.pg import PgTestServer
from tests.world import World


async def test_a_server_started_after_goods_were_added_says_them_in_their_word_at_once(
    world: World, settings: Settings, clock: ManualClock
) -> None:
    """ไก่ย่าง was added (counted ตัว) before this process started: it reads the catalogue as it
    starts, so a notice or a page it writes before any reader of goods runs says "5 ตัว"."""
    chicken = await add_goods(world, GRILLED_CHICKEN)
    as_if_added_elsewhere()
    async with AsyncTestClient(app=create_app(settings, clock=clock, relay=False)):
        assert units.thai_unit_for("piece", chicken) == "ตัว"


async def test_one_registered_app_started_again_serves_only_the_new_database(
    pg_template: PgTestServer, tmp_path: Path
) -> None:
    """The tests register the app once per process (tests/apps.py) and start it again for each
    test. A start serves the database and clock put in its state then, and nothing the previous
    start or its requests left there."""
    first_name, second_name = await pg_template.create_database(), await pg_template.create_database()
    try:
        first_url, second_url = pg_template.url(first_name), pg_template.url(second_name)
        first = Settings(database_url=first_url, data_dir=tmp_path / "1", secret=TEST_SECRET)
        second = Settings(database_url=second_url, data_dir=tmp_path / "2", secret=TEST_SECRET)
        admin: dict[str, str] = {}
        for url in (first_url, second_url):
            conn = await asyncpg.connect(url)
            await init_connection(conn)
            try:
                created = await keys_service.create(conn, None, TEST_SECRET, KeyCreate(role="admin"))
            finally:
                await conn.close()
            admin[url] = f"Bearer {created.key}"
        app = app_for(first, clock=ManualClock(), relay=False)
        async with AsyncTestClient(app=app) as client:
            app.state.left_by_a_request = True
            body = {
                "name_th": "บ้านปากบารา",
                "kind": "fishing",
                "province_code": "91",
                "lat": 6.86,
                "lon": 99.72,
            }
            made = await client.post(
                "/v1/communities", json=body, headers={"Authorization": admin[first_url]}
            )
            assert made.status_code == 201, made.text
        again = app_for(second, clock=ManualClock(), relay=False)
        assert again is app  # registered once
        assert set(again.state.keys()) == {"settings", "clock"}
        async with AsyncTestClient(app=again) as client:
            listed = await client.get("/v1/communities", headers={"Authorization": admin[second_url]})
            assert listed.status_code == 200, listed.text
            assert listed.json()["data"] == []
            refused = await client.get("/v1/communities", headers={"Authorization": admin[first_url]})
            assert refused.status_code == 401  # the first database's key is not this one's
    finally:
        await pg_template.drop_database(first_name)
        await pg_template.drop_database(second_name)


async def test_a_registered_app_will_not_start_with_another_secret(settings: Settings) -> None:
    """Only the secret is fixed at registration (the console's CSRF key): settings with another
    one would sign webhooks and forms with two different keys, so the app refuses to start."""
    app = registered_app("another-secret-0123456789abcdef", run_in_process=False, relay=False)
    app.state.settings = settings
    app.state.clock = ManualClock()
    with pytest.raises(ExceptionGroup) as raised:
        async with AsyncTestClient(app=app):
            pass
    assert raised.group_contains(ValueError, match="registered with another secret")

"""What a server process does as it starts, beside the database's migrations and recovery."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from barter.api.app import create_app
from barter.domain import units
from barter.domain.clock import ManualClock
from barter.settings import Settings
from tests.added_goods import GRILLED_CHICKEN, add_goods, as_if_added_elsewhere
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

"""Limits on abuse and on expensive work (issue 16, items 12 and 13).

Rate limits are counted in PostgreSQL, so two apps on one database (as two server processes
would be) share them; planning takes a slot that is an advisory lock, so a slot held by another
process counts too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from barter.api.app import create_app
from barter.domain.clock import ManualClock
from barter.services.planning import PLAN_SLOTS, RETRY_AFTER_S, key_slot
from barter.settings import Settings, load_settings
from tests.live import Overlap, client
from tests.world import ADMIN, COORD, OWNER, World, make_proposal

LIMITED = {"rate_limit_per_key": 5, "rate_limit_per_address": 8, "rate_limit_auth_failures": 3}


@pytest.fixture
async def limited(settings: Settings, clock: ManualClock) -> AsyncIterator[list[AsyncTestClient[Litestar]]]:
    """Two apps on the same database with small limits: two server processes, as far as the
    counters can tell."""
    strict = msgspec.structs.replace(settings, **LIMITED)
    async with (
        AsyncTestClient(app=create_app(strict, clock=clock)) as first,
        AsyncTestClient(app=create_app(strict, clock=clock)) as second,
    ):
        yield [first, second]


def _rate_limited(response: Any) -> int:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] in {
        "rate_limited",
        "too_many_failed_keys",
        "planner_busy",
        "planner_busy_for_key",
    }
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 60
    return retry_after


async def test_a_key_is_limited_across_processes_and_freed_by_the_next_window(
    world: World, limited: list[AsyncTestClient[Litestar]], clock: ManualClock
) -> None:
    headers = world.headers(OWNER)
    statuses = [(await limited[i % 2].get("/v1/offers", headers=headers)).status_code for i in range(5)]
    assert statuses == [200] * 5
    over = await limited[1].get("/v1/offers", headers=headers)
    assert _rate_limited(over)
    assert over.json()["code"] == "rate_limited"
    other_key = await limited[0].get("/v1/offers", headers=world.headers(COORD))
    assert other_key.status_code == 200, "the limit is per key"
    clock.advance(seconds=61)
    assert (await limited[0].get("/v1/offers", headers=headers)).status_code == 200


async def test_an_address_is_limited_whatever_the_key(
    world: World, limited: list[AsyncTestClient[Litestar]]
) -> None:
    got = []
    for i in range(10):
        persona = (OWNER, COORD, ADMIN)[i % 3]
        got.append((await limited[i % 2].get("/v1/communities", headers=world.headers(persona))).status_code)
    assert got[:8] == [200] * 8
    assert got[8:] == [429, 429]


async def test_failed_keys_lock_the_address_out_sooner(
    world: World, limited: list[AsyncTestClient[Litestar]], clock: ManualClock
) -> None:
    bad = {"Authorization": "Bearer btr_wrongwrongwrongwrongwrongwrongwrong0"}
    got = [(await limited[i % 2].get("/v1/offers", headers=bad)).status_code for i in range(3)]
    assert got == [401, 401, 401]
    locked = await limited[0].get("/v1/offers", headers=world.headers(OWNER))
    _rate_limited(locked)
    assert locked.json()["code"] == "too_many_failed_keys"
    clock.advance(seconds=61)
    assert (await limited[1].get("/v1/offers", headers=world.headers(OWNER))).status_code == 200


async def test_limits_are_off_when_set_to_zero(world: World) -> None:
    for _ in range(30):
        assert (await world.get(OWNER, "/v1/offers")).status_code == 200


def test_limits_are_settings(tmp_path: Any) -> None:
    settings = load_settings(
        {
            "HOME": str(tmp_path),
            "BARTER_RATE_LIMIT_PER_KEY": "7",
            "BARTER_RATE_LIMIT_PER_ADDRESS": "0",
            "BARTER_RATE_LIMIT_AUTH_FAILURES": "2",
            "BARTER_PLAN_CONCURRENCY": "3",
            "BARTER_PLAN_PER_KEY": "2",
        }
    )
    assert (
        settings.rate_limit_per_key,
        settings.rate_limit_per_address,
        settings.rate_limit_auth_failures,
    ) == (
        7,
        0,
        2,
    )
    assert (settings.plan_concurrency, settings.plan_per_key) == (3, 2)
    defaults = load_settings({"HOME": str(tmp_path)})
    assert defaults.rate_limit_per_key > 0
    assert defaults.rate_limit_auth_failures > 0


# --- 13. planning: a bounded number at a time, per key and overall -------------------------------


async def _hold(db_url: str, *locks: int) -> asyncpg.Connection:
    """Another process planning: a transaction holding the given slot locks."""
    conn: asyncpg.Connection = await asyncpg.connect(db_url)
    await conn.execute("BEGIN")
    for lock in locks:
        assert await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", lock)
    return conn


async def test_planning_beyond_the_overall_bound_is_429(
    world: World, database_url: str, settings: Settings
) -> None:
    await make_proposal(world, "approved")
    busy = await _hold(database_url, *(PLAN_SLOTS + i for i in range(settings.plan_concurrency)))
    try:
        response = await world.post(COORD, "/v1/logistics/plans", {"time_limit_s": 2})
        assert _rate_limited(response)
        assert response.json()["code"] == "planner_busy"
        assert "plan" in response.json()["detail"]
    finally:
        await busy.close()
    response = await world.post(COORD, "/v1/logistics/plans", {"time_limit_s": 2})
    assert response.status_code == 201, response.text


async def test_planning_beyond_the_bound_per_key_is_429_for_that_key_only(
    world: World, database_url: str, settings: Settings
) -> None:
    await make_proposal(world, "approved")
    busy = await _hold(
        database_url, *(key_slot(world.key_ids[COORD], i) for i in range(settings.plan_per_key))
    )
    try:
        response = await world.post(COORD, "/v1/logistics/plans", {"time_limit_s": 2, "preview": True})
        _rate_limited(response)
        assert response.json()["code"] == "planner_busy_for_key"
        other = await world.post(ADMIN, "/v1/logistics/plans", {"time_limit_s": 2, "regions": ["south"]})
        assert other.status_code == 201, other.text
    finally:
        await busy.close()


async def test_simultaneous_plans_get_a_slot_or_a_clear_429(
    world: World, live: str, overlap: Overlap, settings: Settings
) -> None:
    """Six at once from one key: the coordinator's key row is held elsewhere, so the plans that got
    a slot wait to store themselves (their rows refer to the key) while the others are refused."""
    await make_proposal(world, "proposed")
    slots = settings.plan_per_key
    async with client(live, world.keys[COORD]) as coord:
        answers = await overlap.at_once(
            "SELECT 1 FROM api_keys WHERE id = $1 FOR UPDATE",
            world.key_ids[COORD],
            calls=[
                coord.post("/v1/logistics/plans", json={"time_limit_s": 2, "preview": True}) for _ in range(6)
            ],
            waiting=slots,
            answered=6 - slots,
        )
    statuses = sorted(r.status_code for r in answers)
    assert set(statuses) <= {201, 429}, statuses
    assert 201 in statuses
    assert statuses == [201] * slots + [429] * (6 - slots), [r.text for r in answers]
    for response in answers:
        if response.status_code == 429:
            assert response.json()["code"] in {"planner_busy", "planner_busy_for_key"}
            assert response.headers["retry-after"] == str(RETRY_AFTER_S)

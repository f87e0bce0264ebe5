"""Lost updates cannot happen: concurrent edits with one ETag give one winner."""

from __future__ import annotations

import asyncio

from tests.world import COORD, OWNER, World


async def test_ten_concurrent_patches_with_one_etag(world: World) -> None:
    offer = await world.offer()
    url = f"/v1/offers/{offer['id']}"
    responses = await asyncio.gather(
        *(world.patch(OWNER if n % 2 else COORD, url, {"quantity": 100 + n}, '"v1"') for n in range(10))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [412] * 9
    winner = next(r for r in responses if r.status_code == 200).json()
    stored = await world.db.fetchrow(
        "SELECT quantity::float8 AS q, version FROM offers WHERE id = $1", offer["id"]
    )
    assert stored is not None
    assert (stored["q"], stored["version"]) == (winner["quantity"], 2)
    assert all(r.json()["code"] == "stale_version" for r in responses if r.status_code == 412)


async def test_concurrent_patches_of_a_community(world: World) -> None:
    url = f"/v1/communities/{world.a['id']}"
    responses = await asyncio.gather(
        *(world.patch(OWNER, url, {"contact": f"{n}"}, '"v1"') for n in range(10))
    )
    assert sorted(r.status_code for r in responses) == [200] + [412] * 9

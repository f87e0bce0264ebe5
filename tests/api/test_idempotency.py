"""Idempotency-Key: a retried POST has one effect (reliability.md recipe)."""

from __future__ import annotations

import asyncio

from tests.world import ADMIN, COORD, OWNER, World


def _offer_body(world: World, quantity: float = 200) -> dict[str, object]:
    return {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": quantity}


async def _offers(world: World) -> int:
    count: int = await world.db.fetchval("SELECT count(*) FROM offers")
    return count


async def test_sequential_replays_are_byte_identical_with_one_effect(world: World) -> None:
    responses = [
        await world.post(OWNER, "/v1/offers", _offer_body(world), **{"Idempotency-Key": "k-1"})
        for _ in range(5)
    ]
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1
    assert "idempotency-replayed" not in responses[0].headers
    assert all(r.headers["idempotency-replayed"] == "true" for r in responses[1:])
    assert all(r.headers["etag"] == responses[0].headers["etag"] for r in responses)
    assert await _offers(world) == 1


async def test_same_key_other_body_is_422(world: World) -> None:
    await world.post(OWNER, "/v1/offers", _offer_body(world), **{"Idempotency-Key": "k-2"})
    again = await world.post(OWNER, "/v1/offers", _offer_body(world, 300), **{"Idempotency-Key": "k-2"})
    assert again.status_code == 422
    assert again.json()["code"] == "idempotency_key_reused"
    assert await _offers(world) == 1


async def test_keys_are_scoped_to_the_caller(world: World) -> None:
    first = await world.post(OWNER, "/v1/offers", _offer_body(world), **{"Idempotency-Key": "shared"})
    second = await world.post(COORD, "/v1/offers", _offer_body(world), **{"Idempotency-Key": "shared"})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert await _offers(world) == 2


async def test_twenty_concurrent_duplicates_create_one_offer(world: World) -> None:
    async def send() -> tuple[int, bytes]:
        response = await world.post(OWNER, "/v1/offers", _offer_body(world), **{"Idempotency-Key": "burst"})
        return response.status_code, response.content

    results = await asyncio.gather(*(send() for _ in range(20)))
    assert await _offers(world) == 1
    statuses = [status for status, _ in results]
    assert all(status in (201, 409) for status in statuses), statuses
    assert len({body for status, body in results if status == 201}) == 1


async def test_failed_request_does_not_burn_the_key(world: World) -> None:
    bad = await world.post(OWNER, "/v1/offers", _offer_body(world, -1), **{"Idempotency-Key": "k-3"})
    assert bad.status_code == 422
    good = await world.post(
        OWNER, "/v1/offers", _offer_body(world, -1) | {"quantity": 3}, **{"Idempotency-Key": "k-3"}
    )
    assert good.status_code == 201


async def test_keys_and_communities_posts_are_idempotent_too(world: World) -> None:
    body = {"kind": "farming", "province_code": "57", "name_th": "บ้านแม่สลอง"}
    a = await world.post(ADMIN, "/v1/communities", body, **{"Idempotency-Key": "c-1"})
    b = await world.post(ADMIN, "/v1/communities", body, **{"Idempotency-Key": "c-1"})
    assert a.content == b.content
    assert await world.db.fetchval("SELECT count(*) FROM communities WHERE name_th = 'บ้านแม่สลอง'") == 1


async def test_bad_idempotency_key_is_refused(world: World) -> None:
    response = await world.post(OWNER, "/v1/offers", _offer_body(world), **{"Idempotency-Key": "x" * 300})
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "Idempotency-Key"

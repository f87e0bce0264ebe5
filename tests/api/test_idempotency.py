"""Idempotency-Key: a retried POST has one effect (reliability.md recipe)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, get_args

import msgspec
import pytest
from litestar import Litestar

from barter.api.app import forget_old_records
from barter.domain.clock import ManualClock
from barter.services.idempotency import RETENTION
from tests.live import Overlap, client
from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World


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


async def test_twenty_concurrent_duplicates_create_one_offer(
    world: World, live: str, overlap: Overlap
) -> None:
    """Twenty at once, on their own connections: community A's row is held elsewhere, so the first
    to claim the key waits there and the other nineteen wait on its claim, all in flight."""
    async with client(live, world.keys[OWNER]) as owner:
        responses = await overlap.on_row(
            "communities",
            world.a["id"],
            [
                owner.post("/v1/offers", json=_offer_body(world), headers={"Idempotency-Key": "burst"})
                for _ in range(20)
            ],
        )
    assert await _offers(world) == 1
    statuses = [r.status_code for r in responses]
    assert all(status in (201, 409) for status in statuses), statuses
    assert len({r.content for r in responses if r.status_code == 201}) == 1


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


# --- responses that carry a one-time secret ------------------------------------------------------
# Their idempotency record keeps the response without the secret, and a replay answers 409
# `secret_not_replayed` naming what was created (barter/api/http.py, Idempotency).


@dataclass(frozen=True)
class SecretRoute:
    persona: str
    url: str  # {a}: community A's id
    body: dict[str, Any]
    field: str  # where the secret is in the first response
    table: str  # where the effect is counted


SECRET_ROUTES = {
    "line-code": SecretRoute(COORD, "/v1/communities/{a}/line-codes", {}, "code", "line_link_codes"),
    "api-key": SecretRoute(ADMIN, "/v1/keys", {"role": "partner", "name": "NGO"}, "key", "api_keys"),
    "webhook": SecretRoute(
        PARTNER,
        "/v1/webhooks",
        {"url": "https://93.184.215.14/barter", "events": ["proposal.approved"]},
        "secret",
        "webhooks",
    ),
}


async def _count(world: World, table: str) -> int:
    count: int = await world.db.fetchval(f"SELECT count(*) FROM {table}")
    return count


async def _records_text(world: World) -> str:
    """Every idempotency record, body included, as text: where a leaked secret would show."""
    rows = await world.db.fetch(
        "SELECT t::text AS row, convert_from(body, 'UTF8') AS body FROM idempotency_keys t"
    )
    return "\n".join(f"{r['row']} {r['body']}" for r in rows)


@pytest.mark.parametrize("name", SECRET_ROUTES)
async def test_a_retried_secret_is_one_effect_never_stored_and_never_replayed(
    world: World, name: str
) -> None:
    route = SECRET_ROUTES[name]
    url = route.url.format(a=world.a["id"])
    before = await _count(world, route.table)
    first = await world.post(route.persona, url, route.body, **{"Idempotency-Key": f"s-{name}"})
    assert first.status_code == 201, first.text
    secret = first.json()[route.field]
    assert len(secret) >= 9  # a LINE code is the shortest: XXXX-XXXX

    replays = [
        await world.post(route.persona, url, route.body, **{"Idempotency-Key": f"s-{name}"}) for _ in range(3)
    ]
    assert await _count(world, route.table) == before + 1
    assert len({r.content for r in replays}) == 1  # every replay answers the same
    replay = replays[0]
    assert replay.status_code == 409
    assert replay.headers["content-type"] == "application/problem+json"
    assert replay.headers["idempotency-replayed"] == "true"
    problem = replay.json()
    assert problem["code"] == "secret_not_replayed"
    assert problem["withheld"] == [route.field]
    assert problem["resource"] == {k: v for k, v in first.json().items() if k != route.field}
    assert secret not in replay.text

    stored = await _records_text(world)
    assert f"s-{name}" in stored  # the record is there ...
    assert secret not in stored  # ... without the secret
    assert secret.replace("-", "") not in stored
    withheld = await world.db.fetchval(
        "SELECT withheld FROM idempotency_keys WHERE api_key_id = $1 AND key = $2",
        world.key_ids[route.persona],
        f"s-{name}",
    )
    assert withheld == [route.field]


async def test_concurrent_duplicates_issue_one_code_and_show_it_once(
    world: World, live: str, overlap: Overlap
) -> None:
    url = f"/v1/communities/{world.a['id']}/line-codes"
    async with client(live, world.keys[COORD]) as coord:
        responses = await overlap.on_row(
            "communities",
            world.a["id"],
            [coord.post(url, json={}, headers={"Idempotency-Key": "s-burst"}) for _ in range(10)],
        )
    assert await _count(world, "line_link_codes") == 1
    issued = [r for r in responses if r.status_code == 201]
    assert len(issued) == 1, [r.text for r in responses]
    others = {(r.status_code, r.json()["code"]) for r in responses if r.status_code != 201}
    assert others <= {(409, "secret_not_replayed"), (409, "busy")}, others
    assert issued[0].json()["code"] not in await _records_text(world)


async def test_the_secret_replay_is_explained_in_thai(world: World) -> None:
    url = f"/v1/communities/{world.a['id']}/line-codes"
    await world.post(COORD, url, {}, **{"Idempotency-Key": "s-th"})
    replay = await world.client.post(
        url, json={}, headers=world.headers(COORD, **{"Idempotency-Key": "s-th", "Accept-Language": "th"})
    )
    assert replay.status_code == 409
    assert replay.headers["content-language"] == "th"
    assert replay.json()["code"] == "secret_not_replayed"
    assert "แสดงเพียงครั้งเดียว" in replay.json()["detail"]


async def test_responses_without_a_secret_are_still_replayed_whole(world: World) -> None:
    first = await world.post(OWNER, "/v1/offers", _offer_body(world), **{"Idempotency-Key": "plain"})
    assert await world.db.fetchval("SELECT withheld FROM idempotency_keys WHERE key = 'plain'") == []
    again = await world.post(OWNER, "/v1/offers", _offer_body(world), **{"Idempotency-Key": "plain"})
    assert again.status_code == 201
    assert again.content == first.content


async def test_only_the_first_caller_meets_its_secret_record(world: World) -> None:
    """The same Idempotency-Key from anyone else is their own request, answered as such: never a
    replay of the coordinator's record, and the record stays as it was."""
    url = f"/v1/communities/{world.a['id']}/line-codes"
    key = {"Idempotency-Key": "s-shared"}
    first = await world.post(COORD, url, {}, **key)
    assert first.status_code == 201
    record = await _records_text(world)

    expected = {COORD_ELSEWHERE: 404, OTHER: 403, OWNER: 403, PARTNER: 403, ANON: 401}
    for persona, status in expected.items():
        response = await world.post(persona, url, {}, **key)
        assert response.status_code == status, (persona, response.text)
        assert "idempotency-replayed" not in response.headers
        assert response.json()["code"] != "secret_not_replayed"
        assert "resource" not in response.json()
    admin = await world.post(ADMIN, url, {}, **key)  # allowed to issue codes: a code of its own
    assert admin.status_code == 201
    assert "idempotency-replayed" not in admin.headers
    assert admin.json()["id"] != first.json()["id"]

    assert await _count(world, "line_link_codes") == 2
    coordinators = await world.db.fetchval(
        "SELECT t::text FROM idempotency_keys t WHERE api_key_id = $1", world.key_ids[COORD]
    )
    assert coordinators in record  # untouched


def test_every_posted_secret_is_declared_shown_once(app: Litestar) -> None:
    """A POST answering a field named like a secret declares it `shown_once`, so its idempotency
    record leaves it out: a new route cannot quietly store a secret."""
    secretish = {"key", "code", "secret", "token", "password"}
    not_secret = {("ShipmentOut", "code")}  # a shipment's reference, printed on its papers
    checked = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if "POST" not in handler.http_methods:
                continue
            for struct in _structs(handler.parsed_fn_signature.return_type.annotation):
                fields = {
                    f
                    for f in secretish & set(struct.__struct_fields__)
                    if (struct.__name__, f) not in not_secret
                }
                assert fields <= set(secret_fields_of(struct)), (route.path, struct.__name__, fields)
                if fields:
                    checked.add(struct.__name__)
    assert checked == {"CodeOut", "KeyCreated", "WebhookCreated"}


def _structs(annotation: Any) -> list[type[msgspec.Struct]]:
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        return [annotation]
    return [s for arg in get_args(annotation) for s in _structs(arg)]


def secret_fields_of(struct: type[msgspec.Struct]) -> tuple[str, ...]:
    return tuple(getattr(struct, "shown_once", ()))


# --- expiry --------------------------------------------------------------------------------------


async def test_an_expired_key_is_a_new_request(world: World, clock: ManualClock) -> None:
    first = await world.post(OWNER, "/v1/offers", _offer_body(world), **{"Idempotency-Key": "old"})
    clock.advance(seconds=RETENTION.total_seconds() - 1)
    kept = await world.post(OWNER, "/v1/offers", _offer_body(world), **{"Idempotency-Key": "old"})
    assert kept.headers["idempotency-replayed"] == "true"
    assert kept.content == first.content
    assert await _offers(world) == 1

    clock.advance(seconds=1)  # the record is RETENTION old: expired, though no sweep ran yet
    again = await world.post(OWNER, "/v1/offers", _offer_body(world, 300), **{"Idempotency-Key": "old"})
    assert again.status_code == 201  # a new request, even with another body (not 422)
    assert "idempotency-replayed" not in again.headers
    assert again.json()["id"] != first.json()["id"]
    assert await _offers(world) == 2
    replay = await world.post(OWNER, "/v1/offers", _offer_body(world, 300), **{"Idempotency-Key": "old"})
    assert replay.content == again.content  # and the key now stands for the new request
    assert await _offers(world) == 2


async def _sweep(world: World) -> None:
    """The sweeper's forgetting, run on the app's own event loop (where its pool lives)."""
    await asyncio.to_thread(world.client.blocking_portal.call, forget_old_records, world.client.app)


async def test_the_sweep_forgets_records_past_their_retention(world: World, clock: ManualClock) -> None:
    url = f"/v1/communities/{world.a['id']}/line-codes"
    await world.post(COORD, url, {}, **{"Idempotency-Key": "day-1"})
    await world.post(OWNER, "/v1/offers", _offer_body(world), **{"Idempotency-Key": "day-1"})
    clock.advance(hours=20)
    await world.post(OWNER, "/v1/offers", _offer_body(world), **{"Idempotency-Key": "day-2"})
    await _sweep(world)
    assert await world.db.fetchval("SELECT count(*) FROM idempotency_keys") == 3  # none expired yet

    clock.advance(hours=4)
    await _sweep(world)
    rows = await world.db.fetch("SELECT key FROM idempotency_keys")
    assert [r["key"] for r in rows] == ["day-2"]

"""/v1/webhooks end to end: subscribe, receive signed events from the app's own relay, unsubscribe."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator, Sequence
from typing import Any

import msgspec
import pytest

from barter.domain.errors import ValidationFailed
from barter.services import webhooks as service
from barter.settings import Settings
from barter.storage.repos.outbox import EventType, emit
from tests.webhooks.receiver import Receiver
from tests.webhooks.standard_webhooks import verify
from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World, make_proposal

EVENTS: list[EventType] = [
    "proposal.proposed",
    "proposal.approved",
    "proposal.rejected",
    "proposal.completed",
]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The receiver listens on 127.0.0.1: allowed here, as in every test, never in production."""
    return msgspec.structs.replace(settings, allow_private_webhooks=True)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


async def subscribe(w: World, persona: str, url: str, events: Sequence[str] = EVENTS) -> dict[str, Any]:
    response = await w.post(persona, "/v1/webhooks", {"url": url, "events": events, "description": "ทดสอบ"})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def settled(w: World, persona: str, hook_id: int, count: int) -> None:
    """Wait until `count` deliveries are recorded as delivered: the receiver answers a moment before
    the relay commits what it heard (polled, bounded: the API has no event to wait on)."""
    deadline = time.monotonic() + 10
    while True:
        page = await w.get(persona, f"/v1/webhooks/{hook_id}/deliveries", state="delivered", limit=200)
        if len(page.json()["data"]) >= count:
            return
        assert time.monotonic() < deadline, f"{len(page.json()['data'])} of {count} recorded as delivered"
        await asyncio.sleep(0.05)


async def test_every_event_arrives_signed(world: World, receiver: Receiver) -> None:
    hook = await subscribe(world, PARTNER, receiver.url)
    assert hook["secret"].startswith("whsec_")
    listed = (await world.get(PARTNER, "/v1/webhooks")).json()["data"]
    assert [h["id"] for h in listed] == [hook["id"]]
    assert "secret" not in listed[0]  # shown once
    ids = [
        await emit(world.db, EVENTS[n % 4], ["south"], {"proposal_id": n, "item": "ปลาแห้ง"})
        for n in range(20)
    ]

    got = await asyncio.to_thread(receiver.wait_for, lambda r: len({x.id for x in r}) == 20)
    assert {r.id for r in got} == {f"evt_{i}" for i in ids}
    for request in got:
        verify(
            hook["secret"],
            request.headers["webhook-id"],
            request.headers["webhook-timestamp"],
            request.headers["webhook-signature"],
            request.body,
        )
        assert request.headers["content-type"] == "application/json"
        body = json.loads(request.body)
        event_id = int(request.id.removeprefix("evt_"))
        n = ids.index(event_id)
        assert body["type"] == EVENTS[n % 4]
        assert body["data"] == {"proposal_id": n, "item": "ปลาแห้ง"}
        assert body["regions"] == ["south"]
        assert "ปลาแห้ง".encode() in request.body

    await settled(world, PARTNER, hook["id"], 20)
    deliveries = await world.get(PARTNER, f"/v1/webhooks/{hook['id']}/deliveries", limit=5)
    assert deliveries.status_code == 200
    page = deliveries.json()
    assert len(page["data"]) == 5
    assert page["next_cursor"]
    newest = page["data"][0]
    assert newest["event_id"] == ids[-1]
    assert newest["webhook_id"] == f"evt_{ids[-1]}"
    assert newest["state"] == "delivered"
    assert newest["attempts"] == 1
    assert newest["next_attempt_at"] is None
    assert [(a["number"], a["status_code"], a["error"]) for a in newest["attempt_log"]] == [(1, 200, None)]
    rest = await world.get(
        PARTNER, f"/v1/webhooks/{hook['id']}/deliveries", cursor=page["next_cursor"], limit=50
    )
    assert len(rest.json()["data"]) == 15
    assert (await world.get(PARTNER, f"/v1/webhooks/{hook['id']}/deliveries", state="failed")).json()[
        "data"
    ] == []


async def test_events_follow_the_subscriber_grant(world: World, receiver: Receiver) -> None:
    keys: dict[str, dict[str, Any]] = {
        "south_partner": {"role": "partner", "regions": ["south"]},
        "north_partner": {"role": "partner", "regions": ["north"]},
        "national": {"role": "partner"},
    }
    for persona, spec in keys.items():
        world.keys[persona] = await world.new_key(**spec)
    hooks = {}
    for persona in [*keys, COORD, ADMIN]:  # COORD: the south coordinator
        hooks[persona] = (await subscribe(world, persona, f"{receiver.url}/{persona}"))["id"]
    runs_only = await subscribe(world, "national", f"{receiver.url}/runs", ["run.failed"])

    south = await emit(world.db, "proposal.proposed", ["south"], {"n": 1})
    both = await emit(world.db, "proposal.approved", ["north", "south"], {"n": 2})
    north = await emit(world.db, "proposal.rejected", ["north"], {"n": 3})
    nowhere = await emit(world.db, "run.failed", [], {"n": 4})
    expected = {
        "south_partner": {south},  # a partner hears of what its grant covers entirely
        "north_partner": {north},
        "national": {south, both, north},
        COORD: {south, both},  # a coordinator hears of what touches its regions
        ADMIN: {south, both, north},
        "runs": {nowhere},
    }
    total = sum(len(v) for v in expected.values())
    got = await asyncio.to_thread(receiver.wait_for, lambda r: len(r) >= total)
    seen: dict[str, set[int]] = {}
    for request in got:
        seen.setdefault(request.path.rsplit("/", 1)[1], set()).add(int(request.id.removeprefix("evt_")))
    assert seen == expected
    assert runs_only["events"] == ["run.failed"]


async def test_aggregates_only_partners_hear_of_exchanges_without_communities_or_reasons(
    world: World, receiver: Receiver
) -> None:
    world.keys["detail"] = await world.new_key(role="partner", partner_detail=True)
    hooks = {p: await subscribe(world, p, f"{receiver.url}/{p}") for p in (PARTNER, "detail")}
    proposal_id = await make_proposal(world)  # proposal.proposed, as a run writes it
    declined = await world.post(ADMIN, f"/v1/proposals/{proposal_id}/decline", {"reason": "ไม่มีเรือ"})
    assert declined.status_code == 200
    got = await asyncio.to_thread(receiver.wait_for, lambda r: len(r) >= 4)
    bodies: dict[tuple[str, str], dict[str, Any]] = {}
    for request in got:
        persona = request.path.rsplit("/", 1)[1]
        hook = hooks[persona]
        verify(
            hook["secret"],
            request.headers["webhook-id"],
            request.headers["webhook-timestamp"],
            request.headers["webhook-signature"],
            request.body,
        )
        body = json.loads(request.body)
        bodies[persona, body["type"]] = body["data"]
    communities = sorted([world.a["id"], world.a2["id"]])
    full = bodies["detail", "proposal.rejected"]
    assert (sorted(full["communities"]), full["reason"]) == (communities, "ไม่มีเรือ")
    assert sorted(bodies["detail", "proposal.proposed"]["communities"]) == communities
    for event in ("proposal.proposed", "proposal.rejected"):
        aggregate = bodies[PARTNER, event]
        assert "communities" not in aggregate
        assert "reason" not in aggregate
        assert aggregate["proposal_id"] == proposal_id
        assert aggregate == {
            k: v for k, v in bodies["detail", event].items() if k not in ("communities", "reason")
        }


async def test_unsubscribe(world: World, receiver: Receiver) -> None:
    hook = await subscribe(world, PARTNER, receiver.url)
    world.keys["other_partner"] = await world.new_key(role="partner")
    assert (await world.delete("other_partner", f"/v1/webhooks/{hook['id']}")).status_code == 404
    assert (await world.get("other_partner", f"/v1/webhooks/{hook['id']}/deliveries")).status_code == 404
    assert (await world.get("other_partner", "/v1/webhooks")).json()["data"] == []
    assert [h["id"] for h in (await world.get(ADMIN, "/v1/webhooks")).json()["data"]] == [hook["id"]]
    removed = await world.delete(PARTNER, f"/v1/webhooks/{hook['id']}")
    assert removed.status_code == 204
    assert removed.content == b""
    assert (await world.delete(PARTNER, f"/v1/webhooks/{hook['id']}")).status_code == 404
    assert (await world.get(PARTNER, "/v1/webhooks")).json()["data"] == []
    assert (await world.get(PARTNER, f"/v1/webhooks/{hook['id']}/deliveries")).status_code == 404
    audit = (await world.get(ADMIN, "/v1/audit", entity="webhook")).json()["data"]
    assert [(a["action"], a["actor_key_id"]) for a in audit] == [
        ("delete", world.key_ids[PARTNER]),
        ("create", world.key_ids[PARTNER]),
    ]


async def test_bad_subscriptions_are_refused(world: World, receiver: Receiver) -> None:
    async def refused(body: dict[str, Any], persona: str = PARTNER) -> dict[str, Any]:
        response = await world.post(persona, "/v1/webhooks", body)
        assert response.status_code in (403, 422), response.text
        result: dict[str, Any] = response.json()
        return result

    twice = await refused({"url": receiver.url, "events": ["run.failed", "run.failed"]})
    assert twice["errors"][0]["path"] == "events"
    unknown = await refused({"url": receiver.url, "events": ["offer.created"]})
    assert unknown["errors"][0]["path"] == "events[0]"
    assert (await refused({"url": receiver.url, "events": []}))["errors"][0]["path"] == "events"
    assert (await refused({"url": receiver.url, "events": EVENTS, "secret": "x"}))["errors"][0][
        "path"
    ] == "secret"
    nowhere = await refused({"url": "https://no-such-host.invalid/hook", "events": EVENTS})
    assert nowhere["errors"][0] == {
        "path": "url",
        "message": "host 'no-such-host.invalid' does not resolve",
        "code": "host_not_found",
    }


async def test_a_community_key_hears_only_of_its_own_exchanges(world: World, receiver: Receiver) -> None:
    hook = await subscribe(world, OWNER, receiver.url)
    mine = await emit(
        world.db, "proposal.approved", ["south"], {"proposal_id": 1, "communities": [world.a["id"]]}
    )
    await emit(world.db, "proposal.approved", ["north"], {"proposal_id": 2, "communities": [world.b["id"]]})
    await emit(world.db, "run.succeeded", ["south"], {"run_id": 1})
    last = await emit(
        world.db, "proposal.rejected", ["south"], {"proposal_id": 3, "communities": [world.a["id"]]}
    )
    got = await asyncio.to_thread(receiver.wait_for, lambda r: len({x.id for x in r}) == 2)
    assert {r.id for r in got} == {f"evt_{mine}", f"evt_{last}"}
    await settled(world, OWNER, hook["id"], 2)
    others = (await world.get(COORD, f"/v1/webhooks/{hook['id']}/deliveries")).status_code
    assert others == 404  # a subscription is its owner's (and admins')


async def test_a_key_holds_at_most_20_webhooks(world: World, receiver: Receiver) -> None:
    for n in range(20):
        await subscribe(world, PARTNER, f"{receiver.url}/{n}")
    refused = await world.post(PARTNER, "/v1/webhooks", {"url": receiver.url, "events": EVENTS})
    assert refused.status_code == 409
    assert refused.json()["code"] == "too_many_webhooks"
    await subscribe(world, ADMIN, receiver.url)  # another key has its own allowance


async def test_private_targets_are_refused_unless_allowed() -> None:
    for url in (
        "https://127.0.0.1/hook",
        "https://10.0.0.5/hook",
        "https://localhost/hook",
        "http://93.184.215.14/plain-http",
    ):
        with pytest.raises(ValidationFailed) as refused:
            await service.check_url(url, allow_private=False)
        assert refused.value.errors[0].path == "url"
        assert refused.value.errors[0].code == ("not_https" if url.startswith("http:") else "not_public")
    await service.check_url("https://93.184.215.14/hook", allow_private=False)
    await service.check_url("http://127.0.0.1:9/hook", allow_private=True)


@pytest.mark.parametrize(
    "persona", [OWNER, OTHER, COORD, COORD_ELSEWHERE, PARTNER, "partner_detail", ADMIN, ANON]
)
async def test_a_bad_webhook_url_has_a_code_of_its_own_said_in_thai(world: World, persona: str) -> None:
    """Every key that may subscribe learns why its URL is refused, by a code of its own (not the
    generic `invalid`) on `url`, and in Thai when asked; without a key, 401 before the body."""
    world.keys["partner_detail"] = await world.new_key(role="partner", partner_detail=True)
    body = {"url": "ftp://example.org/hook", "events": EVENTS}
    response = await world.client.post(
        "/v1/webhooks", json=body, headers=world.headers(persona, **{"Accept-Language": "th"})
    )
    if persona == ANON:
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
        return
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "validation_failed"
    assert problem["errors"] == [{"path": "url", "message": "must be an https:// URL", "code": "not_https"}]
    assert problem["detail"] == "ข้อมูลไม่ถูกต้อง 1 ช่อง: url: ต้องขึ้นต้นด้วย https://"
    assert await world.db.fetchval("SELECT count(*) FROM webhooks") == 0

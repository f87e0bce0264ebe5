"""Notices reach communities: a proposal on LINE with its answer buttons, and by SMS."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qsl

import asyncpg
import pytest

from barter.channels.notices import notices_from_settings
from barter.settings import Settings
from barter.storage.database import init_connection
from barter.webhooks.relay import Relay, RelayConfig
from tests.channels.line.conftest import deliver, postback
from tests.channels.line.test_webhook import link
from tests.channels.standins import LinePlatform, SmsGateway
from tests.conftest import TEST_SECRET
from tests.world import ADMIN, COORD, COORD_ELSEWHERE, OWNER, World, make_proposal


@pytest.fixture
async def relay(settings: Settings, database_url: str) -> AsyncIterator[Relay]:
    async def connect() -> asyncpg.Connection:
        conn: asyncpg.Connection = await asyncpg.connect(database_url)
        await init_connection(conn)
        return conn

    config = RelayConfig(base_delay_s=0.01, max_attempts=3)
    relay = Relay(connect, TEST_SECRET, config, notices_from_settings(settings, config))
    yield relay
    await relay.aclose()


async def test_a_proposal_reaches_a_linked_community_and_its_accept_button_works(
    world: World, line_platform: LinePlatform, sms_gateway: SmsGateway, relay: Relay
) -> None:
    await link(world, world.a)
    proposal_id = await make_proposal(world)
    await relay.drain()
    [push] = [s for s in line_platform.sent if s.kind == "push"]
    assert push.target == "Cgroup-pakbara"
    [notice] = push.messages
    assert f"มีข้อเสนอแลกเปลี่ยนใหม่ #{proposal_id}" in notice["text"]
    assert "คุณให้ปลาแห้ง 20 กก." in notice["text"]
    assert "บ้านทุ่งหว้า" in notice["text"]  # the partner
    accept = next(i["action"] for i in notice["quickReply"]["items"] if i["action"]["label"] == "ตอบรับ")
    assert dict(parse_qsl(accept["data"])) == {"a": "accept", "p": str(proposal_id)}
    await deliver(world.client, postback(accept["data"]))
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    assert world.a["id"] not in proposal["pending"]["accept"]
    # Community A's contact is a Thai mobile: the same notice went by SMS, Thai, no link.
    [sms] = sms_gateway.sent
    assert sms.msisdn == "0812345678"
    assert sms.message.startswith(f"barter: ข้อเสนอแลกเปลี่ยน #{proposal_id}")
    assert "http" not in sms.message
    assert 1 < sms.credits <= 3
    # The coordinator sees what was sent; another region's coordinator sees nothing of it.
    sent = (await world.get(COORD, "/v1/notifications", community_id=world.a["id"])).json()["data"]
    assert sorted((n["channel"], n["state"], n["event_type"]) for n in sent) == [
        ("line", "sent", "proposal.proposed"),
        ("sms", "sent", "proposal.proposed"),
    ]
    assert next(n for n in sent if n["channel"] == "sms")["parts"] == sms.credits
    assert (await world.get(COORD_ELSEWHERE, "/v1/notifications")).json()["data"] == []
    assert (await world.get(OWNER, "/v1/notifications")).status_code == 403


async def test_failures_are_retried_then_shown_as_failed(
    world: World, line_platform: LinePlatform, sms_gateway: SmsGateway, relay: Relay
) -> None:
    await link(world, world.a)
    line_platform.fail_next = [500]  # once: the retry gets through
    sms_gateway.fail_next = [503, 503, 503]  # every attempt: failed after max_attempts
    await make_proposal(world)
    await relay.drain()
    for _ in range(200):  # retries are due 10-40 ms later; bounded polling, no fixed sleep
        states = {
            r["channel"]: r["state"] for r in await world.db.fetch("SELECT channel, state FROM notifications")
        }
        if states == {"line": "sent", "sms": "failed"}:
            break
        await relay.drain()
    assert states == {"line": "sent", "sms": "failed"}
    failed = (await world.get(COORD, "/v1/notifications", state="failed")).json()["data"]
    assert [(n["channel"], n["attempts"], n["last_status"]) for n in failed] == [("sms", 3, 503)]
    assert len([s for s in line_platform.sent if s.kind == "push"]) == 1


async def test_dispatch_notice_asks_receivers_to_confirm_receipt(
    world: World, line_platform: LinePlatform, relay: Relay
) -> None:
    await link(world, world.a)
    proposal_id = await make_proposal(world, "in_transit")
    await relay.drain()
    pushes = [s.messages[0] for s in line_platform.sent if s.kind == "push"]
    assert [p["text"].split("\n")[0] for p in pushes] == [
        f"มีข้อเสนอแลกเปลี่ยนใหม่ #{proposal_id} (new proposal)",
        f"ข้อเสนอแลกเปลี่ยน #{proposal_id} อนุมัติแล้ว เตรียมส่งของได้เลยค่ะ (approved)",
        f"ข้อเสนอแลกเปลี่ยน #{proposal_id}: ของออกเดินทางแล้วค่ะ (on the way)",
    ]
    received = next(
        i["action"] for i in pushes[2]["quickReply"]["items"] if i["action"]["label"] == "ได้รับครบแล้ว"
    )
    await deliver(world.client, postback(received["data"]))
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    assert world.a["id"] not in proposal["pending"]["receive"]

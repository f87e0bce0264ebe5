"""Notices reach communities: a proposal on LINE with its answer buttons, and by SMS."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl

import pytest

from barter.domain import refusals
from barter.domain.clock import ManualClock
from barter.domain.errors import FieldError, ValidationFailed
from barter.domain.thaidate import MONTHS_TH
from barter.storage.repos import notices as notices_repo
from barter.webhooks.relay import Relay
from tests.channels.line.conftest import deliver, message, postback
from tests.channels.line.test_webhook import button_postback, link
from tests.channels.standins import LinePlatform, SmsGateway
from tests.world import (
    ADMIN,
    COORD,
    COORD_ELSEWHERE,
    EGGS,
    FISH,
    OWNER,
    PARTNER,
    Goods,
    World,
    make_proposal,
    second_south_community,
)


async def test_a_proposal_reaches_a_linked_community_and_its_accept_button_works(
    world: World, line_platform: LinePlatform, sms_gateway: SmsGateway, relay: Relay
) -> None:
    await link(world, world.a)
    opted_in = await world.client.put(
        f"/v1/communities/{world.a['id']}/sms",
        json={"consent": True, "number": "081-234-5678"},
        headers=world.headers(OWNER),
    )
    assert opted_in.status_code == 200, opted_in.text
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
    # Community A opted in to SMS: the same notice went by SMS, Thai, no link (and only to A:
    # community B's contact is a mobile number too, but B never consented).
    [sms] = sms_gateway.sent
    assert sms.msisdn == "0812345678"
    assert sms.message.startswith(f"ข้อเสนอ #{proposal_id} ")
    assert "http" not in sms.message
    # The coordinator sees what was sent; another region's coordinator sees nothing of it.
    sent = (await world.get(COORD, "/v1/notifications", community_id=world.a["id"])).json()["data"]
    assert sorted((n["channel"], n["state"], n["event_type"]) for n in sent) == [
        ("line", "sent", "proposal.proposed"),
        ("sms", "sent", "proposal.proposed"),
    ]
    assert next(n for n in sent if n["channel"] == "sms")["parts"] == sms.credits
    assert (await world.get(COORD_ELSEWHERE, "/v1/notifications")).json()["data"] == []
    assert (await world.get(OWNER, "/v1/notifications")).status_code == 403


async def linked_with_sms(world: World, persona: str = OWNER) -> None:
    """Community A's group linked, and A opted in to SMS at 0812345678."""
    await link(world, world.a)
    opted_in = await world.client.put(
        f"/v1/communities/{world.a['id']}/sms",
        json={"consent": True, "number": "0812345678"},
        headers=world.headers(persona),
    )
    assert opted_in.status_code == 200, opted_in.text


def answer_by(proposal: dict[str, object]) -> tuple[str, str, str]:
    """The proposal's hold as Thai people write a deadline: the day (Buddhist era), the day as an
    SMS says it (no year: the next such day), and the time, in Thailand (worked out here
    independently of the code under test)."""
    hold = datetime.fromisoformat(str(proposal["hold_expires_at"])).astimezone(timezone(timedelta(hours=7)))
    day = f"{hold.day} {MONTHS_TH[hold.month - 1]}"
    return f"{day} {hold.year + 543}", day, f"{hold.hour}.{hold.minute:02d} น."


async def test_a_proposal_notice_says_by_when_to_answer_on_line_and_by_sms(
    world: World, line_platform: LinePlatform, sms_gateway: SmsGateway, relay: Relay
) -> None:
    await linked_with_sms(world)
    proposal_id = await make_proposal(world)
    await relay.drain()
    day, sms_day, time = answer_by((await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json())
    [push] = [s for s in line_platform.sent if s.kind == "push"]
    assert f"กรุณาตอบภายใน {day} เวลา {time}" in push.messages[0]["text"]
    [sms] = sms_gateway.sent
    assert f"ตอบภายใน {sms_day} {time} " in sms.message


@pytest.mark.parametrize(
    ("gives", "said"), [(FISH, "ปลาแห้ง 20 กก."), (EGGS, "ไข่ไก่ 300 ฟอง")], ids=["fish", "eggs"]
)
async def test_a_proposal_sms_says_what_with_whom_by_when_and_how_to_answer_in_two_parts(
    world: World, line_platform: LinePlatform, sms_gateway: SmsGateway, relay: Relay, gives: Goods, said: str
) -> None:
    """Members without a smartphone read the SMS alone: what they give and get, with whom, by
    when, and how to answer (no LINE to answer on): whole words, two parts at most. Eggs are
    counted in ฟอง there and on LINE, as a villager counts them, never ชิ้น."""
    await linked_with_sms(world)
    proposal_id = await make_proposal(world, gives=gives)
    await relay.drain()
    _, day, time = answer_by((await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json())
    [sms] = sms_gateway.sent
    assert sms.message == (
        f"ข้อเสนอ #{proposal_id} กับบ้านทุ่งหว้า: ให้{said} ได้ข้าวหอมมะลิ 148 กก. "
        f"ตอบภายใน {day} {time} ตอบหรือหยุด SMS: แจ้งผู้ประสานงาน"
    )
    assert sms.credits <= 2
    [push] = [s for s in line_platform.sent if s.kind == "push"]
    assert f"คุณให้{said} (มูลค่าประมาณ " in push.messages[0]["text"]
    assert "ชิ้น" not in push.messages[0]["text"]


async def test_a_proposal_sms_says_the_number_of_a_coordinator_of_the_communitys_region(
    world: World, line_platform: LinePlatform, sms_gateway: SmsGateway, relay: Relay
) -> None:
    """The coordinator gives its number (itself, or an admin for it); the SMS to a community of its
    region says it, not the number of another region's coordinator; no community or partner reads
    it anywhere in the API."""
    elsewhere = await world.client.put(
        "/v1/keys/me/phone", json={"phone": "089-999-0000"}, headers=world.headers(COORD_ELSEWHERE)
    )
    assert (elsewhere.status_code, elsewhere.json()["phone"]) == (200, "0899990000"), elsewhere.text
    landline = await world.client.put(
        "/v1/keys/me/phone", json={"phone": "02-123-4567"}, headers=world.headers(COORD)
    )
    assert landline.status_code == 422
    assert [(e["path"], e["code"]) for e in landline.json()["errors"]] == [("phone", "not_mobile")]
    [error] = landline.json()["errors"]
    [words] = refusals.said(ValidationFailed([FieldError(error["path"], error["message"], error["code"])]))
    assert words.th == "เบอร์มือถือผู้ประสานงาน: ต้องเป็นเบอร์มือถือ 10 หลัก ขึ้นต้นด้วย 06 08 หรือ 09"
    partner_key = await world.client.put(
        f"/v1/keys/{world.key_ids[PARTNER]}/phone", json={"phone": "0815550101"}, headers=world.headers(ADMIN)
    )
    assert [(e["path"], e["code"]) for e in partner_key.json()["errors"]] == [("phone", "not_for_role")]
    by_admin = await world.client.put(
        f"/v1/keys/{world.key_ids[COORD]}/phone", json={"phone": "๐๘๑-๕๕๕-๐๑๐๑"}, headers=world.headers(ADMIN)
    )
    assert (by_admin.status_code, by_admin.json()["phone"]) == (200, "0815550101"), by_admin.text
    await linked_with_sms(world)
    proposal_id = await make_proposal(world)
    await relay.drain()
    [sms] = sms_gateway.sent
    assert sms.message.endswith(" ตอบหรือหยุด SMS: โทร 081-555-0101"), sms.message
    assert "089" not in sms.message
    assert sms.credits == 2
    for persona in (OWNER, PARTNER):
        for url in (f"/v1/proposals/{proposal_id}", f"/v1/communities/{world.a['id']}", "/v1/keys"):
            body = (await world.get(persona, url)).text
            assert "0815550101" not in body, (persona, url)
            assert "081-555-0101" not in body, (persona, url)
    # a coordinator with no number any more: the SMS says to tell the coordinator, as before
    removed = await world.client.put("/v1/keys/me/phone", json={"phone": None}, headers=world.headers(COORD))
    assert removed.json()["phone"] is None
    audit = (await world.get(ADMIN, "/v1/audit", entity="api_key")).json()["data"]
    assert [(e["action"], e["after"]["phone"]) for e in audit[:2]] == [
        ("set_phone", None),
        ("set_phone", "0815550101"),
    ]


async def test_an_expired_proposal_is_told_politely_in_one_sms(
    world: World, line_platform: LinePlatform, sms_gateway: SmsGateway, relay: Relay, clock: ManualClock
) -> None:
    await linked_with_sms(world)
    proposal_id = await make_proposal(world)
    clock.advance(hours=73)  # past the 72-hour hold: the next answer finds it expired
    await world.client.post(f"/v1/proposals/{proposal_id}/accept", headers=world.headers(ADMIN))
    await relay.drain()
    told = f"ข้อเสนอแลกเปลี่ยน #{proposal_id} หมดเวลาตอบรับแล้วค่ะ ของที่จองไว้กลับเข้าตลาดแล้ว"
    assert [s.messages[0]["text"] for s in line_platform.sent if s.kind == "push"][-1] == f"{told} (expired)"
    assert (sms_gateway.sent[-1].message, sms_gateway.sent[-1].credits) == (told, 1)


async def test_failures_are_retried_then_shown_as_failed(
    world: World, line_platform: LinePlatform, sms_gateway: SmsGateway, relay: Relay
) -> None:
    await linked_with_sms(world)
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


async def test_the_others_hear_that_a_new_proposal_is_being_looked_for(
    world: World, line_platform: LinePlatform, relay: Relay
) -> None:
    await link(world, world.a)
    proposal_id = await make_proposal(world)
    a2 = await second_south_community(world)
    declined = await world.post(
        ADMIN, f"/v1/proposals/{proposal_id}/decline", {"community_id": a2["id"], "reason": "ข้าวหมดแล้ว"}
    )
    assert declined.status_code == 200, declined.text
    await relay.drain()
    pushes = [s.messages[0]["text"] for s in line_platform.sent if s.kind == "push"]
    assert pushes[-1] == (
        f"ข้อเสนอแลกเปลี่ยน #{proposal_id} ไม่ได้ไปต่อค่ะ ระบบกำลังหาข้อเสนอใหม่ให้ "
        "(declined or rejected; a new proposal is being looked for)\nเหตุผล: ข้าวหมดแล้ว"
    )


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
    # A tap asks first, with the quantity: a mis-tap records no full delivery.
    for tap in ("ยกเลิก", "ยืนยัน ได้รับครบ"):
        await deliver(world.client, postback(received["data"]))
        confirm = line_platform.sent[-1].messages[-1]
        assert confirm["text"].splitlines()[:2] == [
            f"ได้รับของจากข้อเสนอ #{proposal_id} ครบแล้วใช่ไหมคะ? (received all of it?)",
            "• ข้าวหอมมะลิ 148 กก. จากบ้านทุ่งหว้า",
        ]
        proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
        assert world.a["id"] in proposal["pending"]["receive"]
        assert [i["action"]["label"] for i in confirm["quickReply"]["items"]] == [
            "ยืนยัน ได้รับครบ",
            "ได้ไม่ครบ",
            "ยกเลิก",
        ]
        await deliver(world.client, postback(button_postback(confirm, tap)))
        if tap == "ยกเลิก":
            assert line_platform.sent[-1].messages[-1]["text"].startswith("ยกเลิกแล้วค่ะ")
    assert line_platform.sent[-1].messages[-1]["text"].startswith("บันทึกการได้รับของแล้วค่ะ ✓")
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    assert world.a["id"] not in proposal["pending"]["receive"]


async def test_sms_goes_only_with_consent_and_stops_when_the_chat_says_so(
    world: World, line_platform: LinePlatform, sms_gateway: SmsGateway, relay: Relay
) -> None:
    await link(world, world.a)
    await make_proposal(world)
    await relay.drain()
    assert sms_gateway.sent == []  # contacts are mobile numbers, but nobody consented
    await world.client.put(
        f"/v1/communities/{world.a['id']}/sms",
        json={"consent": True, "number": "0812345678"},
        headers=world.headers(COORD),
    )
    await make_proposal(world)
    await relay.drain()
    assert [s.msisdn for s in sms_gateway.sent] == ["0812345678"]
    # A third notice is made but not yet sent when the village writes "หยุด SMS" in its group.
    await make_proposal(world)
    await notices_repo.fan_out(world.db, 100, sms=True)
    assert await world.db.fetchval("SELECT count(*) FROM notifications WHERE state = 'pending'") == 2
    await deliver(world.client, message("หยุด SMS"))
    assert "หยุดส่ง SMS" in line_platform.sent[-1].messages[0]["text"]
    consent = (await world.get(OWNER, f"/v1/communities/{world.a['id']}/sms")).json()
    assert consent["opted_in"] is False
    audit = (await world.get(COORD, "/v1/audit", entity="sms_consent")).json()["data"]
    assert (audit[0]["action"], audit[0]["via"]) == ("opt_out", "line")
    await relay.drain()
    assert len(sms_gateway.sent) == 1  # the waiting SMS was not sent; the LINE notice was
    states = await world.db.fetch("SELECT channel, state FROM notifications ORDER BY id DESC LIMIT 2")
    assert sorted(tuple(r) for r in states) == [("line", "sent"), ("sms", "cancelled")]
    await deliver(world.client, message("ยกเลิก sms"))
    assert "ไม่ได้รับ SMS อยู่แล้ว" in line_platform.sent[-1].messages[0]["text"]

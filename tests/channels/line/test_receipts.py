"""Receipt confirmed from LINE with the quantity received: typed in Thai (Thai digits and number
words included) or "all of it" by button, with the condition; it goes through the API's transition,
so a shortfall opens the same dispute the API would."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from barter.domain.clock import ManualClock
from barter.webhooks.relay import Relay
from tests.channels.line.conftest import deliver, message, postback
from tests.channels.line.test_webhook import button_data, button_postback, link
from tests.channels.standins import LinePlatform
from tests.world import ADMIN, COORD, World, make_proposal


def said(platform: LinePlatform) -> dict[str, Any]:
    """The bot's last message (a reply may hold several: the last one asks the next question)."""
    return platform.sent[-1].messages[-1]


async def received_by_a(world: World, proposal_id: int) -> tuple[float | None, str | None]:
    """What is recorded of community a's goods in the exchange: (quantity received, condition)."""
    [goods] = [
        t
        for t in (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()["transfers"]
        if t["receiver_id"] == world.a["id"]
    ]
    return goods["received_quantity"], goods["condition"]


async def short_receipt_asked(world: World, line_platform: LinePlatform) -> int:
    await link(world, world.a)
    proposal_id = await make_proposal(world, "in_transit")
    await deliver(world.client, postback(f"a=recv&p={proposal_id}&q=short"))
    return proposal_id


async def test_a_short_receipt_typed_in_thai_opens_the_dispute_the_api_would(
    world: World, line_platform: LinePlatform
) -> None:
    proposal_id = await short_receipt_asked(world, line_platform)
    ask = said(line_platform)
    assert ask["text"].startswith("ได้รับข้าวหอมมะลิเท่าไรคะ? (ตามที่ตกลง 148 กก.)")
    # More than planned, or another unit: said so, and asked again.
    await deliver(world.client, message("ได้ 200 กิโล"))
    assert "มากกว่าที่ตกลงไว้" in line_platform.sent[-1].messages[0]["text"]
    assert said(line_platform)["text"] == ask["text"]
    await deliver(world.client, message("120 ลิตร"))
    assert "หน่วยไม่ตรง" in line_platform.sent[-1].messages[0]["text"]
    # Thai digits and a unit as people write it.
    await deliver(world.client, message("ได้มา ๑๒๐ กิโล"))
    why = said(line_platform)
    assert why["text"].startswith("ได้รับข้าวหอมมะลิ 120 จาก 148 กก.")
    await deliver(world.client, postback(button_postback(why, "ของเสีย")))
    summary = said(line_platform)
    assert "• ข้าวหอมมะลิ ใช้ได้ 120 จาก 148 กก. ของเสีย 28 กก." in summary["text"]
    # Nothing is recorded before the confirmation.
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    assert world.a["id"] in proposal["pending"]["receive"]
    await deliver(world.client, postback(button_postback(summary, "ยืนยัน")))
    assert said(line_platform)["text"].startswith("บันทึกการได้รับของแล้วค่ะ ✓")
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    assert world.a["id"] not in proposal["pending"]["receive"]
    [rice] = [t for t in proposal["transfers"] if t["receiver_id"] == world.a["id"]]
    assert (rice["received_quantity"], rice["condition"]) == (120.0, "spoiled")
    audit = (await world.get(COORD, "/v1/audit", entity="proposal")).json()["data"]
    assert (audit[0]["action"], audit[0]["via"], audit[0]["community_id"]) == (
        "complete",
        "line",
        world.a["id"],
    )
    # The other side confirms through the API: the exchange completes and the shortfall is a
    # dispute, exactly as a receipt of 120 spoiled sent to the API makes one.
    response = await world.client.post(
        f"/v1/proposals/{proposal_id}/complete",
        json={"community_id": world.a2["id"]},
        headers=world.headers(ADMIN),
    )
    assert response.json()["status"] == "completed"
    [dispute] = (await world.get(COORD, "/v1/disputes", proposal_id=proposal_id)).json()["data"]
    assert (dispute["receiver_id"], dispute["planned"], dispute["received"], dispute["condition"]) == (
        world.a["id"],
        148.0,
        120.0,
        "spoiled",
    )
    # A later tap on an old button changes nothing.
    await deliver(world.client, postback(button_postback(summary, "ยืนยัน")))
    assert "ไปแล้ว" in said(line_platform)["text"]


async def test_all_of_it_by_button_or_typed_and_number_words(
    world: World, line_platform: LinePlatform
) -> None:
    proposal_id = await short_receipt_asked(world, line_platform)
    await deliver(world.client, message("มีแค่ร้อยสี่สิบ"))  # Thai number words, no unit
    why = said(line_platform)
    assert why["text"].startswith("ได้รับข้าวหอมมะลิ 140 จาก 148 กก.")
    await deliver(world.client, message("ของมาไม่ครบค่ะ"))  # the condition, typed
    summary = said(line_platform)
    assert "• ข้าวหอมมะลิ ได้รับ 140 จาก 148 กก. ขาด 8 กก." in summary["text"]
    await deliver(world.client, postback(button_postback(summary, "เริ่มใหม่")))
    await deliver(world.client, postback(button_postback(said(line_platform), "ครบ 148 กก.")))
    summary = said(line_platform)
    assert "• ข้าวหอมมะลิ ได้รับครบ 148 กก. สภาพดี" in summary["text"]
    await deliver(world.client, postback(button_postback(summary, "ยืนยัน")))
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    [rice] = [t for t in proposal["transfers"] if t["receiver_id"] == world.a["id"]]
    assert (rice["received_quantity"], rice["condition"]) == (148.0, "good")
    # Asked again after it was recorded: the bot says so instead of asking.
    await deliver(world.client, postback(f"a=recv&p={proposal_id}&q=short"))
    assert "บันทึกการได้รับของของชุมชนนี้ไว้แล้ว" in said(line_platform)["text"]


async def test_a_message_that_is_no_answer_is_read_as_a_post_and_cancel_ends_the_question(
    world: World, line_platform: LinePlatform, relay: Relay
) -> None:
    proposal_id = await short_receipt_asked(world, line_platform)
    await deliver(world.client, message("มีปลาเค็ม"))  # no number: a post, not an answer
    assert said(line_platform)["text"].startswith("เข้าใจว่า")
    await deliver(world.client, message("มีปลาเค็ม 200 กิโล"))  # a number, but plainly a post
    assert said(line_platform)["text"].startswith("เข้าใจว่า")
    await deliver(world.client, message("ครบแล้วค่ะ"))  # typed "all of it"
    summary = said(line_platform)
    assert "• ข้าวหอมมะลิ ได้รับครบ 148 กก. สภาพดี" in summary["text"]
    await deliver(world.client, postback(button_postback(summary, "ยกเลิก")))
    assert "ยกเลิกแล้ว" in said(line_platform)["text"]
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    assert world.a["id"] in proposal["pending"]["receive"]  # nothing recorded


async def test_a_question_the_exchange_overtook_is_dropped(world: World, line_platform: LinePlatform) -> None:
    proposal_id = await short_receipt_asked(world, line_platform)
    ask = said(line_platform)
    # The coordinator records the receipt for the village meanwhile (through the API).
    response = await world.client.post(
        f"/v1/proposals/{proposal_id}/complete",
        json={"community_id": world.a["id"]},
        headers=world.headers(ADMIN),
    )
    assert response.status_code == 200, response.text
    asked = len(line_platform.sent)
    await deliver(world.client, message("120"))  # no longer an answer (nor, in a group, a post)
    assert line_platform.sent[asked:] == []
    await deliver(world.client, postback(button_postback(ask, "ครบ 148 กก.")))
    assert "ไปแล้ว" in said(line_platform)["text"]
    [rice] = [
        t
        for t in (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()["transfers"]
        if t["receiver_id"] == world.a["id"]
    ]
    assert (rice["received_quantity"], rice["condition"]) == (148.0, "good")
    assert await world.db.fetchval("SELECT state FROM line_receipt_prompts") == "cancelled"


async def test_a_receipt_before_dispatch_is_refused_in_thai_and_records_nothing(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    proposal_id = await make_proposal(world, "approved")
    for answer in ("all", "ok", "short"):
        await deliver(world.client, postback(f"a=recv&p={proposal_id}&q={answer}"))
        reply = said(line_platform)["text"]
        assert reply.startswith("ทำรายการไม่สำเร็จค่ะ"), reply
        assert "ยังไม่ได้ส่งของออก" in reply
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    assert proposal["status"] == "approved"
    assert all(t["received_at"] is None for t in proposal["transfers"])


async def answers(world: World) -> Any:
    return await world.db.fetchval("SELECT answers FROM line_receipt_prompts WHERE state = 'asking'")


def receipt_questions(platform: LinePlatform, since: int) -> list[str]:
    """What the bot asked or summed up about a receipt after the `since`th message it sent."""
    told = [m["text"] for s in platform.sent[since:] for m in s.messages]
    return [t for t in told if t.startswith(("ได้รับข้าวหอมมะลิ", "สรุป"))]


async def test_in_a_group_only_the_member_who_tapped_answers_the_receipt_question(
    world: World, line_platform: LinePlatform, clock: ManualClock
) -> None:
    """Member 1 taps ได้ไม่ครบ; what member 2 writes meanwhile is not taken for the answer."""
    await short_receipt_asked(world, line_platform)  # tapped by Ufisher1
    clock.advance(minutes=5)
    asked = len(line_platform.sent)
    await deliver(world.client, message("ได้ 120 กิโล", user="Ufisher2"))
    await deliver(world.client, message("ครบแล้วค่ะ", user="Ufisher2"))
    assert receipt_questions(line_platform, asked) == []
    assert await answers(world) == []
    await deliver(world.client, message("ได้มา 10 กิโลค่ะ"))  # the member who tapped
    assert said(line_platform)["text"].startswith("ได้รับข้าวหอมมะลิ 10 จาก 148 กก.")
    await deliver(world.client, message("ของมาไม่ครบ", user="Ufisher2"))
    assert [a["condition"] for a in await answers(world)] == [None]
    await deliver(world.client, message("ของมาไม่ครบ"))
    assert "• ข้าวหอมมะลิ ได้รับ 10 จาก 148 กก. ขาด 138 กก." in said(line_platform)["text"]


async def test_another_member_does_not_silently_cancel_a_receipt_being_told(
    world: World, line_platform: LinePlatform
) -> None:
    proposal_id = await short_receipt_asked(world, line_platform)  # asked of Ufisher1
    await deliver(world.client, message("ได้ 120 กิโล"))
    await deliver(world.client, message("ของมาไม่ครบ"))
    summary = said(line_platform)
    assert summary["text"].startswith("สรุป"), summary["text"]
    # Meanwhile member 2 says it arrived and taps ได้ไม่ครบ: told member 1 is on it.
    await deliver(world.client, message("ได้รับแล้วค่ะ", user="Ufisher2"))
    await deliver(world.client, postback(button_postback(said(line_platform), "ได้ไม่ครบ"), user="Ufisher2"))
    assert said(line_platform)["text"].startswith("มีสมาชิกอีกท่านกำลังบันทึกการได้รับของของรายการนี้อยู่ค่ะ")
    # Member 1's confirmation still records what they told.
    await deliver(world.client, postback(button_postback(summary, "ยืนยัน")))
    assert said(line_platform)["text"].startswith("บันทึกการได้รับของแล้วค่ะ ✓")
    assert await received_by_a(world, proposal_id) == (120.0, "short")


async def test_a_button_of_a_cancelled_receipt_question_says_it_was_cancelled(
    world: World, line_platform: LinePlatform
) -> None:
    proposal_id = await short_receipt_asked(world, line_platform)
    ask = said(line_platform)
    await deliver(world.client, postback(button_postback(ask, "ยกเลิก")))
    await deliver(world.client, postback(button_postback(ask, "ครบ 148 กก.")))
    reply = said(line_platform)["text"]
    assert reply.startswith("คำถามนี้ถูกยกเลิกไปแล้ว หรือมีคำถามใหม่มาแทนค่ะ"), reply
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    assert world.a["id"] in proposal["pending"]["receive"]


async def test_an_unanswered_receipt_question_expires_after_half_an_hour(
    world: World, line_platform: LinePlatform, clock: ManualClock
) -> None:
    proposal_id = await short_receipt_asked(world, line_platform)
    ask = said(line_platform)
    clock.advance(minutes=29)
    await deliver(world.client, message("140"))  # in time: the answer
    why = said(line_platform)
    assert why["text"].startswith("ได้รับข้าวหอมมะลิ 140 จาก 148 กก.")
    clock.advance(minutes=31)  # each answer gives another half hour; this one ran out
    asked = len(line_platform.sent)
    await deliver(world.client, message("ขาด"))
    assert receipt_questions(line_platform, asked) == []
    assert await world.db.fetchval("SELECT state FROM line_receipt_prompts") == "expired"
    # A button of the expired question says so and offers to start again; nothing is recorded.
    for button in (button_postback(why, "ของมาไม่ครบ"), button_postback(ask, "ครบ 148 กก.")):
        await deliver(world.client, postback(button))
        reply = said(line_platform)
        assert reply["text"].startswith("คำถามเรื่องการได้รับของนี้หมดเวลาแล้วค่ะ"), reply["text"]
        assert button_postback(reply, "ได้ไม่ครบ") == f"a=recv&p={proposal_id}&q=short"
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    assert world.a["id"] in proposal["pending"]["receive"]


async def test_an_answer_typed_after_the_question_ran_out_is_told_so_never_made_a_listing(
    world: World, line_platform: LinePlatform, clock: ManualClock
) -> None:
    """Weighing 148 kg takes a while: the member's late answer is answered, in a group as in 1:1."""
    proposal_id = await short_receipt_asked(world, line_platform)
    clock.advance(minutes=40)
    asked = len(line_platform.sent)
    await deliver(world.client, message("120", user="Ufisher2"))  # not the member asked: talk
    assert line_platform.sent[asked:] == []
    await deliver(world.client, message("120"))
    reply = said(line_platform)
    assert reply["text"].startswith("คำถามเรื่องการได้รับของนี้หมดเวลาแล้วค่ะ"), reply["text"]
    assert button_postback(reply, "ได้ไม่ครบ") == f"a=recv&p={proposal_id}&q=short"
    # In the member's own chat with the bot, the same, not a listing of "? 120".
    await link(world, world.a, chat="Ufisher1")
    await deliver(world.client, postback(f"a=recv&p={proposal_id}&q=short", chat="Ufisher1"))
    clock.advance(minutes=40)
    await deliver(world.client, message("ได้ 120 กิโล", chat="Ufisher1"))
    assert said(line_platform)["text"].startswith("คำถามเรื่องการได้รับของนี้หมดเวลาแล้วค่ะ")
    assert await world.db.fetchval("SELECT count(*) FROM line_drafts") == 0
    # A day later it is group talk again; nothing was recorded.
    clock.advance(hours=25)
    asked = len(line_platform.sent)
    await deliver(world.client, message("120"))
    assert line_platform.sent[asked:] == []
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    assert world.a["id"] in proposal["pending"]["receive"]


async def test_an_answer_is_an_amount_not_any_text_with_a_number_in_it(
    world: World, line_platform: LinePlatform
) -> None:
    """Even from the member who tapped: "10 โมง" is a time and "200 บาท" a price, not kilos."""
    await short_receipt_asked(world, line_platform)
    asked = len(line_platform.sent)
    for chat in ("พรุ่งนี้ประชุม 10 โมงนะ", "ราคาตอนนี้ 200 บาท", "ขอ 2 วันนะ", "ได้เลยค่ะ"):
        await deliver(world.client, message(chat))
    assert receipt_questions(line_platform, asked) == []
    assert await answers(world) == []
    # Nothing arrived, said as people say it: a shortfall of all, shown before it is recorded.
    await deliver(world.client, message("ไม่ได้รับของเลยค่ะ"))
    summary = said(line_platform)["text"]
    assert "• ข้าวหอมมะลิ ไม่ได้รับเลย ขาด 148 กก." in summary, summary
    await deliver(world.client, postback(button_postback(said(line_platform), "เริ่มใหม่")))
    await deliver(world.client, message("ได้ 100 กิโล ที่เหลือเสีย"))  # an amount, and the rest
    assert "• ข้าวหอมมะลิ ใช้ได้ 100 จาก 148 กก. ของเสีย 48 กก." in said(line_platform)["text"]
    await deliver(world.client, postback(button_postback(said(line_platform), "เริ่มใหม่")))
    await deliver(world.client, message("ได้ร้อยยี่สิบ"))
    assert said(line_platform)["text"].startswith("ได้รับข้าวหอมมะลิ 120 จาก 148 กก.")
    await deliver(world.client, message("ที่เหลือไม่ได้รับเลยค่ะ"))  # asked what became of the rest
    assert "• ข้าวหอมมะลิ ได้รับ 120 จาก 148 กก. ขาด 28 กก." in said(line_platform)["text"]


async def test_not_yet_arrived_records_nothing_and_ends_the_question(
    world: World, line_platform: LinePlatform
) -> None:
    """A typed "ยังไม่ถึง" is no shortfall of all: the goods are still on their way."""
    for typed in ("ยังไม่ถึงค่ะ", "ยังไม่ได้รับครับ", "ยังไม่มาเลย"):
        proposal_id = await short_receipt_asked(world, line_platform)
        await deliver(world.client, message(typed))
        reply = said(line_platform)
        assert reply["text"].startswith("ยังไม่ต้องบันทึกค่ะ"), (typed, reply["text"])
        assert (
            await world.db.fetchval("SELECT count(*) FROM line_receipt_prompts WHERE state = 'asking'") == 0
        )
        proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
        assert world.a["id"] in proposal["pending"]["receive"], typed  # nothing recorded
        assert all(t["received_at"] is None for t in proposal["transfers"])
    assert await world.db.fetchval("SELECT count(*) FROM line_drafts") == 0


async def test_a_receipt_typed_in_words_is_confirmed_with_a_button_before_it_is_recorded(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    said_before = len(line_platform.sent)
    await deliver(world.client, message("ได้รับแล้วค่ะ"))  # nothing on its way: group talk
    assert line_platform.sent[said_before:] == []
    proposal_id = await make_proposal(world, "in_transit")
    for typed in ("ได้รับแล้วค่ะ", "ได้รับครบแล้ว", "ของถึงแล้วนะคะ", "ได้ของแล้วครับ"):
        await deliver(world.client, message(typed, user="Ufisher2"))
        asked = said(line_platform)
        assert asked["text"].splitlines()[:2] == [
            f"ได้รับของจากข้อเสนอ #{proposal_id} ครบแล้วใช่ไหมคะ? (received all of it?)",
            "• ข้าวหอมมะลิ 148 กก. จากบ้านทุ่งหว้า",
        ], typed
    assert await world.db.fetchval("SELECT count(*) FROM line_drafts") == 0
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    assert world.a["id"] in proposal["pending"]["receive"]  # asked, not recorded
    await deliver(world.client, postback(button_postback(asked, "ยืนยัน ได้รับครบ"), user="Ufisher2"))
    assert said(line_platform)["text"].startswith("บันทึกการได้รับของแล้วค่ะ ✓")
    [rice] = [
        t
        for t in (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()["transfers"]
        if t["receiver_id"] == world.a["id"]
    ]
    assert (rice["received_quantity"], rice["condition"]) == (148.0, "good")


async def test_an_amount_typed_with_receipt_words_starts_a_partial_receipt(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    await make_proposal(world, "in_transit")
    await deliver(world.client, message("ได้ของแล้ว 120 กิโล"))  # not a listing of an unknown item
    assert said(line_platform)["text"].startswith("ได้รับข้าวหอมมะลิ 120 จาก 148 กก.")
    assert await world.db.fetchval("SELECT count(*) FROM line_drafts") == 0
    await deliver(world.client, message("ที่เหลือไม่ได้รับเลย"))
    assert "• ข้าวหอมมะลิ ได้รับ 120 จาก 148 กก. ขาด 28 กก." in said(line_platform)["text"]


async def test_a_receipt_that_names_the_goods_is_a_receipt_never_a_listing(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    await link(world, world.a, chat="Ufisher1")
    # Nothing on its way: group talk in a group, said so in the member's own chat.
    asked = len(line_platform.sent)
    await deliver(world.client, message("ได้รับปลาเค็มแล้ว 20 กิโล"))
    assert line_platform.sent[asked:] == []
    await deliver(world.client, message("ได้รับปลาเค็มแล้ว 20 กิโล", chat="Ufisher1"))
    assert said(line_platform)["text"].startswith("ตอนนี้ไม่มีของที่กำลังส่งมาให้ชุมชนนี้ค่ะ")
    proposal_id = await make_proposal(world, "in_transit")
    for typed in ("ได้รับของแล้วค่ะ ขอบคุณค่ะ", "ได้ของครบแล้วค่ะ 🙏", "ได้รับข้าวแล้วค่ะ", "ข้าวมาถึงแล้วค่ะ", "รับแล้วค่ะ"):
        await deliver(world.client, message(typed, user="Ufisher2"))
        assert said(line_platform)["text"].startswith(f"ได้รับของจากข้อเสนอ #{proposal_id} ครบแล้วใช่ไหมคะ?"), (
            typed
        )
    # With an amount (after แล้ว, or before it): a partial receipt, summed up before anything is
    # recorded.
    await deliver(world.client, message("ได้รับข้าวหอมมะลิแล้ว 120 กิโล"))
    assert said(line_platform)["text"].startswith("ได้รับข้าวหอมมะลิ 120 จาก 148 กก.")
    await deliver(world.client, postback(button_postback(said(line_platform), "ยกเลิก")))
    await deliver(world.client, message("ได้รับข้าวหอมมะลิ 130 กิโลเรียบร้อยค่ะ ขอบคุณค่ะ"))
    assert said(line_platform)["text"].startswith("ได้รับข้าวหอมมะลิ 130 จาก 148 กก.")
    assert await world.db.fetchval("SELECT count(*) FROM line_drafts") == 0
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    assert world.a["id"] in proposal["pending"]["receive"]


async def test_with_several_exchanges_on_their_way_the_bot_asks_which_arrived(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    first = await make_proposal(world, "in_transit")
    second = await make_proposal(world, "in_transit")
    await deliver(world.client, message("ได้รับแล้วค่ะ"))
    which = said(line_platform)
    assert which["text"].splitlines()[0].startswith("มีของกำลังส่งมาให้ชุมชนนี้ 2 รายการค่ะ")
    assert button_postback(which, f"#{first} ข้าวหอมมะลิ") == f"a=recv&p={first}"
    await deliver(world.client, postback(button_postback(which, f"#{second} ข้าวหอมมะลิ")))
    asked = said(line_platform)
    assert asked["text"].startswith(f"ได้รับของจากข้อเสนอ #{second} ครบแล้วใช่ไหมคะ?")
    assert button_postback(asked, "ได้ไม่ครบ") == f"a=recv&p={second}&q=short&by=Ufisher1"
    # In a member's own chat with the bot, told that nothing is on its way once both are in.
    for proposal_id in (first, second):
        await deliver(world.client, postback(f"a=recv&p={proposal_id}&q=all"))
        await deliver(world.client, postback(button_postback(said(line_platform), "ยืนยัน ได้รับครบ")))
    await link(world, world.a, chat="Ufisher1")
    await deliver(world.client, message("ได้รับครบแล้วค่ะ", chat="Ufisher1"))
    assert said(line_platform)["text"].startswith("ตอนนี้ไม่มีของที่กำลังส่งมาให้ชุมชนนี้ค่ะ")


async def test_an_amount_typed_before_choosing_the_exchange_is_used_once_it_is_chosen(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    await make_proposal(world, "in_transit")
    second = await make_proposal(world, "in_transit")
    await deliver(world.client, message("ได้ของแล้ว 100 กิโล ที่เหลือเสีย"))
    which = said(line_platform)
    assert which["text"].startswith("มีของกำลังส่งมาให้ชุมชนนี้ 2 รายการค่ะ")
    await deliver(world.client, postback(button_postback(which, f"#{second} ข้าวหอมมะลิ")))
    summary = said(line_platform)["text"]
    assert "• ข้าวหอมมะลิ ใช้ได้ 100 จาก 148 กก. ของเสีย 48 กก." in summary, summary
    assert (
        await world.db.fetchval("SELECT proposal_id FROM line_receipt_prompts WHERE state = 'asking'")
        == second
    )
    proposal = (await world.get(ADMIN, f"/v1/proposals/{second}")).json()
    assert world.a["id"] in proposal["pending"]["receive"]  # summed up, not yet recorded


async def test_a_receipt_tapped_while_the_proposal_awaits_answers_says_so(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    proposal_id = await make_proposal(world)  # proposed: not everyone has answered yet
    for tap in (
        f"a=recv&p={proposal_id}&q=all",
        f"a=recv&p={proposal_id}&q=ok",
        f"a=recv&p={proposal_id}&q=short",
        f"a=recv&p={proposal_id}",
    ):
        await deliver(world.client, postback(tap))
        assert said(line_platform)["text"].splitlines()[:2] == [
            "ทำรายการไม่สำเร็จค่ะ (not done)",
            "• ข้อเสนอนี้ยังรอทุกฝ่ายตอบรับอยู่ ยังบันทึกการรับของไม่ได้ค่ะ",
        ], tap
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    assert proposal["status"] == "proposed"
    assert all(t["received_at"] is None for t in proposal["transfers"])


async def test_in_a_group_only_the_member_asked_answers_the_receipt_question_by_button(
    world: World, line_platform: LinePlatform
) -> None:
    """Member 2's taps on member 1's receipt buttons are told whose question it is; nothing moves."""
    proposal_id = await short_receipt_asked(world, line_platform)  # asked of Ufisher1
    ask = said(line_platform)
    for label in ("ครบ 148 กก.", "ยกเลิก"):
        await deliver(world.client, postback(button_postback(ask, label), user="Ufisher2"))
        reply = said(line_platform)
        # who was asked, by name: LINE shows the mention of Ufisher1 as their LINE name
        assert reply["type"] == "textV2", reply
        assert reply["text"].startswith("คำถามนี้ถาม {asker} ไว้ค่ะ"), (label, reply)
        assert reply["substitution"] == {
            "asker": {"type": "mention", "mentionee": {"type": "user", "userId": "Ufisher1"}}
        }
        assert await world.db.fetchval("SELECT state FROM line_receipt_prompts") == "asking"
        assert await answers(world) == []
    # Member 1 tells it up to the summary; member 2's ยืนยัน records nothing, member 1's does.
    await deliver(world.client, message("ได้ 120 กิโล"))
    await deliver(world.client, message("ของมาไม่ครบ"))
    summary = said(line_platform)
    assert summary["text"].startswith("สรุป"), summary["text"]
    await deliver(world.client, postback(button_postback(summary, "ยืนยัน"), user="Ufisher2"))
    assert said(line_platform)["text"].startswith("คำถามนี้ถาม {asker} ไว้ค่ะ")
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    assert world.a["id"] in proposal["pending"]["receive"]
    await deliver(world.client, postback(button_postback(summary, "ยืนยัน")))
    assert said(line_platform)["text"].startswith("บันทึกการได้รับของแล้วค่ะ ✓")
    assert await received_by_a(world, proposal_id) == (120.0, "short")


async def test_another_members_confirmation_of_all_does_not_override_a_receipt_being_told(
    world: World, line_platform: LinePlatform
) -> None:
    proposal_id = await short_receipt_asked(world, line_platform)  # asked of Ufisher1
    await deliver(world.client, message("ได้ 120 กิโล"))
    await deliver(world.client, message("ได้รับแล้วค่ะ", user="Ufisher2"))
    asked = said(line_platform)
    assert asked["text"].startswith(f"ได้รับของจากข้อเสนอ #{proposal_id} ครบแล้วใช่ไหมคะ?")
    await deliver(world.client, postback(button_postback(asked, "ยืนยัน ได้รับครบ"), user="Ufisher2"))
    assert said(line_platform)["text"].startswith("มีสมาชิกอีกท่านกำลังบันทึกการได้รับของของรายการนี้อยู่ค่ะ")
    assert await received_by_a(world, proposal_id) == (None, None)
    # Member 1 goes on and records what they told.
    await deliver(world.client, message("ของมาไม่ครบ"))
    await deliver(world.client, postback(button_postback(said(line_platform), "ยืนยัน")))
    assert await received_by_a(world, proposal_id) == (120.0, "short")


async def _asked_all_by_tap(world: World, line_platform: LinePlatform) -> int:
    """Member 1 taps the dispatch notice's ได้รับครบแล้ว."""
    proposal_id = await make_proposal(world, "in_transit")
    await deliver(world.client, postback(f"a=recv&p={proposal_id}&q=all"))
    return proposal_id


async def _asked_all_by_typing(world: World, line_platform: LinePlatform) -> int:
    """Member 1 types that the goods came."""
    proposal_id = await make_proposal(world, "in_transit")
    await deliver(world.client, message("ของมาถึงแล้วค่ะ"))
    return proposal_id


async def _asked_all_after_choosing(world: World, line_platform: LinePlatform) -> int:
    """Two exchanges on their way: member 1 types that goods came, then chooses which."""
    await make_proposal(world, "in_transit")
    proposal_id = await make_proposal(world, "in_transit")
    await deliver(world.client, message("ได้รับของแล้วค่ะ"))
    await deliver(world.client, postback(button_postback(said(line_platform), f"#{proposal_id} ข้าวหอมมะลิ")))
    return proposal_id


@pytest.mark.parametrize(
    "ask",
    [_asked_all_by_tap, _asked_all_by_typing, _asked_all_after_choosing],
    ids=["tap", "typed", "chosen"],
)
async def test_in_a_group_only_the_member_who_said_it_all_came_confirms_it(
    world: World, line_platform: LinePlatform, ask: Callable[[World, LinePlatform], Awaitable[int]]
) -> None:
    """A "received all of it?" is the question of the member who said so (Ufisher1), however it was
    asked: another member's tap on any of its buttons is told, by name, whose question it is, and
    records nothing, starts nothing; with no one in the middle of a receipt, too."""
    await link(world, world.a)
    proposal_id = await ask(world, line_platform)
    question = said(line_platform)
    assert question["text"].startswith(f"ได้รับของจากข้อเสนอ #{proposal_id} ครบแล้วใช่ไหมคะ?"), question
    assert await world.db.fetchval("SELECT count(*) FROM line_receipt_prompts") == 0  # nobody mid-receipt
    for label in ("ยืนยัน ได้รับครบ", "ได้ไม่ครบ", "ยกเลิก"):
        await deliver(world.client, postback(button_postback(question, label), user="Ufisher2"))
        reply = said(line_platform)
        assert reply["type"] == "textV2", (label, reply)
        assert reply["text"].startswith("คำถามนี้ถาม {asker} ไว้ค่ะ"), (label, reply)
        assert reply["substitution"]["asker"]["mentionee"] == {"type": "user", "userId": "Ufisher1"}
        assert await received_by_a(world, proposal_id) == (None, None), label
        assert await world.db.fetchval("SELECT count(*) FROM line_receipt_prompts") == 0, label
    # The member asked confirms it.
    await deliver(world.client, postback(button_postback(question, "ยืนยัน ได้รับครบ")))
    assert said(line_platform)["text"].startswith("บันทึกการได้รับของแล้วค่ะ ✓")
    assert await received_by_a(world, proposal_id) == (148.0, "good")


async def test_the_member_asked_may_still_say_less_came_or_cancel(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    proposal_id = await _asked_all_by_typing(world, line_platform)
    question = said(line_platform)
    await deliver(world.client, postback(button_postback(question, "ยกเลิก")))
    assert said(line_platform)["text"].startswith("ยกเลิกแล้วค่ะ")
    await deliver(world.client, postback(button_postback(question, "ได้ไม่ครบ")))
    assert said(line_platform)["text"].startswith("ได้รับข้าวหอมมะลิเท่าไรคะ?")
    assert await world.db.fetchval("SELECT asked_by FROM line_receipt_prompts") == "Ufisher1"
    assert await received_by_a(world, proposal_id) == (None, None)


async def test_a_confirmation_of_all_of_it_tied_to_no_one_asks_again_and_records_nothing(
    world: World, line_platform: LinePlatform
) -> None:
    """A ยืนยัน ได้รับครบ sent before the buttons carried their asker is asked again, of whoever
    tapped it, rather than recorded for anyone."""
    await link(world, world.a)
    proposal_id = await make_proposal(world, "in_transit")
    await deliver(world.client, postback(f"a=recv&p={proposal_id}&q=ok", user="Ufisher2"))
    asked = said(line_platform)
    assert asked["text"].startswith(f"ได้รับของจากข้อเสนอ #{proposal_id} ครบแล้วใช่ไหมคะ?")
    assert button_data(asked, "ยืนยัน ได้รับครบ")["by"] == "Ufisher2"
    assert await received_by_a(world, proposal_id) == (None, None)
    await deliver(world.client, postback(button_postback(asked, "ยืนยัน ได้รับครบ"), user="Ufisher2"))
    assert await received_by_a(world, proposal_id) == (148.0, "good")


async def _receiver(world: World) -> tuple[str, int]:
    await link(world, world.a, chat="Ufisher1")
    return "Ufisher1", await make_proposal(world, "in_transit")


async def _giver_only(world: World) -> tuple[str, int]:
    """A's fish given to A2 in a gift chain: A is in the exchange and receives nothing."""
    await link(world, world.a, chat="Ufisher1")
    return "Ufisher1", await make_proposal(world, "in_transit", gift=True)


async def _not_in_it(world: World) -> tuple[str, int]:
    """A member of the northern rice farmers' chat, which has no part in A's exchange."""
    await link(world, world.b, chat="Ufarmer1", persona=ADMIN)
    return "Ufarmer1", await make_proposal(world, "in_transit")


async def _not_linked(world: World) -> tuple[str, int]:
    return "Ustranger1", await make_proposal(world, "in_transit")


async def _unlinked_since(world: World) -> tuple[str, int]:
    await link(world, world.a, chat="Ufisher1")
    [linked] = (await world.get(COORD, f"/v1/communities/{world.a['id']}/line-links")).json()["data"]
    assert (await world.post(ADMIN, f"/v1/line-links/{linked['id']}/revoke", {})).status_code == 200
    return "Ufisher1", await make_proposal(world, "in_transit")


NOT_RECEIVER = "• ชุมชนนี้ไม่ได้รับของในข้อเสนอนี้ จึงบันทึกการได้รับของไม่ได้"
NO_PROPOSAL = "• ไม่พบข้อเสนอแลกเปลี่ยนตามรหัสนี้"
NOT_LINKED = "สวัสดีค่ะ แชทนี้ยังไม่ได้เชื่อมกับชุมชนใน barter"
NOTHING_COMING = "ตอนนี้ไม่มีของที่กำลังส่งมาให้ชุมชนนี้ค่ะ"


@pytest.mark.parametrize(
    ("chat", "answers"),
    [
        (
            _giver_only,
            {"all": NOT_RECEIVER, "short": NOT_RECEIVER, "ok": NOT_RECEIVER, "typed": NOTHING_COMING},
        ),
        (_not_in_it, {"all": NO_PROPOSAL, "short": NO_PROPOSAL, "ok": NO_PROPOSAL, "typed": NOTHING_COMING}),
        (_not_linked, dict.fromkeys(("all", "short", "ok", "typed"), NOT_LINKED)),
        (_unlinked_since, dict.fromkeys(("all", "short", "ok", "typed"), NOT_LINKED)),
    ],
    ids=["gives-only", "not-in-the-exchange", "not-linked", "unlinked-since"],
)
async def test_only_a_chat_of_a_receiving_community_records_a_receipt(
    world: World,
    line_platform: LinePlatform,
    chat: Callable[[World], Awaitable[tuple[str, int]]],
    answers: dict[str, str],
) -> None:
    """Every way of telling a receipt, from a chat that does not act for a community receiving
    goods in the exchange: refused in Thai, nothing recorded, no question started."""
    member, proposal_id = await chat(world)
    taps = {
        "all": f"a=recv&p={proposal_id}&q=all",
        "short": f"a=recv&p={proposal_id}&q=short",
        "ok": f"a=recv&p={proposal_id}&q=ok&by={member}",  # as if the member had been asked
    }
    for way, expected in answers.items():
        if way == "typed":
            await deliver(world.client, message("ได้รับของครบแล้วค่ะ", chat=member, user=member))
        else:
            await deliver(world.client, postback(taps[way], chat=member, user=member))
        reply = said(line_platform)["text"]
        assert expected in reply.splitlines()[:2] or reply.startswith(expected), (way, reply)
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    assert proposal["status"] == "in_transit"
    assert all(t["received_at"] is None for t in proposal["transfers"])
    assert await world.db.fetchval("SELECT count(*) FROM line_receipt_prompts") == 0


async def test_a_chat_of_the_receiving_community_records_its_own_receipt_only(
    world: World, line_platform: LinePlatform
) -> None:
    """The same taps from the receiver's chat record its receipt, and nobody else's."""
    member, proposal_id = await _receiver(world)
    await deliver(world.client, postback(f"a=recv&p={proposal_id}&q=all", chat=member, user=member))
    await deliver(
        world.client, postback(button_postback(said(line_platform), "ยืนยัน ได้รับครบ"), chat=member, user=member)
    )
    assert said(line_platform)["text"].startswith("บันทึกการได้รับของแล้วค่ะ ✓")
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    received = {t["receiver_id"]: t["received_at"] is not None for t in proposal["transfers"]}
    assert received == {world.a["id"]: True, world.a2["id"]: False}


async def test_an_amount_lost_leaves_the_rest_of_what_was_sent_as_received(
    world: World, line_platform: LinePlatform
) -> None:
    """ "ได้รับแล้วค่ะ แต่เสียไป 10 กิโล": 10 kg spoiled on the way, so 138 of the 148 kg sent arrived
    usable; said before an exchange is chosen too, and never more than was sent."""
    await link(world, world.a)
    first = await make_proposal(world, "in_transit")
    await deliver(world.client, message("ได้รับแล้วค่ะ แต่เสียไป 10 กิโล"))
    summary = said(line_platform)
    assert "• ข้าวหอมมะลิ ใช้ได้ 138 จาก 148 กก. ของเสีย 10 กก." in summary["text"], summary["text"]
    assert await world.db.fetchval("SELECT count(*) FROM line_drafts") == 0  # never a listing
    await deliver(world.client, postback(button_postback(summary, "ยกเลิก")))
    # Less than all, said without an amount: how much arrived is asked at once.
    await deliver(world.client, message("ได้รับแล้ว แต่ไม่ครบค่ะ"))
    assert said(line_platform)["text"].startswith("ได้รับข้าวหอมมะลิเท่าไรคะ? (ตามที่ตกลง 148 กก.)")
    await deliver(world.client, message("หายไป 200 กิโล"))  # more than was sent
    assert "มากกว่าที่ตกลงไว้" in line_platform.sent[-1].messages[0]["text"]
    await deliver(world.client, message("ขาดไป ๘ กิโลค่ะ"))
    summary = said(line_platform)
    assert "• ข้าวหอมมะลิ ได้รับ 140 จาก 148 กก. ขาด 8 กก." in summary["text"], summary["text"]
    await deliver(world.client, postback(button_postback(summary, "ยืนยัน")))
    assert said(line_platform)["text"].startswith("บันทึกการได้รับของแล้วค่ะ ✓")
    assert await received_by_a(world, first) == (140.0, "short")
    # With two on their way, the amount lost rides on the buttons that ask which one arrived.
    await make_proposal(world, "in_transit")
    third = await make_proposal(world, "in_transit")
    await deliver(world.client, message("ของถึงแล้ว เน่าไป 5 กิโลครับ"))
    which = said(line_platform)
    assert which["text"].startswith("มีของกำลังส่งมาให้ชุมชนนี้ 2 รายการค่ะ")
    await deliver(world.client, postback(button_postback(which, f"#{third} ข้าวหอมมะลิ")))
    summary = said(line_platform)
    assert "• ข้าวหอมมะลิ ใช้ได้ 143 จาก 148 กก. ของเสีย 5 กก." in summary["text"], summary["text"]
    await deliver(world.client, postback(button_postback(summary, "ยืนยัน")))
    assert await received_by_a(world, third) == (143.0, "spoiled")


async def test_an_amount_in_sacks_is_never_recorded_as_kilos_the_kilos_are_asked(
    world: World, line_platform: LinePlatform
) -> None:
    """ "ได้รับข้าวแล้ว 2 กระสอบ" was not read at all ("could not read that"); read as 2 of the
    goods' own unit it would record 2 kg of 148. The sacks' weight is not known: the bot says the
    rice is counted in kilos and asks again, and records nothing until it is told."""
    await link(world, world.a)
    proposal_id = await make_proposal(world, "in_transit")
    for typed in ("ได้รับข้าวแล้ว 2 กระสอบ", "ได้รับข้าวหอมมะลิ 3 กระสอบแล้วค่ะ"):
        await deliver(world.client, message(typed))
        told = line_platform.sent[-1].messages[0]["text"]
        assert told.startswith("หน่วยไม่ตรงค่ะ ข้าวหอมมะลินับเป็น กก."), (typed, told)
        assert said(line_platform)["text"].startswith("ได้รับข้าวหอมมะลิเท่าไรคะ? (ตามที่ตกลง 148 กก.)")
        assert await received_by_a(world, proposal_id) == (None, None)
    await deliver(world.client, message("2 ถุง"))  # to the question itself: the same
    assert line_platform.sent[-1].messages[0]["text"].startswith("หน่วยไม่ตรงค่ะ")
    await deliver(world.client, message("ได้มา 100 กิโล"))
    assert said(line_platform)["text"].startswith("ได้รับข้าวหอมมะลิ 100 จาก 148 กก.")
    assert await world.db.fetchval("SELECT count(*) FROM line_drafts") == 0  # never a listing


async def test_an_amount_in_sacks_typed_before_choosing_the_exchange_asks_the_kilos_once_chosen(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    await make_proposal(world, "in_transit")
    second = await make_proposal(world, "in_transit")
    await deliver(world.client, message("ได้รับข้าวแล้ว 2 กระสอบ"))
    which = said(line_platform)
    assert which["text"].startswith("มีของกำลังส่งมาให้ชุมชนนี้ 2 รายการค่ะ")
    await deliver(world.client, postback(button_postback(which, f"#{second} ข้าวหอมมะลิ")))
    assert line_platform.sent[-1].messages[0]["text"].startswith("หน่วยไม่ตรงค่ะ ข้าวหอมมะลินับเป็น กก.")
    assert said(line_platform)["text"].startswith("ได้รับข้าวหอมมะลิเท่าไรคะ? (ตามที่ตกลง 148 กก.)")
    assert await received_by_a(world, second) == (None, None)

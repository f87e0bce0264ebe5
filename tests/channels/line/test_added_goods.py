"""Goods the network adds (ปลาช่อน, ไก่ย่าง) are read from a LINE message and said back as the
shipped goods are: the bot reads the live catalogue, not the file it was shipped with."""

from __future__ import annotations

from barter.webhooks.relay import Relay
from tests.added_goods import GRILLED_CHICKEN, SNAKEHEAD, add_goods, as_if_added_elsewhere
from tests.channels.line.conftest import deliver, message, postback
from tests.channels.line.test_notices import linked_with_sms
from tests.channels.line.test_webhook import button_data, last_reply, link, listings
from tests.channels.standins import LinePlatform, SmsGateway
from tests.world import Goods, World, make_proposal, second_south_community


async def test_goods_a_coordinator_added_become_an_offer_from_a_line_message(
    world: World, line_platform: LinePlatform
) -> None:
    snakehead = await add_goods(world, SNAKEHEAD)
    await link(world, world.a)
    await deliver(world.client, message("มีปลาช่อน 20 กิโล"))
    reply = last_reply(line_platform)
    assert "• มี ปลาช่อน 20 กก." in reply["text"], reply["text"]
    confirm = postback(f"a=confirm&d={button_data(reply, 'ยืนยัน')['d']}")
    assert (await deliver(world.client, confirm)).status_code == 200
    (offer,) = await listings(world, "offers")
    assert (offer["item_id"], offer["quantity"], offer["unit"]) == (snakehead, 20, "kg")
    assert f"• มีให้ ปลาช่อน 20 กก. (ของที่มีให้ #{offer['id']})" in last_reply(line_platform)["text"]


async def test_added_goods_are_read_and_said_in_their_own_counting_word(
    world: World, line_platform: LinePlatform
) -> None:
    """ไก่ย่าง, added counted in ตัว by a coordinator through another server process: "5 ตัว" is 5
    pieces of it, said back in ตัว (never ชิ้น, never asked "ตัวละกี่กิโล?"); weighed kaffir lime
    leaves (ใบมะกรูด, whose name starts with the counting word ใบ) beside it are read as before."""
    chicken = await add_goods(world, GRILLED_CHICKEN)
    as_if_added_elsewhere()
    await link(world, world.a)
    await deliver(world.client, message("มีไก่ย่าง 5 ตัว และใบมะกรูด 2 กิโล"))
    reply = last_reply(line_platform)
    assert "• มี ไก่ย่าง 5 ตัว" in reply["text"], reply["text"]
    assert "• มี ใบมะกรูด 2 กก." in reply["text"], reply["text"]
    assert "ชิ้น" not in reply["text"]
    assert "ตัวละ" not in reply["text"]
    confirm = postback(f"a=confirm&d={button_data(reply, 'ยืนยัน')['d']}")
    assert (await deliver(world.client, confirm)).status_code == 200
    offers = await listings(world, "offers")
    posted = {(o["item_id"], o["quantity"], o["unit"]): o["id"] for o in offers}
    assert set(posted) == {(chicken, 5, "piece"), ("kaffir-lime-leaves", 2, "kg")}, offers
    said = last_reply(line_platform)["text"]
    assert f"• มีให้ ไก่ย่าง 5 ตัว (ของที่มีให้ #{posted[(chicken, 5, 'piece')]})" in said, said


async def test_a_proposal_of_added_goods_is_told_by_sms_in_their_counting_word(
    world: World, line_platform: LinePlatform, sms_gateway: SmsGateway, relay: Relay
) -> None:
    """The relay (`barter relay` may run as a process of its own, which added nothing) says an
    exchange of ไก่ย่าง, counted in ตัว, by SMS in ตัว, as on LINE."""
    chicken = await add_goods(world, GRILLED_CHICKEN)
    await linked_with_sms(world)
    proposal_id = await make_proposal(world, gives=Goods(chicken, "processed-food:piece", 150, 9))
    as_if_added_elsewhere()
    await relay.drain()
    [sms] = sms_gateway.sent
    assert sms.message.startswith(f"ข้อเสนอ #{proposal_id} กับบ้านทุ่งหว้า: ให้ไก่ย่าง 9 ตัว ได้ข้าวหอมมะลิ"), sms
    [push] = [s for s in line_platform.sent if s.kind == "push"]
    assert "คุณให้ไก่ย่าง 9 ตัว (มูลค่าประมาณ " in push.messages[0]["text"]


async def test_a_receipt_of_goods_counted_in_their_own_word_takes_that_word(
    world: World, line_platform: LinePlatform
) -> None:
    """ไก่ย่าง are counted ตัว: "ได้รับไก่ย่าง 7 ตัวแล้ว" is 7 of them, where "ได้รับข้าวแล้ว 2 กระสอบ"
    (a sack of no known size) asks the kilos (tests/channels/line/test_receipts.py)."""
    chicken = await add_goods(world, GRILLED_CHICKEN)
    await second_south_community(world)
    await link(world, world.a2, chat="Cgroup-thungwa")  # A2 receives A's chicken
    await make_proposal(world, "in_transit", gives=Goods(chicken, "processed-food:piece", 150, 9))
    await deliver(world.client, message("ได้รับไก่ย่าง 7 ตัวแล้วค่ะ", chat="Cgroup-thungwa"))
    told = line_platform.sent[-1].messages[-1]["text"]
    assert told.startswith("ได้รับไก่ย่าง 7 จาก 9 ตัว"), told

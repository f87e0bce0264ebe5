"""Goods a linked chat names that the catalogue lacks ("มีปลาช่อน 20 กิโล" before anyone added ปลาช่อน)
are kept for the community's coordinators and counted, and the answer says the coordinator will see
the name; a chat linked to no community, group talk and words that could name no goods leave
nothing, and their answer promises nothing."""

from __future__ import annotations

from typing import Any

from barter.domain.clock import ManualClock
from tests.channels.line.conftest import deliver, message, postback
from tests.channels.line.test_webhook import button_data, last_reply, link
from tests.channels.standins import LinePlatform
from tests.world import World

SEEN = "ผู้ประสานงานจะเห็นชื่อนี้และเพิ่มให้ได้"  # the answer where the name was kept
TRY_ANOTHER = "ลองพิมพ์ชื่ออื่น"  # the answer where it was not
RESEND = "ส่งมาใหม่ทั้งข้อความ"  # after a tap: what is left is fixed by the whole message, sent again


async def named(w: World) -> list[tuple[str, int, str, int]]:
    rows = await w.db.fetch("SELECT word, community_id, channel, times FROM unknown_goods")
    return sorted((r["word"], r["community_id"], r["channel"], r["times"]) for r in rows)


async def seen(w: World, word: str) -> tuple[Any, Any]:
    row = await w.db.fetchrow("SELECT first_seen, last_seen FROM unknown_goods WHERE word = $1", word)
    assert row is not None, word
    return row["first_seen"], row["last_seen"]


async def test_goods_a_linked_chat_names_that_the_catalogue_lacks_are_kept_and_counted(
    world: World, line_platform: LinePlatform, clock: ManualClock
) -> None:
    await link(world, world.a)
    first = message("มีปลาช่อน 20 กิโล")
    await deliver(world.client, first)
    reply = last_reply(line_platform)["text"]
    assert "• มี “ปลาช่อน” (ไม่รู้จัก) 20 กก." in reply, reply
    assert f"ยังไม่มีสินค้านี้ในรายการค่ะ {SEEN} (not listed yet: your coordinator" in reply, reply
    assert TRY_ANOTHER not in reply
    assert await named(world) == [("ปลาช่อน", world.a["id"], "line", 1)]
    assert await seen(world, "ปลาช่อน") == (clock.now(), clock.now())
    await deliver(world.client, first)  # LINE delivers the same event again: counted once
    assert await named(world) == [("ปลาช่อน", world.a["id"], "line", 1)]
    at_first = clock.now()
    clock.advance(hours=3)
    await deliver(world.client, message("ต้องการมันสำปะหลัง 50 กก\nมีปลาช่อน 30 กิโล"))
    reply = last_reply(line_platform)["text"]
    assert reply.count(SEEN) == 2, reply  # under each line it was said of
    assert await named(world) == [
        ("ปลาช่อน", world.a["id"], "line", 2),
        ("มันสำปะหลัง", world.a["id"], "line", 1),
    ]
    assert await seen(world, "ปลาช่อน") == (at_first, clock.now())


async def test_a_chat_linked_to_no_community_leaves_no_word(
    world: World, line_platform: LinePlatform
) -> None:
    for chat in ("Cstranger", "Ustranger"):
        await deliver(world.client, message("มีปลาช่อน 20 กิโล", chat=chat))
        reply = last_reply(line_platform)["text"]
        assert "ยังไม่ได้เชื่อม" in reply
        assert SEEN not in reply
    assert await named(world) == []


async def test_talk_and_words_that_name_no_goods_are_not_kept_nor_promised(
    world: World, line_platform: LinePlatform
) -> None:
    """Group talk the bot does not answer is not read for goods; a word no goods could be added by
    (no Thai letter, longer than a goods' name: 64 letters) is asked about as before, with no promise."""
    await link(world, world.a)
    said = len(line_platform.sent)
    await deliver(world.client, message("ปลาช่อนอร่อยมาก"))  # talk among the group's members
    assert line_platform.sent[said:] == []
    await link(world, world.a, chat="Ufisher1")
    for text in ("มี durian 20 กิโล", "มี" + "ปลาช่อนนึ่งแม่กลอง" * 4 + " 20 กิโล"):
        await deliver(world.client, message(text, chat="Ufisher1"))
        reply = last_reply(line_platform)["text"]
        assert "(ไม่รู้จัก)" in reply, (text, reply)
        assert TRY_ANOTHER in reply, reply
        assert SEEN not in reply, reply
    assert await named(world) == []


async def test_after_a_tap_the_answer_says_what_is_left_never_to_type_another_name(
    world: World, line_platform: LinePlatform
) -> None:
    """A tap answers offer or need, or which side of a swap is given; the goods unknown are still
    unknown after it. The answer to the tap says what is true then: goods kept for the coordinators
    wait for them, as the first answer said (not "type another name"); other goods need the whole
    message sent again; and nothing is posted."""

    def tap(chat: str, label: str) -> dict[str, Any]:
        data = button_data(last_reply(line_platform), label)
        return postback("&".join(f"{k}={v}" for k, v in data.items()), chat=chat)

    await link(world, world.a, chat="Ufisher1")
    await deliver(world.client, message("ปลาช่อน 20 กิโล", chat="Ufisher1"))  # neither มี nor ต้องการ
    assert SEEN in last_reply(line_platform)["text"]
    await deliver(world.client, tap("Ufisher1", "มีให้ (offer)"))
    tapped = last_reply(line_platform)
    lines = tapped["text"].splitlines()
    assert lines[:2] == ["เข้าใจว่า (we read):", "• มี “ปลาช่อน” (ไม่รู้จัก) 20 กก."], lines
    assert SEEN in tapped["text"], tapped["text"]
    assert "ส่งข้อความนี้มาอีกครั้ง" in tapped["text"]  # once the coordinator has added it
    assert TRY_ANOTHER not in tapped["text"]
    assert [i["action"]["label"] for i in tapped["quickReply"]["items"]] == ["ยกเลิก"]
    # goods no one could add by that name (no Thai letter): sent again with another name, whole
    await deliver(world.client, message("durian 20 กิโล", chat="Ufisher1"))
    await deliver(world.client, tap("Ufisher1", "ต้องการ (need)"))
    tapped = last_reply(line_platform)
    assert "• ต้องการ “durian” (ไม่รู้จัก) 20 กก." in tapped["text"], tapped["text"]
    assert "ชื่อเรียกอื่น" in tapped["text"]
    assert RESEND in tapped["text"]
    assert TRY_ANOTHER not in tapped["text"]
    assert SEEN not in tapped["text"]
    # a swap of unsaid sides in the group, its side tapped: the goods kept, said so under its line
    await link(world, world.a)
    await deliver(world.client, message("อยากแลกปลาช่อน 15 กิโล กับข้าวสาร 20 กิโล"))
    assert SEEN in last_reply(line_platform)["text"]
    await deliver(world.client, tap("Cgroup-pakbara", "แบบที่ 1"))
    tapped = last_reply(line_platform)
    lines = tapped["text"].splitlines()
    assert lines[1] == "• มี “ปลาช่อน” (ไม่รู้จัก) 15 กก.", lines
    assert lines[2].startswith(f"  ↳ ยังไม่มีสินค้านี้ในรายการค่ะ {SEEN}"), lines
    assert TRY_ANOTHER not in tapped["text"]
    assert await world.db.fetchval("SELECT count(*) FROM offers") == 0
    assert await world.db.fetchval("SELECT count(*) FROM needs") == 0

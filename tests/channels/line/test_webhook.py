"""The LINE channel end to end: signed webhooks in, replies out through the stand-in platform."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from barter.domain.clock import ManualClock
from barter.domain.thaidate import MONTHS_TH
from barter.services.line import code_hash
from tests.channels.line.conftest import deliver, message, postback
from tests.channels.standins import LinePlatform
from tests.conftest import TEST_SECRET
from tests.dates import ahead, iso, thai
from tests.world import (
    ADMIN,
    COORD,
    COORD_ELSEWHERE,
    OTHER,
    OWNER,
    World,
    make_proposal,
    second_south_community,
)


def last_reply(platform: LinePlatform) -> dict[str, Any]:
    sent = platform.sent[-1]
    assert sent.kind == "reply"
    [reply] = sent.messages
    return reply


def button_data(reply: dict[str, Any], label: str) -> dict[str, str]:
    for item in reply.get("quickReply", {}).get("items", []):
        if item["action"]["label"] == label:
            return dict(parse_qsl(item["action"]["data"]))
    raise AssertionError(f"no button {label!r} in {reply}")


def button_postback(reply: dict[str, Any], label: str) -> str:
    """The postback data a tap on the reply's button `label` sends."""
    return "&".join(f"{k}={v}" for k, v in button_data(reply, label).items())


async def link(
    w: World, community: dict[str, Any], chat: str = "Cgroup-pakbara", persona: str = COORD
) -> str:
    response = await w.post(persona, f"/v1/communities/{community['id']}/line-codes", {})
    assert response.status_code == 201, response.text
    code: str = response.json()["code"]
    assert (await deliver(w.client, message(code.lower().replace("-", " "), chat=chat))).status_code == 200
    return code


async def listings(world: World, kind: str) -> list[dict[str, Any]]:
    """Community A's offers or needs (`kind`), as its own key reads them through the API."""
    data: list[dict[str, Any]] = (await world.get(OWNER, f"/v1/{kind}", community_id=world.a["id"])).json()[
        "data"
    ]
    return data


async def counts(w: World) -> tuple[int, int, int, int]:
    row = await w.db.fetchrow(
        "SELECT (SELECT count(*) FROM line_events) AS e, (SELECT count(*) FROM line_drafts) AS d,"
        " (SELECT count(*) FROM offers) AS o, (SELECT count(*) FROM line_links) AS l"
    )
    assert row is not None
    return row["e"], row["d"], row["o"], row["l"]


async def test_unsigned_or_wrongly_signed_requests_change_nothing(
    world: World, line_platform: LinePlatform
) -> None:
    code = (await world.post(COORD, f"/v1/communities/{world.a['id']}/line-codes", {})).json()["code"]
    before = await counts(world)
    for signature in (None, "", "bm90IGEgc2lnbmF0dXJl", "sign-of-another-secret"):
        response = await deliver(world.client, message(code), message("มีปลาเค็ม 200 กิโล"), signature=signature)
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")
    assert await counts(world) == before
    assert line_platform.sent == []


async def test_unlinked_chat_gets_a_polite_answer_and_nothing_else(
    world: World, line_platform: LinePlatform
) -> None:
    response = await deliver(world.client, message("มีปลาเค็ม 200 กิโล", chat="Cstranger"))
    assert response.status_code == 200
    assert "ยังไม่ได้เชื่อม" in last_reply(line_platform)["text"]
    assert (await counts(world))[1:] == (0, 0, 0)


async def test_an_unlinked_group_hears_how_to_link_only_when_someone_posts(
    world: World, line_platform: LinePlatform
) -> None:
    """A QA pass: every "สวัสดีทุกคน" in a group not yet linked got the not-linked answer, and a
    group mutes a bot like that. Talk gets nothing; a post, or a one-to-one chat, gets the answer."""
    for talk in ("สวัสดีทุกคน", "พรุ่งนี้ประชุม 10 โมงนะ", "ขอบคุณค่ะ"):
        assert (await deliver(world.client, message(talk, chat="Cstranger"))).status_code == 200
    assert line_platform.sent == []
    await deliver(world.client, message("มีปลาเค็ม 200 กิโล", chat="Cstranger"))
    assert "ยังไม่ได้เชื่อม" in last_reply(line_platform)["text"]
    await deliver(world.client, message("สวัสดีค่ะ", chat="Ustranger"))  # one to one
    assert len(line_platform.sent) == 2
    assert (await counts(world))[1:] == (0, 0, 0)


async def test_ten_trays_of_eggs_are_read_and_posted_as_300_fong(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    await deliver(world.client, message("มีไข่ไก่ 10 แผง"))
    reply = last_reply(line_platform)
    assert "• มี ไข่ไก่ 300 ฟอง" in reply["text"]
    confirm = postback(f"a=confirm&d={button_data(reply, 'ยืนยัน')['d']}")
    assert (await deliver(world.client, confirm)).status_code == 200
    (offer,) = await listings(world, "offers")
    assert (offer["item_id"], offer["quantity"], offer["unit"]) == ("eggs-chicken", 300, "piece")
    assert f"• มีให้ ไข่ไก่ 300 ฟอง (ของที่มีให้ #{offer['id']})" in last_reply(line_platform)["text"]


async def test_a_signed_thai_message_from_a_linked_group_becomes_a_confirmed_offer(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    assert "เชื่อมต่อกับ กลุ่มประมงพื้นบ้านบ้านปากบารา แล้ว" in last_reply(line_platform)["text"]
    # Another member of the same group posts a day as people write it: 15 ม.ค. 70 (2-digit BE year).
    ready = ahead(40)
    written = f"{ready.day} {MONTHS_TH[ready.month - 1]} {(ready.year + 543) % 100:02d}"
    await deliver(world.client, message(f"มีปลาเค็ม ๒๐๐ กิโล พร้อมส่ง {written}", user="Ufisher2"))
    reply = last_reply(line_platform)
    assert "ปลาเค็ม 200 กก." in reply["text"]
    assert f"พร้อมส่งตั้งแต่ {thai(ready)}" in reply["text"]
    assert (await counts(world))[2] == 0  # nothing is posted before the confirmation
    confirm = postback(f"a=confirm&d={button_data(reply, 'ยืนยัน')['d']}", user="Ufisher2")
    assert (await deliver(world.client, confirm)).status_code == 200
    assert "ลงประกาศแล้ว" in last_reply(line_platform)["text"]
    offers = await listings(world, "offers")
    assert [(o["item_id"], o["quantity"], o["unit"], o["available_from"]) for o in offers] == [
        ("salted-fish", 200.0, "kg", iso(ready))
    ]
    audit = (await world.get(COORD, "/v1/audit", entity="offer")).json()["data"]
    assert [(a["via"], a["actor_role"], a["community_id"]) for a in audit] == [
        ("line", "community", world.a["id"])
    ]
    # LINE redelivers the confirmation: nothing happens twice, and nothing is said twice.
    replies = len(line_platform.sent)
    assert (await deliver(world.client, confirm)).status_code == 200
    assert len(line_platform.sent) == replies
    assert len(await listings(world, "offers")) == 1


async def test_a_name_with_its_amount_on_the_next_line_is_one_line_to_confirm(
    world: World, line_platform: LinePlatform
) -> None:
    """Typed on a phone with Enter between the goods and how much: one line, one question or none."""
    await link(world, world.a)
    await deliver(world.client, message("มีข้าวเหนียว\n100 กก."))
    reply = last_reply(line_platform)
    assert reply["text"].splitlines() == [
        "เข้าใจว่า (we read):",
        "• มี ข้าวเหนียว 100 กก.",
        "ถูกต้องไหมคะ? กด ยืนยัน เพื่อลงประกาศ",
    ]
    await deliver(world.client, postback(f"a=confirm&d={button_data(reply, 'ยืนยัน')['d']}"))
    offers = await listings(world, "offers")
    assert [(o["item_id"], o["quantity"]) for o in offers] == [("rice-sticky", 100.0)]
    # Offered or needed is the one question left; its answer makes the line ready.
    await deliver(world.client, message("ปลาแห้ง\n20 กิโล"))
    reply = last_reply(line_platform)
    assert reply["text"].splitlines() == [
        "เข้าใจว่า (we read):",
        "• ? ปลาแห้ง 20 กก.",
        "มีของนี้ให้ หรือ ต้องการของนี้คะ? (offer or need?)",
    ]
    await deliver(world.client, postback(f"a=kind&k=offer&d={button_data(reply, 'มีให้ (offer)')['d']}"))
    assert "ถูกต้องไหมคะ? กด ยืนยัน เพื่อลงประกาศ" in last_reply(line_platform)["text"]


async def test_a_replayed_message_makes_one_draft(world: World, line_platform: LinePlatform) -> None:
    await link(world, world.a)
    event = message("ต้องการข้าวสาร ๕๐ กก. ภายในเดือนหน้า")
    await deliver(world.client, event)
    await deliver(world.client, event)
    await deliver(world.client, event, event)
    assert (await counts(world))[1] == 1
    assert sum(s.kind == "reply" for s in line_platform.sent) == 2  # the link, then one draft


async def test_in_a_group_chat_the_bot_says_nothing_to_what_it_cannot_read(
    world: World, line_platform: LinePlatform
) -> None:
    """Members talk among themselves in their group; a bot that answers each message with "could
    not read that" gets muted. In a 1:1 chat it still says how to write a post."""

    def in_room(text: str) -> dict[str, Any]:  # a multi-person chat, like a group
        said = message(text)
        return {**said, "source": {"type": "room", "roomId": "Rroom-pakbara", "userId": "Ufisher1"}}

    await link(world, world.a)
    code = (await world.post(COORD, f"/v1/communities/{world.a['id']}/line-codes", {})).json()["code"]
    await deliver(world.client, in_room(code))
    assert "เชื่อมต่อกับ" in last_reply(line_platform)["text"]
    said, drafts = len(line_platform.sent), (await counts(world))[1]
    chatter = ("ขอบคุณค่ะ", "พรุ่งนี้ไปตลาดกันไหม", "พรุ่งนี้ประชุม 10 โมงนะ", "ข้าวหอมมะลิอร่อยมาก", "555", "ขอ 2 วันนะ")
    for text in (*chatter, "ดีมาก" * 300):
        assert (await deliver(world.client, message(text))).status_code == 200
        assert (await deliver(world.client, in_room(text))).status_code == 200
    assert line_platform.sent[said:] == []
    assert (await counts(world))[1] == drafts
    # What reads as a post is still answered in the group: an item and a verb, or a verb and an amount.
    await deliver(world.client, message("มีปลาเค็ม"))
    assert last_reply(line_platform)["text"].startswith("เข้าใจว่า")
    await deliver(world.client, message("ต้องการข้าว 100 กิโล"))
    assert last_reply(line_platform)["text"].startswith("เข้าใจว่า")
    # A member's own chat with the bot: it still helps, and a hello or thanks alone is answered in
    # kind (a member over 50 greets first), not with "could not read that".
    await link(world, world.a, chat="Ufisher1")
    drafts = (await counts(world))[1]
    for text in ("อากาศร้อนจัง", "ดีมาก" * 300):
        await deliver(world.client, message(text, chat="Ufisher1"))
        assert last_reply(line_platform)["text"].startswith("ขออภัย อ่านข้อความนี้ไม่ออกค่ะ (could not read that)")
        assert "ลองพิมพ์แบบนี้" in last_reply(line_platform)["text"]
    await deliver(world.client, message("สวัสดีค่ะ 🙏", chat="Ufisher1"))
    assert last_reply(line_platform)["text"].startswith("สวัสดีค่ะ 🙏 (hello)\nลองพิมพ์แบบนี้นะคะ")
    await deliver(world.client, message("ขอบคุณมากๆ ค่ะ", chat="Ufisher1"))
    assert last_reply(line_platform)["text"] == "ยินดีค่ะ 🙏 (you are welcome)"
    assert (await counts(world))[1] == drafts


async def test_in_a_group_a_guessed_name_or_a_bare_number_with_an_item_is_answered(
    world: World, line_platform: LinePlatform
) -> None:
    """A misspelt name with an amount ("ปลาเคม 200 กิโล", the reply marks the guess) and a known item
    with a number but no unit ("ปลาเค็ม 200", counted in the item's own unit) are posts, not talk."""
    await link(world, world.a)
    for text in ("ปลาเคม 200 กิโล", "ปลาเค็ม 200", "มีปลาเคม 200"):
        said = len(line_platform.sent)
        await deliver(world.client, message(text))
        assert len(line_platform.sent) == said + 1, text
        assert last_reply(line_platform)["text"].startswith("เข้าใจว่า"), text
    assert "เดาจากคำที่พิมพ์" in last_reply(line_platform)["text"]
    said = len(line_platform.sent)
    for text in ("ประชุม 10 โมงนะ", "มีปลาเคม", "ปลาเคมอร่อย"):  # still talk
        await deliver(world.client, message(text))
    assert line_platform.sent[said:] == []


async def test_in_a_group_asking_who_has_an_amount_of_goods_is_a_need_to_confirm(
    world: World, line_platform: LinePlatform
) -> None:
    """ "ใครมีปลาเค็มบ้าง 30 กิโล" is how a village asks the network for fish: the bot offers to post
    the need, and posts it only when a member confirms. Asked without an amount it is talk."""
    await link(world, world.a)
    said = len(line_platform.sent)
    for text in ("ใครมีปลาเค็มบ้างคะ", "มีข้าวสารไหม", "มีปลาเค็ม 30 กิโล ราคาเท่าไหร่"):
        await deliver(world.client, message(text, user="Ufisher2"))
    assert line_platform.sent[said:] == []
    await deliver(world.client, message("ใครมีปลาเค็มบ้าง 30 กิโล", user="Ufisher2"))
    reply = last_reply(line_platform)
    assert reply["text"].splitlines() == [
        "เข้าใจว่า (we read):",
        "• ต้องการ ปลาเค็ม 30 กก.",
        "ถูกต้องไหมคะ? กด ยืนยัน เพื่อลงประกาศ",
    ]
    assert (await counts(world))[2] == 0
    await deliver(world.client, postback(f"a=confirm&d={button_data(reply, 'ยืนยัน')['d']}", user="Ufisher2"))
    needs = await listings(world, "needs")
    assert [(n["item_id"], n["quantity"]) for n in needs] == [("salted-fish", 30.0)]


async def test_questions_cancel_and_unreadable_text(world: World, line_platform: LinePlatform) -> None:
    await link(world, world.a)
    await deliver(world.client, message("ข้าวหอมมะลิ 100 กิโล"))  # neither มี nor ต้องการ
    reply = last_reply(line_platform)
    need = button_data(reply, "ต้องการ (need)")
    await deliver(world.client, postback(f"a=kind&k=need&d={need['d']}"))
    reply = last_reply(line_platform)
    await deliver(world.client, postback(f"a=cancel&d={button_data(reply, 'ยกเลิก')['d']}"))
    assert "ยกเลิกแล้ว" in last_reply(line_platform)["text"]
    await deliver(world.client, postback(f"a=confirm&d={need['d']}"))
    assert "ยืนยันหรือยกเลิกไปแล้ว" in last_reply(line_platform)["text"]
    assert (await counts(world))[2] == 0
    needs = await listings(world, "needs")
    assert needs == []


async def test_codes_are_one_time_and_links_revocable(world: World, line_platform: LinePlatform) -> None:
    code = await link(world, world.a)
    await deliver(world.client, message(code, chat="Cother-group"))
    assert "ใช้ไม่ได้" in last_reply(line_platform)["text"]
    await deliver(world.client, message("ABC2-DEF3", chat="Cother-group"))
    assert "ใช้ไม่ได้" in last_reply(line_platform)["text"]
    # Only coordinators of the region and admins manage links.
    assert (await world.get(OWNER, f"/v1/communities/{world.a['id']}/line-links")).status_code == 403
    assert (
        await world.get(COORD_ELSEWHERE, f"/v1/communities/{world.a['id']}/line-links")
    ).status_code == 404
    assert (
        await world.post(COORD_ELSEWHERE, f"/v1/communities/{world.a['id']}/line-codes", {})
    ).status_code == 404
    assert (await world.post(OTHER, f"/v1/communities/{world.b['id']}/line-codes", {})).status_code == 403
    [linked] = (await world.get(COORD, f"/v1/communities/{world.a['id']}/line-links")).json()["data"]
    assert linked["chat_type"] == "group"
    assert "chat_id" not in linked
    revoked = await world.post(ADMIN, f"/v1/line-links/{linked['id']}/revoke", {})
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    await deliver(world.client, message("มีปลาเค็ม 200 กิโล"))
    assert "ยังไม่ได้เชื่อม" in last_reply(line_platform)["text"]
    # A link whose key an admin revokes through /v1/keys stops at once too.
    await link(world, world.a, chat="Cthird-group")
    [third] = (await world.get(COORD, f"/v1/communities/{world.a['id']}/line-links")).json()["data"]
    key_id = await world.db.fetchval("SELECT key_id FROM line_links WHERE id = $1", third["id"])
    assert (await world.post(ADMIN, f"/v1/keys/{key_id}/revoke", {})).status_code == 200
    await deliver(world.client, message("มีปลาเค็ม 200 กิโล", chat="Cthird-group"))
    assert "ยังไม่ได้เชื่อม" in last_reply(line_platform)["text"]
    await link(world, world.a, chat="Cthird-group")  # and it can be linked again with a new code
    assert "เชื่อมต่อกับ" in last_reply(line_platform)["text"]
    actions = [(a["entity"], a["action"]) for a in (await world.get(ADMIN, "/v1/audit")).json()["data"]]
    assert ("line_code", "issue") in actions
    assert ("line_link", "link") in actions
    assert ("line_link", "revoke") in actions


async def test_accept_and_decline_postbacks_move_proposals_as_the_api_does(
    world: World, line_platform: LinePlatform
) -> None:
    proposal_id = await make_proposal(world)
    a2 = await second_south_community(world)
    await link(world, world.a)
    await deliver(world.client, postback(f"a=accept&p={proposal_id}"))
    assert "ตอบรับข้อเสนอแล้ว" in last_reply(line_platform)["text"]
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    assert proposal["status"] == "proposed"
    assert proposal["pending"]["accept"] == [a2["id"]]
    entry = (await world.get(ADMIN, "/v1/audit", entity="proposal", entity_id=str(proposal_id))).json()[
        "data"
    ][0]
    assert (entry["action"], entry["via"], entry["community_id"]) == ("accept", "line", world.a["id"])
    # The rest through the API: the same proposal approves as usual.
    key_a2 = await world.new_key(role="community", community_id=a2["id"])
    accepted = await world.client.post(
        f"/v1/proposals/{proposal_id}/accept", headers={"Authorization": f"Bearer {key_a2}"}
    )
    assert accepted.status_code == 200
    approved = await world.post(COORD, f"/v1/proposals/{proposal_id}/approve", {})
    assert approved.json()["status"] == "approved"
    await deliver(world.client, postback(f"a=accept&p={proposal_id}"))  # a second tap changes nothing
    assert "อนุมัติแล้ว" in last_reply(line_platform)["text"]


async def test_decline_asks_for_a_reason_then_declines(world: World, line_platform: LinePlatform) -> None:
    proposal_id = await make_proposal(world)
    await link(world, world.a)
    await deliver(world.client, postback(f"a=decline&p={proposal_id}"))
    reasons = last_reply(line_platform)
    far = button_data(reasons, "ไกลเกินไป")
    assert (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()["status"] == "proposed"
    await deliver(world.client, postback("&".join(f"{k}={v}" for k, v in far.items())))
    proposal = (await world.get(ADMIN, f"/v1/proposals/{proposal_id}")).json()
    assert (proposal["status"], proposal["reason"]) == ("rejected", "ไกลเกินไป (too far)")
    assert proposal["ended_by_community"] == world.a["id"]
    assert "ระบบกำลังหาข้อเสนอใหม่" in last_reply(line_platform)["text"]
    assert (
        await world.db.fetchval("SELECT count(*) FROM matching_runs WHERE repair_of = $1", proposal_id) == 1
    )
    other = await make_proposal(world)
    await deliver(world.client, postback(f"a=accept&p={other + 1000}"))  # not this community's
    assert "ทำรายการไม่สำเร็จ" in last_reply(line_platform)["text"]


async def test_a_small_amount_is_written_whole(world: World, line_platform: LinePlatform) -> None:
    await link(world, world.a)
    await deliver(world.client, message("มีปลาเค็ม 1 กรัม"))
    assert "• มี ปลาเค็ม 0.001 กก." in last_reply(line_platform)["text"].splitlines()


async def test_a_unit_that_does_not_fit_names_the_items_own_unit(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    await deliver(world.client, message("มีกล้วยตาก 50 ลิตร"))
    lines = last_reply(line_platform)["text"].splitlines()
    assert "หน่วยไม่ตรงกับสินค้านี้: กล้วยตากนับเป็น กก. ค่ะ (this item is counted in kg)" in lines, lines


async def test_a_posted_offer_and_need_are_numbered_each_in_its_own_list(
    world: World, line_platform: LinePlatform
) -> None:
    """Offers and needs are numbered apart: the same number names two listings, so say which."""
    await link(world, world.a)
    await deliver(world.client, message("มีปลาเค็ม 100 กิโล ต้องการข้าวสาร 50 กิโล"))
    await deliver(
        world.client, postback(f"a=confirm&d={button_data(last_reply(line_platform), 'ยืนยัน')['d']}")
    )
    [offer] = await listings(world, "offers")
    [need] = await listings(world, "needs")
    assert last_reply(line_platform)["text"].splitlines()[1:3] == [
        f"• มีให้ ปลาเค็ม 100 กก. (ของที่มีให้ #{offer['id']})",
        f"• ต้องการ ข้าวขาว 50 กก. (ของที่ต้องการ #{need['id']})",
    ]


async def old_letters_code(w: World, code: str, expires_at: datetime) -> None:
    """A code as they were issued before codes had a digit: all letters, stored by its keyed hash."""
    await w.db.execute(
        "INSERT INTO line_link_codes (code_hash, community_id, created_by, created_at, expires_at)"
        " SELECT $1, $2, id, $3::timestamptz - interval '48 hours', $3 FROM api_keys ORDER BY id LIMIT 1",
        code_hash(TEST_SECRET, code),
        w.a["id"],
        expires_at,
    )


async def test_an_all_letter_code_issued_before_codes_had_a_digit_still_links(
    world: World, line_platform: LinePlatform, clock: ManualClock
) -> None:
    await old_letters_code(world, "WPZK-MYHA", clock.now() + timedelta(hours=20))
    await old_letters_code(world, "QRST-UVWX", clock.now() - timedelta(hours=1))  # ran out
    # Words of the same shape that were never issued are not codes: no answer about codes.
    for word in ("HAPPYDAY", "good luck", "Good Days ค่ะ"):
        await deliver(world.client, message(word, chat="Ustranger"))
        assert last_reply(line_platform)["text"].startswith("สวัสดีค่ะ แชทนี้ยังไม่ได้เชื่อม"), word
    await deliver(world.client, message("QRST-UVWX", chat="Ustranger"))  # issued, ran out
    assert "ใช้ไม่ได้" in last_reply(line_platform)["text"]
    await deliver(world.client, message("wpzk myha ค่ะ", chat="Cold-code-group"))
    assert last_reply(line_platform)["text"].startswith("เชื่อมต่อกับ")
    assert (
        await world.db.fetchval("SELECT community_id FROM line_links WHERE chat_id = 'Cold-code-group'")
        == (world.a["id"])
    )
    # In the linked group, such words are talk again, not "already linked".
    sent = len(line_platform.sent)
    await deliver(world.client, message("HAPPYDAY", chat="Cold-code-group"))
    assert line_platform.sent[sent:] == []
    await deliver(world.client, message("WPZK-MYHA", chat="Cother-group"))  # used once: no more
    assert "ใช้ไม่ได้" in last_reply(line_platform)["text"]


async def test_goods_written_one_or_the_other_are_asked_which_and_posted_as_the_one_tapped(
    world: World, line_platform: LinePlatform
) -> None:
    """Salted or dried fish: fish sauce shares their category, so no category need says it; the
    two are offered as buttons, never taken for goods nobody knows (kept for the coordinators)."""
    await link(world, world.a)
    await deliver(world.client, message("ต้องการปลาเค็มหรือปลาแห้ง 20 กิโลค่ะ"))
    asked = last_reply(line_platform)
    assert [i["action"]["label"] for i in asked["quickReply"]["items"]] == ["ปลาเค็ม", "ปลาแห้ง", "ยกเลิก"]
    assert "• ต้องการ ปลาเค็ม หรือ ปลาแห้ง 20 กก." in asked["text"], asked["text"]
    assert "ไม่รู้จัก" not in asked["text"]
    assert await world.db.fetchval("SELECT count(*) FROM unknown_goods") == 0
    await deliver(world.client, postback(button_postback(asked, "ปลาแห้ง")))
    chosen = last_reply(line_platform)
    assert "• ต้องการ ปลาแห้ง 20 กก." in chosen["text"], chosen["text"]
    await deliver(world.client, postback(f"a=confirm&d={button_data(chosen, 'ยืนยัน')['d']}"))
    assert "ลงประกาศแล้ว" in last_reply(line_platform)["text"]
    needs = await listings(world, "needs")
    assert [(n["item_id"], n["quantity"], n["unit"]) for n in needs] == [("dried-fish", 20.0, "kg")]


async def test_a_word_that_begins_several_goods_names_offers_each_kind_as_a_button(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    await deliver(world.client, message("มีน้ำพริก 10 กิโล แลกข้าวสาร"))
    asked = last_reply(line_platform)
    labels = [i["action"]["label"] for i in asked["quickReply"]["items"]]
    assert labels == ["น้ำพริกเผา", "น้ำพริกปลาย่าง", "น้ำพริกกะปิ", "ยกเลิก"]
    await deliver(world.client, postback(button_postback(asked, "น้ำพริกกะปิ")))
    chosen = last_reply(line_platform)
    assert "• มี น้ำพริกกะปิ 10 กก." in chosen["text"], chosen["text"]
    await deliver(world.client, postback(f"a=confirm&d={button_data(chosen, 'ยืนยัน')['d']}"))
    offers = await listings(world, "offers")
    needs = await listings(world, "needs")
    assert [(o["item_id"], o["quantity"]) for o in offers] == [("chili-paste-kapi", 10.0)]
    assert [n["item_id"] for n in needs] == ["rice-white"]  # sized by the paste's value
    assert needs[0]["quantity"] > 0


async def test_goods_written_one_or_the_other_each_with_its_amount_post_the_one_picked_with_its_own(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    # in the group chat: goods one or the other, each with its amount, is a post, not members' talk
    await deliver(world.client, message("ต้องการปลาเค็ม 20 กิโล หรือ ปลาแห้ง 10 กิโล"))
    asked = last_reply(line_platform)
    assert "• ต้องการ ปลาเค็ม 20 กก. หรือ ปลาแห้ง 10 กก." in asked["text"], asked["text"]
    await deliver(world.client, postback(button_postback(asked, "ปลาแห้ง")))
    await deliver(world.client, postback(f"a=confirm&d={button_data(asked, 'ปลาแห้ง')['d']}"))
    assert "ลงประกาศแล้ว" in last_reply(line_platform)["text"]
    needs = await listings(world, "needs")
    assert [(n["item_id"], n["quantity"], n["unit"]) for n in needs] == [("dried-fish", 10.0, "kg")]


async def test_a_pick_of_goods_not_offered_to_choose_changes_nothing(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    await deliver(world.client, message("ต้องการปลาเค็มหรือปลาแห้ง 20 กิโล"))
    asked = last_reply(line_platform)
    draft = button_data(asked, "ปลาเค็ม")["d"]
    await deliver(world.client, postback(f"a=pick&n=0&i=rice-white&d={draft}"))  # not a choice
    await deliver(world.client, postback(f"a=pick&n=7&i=salted-fish&d={draft}"))  # no such line
    again = last_reply(line_platform)
    assert [i["action"]["label"] for i in again["quickReply"]["items"]] == ["ปลาเค็ม", "ปลาแห้ง", "ยกเลิก"]
    await deliver(world.client, postback(f"a=confirm&d={draft}"))  # still asked: nothing posted
    assert await listings(world, "needs") == []


async def test_a_swap_whose_sides_are_not_said_asks_which_is_given(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    await deliver(world.client, message("อยากแลกข้าวสาร 15 กิโล กับปลาเค็ม 2 กิโล"))
    asked = last_reply(line_platform)
    assert [i["action"]["label"] for i in asked["quickReply"]["items"]] == ["แบบที่ 1", "แบบที่ 2", "ยกเลิก"]
    assert "แบบที่ 2: มี ปลาเค็ม ต้องการ ข้าวขาว" in asked["text"], asked["text"]
    assert (await counts(world))[2] == 0
    await deliver(world.client, postback(button_postback(asked, "แบบที่ 2")))
    chosen = last_reply(line_platform)
    assert "• มี ปลาเค็ม 2 กก." in chosen["text"], chosen["text"]
    assert "• ต้องการ ข้าวขาว 15 กก." in chosen["text"]
    await deliver(world.client, postback(f"a=confirm&d={button_data(chosen, 'ยืนยัน')['d']}"))
    assert "ลงประกาศแล้ว" in last_reply(line_platform)["text"]
    offers = await listings(world, "offers")
    needs = await listings(world, "needs")
    assert [(o["item_id"], o["quantity"]) for o in offers] == [("salted-fish", 2.0)]
    assert [(n["item_id"], n["quantity"]) for n in needs] == [("rice-white", 15.0)]

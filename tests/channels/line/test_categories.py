"""A whole category typed in a LINE chat ("ต้องการข้าว 100 กก", "แลกข้าว"), end to end: read, said,
confirmed, and posted as a category need the API shows; offered, it is asked which kind first."""

from __future__ import annotations

from tests.channels.line.conftest import deliver, message, postback
from tests.channels.line.test_webhook import button_data, counts, last_reply, link, listings
from tests.channels.standins import LinePlatform
from tests.world import COORD, World


async def _confirmed(world: World, platform: LinePlatform, text: str, line: str) -> list[str]:
    """Types `text` in the linked group, checks the draft `line` read from it, taps ยืนยัน: the
    lines of the answer."""
    await link(world, world.a)
    await deliver(world.client, message(text))
    reply = last_reply(platform)
    assert line in reply["text"].splitlines(), reply["text"]
    assert (await counts(world))[2] == 0  # nothing posted before the confirmation
    await deliver(world.client, postback(f"a=confirm&d={button_data(reply, 'ยืนยัน')['d']}"))
    return str(last_reply(platform)["text"]).splitlines()


async def test_rice_of_any_kind_confirmed_is_a_category_need_the_api_shows(
    world: World, line_platform: LinePlatform
) -> None:
    posted = await _confirmed(world, line_platform, "ต้องการข้าว 100 กก", "• ต้องการ ข้าว (ชนิดใดก็ได้) 100 กก.")
    [need] = await listings(world, "needs")
    assert (need["category_id"], need["item_id"], need["quantity"], need["unit"]) == (
        "rice",
        None,
        100.0,
        "kg",
    )
    assert posted[1] == f"• ต้องการ ข้าว (ชนิดใดก็ได้) 100 กก. (ของที่ต้องการ #{need['id']})"
    # the coordinator sees it as any category need, posted as the community via LINE
    shown = (await world.get(COORD, f"/v1/needs/{need['id']}")).json()
    assert (shown["category_id"], shown["item_id"], shown["community_id"]) == ("rice", None, world.a["id"])
    audit = (await world.get(COORD, "/v1/audit", entity="need")).json()["data"]
    assert [(a["via"], a["community_id"]) for a in audit] == [("line", world.a["id"])]


async def test_rice_wanted_for_squid_given_posts_both_sized_by_value(
    world: World, line_platform: LinePlatform
) -> None:
    line = "• ต้องการ ข้าว (ชนิดใดก็ได้) 593.8 กก."
    assert "ลงประกาศแล้วค่ะ ✓ (posted)" in await _confirmed(
        world, line_platform, "มีปลาหมึกแห้ง 15 กิโล แลกข้าว", line
    )
    assert [(o["item_id"], o["quantity"]) for o in await listings(world, "offers")] == [("dried-squid", 15.0)]
    assert [
        (n["category_id"], n["item_id"], n["quantity"], n["unit"]) for n in await listings(world, "needs")
    ] == [("rice", None, 593.8, "kg")]


async def test_fish_in_litres_is_posted_in_the_unit_read(world: World, line_platform: LinePlatform) -> None:
    """Fish and seafood come in kilos and litres (fish sauce): the need says which, as the API asks."""
    line = "• ต้องการ ปลาและอาหารทะเล (ชนิดใดก็ได้) 20 ลิตร"
    assert "ลงประกาศแล้วค่ะ ✓ (posted)" in await _confirmed(world, line_platform, "ต้องการปลา 20 ลิตร", line)
    needs = await listings(world, "needs")
    assert [(n["category_id"], n["quantity"], n["unit"]) for n in needs] == [("fish-seafood", 20.0, "litre")]


async def test_rice_offered_is_asked_which_kind_and_nothing_is_posted(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    await deliver(world.client, message("มีข้าว 100 กิโล"))
    asked = last_reply(line_platform)
    assert asked["text"].splitlines()[2].startswith("ข้าวอะไรคะ? เช่น ข้าวหอมมะลิ ข้าวขาว ข้าวเหนียว")
    assert "ยืนยัน" not in [i["action"]["label"] for i in asked["quickReply"]["items"]]
    # neither offer nor need said: the kind tapped decides whether the kind of rice is asked
    await deliver(world.client, message("ข้าว 100 กิโล"))
    draft = button_data(last_reply(line_platform), "มีให้ (offer)")["d"]
    await deliver(world.client, postback(f"a=kind&k=offer&d={draft}"))
    assert "ข้าวอะไรคะ? เช่น" in last_reply(line_platform)["text"]
    await deliver(world.client, postback(f"a=confirm&d={draft}"))  # a stale ยืนยัน: asked again
    assert "ข้าวอะไรคะ? เช่น" in last_reply(line_platform)["text"]
    assert (await counts(world))[2] == 0
    assert await listings(world, "needs") == []

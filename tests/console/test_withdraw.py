"""Withdrawing a listing in the console asks first, on a page of its own that works without
JavaScript: a phone walk found "ถอนรายการ" stacked under "บันทึก", and one tap withdrew a village's
offer from matching at once. The page says what withdrawing does (it cannot be undone; a held
listing cannot be withdrawn) and is shown only to whoever may withdraw the listing."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.console.conftest import CSRF_INPUT, csrf_of, sign_in, unkept
from tests.world import (
    ADMIN,
    ANON,
    COORD,
    COORD_ELSEWHERE,
    OTHER,
    OWNER,
    PARTNER,
    World,
    second_south_community,
)

NOT_UNDONE = "เมื่อถอนแล้ว รายการนี้จะไม่ถูกนำไปจับคู่แลกเปลี่ยนอีก และยกเลิกการถอนไม่ได้"
CONFIRM = "ใช่ ถอนรายการนี้</button>"
KEEP = "ไม่ถอน เก็บไว้</a>"


def _confirm_form(page: str, path: str) -> str:
    """The form that withdraws, as the confirmation page has it (a POST to the listing's path)."""
    found = re.search(rf'<form method="post" action="{re.escape(path)}">(.*?)</form>', page, re.S)
    assert found, page
    return found.group(1)


async def _status(world: World, listing: dict[str, Any], table: str = "offers") -> tuple[str, int]:
    row = await world.db.fetchrow(f"SELECT status, version FROM {table} WHERE id = $1", listing["id"])
    assert row is not None
    return row["status"], row["version"]


async def test_withdraw_asks_first_in_thai_and_english_and_only_the_confirmation_withdraws(
    world: World,
) -> None:
    eggs = await world.offer(COORD, item_id="eggs-chicken", quantity=300, min_lot=0)
    a = world.a["id"]
    path = f"/console/communities/{a}/offers/{eggs['id']}/withdraw"
    await sign_in(world.client, world.keys[COORD])
    community = (await world.client.get(f"/console/communities/{a}")).text
    # The listing's change form leads to the question; nothing on it withdraws with one tap.
    assert f'<a class="button secondary" href="{path}">ถอนรายการ</a>' in community
    assert f'action="{path}"' not in community
    asked = await world.client.get(path)
    assert asked.status_code == 200, asked.text
    page = asked.text
    assert "<h1>ถอนรายการ</h1>" in page
    # the goods and "ใช่ไหม" each on one line (a 320 px phone read "…ใช่" over "ไหม?")
    kept = '<span class="kept">ไข่ไก่</span> 300\xa0ฟอง ของ กลุ่มประมงพื้นบ้านบ้านปากบารา <span class="kept">ใช่ไหม</span>?'
    assert f'<b><span class="keeps">ถอนรายการ {kept}</span></b>' in page
    assert (
        '<span class="en" lang="en">Withdraw Chicken eggs, 300\xa0pieces, of Pak Bara fishing group?</span>'
        in page
    )
    assert NOT_UNDONE in page
    assert "it cannot be undone" in page  # the English beside
    assert "ชิ้น" not in page  # eggs are counted in ฟอง
    assert 'class="danger">' + CONFIRM in page
    assert f'<a class="button secondary" href="/console/communities/{a}#offer-{eggs["id"]}">{KEEP}' in page
    # Asking changed nothing.
    assert await _status(world, eggs) == ("open", eggs["version"])
    # The confirmation's own form withdraws, back to the community's page.
    form = _confirm_form(page, path)
    token = CSRF_INPUT.search(form)
    assert token
    done = await world.client.post(path, data={"_csrf_token": token.group(1)}, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/console/communities/{a}"
    assert (await _status(world, eggs))[0] == "withdrawn"
    # Asked again, it says it is no longer open, and offers only the way back.
    again = (await world.client.get(path)).text
    assert "รายการนี้ไม่ได้เปิดอยู่แล้ว" in again
    assert CONFIRM not in again
    assert KEEP in again
    world.client.cookies.set("lang", "en")
    english = (await world.client.get(path)).text
    assert "This listing is no longer open" in english
    assert "ไม่ได้เปิดอยู่" not in english


async def test_a_held_listing_is_said_held_on_the_confirmation_with_no_button_to_withdraw(
    world: World,
) -> None:
    """The service refuses to withdraw while exchanges hold part of a listing (409, said at the
    listing); the confirmation says so first, in plain Thai, and offers only the way back."""
    held = await world.offer(COORD, item_id="salted-squid", quantity=50, min_lot=0)
    await world.db.execute("UPDATE offers SET held = 20 WHERE id = $1", held["id"])
    a = world.a["id"]
    path = f"/console/communities/{a}/offers/{held['id']}/withdraw"
    await sign_in(world.client, world.keys[OWNER])
    page = (await world.client.get(path)).text
    said = re.search(r'<p class="notice" role="alert" id="withdraw-held">(.*?)</p>', page, re.S)
    assert said, page
    assert "ตอนนี้ยังถอนไม่ได้ เพราะมี 20\xa0กก. ถูกจองไว้ในข้อเสนอแลกเปลี่ยน ให้ปฏิเสธข้อเสนอเหล่านั้นก่อน" in said.group(1)
    assert "20\xa0kg of it are held by proposed exchanges" in said.group(1)
    assert CONFIRM not in page
    assert f'action="{path}"' not in page
    assert KEEP in page
    token = await csrf_of(world.client, path)
    refused = await world.client.post(path, data={"_csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 409
    assert await _status(world, held) == ("open", held["version"])


async def test_a_need_for_any_of_a_category_and_a_weekly_offer_are_said_as_they_are(world: World) -> None:
    rice = await world.need(COORD, item_id=None, category_id="rice", quantity=900)
    weekly = await world.offer(
        COORD, item_id="salted-squid", quantity=40, min_lot=0, recur_every="week", recur_quantity=40
    )
    a = world.a["id"]
    await sign_in(world.client, world.keys[COORD])
    need = (await world.client.get(f"/console/communities/{a}/needs/{rice['id']}/withdraw")).text
    assert "<b>ถอนรายการ อะไรก็ได้ในหมวด ข้าว 900\xa0กก. ของ กลุ่มประมงพื้นบ้านบ้านปากบารา ใช่ไหม?</b>" in unkept(need)
    assert "Withdraw any rice, 900\xa0kg, of Pak Bara fishing group?" in need
    assert f'href="/console/communities/{a}#need-{rice["id"]}"' in need
    assert "ทุกสัปดาห์" not in need
    offer = (await world.client.get(f"/console/communities/{a}/offers/{weekly['id']}/withdraw")).text
    assert "รายการนี้เปิดใหม่ทุกสัปดาห์ เมื่อถอนแล้วจะไม่เปิดรอบใหม่อีก" in offer
    assert "It opens again every week; withdrawn, it opens no more." in offer


@pytest.mark.parametrize(
    ("persona", "asked", "withdrawn"),
    [
        (OWNER, 200, 303),
        (COORD, 200, 303),
        (ADMIN, 200, 303),
        (OTHER, 404, 404),
        (COORD_ELSEWHERE, 404, 404),
        (PARTNER, 302, 302),  # a partner cannot sign in: a stranger
        (ANON, 302, 302),
    ],
)
async def test_the_confirmation_follows_the_withdrawals_own_rules(
    world: World, persona: str, asked: int, withdrawn: int
) -> None:
    """Whoever may withdraw the listing (its community's own key, a coordinator of its region, an
    admin) is asked; another community and another region's coordinator find no such page (the
    console's not-found page, naming nothing of it), a stranger is sent to sign in; and the
    withdrawal itself answers each the same way."""
    offer = await world.offer(COORD, item_id="eggs-chicken", quantity=300, min_lot=0)
    a = world.a["id"]
    path = f"/console/communities/{a}/offers/{offer['id']}/withdraw"
    if persona in (ANON, PARTNER):
        if persona == PARTNER:
            token = await csrf_of(world.client)
            refused = await world.client.post(
                "/console/signin", data={"key": world.keys[PARTNER], "_csrf_token": token}
            )
            assert refused.status_code == 403
    else:
        await sign_in(world.client, world.keys[persona])
    token = await csrf_of(world.client)
    page = await world.client.get(path, follow_redirects=False)
    assert page.status_code == asked, page.text
    if asked == 302:
        assert page.headers["location"] == f"/console/signin?next={path}"
    elif asked == 404:
        assert "ไม่พบ" in page.text
        assert "ไข่ไก่" not in page.text
        assert world.a["name_th"] not in page.text
        assert '<nav class="main"' in page.text  # the console's page, navigation kept
    else:
        assert "ถอนรายการ ไข่ไก่ 300\xa0ฟอง ของ กลุ่มประมงพื้นบ้านบ้านปากบารา ใช่ไหม?" in unkept(page.text)
        assert CONFIRM in page.text
    assert await _status(world, offer) == ("open", offer["version"])
    done = await world.client.post(path, data={"_csrf_token": token}, follow_redirects=False)
    assert done.status_code == withdrawn, done.text
    assert (await _status(world, offer))[0] == ("withdrawn" if withdrawn == 303 else "open")


async def test_the_confirmation_of_a_listing_under_another_communitys_path_is_not_found(world: World) -> None:
    """A coordinator of both communities' region, at community A's path with A2's listing: not
    found, as the withdrawal there is (tests/console/test_pages.py)."""
    a2 = await second_south_community(world)
    offer = await world.offer(COORD, community_id=a2["id"])
    need = await world.need(COORD, community_id=a2["id"])
    await sign_in(world.client, world.keys[COORD])
    a = world.a["id"]
    for kind, listing in (("offers", offer), ("needs", need)):
        crafted = await world.client.get(f"/console/communities/{a}/{kind}/{listing['id']}/withdraw")
        assert crafted.status_code == 404, crafted.text
        assert a2["name_th"] not in crafted.text
        own = await world.client.get(f"/console/communities/{a2['id']}/{kind}/{listing['id']}/withdraw")
        assert own.status_code == 200, own.text
        assert f"ของ {a2['name_th']} ใช่ไหม?" in unkept(own.text)

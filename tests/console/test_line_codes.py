"""The LINE link-code screen of a community, over HTTP: who sees and uses it, that issuing answers
303 to the screen which shows the code once (a reload issues nothing and shows nothing), and that a
code shown once links a chat that the screen then lists and can unlink (the browser walk is in
test_browser)."""

from __future__ import annotations

import base64
import re

import pytest

from barter.console.session import FLASH_COOKIE, FLASH_LIFETIME
from barter.domain.clock import ManualClock
from barter.services import line as line_service
from tests.conftest import TEST_SECRET
from tests.console.conftest import csrf_of, sign_in
from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World

CODE = re.compile(r"<b>([A-Z2-9]{4}-[A-Z2-9]{4})</b>")


async def _issue(world: World, url: str) -> str:
    """POST the form as a browser does; the flash cookie the 303 sets (the code rides in it)."""
    token = await csrf_of(world.client, url)
    issued = await world.client.post(f"{url}codes", data={"_csrf_token": token}, follow_redirects=False)
    assert issued.status_code == 303, issued.text
    assert issued.headers["location"] == url
    assert not CODE.search(issued.text)  # the POST's own answer shows nothing
    flash = issued.cookies.get(FLASH_COOKIE)
    assert flash
    return flash


@pytest.mark.parametrize(
    ("persona", "screen", "issue"),
    [
        (COORD, 200, 303),
        (ADMIN, 200, 303),
        (OWNER, 403, 403),  # the community itself does not hand out codes for itself
        (OTHER, 404, 403),  # a community key never issues codes (the API says the same)
        (COORD_ELSEWHERE, 404, 404),
        (PARTNER, 302, 302),  # partners do not sign in to the console
        ("partner_detail", 302, 302),
        (ANON, 302, 302),
    ],
)
async def test_who_uses_the_line_screen(world: World, persona: str, screen: int, issue: int) -> None:
    world.keys["partner_detail"] = await world.new_key(role="partner", partner_detail=True)
    url = f"/console/communities/{world.a['id']}/line/"
    if persona not in (ANON, PARTNER, "partner_detail"):
        await sign_in(world.client, world.keys[persona])
    seen = await world.client.get(url, follow_redirects=False)
    assert seen.status_code == screen
    token = await csrf_of(world.client, "/console/signin")
    issued = await world.client.post(f"{url}codes", data={"_csrf_token": token}, follow_redirects=False)
    assert issued.status_code == issue
    count = await world.db.fetchval("SELECT count(*) FROM line_link_codes")
    assert count == (1 if issue == 303 else 0)
    if issue == 303:
        assert issued.headers["location"] == url
        shown = await world.client.get(url)
        assert CODE.search(shown.text), shown.text
    if screen != 200:
        assert world.a["name_th"] not in seen.text
        assert not CODE.search(seen.text)


async def test_a_code_shown_once_links_a_chat_that_can_be_unlinked(world: World, clock: ManualClock) -> None:
    await sign_in(world.client, world.keys[COORD])
    url = f"/console/communities/{world.a['id']}/line/"
    await _issue(world, url)
    token = await csrf_of(world.client, "/console/signin")
    page = await world.client.get(url)
    found = CODE.search(page.text)
    assert found, page.text
    code = found.group(1)
    assert "รหัสเชื่อมต่อใหม่" in page.text
    assert "โหลดหน้านี้ใหม่จะไม่แสดงรหัสนี้อีก" in page.text
    page = await world.client.get(url)
    assert code not in page.text  # never shown again
    assert "ยังไม่ได้ใช้" in page.text
    code_id = await world.db.fetchval("SELECT id FROM line_link_codes")
    assert f"/line/codes/{code_id}/revoke" in page.text
    # A LINE group sends the code.
    result, link = await line_service.redeem_code(
        world.db, TEST_SECRET, code, chat_id="Cgroup1", chat_type="group", user_id="Uuser1", now=clock.now()
    )
    assert result == "linked"
    assert link is not None
    page = await world.client.get(url)
    assert f"/line/codes/{code_id}/revoke" not in page.text  # used: no longer waiting
    assert f"กลุ่ม LINE #{link.id}" in page.text
    unlinked = await world.client.post(
        f"{url}links/{link.id}/revoke", data={"_csrf_token": token}, follow_redirects=False
    )
    assert unlinked.status_code == 303
    assert await world.db.fetchval("SELECT revoked_at IS NOT NULL FROM line_links WHERE id = $1", link.id)
    assert await line_service.link_for(world.db, "Cgroup1") is None
    actions = await world.db.fetch(
        "SELECT action FROM audit_log WHERE entity IN ('line_code', 'line_link') ORDER BY id"
    )
    assert [a["action"] for a in actions] == ["issue", "link", "revoke"]


async def test_a_code_can_be_cancelled_before_use(world: World) -> None:
    await sign_in(world.client, world.keys[ADMIN])
    url = f"/console/communities/{world.a['id']}/line/"
    token = await csrf_of(world.client, url)
    await world.client.post(f"{url}codes", data={"_csrf_token": token})
    code_id = await world.db.fetchval("SELECT id FROM line_link_codes")
    cancelled = await world.client.post(
        f"{url}codes/{code_id}/revoke", data={"_csrf_token": token}, follow_redirects=False
    )
    assert cancelled.status_code == 303
    assert await world.db.fetchval(
        "SELECT revoked_at IS NOT NULL FROM line_link_codes WHERE id = $1", code_id
    )
    again = await world.client.post(f"{url}codes/{code_id}/revoke", data={"_csrf_token": token})
    assert again.status_code == 409
    assert "รหัสนี้ถูกใช้หรือยกเลิกไปแล้ว" in again.text


async def test_reloading_the_screen_after_issuing_shows_the_code_once_and_issues_nothing(
    world: World,
) -> None:
    await sign_in(world.client, world.keys[COORD])
    url = f"/console/communities/{world.a['id']}/line/"
    await _issue(world, url)
    first = await world.client.get(url)  # where the 303 leads
    assert first.status_code == 200
    assert first.headers["cache-control"] == "no-store"  # the back button asks again
    found = CODE.search(first.text)
    assert found
    code_id = await world.db.fetchval("SELECT id FROM line_link_codes")
    assert f"#{code_id} " in first.text
    for _ in range(3):  # reloads
        again = await world.client.get(url)
        assert again.status_code == 200
        assert found.group(1) not in again.text
        assert not CODE.search(again.text)
    assert await world.db.fetchval("SELECT count(*) FROM line_link_codes") == 1
    assert await world.db.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'line_code'") == 1
    # The plaintext is nowhere in the database: the code row keeps its hash only.
    stored = await world.db.fetchval("SELECT row_to_json(c)::text FROM line_link_codes c")
    assert found.group(1) not in stored
    assert found.group(1).replace("-", "") not in stored


async def test_a_flash_is_shown_only_to_the_session_that_issued_it_unaltered_and_soon(
    world: World, clock: ManualClock
) -> None:
    url = f"/console/communities/{world.a['id']}/line/"
    await sign_in(world.client, world.keys[COORD])
    flash = await _issue(world, url)
    # Another session of the same coordinator (another phone, or a copied cookie) sees no code.
    await sign_in(world.client, world.keys[COORD])
    world.client.cookies.set(FLASH_COOKIE, flash, path=url)
    assert not CODE.search((await world.client.get(url)).text)
    # In its own session, an altered code is refused.
    await sign_in(world.client, world.keys[COORD])
    flash = await _issue(world, url)
    data, _, rest = flash.partition(".")
    code_id, _, code = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode().partition(":")
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    forged = base64.urlsafe_b64encode(f"{code_id}:ZZZZ-ZZZZ".encode()).decode().rstrip("=")
    world.client.cookies.set(FLASH_COOKIE, f"{forged}.{rest}", path=url)
    page = await world.client.get(url)
    assert page.status_code == 200
    assert not CODE.search(page.text)
    world.client.cookies.set(FLASH_COOKIE, flash, path=url)  # the genuine one, in its session: shown
    assert f"<b>{code}</b>" in (await world.client.get(url)).text
    # And one not read within its lifetime is not shown later.
    await _issue(world, url)
    clock.advance(seconds=FLASH_LIFETIME.total_seconds() + 1)
    assert not CODE.search((await world.client.get(url)).text)
    # Each of those codes was issued once and waits, to be cancelled from the list.
    assert await world.db.fetchval("SELECT count(*) FROM line_link_codes") == 3


async def test_a_code_is_revoked_only_under_its_own_community(world: World) -> None:
    """The screen's revoke route names the community: another community's code is not found there."""
    from tests.world import second_south_community

    a2 = await second_south_community(world)
    issued = await world.post(COORD, f"/v1/communities/{a2['id']}/line-codes", None)
    assert issued.status_code == 201, issued.text
    code_id = issued.json()["id"]
    await sign_in(world.client, world.keys[COORD])
    url = f"/console/communities/{world.a['id']}/line/"
    token = await csrf_of(world.client, url)
    crafted = await world.client.post(
        f"{url}codes/{code_id}/revoke", data={"_csrf_token": token}, follow_redirects=False
    )
    assert crafted.status_code == 404, crafted.text
    revoked = await world.db.fetchval("SELECT revoked_at FROM line_link_codes WHERE id = $1", code_id)
    assert revoked is None
    own = f"/console/communities/{a2['id']}/line/"
    done = await world.client.post(
        f"{own}codes/{code_id}/revoke", data={"_csrf_token": token}, follow_redirects=False
    )
    assert (done.status_code, done.headers["location"]) == (303, own)
    assert (
        await world.db.fetchval("SELECT revoked_at FROM line_link_codes WHERE id = $1", code_id) is not None
    )

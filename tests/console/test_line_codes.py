"""The LINE link-code screen of a community, over HTTP: who sees and uses it, and that a code shown
once links a chat that the screen then lists and can unlink (the browser walk is in test_browser)."""

from __future__ import annotations

import re

import pytest

from barter.domain.clock import ManualClock
from barter.services import line as line_service
from tests.conftest import TEST_SECRET
from tests.console.conftest import csrf_of, sign_in
from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World

CODE = re.compile(r"<b>([A-Z2-9]{4}-[A-Z2-9]{4})</b>")


@pytest.mark.parametrize(
    ("persona", "screen", "issue"),
    [
        (COORD, 200, 201),
        (ADMIN, 200, 201),
        (OWNER, 403, 403),  # the community itself does not hand out codes for itself
        (OTHER, 404, 403),  # a community key never issues codes (the API says the same)
        (COORD_ELSEWHERE, 404, 404),
        (PARTNER, 404, 403),
        ("partner_detail", 404, 403),
        (ANON, 302, 302),
    ],
)
async def test_who_uses_the_line_screen(world: World, persona: str, screen: int, issue: int) -> None:
    world.keys["partner_detail"] = await world.new_key(role="partner", partner_detail=True)
    url = f"/console/communities/{world.a['id']}/line/"
    if persona != ANON:
        await sign_in(world.client, world.keys[persona])
    seen = await world.client.get(url, follow_redirects=False)
    assert seen.status_code == screen
    token = await csrf_of(world.client, "/console/signin")
    issued = await world.client.post(f"{url}codes", data={"_csrf_token": token}, follow_redirects=False)
    assert issued.status_code == issue
    count = await world.db.fetchval("SELECT count(*) FROM line_link_codes")
    assert count == (1 if issue == 201 else 0)
    if screen != 200:
        assert world.a["name_th"] not in seen.text


async def test_a_code_shown_once_links_a_chat_that_can_be_unlinked(world: World, clock: ManualClock) -> None:
    await sign_in(world.client, world.keys[COORD])
    url = f"/console/communities/{world.a['id']}/line/"
    token = await csrf_of(world.client, url)
    issued = await world.client.post(f"{url}codes", data={"_csrf_token": token}, follow_redirects=False)
    found = CODE.search(issued.text)
    assert found, issued.text
    code = found.group(1)
    assert "รหัสเชื่อมต่อใหม่" in issued.text
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

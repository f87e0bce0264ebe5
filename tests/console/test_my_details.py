"""ข้อมูลของฉัน (/console/me/), over HTTP: a coordinator sets, changes and removes the mobile number
a proposal SMS to its regions' communities says, through the service PUT /v1/keys/me/phone calls;
the page is always the viewer's own; admins see their details without the form; community keys
are refused as on other coordinators' pages; partners and strangers are sent to sign in."""

from __future__ import annotations

import re

from tests.console.conftest import csrf_of, sign_in, unkept
from tests.world import ADMIN, COORD, COORD_ELSEWHERE, OWNER, PARTNER, World

ME = "/console/me/"
NOT_MOBILE = "ต้องเป็นเบอร์มือถือ 10 หลัก ขึ้นต้นด้วย 06 08 หรือ 09"
HEADER_LINK = '<a href="/console/me/"'


async def _phones(world: World) -> dict[str, str | None]:
    rows = await world.db.fetch("SELECT id, phone FROM api_keys")
    by_id = {r["id"]: r["phone"] for r in rows}
    return {persona: by_id[key_id] for persona, key_id in world.key_ids.items()}


async def _send(world: World, **fields: str) -> tuple[int, str, str]:
    """The phone form sent as a browser does (the page's CSRF token): status, location, page."""
    token = await csrf_of(world.client, ME)
    sent = await world.client.post(
        f"{ME}phone", data={**fields, "_csrf_token": token}, follow_redirects=False
    )
    return sent.status_code, sent.headers.get("location", ""), unkept(sent.text)


async def test_my_details_and_my_number_for_each_role(world: World) -> None:
    # strangers, and partners (who cannot sign in to the console), are sent to sign in
    stranger = await world.client.get(ME, follow_redirects=False)
    assert stranger.status_code in (302, 303, 307)
    assert stranger.headers["location"] == "/console/signin?next=/console/me"
    token = await csrf_of(world.client)
    partner = await world.client.post(
        "/console/signin", data={"key": world.keys[PARTNER], "_csrf_token": token}
    )
    assert partner.status_code == 403
    assert (await world.client.get(ME, follow_redirects=False)).status_code in (302, 303, 307)

    # the coordinator: its details, no number yet, its name in the header the link here
    await sign_in(world.client, world.keys[COORD])
    today = await world.client.get("/console/")
    assert HEADER_LINK in unkept(today.text)
    page = await world.client.get(ME)
    assert page.status_code == 200
    assert "<h1>ข้อมูลของฉัน</h1>" in unkept(page.text)
    assert '<dd id="my-name">South coordinator</dd>' in unkept(page.text)
    assert "<dd>ผู้ประสานงาน</dd>" in unkept(page.text)
    assert '<span class="nobr">ภาคใต้</span>' in unkept(page.text)
    assert '<dd id="my-phone">ยังไม่ได้ใส่</dd>' in unkept(page.text)
    assert "ชุมชนที่ไม่ได้ใช้ LINE ในภาคที่คุณดูแล" in unkept(page.text)
    assert 'lang="en">Your number is sent in SMS' in unkept(page.text)  # the English beside the Thai
    assert f'{HEADER_LINK} aria-current="page">' in unkept(page.text)
    assert "ลบเบอร์ของฉัน" not in unkept(page.text)  # nothing to remove yet

    # without the form's CSRF token nothing is saved
    forged = await world.client.post(f"{ME}phone", data={"phone": "0812345678"}, follow_redirects=False)
    assert forged.status_code == 403
    assert (await _phones(world))[COORD] is None

    # set: kept as dialled, written as Thai people write it, said saved once
    assert await _send(world, phone="081-234-5678") == (303, ME, "")
    assert (await _phones(world))[COORD] == "0812345678"
    page = await world.client.get(ME)
    assert '<dd id="my-phone"><span class="nobr">081-234-5678</span></dd>' in unkept(page.text)
    assert 'value="081-234-5678"' in unkept(page.text)
    assert "บันทึกเบอร์ของคุณแล้ว" in unkept(page.text)
    assert "บันทึกเบอร์ของคุณแล้ว" not in unkept((await world.client.get(ME)).text)  # said once
    # changed, typed in Thai digits with spaces
    status, _, _ = await _send(world, phone="๐๙๑ ๑๑๑ ๒๒๒๒")
    assert status == 303
    assert (await _phones(world))[COORD] == "0911112222"

    # a landline is refused under its field, in Thai with the English beside, as typed
    status, _, refused = await _send(world, phone="02-123-4567")
    assert status == 422
    field_error = re.search(r'<p class="field-error" id="phone-error">(.*?)</p>', refused)
    assert field_error is not None
    assert field_error.group(1) == (
        f'{NOT_MOBILE} <span class="en" lang="en">must be a Thai mobile number: 10 digits starting 06, 08 or 09</span>'
    )
    assert re.search(
        r'<input id="phone" [^>]*value="02-123-4567" aria-invalid="true" aria-describedby="phone-error">',
        refused,
    )
    assert '<dd id="my-phone"><span class="nobr">091-111-2222</span></dd>' in refused  # what is saved
    assert (await _phones(world))[COORD] == "0911112222"

    # another region's coordinator: its own details only, the page always its own
    await sign_in(world.client, world.keys[COORD_ELSEWHERE])
    page = await world.client.get(ME)
    assert '<dd id="my-name">North coordinator</dd>' in unkept(page.text)
    assert '<dd id="my-phone">ยังไม่ได้ใส่</dd>' in unkept(page.text)
    assert "091-111-2222" not in unkept(page.text)
    assert "South coordinator" not in unkept(page.text)
    assert (await world.client.get(f"{ME}{world.key_ids[COORD]}")).status_code == 404
    assert (await _send(world, phone="0899999999"))[0] == 303
    assert await _phones(world) == {
        **dict.fromkeys(world.key_ids),
        COORD: "0911112222",
        COORD_ELSEWHERE: "0899999999",
    }

    # an admin: its details, no form (only a coordinator's key carries a number); a post refused
    await sign_in(world.client, world.keys[ADMIN])
    page = await world.client.get(ME)
    assert page.status_code == 200
    assert "<dd>ผู้ดูแลระบบ</dd>" in unkept(page.text)
    assert "<dd>ทุกภาค</dd>" in unkept(page.text)
    assert 'name="phone"' not in unkept(page.text)
    assert "เฉพาะรหัสของผู้ประสานงานเท่านั้นที่ใส่เบอร์มือถือสำหรับ SMS ได้" in unkept(page.text)
    status, _, refused = await _send(world, phone="0812345678")
    assert status == 422
    assert "บทบาทนี้ไม่ใช้ช่องนี้" in refused
    assert (await _phones(world))[ADMIN] is None

    # a community's key: no link in its header, refused as other coordinators' pages refuse it
    await sign_in(world.client, world.keys[OWNER])
    assert HEADER_LINK not in unkept((await world.client.get("/console/")).text)
    page = await world.client.get(ME)
    assert page.status_code == 403
    assert "หน้านี้สำหรับผู้ประสานงาน" in unkept(page.text)
    assert 'lang="en">This page is for coordinators.' in unkept(page.text)
    token = await csrf_of(world.client, "/console/")
    posted = await world.client.post(
        f"{ME}phone", data={"phone": "0812345678", "_csrf_token": token}, follow_redirects=False
    )
    assert posted.status_code == 403
    assert "ต้องเป็นบทบาทใดบทบาทหนึ่งต่อไปนี้: ผู้ดูแลระบบ, ผู้ประสานงาน" in unkept(posted.text)  # the service's refusal

    # removed by the coordinator (the remove button), said once; all of it audited via the console
    await sign_in(world.client, world.keys[COORD])
    assert (await _send(world, phone="091-111-2222", remove="1"))[0] == 303
    assert (await _phones(world))[COORD] is None
    page = await world.client.get(ME)
    assert "ลบเบอร์ของคุณแล้ว" in unkept(page.text)
    assert '<dd id="my-phone">ยังไม่ได้ใส่</dd>' in unkept(page.text)
    english = await world.client.get(f"/console/lang/en?next={ME}")  # follows it back here
    assert "<h1>My details</h1>" in unkept(english.text)
    assert "Regions you coordinate" in unkept(english.text)
    assert "so that their members can call you." in unkept(english.text)
    assert "ข้อมูลของฉัน" not in unkept(english.text)
    audited = await world.db.fetch(
        "SELECT after->>'phone' AS phone, via FROM audit_log WHERE entity = 'api_key' AND entity_id = $1"
        " AND action = 'set_phone' ORDER BY id",
        str(world.key_ids[COORD]),
    )
    assert [(r["phone"], r["via"]) for r in audited] == [
        ("0812345678", "console"),
        ("0911112222", "console"),
        (None, "console"),
    ]

"""The console over HTTP (no browser): sessions, CSRF, who sees which page, and no external URL."""

from __future__ import annotations

import math
import re
from zoneinfo import ZoneInfo

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from barter.console import maps, views
from barter.console.session import COOKIE
from barter.console.web import CONSOLE_PUBLIC
from barter.reference import load_subdistricts
from barter.storage.repos import communities as communities_repo
from tests.across import province_centre
from tests.console.conftest import csrf_of, sign_in, start_run, unkept
from tests.dates import ahead, be_slash, thai
from tests.polling import poll
from tests.world import (
    ADMIN,
    ANON,
    COORD,
    COORD_ELSEWHERE,
    EGGS,
    OTHER,
    OWNER,
    PARTNER,
    World,
    make_proposal,
    second_south_community,
)


def test_every_console_page_needs_a_viewer_or_is_on_the_public_list(app: Litestar) -> None:
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/console"):
            continue
        for handler in route.route_handlers:
            if handler.http_methods == {"OPTIONS"}:
                continue
            needs_viewer = "viewer" in handler.parsed_fn_signature.parameters
            assert needs_viewer != (route.path in CONSOLE_PUBLIC), f"{route.path} {handler.http_methods}"


async def test_the_front_door_is_the_console_and_asks_strangers_to_sign_in(world: World) -> None:
    root = await world.client.get("/", follow_redirects=False)
    assert root.status_code in (301, 302, 303, 307, 308)
    assert root.headers["location"] == "/console/"
    today = await world.client.get("/console/", follow_redirects=False)
    assert today.status_code in (302, 303, 307)
    assert today.headers["location"].startswith("/console/signin")
    page = await world.client.get("/console/signin")
    assert page.status_code == 200
    assert '<html lang="th">' in page.text  # the page's own (a switch, a name beside, say theirs)
    assert "เข้าสู่ระบบ" in page.text


async def test_sign_in_keeps_a_server_side_session_in_an_httponly_cookie(world: World) -> None:
    await sign_in(world.client, world.keys[COORD])
    # The sign-in response set the cookie; read its flags from a fresh sign-in's header.
    token = await csrf_of(world.client)
    response = await world.client.post(
        "/console/signin", data={"key": world.keys[COORD], "_csrf_token": token}, follow_redirects=False
    )
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(COOKIE))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "secure" not in flags  # plain http here; over TLS the cookie is Secure
    value = cookie.split(";")[0].split("=", 1)[1]
    # Only a hash of the token is stored.
    stored = await world.db.fetchval(
        "SELECT count(*) FROM console_sessions WHERE token_hash = $1", value.encode()
    )
    assert stored == 0
    assert await world.db.fetchval("SELECT count(*) FROM console_sessions") == 2
    today = await world.client.get("/console/")
    assert today.status_code == 200
    assert "South coordinator" in today.text


async def test_sign_out_and_revocation_end_the_session(world: World) -> None:
    await sign_in(world.client, world.keys[COORD])
    token = await csrf_of(world.client, "/console/")
    out = await world.client.post("/console/signout", data={"_csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    after = await world.client.get("/console/", follow_redirects=False)
    assert after.headers["location"].startswith("/console/signin")
    assert await world.db.fetchval("SELECT count(*) FROM console_sessions") == 0

    await sign_in(world.client, world.keys[COORD])
    assert (await world.client.get("/console/")).status_code == 200
    await world.db.execute("UPDATE api_keys SET revoked_at = now() WHERE id = $1", world.key_ids[COORD])
    revoked = await world.client.get("/console/", follow_redirects=False)
    assert revoked.headers["location"].startswith("/console/signin")


async def test_a_bad_key_is_refused_in_thai(world: World) -> None:
    token = await csrf_of(world.client)
    response = await world.client.post(
        "/console/signin", data={"key": "not-a-key", "_csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 401
    assert "รหัสนี้ไม่ถูกต้อง" in response.text
    assert COOKIE not in response.headers.get("set-cookie", "")


async def test_every_form_needs_the_csrf_token(world: World) -> None:
    await sign_in(world.client, world.keys[COORD])
    body = {"name_th": "บ้านใหม่", "kind": "fishing", "province_code": "91"}
    refused = await world.client.post("/console/communities/", data=body, follow_redirects=False)
    assert refused.status_code == 403
    assert await world.db.fetchval("SELECT count(*) FROM communities WHERE name_th = 'บ้านใหม่'") == 0
    forged = await world.client.post(
        "/console/communities/", data={**body, "_csrf_token": "0" * 128}, follow_redirects=False
    )
    assert forged.status_code == 403
    token = await csrf_of(world.client, "/console/communities/new")
    made = await world.client.post(
        "/console/communities/", data={**body, "_csrf_token": token}, follow_redirects=False
    )
    assert made.status_code == 303, made.text
    assert await world.db.fetchval("SELECT count(*) FROM communities WHERE name_th = 'บ้านใหม่'") == 1


async def test_registering_a_likely_duplicate_asks_first(world: World) -> None:
    await sign_in(world.client, world.keys[COORD])
    token = await csrf_of(world.client, "/console/communities/new")
    body = {"name_th": "บ้านปากบารา", "kind": "fishing", "province_code": "91", "_csrf_token": token}
    first = await world.client.post("/console/communities/", data=body, follow_redirects=False)
    assert first.status_code == 200
    assert "ชื่อคล้ายกัน" in first.text
    assert await world.db.fetchval("SELECT count(*) FROM communities WHERE name_th = 'บ้านปากบารา'") == 0
    again = await world.client.post(
        "/console/communities/", data={**body, "confirm": "1"}, follow_redirects=False
    )
    assert again.status_code == 303


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (OWNER, {"community": 200, "account": 200, "proposal": 200, "logistics": 403, "matching_start": 403}),
        (OTHER, {"community": 404, "account": 404, "proposal": 404, "logistics": 403, "matching_start": 403}),
        (COORD, {"community": 200, "account": 200, "proposal": 200, "logistics": 200, "matching_start": 200}),
        (
            COORD_ELSEWHERE,
            {"community": 404, "account": 404, "proposal": 404, "logistics": 200, "matching_start": 403},
        ),
        # A partner cannot sign in (see the test of its refusal): as a stranger.
        (
            PARTNER,
            {"community": 302, "account": 302, "proposal": 302, "logistics": 302, "matching_start": 302},
        ),
        (ADMIN, {"community": 200, "account": 200, "proposal": 200, "logistics": 200, "matching_start": 200}),
        (ANON, {"community": 302, "account": 302, "proposal": 302, "logistics": 302, "matching_start": 302}),
    ],
)
async def test_each_page_as_each_persona(world: World, persona: str, expected: dict[str, int]) -> None:
    proposal_id = await make_proposal(world)
    a = world.a["id"]
    if persona not in (ANON, PARTNER):
        await sign_in(world.client, world.keys[persona])
    pages = {
        "community": f"/console/communities/{a}",
        "account": f"/console/communities/{a}/account",
        "proposal": f"/console/proposals/{proposal_id}",
        "logistics": "/console/logistics/",
    }
    seen = {
        name: (await world.client.get(path, follow_redirects=False)).status_code
        for name, path in pages.items()
    }
    token = await csrf_of(world.client, "/console/signin")
    start = await world.client.post(
        "/console/matching/runs",
        data={"regions": "south", "time_limit_s": "1", "_csrf_token": token},
        follow_redirects=False,
    )
    seen["matching_start"] = 200 if start.status_code == 303 else start.status_code
    assert seen == expected
    if persona in (OTHER, COORD_ELSEWHERE):
        # Not found means not found: the page names nothing of community A.
        page = await world.client.get(pages["community"])
        assert world.a["name_th"] not in page.text


async def test_a_community_key_sees_its_own_community_only(world: World) -> None:
    await make_proposal(world)
    await sign_in(world.client, world.keys[OWNER])
    listing = await world.client.get("/console/communities/")
    assert listing.status_code == 200
    assert world.a["name_th"] in listing.text
    assert world.b["name_th"] not in listing.text
    assert (await world.client.get(f"/console/communities/{world.b['id']}")).status_code == 404


EXTERNAL = re.compile(
    r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import\s+["']?(?:https?:)?//""",
    re.IGNORECASE,
)


async def test_no_page_loads_anything_from_another_site(world: World) -> None:
    proposal_id = await make_proposal(world, "approved")
    await sign_in(world.client, world.keys[COORD])
    plan_token = await csrf_of(world.client, "/console/logistics/")
    planned = await world.client.post(
        "/console/logistics/plans", data={"_csrf_token": plan_token}, follow_redirects=False
    )
    assert planned.status_code == 303, planned.text
    a = world.a["id"]
    paths = [
        "/console/signin",
        "/console/",
        "/console/communities/",
        "/console/communities/new",
        f"/console/communities/{a}",
        f"/console/communities/{a}/edit",
        f"/console/communities/{a}/account",
        f"/console/communities/{a}/line/",
        "/console/matching/",
        "/console/proposals/?show=all",
        f"/console/proposals/{proposal_id}",
        "/console/logistics/",
        "/console/goods/",
        "/console/me/",
        planned.headers["location"],
        "/schema",
        "/schema/swagger",
    ]
    assets: set[str] = set()
    for path in paths:
        page = await world.client.get(path)
        assert page.status_code == 200, path
        assert not EXTERNAL.search(page.text), (path, EXTERNAL.search(page.text))
        assets.update(re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", page.text))
    assert any("htmx" in a for a in assets)
    assert any("swagger-ui-bundle" in a for a in assets)
    for asset in sorted(assets):
        served = await world.client.get(asset)
        assert served.status_code == 200, asset
        if asset.endswith(".css"):
            assert not EXTERNAL.search(served.text), asset


async def test_english_on_request(world: World) -> None:
    await sign_in(world.client, world.keys[COORD])
    switched = await world.client.get("/console/lang/en?next=/console/communities/", follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == "/console/communities/"
    page = await world.client.get("/console/communities/")
    assert '<html lang="en">' in page.text
    assert "Register a community" in page.text
    assert "ลงทะเบียนชุมชน" not in page.text


async def test_bulk_approval_approves_what_it_can_and_says_what_it_could_not(world: World) -> None:
    proposal_id = await make_proposal(world)
    await sign_in(world.client, world.keys[COORD])
    token = await csrf_of(world.client, "/console/proposals/")
    response = await world.client.post(
        "/console/proposals/approve",
        data={"ids": [str(proposal_id), "999999"], "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 200
    assert f"#{proposal_id}" in response.text
    assert "#999999" in response.text  # named among those it could not approve
    regions = await world.db.fetch(
        "SELECT region FROM proposal_approvals WHERE proposal_id = $1", proposal_id
    )
    assert [r["region"] for r in regions] == ["south"]


async def test_matching_is_for_coordinators(world: World) -> None:
    await sign_in(world.client, world.keys[OWNER])
    assert (await world.client.get("/console/matching/")).status_code == 403


async def test_changing_an_offer_in_thai_dates_and_a_stale_form_is_refused(world: World) -> None:
    offer = await world.offer(COORD, quantity=200)
    until = ahead(60)
    await sign_in(world.client, world.keys[COORD])
    a = world.a["id"]
    token = await csrf_of(world.client, f"/console/communities/{a}")
    changed = await world.client.post(
        f"/console/communities/{a}/offers/{offer['id']}/edit",
        data={
            "quantity": "1,250",
            "available_until": be_slash(until),
            "version": str(offer["version"]),
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303, changed.text
    row = await world.db.fetchrow(
        "SELECT quantity::float8 AS q, available_until FROM offers WHERE id = $1", offer["id"]
    )
    assert row is not None
    assert row["q"] == 1250
    assert row["available_until"] == until
    page = await world.client.get(f"/console/communities/{a}")
    assert "1,250\xa0กก." in page.text  # the amount and its unit on one line
    assert thai(until) in page.text
    stale = await world.client.post(
        f"/console/communities/{a}/offers/{offer['id']}/edit",
        data={"quantity": "5", "version": str(offer["version"]), "_csrf_token": token},
        follow_redirects=False,
    )
    assert stale.status_code == 412
    assert "มีคนแก้ไขไปแล้วระหว่างที่คุณแก้อยู่" in stale.text  # at the listing (tests/console/test_errors.py)
    assert "<li>จำนวนทั้งหมด: <b>5</b></li>" in stale.text  # what was typed, listed to type again
    assert await world.db.fetchval("SELECT quantity::float8 FROM offers WHERE id = $1", offer["id"]) == 1250


async def test_withdrawing_a_need(world: World) -> None:
    need = await world.need(COORD)
    await sign_in(world.client, world.keys[COORD])
    a = world.a["id"]
    token = await csrf_of(world.client, f"/console/communities/{a}")
    done = await world.client.post(
        f"/console/communities/{a}/needs/{need['id']}/withdraw",
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert await world.db.fetchval("SELECT status FROM needs WHERE id = $1", need["id"]) == "withdrawn"


async def test_a_community_sees_its_own_contact_on_its_page_and_edit_form(world: World) -> None:
    """Its edit form showed the contact empty, as if it had none (a helper's note)."""
    await sign_in(world.client, world.keys[OWNER])
    a = world.a["id"]
    form = await world.client.get(f"/console/communities/{a}/edit")
    assert form.status_code == 200
    assert 'name="contact" value="081-234-5678"' in form.text
    assert "081-234-5678" in (await world.client.get(f"/console/communities/{a}")).text
    other = await world.client.get(f"/console/communities/{world.b['id']}")
    assert "089-876-5432" not in other.text


async def test_withdrawing_goods_held_by_an_exchange_is_refused_at_the_listing(world: World) -> None:
    """QA: the refusal (409, held) was the full error page: the community page with the listing
    opened and the reason in Thai is where the coordinator can act on it."""
    held = await world.offer(COORD, item_id="salted-squid", quantity=50, min_lot=0)
    await world.db.execute("UPDATE offers SET held = 20 WHERE id = $1", held["id"])
    await sign_in(world.client, world.keys[COORD])
    a = world.a["id"]
    token = await csrf_of(world.client, f"/console/communities/{a}")
    refused = await world.client.post(
        f"/console/communities/{a}/offers/{held['id']}/withdraw",
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert refused.status_code == 409
    assert "ขออภัย" not in refused.text  # not the error page
    assert 'href="/console/signout"' in refused.text or "/console/signout" in refused.text
    at_listing = refused.text.split(f'id="offer-{held["id"]}"', 1)
    assert len(at_listing) == 2, "the listing is on the page"
    assert "ถูกจองไว้ในข้อเสนอแลกเปลี่ยน" in at_listing[1].split("</details>", 1)[0]
    assert await world.db.fetchval("SELECT status FROM offers WHERE id = $1", held["id"]) == "open"


async def test_over_tls_the_session_cookie_is_secure(world: World, app: Litestar) -> None:
    async with AsyncTestClient(app=app, base_url="https://barter.example") as tls:
        token = await csrf_of(tls)
        response = await tls.post(
            "/console/signin", data={"key": world.keys[COORD], "_csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == 303
        cookie = next(
            v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(COOKIE)
        )
        assert "secure" in {part.strip().lower() for part in cookie.split(";")}


async def test_changing_an_offers_goods_and_smallest_lot(world: World) -> None:
    offer = await world.offer(COORD, quantity=200, min_lot=10)
    held = await world.offer(COORD, item_id="salted-squid", quantity=50, min_lot=0)
    await world.db.execute("UPDATE offers SET held = 20 WHERE id = $1", held["id"])
    await sign_in(world.client, world.keys[COORD])
    a = world.a["id"]
    page = await world.client.get(f"/console/communities/{a}")
    assert f'id="offer-{offer["id"]}-item" name="item_id"' in page.text
    assert f'id="offer-{held["id"]}-item" disabled' in page.text  # held: the goods cannot change
    token = await csrf_of(world.client, f"/console/communities/{a}")
    changed = await world.client.post(
        f"/console/communities/{a}/offers/{offer['id']}/edit",
        data={
            "item_id": "salted-fish",
            "quantity": "200",
            "min_lot": "25",
            "version": str(offer["version"]),
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303, changed.text
    row = await world.db.fetchrow(
        "SELECT item_id, min_lot::float8 AS lot FROM offers WHERE id = $1", offer["id"]
    )
    assert row is not None
    assert (row["item_id"], row["lot"]) == ("salted-fish", 25)
    refused = await world.client.post(
        f"/console/communities/{a}/offers/{held['id']}/edit",
        data={"item_id": "dried-fish", "quantity": "50", "version": "1", "_csrf_token": token},
        follow_redirects=False,
    )
    assert refused.status_code == 409
    assert "เปลี่ยนชนิดของไม่ได้" in refused.text
    # The form shows the stored goods again; what was typed is listed at the listing.
    assert "<li>สินค้า: <b>ปลาแห้ง</b></li>" in unkept(refused.text)
    assert "<li>จำนวนทั้งหมด: <b>50</b></li>" in refused.text
    assert await world.db.fetchval("SELECT item_id FROM offers WHERE id = $1", held["id"]) == "salted-squid"


async def test_a_run_across_regions_asked_in_the_console_and_consented_there(world: World) -> None:
    south = world.client
    await sign_in(south, world.keys[COORD])
    token = await csrf_of(south, "/console/matching/")
    asked = await south.post(
        "/console/matching/requests",
        data={"regions": "south", "other_regions": "north", "time_limit_s": "2", "_csrf_token": token},
        follow_redirects=False,
    )
    assert asked.status_code == 303, asked.text
    mine = await south.get("/console/matching/")
    assert "รอความยินยอม" in mine.text  # pending, waiting for the north
    assert "ยินยอม: เริ่มการจับคู่" not in mine.text  # nothing for the south to answer
    # The north's coordinator finds it on Today and in Matching, and consents.
    await sign_in(south, world.keys[COORD_ELSEWHERE])
    today = await south.get("/console/")
    assert "การจับคู่ข้ามภาคที่รอความยินยอมจากคุณ" in today.text
    request_id = await world.db.fetchval("SELECT id FROM run_requests")
    token = await csrf_of(south, "/console/matching/")
    bare = await south.post(
        f"/console/matching/requests/{request_id}/decline",
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert bare.status_code == 422
    consented = await south.post(
        f"/console/matching/requests/{request_id}/consent",
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert consented.status_code == 303, consented.text
    run_id = await world.db.fetchval("SELECT run_id FROM run_requests WHERE id = $1", request_id)
    assert consented.headers["location"] == f"/console/matching/runs/{run_id}"
    assert await world.db.fetchval("SELECT regions FROM matching_runs WHERE id = $1", run_id) == [
        "north",
        "south",
    ]

    async def status() -> str:
        return str(await world.db.fetchval("SELECT status FROM matching_runs WHERE id = $1", run_id))

    await poll(status, lambda s: s in ("succeeded", "failed"))
    # A community key cannot answer.
    await sign_in(south, world.keys[OWNER])
    token = await csrf_of(south, "/console/signin")
    refused = await south.post(
        f"/console/matching/requests/{request_id}/consent",
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert refused.status_code == 403


async def test_a_decline_in_the_console_names_who_and_says_a_new_proposal_is_looked_for(world: World) -> None:
    """The console's decline is the service's: it names the community, starts a repair run (whose
    page says what it repairs), and the exchange's page says so in Thai."""
    proposal_id = await make_proposal(world)
    await sign_in(world.client, world.keys[COORD])
    token = await csrf_of(world.client, f"/console/proposals/{proposal_id}")
    a2 = await second_south_community(world)
    response = await world.client.post(
        f"/console/proposals/{proposal_id}/decline",
        data={"community_id": str(a2["id"]), "reason": "ข้าวหมดแล้ว", "_csrf_token": token},
        follow_redirects=True,
    )
    assert response.status_code == 200, response.text
    assert "ปฏิเสธโดย บ้านทุ่งหว้า" in response.text
    assert "ระบบกำลังหาข้อเสนอใหม่ให้ชุมชนอื่น" in response.text
    run_id = await world.db.fetchval("SELECT id FROM matching_runs WHERE repair_of = $1", proposal_id)
    page = await world.client.get(f"/console/matching/runs/{run_id}")
    assert page.status_code == 200, page.text
    assert "รอบจับคู่ซ่อม" in page.text
    assert f'href="/console/proposals/{proposal_id}"' in page.text


async def test_a_rejected_exchange_names_the_region_in_the_console(world: World) -> None:
    proposal_id = await make_proposal(world)
    rejected = await world.post(COORD, f"/v1/proposals/{proposal_id}/reject", {"reason": "ไกลเกินไป"})
    assert rejected.status_code == 200, rejected.text
    await sign_in(world.client, world.keys[COORD])
    page = await world.client.get(f"/console/proposals/{proposal_id}")
    assert "ไม่อนุมัติโดยผู้ประสานงานของ ภาคใต้" in unkept(page.text)
    assert "ระบบกำลังหาข้อเสนอใหม่ให้ชุมชนอื่น" in page.text


async def test_receipt_is_offered_and_taken_only_once_the_goods_are_dispatched(world: World) -> None:
    """QA found the receipt button beside "dispatched" on an approved exchange, and pressing it
    recorded a receipt for goods never sent. Now the button waits for the dispatch, and a crafted
    post is refused in Thai with nothing recorded."""
    proposal_id = await make_proposal(world, "approved")
    a = world.a["id"]
    await sign_in(world.client, world.keys[COORD])
    card = await world.client.get(f"/console/proposals/{proposal_id}")
    assert "ส่งของออกแล้ว" in card.text
    assert "ยืนยันการรับของแทนชุมชนนี้" not in card.text
    assert f"/console/proposals/{proposal_id}/complete" not in card.text
    token = await csrf_of(world.client, f"/console/proposals/{proposal_id}")
    early = await world.client.post(
        f"/console/proposals/{proposal_id}/complete",
        data={"community_id": str(a), "_csrf_token": token},
        follow_redirects=False,
    )
    assert early.status_code == 409, early.text
    assert "ยังไม่ได้ส่งของออก" in early.text
    received = await world.db.fetchval(
        "SELECT count(*) FROM proposal_transfers WHERE proposal_id = $1 AND received_at IS NOT NULL",
        proposal_id,
    )
    assert received == 0
    dispatched = await world.client.post(
        f"/console/proposals/{proposal_id}/dispatch", data={"_csrf_token": token}, follow_redirects=True
    )
    assert dispatched.status_code == 200, dispatched.text
    assert "ยืนยันการรับของแทนชุมชนนี้" in dispatched.text
    done = await world.client.post(
        f"/console/proposals/{proposal_id}/complete",
        data={"community_id": str(a), "_csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    row = await world.db.fetchrow(
        "SELECT received_at FROM proposal_transfers WHERE proposal_id = $1 AND receiver_id = $2",
        proposal_id,
        a,
    )
    assert row is not None
    assert row["received_at"] is not None


async def test_a_listing_is_changed_or_withdrawn_only_under_its_own_community(world: World) -> None:
    """QA withdrew community 1's offer through /console/communities/121/offers/1/withdraw, and was
    sent to community 121's page. A listing in another community's path is not found there, and
    nothing about it changes."""
    a2 = await second_south_community(world)
    offer = await world.offer(COORD, community_id=a2["id"])
    need = await world.need(COORD, community_id=a2["id"])
    await sign_in(world.client, world.keys[COORD])
    a = world.a["id"]
    token = await csrf_of(world.client, f"/console/communities/{a}")
    crafted = [
        (f"offers/{offer['id']}/withdraw", {}),
        (f"needs/{need['id']}/withdraw", {}),
        (f"offers/{offer['id']}/edit", {"quantity": "5", "version": str(offer["version"])}),
        (f"needs/{need['id']}/edit", {"quantity": "5", "version": str(need["version"])}),
    ]
    for path, form in crafted:
        response = await world.client.post(
            f"/console/communities/{a}/{path}", data={**form, "_csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == 404, (path, response.text)
        assert "ไม่พบ" in response.text
    for table, listing in (("offers", offer), ("needs", need)):
        row = await world.db.fetchrow(
            f"SELECT status, quantity::float8 AS q, version FROM {table} WHERE id = $1",
            listing["id"],
        )
        assert row is not None
        assert (row["status"], row["q"], row["version"]) == ("open", listing["quantity"], listing["version"])
    changes = await world.db.fetchval(
        "SELECT count(*) FROM audit_log WHERE entity IN ('offer', 'need') AND action <> 'create'"
    )
    assert changes == 0
    # Under its own community's path the same withdrawal goes through, back to that community.
    own = await world.client.post(
        f"/console/communities/{a2['id']}/offers/{offer['id']}/withdraw",
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert own.status_code == 303, own.text
    assert own.headers["location"] == f"/console/communities/{a2['id']}"
    assert await world.db.fetchval("SELECT status FROM offers WHERE id = $1", offer["id"]) == "withdrawn"


async def test_what_is_done_in_the_console_is_audited_via_the_console(world: World) -> None:
    """QA saw a console withdrawal and a console logistics plan audited `via: "api"`."""
    need = await world.need(COORD)
    await make_proposal(world, "approved")
    await sign_in(world.client, world.keys[COORD])
    a = world.a["id"]
    token = await csrf_of(world.client, f"/console/communities/{a}")
    withdrawn = await world.client.post(
        f"/console/communities/{a}/needs/{need['id']}/withdraw",
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert withdrawn.status_code == 303, withdrawn.text
    planned = await world.client.post(
        "/console/logistics/plans", data={"_csrf_token": token}, follow_redirects=False
    )
    assert planned.status_code == 303, planned.text
    entries = (await world.get(COORD, "/v1/audit")).json()["data"]
    via = {(e["entity"], e["action"]): e["via"] for e in entries}
    assert via[("need", "withdraw")] == "console"
    assert via[("logistics_plan", "plan")] == "console"
    assert via[("need", "create")] == "api"  # posted through the API above


@pytest.mark.parametrize(
    "path", ["/console/nope", "/console/communities/abc", "/console/logistics/shipments/1", "/console/a/b/c"]
)
async def test_a_console_path_that_is_no_page_answers_the_thai_page_not_json(world: World, path: str) -> None:
    await sign_in(world.client, world.keys[COORD])
    response = await world.client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "ขออภัย" in response.text
    assert "problems/not-found" not in response.text
    # The API's own paths keep problem+json.
    api = await world.client.get("/v1/nope")
    assert api.headers["content-type"].startswith("application/problem+json")


async def test_the_forbidden_and_not_found_pages_keep_the_navigation_and_sign_out(world: World) -> None:
    await sign_in(world.client, world.keys[OWNER])
    for path, status in [
        ("/console/nope", 404),
        (f"/console/communities/{world.b['id']}", 404),
        ("/console/matching/", 403),
    ]:
        page = await world.client.get(path)
        assert page.status_code == status, path
        assert 'action="/console/signout"' in page.text, path
        assert '<nav class="main"' in page.text, path


@pytest.mark.parametrize("path", ["/console/communities/abc", "/console/logistics/shipments/1"])
async def test_an_address_no_page_answers_keeps_the_navigation_for_a_live_session(
    world: World, path: str
) -> None:
    await sign_in(world.client, world.keys[COORD])
    page = await world.client.get(path)
    assert page.status_code == 404
    assert "ขออภัย" in page.text
    assert '<nav class="main"' in page.text
    # ... and its sign-out works: the form carries the CSRF token.
    token = re.search(
        r'action="/console/signout"><input type="hidden" name="_csrf_token" value="([^"]+)"', page.text
    )
    assert token, page.text
    out = await world.client.post(
        "/console/signout", data={"_csrf_token": token.group(1)}, follow_redirects=False
    )
    assert out.status_code == 303, out.text
    # A stranger, or a session that ended, gets the page without them (and no error).
    world.client.cookies.set(COOKIE, "not-a-session")
    stranger = await world.client.get(path)
    assert stranger.status_code == 404
    assert "ขออภัย" in stranger.text
    assert '<nav class="main"' not in stranger.text


async def test_a_partner_key_is_refused_at_sign_in_in_thai_with_the_english_beside(world: World) -> None:
    token = await csrf_of(world.client)
    response = await world.client.post(
        "/console/signin", data={"key": world.keys[PARTNER], "_csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "หน้านี้สำหรับชุมชนและผู้ประสานงาน" in unkept(response.text)
    assert "Partners read the figures through the API" in response.text
    assert COOKIE not in response.headers.get("set-cookie", "")
    assert await world.db.fetchval("SELECT count(*) FROM console_sessions") == 0


async def test_a_communitys_today_links_to_no_page_it_may_not_see(world: World) -> None:
    await sign_in(world.client, world.keys[OWNER])
    today = await world.client.get("/console/")
    assert today.status_code == 200
    links = set(re.findall(r'href="(/console/[^"]*)"', today.text))
    assert "/console/logistics/" not in links
    for link in sorted(links):
        seen = await world.client.get(link, follow_redirects=False)
        assert seen.status_code in (200, 303), link
    await sign_in(world.client, world.keys[COORD])
    assert 'href="/console/logistics/"' in (await world.client.get("/console/")).text


async def test_a_communitys_today_puts_the_exchanges_waiting_for_its_answer_first(world: World) -> None:
    """A community approves nothing: its first tile counted "exchanges to approve" (always 0), and
    it was listed among the communities that have not answered, as if someone else."""
    proposal_id = await make_proposal(world, "proposed")
    await sign_in(world.client, world.keys[OWNER])
    today = unkept((await world.client.get("/console/")).text)
    assert re.search(r"<b>1</b>การแลกเปลี่ยนที่รอคำตอบจากคุณ", today), today
    assert "การแลกเปลี่ยนรออนุมัติ" not in today
    waiting = re.search(r"<h2>รอคำตอบจากคุณ</h2>\s*<ul class=\"plain card\">(.*?)</ul>", today, re.S)
    assert waiting is not None
    assert f'href="/console/proposals/{proposal_id}"' in waiting.group(1)
    others = re.search(r"<h2>ชุมชนที่ยังไม่ตอบ</h2>\s*<ul class=\"plain card\">(.*?)</ul>", today, re.S)
    assert others is not None
    assert world.a["name_th"] not in others.group(1)  # not itself
    assert world.a2["name_th"] in others.group(1)  # the other village it waits for
    # a coordinator's page as it was: both villages yet to answer, nothing of "your answer"
    await sign_in(world.client, world.keys[COORD])
    today = unkept((await world.client.get("/console/")).text)
    assert "รอคำตอบจากคุณ" not in today
    others = re.search(r"<h2>ชุมชนที่ยังไม่ตอบ</h2>\s*<ul class=\"plain card\">(.*?)</ul>", today, re.S)
    assert others is not None
    assert world.a["name_th"] in others.group(1)
    assert world.a2["name_th"] in others.group(1)


async def test_a_communitys_today_never_says_no_run_has_been_made(world: World) -> None:
    """A community reads no runs: its home page said "ยังไม่เคยจับคู่" (never matched) after runs."""
    await sign_in(world.client, world.keys[COORD])
    assert (await start_run(world.client, "1")).status_code == 303
    run_id = await world.db.fetchval("SELECT max(id) FROM matching_runs")

    async def status() -> str:
        return str(await world.db.fetchval("SELECT status FROM matching_runs WHERE id = $1", run_id))

    await poll(status, lambda s: s == "succeeded")
    assert f'href="/console/matching/runs/{run_id}"' in (await world.client.get("/console/")).text
    await sign_in(world.client, world.keys[OWNER])
    today = await world.client.get("/console/")
    assert today.status_code == 200
    assert "ยังไม่เคยจับคู่" not in today.text
    assert "การจับคู่ครั้งล่าสุด" not in today.text


async def test_a_finished_run_says_what_it_found_in_thai(world: World) -> None:
    await sign_in(world.client, world.keys[COORD])
    started = await start_run(world.client, "1")
    assert started.status_code == 303, started.text
    run_id = await world.db.fetchval("SELECT max(id) FROM matching_runs")

    async def status() -> str:
        return str(await world.db.fetchval("SELECT status FROM matching_runs WHERE id = $1", run_id))

    await poll(status, lambda s: s == "succeeded")
    page = await world.client.get(started.headers["location"])
    assert "พบการแลกเปลี่ยน 0 รายการ" in page.text
    assert not re.search(r"\d+ proposals", page.text)
    # how good the answer is, in a coordinator's words; the solver's terms only in the details
    assert '<dt>คะแนนของคำตอบนี้ <span class="en" lang="en">This answer&#39;s score</span></dt>' in page.text
    assert 'id="run-closeness"' in page.text
    outside = re.sub(r'<details class="technical">.*?</details>', "", page.text, flags=re.S)
    assert outside != page.text
    for term in ("ค่าเป้าหมาย", "ขอบเขตบน", "objective", "upper bound", "gap"):
        assert term not in outside, term
    assert "ค่าเป้าหมาย" in page.text  # kept for whoever opens the details
    # the engine's word for its answer in Thai there too, its own beside
    engine: str = await world.db.fetchval("SELECT engine_status FROM matching_runs WHERE id = $1", run_id)
    words = {"optimal": "ดีที่สุดแล้ว (พิสูจน์แล้ว)", "feasible": "ใช้ได้ แต่ยังไม่ได้พิสูจน์ว่าดีที่สุด"}
    assert f'{words[engine]} <span class="en" lang="en">({engine})</span>' in unkept(page.text)


async def test_a_plan_and_its_sheets_name_the_vehicle_in_thai_and_the_plan_beside_the_shipment(
    world: World,
) -> None:
    # shipment codes start at S001 in every plan: a printed sheet must say which plan it is from,
    # and a driver reads "รถกระบะ #2", not the fleet's code "west-pickup"
    await make_proposal(world, "approved")
    await sign_in(world.client, world.keys[COORD])
    token = await csrf_of(world.client, "/console/logistics/")
    planned = await world.client.post(
        "/console/logistics/plans", data={"_csrf_token": token}, follow_redirects=False
    )
    assert planned.status_code == 303, planned.text
    plan_id = int(planned.headers["location"].rstrip("/").rsplit("/", 1)[1])
    plan = await world.client.get(planned.headers["location"])
    sheets = re.findall(r'href="(/console/logistics/shipments/\d+/sheet)"', plan.text)
    assert sheets, "(else this test shows nothing)"
    raw = re.compile(r"\b(?:north|northeast|central|east|west|south)-(?:pickup|six-wheel|ten-wheel)\b")
    thai = re.compile(r"(?:รถกระบะ|รถบรรทุก 6 ล้อ|รถบรรทุก 10 ล้อ) #\d+")
    assert thai.search(plan.text)
    assert not raw.search(plan.text)
    sheet = await world.client.get(sheets[0])
    assert sheet.status_code == 200
    assert thai.search(sheet.text)
    assert not raw.search(sheet.text)
    assert re.search(rf"<h1>[^<]*แผน #{plan_id} · S\d{{3}}</h1>", sheet.text), sheet.text[:2000]
    listing = await world.client.get("/console/logistics/")
    assert f"แผน #{plan_id} ·&nbsp;S" in listing.text  # the "·" kept with what follows it
    # each shipment says its vehicle and how many stops it makes, not its code alone
    assert re.search(
        r"·&nbsp;(?:รถกระบะ|รถบรรทุก 6 ล้อ|รถบรรทุก 10 ล้อ) #\d+ ·&nbsp;\d+ จุดจอด ·&nbsp;", unkept(listing.text)
    )
    # the maps' keys: what an arrow is on each, and on the whole country's map the regions' colours
    for html, arrow in (
        (listing.text, "เที่ยวขนส่ง จากจุดจอดหนึ่งไปจุดถัดไป"),
        (sheet.text, "เส้นทางของเที่ยวนี้ จากจุดจอดหนึ่งไปจุดถัดไป"),
    ):
        key = re.search(r'<figcaption class="map-legend">(.*?)</figcaption>', unkept(html), re.DOTALL)
        assert key is not None
        assert arrow in key.group(1)
    whole = re.search(r'<figcaption class="map-legend">(.*?)</figcaption>', unkept(listing.text), re.DOTALL)
    assert whole is not None
    assert re.findall(r'class="swatch"[^>]*></span> (\S+)</li>', whole.group(1)) == [
        "ภาคเหนือ",
        "ภาคตะวันออกเฉียงเหนือ",
        "ภาคกลาง",
        "ภาคตะวันออก",
        "ภาคตะวันตก",
        "ภาคใต้",
    ]


@pytest.mark.parametrize(
    ("persona", "status", "sees_it"),
    [
        (COORD, 200, True),
        (OWNER, 200, True),
        (OTHER, 200, False),
        (COORD_ELSEWHERE, 200, False),
        (PARTNER, 302, False),
        (ANON, 302, False),
    ],
)
async def test_the_exchanges_filter_says_the_states_as_their_badges_do(
    world: World, persona: str, status: int, sees_it: bool
) -> None:
    """QA saw the tab "เสนอแล้ว" above badges saying รอทุกฝ่ายตอบรับ: the tabs had words of their
    own. Both now come from barter.domain.proposals.STATUS_WORDS; who sees which exchange is as before."""
    proposal_id = await make_proposal(world)
    if persona not in (ANON, PARTNER):
        await sign_in(world.client, world.keys[persona])
    page = await world.client.get("/console/proposals/?show=all", follow_redirects=False)
    assert page.status_code == status
    if status != 200:
        return
    tabs = re.findall(r'href="/console/proposals/\?show=(\w+)">([^<]+)</a>', page.text)
    assert dict(tabs)["proposed"] == "รอทุกฝ่ายตอบรับ"
    assert dict(tabs)["in_transit"] == "กำลังขนส่ง"
    assert "เสนอแล้ว" not in page.text
    listed = f'href="/console/proposals/{proposal_id}"' in page.text
    assert listed == sees_it
    if sees_it:
        assert '<span class="badge proposed">รอทุกฝ่ายตอบรับ</span>' in page.text
    english = await world.client.get("/console/lang/en?next=/console/proposals/", follow_redirects=True)
    assert ">Proposed</a>" in english.text
    assert ">On the way</a>" in english.text


async def test_an_exchanges_amounts_say_they_are_reference_values_in_baht(world: World) -> None:
    """QA read "มูลค่าที่แลกเปลี่ยน: 104,500" with no unit. The amounts are the network's reference
    values in baht (as the explanations say), which change no money hands (as the account says)."""
    proposal_id = await make_proposal(world)
    await sign_in(world.client, world.keys[COORD])
    total = await world.db.fetchval("SELECT total_value FROM proposals WHERE id = $1", proposal_id)
    baht = f"{round(total):,}"
    page = await world.client.get(f"/console/proposals/{proposal_id}")
    assert f'มูลค่าอ้างอิงที่แลกเปลี่ยน: <span class="nobr">{baht}\xa0บาท</span>' in page.text
    assert "มูลค่าเป็นมูลค่าอ้างอิงของเครือข่าย ไม่ใช่เงิน" in unkept(page.text)
    worth = r'<span class="nobr">([\d,]+)\xa0บาท</span>'
    gives = re.findall(rf"ให้ของมูลค่า {worth} · ได้รับของมูลค่า {worth}", unkept(page.text))
    assert len(gives) == 2, page.text
    world.client.cookies.set("lang", "en")
    page = await world.client.get(f"/console/proposals/{proposal_id}")
    assert f'Reference value exchanged: <span class="nobr">{baht}\xa0baht</span>' in page.text
    worth = r'<span class="nobr">[\d,]+\xa0baht</span>'
    assert len(re.findall(rf"gives goods worth {worth} · receives goods worth {worth}", page.text)) == 2


async def test_an_accounts_values_say_they_are_reference_values_in_baht(world: World) -> None:
    """The review read the account's tiles with no unit ("5,200 มูลค่าที่ให้"): they are the
    network's reference values in baht, said as the exchange page says them, in Thai and in
    English, each figure and its unit on one line."""
    proposal_id = await make_proposal(world, "in_transit")
    done = await world.post(ADMIN, f"/v1/proposals/{proposal_id}/complete", {})
    assert done.json()["status"] == "completed", done.text
    a = world.a["id"]
    totals = (await world.get(ADMIN, f"/v1/communities/{a}/account")).json()["totals"]
    assert totals["gave_value"] > 1000  # (else the thousands' comma below shows nothing)
    await sign_in(world.client, world.keys[COORD])
    for lang, unit, labels, not_money in (
        ("th", "บาท", ("มูลค่าที่ให้", "มูลค่าที่ได้รับ", "ส่วนต่าง"), "ไม่ใช่เงิน"),
        ("en", "baht", ("value given", "value received", "balance"), "not money"),
    ):
        world.client.cookies.set("lang", lang)
        page = await world.client.get(f"/console/communities/{a}/account")
        assert page.status_code == 200
        for tile, label in zip(("gave_value", "received_value", "balance"), labels, strict=True):
            tiled = rf'<b class="nobr">([^<]+)<small>&nbsp;{unit}</small></b>{label}</div>'
            shown = re.search(tiled, unkept(page.text))
            assert shown, (lang, tile, page.text[:3000])
            assert shown.group(1) == f"{round(totals[tile]):,}", (lang, tile)
        assert not_money in page.text


LABEL = re.compile(r'<text class="pt-label"[^>]*><title>([^<]*)</title>([^<]*)</text>')


async def test_two_communities_whose_map_labels_look_alike_are_told_apart(world: World) -> None:
    """The review: English map labels could look alike. Two fishing groups of a sub-district
    named Bang Sak, one in Phang Nga and one in Songkhla, read "Bang Sak" each: on the map of the
    communities each says its province, in English and in Thai."""
    for name_th, name_en, province, lat, lon in (
        ("กลุ่มประมงพื้นบ้านตำบลบางสัก", "Small-scale fishers of Bang Sak", "82", 8.95, 98.27),
        ("กลุ่มประมงชายฝั่งตำบลบางสัก", "Coastal fishers of Bang Sak", "90", 7.2, 100.6),
    ):
        body = {"name_th": name_th, "name_en": name_en, "kind": "fishing", "province_code": province}
        made = await world.post(ADMIN, "/v1/communities", {**body, "lat": lat, "lon": lon})
        assert made.status_code == 201, made.text
    await sign_in(world.client, world.keys[COORD])
    for lang, expected in (
        ("en", {"Bang Sak · Phang-nga", "Bang Sak · Songkhla"}),
        ("th", {"ประมง… ต.บางสัก · พังงา", "ประมง… ต.บางสัก · สงขลา"}),
    ):
        world.client.cookies.set("lang", lang)
        page = await world.client.get("/console/communities/")
        labels = [label for _, label in LABEL.findall(page.text)]
        assert len(labels) == len(set(labels)), labels  # no two alike
        assert expected <= set(labels), labels


POINT = re.compile(r'<circle class="pt" data-community="(\d+)" cx="([-\d.]+)" cy="([-\d.]+)" r="([\d.]+)">')


async def test_communities_without_a_point_are_set_apart_around_their_provinces_centre(world: World) -> None:
    """The review: on the map of the communities, those registered without a point of their own
    were all drawn on one dot at their province's centre, their labels beside it. They are set
    apart around it (maps.apart, as on an exchange's map): no two markers overlap, and each is
    named, on the map or in its caption."""
    names = ("กลุ่มแม่บ้านเกษตรกรบ้านหนองบัว", "กลุ่มทอผ้าไหมพื้นเมืองบ้านดอนแก้ว", "สหกรณ์ผู้ปลูกผักปลอดสารพิษ")
    made = []
    for name in names:
        body = {"name_th": name, "kind": "farming", "province_code": "91"}
        response = await world.post(ADMIN, "/v1/communities", body)
        assert response.status_code == 201, response.text
        made.append(response.json()["id"])
    await sign_in(world.client, world.keys[COORD])
    page = await world.client.get("/console/communities/")
    drawn = {int(cid): (float(x), float(y), float(r)) for cid, x, y, r in POINT.findall(page.text)}
    ours = [drawn[cid] for cid in made]
    centre = maps.project(*province_centre("91"))
    for i, (x, y, r) in enumerate(ours):
        assert math.dist((x, y), centre) < 10 * r, (x, y, centre)  # around Satun's centre
        for x2, y2, _ in ours[i + 1 :]:
            assert math.dist((x, y), (x2, y2)) >= 2 * r, ours  # markers side by side, not one dot
    named = {title for title, _ in LABEL.findall(page.text)}
    caption = re.search(r'<ul class="plain unlabelled">(.*?)</ul>', page.text, re.S)
    listed = caption.group(1) if caption else ""
    assert all(name in named or name in listed for name in names), (named, listed)


EGGS_TH = '<span class="nobr">300\xa0ฟอง</span>'
EGGS_EN = '<span class="nobr">300\xa0pieces</span>'


async def test_eggs_are_counted_in_fong_in_thai_and_in_pieces_in_english(world: World) -> None:
    """No villager says "ไข่ไก่ 300 ชิ้น": a listing, an exchange (its transfers and its explanation)
    and an account count eggs in ฟอง, each amount on one line; English counts them in pieces."""
    a = world.a["id"]
    await world.offer(OWNER, item_id="eggs-chicken", quantity=300, min_lot=0)
    proposal_id = await make_proposal(world, "in_transit", gives=EGGS)
    done = await world.post(ADMIN, f"/v1/proposals/{proposal_id}/complete", {})
    assert done.json()["status"] == "completed", done.text
    await sign_in(world.client, world.keys[COORD])
    community = await world.client.get(f"/console/communities/{a}")
    assert f"<b>ไข่ไก่</b> {EGGS_TH}" in unkept(community.text), community.text
    assert ">ไข่ไก่ (ฟอง)</option>" in community.text
    assert ">ผ้าไหมทอมือ (ผืน)</option>" in community.text
    assert ">ปลาแห้ง (กก.)</option>" in community.text  # weighed goods as before
    exchange = await world.client.get(f"/console/proposals/{proposal_id}")
    assert f"ไข่ไก่ {EGGS_TH}</td>" in unkept(exchange.text)  # the transfers
    # the explanation (as LINE says it), its figure and counting word set on one line
    assert 'คุณให้ไข่ไก่ <span class="nobr">300 ฟอง</span>' in unkept(exchange.text)
    account = await world.client.get(f"/console/communities/{a}/account")
    assert f'<td class="num">{EGGS_TH}</td>' in account.text
    for page in (community, exchange, account):
        assert "ชิ้น" not in page.text, page.url
    world.client.cookies.set("lang", "en")
    community = await world.client.get(f"/console/communities/{a}")
    assert f"<b>Chicken eggs</b> {EGGS_EN}" in community.text
    assert ">Chicken eggs (pieces)</option>" in community.text
    exchange = await world.client.get(f"/console/proposals/{proposal_id}")
    assert f"Chicken eggs {EGGS_EN}</td>" in exchange.text
    account = await world.client.get(f"/console/communities/{a}/account")
    assert f'<td class="num">{EGGS_EN}</td>' in account.text
    for page in (community, account):  # (an exchange's page gives its Thai explanation beside)
        assert "ฟอง" not in page.text, page.url


async def test_todays_supply_and_demand_counts_a_category_in_the_word_its_goods_share(world: World) -> None:
    """The today page sums the open offers and needs of each category: eggs, all counted in ฟอง,
    in ฟอง (an offer of eggs and a need for any eggs); fruit's coconuts in ลูก beside its mangoes'
    kg; crafts, cloth in ผืน and baskets in ใบ, in ชิ้น. English counts them all in pieces."""
    await world.offer(OWNER, item_id="eggs-chicken", quantity=300, min_lot=0)
    await world.need(OWNER, item_id=None, category_id="eggs", unit="piece", quantity=60, min_lot=0)
    await world.offer(OWNER, item_id="coconut", quantity=100, min_lot=0)
    await world.offer(OWNER, item_id="mango", quantity=40, min_lot=0)
    await world.offer(OWNER, item_id="silk-cloth", quantity=20, min_lot=0)
    await world.offer(OWNER, item_id="bamboo-basket", quantity=5, min_lot=0)
    await sign_in(world.client, world.keys[COORD])

    def row(page: str, category: str) -> tuple[str, str]:
        found = re.search(
            rf'<tr><td>{category}</td>\s*<td class="num">(.*?)</td>\s*<td class="num">(.*?)</td></tr>',
            page,
            re.S,
        )
        assert found, (category, page)
        return found.group(1), found.group(2)

    today = await world.client.get("/console/")
    assert today.status_code == 200, today.text
    assert row(today.text, "ไข่") == (
        '<span class="nobr">300\xa0ฟอง</span><br>',
        '<span class="nobr">60\xa0ฟอง</span><br>',
    )
    offered, _ = row(today.text, "ผลไม้")
    assert '<span class="nobr">100\xa0ลูก</span>' in offered
    assert '<span class="nobr">40\xa0กก.</span>' in offered
    assert row(today.text, "หัตถกรรมและผ้าทอ")[0] == '<span class="nobr">25\xa0ชิ้น</span><br>'
    world.client.cookies.set("lang", "en")
    today = await world.client.get("/console/")
    assert row(today.text, "Eggs")[0] == '<span class="nobr">300\xa0pieces</span><br>'
    assert row(today.text, "Crafts and woven cloth")[0] == '<span class="nobr">25\xa0pieces</span><br>'


async def test_a_thai_name_in_an_english_page_is_marked_thai(world: World) -> None:
    """A community with no English name is named in Thai on the English pages, marked lang="th"
    so that a screen reader reads it in a Thai voice (escaped within); the page's title, which
    holds no markup, names it alone; the Thai pages name it unmarked."""
    a = world.a["id"]
    name = 'กลุ่ม "ปากบารา" & เพื่อน'
    await world.db.execute("UPDATE communities SET name_th = $1, name_en = NULL WHERE id = $2", name, a)
    offer = await world.offer(COORD)
    escaped = "กลุ่ม &#34;ปากบารา&#34; &amp; เพื่อน"
    marked = f'<span lang="th">{escaped}</span>'
    await sign_in(world.client, world.keys[COORD])
    world.client.cookies.set("lang", "en")
    listed = await world.client.get("/console/communities/")
    assert f'<a href="/console/communities/{a}">{marked}</a>' in listed.text, listed.text
    community = await world.client.get(f"/console/communities/{a}")
    assert f"<h1>{marked}</h1>" in community.text
    assert f"<title>{escaped} · barter</title>" in community.text
    account = await world.client.get(f"/console/communities/{a}/account")
    assert f"<h1>Account: {marked}</h1>" in account.text
    withdraw = await world.client.get(f"/console/communities/{a}/offers/{offer['id']}/withdraw")
    assert f"of {marked}?</b>" in withdraw.text, withdraw.text
    for page in (listed, community, account, withdraw):
        assert "&lt;span" not in page.text, page.url  # marked, not escaped twice
    world.client.cookies.set("lang", "th")
    community = await world.client.get(f"/console/communities/{a}")
    assert f"<h1>{escaped}</h1>" in community.text
    withdraw = await world.client.get(f"/console/communities/{a}/offers/{offer['id']}/withdraw")
    assert f"ของ {escaped} ใช่ไหม?</b>" in unkept(withdraw.text), withdraw.text
    # the English beside the Thai question marks the Thai name within it
    assert f"of {marked}?</span>" in withdraw.text, withdraw.text
    for page in (community, withdraw):
        assert f'lang="th">{escaped}' not in page.text.replace(f"of {marked}", ""), page.url


async def test_a_change_form_leaves_no_smallest_lot_blank_rather_than_saying_0(world: World) -> None:
    # "แลกครั้งละอย่างน้อย 0" read as a rule; an offer without one shows the field empty, and an
    # empty field changes nothing
    none = await world.offer(COORD, min_lot=0)
    some = await world.offer(COORD, item_id="salted-fish", min_lot=10)
    await sign_in(world.client, world.keys[COORD])
    page = (await world.client.get(f"/console/communities/{world.a['id']}")).text
    values = {
        listing: re.search(rf'<input id="offer-{listing}-min-lot" name="min_lot" value="([^"]*)"', page)
        for listing in (none["id"], some["id"])
    }
    assert [m.group(1) if m else None for m in values.values()] == ["", "10"]
    token = await csrf_of(world.client, f"/console/communities/{world.a['id']}")
    kept = await world.client.post(
        f"/console/communities/{world.a['id']}/offers/{none['id']}/edit",
        data={"version": str(none["version"]), "quantity": "150", "min_lot": "", "_csrf_token": token},
        follow_redirects=False,
    )
    assert kept.status_code == 303, kept.text
    offer = (await world.get(COORD, f"/v1/offers/{none['id']}")).json()
    assert (offer["quantity"], offer["min_lot"]) == (150, 0)


async def test_sub_districts_of_one_name_in_a_province_are_told_apart_by_their_district(world: World) -> None:
    """Nakhon Si Thammarat has two ปากแพรก (of ทุ่งสง and of ปากพนัง): a list of names alone let a
    coordinator pick the wrong one, 200 km away. Each is listed with its district."""
    await sign_in(world.client, world.keys[COORD])
    listed = await world.client.get("/console/communities/subdistricts", params={"province_code": "80"})
    assert listed.status_code == 200
    options = dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', listed.text))
    assert (options["800901"], options["801217"]) == ("ปากแพรก (อ.ทุ่งสง)", "ปากแพรก (อ.ปากพนัง)")
    assert len(set(options.values())) == len(options)  # no two alike
    bangkok = await world.client.get("/console/communities/subdistricts", params={"province_code": "10"})
    assert ">พระบรมมหาราชวัง (เขตพระนคร)</option>" in bangkok.text  # Bangkok's districts are เขต
    world.client.cookies.set("lang", "en")
    listed = await world.client.get("/console/communities/subdistricts", params={"province_code": "80"})
    assert ">Pak Phraek (Thung Song)</option>" in listed.text


async def test_a_runs_page_says_how_many_of_its_exchanges_are_the_readers_regions(world: World) -> None:
    """A run across six regions said "พบการแลกเปลี่ยน 184 รายการ" and, further down, listed 95 with
    nothing to say why: a coordinator lists those of its own regions, and is told so."""
    proposal_id = await make_proposal(world)
    run_id = await world.db.fetchval("SELECT run_id FROM proposals WHERE id = $1", proposal_id)
    await world.db.execute(  # as if two more were found in other regions
        "UPDATE matching_runs SET counts = jsonb_build_object('proposals', 3), status = 'succeeded'"
        " WHERE id = $1",
        run_id,
    )
    await sign_in(world.client, world.keys[COORD])
    page = unkept((await world.client.get(f"/console/matching/runs/{run_id}")).text)
    assert "พบการแลกเปลี่ยน 3 รายการ" in page
    assert "1 จาก 3 รายการที่พบ มีชุมชนที่คุณดูแลร่วมอยู่ด้วย" in page
    assert f'href="/console/proposals/{proposal_id}"' in page
    # all of them listed: no word of a share
    await world.db.execute(
        "UPDATE matching_runs SET counts = jsonb_build_object('proposals', 1) WHERE id = $1", run_id
    )
    page = unkept((await world.client.get(f"/console/matching/runs/{run_id}")).text)
    assert 'id="run-share"' not in page
    assert "การแลกเปลี่ยนที่พบ (1)" in page


async def test_the_list_of_exchanges_says_who_gives_what_to_whom_and_when(world: World) -> None:
    """QA on a phone: each card named the communities and the goods apart, receiver sometimes
    first, with no date: which way do the goods go? Each move now has its line."""
    proposal_id = await make_proposal(world)
    await sign_in(world.client, world.keys[COORD])
    page = unkept((await world.client.get("/console/proposals/?show=all")).text)
    card = page.split(f'href="/console/proposals/{proposal_id}"')[1].split("</li>\n</ul>")[0]
    card = re.sub(r"</?span[^>]*>", "", card).replace("\xa0", " ")
    moves = re.findall(r"<li><b>([^<]+)</b><br>(.*?) → (.*?)</li>", card)
    a, a2 = world.a["name_th"], world.a2["name_th"]
    assert moves == [("ปลาแห้ง 20 กก.", a, a2), ("ข้าวหอมมะลิ 148 กก.", a2, a)]
    row = await world.db.fetchrow(
        "SELECT created_at, hold_expires_at FROM proposals WHERE id = $1", proposal_id
    )
    assert row is not None
    bangkok = ZoneInfo("Asia/Bangkok")
    assert f"เสนอเมื่อ {thai(row['created_at'].astimezone(bangkok).date())}" in card
    assert f"จองถึง {thai(row['hold_expires_at'].astimezone(bangkok).date())} " in card  # to be answered


async def test_on_an_exchanges_page_what_moves_and_the_approval_come_before_the_long_explanations(
    world: World,
) -> None:
    """On a phone the page is one column: the approve button sat under every community's
    explanation and the map, some 3,600 px down. What moves and what the reader may do now come
    first; each explanation says it is what the community is told (it says "คุณ" to the community)."""
    proposal_id = await make_proposal(world)
    await sign_in(world.client, world.keys[COORD])
    page = (await world.client.get(f"/console/proposals/{proposal_id}")).text
    approve = page.index(f'action="/console/proposals/{proposal_id}/approve"')
    moves = page.index("<thead><tr><th>จาก</th>")
    told = [m.start() for m in re.finditer('<div class="card participant"', page)]
    assert len(told) == 2
    assert moves < approve < min(told)
    assert page.index('<figure class="map') > max(told)
    assert unkept(page).count("ข้อความที่ชุมชนได้รับแจ้ง") == 2


async def test_an_empty_community_form_says_every_missing_field_at_once(world: World) -> None:
    """QA on a phone: the browser's own check stopped at the province, and the server then said
    only the province; the missing name was said on the next try. The form leaves the checks to
    the server, which now says them all, in Thai, at once."""
    await sign_in(world.client, world.keys[COORD])
    form = await world.client.get("/console/communities/new")
    assert re.search(
        r'<form method="post" action="/console/communities/" class="card" novalidate>', form.text
    )
    token = await csrf_of(world.client, "/console/communities/new")
    refused = await world.client.post(
        "/console/communities/",
        data={"name_th": "", "name_en": "", "kind": "fishing", "province_code": "", "_csrf_token": token},
    )
    assert refused.status_code == 422, refused.text[:500]
    said = unkept(refused.text)
    assert "ใส่ชื่อภาษาไทยหรือภาษาอังกฤษ" in said
    assert "จังหวัด: กรุณาเลือก" in said  # a list: chosen, not "filled in" (กรอก)


async def test_the_list_of_exchanges_comes_a_page_at_a_time_newest_first(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """95 cards made one page of 36,000 px on a phone: a page holds a few (here 2), and a link
    leads to the older ones; what waits for the reader is listed whole."""
    monkeypatch.setattr(views, "_PAGE", 2)
    made = [await make_proposal(world) for _ in range(3)]
    await sign_in(world.client, world.keys[COORD])

    def listed(html: str) -> list[int]:
        return [int(n) for n in re.findall(r'<a href="/console/proposals/(\d+)"><b>', html)]

    first = await world.client.get("/console/proposals/?show=all")
    assert listed(first.text) == [made[2], made[1]]
    older = re.search(r'id="older" href="([^"]+)"', first.text)
    assert older is not None
    second = await world.client.get(older.group(1).replace("&amp;", "&"))
    assert listed(second.text) == [made[0]]
    assert 'id="older"' not in second.text
    waiting = await world.client.get("/console/proposals/?show=waiting")
    assert sorted(listed(waiting.text)) == sorted(made)  # all three wait for the south's answer
    assert 'id="older"' not in waiting.text


async def test_the_edit_form_names_the_community_it_edits_and_leads_back_to_it(world: World) -> None:
    """QA: "แก้ไขข้อมูลชุมชน" said which form, not whose, and had no way back but the browser's."""
    await sign_in(world.client, world.keys[COORD])
    page = unkept((await world.client.get(f"/console/communities/{world.a['id']}/edit")).text)
    editing = re.search(r'<p id="editing"><a href="([^"]+)">([^<]+)</a> · ([^<]+)</p>', page)
    assert editing is not None, page[:3000]
    assert editing.groups() == (f"/console/communities/{world.a['id']}", world.a["name_th"], "สตูล")


async def test_an_empty_list_of_exchanges_says_what_is_not_there(world: World) -> None:
    """ "ไม่มีรายการ" (nothing listed) was all an empty filter said: a coordinator with nothing to
    approve reads that nothing waits for them, and the filter shown is marked as the page's."""
    await sign_in(world.client, world.keys[COORD])
    waiting = unkept((await world.client.get("/console/proposals/?show=waiting")).text)
    assert re.search(r'<li class="card" id="none">ไม่มีการแลกเปลี่ยนที่รอคุณ</li>', waiting), waiting[-3000:]
    assert re.search(r'aria-current="page" href="/console/proposals/\?show=waiting"', waiting)
    done = unkept((await world.client.get("/console/proposals/?show=completed")).text)
    assert '<li class="card" id="none">ไม่มีการแลกเปลี่ยนในสถานะนี้</li>' in done
    assert 'aria-current="page" href="/console/proposals/?show=waiting"' not in done
    await make_proposal(world)
    waiting = (await world.client.get("/console/proposals/?show=waiting")).text
    assert 'id="none"' not in waiting


def _province_options(html: str) -> list[str]:
    select = re.search(r'<select id="province_code".*?</select>', html, re.S)
    assert select is not None, html[:2000]
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select.group(0))


async def test_the_provinces_to_choose_from_are_in_the_readers_alphabetical_order(world: World) -> None:
    """The 77 provinces were listed by code (กรุงเทพมหานคร, สมุทรปราการ, นนทบุรี, ...): a
    coordinator registering a village of สตูล scanned them all. They stand as on Thai forms, in
    dictionary order, a leading vowel read past (เชียงใหม่ under ช); in English, A to Z."""
    await sign_in(world.client, world.keys[COORD])
    thai = _province_options((await world.client.get("/console/communities/new")).text)
    assert len(thai) == 77
    assert thai[:4] == ["กระบี่", "กรุงเทพมหานคร", "กาญจนบุรี", "กาฬสินธุ์"]
    assert thai[-1] == "อุบลราชธานี"
    assert thai.index("ชัยภูมิ") < thai.index("เชียงใหม่") < thai.index("ตรัง")
    assert thai.index("สงขลา") < thai.index("สตูล")
    world.client.cookies.set("lang", "en")
    english = _province_options((await world.client.get("/console/communities/new")).text)
    assert english == sorted(english, key=str.casefold)
    assert (english[0], english[-1]) == ("Amnat Charoen", "Yasothon")


async def test_a_provinces_sub_districts_stand_under_their_districts_in_alphabetical_order(
    world: World,
) -> None:
    """Nakhon Si Thammarat's 170 sub-districts were one list in code order. They stand under their
    23 districts, districts and sub-districts each in the reader's alphabetical order."""
    await sign_in(world.client, world.keys[COORD])
    html = (await world.client.get("/console/communities/subdistricts", params={"province_code": "80"})).text
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', html, re.S)
    districts = [label for label, _ in groups]
    assert len(districts) == len(set(districts)) == 23
    assert all(label.startswith("อ.") for label in districts)
    assert districts.index("อ.ทุ่งสง") < districts.index("อ.ปากพนัง") < districts.index("อ.เมืองนครศรีธรรมราช")
    under = {label: re.findall(r">([^<(]+) \(", options) for label, options in groups}
    assert "ปากแพรก" in under["อ.ทุ่งสง"]
    assert "ปากแพรก" in under["อ.ปากพนัง"]
    assert sum(len(names) for names in under.values()) == sum(
        s.province_code == "80" for s in load_subdistricts()
    )
    world.client.cookies.set("lang", "en")
    html = (await world.client.get("/console/communities/subdistricts", params={"province_code": "80"})).text
    labels = re.findall(r'<optgroup label="([^"]+)">', html)
    assert labels == sorted(labels, key=str.casefold)
    assert "Thung Song district" in labels


async def test_the_communities_stand_by_province_then_name_in_the_readers_order(world: World) -> None:
    """A region's communities were listed in the order they were registered."""
    for province, name_th, name_en in (
        ("91", "บ้านเกาะสาหร่าย", "Ko Sarai"),  # สตูล
        ("92", "บ้านหาดสำราญ", "Hat Samran"),  # ตรัง
        ("81", "บ้านเกาะลันตา", "Ko Lanta"),  # กระบี่
        ("91", "กลุ่มแม่บ้านละงู", "La-ngu women's group"),  # สตูล
    ):
        await communities_repo.insert(
            world.db,
            name_th=name_th,
            name_en=name_en,
            kind="fishing",
            province_code=province,
            subdistrict_code=None,
            lat=7.5,
            lon=99.5,
            contact=None,
        )
    await sign_in(world.client, world.keys[COORD])

    async def listed() -> list[str]:
        page = (await world.client.get("/console/communities/")).text
        return re.findall(r'<a href="/console/communities/\d+"[^>]*>([^<]+)</a>', page)

    thai = await listed()
    assert [n for n in thai if n.startswith(("บ้าน", "กลุ่ม"))][:1] == ["บ้านเกาะลันตา"]  # กระบี่ first
    satun = [n for n in thai if n in ("บ้านเกาะสาหร่าย", "กลุ่มแม่บ้านละงู", world.a["name_th"])]
    assert satun == ["กลุ่มประมงพื้นบ้านบ้านปากบารา", "กลุ่มแม่บ้านละงู", "บ้านเกาะสาหร่าย"]
    assert thai.index("บ้านหาดสำราญ") < thai.index("กลุ่มประมงพื้นบ้านบ้านปากบารา")  # ตรัง before สตูล
    world.client.cookies.set("lang", "en")
    english = await listed()
    assert (
        english.index("Ko Lanta") < english.index("Ko Sarai") < english.index("Hat Samran")
    )  # Krabi, Satun, Trang

"""Refused input in the console: plain Thai naming the field (English beside), on the form, with
what was typed kept; the JSON API's problem+json is unchanged."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from barter.api.app import create_app
from barter.console import i18n
from barter.console.errors import said
from barter.domain.clock import ManualClock
from barter.domain.errors import FieldError
from barter.schemas.base import checked
from barter.schemas.listings import OfferCreate
from barter.settings import Settings
from tests.console.conftest import CSRF_INPUT, csrf_of, sign_in, start_run, unkept
from tests.dates import ahead, be_slash
from tests.world import ADMIN, COORD, OWNER, PARTNER, Client, World

PASSED = "วันที่นี้ผ่านไปแล้ว (ถ้าพิมพ์ปี ค.ศ. ให้ใช้ปี พ.ศ. เช่น 15/1/2570)"
ENGLISH_OF_DEVELOPERS = re.compile(r"Expected `|missing required field|looks like a Buddhist|must not exceed")


def test_a_field_error_is_said_from_its_code_not_its_english() -> None:
    i18n.use("th")
    [one] = said([FieldError("quantity", "anything at all", code="gt", params={"limit": 0})])
    assert one.text == "จำนวน: ต้องมากกว่า 0"
    assert one.english == "How much: must be more than 0"
    i18n.use("en")
    [one] = said([FieldError("quantity", "anything at all", code="gt", params={"limit": 0})])
    assert (one.text, one.english) == ("How much: must be more than 0", None)
    i18n.use("th")


def test_the_input_structs_bounds_give_the_codes() -> None:
    found = checked({"community_id": 1, "item_id": "dried-fish", "quantity": 1e12}, OfferCreate)
    assert [(e.path, e.code, dict(e.params)) for e in found] == [("quantity", "le", {"limit": 1e9})]
    missing = checked({"community_id": 1, "item_id": "dried-fish"}, OfferCreate)
    assert [(e.path, e.code) for e in missing] == [("quantity", "required")]


@pytest.mark.parametrize(
    ("persona", "typed", "thai"),
    [
        (OWNER, {"quantity": "-5"}, "จำนวน: ต้องมากกว่า 0"),
        (COORD, {"quantity": "0"}, "จำนวน: ต้องมากกว่า 0"),
        (COORD, {"quantity": "1e12"}, "จำนวน: ต้องไม่เกิน 1,000,000,000"),
        (COORD, {"quantity": ""}, "จำนวน: กรุณากรอกช่องนี้"),
        (COORD, {"quantity": "abc"}, "จำนวน: ต้องเป็นตัวเลข"),
        (OWNER, {"quantity": "10", "available_until": "1/1/3000"}, "มีให้ถึงวันที่: ปีไกลเกินไป"),
        (OWNER, {"quantity": "10", "available_until": "1/1/2560"}, f"มีให้ถึงวันที่: {PASSED}"),
        (COORD, {"quantity": "10", "available_until": "15/1/2026"}, f"มีให้ถึงวันที่: {PASSED}"),
        (COORD, {"quantity": "10", "min_lot": "50"}, "แลกครั้งละอย่างน้อย: ต้องไม่มากกว่าจำนวนทั้งหมด"),
    ],
)
async def test_a_refused_offer_is_explained_in_thai_on_the_form_and_keeps_what_was_typed(
    world: World, persona: str, typed: dict[str, str], thai: str
) -> None:
    await sign_in(world.client, world.keys[persona])
    a = world.a["id"]
    token = await csrf_of(world.client, f"/console/communities/{a}")
    response = await world.client.post(
        f"/console/communities/{a}/offers",
        data={"item_id": "salted-squid", "_csrf_token": token, **typed},
        follow_redirects=False,
    )
    assert response.status_code == 422, response.text
    errors = re.search(r'<ul class="error" role="alert" id="offer-errors">(.*?)</ul>', response.text, re.S)
    assert errors, response.text
    assert thai in errors.group(1)
    assert 'class="en" lang="en"' in errors.group(1)  # the English beside
    assert not ENGLISH_OF_DEVELOPERS.search(response.text)
    # What was typed comes back: the goods chosen, the amount and the date.
    assert re.search(r'<option value="salted-squid" selected>', response.text)
    assert f'name="quantity" inputmode="decimal" required value="{typed["quantity"]}"' in response.text
    if "available_until" in typed:
        assert f'value="{typed["available_until"]}"' in response.text
    assert await world.db.fetchval("SELECT count(*) FROM offers") == 0


async def test_a_refused_need_keeps_its_goods_amount_date_and_urgency(world: World) -> None:
    by = be_slash(ahead(60))  # a day to come: the only problem is the amount
    await sign_in(world.client, world.keys[COORD])
    a = world.a["id"]
    token = await csrf_of(world.client, f"/console/communities/{a}")
    response = await world.client.post(
        f"/console/communities/{a}/needs",
        data={
            "what": "item:rice-jasmine",
            "quantity": "-1",
            "needed_by": by,
            "priority": "5",
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 422, response.text
    assert "จำนวน: ต้องมากกว่า 0" in response.text
    assert '<option value="item:rice-jasmine" selected>' in response.text
    assert '<option value="5" selected>' in response.text
    assert f'value="{by}"' in response.text


@pytest.mark.parametrize("urgency", ["2.5", "x"])
async def test_an_urgency_the_form_never_offers_is_refused_on_the_form_not_a_500(
    world: World, urgency: str
) -> None:
    # the form's select offers 1 to 5; a crafted value is refused like any other field
    await sign_in(world.client, world.keys[COORD])
    a = world.a["id"]
    token = await csrf_of(world.client, f"/console/communities/{a}")
    response = await world.client.post(
        f"/console/communities/{a}/needs",
        data={"what": "item:rice-jasmine", "quantity": "10", "priority": urgency, "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 422, response.text
    errors = re.search(r'<ul class="error" role="alert" id="need-errors">(.*?)</ul>', response.text, re.S)
    assert errors, response.text
    assert "ความเร่งด่วน: ต้องเป็น" in errors.group(1)
    assert not ENGLISH_OF_DEVELOPERS.search(response.text)
    assert await world.db.fetchval("SELECT count(*) FROM needs") == 0


async def test_a_need_by_a_day_already_past_is_refused_in_thai(world: World) -> None:
    await sign_in(world.client, world.keys[OWNER])
    a = world.a["id"]
    token = await csrf_of(world.client, f"/console/communities/{a}")
    response = await world.client.post(
        f"/console/communities/{a}/needs",
        data={"what": "item:rice-jasmine", "quantity": "10", "needed_by": "1/1/2560", "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 422, response.text
    errors = re.search(r'<ul class="error" role="alert" id="need-errors">(.*?)</ul>', response.text, re.S)
    assert errors, response.text
    assert f"ต้องการภายในวันที่: {PASSED}" in errors.group(1)
    assert "this day has already passed" in errors.group(1)  # the English beside
    assert await world.db.fetchval("SELECT count(*) FROM needs") == 0
    assert not ENGLISH_OF_DEVELOPERS.search(response.text)


async def test_the_api_keeps_its_problem_json(world: World) -> None:
    response = await world.post(
        COORD,
        "/v1/offers",
        {"community_id": world.a["id"], "item_id": "salted-squid", "quantity": 5, "min_lot": 9},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == [
        {"path": "min_lot", "message": "must not exceed quantity", "code": "above_quantity"}
    ]


async def test_a_bad_time_limit_and_a_run_across_no_other_region_are_said_on_the_matching_page(
    world: World,
) -> None:
    await sign_in(world.client, world.keys[COORD])
    started = await start_run(world.client, "-5")
    assert started.status_code == 422, started.text
    assert "ขออภัย" not in started.text  # the matching page, not an error page
    assert "เวลาคำนวณสูงสุด (วินาที): ต้องไม่น้อยกว่า 0.1" in started.text
    assert not ENGLISH_OF_DEVELOPERS.search(started.text)
    assert await world.db.fetchval("SELECT count(*) FROM matching_runs") == 0
    token = await csrf_of(world.client, "/console/matching/")
    asked = await world.client.post(
        "/console/matching/requests",
        data={"regions": "south", "time_limit_s": "10", "_csrf_token": token},
        follow_redirects=False,
    )
    assert asked.status_code == 422, asked.text
    assert "ภาค: เลือกภาคอื่นอย่างน้อยหนึ่งภาค" in asked.text
    assert "start the run directly" not in asked.text


def _change_form(page: str, kind: str, listing_id: int) -> str:
    """The `<details>` of one listing's change form, as the page has it."""
    found = re.search(
        rf'<details[^>]*>(?:(?!</details>).)*?action="[^"]*/{kind}s/{listing_id}/edit[^"]*"(?:(?!</details>).)*</details>',
        page,
        re.S,
    )
    assert found, page
    return found.group(0)


@pytest.mark.parametrize(
    ("kind", "typed", "thai"),
    [
        (
            "offer",
            {"quantity": "-5", "min_lot": "2", "available_until": be_slash(ahead(60))},
            "จำนวน: ต้องมากกว่า 0",
        ),
        ("offer", {"quantity": "30", "min_lot": "50", "available_until": ""}, "ต้องไม่มากกว่าจำนวนทั้งหมด"),
        ("need", {"quantity": "-5", "min_lot": "2", "needed_by": be_slash(ahead(40))}, "จำนวน: ต้องมากกว่า 0"),
    ],
)
async def test_a_refused_change_is_said_at_its_listing_left_open_with_what_was_typed(
    world: World, kind: str, typed: dict[str, str], thai: str
) -> None:
    listing = await (world.offer(COORD) if kind == "offer" else world.need(COORD))
    other = await (world.offer(COORD, item_id="salted-squid") if kind == "offer" else world.need(COORD))
    await sign_in(world.client, world.keys[COORD])
    a = world.a["id"]
    token = await csrf_of(world.client, f"/console/communities/{a}")
    response = await world.client.post(
        f"/console/communities/{a}/{kind}s/{listing['id']}/edit",
        data={"version": str(listing["version"]), "_csrf_token": token, **typed},
        follow_redirects=False,
    )
    assert response.status_code == 422, response.text
    changing = _change_form(response.text, kind, listing["id"])
    assert changing.startswith("<details open>")
    errors = re.search(
        rf'<ul class="error" role="alert" id="{kind}-{listing["id"]}-errors">(.*?)</ul>', changing, re.S
    )
    assert errors, changing
    assert thai in errors.group(1)
    assert 'class="en" lang="en"' in errors.group(1)
    for name, value in typed.items():
        assert re.search(rf'name="{name}" value="{re.escape(value)}"', changing), (name, changing)
    # Not at the form for a new one, and the other listing's toggle stays closed as stored.
    assert f'id="{kind}-errors"' not in response.text
    assert _change_form(response.text, kind, other["id"]).startswith("<details>")
    table = "offers" if kind == "offer" else "needs"
    stored = await world.db.fetchval(f"SELECT quantity::float8 FROM {table} WHERE id = $1", listing["id"])
    assert stored == listing["quantity"]


SAVED_FIRST = "มีคนแก้ไขไปแล้วระหว่างที่คุณแก้อยู่ สิ่งที่คุณแก้จึงยังไม่ได้บันทึก"
UNSAVED = "สิ่งที่คุณพิมพ์ไว้ (ยังไม่ได้บันทึก)"


@asynccontextmanager
async def _coordinator_and_community(
    world: World, settings: Settings, clock: ManualClock
) -> AsyncIterator[Client]:
    """Two sessions: the coordinator on `world.client`, the community itself on the client given
    (its own cookies, through a second app over the same database)."""
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as community:
        await sign_in(world.client, world.keys[COORD])
        await sign_in(community, world.keys[OWNER])
        yield community


def _sent_back(page: str, form: str) -> dict[str, str]:
    """What a browser sends back from `form` on `page` besides what is typed: the page's CSRF
    token and the version the form was read at."""
    token = CSRF_INPUT.search(page)
    version = re.search(r'name="version" value="(\d+)"', form)
    assert token, page
    assert version, form
    return {"_csrf_token": token.group(1), "version": version.group(1)}


async def _opened(client: Client, path: str, form_of: Callable[[str], str]) -> dict[str, str]:
    """`_sent_back` of the form `form_of` finds on `path`, opened now."""
    page = (await client.get(path)).text
    return _sent_back(page, form_of(page))


async def _row(world: World, table: str, row_id: int) -> dict[str, Any]:
    """The row as stored, every column."""
    row = await world.db.fetchrow(f"SELECT * FROM {table} WHERE id = $1", row_id)
    assert row is not None
    return dict(row)


def _a_whole_page(page: str) -> None:
    """The console's page with its navigation and sign-out, not the error page."""
    assert '<nav class="main" aria-label="เมนูหลัก">' in page
    assert ">ออกจากระบบ</button>" in page
    assert "<h1>ขออภัย</h1>" not in page


@pytest.mark.parametrize(
    ("kind", "day", "first", "second"),
    [
        ("offer", "available_until", ("300", "20", 60), ("150", "5", 30)),
        ("need", "needed_by", ("1,800", "60", 50), ("900", "30", 20)),
    ],
)
async def test_a_change_someone_else_saved_first_is_said_at_the_listing_with_what_was_typed(
    world: World,
    settings: Settings,
    clock: ManualClock,
    kind: str,
    day: str,
    first: tuple[str, str, int],
    second: tuple[str, str, int],
) -> None:
    """The coordinator and the community open the same listing's change form; the coordinator
    saves first. The community's save (412, stale version) comes back as the community's page,
    navigation and all, with that listing open as it is saved now, the Thai message at it and
    what the community typed listed there; none of it is saved, and saving again from there
    does."""
    listing = await (world.offer(COORD) if kind == "offer" else world.need(COORD))
    a = world.a["id"]
    path = f"/console/communities/{a}"
    url = f"{path}/{kind}s/{listing['id']}/edit"

    def typed(values: tuple[str, str, int]) -> dict[str, str]:
        quantity, lot, days = values
        return {"quantity": quantity, "min_lot": lot, day: be_slash(ahead(days))}

    def change_form(page: str) -> str:
        return _change_form(page, kind, listing["id"])

    async with _coordinator_and_community(world, settings, clock) as community:
        coordinators = await _opened(world.client, path, change_form)
        communitys = await _opened(community, path, change_form)
        saved = await world.client.post(url, data={**coordinators, **typed(first)}, follow_redirects=False)
        assert saved.status_code == 303, saved.text
        before = await _row(world, f"{kind}s", listing["id"])
        late = await community.post(url, data={**communitys, **typed(second)}, follow_redirects=False)
        assert late.status_code == 412, late.text
        # Nothing of the community's change was saved: the row is as the coordinator left it.
        assert await _row(world, f"{kind}s", listing["id"]) == before
        page = late.text
        _a_whole_page(page)
        assert ">ชุมชนของฉัน</a>" in page
        changing = change_form(page)
        assert changing.startswith("<details open>")
        errors = re.search(
            rf'<ul class="error" role="alert" id="{kind}-{listing["id"]}-errors">(.*?)</ul>', changing, re.S
        )
        assert errors, changing
        assert f"รายการนี้{SAVED_FIRST}" in errors.group(1)
        assert "Someone else changed this listing while you were editing" in errors.group(1)
        # The fields hold what the coordinator saved, under the version saved now.
        for name, value in typed(first).items():
            assert re.search(rf'name="{name}" value="{re.escape(value)}"', changing), (name, changing)
        assert f'name="version" value="{before["version"]}"' in changing
        # What the community typed is listed at the listing.
        recap = re.search(
            rf'<div class="notice" id="{kind}-{listing["id"]}-typed">(.*?)</div>', changing, re.S
        )
        assert recap, changing
        assert UNSAVED in recap.group(1)
        until = "มีให้ถึงวันที่" if kind == "offer" else "ต้องการภายในวันที่"
        labels = ("จำนวนทั้งหมด", "แลกครั้งละอย่างน้อย", until)
        for label, value in zip(labels, typed(second).values(), strict=True):
            assert f"<li>{label}: <b>{value}</b></li>" in recap.group(1), (label, recap.group(1))
        # Typed again in the form as it came back, the community's change is saved.
        again = {**_sent_back(page, changing), **typed(second)}
        resaved = await community.post(url, data=again, follow_redirects=False)
        assert resaved.status_code == 303, resaved.text
    quantity = await world.db.fetchval(f"SELECT quantity::float8 FROM {kind}s WHERE id = $1", listing["id"])
    assert quantity == float(second[0])
    updates = "SELECT count(*) FROM audit_log WHERE entity = $1 AND entity_id = $2 AND action = 'update'"
    assert await world.db.fetchval(updates, kind, str(listing["id"])) == 2


@pytest.mark.parametrize(("closed_by", "status"), [("withdrawal", 412), ("delivery", 409)])
async def test_a_change_of_a_listing_closed_meanwhile_is_said_where_it_was_with_what_was_typed(
    world: World, settings: Settings, clock: ManualClock, closed_by: str, status: int
) -> None:
    """The offer the community is changing closes meanwhile: the coordinator withdraws it (its
    version moves on: 412), or the last of it is delivered (the status alone changes, as
    deliver_offer does: 409 not_open). The community's save says so at the top of its offers,
    under the offer's own anchor, and lists what was typed."""
    offer = await world.offer(COORD)
    a = world.a["id"]
    path = f"/console/communities/{a}"

    def change_form(page: str) -> str:
        return _change_form(page, "offer", offer["id"])

    async with _coordinator_and_community(world, settings, clock) as community:
        coordinators = await _opened(world.client, path, change_form)
        communitys = await _opened(community, path, change_form)
        if closed_by == "withdrawal":
            withdrawn = await world.client.post(
                f"{path}/offers/{offer['id']}/withdraw",
                data={"_csrf_token": coordinators["_csrf_token"]},
                follow_redirects=False,
            )
            assert withdrawn.status_code == 303, withdrawn.text
        else:
            await world.db.execute("UPDATE offers SET status = 'closed' WHERE id = $1", offer["id"])
        before = await _row(world, "offers", offer["id"])
        late = await community.post(
            f"{path}/offers/{offer['id']}/edit",
            data={**communitys, "quantity": "150", "min_lot": "5", "available_until": ""},
            follow_redirects=False,
        )
    assert late.status_code == status, late.text
    assert await _row(world, "offers", offer["id"]) == before
    page = late.text
    _a_whole_page(page)
    assert f'action="{path}/offers/{offer["id"]}/edit' not in page  # no longer listed
    said = re.search(rf'<div id="offer-{offer["id"]}">(.*?)</div>\s*</div>', page, re.S)
    assert said, page
    assert "รายการนี้ปิดไปแล้วระหว่างที่คุณแก้อยู่ เพราะมีคนถอนรายการ" in said.group(1)
    assert "This listing closed while you were editing" in said.group(1)
    assert f'id="offer-{offer["id"]}-errors"' in said.group(1)
    assert "<li>จำนวนทั้งหมด: <b>150</b></li>" in said.group(1)
    assert "<li>แลกครั้งละอย่างน้อย: <b>5</b></li>" in said.group(1)


async def test_an_edit_of_a_community_someone_else_saved_first_keeps_what_was_typed(
    world: World, settings: Settings, clock: ManualClock
) -> None:
    """The community edit form carries a version too: a save someone else's overtook comes back
    as the form (navigation kept) with what is saved now, the Thai message and what was typed."""
    a = world.a["id"]
    url = f"/console/communities/{a}/edit"
    fields = {
        "name_th": world.a["name_th"],
        "name_en": world.a["name_en"],
        "kind": "fishing",
        "province_code": "91",
        "subdistrict_code": "",
        "contact": world.a["contact"],
        "lat": "6.86",
        "lon": "99.72",
    }
    first = {**fields, "name_en": "Pak Bara small-scale fishers", "contact": "089-111-2222"}
    second = {**fields, "name_th": "กลุ่มประมงบ้านปากบารา", "kind": "mixed", "contact": "081-999-0000"}

    def form_of(page: str) -> str:
        found = re.search(r'<form method="post" action="/console/communities/\d+/edit".*?</form>', page, re.S)
        assert found, page
        return found.group(0)

    async with _coordinator_and_community(world, settings, clock) as community:
        coordinators = await _opened(world.client, url, form_of)
        communitys = await _opened(community, url, form_of)
        saved = await world.client.post(url, data={**coordinators, **first}, follow_redirects=False)
        assert saved.status_code == 303, saved.text
        before = await _row(world, "communities", a)
        late = await community.post(url, data={**communitys, **second}, follow_redirects=False)
    assert late.status_code == 412, late.text
    assert await _row(world, "communities", a) == before
    page = late.text
    _a_whole_page(page)
    errors = re.search(r'<ul class="error" role="alert" id="community-errors">(.*?)</ul>', page, re.S)
    assert errors, page
    assert f"ข้อมูลชุมชนนี้{SAVED_FIRST}" in errors.group(1)
    assert "Someone else changed this community&#39;s details while you were editing" in errors.group(1)
    form = form_of(page)
    # The coordinator's, as saved (a community's own key is not shown contacts).
    assert 'id="name_en" name="name_en" value="Pak Bara small-scale fishers"' in form, form
    assert f'name="version" value="{before["version"]}"' in form
    assert f'id="name_th" name="name_th" value="{world.a["name_th"]}"' in form
    recap = re.search(r'<div class="notice" id="community-typed">(.*?)</div>', page, re.S)
    assert recap, page
    assert UNSAVED in recap.group(1)
    for typed in (
        "<li>ชื่อภาษาไทย: <b>กลุ่มประมงบ้านปากบารา</b></li>",
        "<li>ประเภท: <b>ผสม</b></li>",
        "<li>ติดต่อ (โทรศัพท์, LINE): <b>081-999-0000</b></li>",
        "<li>จังหวัด: <b>สตูล</b></li>",
    ):
        assert typed in recap.group(1), (typed, recap.group(1))


async def test_a_refused_run_keeps_the_regions_ticked_and_the_time_limit_typed(world: World) -> None:
    await sign_in(world.client, world.keys[ADMIN])
    token = await csrf_of(world.client, "/console/matching/")
    response = await world.client.post(
        "/console/matching/runs",
        data={"regions": ["south", "north"], "time_limit_s": "-5", "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 422, response.text
    start = re.search(r'<form[^>]*id="start-form">(.*?)</form>', response.text, re.S)
    assert start, response.text
    ticked = set(re.findall(r'name="regions" value="(\w+)" checked', start.group(1)))
    assert ticked == {"south", "north"}
    assert 'id="time_limit_s" name="time_limit_s" value="-5"' in start.group(1)
    # A fresh page ticks every region and offers ten seconds.
    fresh = await world.client.get("/console/matching/")
    start = re.search(r'<form[^>]*id="start-form">(.*?)</form>', fresh.text, re.S)
    assert start
    assert len(re.findall(r'name="regions" value="\w+" checked', start.group(1))) == 6
    assert 'id="time_limit_s" name="time_limit_s" value="10"' in start.group(1)


async def test_a_refused_request_across_regions_keeps_the_regions_ticked_and_the_time_typed(
    world: World,
) -> None:
    await sign_in(world.client, world.keys[COORD])
    token = await csrf_of(world.client, "/console/matching/")
    response = await world.client.post(
        "/console/matching/requests",
        data={
            "regions": "south",
            "other_regions": ["north", "east"],
            "time_limit_s": "-5",
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 422, response.text
    ask = re.search(r'<form[^>]*id="ask-form">(.*?)</form>', response.text, re.S)
    assert ask, response.text
    assert set(re.findall(r'name="other_regions" value="(\w+)" checked', ask.group(1))) == {"north", "east"}
    assert 'id="ask_time_limit_s" name="time_limit_s" value="-5"' in ask.group(1)
    assert await world.db.fetchval("SELECT count(*) FROM run_requests") == 0


def _said_after(page: str, before: str, said_id: str) -> tuple[str, str]:
    """What the pattern `before` matches right before the message `said_id` (the `<p>` of
    `{said_id}-error`), and what that message says."""
    found = re.search(
        rf'(?P<before>{before})<p class="field-error" id="{said_id}-error">(?P<said>.*?)</p>', page, re.S
    )
    assert found, (said_id, page)
    return found.group("before"), found.group("said")


def _said_at(page: str, input_id: str) -> tuple[str, str]:
    """The input (or select) of `input_id` and the message said right under it: the opening tag,
    and what the `<p>` that follows its end says (no label, no other field between)."""
    before, said = _said_after(
        page,
        rf'<(?:input|select)\b[^>]*\bid="{input_id}"[^>]*>(?:(?!<(?:input|select|label|p)\b).)*?',
        input_id,
    )
    return before[: before.index(">") + 1], said


def _marked(tag: str, input_id: str) -> bool:
    """The tag says its input is refused and which message describes it."""
    invalid = 'aria-invalid="true"' in tag
    assert invalid == (f'aria-describedby="{input_id}-error"' in tag), tag
    return invalid


def _tag(page: str, input_id: str) -> str:
    found = re.search(rf'<(?:input|select)\b[^>]*\bid="{input_id}"[^>]*>', page)
    assert found, (input_id, page)
    return found.group(0)


async def test_a_refused_offer_says_each_refusal_at_its_field_too(world: World) -> None:
    """The list atop the form stays; each refused input is marked for a screen reader
    (aria-invalid, described by its message) and its message is said right under it, short (its
    label names the field), the English beside; the fields not refused are left unmarked."""
    await sign_in(world.client, world.keys[OWNER])
    a = world.a["id"]
    token = await csrf_of(world.client, f"/console/communities/{a}")
    typed = {"item_id": "salted-squid", "quantity": "-5", "available_until": "1/1/3000", "_csrf_token": token}
    response = await world.client.post(f"/console/communities/{a}/offers", data=typed, follow_redirects=False)
    assert response.status_code == 422, response.text
    page = response.text
    summary = re.search(r'<ul class="error" role="alert" id="offer-errors">(.*?)</ul>', page, re.S)
    assert summary, page
    assert "จำนวน: ต้องมากกว่า 0" in summary.group(1)
    assert "มีให้ถึงวันที่: ปีไกลเกินไป" in summary.group(1)
    tag, said = _said_at(page, "offer-quantity")
    assert _marked(tag, "offer-quantity")
    assert said == 'ต้องมากกว่า 0 <span class="en" lang="en">must be more than 0</span>'
    assert 'name="quantity" inputmode="decimal" required value="-5"' in tag  # what was typed
    tag, said = _said_at(page, "offer-until")
    assert _marked(tag, "offer-until")
    assert said.startswith('ปีไกลเกินไป: เขียนปี พ.ศ. เช่น 15/1/2570 <span class="en" lang="en">the year')
    assert not _marked(_tag(page, "offer-item"), "offer-item")
    assert 'id="offer-item-error"' not in page
    # The need's form, not refused, is not marked.
    assert not _marked(_tag(page, "need-quantity"), "need-quantity")
    assert page.count('aria-invalid="true"') == 2
    # In English: the English alone, under the field.
    world.client.cookies.set("lang", "en")
    english = await world.client.post(f"/console/communities/{a}/offers", data=typed, follow_redirects=False)
    _, said = _said_at(english.text, "offer-quantity")
    assert said == "must be more than 0"


async def test_a_refused_need_marks_its_urgency_and_its_goods(world: World) -> None:
    """A need names its goods in one select (`what`), which the refusals call `item_id` or
    `category_id`: a refusal of either is said at that select."""
    await sign_in(world.client, world.keys[COORD])
    a = world.a["id"]
    token = await csrf_of(world.client, f"/console/communities/{a}")

    async def refused(typed: dict[str, str]) -> str:
        response = await world.client.post(
            f"/console/communities/{a}/needs",
            data={"what": "item:rice-jasmine", "quantity": "10", **typed, "_csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 422, response.text
        return response.text

    page = await refused({"priority": "x"})
    tag, said = _said_at(page, "need-priority")
    assert _marked(tag, "need-priority")
    assert said.startswith("ต้องเป็น")
    assert not _marked(_tag(page, "need-what"), "need-what")
    page = await refused({"what": ""})  # neither goods nor a category: refused as `item_id`
    tag, said = _said_at(page, "need-what")
    assert _marked(tag, "need-what")
    assert '<span class="en" lang="en">' in said
    for other in ("need-quantity", "need-priority", "need-by"):
        assert not _marked(_tag(page, other), other)


async def test_a_refused_change_of_a_listing_is_said_at_its_field(world: World) -> None:
    offer = await world.offer(COORD)
    await sign_in(world.client, world.keys[COORD])
    a = world.a["id"]
    token = await csrf_of(world.client, f"/console/communities/{a}")
    response = await world.client.post(
        f"/console/communities/{a}/offers/{offer['id']}/edit",
        data={"version": str(offer["version"]), "quantity": "-5", "min_lot": "2", "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 422, response.text
    changing = _change_form(response.text, "offer", offer["id"])
    field = f"offer-{offer['id']}-quantity"
    tag, said = _said_at(changing, field)
    assert _marked(tag, field)
    assert said == 'ต้องมากกว่า 0 <span class="en" lang="en">must be more than 0</span>'
    for other in (f"offer-{offer['id']}-min-lot", f"offer-{offer['id']}-until", f"offer-{offer['id']}-item"):
        assert not _marked(_tag(changing, other), other)


async def test_a_refused_community_is_said_at_its_fields(world: World) -> None:
    await sign_in(world.client, world.keys[COORD])
    token = await csrf_of(world.client, "/console/communities/new")
    response = await world.client.post(
        "/console/communities/",
        data={
            "name_th": "บ้านเกาะสาหร่าย",
            "kind": "fishing",
            "province_code": "91",
            "lat": "หกจุดหก",
            "lon": "500",
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 422, response.text
    page = response.text
    summary = re.search(r'<ul class="error" role="alert" id="community-errors">(.*?)</ul>', page, re.S)
    assert summary, page
    assert "ละติจูด: ต้องเป็นตัวเลข" in summary.group(1)
    tag, said = _said_at(page, "lat")
    assert _marked(tag, "lat")
    assert said == 'ต้องเป็นตัวเลข <span class="en" lang="en">must be a number</span>'
    assert 'value="หกจุดหก"' in tag
    tag, said = _said_at(page, "lon")
    assert _marked(tag, "lon")
    assert said.startswith("ต้องไม่เกิน 180")
    for other in ("name_th", "name_en", "kind", "province_code", "subdistrict_code", "contact"):
        assert not _marked(_tag(page, other), other)


def _group_said_at(form: str, name: str, group_id: str) -> tuple[list[str], str]:
    """A group of checkboxes (`name`) and the message said right under the last of them: the
    boxes' opening tags and what the `<p>` that follows the group says."""
    boxes = rf'(?:<label class="check"><input type="checkbox" name="{name}"[^>]*>[^<]*</label>)+\s*'
    before, said = _said_after(form, boxes, group_id)
    return re.findall(r"<input\b[^>]*>", before), said


@pytest.mark.parametrize(
    ("persona", "status", "thai", "english"),
    [
        (None, 401, "รหัสนี้ไม่ถูกต้องหรือถูกยกเลิกแล้ว", "That key is not valid or has been revoked."),
        (PARTNER, 403, "หน้านี้สำหรับชุมชนและผู้ประสานงาน", "This console is for communities and coordinators."),
    ],
)
async def test_a_refused_key_is_said_at_its_field(
    world: World, persona: str | None, status: int, thai: str, english: str
) -> None:
    """The sign-in form's one input is marked for a screen reader and its refusal said right under
    it (the whole sentence: it is about the key, not a part of it), the English beside; the list
    atop the form stays. In English, the English alone."""
    key = world.keys[persona] if persona else "bk_not-a-key-at-all"
    typed = {"key": key, "next": "/console/"}
    for lang in ("th", "en"):
        world.client.cookies.clear()
        world.client.cookies.set("lang", lang)
        token = await csrf_of(world.client)
        response = await world.client.post(
            "/console/signin", data={**typed, "_csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == status, response.text
        page = unkept(response.text)
        summary = re.search(r'<ul class="error" role="alert" id="signin-errors">(.*?)</ul>', page, re.S)
        assert summary, page
        tag, said = _said_at(page, "key")
        assert _marked(tag, "key")
        assert 'value="' not in tag  # the key typed is not sent back
        assert page.count('aria-invalid="true"') == 1
        if lang == "th":
            assert said.startswith(thai), said
            assert f'<span class="en" lang="en">{english}' in said, said
        else:
            assert said.startswith(english), said
            assert 'lang="en"' not in said
            assert not re.search(r"[\u0e00-\u0e7f]", said)
    # A fresh form marks nothing.
    world.client.cookies.clear()
    fresh = await world.client.get("/console/signin")
    assert not _marked(_tag(fresh.text, "key"), "key")
    assert 'class="field-error"' not in fresh.text


async def test_a_refused_run_is_said_at_its_fields(world: World) -> None:
    """The start form: a time limit refused is said under its input; a region the form never
    offers (a crafted value) is said under the regions' boxes, each box marked."""
    await sign_in(world.client, world.keys[ADMIN])
    token = await csrf_of(world.client, "/console/matching/")

    async def start_form(typed: dict[str, Any]) -> str:
        response = await world.client.post(
            "/console/matching/runs", data={**typed, "_csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == 422, response.text
        start = re.search(r'<form[^>]*id="start-form">(.*?)</form>', response.text, re.S)
        assert start, response.text
        assert response.text.count('aria-invalid="true"') == start.group(1).count('aria-invalid="true"')
        return start.group(1)

    form = await start_form({"regions": ["south", "north"], "time_limit_s": "-5"})
    tag, said = _said_at(form, "time_limit_s")
    assert _marked(tag, "time_limit_s")
    assert 'value="-5"' in tag
    assert said.startswith("ต้องไม่น้อยกว่า 0.1 ")
    assert '<span class="en" lang="en">' in said
    boxes = re.findall(r'<input type="checkbox" name="regions"[^>]*>', form)
    assert len(boxes) == 6
    assert not any(_marked(box, "start-regions") for box in boxes)
    assert 'id="start-regions-error"' not in form

    form = await start_form({"regions": ["south", "atlantis"], "time_limit_s": "10"})
    boxes, said = _group_said_at(form, "regions", "start-regions")
    assert len(boxes) == 6
    assert all(_marked(box, "start-regions") for box in boxes)
    assert '<span class="en" lang="en">' in said
    assert not _marked(_tag(form, "time_limit_s"), "time_limit_s")


async def test_a_refused_request_across_regions_is_said_at_its_fields(world: World) -> None:
    """The ask form: no other region ticked is said under the other regions' boxes, each marked;
    a time limit refused, under its input."""
    await sign_in(world.client, world.keys[COORD])
    token = await csrf_of(world.client, "/console/matching/")

    async def ask_form(typed: dict[str, Any]) -> str:
        response = await world.client.post(
            "/console/matching/requests",
            data={"regions": "south", **typed, "_csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 422, response.text
        ask = re.search(r'<form[^>]*id="ask-form">(.*?)</form>', response.text, re.S)
        assert ask, response.text
        assert response.text.count('aria-invalid="true"') == ask.group(1).count('aria-invalid="true"')
        return ask.group(1)

    form = await ask_form({"time_limit_s": "10"})
    boxes, said = _group_said_at(form, "other_regions", "ask-regions")
    assert len(boxes) == 5
    assert all(_marked(box, "ask-regions") for box in boxes)
    assert said == 'เลือกภาคอื่นอย่างน้อยหนึ่งภาค <span class="en" lang="en">tick at least one other region</span>'
    assert not _marked(_tag(form, "ask_time_limit_s"), "ask_time_limit_s")

    form = await ask_form({"other_regions": "north", "time_limit_s": "-5"})
    tag, said = _said_at(form, "ask_time_limit_s")
    assert _marked(tag, "ask_time_limit_s")
    assert said.startswith("ต้องไม่น้อยกว่า 0.1 ")
    assert 'id="ask-regions-error"' not in form
    assert 'name="other_regions" value="north" checked>' in form

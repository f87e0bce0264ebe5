"""Refused input in the console: plain Thai naming the field (English beside), on the form, with
what was typed kept; the JSON API's problem+json is unchanged."""

from __future__ import annotations

import re

import pytest

from barter.console import i18n
from barter.console.errors import checked, said
from barter.domain.errors import FieldError
from barter.schemas.listings import OfferCreate
from tests.console.conftest import csrf_of, sign_in, start_run
from tests.dates import ahead, be_slash
from tests.world import ADMIN, COORD, OWNER, World

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

"""Listings as a village writes them: Thai units, whole units, Buddhist-era dates, own terms."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dates import ahead, be_iso, iso, leap_year
from tests.world import OWNER, World


async def _bad(world: World, body: dict[str, Any], kind: str = "offers") -> dict[str, str]:
    base = {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 50}
    response = await world.post(OWNER, f"/v1/{kind}", {**base, **body})
    assert response.status_code == 422, response.text
    return {e["path"]: e["message"] for e in response.json()["errors"]}


@pytest.mark.parametrize(
    ("item", "unit", "quantity", "stored", "catalogue_unit"),
    [
        ("dried-fish", "กก.", 82.5, 82.5, "kg"),
        ("dried-fish", "กิโล", 20, 20, "kg"),
        ("rice-sticky", "กิโลกรัม", 650, 650, "kg"),
        ("dried-fish", "กรัม", 500, 0.5, "kg"),
        ("fish-sauce", "ลิตร", 12, 12, "litre"),
        ("herbal-soap", "ชิ้น", 40, 40, "piece"),
        ("eggs-salted", " ฟอง ", 30, 30, "piece"),
    ],
)
async def test_units_as_people_write_them(
    world: World, item: str, unit: str, quantity: float, stored: float, catalogue_unit: str
) -> None:
    offer = await world.offer(item_id=item, unit=unit, quantity=quantity, min_lot=0)
    assert (offer["quantity"], offer["unit"]) == (stored, catalogue_unit)


async def test_a_unit_that_does_not_fit_the_item_is_refused_by_name(world: World) -> None:
    errors = await _bad(world, {"item_id": "herbal-soap", "unit": "ลิตร", "quantity": 2})
    assert errors == {"unit": "must be piece or convertible to it"}
    assert "unit" in await _bad(world, {"unit": "ตะกร้า"})  # a basket is not a unit barter knows
    # a tray (ถาด) and a bag (ถุง) are packs: salted eggs are counted by the piece
    assert "unit" in await _bad(world, {"item_id": "eggs-salted", "unit": "ถาด", "quantity": 2})


@pytest.mark.parametrize(
    ("body", "codes"),
    [
        ({"item_id": "herbal-soap", "unit": "ลิตร", "quantity": 2}, [("unit", "counted_in")]),
        ({"min_ratio_item_id": "rice-jasmine"}, [("min_ratio", "ratio_pair")]),
        ({"min_ratio_item_id": "dried-fish", "min_ratio": 2}, [("min_ratio_item_id", "same_item")]),
        ({"min_ratio_item_id": "no-such-goods", "min_ratio": 2}, [("min_ratio_item_id", "unknown")]),
        ({"recur_every": "week"}, [("recur_quantity", "recur_pair")]),
        ({"recur_until": iso(ahead(30))}, [("recur_until", "recur_needed")]),
        (
            {"item_id": "herbal-soap", "quantity": 10, "recur_every": "week", "recur_quantity": 2.5},
            [("recur_quantity", "off_step")],
        ),
    ],
)
async def test_each_refused_term_is_named_by_its_code(
    world: World, body: dict[str, Any], codes: list[tuple[str, str]]
) -> None:
    """The code names the problem for the console and LINE, which word it in Thai (not "ใช้ไม่ได้")."""
    base = {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 50}
    response = await world.post(OWNER, "/v1/offers", {**base, **body})
    assert response.status_code == 422, response.text
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == codes


async def test_units_that_come_whole(world: World) -> None:
    errors = await _bad(world, {"item_id": "herbal-soap", "quantity": 137.5})
    assert errors == {"quantity": "this item comes in whole units: 137.5 is not a multiple of 1"}
    errors = await _bad(world, {"quantity": 73.2884})
    assert errors == {"quantity": "this item comes in steps of 0.1: 73.2884 is not a multiple of 0.1"}
    need = await _bad(world, {"item_id": "coconut", "quantity": 2.5}, "needs")
    assert set(need) == {"quantity"}
    offer = await world.offer(item_id="herbal-soap", quantity=138, min_lot=0)
    assert offer["quantity_step"] == 1
    patch = await world.patch(OWNER, f"/v1/offers/{offer['id']}", {"quantity": 100.5}, '"v1"')
    assert patch.status_code == 422
    assert [e["path"] for e in patch.json()["errors"]] == ["quantity"]
    items = (await world.get(OWNER, "/v1/items", category_id="rice")).json()["data"]
    assert {i["quantity_step"] for i in items} == {0.1}


async def test_buddhist_era_dates_are_converted_never_stored_543_years_off(world: World) -> None:
    start, until = ahead(180), ahead(300)
    offer = await world.offer(
        available_from=be_iso(start), available_until=be_iso(until), calendar="buddhist"
    )
    assert (offer["available_from"], offer["available_until"]) == (iso(start), iso(until))
    errors = await _bad(world, {"available_from": be_iso(start)})
    assert errors == {
        "available_from": f'{start.year + 543} looks like a Buddhist-era year: send {start.year} or add "calendar": "buddhist"'
    }
    errors = await _bad(world, {"available_from": iso(start), "calendar": "buddhist"})
    assert errors == {
        "available_from": f"{start.year} is not a Buddhist-era year (2570 = 2027); send the BE year"
    }
    by, later = ahead(60), ahead(100)
    need = await world.need(needed_by=be_iso(by), calendar="buddhist")
    assert need["needed_by"] == iso(by)
    assert "needed_by" in await _bad(world, {"item_id": "rice-jasmine", "needed_by": be_iso(by)}, "needs")
    patch = await world.patch(
        OWNER, f"/v1/needs/{need['id']}", {"needed_by": be_iso(later), "calendar": "buddhist"}, '"v1"'
    )
    assert patch.status_code == 200, patch.text
    assert patch.json()["needed_by"] == iso(later)


@pytest.mark.parametrize("field", ["available_until", "needed_by"])
async def test_a_buddhist_era_year_past_any_date_barter_handles_is_refused_as_too_far(
    world: World, field: str
) -> None:
    """9999 BE is 9456: accepted and stored before; now `far_date`, as the console refuses the same
    day typed in its form: the bound every channel shares (thaidate.too_late)."""
    kind = "needs" if field == "needed_by" else "offers"
    base = {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 50, "calendar": "buddhist"}
    response = await world.post(
        OWNER, f"/v1/{kind}", {**base, field: "9999-12-31"}, **{"Accept-Language": "th"}
    )
    assert response.status_code == 422, response.text
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [(field, "far_date")]
    assert "ปีไกลเกินไป" in response.json()["detail"]
    assert await world.db.fetchval(f"SELECT count(*) FROM {kind}") == 0
    last = await world.post(OWNER, f"/v1/{kind}", {**base, field: "2942-12-31"})  # 2399: the last year
    assert last.status_code == 201, last.text
    assert last.json()[field] == "2399-12-31"


async def test_a_buddhist_era_leap_day_is_accepted_and_a_day_that_does_not_exist_is_refused(
    world: World,
) -> None:
    """29 February of a coming leap year, say 29 กุมภาพันธ์ 2571 (2028): accepted (the proleptic
    Gregorian `date` has no 2571-02-29, so the input is read as text in its own era), on offers,
    needs and patches."""
    leap = leap_year()
    next_leap = leap_year(leap)
    offer = await world.offer(available_from=f"{leap + 543}-02-29", calendar="buddhist")
    assert offer["available_from"] == f"{leap}-02-29"
    need = await world.need(needed_by=f"{leap + 543}-02-29", calendar="buddhist")
    assert need["needed_by"] == f"{leap}-02-29"
    patch = await world.patch(
        OWNER,
        f"/v1/offers/{offer['id']}",
        {"available_until": f"{next_leap + 543}-02-29", "calendar": "buddhist"},
        '"v1"',
    )
    assert patch.status_code == 200, patch.text
    assert patch.json()["available_until"] == f"{next_leap}-02-29"
    # Days that do not exist are refused as such, before any check of the past: fixed years.
    # 2570 (2027) is not a leap year, nor is 2026; neither era has a 30 February
    assert await _bad(world, {"available_from": "2570-02-29", "calendar": "buddhist"}) == {
        "available_from": "2570-02-29 does not exist"
    }
    assert await _bad(world, {"available_until": "2026-02-29"}) == {
        "available_until": "2026-02-29 does not exist"
    }
    assert await _bad(
        world, {"item_id": "rice-jasmine", "needed_by": "2571-02-30", "calendar": "buddhist"}, "needs"
    ) == {"needed_by": "2571-02-30 does not exist"}
    # not a date at all: refused by its pattern, with the field's path
    response = await world.post(
        OWNER,
        "/v1/offers",
        {
            "community_id": world.a["id"],
            "item_id": "dried-fish",
            "quantity": 5,
            "available_from": "29/2/2571",
        },
    )
    assert response.status_code in (400, 422), response.text
    assert "available_from" in response.text


async def test_dates_are_shown_in_the_buddhist_era_when_asked(world: World) -> None:
    leap, by = leap_year(), ahead(100)
    offer = await world.offer(available_from=f"{leap}-02-29", available_until=f"{leap}-06-30")
    need = await world.need(needed_by=iso(by))
    one = (await world.get(OWNER, f"/v1/offers/{offer['id']}", calendar="buddhist")).json()
    # 29 February 2028 is 29 กุมภาพันธ์ 2571: shown as written, though 2571 is not leap in the
    # proleptic Gregorian calendar
    assert (one["available_from"], one["available_until"]) == (f"{leap + 543}-02-29", f"{leap + 543}-06-30")
    assert one["created_at"] == offer["created_at"]  # timestamps stay RFC 3339
    assert {k: v for k, v in one.items() if not k.startswith("available_")} == {
        k: v for k, v in offer.items() if not k.startswith("available_")
    }
    page = (
        await world.get(OWNER, "/v1/needs", calendar="buddhist", community_id=need["community_id"])
    ).json()
    assert [n["needed_by"] for n in page["data"] if n["id"] == need["id"]] == [be_iso(by)]
    plain = (await world.get(OWNER, f"/v1/needs/{need['id']}")).json()
    assert plain["needed_by"] == iso(by)
    wrong = await world.get(OWNER, f"/v1/offers/{offer['id']}", calendar="thai")
    assert wrong.status_code == 422, wrong.text
    assert [e["path"] for e in wrong.json()["errors"]] == ["calendar"]


async def test_own_terms_are_stored_validated_and_shown(world: World) -> None:
    # "2 kg of our fish for at least 20 kg of rice": 10 kg of rice for each kg of fish
    offer = await world.offer(own_value=300, min_ratio_item_id="rice-sticky", min_ratio=10)
    assert (offer["own_value"], offer["min_ratio_item_id"], offer["min_ratio"]) == (300, "rice-sticky", 10)
    fetched = (await world.get(OWNER, f"/v1/offers/{offer['id']}")).json()
    assert fetched["min_ratio"] == 10
    assert set(await _bad(world, {"min_ratio": 10})) == {"min_ratio_item_id"}
    assert set(await _bad(world, {"min_ratio_item_id": "rice-sticky"})) == {"min_ratio"}
    assert set(await _bad(world, {"min_ratio_item_id": "dried-fish", "min_ratio": 2})) == {
        "min_ratio_item_id"
    }
    assert set(await _bad(world, {"min_ratio_item_id": "caviar", "min_ratio": 2})) == {"min_ratio_item_id"}
    assert set(await _bad(world, {"own_value": 0})) == {"own_value"}
    patch = await world.patch(OWNER, f"/v1/offers/{offer['id']}", {"min_ratio": None}, '"v1"')
    assert patch.status_code == 422
    cleared = await world.patch(
        OWNER,
        f"/v1/offers/{offer['id']}",
        {"min_ratio": None, "min_ratio_item_id": None, "own_value": 280},
        '"v1"',
    )
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["min_ratio"], cleared.json()["own_value"]) == (None, 280)
    need = await world.need(own_value=30)
    assert need["own_value"] == 30

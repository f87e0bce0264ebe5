from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import httpx
import pytest

from barter.domain.clock import ManualClock, thai_today
from tests.dates import ahead, iso
from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (OWNER, 201),
        (COORD, 201),
        (ADMIN, 201),
        (OTHER, 404),
        (COORD_ELSEWHERE, 404),
        (PARTNER, 403),
        (ANON, 401),
    ],
)
async def test_who_posts_offers_for_community_a(world: World, persona: str, status: int) -> None:
    body = {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 200}
    response = await world.post(persona, "/v1/offers", body)
    assert response.status_code == status, response.text


async def test_offer_fields_and_read_only_amounts(world: World) -> None:
    until = ahead(60)
    offer = await world.offer(
        note="ปลาแห้งจากเกาะลิบง", available_from=iso(ahead(-5)), available_until=iso(until)
    )
    assert offer["unit"] == "kg"
    assert (offer["quantity"], offer["held"], offer["delivered"], offer["remaining"]) == (200, 0, 0, 200)
    assert offer["status"] == "open"
    assert offer["region"] == "south"
    assert offer["item_name_th"] == "ปลาแห้ง"
    assert offer["available_until"] == iso(until)
    response = await world.post(
        OWNER,
        "/v1/offers",
        {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 5, "remaining": 999},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"path": "remaining", "message": "unknown field", "code": "unknown_field"}
    ]


async def test_grams_convert_to_kilograms_and_litres_stay(world: World) -> None:
    offer = await world.offer(quantity=2500, unit="g", min_lot=500)
    assert (offer["quantity"], offer["min_lot"], offer["unit"]) == (2.5, 0.5, "kg")
    sauce = await world.offer(item_id="fish-sauce", quantity=1500, unit="ml")
    assert (sauce["quantity"], sauce["unit"]) == (1.5, "litre")
    wrong = await world.post(
        OWNER,
        "/v1/offers",
        {"community_id": world.a["id"], "item_id": "fish-sauce", "quantity": 3, "unit": "kg"},
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["path"] == "unit"


@pytest.mark.parametrize(
    ("body", "paths"),
    [
        ({"quantity": 0}, {"quantity"}),
        ({"quantity": -3, "min_lot": -1}, {"quantity", "min_lot"}),
        ({"quantity": 10, "min_lot": 20}, {"min_lot"}),
        ({"item_id": "caviar"}, {"item_id"}),
        ({"quantity": "lots"}, {"quantity"}),
        ({"available_from": iso(ahead(90)), "available_until": iso(ahead(60))}, {"available_until"}),
        ({"note": "ก" * 1001}, {"note"}),
        ({"gift": "yes", "unit": "bushel"}, {"gift", "unit"}),
    ],
)
async def test_bad_offers_list_every_field(world: World, body: dict[str, object], paths: set[str]) -> None:
    full = {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 50, **body}
    response = await world.post(OWNER, "/v1/offers", full)
    assert response.status_code == 422, response.text
    assert {e["path"] for e in response.json()["errors"]} == paths


async def test_thai_words_round_trip_and_are_found(world: World) -> None:
    for item, note in (("salted-fish", "ปลาเค็ม"), ("rice-jasmine", "ข้าวหอมมะลิ"), ("shrimp-paste", "กะปิ")):
        offer = await world.offer(item_id=item, note=note, quantity=10)
        fetched = (await world.get(PARTNER, f"/v1/offers/{offer['id']}")).json()
        assert fetched["note"].encode("utf-8") == note.encode("utf-8")
    for q, item in (("ปลาเค็ม", "salted-fish"), ("ข้าวหอมมะลิ", "rice-jasmine"), ("กะปิ", "shrimp-paste")):
        found = (await world.get(PARTNER, "/v1/offers", q=q)).json()["data"]
        assert {o["item_id"] for o in found} == {item}, q
    by_community = (await world.get(PARTNER, "/v1/offers", q="ปากบารา")).json()["data"]
    assert len(by_community) == 3


async def test_filters(world: World) -> None:
    fish = await world.offer()
    rice = (
        await world.post(
            OTHER, "/v1/offers", {"community_id": world.b["id"], "item_id": "rice-jasmine", "quantity": 1000}
        )
    ).json()

    def ids(resp: httpx.Response) -> list[int]:
        return [o["id"] for o in resp.json()["data"]]

    assert ids(await world.get(PARTNER, "/v1/offers", region="north")) == [rice["id"]]
    assert ids(await world.get(PARTNER, "/v1/offers", province_code="91")) == [fish["id"]]
    assert ids(await world.get(PARTNER, "/v1/offers", category_id="rice")) == [rice["id"]]
    assert ids(await world.get(PARTNER, "/v1/offers", item_id="dried-fish")) == [fish["id"]]
    assert ids(await world.get(PARTNER, "/v1/offers", community_id=world.b["id"])) == [rice["id"]]
    near_satun = await world.get(PARTNER, "/v1/offers", near="6.62,100.07", within_km=100)
    assert ids(near_satun) == [fish["id"]]
    assert near_satun.json()["data"][0]["distance_km"] < 100
    by_distance = await world.get(PARTNER, "/v1/offers", near="19.9,99.8", sort="distance")
    assert ids(by_distance) == [rice["id"], fish["id"]]
    bad = await world.get(PARTNER, "/v1/offers", within_km=10)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["path"] == "within_km"


async def test_cursor_pages_stay_stable_while_rows_are_inserted(world: World) -> None:
    first = [await world.offer(quantity=10 + n) for n in range(5)]
    page1 = (await world.get(PARTNER, "/v1/offers", limit=2)).json()
    assert [o["id"] for o in page1["data"]] == [first[4]["id"], first[3]["id"]]
    for n in range(3):  # newer rows arrive between page reads
        await world.offer(quantity=100 + n)
    seen = [o["id"] for o in page1["data"]]
    cursor = page1["next_cursor"]
    while cursor:
        page = (await world.get(PARTNER, "/v1/offers", limit=2, cursor=cursor)).json()
        seen += [o["id"] for o in page["data"]]
        cursor = page["next_cursor"]
    assert seen == [o["id"] for o in reversed(first)]


async def test_cursor_for_quantity_sort(world: World) -> None:
    for q in (5, 50, 20, 20, 1):
        await world.offer(quantity=q, min_lot=0)
    seen = []
    cursor = None
    while True:
        params = {"limit": 2, "sort": "-remaining", **({"cursor": cursor} if cursor else {})}
        page = (await world.get(OWNER, "/v1/offers", **params)).json()
        seen += [o["remaining"] for o in page["data"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [50, 20, 20, 5, 1]
    first = (await world.get(OWNER, "/v1/offers", limit=2, sort="-remaining")).json()["next_cursor"]
    mismatched = await world.get(OWNER, "/v1/offers", sort="remaining", cursor=first)
    assert mismatched.status_code == 422
    assert mismatched.json()["errors"][0]["path"] == "cursor"
    garbage = await world.get(OWNER, "/v1/offers", cursor="not-a-cursor")
    assert garbage.status_code == 422


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (OWNER, 200),
        (COORD, 200),
        (ADMIN, 200),
        (OTHER, 404),
        (COORD_ELSEWHERE, 404),
        (PARTNER, 403),
        (ANON, 401),
    ],
)
async def test_who_edits_and_withdraws(world: World, persona: str, status: int) -> None:
    offer = await world.offer()
    url = f"/v1/offers/{offer['id']}"
    edited = await world.patch(persona, url, {"quantity": 150}, etag='"v1"')
    assert edited.status_code == status, edited.text
    withdrawn = await world.delete(persona, url, etag='"v2"' if status == 200 else '"v1"')
    assert withdrawn.status_code == status, withdrawn.text
    if status == 200:
        assert withdrawn.json()["status"] == "withdrawn"
        # The row is kept.
        assert await world.db.fetchval("SELECT status FROM offers WHERE id = $1", offer["id"]) == "withdrawn"


async def test_withdrawn_offers_are_seen_only_by_those_who_act_for_the_community(world: World) -> None:
    offer = await world.offer()
    await world.delete(OWNER, f"/v1/offers/{offer['id']}", etag='"v1"')
    for persona, status in ((OWNER, 200), (COORD, 200), (ADMIN, 200), (OTHER, 404), (PARTNER, 404)):
        assert (await world.get(persona, f"/v1/offers/{offer['id']}")).status_code == status
    assert (await world.get(PARTNER, "/v1/offers")).json()["data"] == []
    assert (await world.get(PARTNER, "/v1/offers", status="withdrawn")).json()["data"] == []
    assert len((await world.get(COORD, "/v1/offers", status="withdrawn")).json()["data"]) == 1


async def test_editing_below_what_is_held_is_refused(world: World) -> None:
    offer = await world.offer()
    await world.db.execute("UPDATE offers SET held = 120 WHERE id = $1", offer["id"])
    url = f"/v1/offers/{offer['id']}"
    below = await world.patch(OWNER, url, {"quantity": 100}, etag='"v1"')
    assert below.status_code == 409
    assert below.json()["code"] == "below_held"
    assert (await world.patch(OWNER, url, {"quantity": 120}, etag='"v1"')).status_code == 200
    withdraw = await world.delete(OWNER, url, etag='"v2"')
    assert withdraw.status_code == 409
    assert withdraw.json()["code"] == "held"


async def test_what_is_held_is_said_in_thai_in_the_items_own_counting_word(world: World) -> None:
    """300 eggs held: "มี 120 ฟอง ถูกจองไว้", as a villager counts eggs, not ชิ้น."""
    offer = await world.offer(item_id="eggs-chicken", quantity=300, min_lot=0)
    await world.db.execute("UPDATE offers SET held = 120 WHERE id = $1", offer["id"])
    url = f"/v1/offers/{offer['id']}"
    thai = world.headers(OWNER, **{"Accept-Language": "th", "If-Match": '"v1"'})  # each refused: still v1
    below = await world.client.patch(url, json={"quantity": 100}, headers=thai)
    assert below.status_code == 409
    assert below.json()["detail"].startswith("มี 120 ฟอง ถูกจองไว้"), below.json()
    item = await world.client.patch(url, json={"item_id": "eggs-salted"}, headers=thai)
    assert item.status_code == 409
    assert "เพราะมี 120 ฟอง ถูกจองไว้" in item.json()["detail"], item.json()
    withdraw = await world.client.delete(url, headers=thai)
    assert withdraw.status_code == 409
    assert withdraw.json()["detail"].startswith("มี 120 ฟอง ถูกจองไว้ในข้อเสนอแลกเปลี่ยน"), withdraw.json()
    english = await world.delete(OWNER, url, etag='"v1"')
    assert english.json()["detail"].startswith("120 pieces of this offer are held")


async def test_edits_of_withdrawn_offers_conflict(world: World) -> None:
    offer = await world.offer()
    url = f"/v1/offers/{offer['id']}"
    await world.delete(OWNER, url, etag='"v1"')
    response = await world.patch(OWNER, url, {"quantity": 5}, etag='"v2"')
    assert response.status_code == 409
    assert response.json()["code"] == "not_open"


def _codes(response: httpx.Response) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.text
    return [(e["path"], e["code"]) for e in response.json()["errors"]]


async def test_an_offer_whose_last_day_has_passed_is_refused_and_today_is_not(
    world: World, clock: ManualClock
) -> None:
    today = thai_today(clock.now())
    base = {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 50}
    yesterday = await world.post(
        OWNER, "/v1/offers", {**base, "available_until": str(today - timedelta(days=1))}
    )
    assert _codes(yesterday) == [("available_until", "in_the_past")]
    in_2560 = await world.post(
        OWNER, "/v1/offers", {**base, "available_until": "2560-01-01", "calendar": "buddhist"}
    )
    assert _codes(in_2560) == [("available_until", "in_the_past")]
    recurring = {"recur_every": "week", "recur_quantity": 10, "recur_until": str(today - timedelta(days=1))}
    assert _codes(await world.post(OWNER, "/v1/offers", {**base, **recurring})) == [
        ("recur_until", "in_the_past")
    ]
    # Available since last week, until today: still open for exchange today.
    offer = await world.offer(available_from=str(today - timedelta(days=7)), available_until=str(today))
    assert (offer["available_from"], offer["available_until"]) == (str(today - timedelta(days=7)), str(today))


async def test_the_day_is_thailands_not_utcs(world: World, clock: ManualClock) -> None:
    utc_day = clock.now().astimezone(UTC).date()
    clock.advance(seconds=(datetime.combine(utc_day, time(18), UTC) - clock.now()).total_seconds())
    assert thai_today(clock.now()) == utc_day + timedelta(days=1)  # 01:00 the next day in Bangkok
    body = {
        "community_id": world.a["id"],
        "item_id": "dried-fish",
        "quantity": 50,
        "available_until": str(utc_day),
    }
    assert _codes(await world.post(OWNER, "/v1/offers", body)) == [("available_until", "in_the_past")]


async def test_an_offer_whose_day_has_since_passed_keeps_its_other_edits(
    world: World, clock: ManualClock
) -> None:
    today = thai_today(clock.now())
    offer = await world.offer(available_until=str(today))
    url = f"/v1/offers/{offer['id']}"
    clock.advance(days=2)
    edited = await world.patch(OWNER, url, {"quantity": 120, "note": "เหลืออีกนิด"}, etag='"v1"')
    assert edited.status_code == 200, edited.text
    assert (edited.json()["quantity"], edited.json()["available_until"]) == (120, str(today))
    refused = await world.patch(OWNER, url, {"available_until": str(today + timedelta(days=1))}, etag='"v2"')
    assert _codes(refused) == [("available_until", "in_the_past")]
    moved = await world.patch(OWNER, url, {"available_until": str(today + timedelta(days=2))}, etag='"v2"')
    assert moved.status_code == 200, moved.text
    assert moved.json()["available_until"] == str(today + timedelta(days=2))


@pytest.mark.parametrize("persona", [OWNER, OTHER, COORD, COORD_ELSEWHERE, PARTNER, ADMIN, ANON])
async def test_an_unknown_field_has_a_code_of_its_own_said_in_thai(world: World, persona: str) -> None:
    """A field the request does not take is `unknown_field` at its path, for
    every key, before anything is looked up; without a key, 401 before the body."""
    body = {
        "community_id": world.a["id"],
        "item_id": "dried-fish",
        "quantity": 5,
        "colour": "blue",
        "recur": {"every": "week"},
    }
    response = await world.client.post(
        "/v1/offers", json=body, headers=world.headers(persona, **{"Accept-Language": "th"})
    )
    if persona == ANON:
        assert response.status_code == 401
        return
    assert response.status_code == 422, response.text
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [
        ("colour", "unknown_field"),
        ("recur", "unknown_field"),
    ]
    assert response.json()["detail"] == ("ข้อมูลไม่ถูกต้อง 2 ช่อง: colour: ไม่มีช่องนี้ ให้ลบออก; recur: ไม่มีช่องนี้ ให้ลบออก")
    assert await world.db.fetchval("SELECT count(*) FROM offers") == 0


DETAIL_SOUTH = "partner_detail_south"  # a partner with a detail grant of the south (A's region)
DETAIL_NORTH = "partner_detail_north"  # ... of the north only


@pytest.mark.parametrize("kind", ["offers", "needs"])
@pytest.mark.parametrize(
    ("persona", "point"),
    [
        (OWNER, True),
        (COORD, True),
        (ADMIN, True),
        (DETAIL_SOUTH, True),
        (OTHER, False),
        (COORD_ELSEWHERE, False),
        (PARTNER, False),
        (DETAIL_NORTH, False),
    ],
)
async def test_distances_tell_no_more_than_the_point_the_caller_may_know(
    world: World, kind: str, persona: str, point: bool
) -> None:
    """`near`, `within_km` and `sort=distance` measure to a community's own point only for those
    who may know it (Caller.sees_point, as GET /v1/communities/{id} gives it); for anyone else to
    its province's centre, so that distances from a few points cannot place the village."""
    world.keys[DETAIL_SOUTH] = await world.new_key(role="partner", regions=["south"], partner_detail=True)
    world.keys[DETAIL_NORTH] = await world.new_key(role="partner", regions=["north"], partner_detail=True)
    listing = await (world.offer() if kind == "offers" else world.need())
    centre = await world.db.fetchrow("SELECT lat, lon FROM provinces WHERE code = '91'")
    assert centre is not None
    exact = f"{world.a['lat']},{world.a['lon']}"  # standing at the village itself
    rows = (await world.get(persona, f"/v1/{kind}", near=exact, sort="distance")).json()["data"]
    assert [r["id"] for r in rows] == [listing["id"]]
    if point:
        assert rows[0]["distance_km"] == pytest.approx(0.0, abs=1e-6)
    else:
        assert rows[0]["distance_km"] > 5  # Satun's centre is not the village
        from_centre = await world.get(persona, f"/v1/{kind}", near=f"{centre['lat']},{centre['lon']}")
        assert from_centre.json()["data"][0]["distance_km"] == pytest.approx(0.0, abs=1e-6)
    close = await world.get(persona, f"/v1/{kind}", near=exact, within_km=1)
    assert [r["id"] for r in close.json()["data"]] == ([listing["id"]] if point else [])
    assert (await world.get(ANON, f"/v1/{kind}", near=exact)).status_code == 401

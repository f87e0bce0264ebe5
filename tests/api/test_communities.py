from __future__ import annotations

import unicodedata

import pytest

from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World

SATUN = {"kind": "fishing", "province_code": "91", "name_th": "บ้านเกาะลิบง", "contact": "วิทยุชุมชน 102.5"}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (ADMIN, 201),
        (COORD, 201),
        (COORD_ELSEWHERE, 403),
        (OWNER, 403),
        (OTHER, 403),
        (PARTNER, 403),
        (ANON, 401),
    ],
)
async def test_who_creates_communities(world: World, persona: str, status: int) -> None:
    response = await world.post(persona, "/v1/communities", SATUN)
    assert response.status_code == status, response.text
    if status == 201:
        body = response.json()
        assert body["region"] == "south"
        assert response.headers["etag"] == '"v1"'
        assert response.headers["location"] == f"/v1/communities/{body['id']}"
    else:
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_location_defaults_to_the_province_centroid(world: World) -> None:
    body = (await world.post(ADMIN, "/v1/communities", SATUN)).json()
    provinces = (await world.client.get("/v1/provinces", params={"region": "south"})).json()["data"]
    satun = next(p for p in provinces if p["code"] == "91")
    assert (body["lat"], body["lon"]) == (satun["lat"], satun["lon"])


async def test_every_bad_field_is_listed(world: World) -> None:
    response = await world.post(
        ADMIN,
        "/v1/communities",
        {"kind": "pirates", "province_code": "999", "lat": 200, "colour": "blue", "name_en": ""},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed"
    paths = {e["path"] for e in body["errors"]}
    assert {"kind", "province_code", "lat", "colour", "name_en"} <= paths


async def test_cross_field_rules(world: World) -> None:
    response = await world.post(
        ADMIN,
        "/v1/communities",
        {"kind": "farming", "province_code": "57", "lat": 19.9, "subdistrict_code": "100101"},
    )
    assert response.status_code == 422
    paths = {e["path"] for e in response.json()["errors"]}
    assert paths == {"name_th", "lon", "subdistrict_code"}


async def test_real_subdistrict_in_its_province(world: World) -> None:
    response = await world.post(ADMIN, "/v1/communities", {**SATUN, "subdistrict_code": "910101"})
    assert response.status_code == 201, response.text
    assert response.json()["subdistrict_code"] == "910101"


async def test_thai_names_round_trip_nfc(world: World) -> None:
    decomposed = unicodedata.normalize("NFD", "ชุมชนบ้านหัวเขา ปลาเค็ม")
    body = (await world.post(ADMIN, "/v1/communities", {**SATUN, "name_th": decomposed})).json()
    fetched = (await world.get(OWNER, f"/v1/communities/{body['id']}")).json()
    assert fetched["name_th"] == unicodedata.normalize("NFC", decomposed)
    assert fetched["name_th"].encode() == "ชุมชนบ้านหัวเขา ปลาเค็ม".encode()


async def test_contact_only_for_the_community_the_coordinators_of_its_region_and_admins(world: World) -> None:
    url = f"/v1/communities/{world.a['id']}"
    seen = {
        p: (await world.get(p, url)).json()["contact"]
        for p in (ADMIN, COORD, COORD_ELSEWHERE, OWNER, OTHER, PARTNER)
    }
    assert seen[ADMIN] == seen[COORD] == seen[OWNER] == "081-234-5678"
    assert seen[COORD_ELSEWHERE] is seen[OTHER] is seen[PARTNER] is None
    assert (await world.get(ANON, url)).status_code == 401


DETAIL_SOUTH = "partner_detail_south"  # a partner with a detail grant of the south (A's region)
DETAIL_NORTH = "partner_detail_north"  # ... of the north only


@pytest.mark.parametrize(
    ("persona", "point", "contact"),
    [
        (OWNER, True, True),
        (COORD, True, True),
        (ADMIN, True, True),
        (DETAIL_SOUTH, True, False),  # reads the point in its row-level exports too
        (OTHER, False, False),
        (COORD_ELSEWHERE, False, False),
        (PARTNER, False, False),  # aggregates only
        (DETAIL_NORTH, False, False),
    ],
)
async def test_the_point_and_contact_only_for_those_who_may_know_them(
    world: World, persona: str, point: bool, contact: bool
) -> None:
    """GET one, the list and its search all follow Caller.sees_point and Caller.sees_contact: a
    community's own point is not for other communities, other regions' coordinators or partners
    without a detail grant of its region; its province is for everyone."""
    world.keys[DETAIL_SOUTH] = await world.new_key(role="partner", regions=["south"], partner_detail=True)
    world.keys[DETAIL_NORTH] = await world.new_key(role="partner", regions=["north"], partner_detail=True)
    # a sub-district places a village as nearly as its point does: told with the point or not at all
    await world.db.execute("UPDATE communities SET subdistrict_code = '910101' WHERE id = $1", world.a["id"])
    one = await world.get(persona, f"/v1/communities/{world.a['id']}")
    assert one.status_code == 200, one.text
    listed = (await world.get(persona, "/v1/communities", region="south")).json()["data"]
    found = (await world.get(persona, "/v1/communities", q="ปากบารา")).json()["data"]
    for body in (one.json(), *listed, *found):
        assert body["id"] == world.a["id"]
        assert (body["province_code"], body["region"]) == ("91", "south")
        assert (body["lat"], body["lon"]) == ((6.86, 99.72) if point else (None, None))
        assert body["subdistrict_code"] == ("910101" if point else None)
        assert body["contact"] == ("081-234-5678" if contact else None)
    assert len(listed) == len(found) == 1


async def test_a_national_detail_grant_reads_every_point_and_anonymous_reads_nothing(world: World) -> None:
    national = await world.new_key(role="partner", partner_detail=True)
    listed = (
        await world.client.get("/v1/communities", headers={"Authorization": f"Bearer {national}"})
    ).json()["data"]
    assert {(c["id"], c["lat"], c["lon"], c["contact"]) for c in listed} == {
        (world.a["id"], 6.86, 99.72, None),
        (world.b["id"], 19.9, 99.83, None),
    }
    for url in (f"/v1/communities/{world.a['id']}", "/v1/communities"):
        response = await world.get(ANON, url)
        assert response.status_code == 401
        assert "6.86" not in response.text


async def test_list_filters_and_search(world: World) -> None:
    south = (await world.get(PARTNER, "/v1/communities", region="south")).json()["data"]
    assert [c["id"] for c in south] == [world.a["id"]]
    found = (await world.get(PARTNER, "/v1/communities", q="ปากบารา")).json()["data"]
    assert [c["id"] for c in found] == [world.a["id"]]
    farming = (await world.get(OWNER, "/v1/communities", kind="farming")).json()["data"]
    assert [c["id"] for c in farming] == [world.b["id"]]


async def test_list_pages_with_a_cursor(world: World) -> None:
    for n in range(5):
        await world.post(ADMIN, "/v1/communities", {**SATUN, "name_th": f"ชุมชน {n}"})
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await world.get(ADMIN, "/v1/communities", **params)).json()
        seen += [c["id"] for c in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen)
    assert len(seen) == 7


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (ADMIN, 200),
        (COORD, 200),
        (OWNER, 200),
        (COORD_ELSEWHERE, 404),
        (OTHER, 404),
        (PARTNER, 403),
        (ANON, 401),
    ],
)
async def test_who_edits_a_community(world: World, persona: str, status: int) -> None:
    url = f"/v1/communities/{world.a['id']}"
    response = await world.patch(persona, url, {"name_en": "Pak Bara fishers"}, etag='"v1"')
    assert response.status_code == status, response.text
    if status == 200:
        assert response.json()["name_en"] == "Pak Bara fishers"
        assert response.headers["etag"] == '"v2"'


async def test_edit_needs_if_match_and_refuses_a_stale_one(world: World) -> None:
    url = f"/v1/communities/{world.a['id']}"
    missing = await world.patch(OWNER, url, {"name_en": "x"})
    assert missing.status_code == 428
    assert missing.json()["code"] == "precondition_required"
    assert (await world.patch(OWNER, url, {"name_en": "first"}, etag='"v1"')).status_code == 200
    stale = await world.patch(OWNER, url, {"name_en": "second"}, etag='"v1"')
    assert stale.status_code == 412
    assert stale.json()["code"] == "stale_version"
    assert (await world.get(OWNER, url)).json()["name_en"] == "first"


async def test_a_coordinator_cannot_move_a_community_out_of_its_regions(world: World) -> None:
    url = f"/v1/communities/{world.a['id']}"
    response = await world.patch(COORD, url, {"province_code": "57"}, etag='"v1"')
    assert response.status_code == 403
    moved = await world.patch(ADMIN, url, {"province_code": "57"}, etag='"v1"')
    assert moved.status_code == 200
    assert moved.json()["region"] == "north"


async def test_writes_are_audited_with_actor_and_community(world: World) -> None:
    created = (await world.post(COORD, "/v1/communities", SATUN)).json()
    await world.patch(COORD, f"/v1/communities/{created['id']}", {"name_en": "Libong"}, etag='"v1"')
    rows = await world.db.fetch(
        "SELECT action, actor_key_id, community_id, region, before, after FROM audit_log"
        " WHERE entity = 'community' AND entity_id = $1 ORDER BY id",
        str(created["id"]),
    )
    assert [r["action"] for r in rows] == ["create", "update"]
    assert {r["actor_key_id"] for r in rows} == {world.key_ids[COORD]}
    assert {r["community_id"] for r in rows} == {created["id"]}
    assert rows[1]["before"]["name_en"] is None
    assert rows[1]["after"]["name_en"] == "Libong"

"""Reference values through the API: who may set which, versioned, audited; proposals keep theirs."""

from __future__ import annotations

import pytest

from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World

URL = "/v1/items/dried-fish/values"


@pytest.mark.parametrize(
    ("persona", "national", "south"),
    [
        (ADMIN, 200, 200),
        (COORD, 403, 200),  # the south's coordinator sets the south's value, not the nation's
        (COORD_ELSEWHERE, 403, 403),
        (OWNER, 403, 403),
        (OTHER, 403, 403),
        (PARTNER, 403, 403),
        (ANON, 401, 401),
    ],
)
async def test_who_sets_reference_values(world: World, persona: str, national: int, south: int) -> None:
    assert (await world.post(persona, URL, {"value": 270})).status_code == national
    assert (await world.post(persona, URL, {"value": 250, "region": "south"})).status_code == south
    fish = (await world.get(ADMIN, URL)).json()
    assert fish["reference_value"] == (270 if national == 200 else 260)
    assert [r["value"] for r in fish["regions"]] == ([250] if south == 200 else [])


async def test_values_are_versioned_and_audited(world: World) -> None:
    first = await world.post(ADMIN, URL, {"value": 270, "reason": "ราคาปลาแห้งขึ้น"})
    assert first.headers["ETag"] == '"v2"'
    stale = await world.post(ADMIN, URL, {"value": 280}, **{"If-Match": '"v1"'})
    assert stale.status_code == 412
    second = await world.post(ADMIN, URL, {"value": 280}, **{"If-Match": '"v2"'})
    assert second.status_code == 200
    body = second.json()
    assert (body["reference_value"], body["version"]) == (280, 3)
    assert [(c["value"], c["version"]) for c in body["changes"]] == [(280, 3), (270, 2)]
    assert body["changes"][1]["reason"] == "ราคาปลาแห้งขึ้น"
    south = (await world.post(COORD, URL, {"value": 250, "region": "south"})).json()
    assert south["regions"][0] == {**south["regions"][0], "region": "south", "value": 250, "version": 1}
    audited = await world.db.fetch(
        "SELECT before, after FROM audit_log WHERE entity = 'item' AND entity_id = 'dried-fish' ORDER BY id"
    )
    assert len(audited) == 3
    items = (await world.get(OWNER, "/v1/items", q="ปลาแห้ง")).json()["data"]
    assert next(i for i in items if i["id"] == "dried-fish")["reference_value"] == 280
    bad = await world.post(ADMIN, URL, {"value": 0})
    assert bad.status_code == 422
    assert (await world.post(ADMIN, "/v1/items/caviar/values", {"value": 5})).status_code == 404


@pytest.mark.parametrize("item", ["%00", "rice%00", "x" * 65, "Rice"])
async def test_a_malformed_item_id_is_a_client_error(world: World, item: str) -> None:
    # found by tests/api/test_fuzz.py: a NUL in the path reached PostgreSQL and answered 500
    for response in (
        await world.get(ADMIN, f"/v1/items/{item}/values"),
        await world.post(ADMIN, f"/v1/items/{item}/values", {"value": 270}),
    ):
        assert 400 <= response.status_code < 500
        assert response.headers["content-type"].startswith("application/problem+json")

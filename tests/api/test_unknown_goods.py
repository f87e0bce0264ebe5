"""GET /v1/unknown-goods: the goods communities named that the catalogue lacks, as the console's
goods page lists them, for the same readers (coordinators their regions', admins all), a page at a
time."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from litestar import Litestar

from barter.api.openapi import openapi_document
from barter.services import keys, unknown_goods
from tests import world as worlds
from tests.conftest import TEST_SECRET
from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World

URL = "/v1/unknown-goods"
PARTNER_DETAIL = "partner_with_detail"
T0 = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)


async def _named(
    w: World, community_id: int, words: list[str], at: datetime, channel: unknown_goods.Channel = "line"
) -> None:
    async with w.db.transaction():
        await unknown_goods.note(w.db, community_id, words, channel, at)


def _forged(sort: str, value: Any, last: Any) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode([sort, value, last])).decode().rstrip("=")


async def test_who_reads_the_goods_communities_named(world: World) -> None:
    """ปลาช่อน, named by two southern communities (LINE and a sheet), reaches the south's coordinator
    and the admin with its count, communities, channels and times; มันสำปะหลัง, named in the north,
    the north's coordinator and the admin; communities and partners (with a detail grant or
    without) are refused as on every coordinator's list, and no key is 401: in one world."""
    a, b, a2 = world.a["id"], world.b["id"], (await worlds.second_south_community(world))["id"]
    await _named(world, a, ["ปลาช่อน"], T0)
    await _named(world, a, ["ปลาช่อน"], T0 + timedelta(hours=1))
    await _named(world, a2, ["ปลา ช่อน"], T0 + timedelta(hours=2), "import")
    await _named(world, b, ["มันสำปะหลัง"], T0 + timedelta(hours=3))
    world.keys[PARTNER_DETAIL] = await world.new_key(role="partner", name="Agency", partner_detail=True)
    expected: dict[str, tuple[int, list[str] | str]] = {
        OWNER: (403, "forbidden"),
        OTHER: (403, "forbidden"),
        COORD: (200, ["ปลา ช่อน"]),
        COORD_ELSEWHERE: (200, ["มันสำปะหลัง"]),
        PARTNER: (403, "forbidden"),
        PARTNER_DETAIL: (403, "forbidden"),
        ADMIN: (200, ["ปลา ช่อน", "มันสำปะหลัง"]),
        ANON: (401, "unauthorized"),
    }
    got: dict[str, tuple[int, list[str] | str]] = {}
    for persona in expected:
        response = await world.get(persona, URL)
        if response.status_code != 200:
            assert response.headers["content-type"].startswith("application/problem+json")
            got[persona] = (response.status_code, response.json()["code"])
            continue
        body = response.json()
        got[persona] = (200, [u["word"] for u in body["data"]])
        assert body["next_cursor"] is None
        for u in body["data"]:
            if u["word"] == "ปลา ช่อน":
                assert u["times"] == 3
                assert [c["id"] for c in u["communities"]] == [a, a2]
                assert u["channels"] == ["import", "line"]
                assert datetime.fromisoformat(u["first_seen"]) == T0
                assert datetime.fromisoformat(u["last_seen"]) == T0 + timedelta(hours=2)
            else:
                assert (u["times"], [c["id"] for c in u["communities"]]) == (1, [b])
        if persona == COORD_ELSEWHERE:
            assert str(a) not in {str(c["id"]) for u in body["data"] for c in u["communities"]}
    assert got == expected
    # a reader's Thai: the refusal is said in Thai first
    thai = await world.client.get(URL, headers=world.headers(OWNER, **{"Accept-Language": "th"}))
    assert "ผู้ประสานงาน" in thai.json()["detail"]


async def test_pages_go_through_the_console_list_in_its_order_and_a_forged_cursor_is_422(
    world: World,
) -> None:
    """Twelve words, counted 1 to 4 times and some at the same moment, paged 5 at a time: every
    word once, in the order the console's goods page lists them (the same use case); a cursor not
    made by the list (another sort, a count or a day no word has, not a cursor) is 422 at
    `cursor`, as on every list."""
    a = world.a["id"]
    for k in range(12):
        for n in range(1 + k % 4):
            await _named(world, a, [f"ผักหวานป่า{k}"], T0 + timedelta(minutes=n * (k % 3)))
    paged: list[str] = []
    cursor = None
    for _ in range(4):
        body = (await world.get(COORD, URL, limit=5, **({"cursor": cursor} if cursor else {}))).json()
        paged += [u["word"] for u in body["data"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert cursor is None
    caller = await keys.authenticate(world.db, TEST_SECRET, world.keys[COORD])
    assert caller is not None
    console = [u.word for u in await unknown_goods.listed(world.db, caller)]
    assert paged == console
    assert sorted(paged) == sorted(f"ผักหวานป่า{k}" for k in range(12))
    times = [await _times(world, w) for w in paged]
    assert times == sorted(times, reverse=True)
    assert times.count(4) == 3  # the most named first, each word once
    for forged in (
        _forged("id", 5, 5),
        _forged("times", [2**40, "2026-12-07T04:00:00+00:00"], 1),
        _forged("times", [2, "0001-01-01T00:00:00+14:00"], 1),
        _forged("times", [2, "2026-12-07T04:00:00+00:00"], 2**64),
        _forged("times", ["two", "2026-12-07T04:00:00+00:00"], 1),
        "not-a-cursor",
    ):
        response = await world.get(COORD, URL, cursor=forged)
        assert response.status_code == 422, (forged, response.text)
        assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [("cursor", "stale_cursor")]
    for limit in (0, 201):
        response = await world.get(COORD, URL, limit=limit)
        assert [e["path"] for e in response.json()["errors"]] == ["limit"]


async def _times(w: World, word: str) -> int:
    times: int = await w.db.fetchval("SELECT sum(times) FROM unknown_goods WHERE word = $1", word)
    return times


def test_the_openapi_document_describes_the_list(app: Litestar) -> None:
    listed = openapi_document(app)["paths"]["/v1/unknown-goods"]["get"]
    assert listed["security"]
    assert {"401", "403", "422"} <= set(listed["responses"])
    assert {p["name"] for p in listed["parameters"]} >= {"cursor", "limit"}
    assert "cursor" in listed["description"]
    schemas = openapi_document(app)["components"]["schemas"]
    assert set(schemas["UnknownGoodsOut"]["properties"]) == {
        "word",
        "times",
        "communities",
        "channels",
        "first_seen",
        "last_seen",
    }

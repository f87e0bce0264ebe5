"""The map on an exchange's page as each persona sees it.

An exchange across regions (dried fish from Satun in the South for jasmine rice from Yasothon in
the Northeast) is what barter exists for, yet the map drew only the communities whose page the
viewer may open: the South's coordinator saw Satun alone and no arrow. Now every participant is
drawn: at its own point where the viewer may read it, else at its province's centre, hollow, with
the province named and the point said to be approximate; an arrow for every transfer; and the page
holds nothing of an unreadable community's own coordinates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from barter.console import i18n
from barter.console.maps import unproject
from barter.console.views import province_phrase
from barter.schemas.proposals import PlaceOut
from tests.across import province_centre, south_northeast, through_one_province
from tests.api.logistics.conftest import Towns, towns
from tests.console.conftest import csrf_of, sign_in
from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World

__all__ = ["towns"]

YASOTHON = "yasothon_community"  # the rice group's own key
COORD_NORTHEAST = "coordinator_northeast"

POINT = re.compile(
    r'<circle class="pt( approx)?" data-community="(\d+)" cx="([-\d.]+)" cy="([-\d.]+)"[^>]*>'
    r"<title>([^<]*)</title>"
)
ARROW = re.compile(
    r'<line class="arrow" x1="[-\d.]+" y1="[-\d.]+" x2="[-\d.]+" y2="[-\d.]+"><title>([^<]*)</title>'
)
LEGEND = re.compile(r'<figcaption class="map-legend">(.*?)</figcaption>', re.DOTALL)
NEAR = 0.01  # degrees: the map's points are rounded to a tenth of a map unit (0.001 degrees)


@dataclass
class Drawn:
    community_id: int
    approximate: bool
    lat: float
    lon: float
    title: str


def drawn(html: str) -> dict[int, Drawn]:
    points: dict[int, Drawn] = {}
    for approx, cid, x, y, title in POINT.findall(html):
        lat, lon = unproject(float(x), float(y))
        points[int(cid)] = Drawn(int(cid), bool(approx), lat, lon, title)
    return points


def written(value: float) -> re.Pattern[str]:
    """A coordinate as a page could write it (15.79, 15.790, 15.7900...), not inside another number."""
    return re.compile(rf"(?<![\d.]){re.escape(f'{value:g}')}0*(?![\d])")


async def _south_northeast(world: World, towns: Towns, status: str = "proposed") -> int:
    """Satun's dried fish for Yasothon's jasmine rice, and keys for the rice group and the
    Northeast's coordinator."""
    world.keys[YASOTHON] = await world.new_key(
        role="community", community_id=towns.yasothon["id"], name="Yasothon rice"
    )
    world.keys[COORD_NORTHEAST] = await world.new_key(
        role="coordinator", regions=["northeast"], name="Northeast coordinator"
    )
    return await south_northeast(world, towns, status)


def _check_leaks(html: str, hidden: list[dict[str, Any]], points: dict[int, Drawn]) -> None:
    """Nothing of a hidden community's own coordinates: neither written out nor drawn."""
    for c in hidden:
        for value in (c["lat"], c["lon"]):
            assert not written(value).search(html), (c["name_en"], value)
        point = points[c["id"]]
        assert abs(point.lat - c["lat"]) > NEAR or abs(point.lon - c["lon"]) > NEAR, c["name_en"]


@pytest.mark.parametrize(
    ("persona", "exact"),
    [
        (OWNER, {"satun"}),  # the fishing village itself
        (YASOTHON, {"yasothon"}),  # the rice group on the other side
        (COORD, {"satun"}),  # the South's coordinator
        (COORD_NORTHEAST, {"yasothon"}),  # the Northeast's coordinator
        (ADMIN, {"satun", "yasothon"}),
    ],
)
async def test_a_south_northeast_exchange_shows_both_ends_to_each_persona(
    world: World, towns: Towns, persona: str, exact: set[str]
) -> None:
    proposal_id = await _south_northeast(world, towns)
    ends = {"satun": (towns.satun, "91", "จังหวัดสตูล"), "yasothon": (towns.yasothon, "35", "จังหวัดยโสธร")}
    await sign_in(world.client, world.keys[persona])
    page = await world.client.get(f"/console/proposals/{proposal_id}")
    assert page.status_code == 200, page.text
    points = drawn(page.text)
    assert set(points) == {c["id"] for c, _, _ in ends.values()}, page.text
    for name, (community, province, thai) in ends.items():
        point = points[community["id"]]
        if name in exact:
            assert not point.approximate, name
            assert abs(point.lat - community["lat"]) <= NEAR, name
            assert abs(point.lon - community["lon"]) <= NEAR, name
            assert "โดยประมาณ" not in point.title
        else:
            assert point.approximate, name
            lat, lon = province_centre(province)
            assert abs(point.lat - lat) <= NEAR, name
            assert abs(point.lon - lon) <= NEAR, name
            # named as the exchange names it, with the province, and said to be approximate
            assert point.title == f"{community['name_th']} · ตำแหน่งโดยประมาณ ({thai})", point.title
            (legend,) = LEGEND.findall(page.text)
            assert community["name_th"] in legend
            assert f"ตำแหน่งโดยประมาณ ({thai})" in legend
    (legend,) = LEGEND.findall(page.text)
    # its key says what an arrow is; an exchange zoomed on its ends names no region's colour
    assert "ของ จากชุมชนที่ให้ไปยังชุมชนที่รับ" in legend
    assert 'class="swatch"' not in legend
    if exact == set(ends):
        assert "โดยประมาณ" not in legend  # nothing approximate, nothing to explain
    _check_leaks(page.text, [c for name, (c, _, _) in ends.items() if name not in exact], points)
    # an arrow for every transfer: the fish south to north-east, the rice back
    assert sorted(ARROW.findall(page.text)) == ["ข้าวหอมมะลิ 1,500\xa0กก.", "ปลาแห้ง 200\xa0กก."]


@pytest.mark.parametrize(
    ("persona", "status"), [(OTHER, 404), (COORD_ELSEWHERE, 404), (PARTNER, 302), (ANON, 302)]
)
async def test_those_who_may_not_see_the_exchange_see_no_map_of_it(
    world: World, towns: Towns, persona: str, status: int
) -> None:
    proposal_id = await _south_northeast(world, towns)
    if persona not in (ANON, PARTNER):  # a partner key is refused at sign-in: a stranger here
        await sign_in(world.client, world.keys[persona])
    page = await world.client.get(f"/console/proposals/{proposal_id}", follow_redirects=False)
    assert page.status_code == status
    assert drawn(page.text) == {}
    for c in (towns.satun, towns.yasothon):
        assert c["name_th"] not in page.text
        for value in (c["lat"], c["lon"]):
            assert not written(value).search(page.text)


async def test_approximate_points_are_said_in_english_on_request(world: World, towns: Towns) -> None:
    proposal_id = await _south_northeast(world, towns)
    await sign_in(world.client, world.keys[COORD])
    await world.client.get("/console/lang/en?next=/console/")
    page = await world.client.get(f"/console/proposals/{proposal_id}")
    point = drawn(page.text)[towns.yasothon["id"]]
    assert point.approximate
    assert point.title == "Yasothon · approximate location (Yasothon province)"


async def test_two_hidden_villages_of_one_province_are_drawn_apart_with_the_arrow_between(
    world: World, towns: Towns
) -> None:
    """Both rice groups stand at Yasothon's centre for the South's coordinator: they are set apart
    around it, so that each shows and the rice going from one to the other has its arrow."""
    proposal_id, kho_wang = await through_one_province(world, towns)
    await sign_in(world.client, world.keys[COORD])
    page = await world.client.get(f"/console/proposals/{proposal_id}")
    points = drawn(page.text)
    assert set(points) == {towns.satun["id"], towns.yasothon["id"], kho_wang["id"]}
    a, b = points[towns.yasothon["id"]], points[kho_wang["id"]]
    assert a.approximate
    assert b.approximate
    assert not points[towns.satun["id"]].approximate
    assert (a.lat, a.lon) != (b.lat, b.lon)
    lat, lon = province_centre("35")
    # on a ring around the province's centre: it is the midpoint between them
    assert abs((a.lat + b.lat) / 2 - lat) <= NEAR
    assert abs((a.lon + b.lon) / 2 - lon) <= NEAR
    assert len(ARROW.findall(page.text)) == 3
    _check_leaks(page.text, [towns.yasothon, kho_wang], points)


async def test_a_plan_across_regions_maps_every_stop_for_both_regions_coordinators(
    world: World, towns: Towns
) -> None:
    """Not the exchange's problem: a shipment carries its stops' own points, which its driver
    needs and both regions' coordinators read (GET /v1/shipments/{id}), so its map has both ends."""
    await _south_northeast(world, towns, status="approved")
    await sign_in(world.client, world.keys[COORD])
    token = await csrf_of(world.client, "/console/logistics/")
    planned = await world.client.post(
        "/console/logistics/plans", data={"_csrf_token": token}, follow_redirects=False
    )
    assert planned.status_code == 303, planned.text
    for persona in (COORD, COORD_NORTHEAST):
        await sign_in(world.client, world.keys[persona])
        plan = await world.client.get(planned.headers["location"])
        stops = re.findall(r'<circle class="pt"[^>]*><title>([^<]*)</title>', plan.text)
        assert {towns.satun["name_th"], towns.yasothon["name_th"]} <= set(stops), (persona, stops)
        assert ARROW.search(plan.text)


def test_a_province_is_named_as_thai_names_it_and_bangkok_is_no_province() -> None:
    yasothon = PlaceOut(1, "35", "ยโสธร", "Yasothon", 15.838, 104.3049, exact=False)
    bangkok = PlaceOut(2, "10", "กรุงเทพมหานคร", "Bangkok", 13.7578, 100.5559, exact=False)
    i18n.use("th")
    assert (province_phrase(yasothon), province_phrase(bangkok)) == ("จังหวัดยโสธร", "กรุงเทพมหานคร")
    i18n.use("en")
    assert (province_phrase(yasothon), province_phrase(bangkok)) == ("Yasothon province", "Bangkok")
    i18n.use("th")

"""The console's offline maps (barter/console/maps.py): arrows between close points, and places
that share one spot."""

from __future__ import annotations

import math
from dataclasses import replace

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from barter.console import maps, views, web
from barter.reference import load_provinces
from barter.schemas.logistics import ShipmentOut


def test_an_arrow_too_short_to_draw_is_left_out_not_drawn_backwards() -> None:
    """An arrow is stopped short of both points; between points 3 markers apart what was left
    pointed the other way (a tiny arrow from the receiver to the giver)."""
    m = maps.zoom(maps.with_points(maps.base_map(), [(13.5, 100.5, "Bangkok")]))
    gap = 3 * m.marker
    m.arrows = [maps.Arrow(300.0, 700.0, 300.0, 700.0 + gap, "close")]
    assert m.lines() == []
    m.arrows = [maps.Arrow(300.0, 700.0, 300.0, 700.0 + 6 * m.marker, "far enough")]
    (drawn,) = m.lines()
    assert drawn.y2 - drawn.y1 >= m.marker  # the way the goods go, at least a marker long


def test_places_sharing_a_spot_are_set_apart_so_the_arrow_between_them_shows() -> None:
    yasothon, satun = (15.838, 104.3049), (6.86, 99.72)
    spots = maps.apart({"a": yasothon, "b": yasothon, "c": satun})
    assert spots["c"] == satun  # alone on its spot: untouched
    a, b = spots["a"], spots["b"]
    assert a != b
    assert math.isclose((a[0] + b[0]) / 2, yasothon[0], abs_tol=0.001)  # around the shared spot
    assert math.isclose((a[1] + b[1]) / 2, yasothon[1], abs_tol=0.001)
    m = maps.zoom(maps.with_arrows(maps.base_map(), [(a, b, "rice"), (satun, a, "fish")]))
    assert [x.label for x in m.lines()] == ["rice", "fish"]
    assert maps.apart({"a": satun, "b": yasothon}) == {"a": satun, "b": yasothon}


def test_on_the_country_map_places_sharing_a_spot_are_set_apart_by_the_country_maps_markers() -> None:
    """The communities' map is the whole country, unzoomed: communities registered without a point
    all stand at their province's centre. A ring sized for the map zoom() would frame (apart's
    default) is as wide as what the points span: a province's alone left the markers over each
    other on the country map, Satun's and Yasothon's put them two provinces away. Sized for the
    country map (span), neighbours on the ring are APART of its markers apart around the shared
    spot, whatever else the map shows; a place alone is untouched."""
    satun, yasothon = (6.86, 99.72), (15.838, 104.3049)
    country = maps.base_map()
    shared = {f"group {i}": satun for i in range(5)}
    centre = maps.project(*satun)

    def gaps(spots: dict[str, tuple[float, float]]) -> list[float]:
        xy = [maps.project(*spots[key]) for key in shared]
        assert math.isclose(sum(x for x, _ in xy) / 5, centre[0], abs_tol=0.1)  # around the spot
        assert math.isclose(sum(y for _, y in xy) / 5, centre[1], abs_tol=0.1)
        return [math.dist(a, b) for a, b in zip(xy, xy[1:] + xy[:1], strict=True)]

    assert max(gaps(maps.apart(shared))) < maps.APART * country.marker / 1.5  # zoomed: too close here
    assert min(gaps(maps.apart({**shared, "alone": yasothon}))) > 2 * maps.APART * country.marker
    for others in ({}, {"alone": yasothon}):
        spots = maps.apart({**shared, **others}, span=country.width)
        assert all(spots[key] == spot for key, spot in others.items())
        for gap in gaps(spots):
            assert math.isclose(gap, maps.APART * country.marker, rel_tol=0.01), gap


def _boxes_apart(m: maps.Map, labels: list[maps.Label]) -> None:
    """No label covers another, nor any marker but its own (each as place_labels estimates it)."""
    boxes = [label.box(m.font) for label in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not maps._overlap(a, b), (labels, a, b)
        for p in m.points:
            if p is not labels[i].point:
                marker = (p.x - m.marker, p.y - m.marker, p.x + m.marker, p.y + m.marker)
                assert not maps._overlap(a, marker), (labels[i], p)


# three communities of Chiang Rai a few km apart: a font's height or less on a zoomed map
CLOSE = [
    (19.910, 99.840, "วิสาหกิจชุมชนข้าวหอมมะลิเชียงราย"),
    (19.930, 99.862, "กลุ่มแม่บ้านเกษตรกรบ้านหนองบัว"),
    (19.895, 99.870, "กลุ่มทอผ้าไหมพื้นเมืองบ้านดอนแก้ว"),
]


def _close_map(spots: list[tuple[float, float, str]]) -> maps.Map:
    m = maps.zoom(maps.with_points(maps.base_map(), spots))
    m.points = [replace(p, community=n) for n, p in enumerate(m.points)]
    return m


def test_labels_of_communities_a_few_km_apart_do_not_overlap() -> None:
    """QA: on a phone, the names of close communities were drawn over each other, each beside its
    point as if alone. Each label now goes where it covers no other label and no other marker,
    and all three are named."""
    m = _close_map(CLOSE)
    # as they were drawn (each to the right of its point), two of them overlapped
    beside = [
        maps.Label(p, text, p.x + 1.6 * m.marker, p.y + m.font * 0.35, "start") for p, text in m.labelled()
    ]
    assert any(
        maps._overlap(a.box(m.font), b.box(m.font)) for i, a in enumerate(beside) for b in beside[i + 1 :]
    )
    labels, left_off = m.placed()
    assert left_off == []
    assert [label.text for label in labels] == [text for _, text in m.labelled()]
    _boxes_apart(m, labels)
    assert m.box is not None
    for label in labels:  # and each within the map's view
        assert maps._inside(label.box(m.font), m.box), label


def test_a_label_with_no_free_spot_is_left_off_and_listed_not_drawn_over_another() -> None:
    """Eight communities within a km or two (the most a map names): those whose label would
    cover another's are left off, the first to come keep theirs, and the left off are returned
    for the map's caption to list (each still its marker's tooltip)."""
    crowd = [(19.91 + 0.004 * (i % 3), 99.84 + 0.004 * (i // 3), f"บ้านหนองบัวหมู่ที่ {i + 1}") for i in range(8)]
    m = _close_map(crowd)
    labels, left_off = m.placed()
    assert left_off, labels
    assert labels[0].point is m.points[0]
    assert {label.point.community for label in labels} | {p.community for p, _ in left_off} == set(range(8))
    _boxes_apart(m, labels)
    html = web.environment().from_string('{% from "_map.html" import draw %}{{ draw(m, "map") }}').render(m=m)
    listed = html.split('<ul class="plain unlabelled">')[1].split("</ul>")[0]
    for p, _ in left_off:
        assert f"<li>{p.label}</li>" in listed
    assert html.count('class="pt-label"') == len(labels)


def test_a_place_shown_twice_at_one_spot_is_labelled_once() -> None:
    m = _close_map(CLOSE[:1])
    m.points.append(m.points[0])  # a shipment's stop visited again
    labels, left_off = m.placed()
    assert len(labels) == 1
    assert left_off == []


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(19.8, 19.95), st.floats(99.8, 99.95), st.sampled_from([c[2] for c in CLOSE])),
        min_size=1,
        max_size=8,
    )
)
def test_no_two_labels_overlap_wherever_the_points_are(spots: list[tuple[float, float, str]]) -> None:
    m = _close_map(spots)
    labels, left_off = m.placed()
    assert len(labels) + len(left_off) == len(m.points)
    _boxes_apart(m, labels)
    for label in labels:  # none cut off at the map's edge
        assert maps._inside(label.box(m.font), m.box or (0, 0, m.width, m.height)), label


def test_a_label_that_would_run_past_the_maps_edge_is_not_cut_off_but_listed() -> None:
    """The map of the communities, the whole country: three groups of Chiang Rai at its top, each
    drawn at the province's centre. The second's label went left of the point and past the
    map's edge ("…น… บ้านหนองบัว"); it goes below the first now, and the third, with no room
    left within the map, is listed."""
    m = maps.base_map()
    m.points = [
        maps.Point(*maps.project(19.9, 99.8), name, community=n) for n, (_, _, name) in enumerate(CLOSE)
    ]
    labels, left_off = m.placed()
    view = (0.0, 0.0, m.width, m.height)
    assert [label.point.community for label in labels] == [0, 1]
    assert all(maps._inside(label.box(m.font), view) for label in labels), labels
    assert [p.community for p, _ in left_off] == [2]
    _boxes_apart(m, labels)


# A plan's stops in the South, each a few km from the next: the depot in Songkhla, and three groups
# of one district (what the whole country's map of the plan draws within a marker or two).
STOPS = [
    ("คลังรถสงขลา", None, 7.19, 100.59),
    ("กลุ่มประมงพื้นบ้านบ้านตันหยงโป", 1, 7.21, 100.56),
    ("วิสาหกิจชุมชนข้าวหอมบ้านควนขนุน", 2, 7.23, 100.58),
    ("กลุ่มแม่บ้านเกษตรกรบ้านหนองบัว", 3, 7.20, 100.61),
]
SHIPMENT = {  # what shipment_map does not read
    "plan_id": 1,
    "status": "planned",
    "preview": False,
    "vehicle": "6w",
    "kind": "truck6",
    "unit": 1,
    "capacity_kg": 5000.0,
    "regions": ["south"],
    "km": 40.0,
    "cost": 900.0,
    "max_load_kg": 1700.0,
    "departure": "2026-12-07T08:00:00Z",
    "arrival": "2026-12-07T12:00:00Z",
    "carries": [],
    "created_at": "2026-12-07T00:00:00Z",
    "updated_at": "2026-12-07T00:00:00Z",
    "loading_at": None,
    "departed_at": None,
    "delivered_at": None,
    "cancelled_at": None,
    "version": 1,
}


def _shipment(
    n: int, route: list[int], places: list[tuple[str, int | None, float, float]] = STOPS
) -> ShipmentOut:
    """Shipment `n`, from the depot (places[0]) through places[i] for i in `route`, back to it."""
    stops = [
        {
            "kind": "depot" if community is None else "pickup_dropoff",
            "name_th": name,
            "name_en": name,
            "community_id": community,
            "lat": lat,
            "lon": lon,
            "region": "south",
            "hub": None,
            "arrival": SHIPMENT["departure"],
            "departure": SHIPMENT["departure"],
            "load_kg": 0.0,
            "km_from_previous": 1.0,
            "picked": [],
            "dropped": [],
        }
        for name, community, lat, lon in (places[i] for i in [0, *route, 0])
    ]
    return msgspec.convert(
        {**SHIPMENT, "id": n, "code": f"S00{n}", "stops": stops}, ShipmentOut, strict=False
    )


def test_a_plans_close_stops_are_labelled_apart_on_the_country_map_and_the_plans() -> None:
    """A phone walk: on the whole country's map of the shipments (the logistics page) the South's
    three places stood a line apart, their labels' boxes drawn over each other (a label's height
    was taken as 1.3 ems; the browser draws 1.57). A plan whose stops are a few km apart, two
    shipments visiting some twice: on the country map and the plan's (zoomed), no label covers
    another or another's marker, each place is named once, on the map or listed under it."""
    plan = [_shipment(1, [1, 2, 1]), _shipment(2, [3, 2])]
    for m in (views.shipment_map(plan), maps.zoom(views.shipment_map(plan))):
        assert len(m.points) == 9  # more than the 8 points a map named: no label was drawn
        assert m.places == 4  # a stop visited again is one place: labelled (the map names up to 8)
        labels, left_off = m.placed()
        _boxes_apart(m, labels)
        named = [label.point.label for label in labels] + [p.label for p, _ in left_off]
        assert sorted(named) == sorted(name for name, *_ in STOPS)
        html = (
            web.environment()
            .from_string('{% from "_map.html" import draw %}{{ draw(m, "map") }}')
            .render(m=m)
        )
        assert html.count('class="pt-label"') == len(labels)
        listed = html.split('<ul class="plain unlabelled">')[1].split("</ul>")[0] if left_off else ""
        assert all(f"<li>{p.label}</li>" in listed for p, _ in left_off)
        for i, a in enumerate(labels):  # a line apart at least, as the browser draws a line
            for b in labels[i + 1 :]:
                if a.box(m.font)[0] < b.box(m.font)[2] and b.box(m.font)[0] < a.box(m.font)[2]:
                    assert abs(a.y - b.y) >= 1.57 * m.font, (a, b)
    country, _ = views.shipment_map(plan).placed()
    assert len(country) >= 3, country  # the South's places, named on the country map


def test_a_label_is_put_where_no_arrow_runs_through_it_where_there_is_such_a_spot() -> None:
    """The day's plan on a phone: the depot in Songkhla, the fishing group in Satun and the rice
    group in Phatthalung (each at its province's centre). The depot's label went to its left,
    across the arrow between the other two; it goes where no arrow runs, as do the others."""
    centre = {p.code: (p.lat, p.lon) for p in load_provinces()}
    places = [
        ("คลังรถสงขลา", None, *centre["90"]),
        ("กลุ่มประมงพื้นบ้านบ้านตันหยงโป", 1, *centre["91"]),
        ("วิสาหกิจชุมชนข้าวหอมบ้านควนขนุน", 2, *centre["93"]),
    ]
    m = maps.zoom(views.shipment_map([_shipment(1, [1, 2, 1], places)]))
    lines = [(a.x1, a.y1, a.x2, a.y2) for a in m.lines()]
    assert len(lines) == 4
    view = m.box or (0.0, 0.0, m.width, m.height)
    before, _ = maps.place_labels(m.labelled(), view, marker=m.marker, font=m.font)
    crossed = [
        label.text for label in before if any(maps._crosses(line, label.box(m.font)) for line in lines)
    ]
    assert "คลังรถสงขลา" in crossed, crossed
    labels, left_off = m.placed()
    assert left_off == []
    assert len(labels) == 3
    _boxes_apart(m, labels)
    for label in labels:
        assert not any(maps._crosses(line, label.box(m.font)) for line in lines), label
        assert maps._inside(label.box(m.font), view), label


def test_whether_an_arrow_runs_through_a_box() -> None:
    box = (0.0, 0.0, 10.0, 4.0)
    assert maps._crosses((-5.0, 2.0, 15.0, 2.0), box)  # straight through
    assert maps._crosses((5.0, 2.0, 5.0, 20.0), box)  # from within
    assert maps._crosses((-1.0, -1.0, 11.0, 5.0), box)  # corner to corner
    assert not maps._crosses((-5.0, 5.0, 15.0, 5.0), box)  # below it
    assert not maps._crosses((11.0, -10.0, 11.0, 10.0), box)  # beside it, upright
    assert not maps._crosses((-2.0, 3.0, 1.0, 7.0), box)  # past its corner


def test_a_map_of_one_village_shows_its_surroundings() -> None:
    """A community's page zoomed to its one point showed a red dot on a blank staircase of the
    map's 0.06-degree cells (1.6 degrees wide): no coast, no neighbour to know it by. A zoomed map
    is now at least 4 degrees (some 440 km) wide."""
    m = maps.base_map()
    m.points.append(maps.Point(*maps.project(8.43, 99.96), "สวนผลไม้"))
    box = maps.zoom(m).box
    assert box is not None
    degrees = box[2] / maps.project(0, maps.unproject(0, 0)[1] + 1)[0]
    assert degrees >= 4.0

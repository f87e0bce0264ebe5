"""The console's offline maps (barter/console/maps.py): arrows between close points, and places
that share one spot."""

from __future__ import annotations

import math

from barter.console import maps


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

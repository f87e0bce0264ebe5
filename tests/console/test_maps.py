"""The console's offline maps (barter/console/maps.py): arrows between close points."""

from __future__ import annotations

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

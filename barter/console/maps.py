"""Offline maps: Thailand's provinces from barter/reference/map.json, with points and arrows on top.

Pure functions that return what the templates draw as inline SVG (no tiles, no network).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from barter.reference import DIR, load_provinces

REGION_FILL = {
    "north": "#dfe9d3",
    "northeast": "#efe4c8",
    "central": "#d9e4ef",
    "east": "#e6dcee",
    "west": "#f1dcd6",
    "south": "#d4ebe6",
}


@cache
def _figure() -> dict[str, Any]:
    figure: dict[str, Any] = json.loads((DIR / "map.json").read_text(encoding="utf-8"))
    return figure


def project(lat: float, lon: float) -> tuple[float, float]:
    """Map units of map.json's projection (x east, y south)."""
    p = _figure()["projection"]
    return round((lon - p["lon0"]) * p["kx"] * p["scale"], 1), round((p["lat1"] - lat) * p["scale"], 1)


def unproject(x: float, y: float) -> tuple[float, float]:
    p = _figure()["projection"]
    return round(p["lat1"] - y / p["scale"], 5), round(p["lon0"] + x / (p["kx"] * p["scale"]), 5)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    kind: str = "community"


@dataclass(frozen=True)
class Arrow:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str


@dataclass
class Map:
    """What one map shows: the provinces, and a view box around what matters."""

    width: float
    height: float
    provinces: list[tuple[str, str, str]]  # code, fill, path
    points: list[Point] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    highlight: set[str] = field(default_factory=set)

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"

    @property
    def marker(self) -> float:
        """A point's radius: about the same on screen however far the map is zoomed."""
        return 9.0


def base_map(highlight: set[str] | None = None) -> Map:
    figure = _figure()
    region = {p.code: p.region for p in load_provinces()}
    provinces = [
        (code, REGION_FILL.get(region.get(code, ""), "#e5e5e5"), path)
        for code, path in figure["provinces"].items()
    ]
    return Map(figure["width"], figure["height"], provinces, highlight=set(highlight or ()))


def with_points(m: Map, points: list[tuple[float, float, str]]) -> Map:
    for lat, lon, label in points:
        x, y = project(lat, lon)
        m.points.append(Point(x, y, label))
    return m


def with_arrows(m: Map, arrows: list[tuple[tuple[float, float], tuple[float, float], str]]) -> Map:
    for a, b, label in arrows:
        x1, y1 = project(*a)
        x2, y2 = project(*b)
        m.arrows.append(Arrow(x1, y1, x2, y2, label))
    return m


def projection() -> dict[str, float]:
    """The projection's parameters, for the map picker in the browser."""
    p: dict[str, float] = _figure()["projection"]
    return p

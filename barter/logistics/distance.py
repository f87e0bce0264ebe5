"""Road distances for the planner, behind an interface a road-network service can implement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from barter.domain import geo
from barter.logistics.model import Place


class DistanceProvider(Protocol):
    """Road kilometres from each source to each target: `result[i][j]` for sources[i] -> targets[j].

    Implementations must be pure functions of their arguments (the planner relies on it to give
    the same plan for the same input) and return 0 for a place to itself.
    """

    def matrix(self, sources: Sequence[Place], targets: Sequence[Place]) -> list[list[float]]: ...


def great_circle_km(a: Place, b: Place) -> float:
    """The haversine distance in kilometres."""
    return geo.great_circle_km(a.lat, a.lon, b.lat, b.lon)


class GreatCircle:
    """The default provider: great-circle kilometres times a road factor."""

    def __init__(self, road_factor: float = 1.3) -> None:
        if road_factor < 1.0:
            raise ValueError("road_factor must be at least 1")
        self.road_factor = road_factor

    def matrix(self, sources: Sequence[Place], targets: Sequence[Place]) -> list[list[float]]:
        return [[great_circle_km(s, t) * self.road_factor for t in targets] for s in sources]

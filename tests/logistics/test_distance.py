from __future__ import annotations

from collections.abc import Sequence

import pytest

from barter.logistics import GreatCircle, PlanInput, great_circle_km, plan
from barter.logistics.model import Place
from tests.logistics.builders import BANGKOK, CHIANG_MAI, FAST, SATUN, SONGKHLA, transfer, truck
from tests.logistics.invariants import check_plan


def test_great_circle_matches_known_distances() -> None:
    # Bangkok to Chiang Mai is about 585 km as the crow flies.
    assert great_circle_km(BANGKOK, CHIANG_MAI) == pytest.approx(585, abs=10)
    assert great_circle_km(SATUN, SATUN) == 0.0
    assert great_circle_km(SATUN, BANGKOK) == pytest.approx(great_circle_km(BANGKOK, SATUN))


def test_the_default_provider_applies_the_road_factor_to_a_rectangular_matrix() -> None:
    km = GreatCircle(1.3).matrix([BANGKOK, SATUN], [CHIANG_MAI, BANGKOK, SONGKHLA])
    assert len(km) == 2
    assert all(len(row) == 3 for row in km)
    assert km[0][0] == pytest.approx(1.3 * great_circle_km(BANGKOK, CHIANG_MAI))
    assert km[0][1] == 0.0
    with pytest.raises(ValueError, match="road_factor"):
        GreatCircle(0.9)


class Flat:
    """A stand-in road service: every two different places are `km` apart."""

    def __init__(self, km: float) -> None:
        self.km = km
        self.calls = 0

    def matrix(self, sources: Sequence[Place], targets: Sequence[Place]) -> list[list[float]]:
        self.calls += 1
        return [[0.0 if s == t else self.km for t in targets] for s in sources]


def test_a_road_service_replaces_great_circle_distances() -> None:
    problem = PlanInput(
        transfers=(transfer("a", SATUN, CHIANG_MAI, 100), transfer("b", BANGKOK, SONGKHLA, 100)),
        vehicles=(truck("v", BANGKOK),),
        settings=FAST,
    )
    near = Flat(10.0)
    assert len(plan(problem, near).handovers) == 2  # 10 km by its roads: both are hand-overs
    assert near.calls >= 1
    far = Flat(400.0)
    result = plan(problem, far)
    check_plan(problem, result, far)
    assert result.totals.routed == 2
    for shipment in result.shipments:
        assert all(stop.km_from_previous in (0.0, 400.0) for stop in shipment.stops)

"""Transport estimates from the fleet: a load sent alone, and the cost per kg-km runs price with."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from barter.logistics.estimate import LOAD_FACTOR, cost_per_kg_km
from barter.logistics.fleet import FLEET, default_fleet


@dataclass(frozen=True)
class Truck:
    capacity_kg: float
    cost_per_km: float


def test_the_cheapest_truck_per_kg_km_at_its_average_load() -> None:
    # ten-wheel: 22 baht/km for 15 t; at half load (full out, empty back) 7.5 t are carried
    assert LOAD_FACTOR == 0.5
    assert cost_per_kg_km(FLEET) == pytest.approx(22 / 7_500)
    assert cost_per_kg_km(default_fleet().vehicles) == pytest.approx(22 / 7_500)
    # the pickup (9 baht/km for 1 t) and the six-wheel (15 for 6 t) are dearer per kg
    assert cost_per_kg_km([Truck(1_000, 9.0), Truck(6_000, 15.0)]) == pytest.approx(15 / 3_000)
    # full both ways halves it
    assert cost_per_kg_km(FLEET, load_factor=1.0) == pytest.approx(22 / 15_000)


def test_satun_to_khon_kaen_costs_a_few_baht_a_kilogram() -> None:
    # 1,472 road km: 4.3 baht a kg, 17% of a kg of sticky rice (30 baht), 2% of dried fish (260)
    per_kg = cost_per_kg_km(FLEET) * 1_472
    assert 4.2 < per_kg < 4.4


def test_no_fleet_is_free_and_a_bad_load_factor_is_refused() -> None:
    assert cost_per_kg_km([]) == 0.0
    with pytest.raises(ValueError, match="load_factor"):
        cost_per_kg_km(FLEET, load_factor=0.0)

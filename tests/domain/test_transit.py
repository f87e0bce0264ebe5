"""Transit time: one definition for the engine and the planner."""

from __future__ import annotations

import numpy as np
import pytest

from barter.domain.transit import transit_days
from barter.logistics.routing import Timing


def test_a_day_is_the_working_hours_driven_at_the_speed() -> None:
    assert transit_days(500.0) == pytest.approx(1.0)  # 50 km/h, 10 hours a day
    assert transit_days(1_472.0) == pytest.approx(2.944)
    assert transit_days(600.0, speed_kmh=60.0, working_hours_per_day=5.0) == pytest.approx(2.0)
    out = transit_days(np.array([0.0, 250.0, 1000.0]))
    assert out.tolist() == pytest.approx([0.0, 0.5, 2.0])


def test_the_planner_drives_by_the_same_clock() -> None:
    timing = Timing(speed_kmh=50.0, stretch=24.0 / 10.0, stop_minutes=60)
    for km in (0.0, 80.0, 499.9, 500.0, 1_472.0):
        assert timing.drive(km) == int(np.ceil(transit_days(km) * 1440 - 1e-9))
    assert timing.drive(500.0) == 1440  # one working day of driving is one day of elapsed time


def test_a_speed_or_day_of_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        transit_days(10.0, speed_kmh=0.0)

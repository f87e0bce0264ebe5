from __future__ import annotations

import pytest

from barter.matching import wall
from barter.matching.wall import wall_seconds


def test_on_the_wall_clock_a_solver_gets_the_engines_seconds() -> None:
    assert wall.SCALE == 1.0
    assert wall_seconds(2.5) == 2.5


def test_a_counting_clock_can_keep_the_solvers_from_stopping_on_the_machines_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(wall, "SCALE", 1000.0)
    assert wall_seconds(0.05) == pytest.approx(50.0)

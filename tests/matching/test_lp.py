"""Column generation (barter/matching/lp.py): what it leaves readable when time runs out."""

from __future__ import annotations

import itertools

import msgspec
import pytest

from barter.matching.engine import Clock, build_model
from barter.matching.lp import Master
from barter.matching.market import build_market
from barter.matching.synthetic import generate_market
from barter.reference import load_catalogue, load_provinces


def test_out_of_time_after_adding_columns_still_gives_readable_values(
    capfd: pytest.CaptureFixture[str],
) -> None:
    instance = generate_market(300, provinces=load_provinces(), catalogue=load_catalogue(), seed=2)
    instance = msgspec.structs.replace(
        instance, settings=msgspec.structs.replace(instance.settings, time_limit_s=60.0)
    )
    market = build_market(instance)
    model = build_model(market, Clock(60.0, None))
    master = Master(model, instance.settings.balance_tolerance)
    # plenty of time through the first iteration (so it adds columns), none from then on
    readings = itertools.chain([10.0, 9.0], itertools.repeat(-1.0))
    result = master.run(deadline=lambda: next(readings))
    assert result.iterations >= 2  # the changed model was solved again, not read stale
    assert result.cycle_values or result.chain_values
    assert all(v >= -1e-9 for v in result.cycle_values.values())
    assert "changed since the solution was last computed" not in capfd.readouterr().err

"""Column generation (barter/matching/lp.py): what it leaves readable when time runs out, and
the warm start a later round of arc generation begins from."""

from __future__ import annotations

import itertools

import msgspec
import pytest

from barter.matching.engine import Clock, build_model
from barter.matching.lp import Master, carried_columns
from barter.matching.market import acceptable, build_market
from barter.matching.pricing import price_whole
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


def test_a_later_round_starts_from_the_last_lps_columns() -> None:
    """Round 2 of arc generation is a model over more arcs: the columns the first LP used are
    carried over (the same arcs, cycles and value patterns), so its first solve already holds the
    first LP's value, where a cold start begins from a handful of columns."""
    instance = generate_market(300, provinces=load_provinces(), catalogue=load_catalogue(), seed=2)
    whole = acceptable(instance)
    small = build_market(instance, whole=whole)
    assert small.n_excluded > 0  # a market priced in rounds
    first = build_model(small, Clock(60.0, None))
    lp = Master(first, instance.settings.balance_tolerance).run(deadline=lambda: 30.0)
    assert lp.converged
    priced = price_whole(first, lp.duals, budget=2000)
    assert priced.improving
    wider = build_model(build_market(instance, extra=priced.improving, whole=whole), Clock(60.0, None))
    assert wider.market.n_arcs > small.n_arcs
    warm = carried_columns(first, lp, wider)
    used = sum(v > 1e-9 for v in lp.cycle_values.values()) + sum(v > 1e-9 for v in lp.chain_values.values())
    assert len(warm) == used  # every column the first LP used exists in the wider model
    for key, row, _ in warm:
        if key[0] != "position":
            arcs = wider.families[key].arcs[row]
            assert set(wider.market.arc_to[arcs]) == set(wider.market.arc_from[arcs])  # still a cycle

    def one_solve(warm_start: bool) -> float:
        # a model of its own each time: a master marks the columns it holds in the model
        model = build_model(build_market(instance, extra=priced.improving, whole=whole), Clock(60.0, None))
        initial = carried_columns(first, lp, model) if warm_start else []
        result = Master(model, instance.settings.balance_tolerance).run(
            deadline=lambda: 30.0, initial=initial, max_iterations=1
        )
        return result.value * model.market.scale

    first_value = lp.value * small.scale
    assert one_solve(True) >= first_value * (1 - 1e-6)
    assert one_solve(False) < 0.9 * first_value

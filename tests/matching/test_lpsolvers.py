"""The two LP solvers the master LP is held in (barter/matching/lpsolvers.py): the same answers
on an LP solved by hand, before and after columns are added, and on the engine's own masters."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import msgspec
import pytest

from barter.matching import lp as lp_module
from barter.matching.engine import Clock, build_model
from barter.matching.lp import Master
from barter.matching.lpsolvers import GlopLp, HighsLp
from barter.matching.market import build_market
from barter.matching.synthetic import generate_market
from barter.reference import load_catalogue, load_provinces


def _highs_interior() -> HighsLp:
    return HighsLp(crossover=False)


@pytest.mark.parametrize(
    "solver", [HighsLp, _highs_interior, GlopLp], ids=["highs", "highs-interior", "glop"]
)
def test_an_lp_solved_by_hand_and_again_after_a_column_is_added(
    solver: Callable[[], HighsLp | GlopLp],
) -> None:
    # max 2x + 3y  s.t.  x + y <= 4,  x + 3y <= 6:  x = 3, y = 1, worth 9; row prices 3/2, 1/2
    # (each optimum here is a single point, so the interior point without crossover lands on it too)
    lp = solver()
    lp.add_rows([4.0, 6.0])
    lp.add_columns([2.0, 3.0], [float("inf"), float("inf")], [{0: 1.0, 1: 1.0}, {0: 1.0, 1: 3.0}])
    assert lp.solve(10.0)
    assert lp.value() == pytest.approx(9.0)
    assert list(lp.column_values()) == pytest.approx([3.0, 1.0])
    assert list(lp.row_duals()) == pytest.approx([1.5, 0.5])
    # + z at 5 using one of each row, at most 1: z = 1, then x + y <= 3, x + 3y <= 5 -> x = 2, y = 1
    lp.add_columns([5.0], [1.0], [{0: 1.0, 1: 1.0}])
    assert lp.solve(10.0)
    assert lp.value() == pytest.approx(12.0)
    assert list(lp.column_values()) == pytest.approx([2.0, 1.0, 1.0])
    # a row added after the columns, with a coefficient only for a new column
    lp.add_rows([0.5])
    lp.add_columns([10.0], [float("inf")], [{2: 1.0, 0: 1.0}])
    assert lp.solve(10.0)
    # w = 1/2 at 10, less row 0's price 3/2: 12 + 4.25 (then x = y = 5/4, z = 1)
    assert lp.value() == pytest.approx(16.25)
    assert list(lp.column_values()) == pytest.approx([1.25, 1.25, 1.0, 0.5])


def test_an_lp_with_rows_and_no_columns_is_worth_nothing() -> None:
    for solver in (HighsLp(), GlopLp()):
        solver.add_rows([1.0, 2.0])
        assert solver.solve(10.0)
        assert solver.value() == 0.0
        assert list(solver.row_duals()) == [0.0, 0.0]


def test_highs_prints_nothing_on_standard_output() -> None:
    # `barter solve` writes its solution there; highspy.Highs() prints HiGHS's banner
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from barter.matching.lpsolvers import HighsLp\n"
            "lp = HighsLp(); lp.add_rows([1.0]); lp.add_columns([1.0], [2.0], [{0: 1.0}]); lp.solve(5.0)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == ""


def test_both_solvers_find_the_same_lp_optimum_of_a_market(monkeypatch: pytest.MonkeyPatch) -> None:
    """Column generation over the same model, held in HiGHS (the divisible goods' solver) or in
    GLOP: the same optimum, whichever vertices the two pass through."""
    instance = generate_market(150, provinces=load_provinces(), catalogue=load_catalogue(), seed=4)
    instance = msgspec.structs.replace(
        instance, settings=msgspec.structs.replace(instance.settings, time_limit_s=60.0)
    )
    values = {}
    for unit in (False, True):
        monkeypatch.setattr(lp_module, "is_unit", lambda _m, unit=unit: unit)
        model = build_model(build_market(instance), Clock(60.0, None))
        master = Master(model, instance.settings.balance_tolerance)
        assert isinstance(master.lp, GlopLp if unit else HighsLp)
        result = master.run(deadline=lambda: 60.0)
        assert result.converged
        values[unit] = result.value
    assert values[False] > 0
    assert values[True] == pytest.approx(values[False], rel=1e-6)


def test_the_master_is_held_where_it_was_measured_better(monkeypatch: pytest.MonkeyPatch) -> None:
    # divisible goods: HiGHS up to HIGHS_MAX_ROWS offer and need rows, GLOP beyond
    instance = generate_market(60, provinces=load_provinces(), catalogue=load_catalogue(), seed=5)
    model = build_model(build_market(instance), Clock(60.0, None))
    rows = len(model.offer_rows) + len(model.need_rows)
    assert isinstance(Master(model, 0.1).lp, HighsLp)
    monkeypatch.setattr(lp_module, "HIGHS_MAX_ROWS", rows - 1)
    assert isinstance(Master(model, 0.1).lp, GlopLp)


def test_a_copy_of_a_highs_lp_goes_on_from_its_basis_and_stands_alone() -> None:
    # max 2x + 3y  s.t.  x + y <= 4,  x + 3y <= 6:  x = 3, y = 1, worth 9
    lp = HighsLp()
    lp.add_rows([4.0, 6.0])
    lp.add_columns([2.0, 3.0], [float("inf"), float("inf")], [{0: 1.0, 1: 1.0}, {0: 1.0, 1: 3.0}])
    assert lp.solve(10.0)
    lp.warm_from_here()
    other = lp.copy()
    assert other.solve(10.0)
    info = other.highs.getInfo()
    assert info.ipm_iteration_count == 0
    assert info.simplex_iteration_count == 0
    assert other.highs.getOptionValue("solver")[1] == "simplex"  # warm, as the original
    assert other.value() == pytest.approx(9.0)
    assert list(other.column_values()) == pytest.approx([3.0, 1.0])
    # x <= 1 in the copy only: y = 5/3, worth 7; the original keeps its 9
    other.set_upper([0], [1.0])
    assert other.solve(10.0)
    assert other.value() == pytest.approx(7.0)
    assert lp.solve(10.0)
    assert lp.value() == pytest.approx(9.0)
    assert list(lp.column_values()) == pytest.approx([3.0, 1.0])

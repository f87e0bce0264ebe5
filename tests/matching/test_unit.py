from __future__ import annotations

import subprocess
import sys
from typing import Any

import numpy as np
import pytest

from barter.matching import engine as engine_module
from barter.matching.engine import solve_market
from barter.matching.importers.kep import parse_kep
from barter.matching.primal import PrimalResult


def test_the_engine_loads_cp_sat_only_when_a_one_unit_market_needs_it() -> None:
    # CP-SAT's Python module brings pandas with it (0.2 s), which every `barter solve` of a
    # small kep file paid before solve_unit imported it itself
    code = "import sys, barter.matching.engine; print('pandas' in sys.modules, 'ortools.sat' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["False", "False"]


def test_cp_sat_gets_the_workers_a_sub_market_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sub-market solved in a worker process runs CP-SAT with the cores left to it."""
    relax_working = engine_module.relax

    def cut_short(model: Any, clock: Any, *args: Any, **kwargs: Any) -> Any:
        lp = relax_working(model, clock, *args, **kwargs)
        lp.converged = False  # as when the clock cuts the LP short (2,000 UK pairs)
        return lp

    seen: list[int | None] = []

    def recording(*args: Any, **kwargs: Any) -> PrimalResult:
        seen.append(kwargs["n_workers"])
        return PrimalResult("none", 0.0, np.inf)

    monkeypatch.setattr(engine_module, "relax", cut_short)
    monkeypatch.setattr(engine_module, "solve_unit", recording)
    instance = parse_kep("x.input", "4 4\n0 1 1\n1 2 1\n2 0 1\n2 3 1\n-1 -1 -1\n", "1 1\n0 3 1\n-1 -1 -1\n")
    solve_market(instance, 1)
    solve_market(instance)
    assert seen == [1, None]  # None: the cores this process may use (unit.workers)


def test_cp_sat_runs_its_whole_portfolio_when_the_machine_is_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no share given (not a pool's worker), CP-SAT gets at least unit.PORTFOLIO workers even
    on two cores; a share given is kept."""
    from ortools.sat.python import cp_model

    from barter.matching import unit
    from barter.matching.market import build_market
    from barter.matching.primal import Selection

    seen: list[int] = []
    solve = cp_model.CpSolver.solve

    def recording(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(self.parameters.num_workers)
        return solve(self, *args, **kwargs)

    monkeypatch.setattr(cp_model.CpSolver, "solve", recording)
    monkeypatch.setattr(unit, "workers", lambda: 2)
    instance = parse_kep("x.input", "4 4\n0 1 1\n1 2 1\n2 0 1\n2 3 1\n-1 -1 -1\n", "1 1\n0 3 1\n-1 -1 -1\n")
    model = engine_module.build_model(build_market(instance), engine_module.Clock(10.0, None))
    selection = Selection(
        cycles={key: [0] for key in [(k, r) for k, f in model.families.items() for r in range(f.n)]}
    )
    unit.solve_unit(model, selection, seed=0, time_limit=5.0)
    unit.solve_unit(model, selection, seed=0, time_limit=5.0, n_workers=1)
    assert seen == [unit.PORTFOLIO, 1]

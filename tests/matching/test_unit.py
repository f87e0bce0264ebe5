from __future__ import annotations

import subprocess
import sys
from typing import Any

import msgspec
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barter.matching import engine as engine_module
from barter.matching import unit
from barter.matching.engine import Clock, build_model, finish, solve, solve_market
from barter.matching.importers.kep import parse_kep
from barter.matching.market import build_market
from barter.matching.model import Instance, Solution
from barter.matching.primal import PrimalResult, Selection
from tests.matching.conftest import as_dict
from tests.matching.validator import problems


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
    monkeypatch.setattr(engine_module, "UNIT_HIGHS_COLUMNS", 0)  # as on a large market
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


def _kidney_pool(seed: int, pairs: int, altruists: int, density: float) -> Instance:
    """A random kidney pool (kidney_solver layout): cycles of up to 3, chains of up to 2."""
    rng = np.random.default_rng(seed)
    arcs = [(a, b) for a in range(pairs) for b in range(pairs) if a != b and rng.random() < density]
    gifts = [(a, b) for a in range(altruists) for b in range(pairs) if rng.random() < density]
    text = f"{pairs} {len(arcs)}\n" + "".join(f"{a} {b} 1\n" for a, b in arcs) + "-1 -1 -1\n"
    ndds = f"{altruists} {len(gifts)}\n" + "".join(f"{a} {b} 1\n" for a, b in gifts) + "-1 -1 -1\n"
    instance = parse_kep("pool.input", text, ndds)
    limits = msgspec.structs.replace(instance.settings, max_cycle_length=3, max_chain_length=2)
    return msgspec.structs.replace(instance, settings=limits)


def _every_column(model: Any) -> Selection:
    return Selection(
        cycles={(key, r): [0] for key, fam in model.families.items() for r in range(fam.n)},
        chains={k: list(range(len(model.layers.arcs[k - 1]))) for k in range(1, model.layers.depth + 1)},
    )


def _checked(instance: Instance, model: Any, result: PrimalResult) -> float:
    """The answer's objective, after checking that it uses each donor and each patient once at
    most and that the independent validator accepts its exchanges, all of them kept."""
    m = model.market
    arcs = [a for key, r in result.cycles for a in model.families[key].arcs[r].tolist()]
    arcs += [arc for _, arc in result.chains]
    donors, patients = m.arc_offer[arcs].tolist(), m.arc_need[arcs].tolist()
    assert len(set(donors)) == len(donors)
    assert len(set(patients)) == len(patients)
    exchanges, _ = finish(model, result)
    assert sum(len(e.transfers) for e in exchanges) == len(arcs)
    objective = float(sum(len(e.transfers) for e in exchanges))
    solution = Solution(
        status="feasible", objective=objective, upper_bound=objective, solve_seconds=0.0, exchanges=exchanges
    )
    assert problems(as_dict(instance), as_dict(solution)) == []
    return objective


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 100_000),
    pairs=st.integers(4, 40),
    altruists=st.integers(0, 4),
    density=st.floats(0.03, 0.3),
)
def test_a_dive_gives_a_valid_answer_worth_what_it_says_and_never_above_the_optimum(
    seed: int, pairs: int, altruists: int, density: float
) -> None:
    instance = _kidney_pool(seed, pairs, altruists, density)
    model = build_model(build_market(instance), Clock(30.0, None))
    result = unit.dive(model, _every_column(model), deadline=lambda: 30.0)
    assert result.status == "feasible"
    objective = _checked(instance, model, result)
    assert objective == round(result.objective * model.market.scale)  # each transfer is worth 1
    best = solve(instance)
    assert best.status == "optimal"
    assert objective <= best.objective


def test_a_dive_cut_short_completes_its_answer_from_the_last_lp() -> None:
    """Out of time after the first LP, the dive still answers, greedily and validly."""
    instance = _kidney_pool(7, 40, 3, 0.15)
    model = build_model(build_market(instance), Clock(30.0, None))
    calls = 0

    def one_round() -> float:
        nonlocal calls
        calls += 1
        return 30.0 if calls <= 2 else 0.0  # the loop's check and the first solve's limit

    result = unit.dive(model, _every_column(model), deadline=one_round)
    assert result.cycles or result.chains
    assert _checked(instance, model, result) > 0
    nothing = unit.dive(model, _every_column(model), deadline=lambda: 0.0)
    assert not nothing.cycles
    assert not nothing.chains
    assert nothing.objective == 0


def test_a_dive_worth_the_bound_ends_the_search_without_cp_sat(monkeypatch: pytest.MonkeyPatch) -> None:
    instance = _kidney_pool(3, 30, 2, 0.12)
    optimum = solve(instance).objective
    model = build_model(build_market(instance), Clock(30.0, None))
    clock = Clock(30.0, None)
    lp = engine_module.relax(model, clock)

    def no_cp_sat(*args: Any, **kwargs: Any) -> PrimalResult:
        raise AssertionError("CP-SAT ran after a dive reached the bound")

    monkeypatch.setattr(engine_module, "solve_unit", no_cp_sat)
    monkeypatch.setattr(engine_module, "UNIT_HIGHS_COLUMNS", 0)  # as on a large market
    dived: list[float] = []
    dive = unit.dive

    def recording(*args: Any, **kwargs: Any) -> PrimalResult:
        found = dive(*args, **kwargs)
        dived.append(found.objective)
        return found

    monkeypatch.setattr(engine_module, "dive", recording)
    result = engine_module._search_unit(model, lp, clock, None, at_most=optimum)
    assert round(result.objective * model.market.scale) == optimum
    assert len(dived) >= 1

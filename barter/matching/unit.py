"""One-unit markets (kidney exchange, math trades): the integer model in CP-SAT.

In a one-unit market every arc moves the same all-or-nothing value and each offer and each need
can serve one transfer at most (kidney exchange: a donor gives one kidney, a patient receives
one). Every row of the primal model is then "at most one of these columns", and CP-SAT, with
its own LP, clause learning and one search per core, finds far better answers in a given time
than one HiGHS thread over the same columns (2,000 UK pairs: see docs/benchmarks.md).
"""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from barter.matching.columns import FamilyKey, Model
from barter.matching.graph import unique
from barter.matching.market import Market
from barter.matching.primal import PrimalResult, Selection

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

IntArray = npt.NDArray[np.int64]


# CP-SAT workers when a process has the machine to itself: at least this many, however few the
# cores, since each worker runs a different search (its LP, several LNS, core-based) and the
# portfolio finds better answers than the same time on fewer (2,000 UK pairs, 4,412 columns,
# 20 s on 2 cores: 2 workers 1,502 and 1,507; 4 workers 1,489; 8 workers 1,514, 1,515, 1,516;
# 16 workers 1,518). A pool's worker process passes its own share (n_workers) instead.
PORTFOLIO = 8


def workers() -> int:
    """CP-SAT workers: the cores this process may use (at least one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - platforms without affinity
        return max(1, os.cpu_count() or 1)


def is_unit(m: Market) -> bool:
    """Every arc all-or-nothing with one same value, whole-number objective, and no offer or
    need able to serve two transfers."""
    if m.n_arcs == 0 or not m.integral or m.terms or not bool(m.arc_fixed.all()):
        return False
    caps = m.arc_cap
    if float(np.ptp(caps)) > 1e-9 * float(caps.max()):
        return False
    cap = float(caps.max())
    offers, needs = unique(m.arc_offer), unique(m.arc_need)
    offer_room = m.offer_qty[offers] * m.offer_val[offers] / m.scale
    need_room = m.need_qty[needs] / m.scale
    per_need = np.full(len(m.need_qty), np.inf)
    np.minimum.at(per_need, m.arc_need, cap / m.arc_val)
    return bool(np.all(offer_room < 2 * cap * (1 - 1e-9))) and bool(
        np.all(need_room < 2 * per_need[needs] * (1 - 1e-9))
    )


def solve_unit(
    model: Model,
    selection: Selection,
    *,
    seed: int,
    time_limit: float,
    hint: PrimalResult | None = None,
    n_workers: int | None = None,
    at_most: float | None = None,
) -> PrimalResult:
    """The best answer over `selection` (fixed cycle columns and chain positions) in a one-unit
    market (is_unit). Objective without tie-breaks; `bound` is CP-SAT's over these columns.
    `at_most` (baht) caps the objective: a bound known from elsewhere, so that an answer
    reaching it ends the search at once."""
    # imported here: CP-SAT's Python module loads pandas (0.2 s), which every `barter solve` of a
    # small file would otherwise pay (kep_solver/medium-1: 0.42 s a process against 0.21 s)
    from ortools.sat.python import cp_model

    m = model.market
    cp = cp_model.CpModel()
    offer_rows: dict[int, list[cp_model.IntVar]] = {}
    need_rows: dict[int, list[cp_model.IntVar]] = {}
    gains: list[int] = []
    variables: list[cp_model.IntVar] = []
    f = model.fixed_cost

    def use(var: cp_model.IntVar, arcs: IntArray) -> None:
        for a in arcs.tolist():
            offer_rows.setdefault(int(m.arc_offer[a]), []).append(var)
            need_rows.setdefault(int(m.arc_need[a]), []).append(var)

    def gain(value: float) -> int:
        return round(value * m.scale)

    cycles: list[tuple[tuple[FamilyKey, int], cp_model.IntVar]] = []
    hinted_cycles = set(hint.cycles) if hint is not None else set()
    for key, row in selection.cycles:
        fam = model.families[key]
        arcs = fam.arcs[row]
        x = cp.new_bool_var("")
        use(x, arcs)
        variables.append(x)
        gains.append(gain(float(m.arc_cap[arcs] @ m.arc_gain[arcs]) - f))
        cycles.append(((key, row), x))
        if hint is not None:
            cp.add_hint(x, (key, row) in hinted_cycles)
    chains: list[tuple[tuple[int, int], cp_model.IntVar]] = []
    into: dict[tuple[int, int], list[cp_model.IntVar]] = {}  # (k, community) -> arcs at k into it
    out_of: dict[tuple[int, int], list[cp_model.IntVar]] = {}  # (k, community) -> arcs at k+1 out
    for k, indexes in selection.chains.items():
        arcs_k = model.layers.arcs[k - 1]
        for i in indexes:
            arc = int(arcs_k[i])
            x = cp.new_bool_var("")
            use(x, np.array([arc]))
            variables.append(x)
            gains.append(gain(float(m.arc_cap[arc] * m.arc_gain[arc]) - (f if k == 1 else 0.0)))
            chains.append(((k, arc), x))
            into.setdefault((k, int(m.arc_to[arc])), []).append(x)
            if k >= 2:
                out_of.setdefault((k - 1, int(m.arc_from[arc])), []).append(x)
            if hint is not None:
                cp.add_hint(x, (k, arc) in hint.chains)
    for rows in (offer_rows, need_rows):
        for members in rows.values():
            if len(members) > 1:
                cp.add_at_most_one(members)
    for place, givers in out_of.items():
        # a community gives on at position k+1 only what it received at position k
        cp.add(sum(givers) <= sum(into.get(place, [])))
    objective = sum(g * x for g, x in zip(gains, variables, strict=True) if g)
    if at_most is not None and math.isfinite(at_most):
        cp.add(objective <= math.floor(at_most + 1e-6))
    cp.maximize(objective)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = n_workers if n_workers is not None else max(PORTFOLIO, workers())
    status = solver.solve(cp)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return PrimalResult(status="none", objective=0.0, bound=np.inf)
    result = PrimalResult(
        status="optimal" if status == cp_model.OPTIMAL else "feasible",
        objective=solver.objective_value / m.scale,
        bound=solver.best_objective_bound / m.scale,
    )
    for group, x in cycles:
        if solver.value(x):
            fam = model.families[group[0]]
            result.cycles[group] = m.arc_cap[fam.arcs[group[1]]].copy()
    for place, x in chains:
        if solver.value(x):
            result.chains[place] = float(m.arc_cap[place[1]])
    return result

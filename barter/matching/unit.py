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
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import pywraplp

from barter.matching.columns import FamilyKey, Model
from barter.matching.graph import unique
from barter.matching.market import Market
from barter.matching.primal import PrimalResult, Selection, build_primal
from barter.matching.wall import wall_seconds

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
    solver.parameters.max_time_in_seconds = wall_seconds(max(0.05, time_limit))
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


def dive(
    model: Model, selection: Selection, *, deadline: Callable[[], float], share: float = 0.1
) -> PrimalResult:
    """An answer over `selection` in a one-unit market (is_unit) by diving on its LP (GLOP):
    solve, fix the columns at 1 and the largest fractional ones, drop every column sharing an
    offer or a need with them, and solve again, until the LP is whole. The LP of a kidney
    exchange over tens of thousands of columns is nearly whole already, and what is fixed
    follows it: 2,000 UK pairs, 20,001-40,001 columns, 1,526-1,533 (the LP bound: 1,533) in
    2-4 s, where CP-SAT over 4,412 found 1,514-1,520 in 25 s. Each round fixes the columns at 1
    and `share` of the fractional ones, the largest first. Out of time (`deadline()`: seconds
    left), the columns fixed so far are completed greedily by their LP values. Objective
    without tie-breaks; `bound` is infinite (a dive proves nothing)."""
    m = model.market
    solver = pywraplp.Solver.CreateSolver("GLOP")
    assert solver is not None
    built = build_primal(model, selection, solver, penalties=False, relaxed=True)
    variables: list[pywraplp.Variable] = []
    offers: list[list[int]] = []
    needs: list[list[int]] = []
    position: list[int] = []  # chain position k of a chain arc, 0 for a cycle
    giver: list[int] = []  # a chain arc's giving community
    taker: list[int] = []  # ... and receiving one
    for (key, row), entries in built.cycle_vars.items():
        assert len(entries) == 1, "one-unit markets have all-or-nothing cycles"
        arcs = model.families[key].arcs[row]
        variables.append(entries[0][0])
        offers.append(m.arc_offer[arcs].tolist())
        needs.append(m.arc_need[arcs].tolist())
        position.append(0)
        giver.append(-1)
        taker.append(-1)
    for (k, arc), (var, _) in built.chain_vars.items():
        variables.append(var)
        offers.append([int(m.arc_offer[arc])])
        needs.append([int(m.arc_need[arc])])
        position.append(k)
        giver.append(int(m.arc_from[arc]))
        taker.append(int(m.arc_to[arc]))
    by_offer: dict[int, list[int]] = {}
    by_need: dict[int, list[int]] = {}
    for i in range(len(variables)):
        for o in offers[i]:
            by_offer.setdefault(o, []).append(i)
        for n in needs[i]:
            by_need.setdefault(n, []).append(i)
    open_ = np.ones(len(variables), dtype=bool)  # neither fixed nor dropped
    chosen: list[int] = []
    received: set[tuple[int, int]] = set()  # (k, community) given to at chain position k

    def fits(i: int) -> bool:
        # a chain gives on at position k only from a community given to at position k - 1
        return position[i] <= 1 or (position[i] - 1, giver[i]) in received

    def fix(i: int) -> None:
        variables[i].SetLb(1.0)
        chosen.append(i)
        open_[i] = False
        if position[i]:
            received.add((position[i], taker[i]))
        for j in {*(j for o in offers[i] for j in by_offer[o]), *(j for n in needs[i] for j in by_need[n])}:
            if open_[j]:
                open_[j] = False
                variables[j].SetUb(0.0)

    values = np.zeros(len(variables))
    whole = False
    while deadline() > 0:
        solver.SetTimeLimit(max(1, int(wall_seconds(deadline()) * 1000)))
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            break
        values = np.array([v.solution_value() for v in variables])
        fractional = np.nonzero(open_ & (values > 1e-6) & (values < 1 - 1e-6))[0]
        if len(fractional) == 0:
            whole = True
            break
        ones = np.nonzero(open_ & (values >= 1 - 1e-6))[0]
        count = max(1, int(share * len(fractional)))
        largest = fractional[np.argsort(-values[fractional], kind="stable")[:count]]
        before = len(chosen)
        for i in [*ones.tolist(), *largest.tolist()]:
            if open_[i] and fits(i):
                fix(i)
        if len(chosen) == before:
            # nothing could be fixed (chain arcs whose start is open): drop the largest instead
            i = int(largest[0])
            open_[i] = False
            variables[i].SetUb(0.0)
    if not whole:
        # out of time: complete what is fixed by the last LP's values, the largest first
        for i in np.argsort(-values, kind="stable").tolist():
            if values[i] <= 1e-6:
                break
            if open_[i] and fits(i):
                fix(i)
    result = PrimalResult(status="feasible", objective=0.0, bound=np.inf)
    gains = built.gains
    for (key, row), entries in built.cycle_vars.items():
        var = entries[0][0]
        if var.lb() >= 1.0 or (whole and var.solution_value() > 0.5):
            result.cycles[(key, row)] = m.arc_cap[model.families[key].arcs[row]].copy()
            result.objective += gains[var]
    for (k, arc), (var, _) in built.chain_vars.items():
        if var.lb() >= 1.0 or (whole and var.solution_value() > 0.5):
            result.chains[(k, arc)] = float(m.arc_cap[arc])
            result.objective += gains[var]
    return result

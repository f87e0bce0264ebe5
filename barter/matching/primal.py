"""The primal model (HiGHS): integer where the market is, over a chosen set of columns.

Unlike the LP relaxation it keeps min lots (a cycle or a chain arc carries nothing or at least
its lot), all-or-nothing arcs, one fixed cost per exchange, and exact value conservation along
chains (so that chains decompose into balanced paths).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import pywraplp

from barter.matching.columns import Model, chain_objective, cycle_column

FloatArray = npt.NDArray[np.float64]


@dataclass(slots=True)
class Selection:
    """Columns given to the primal model."""

    cycles: dict[tuple[int, int], list[int]] = field(default_factory=dict)  # (L, row) -> patterns
    chains: dict[int, list[int]] = field(default_factory=dict)  # k -> indexes into layers.arcs[k-1]
    flows: bool = False

    def size(self) -> int:
        return sum(len(p) for p in self.cycles.values()) + sum(len(v) for v in self.chains.values())


@dataclass(slots=True)
class PrimalResult:
    status: str  # optimal | feasible | none
    objective: float  # model objective (scaled), penalties included
    bound: float  # solver bound on this restricted model (scaled)
    cycles: dict[tuple[int, int], FloatArray] = field(default_factory=dict)  # hop values
    chains: dict[tuple[int, int], float] = field(default_factory=dict)  # (k, arc) -> value
    flows: dict[int, float] = field(default_factory=dict)


def _highs(seed: int, time_limit: float, gap: float) -> pywraplp.Solver:
    solver = pywraplp.Solver.CreateSolver("HIGHS")
    assert solver is not None
    solver.SetSolverSpecificParametersAsString(
        f"output_flag=false\nrandom_seed={seed}\nthreads=1\nmip_rel_gap={gap}\n"
    )
    solver.SetTimeLimit(max(1, int(time_limit * 1000)))
    return solver


def solve_primal(
    model: Model,
    selection: Selection,
    *,
    seed: int,
    time_limit: float,
    gap: float = 1e-6,
) -> PrimalResult:
    m = model.market
    solver = _highs(seed, time_limit, gap)
    inf = solver.infinity()
    offer_terms: dict[int, list[tuple[pywraplp.Variable, float]]] = {}
    need_terms: dict[int, list[tuple[pywraplp.Variable, float]]] = {}
    objective: list[tuple[pywraplp.Variable, float]] = []
    any_integer = False

    def use_arc(arc: int, var: pywraplp.Variable, amount: float) -> None:
        offer_terms.setdefault(int(m.arc_offer[arc]), []).append((var, amount))
        need_terms.setdefault(int(m.arc_need[arc]), []).append((var, amount / float(m.arc_val[arc])))

    f = model.fixed_cost
    cycle_vars: dict[tuple[int, int], list[tuple[pywraplp.Variable, FloatArray]]] = {}
    for (length, row), patterns in selection.cycles.items():
        fam = model.families[length]
        arcs = fam.arcs[row]
        if fam.fixed[row]:
            x = solver.BoolVar("")
            any_integer = True
            pattern, obj, _ = cycle_column(model, fam, row, 0)
            for hop, arc in enumerate(arcs):
                use_arc(int(arc), x, float(pattern[hop]))
            objective.append((x, obj))
            cycle_vars[(length, row)] = [(x, pattern)]
            continue
        lots = m.arc_lot[arcs]
        caps = m.arc_cap[arcs]
        entries: list[tuple[pywraplp.Variable, FloatArray]] = []
        obj_arc = model.arc_objective()[arcs]
        for p in patterns:
            v = solver.NumVar(0.0, inf, "")
            pattern = fam.rays[p]
            for hop, arc in enumerate(arcs):
                use_arc(int(arc), v, float(pattern[hop]))
            objective.append((v, float(pattern @ obj_arc)))
            entries.append((v, pattern))
        if f > 0 or lots.max() > 0:
            z = solver.BoolVar("")
            any_integer = True
            objective.append((z, -f))
            for hop in range(length):
                flow = solver.Sum([float(pat[hop]) * var for var, pat in entries])
                solver.Add(flow <= float(caps[hop]) * z)
                if lots[hop] > 0:
                    solver.Add(flow >= float(lots[hop]) * z)
        cycle_vars[(length, row)] = entries

    chain_vars: dict[tuple[int, int], pywraplp.Variable] = {}
    chain_value: dict[tuple[int, int], pywraplp.LinearExpr | pywraplp.Variable] = {}
    depth = model.layers.depth
    out_terms: list[dict[int, list[pywraplp.LinearExpr | pywraplp.Variable]]] = [{} for _ in range(depth)]
    in_terms: list[dict[int, list[pywraplp.LinearExpr | pywraplp.Variable]]] = [{} for _ in range(depth)]
    for k, indexes in selection.chains.items():
        arcs_k = model.layers.arcs[k - 1]
        obj_k = chain_objective(model, k)
        for i in indexes:
            arc = int(arcs_k[i])
            cap, lot = float(m.arc_cap[arc]), float(m.arc_lot[arc])
            expr: pywraplp.LinearExpr | pywraplp.Variable
            if m.arc_fixed[arc]:
                u = solver.BoolVar("")
                any_integer = True
                expr = cap * u
                use_arc(arc, u, cap)
                objective.append((u, float(obj_k[i]) * cap))
                chain_vars[(k, arc)] = u
            else:
                y = solver.NumVar(0.0, cap, "")
                use_arc(arc, y, 1.0)
                obj = float(obj_k[i])
                if lot > 0 or (k == 1 and f > 0):
                    u = solver.BoolVar("")
                    any_integer = True
                    solver.Add(y <= cap * u)
                    if lot > 0:
                        solver.Add(y >= lot * u)
                    if k == 1 and f > 0:
                        # the LP spread the fixed cost over the flow; here it is paid once
                        obj += f / cap
                        objective.append((u, -f))
                objective.append((y, obj))
                expr = y
                chain_vars[(k, arc)] = y
            chain_value[(k, arc)] = expr
            out_terms[k - 1].setdefault(int(m.arc_from[arc]), []).append(expr)
            in_terms[k - 1].setdefault(int(m.arc_to[arc]), []).append(expr)
    for k in range(1, depth):
        for c, outs in out_terms[k].items():
            ins = in_terms[k - 1].get(c, [])
            solver.Add(solver.Sum(outs) <= solver.Sum(ins))

    flow_vars: dict[int, pywraplp.Variable] = {}
    if selection.flows:
        balance: dict[int, list[tuple[pywraplp.Variable, float]]] = {}
        obj_all = model.arc_objective()
        for arc in model.flow_arcs:
            a = int(arc)
            cap, lot = float(m.arc_cap[a]), float(m.arc_lot[a])
            if m.arc_fixed[a]:
                u = solver.BoolVar("")
                any_integer = True
                use_arc(a, u, cap)
                objective.append((u, float(obj_all[a]) * cap))
                balance.setdefault(int(m.arc_to[a]), []).append((u, cap))
                balance.setdefault(int(m.arc_from[a]), []).append((u, -cap))
            else:
                u = solver.NumVar(0.0, cap, "")
                use_arc(a, u, 1.0)
                objective.append((u, float(obj_all[a])))
                balance.setdefault(int(m.arc_to[a]), []).append((u, 1.0))
                balance.setdefault(int(m.arc_from[a]), []).append((u, -1.0))
            flow_vars[a] = u
        for terms in balance.values():
            solver.Add(solver.Sum([coef * var for var, coef in terms]) == 0)

    for o, terms in offer_terms.items():
        solver.Add(solver.Sum([c * v for v, c in terms]) <= float(m.offer_qty[o] * m.offer_val[o] / m.scale))
    for n, terms in need_terms.items():
        solver.Add(solver.Sum([c * v for v, c in terms]) <= float(m.need_qty[n] / m.scale))
    solver.Maximize(solver.Sum([c * v for v, c in objective]))

    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return PrimalResult(status="none", objective=0.0, bound=np.inf)
    obj_value = solver.Objective().Value()
    bound = solver.Objective().BestBound() if any_integer else obj_value
    result = PrimalResult(
        status="optimal" if status == pywraplp.Solver.OPTIMAL else "feasible",
        objective=obj_value,
        bound=bound,
    )
    for key, entries in cycle_vars.items():
        hops = sum(var.solution_value() * pattern for var, pattern in entries)
        if isinstance(hops, np.ndarray) and hops.max() > 1e-9:
            result.cycles[key] = hops
    for key, expr in chain_value.items():
        var = chain_vars[key]
        value = var.solution_value()
        if m.arc_fixed[key[1]]:
            value *= float(m.arc_cap[key[1]])
        _ = expr
        if value > 1e-9:
            result.chains[key] = value
    for a, var in flow_vars.items():
        value = var.solution_value() * (float(m.arc_cap[a]) if m.arc_fixed[a] else 1.0)
        if value > 1e-9:
            result.flows[a] = value
    return result

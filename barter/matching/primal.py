"""The primal model (HiGHS): integer where the market is, over a chosen set of columns.

Unlike the LP relaxation it keeps min lots (a cycle or a chain arc carries nothing or at least
its lot), all-or-nothing arcs, one fixed cost per exchange, and exact value conservation along
chains (so that chains decompose into balanced paths; with own terms conserved as each community
sees it, see exchanges.chains_from_positions). Circulation flows (no cycle limit) leave out arcs
touching listings with own terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import pywraplp

from barter.matching.columns import FamilyKey, Model, arc_rows
from barter.matching.wall import wall_seconds

FloatArray = npt.NDArray[np.float64]


@dataclass(slots=True)
class Selection:
    """Columns given to the primal model."""

    cycles: dict[tuple[FamilyKey, int], list[int]] = field(default_factory=dict)  # (key, row) -> patterns
    chains: dict[int, list[int]] = field(default_factory=dict)  # k -> indexes into layers.arcs[k-1]
    flows: bool = False
    forced: set[tuple[FamilyKey, int]] = field(default_factory=set)  # all-or-nothing columns fixed at 1
    forced_chains: set[tuple[int, int]] = field(default_factory=set)  # (k, arc) fixed at their capacity

    def size(self) -> int:
        return sum(len(p) for p in self.cycles.values()) + sum(len(v) for v in self.chains.values())


@dataclass(slots=True)
class PrimalResult:
    status: str  # optimal | feasible | none
    objective: float  # objective without tie-break penalties (scaled)
    bound: float  # solver bound on this restricted model (scaled)
    cycles: dict[tuple[FamilyKey, int], FloatArray] = field(default_factory=dict)  # hop values
    chains: dict[tuple[int, int], float] = field(default_factory=dict)  # (k, arc) -> value
    flows: dict[int, float] = field(default_factory=dict)


def _solver(seed: int, time_limit: float, gap: float) -> pywraplp.Solver:
    solver = pywraplp.Solver.CreateSolver("HIGHS")
    assert solver is not None
    solver.SetSolverSpecificParametersAsString(
        f"output_flag=false\nrandom_seed={seed}\nthreads=1\nmip_rel_gap={gap}\n"
    )
    solver.SetTimeLimit(max(1, int(wall_seconds(time_limit) * 1000)))
    return solver


class _Rows:
    """Linear rows built coefficient by coefficient (much faster than expression objects)."""

    def __init__(self) -> None:
        self.terms: dict[object, dict[pywraplp.Variable, float]] = {}
        self.bounds: dict[object, tuple[float, float]] = {}

    def add(self, row: object, var: pywraplp.Variable, coef: float) -> None:
        terms = self.terms.setdefault(row, {})
        terms[var] = terms.get(var, 0.0) + coef

    def bound(self, row: object, lo: float, hi: float) -> None:
        self.bounds[row] = (lo, hi)

    def emit(self, solver: pywraplp.Solver) -> None:
        for row, terms in self.terms.items():
            lo, hi = self.bounds[row]
            constraint = solver.Constraint(lo, hi)
            for var, coef in terms.items():
                constraint.SetCoefficient(var, coef)


@dataclass(slots=True)
class Built:
    """A primal model in a pywraplp solver: its variables and their objective without tie-breaks."""

    solver: pywraplp.Solver
    objective: pywraplp.Objective
    gains: dict[pywraplp.Variable, float]
    any_integer: bool
    cycle_vars: dict[tuple[FamilyKey, int], list[tuple[pywraplp.Variable, FloatArray]]]
    chain_vars: dict[tuple[int, int], tuple[pywraplp.Variable, float]]  # var, value per unit
    flow_vars: dict[int, tuple[pywraplp.Variable, float]]


def build_primal(
    model: Model,
    selection: Selection,
    solver: pywraplp.Solver,
    *,
    penalties: bool = True,
    min_gain: float | None = None,
    relaxed: bool = False,
) -> Built:
    """The primal model over `selection` in `solver`; `relaxed`: every integer variable
    continuous within its bounds (the LP relaxation, for diving)."""
    m = model.market
    inf = solver.infinity()
    rows = _Rows()
    objective = solver.Objective()
    objective.SetMaximization()
    any_integer = False
    f = model.fixed_cost
    gains: dict[pywraplp.Variable, float] = {}

    def boolean() -> pywraplp.Variable:
        return solver.NumVar(0.0, 1.0, "") if relaxed else solver.BoolVar("")

    def fixed_one() -> pywraplp.Variable:
        return solver.NumVar(1.0, 1.0, "") if relaxed else solver.IntVar(1.0, 1.0, "")

    def score(var: pywraplp.Variable, gain: float, pen: float = 0.0) -> None:
        gains[var] = gain
        objective.SetCoefficient(var, gain - pen if penalties else gain)

    def use_arc(arc: int, var: pywraplp.Variable, amount: float) -> None:
        for term in arc_rows(m, arc, amount):
            rows.add((term.kind, term.index), var, term.coef)
            rows.bound((term.kind, term.index), -inf, term.rhs)

    cycle_vars: dict[tuple[FamilyKey, int], list[tuple[pywraplp.Variable, FloatArray]]] = {}
    for (key, row), patterns in selection.cycles.items():
        fam = model.families[key]
        arcs = fam.arcs[row]
        caps = m.arc_cap[arcs]
        if fam.fixed[row]:
            x = fixed_one() if (key, row) in selection.forced else boolean()
            any_integer = True
            for hop, arc in enumerate(arcs):
                use_arc(int(arc), x, float(caps[hop]))
            score(x, float(caps @ m.arc_gain[arcs]) - f, float(caps @ m.arc_pen[arcs]))
            cycle_vars[(key, row)] = [(x, caps.copy())]
            continue
        lots = m.arc_lot[arcs]
        entries: list[tuple[pywraplp.Variable, FloatArray]] = []
        for p in patterns:
            v = solver.NumVar(0.0, inf, "")
            pattern = fam.pattern(row, p)
            for hop, arc in enumerate(arcs):
                use_arc(int(arc), v, float(pattern[hop]))
            score(v, float(pattern @ m.arc_gain[arcs]), float(pattern @ m.arc_pen[arcs]))
            entries.append((v, pattern))
        if f > 0 or lots.max() > 0:
            z = boolean()
            any_integer = True
            score(z, -f)
            for hop in range(fam.length):
                hi = ("cap", key, row, hop)
                rows.bound(hi, -inf, 0.0)
                rows.add(hi, z, -float(caps[hop]))
                if lots[hop] > 0:
                    lo = ("lot", key, row, hop)
                    rows.bound(lo, 0.0, inf)
                    rows.add(lo, z, -float(lots[hop]))
                for var, pattern in entries:
                    rows.add(hi, var, float(pattern[hop]))
                    if lots[hop] > 0:
                        rows.add(("lot", key, row, hop), var, float(pattern[hop]))
        cycle_vars[(key, row)] = entries

    chain_vars: dict[tuple[int, int], tuple[pywraplp.Variable, float]] = {}  # var, value per unit
    for k, indexes in selection.chains.items():
        arcs_k = model.layers.arcs[k - 1]
        for i in indexes:
            arc = int(arcs_k[i])
            cap, lot = float(m.arc_cap[arc]), float(m.arc_lot[arc])
            if m.arc_fixed[arc]:
                forced = (k, arc) in selection.forced_chains
                var = fixed_one() if forced else boolean()
                any_integer = True
                unit = cap
                score(var, float(m.arc_gain[arc]) * cap - (f if k == 1 else 0.0), float(m.arc_pen[arc]) * cap)
            else:
                var = solver.NumVar(0.0, cap, "")
                unit = 1.0
                score(var, float(m.arc_gain[arc]), float(m.arc_pen[arc]))
                if lot > 0 or (k == 1 and f > 0):
                    u = boolean()
                    any_integer = True
                    rows.bound(("ccap", k, arc), -inf, 0.0)
                    rows.add(("ccap", k, arc), var, 1.0)
                    rows.add(("ccap", k, arc), u, -cap)
                    if lot > 0:
                        rows.bound(("clot", k, arc), 0.0, inf)
                        rows.add(("clot", k, arc), var, 1.0)
                        rows.add(("clot", k, arc), u, -lot)
                    if k == 1 and f > 0:
                        score(u, -f)  # one fixed cost per chain started
            use_arc(arc, var, unit)
            chain_vars[(k, arc)] = (var, unit)
            # value given at position k+1 <= value received at position k, per community, as it
            # sees them (own terms: gamma given, rho received)
            if k >= 2:
                rows.add(("chain", k - 1, int(m.arc_from[arc])), var, unit * float(m.arc_gamma[arc]))
                rows.bound(("chain", k - 1, int(m.arc_from[arc])), -inf, 0.0)
            if k < model.layers.depth:
                rows.add(("chain", k, int(m.arc_to[arc])), var, -unit * float(m.arc_rho[arc]))
                rows.bound(("chain", k, int(m.arc_to[arc])), -inf, 0.0)

    flow_vars: dict[int, tuple[pywraplp.Variable, float]] = {}
    if selection.flows:
        for arc in model.flow_arcs:
            a = int(arc)
            if m.arc_gamma[a] != 1.0 or m.arc_rho[a] != 1.0:
                # own terms: a circulation balanced exactly in reference value does not decompose
                # into cycles that keep them; such arcs carry no circulation answer (the LP and
                # the bounds keep them, weighted as each side sees them)
                continue
            cap = float(m.arc_cap[a])
            if m.arc_fixed[a]:
                var = boolean()
                any_integer = True
                unit = cap
            else:
                var = solver.NumVar(0.0, cap, "")
                unit = 1.0
            use_arc(a, var, unit)
            score(var, float(m.arc_gain[a]) * unit, float(m.arc_pen[a]) * unit)
            for c, sign in ((int(m.arc_to[a]), 1.0), (int(m.arc_from[a]), -1.0)):
                rows.add(("balance", c), var, sign * unit)
                rows.bound(("balance", c), 0.0, 0.0)
            flow_vars[a] = (var, unit)

    if min_gain is not None:
        # the objective without penalties, as a row
        gain_row = solver.Constraint(min_gain, inf)
        for var, coef in gains.items():
            if coef:
                gain_row.SetCoefficient(var, coef)
    rows.emit(solver)
    return Built(solver, objective, gains, any_integer, cycle_vars, chain_vars, flow_vars)


def read_primal(built: Built, status: int) -> PrimalResult:
    """The answer in a solved primal model (status: pywraplp's)."""
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return PrimalResult(status="none", objective=0.0, bound=np.inf)
    obj_value = sum(coef * var.solution_value() for var, coef in built.gains.items())
    result = PrimalResult(
        status="optimal" if status == pywraplp.Solver.OPTIMAL else "feasible",
        objective=obj_value,
        bound=built.objective.BestBound() if built.any_integer else obj_value,
    )
    for group, entries in built.cycle_vars.items():
        hops = np.zeros(len(entries[0][1]))
        for var, pattern in entries:
            hops += var.solution_value() * pattern
        if hops.max() > 1e-9:
            result.cycles[group] = hops
    for key2, (var, unit) in built.chain_vars.items():
        value = var.solution_value() * unit
        if value > 1e-9:
            result.chains[key2] = value
    for a, (var, unit) in built.flow_vars.items():
        value = var.solution_value() * unit
        if value > 1e-9:
            result.flows[a] = value
    return result


def solve_primal(
    model: Model,
    selection: Selection,
    *,
    seed: int,
    time_limit: float,
    gap: float = 1e-6,
    penalties: bool = True,
    min_gain: float | None = None,
) -> PrimalResult:
    """Solve the primal model over `selection`. Without `penalties` the tie-break by preference
    is left out (an all-integer objective solves much faster); `min_gain` (scaled) keeps the
    objective without penalties at least that high."""
    solver = _solver(seed, time_limit, gap)
    built = build_primal(model, selection, solver, penalties=penalties, min_gain=min_gain)
    return read_primal(built, built.solver.Solve())

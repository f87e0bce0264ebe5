"""The two LP solvers the master LP (lp.py) is held in between the solves of column generation.

Both take rows `<= upper` and columns `0 <= x <= upper` with their coefficients, maximise, and
after a solve give the objective, the row prices and the column values. Which one serves a
market was measured on the masters the engine builds (docs/benchmarks.md):

  * HiGHS's interior point method with crossover, for divisible goods: on 1,000 synthetic
    communities the second pricing round's five solves took 5.4 s, against 8.2 s in GLOP and
    5.8 s in HiGHS's dual simplex; GLOP barely warm-starts after added columns there (180
    columns added to 20,652 took 4,443 simplex iterations and 1.1 s, a cold solve 6,347).
  * GLOP's primal simplex, for one-unit markets (kidney pools): on 2,000 UK pairs it converged
    in 8 iterations and 21 s; HiGHS's interior point took 13 iterations and 30 s (its vertices
    price the rest of the market less sharply, so the bound closes later), its dual simplex 50 s
    for the same eight solves.

A solve cut short by the clock leaves values only if the solver says they are feasible; the
master then keeps the last solve's.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from highspy import HighsModelStatus, ObjSense, kHighsInf, kSolutionStatusFeasible

# the binding itself: the public subclass highspy.Highs registers Python callbacks when made,
# and HiGHS then prints its banner on standard output, where `barter solve` writes its solution
from highspy._core import _Highs
from ortools.linear_solver import pywraplp

FloatArray = npt.NDArray[np.float64]

MIN_SOLVE_S = 0.05  # the shortest time limit a solve is given (seconds)


class HighsLp:
    def __init__(self) -> None:
        highs = _Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("threads", 1)
        highs.setOptionValue("solver", "ipm")
        highs.setOptionValue("run_crossover", "on")
        highs.changeObjectiveSense(ObjSense.kMaximize)
        self.highs = highs

    def add_rows(self, upper: list[float]) -> None:
        n = len(upper)
        self.highs.addRows(
            n,
            np.full(n, -kHighsInf),
            np.asarray(upper, dtype=np.float64),
            0,
            np.zeros(n, dtype=np.int32),
            np.zeros(0, dtype=np.int32),
            np.zeros(0, dtype=np.float64),
        )

    def add_columns(self, cost: list[float], upper: list[float], entries: list[dict[int, float]]) -> None:
        starts = np.zeros(len(entries), dtype=np.int32)
        index: list[int] = []
        value: list[float] = []
        for j, column in enumerate(entries):
            starts[j] = len(index)
            index.extend(column.keys())
            value.extend(column.values())
        ub = np.asarray(upper, dtype=np.float64)
        ub[~np.isfinite(ub)] = kHighsInf
        self.highs.addCols(
            len(cost),
            np.asarray(cost, dtype=np.float64),
            np.zeros(len(cost)),
            ub,
            len(index),
            starts,
            np.asarray(index, dtype=np.int32),
            np.asarray(value, dtype=np.float64),
        )

    def solve(self, seconds: float) -> bool:
        # HiGHS's time limit counts from its first run, over every run since
        self.highs.setOptionValue("time_limit", self.highs.getRunTime() + max(seconds, MIN_SOLVE_S))
        self.highs.run()
        status = self.highs.getModelStatus()
        if status in (HighsModelStatus.kOptimal, HighsModelStatus.kModelEmpty):
            return True
        return bool(
            status in (HighsModelStatus.kTimeLimit, HighsModelStatus.kIterationLimit)
            and self.highs.getInfo().primal_solution_status == kSolutionStatusFeasible
        )

    def value(self) -> float:
        return float(self.highs.getInfo().objective_function_value)

    def row_duals(self) -> FloatArray:
        return np.asarray(self.highs.getSolution().row_dual, dtype=np.float64)

    def column_values(self) -> FloatArray:
        return np.asarray(self.highs.getSolution().col_value, dtype=np.float64)


class GlopLp:
    def __init__(self) -> None:
        solver = pywraplp.Solver.CreateSolver("GLOP")
        assert solver is not None
        # each iteration adds columns to the last LP: without presolve GLOP starts from the last
        # basis (2,000 UK pairs: converged in 8 iterations and 69 s instead of 9 and 114 s, on
        # the same loaded machine)
        solver.SetSolverSpecificParametersAsString("use_preprocessing: false")
        self.solver = solver
        self.objective = solver.Objective()
        self.objective.SetMaximization()
        self.rows: list[pywraplp.Constraint] = []
        self.columns: list[pywraplp.Variable] = []

    def add_rows(self, upper: list[float]) -> None:
        inf = self.solver.infinity()
        self.rows.extend(self.solver.Constraint(-inf, u) for u in upper)

    def add_columns(self, cost: list[float], upper: list[float], entries: list[dict[int, float]]) -> None:
        inf = self.solver.infinity()
        for c, u, column in zip(cost, upper, entries, strict=True):
            var = self.solver.NumVar(0.0, u if np.isfinite(u) else inf, "")
            for row, coef in column.items():
                self.rows[row].SetCoefficient(var, coef)
            self.objective.SetCoefficient(var, c)
            self.columns.append(var)

    def solve(self, seconds: float) -> bool:
        self.solver.SetTimeLimit(max(1, int(max(seconds, MIN_SOLVE_S) * 1000)))
        status = self.solver.Solve()
        return status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)

    def value(self) -> float:
        return float(self.objective.Value())

    def row_duals(self) -> FloatArray:
        return np.fromiter((r.dual_value() for r in self.rows), dtype=np.float64, count=len(self.rows))

    def column_values(self) -> FloatArray:
        values = (v.solution_value() for v in self.columns)
        return np.fromiter(values, dtype=np.float64, count=len(self.columns))

"""The two LP solvers the master LP (lp.py) is held in between the solves of column generation,
and the rounding's LP (repair.py, HiGHS only).

Both take rows `<= upper` and columns `0 <= x <= upper` with their coefficients, maximise, and
after a solve give the objective, the row prices and the column values. Which one serves a
market was measured on the masters the engine builds (docs/benchmarks.md, sixth and eighth
sessions):

  * HiGHS's interior point method, for divisible goods up to HIGHS_MAX_ROWS offer and need rows
    (without crossover since the tenth session: see MASTER_CROSSOVER in lp.py). Replaying the
    masters of 1,000 synthetic communities (3,342 rows, with crossover then), the second
    pricing round's five solves take 5.4 s, against 8.2 s in GLOP; GLOP barely
    warm-starts after added columns there (180 columns added to 20,652: 4,443 simplex
    iterations and 1.1 s, a cold solve 6,347). That market's 30 s answer: 29.8 M, 28.8 M in GLOP.
    The interior point cannot start from the last solve, so the master parks the columns that
    price clearly negative (upper bound 0: HiGHS's presolve leaves them out; lp.py): with that,
    5,000 communities (16,267 rows) converge their first LP in 38 s where GLOP stopped short at
    58 s, and answer 114-123 M against 107-109 M in GLOP (eighth session). HiGHS's runs there
    peak at 1.5 GB (GLOP's at 0.26-1.5 GB).
  * GLOP's primal simplex beyond that. Until the twentieth session that began at 30,000 rows,
    so 20,000 communities (71,848 rows) were held in GLOP: in the sixth session, before parking,
    HiGHS's better LP there (290 M against 258 M) left the rounding less time, and the answer
    fell to 212-237 M from 255-266 M. With parking and without crossover the interior point
    reached GLOP's 16th column-generation iteration in 52 s instead of 205 s, and at 300 s the
    LP 364.0 M instead of 283.3 M, the answer 354.7 M instead of 316.0 M (docs/benchmarks.md,
    twentieth session). Beyond HIGHS_MAX_ROWS nothing was measured.
  * GLOP for one-unit markets (kidney pools): replaying the eight masters of 2,000 UK pairs,
    GLOP's solves take 21 s, HiGHS's interior point 8 s and its dual simplex 50 s, but in the
    engine the interior point's vertices led column generation through 13 iterations instead of
    8 and the LP ended 30 s into the run instead of 22 s.
  * The rounding (repair.py) in HiGHS: the first solve by the interior point, every later one by
    the dual simplex from the last basis (`warm_from_here`), which the rounding's changes (upper
    bounds lowered, rows added) keep dual feasible.

A solve cut short by the clock leaves values only if the solver says they are feasible (GLOP's
primal simplex often does; HiGHS did in none of the solves I saw cut short); otherwise the master
keeps the last solve's.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from highspy import HighsModelStatus, ObjSense, kHighsInf, kSolutionStatusFeasible

# the binding itself: the public subclass highspy.Highs registers Python callbacks when made,
# and HiGHS then prints its banner on standard output, where `barter solve` writes its solution
from highspy._core import _Highs
from ortools.linear_solver import pywraplp

from barter.matching.wall import wall_seconds

FloatArray = npt.NDArray[np.float64]

MIN_SOLVE_S = 0.05  # the shortest time limit a solve is given (seconds)
# GLOP without presolve solves again from the last basis after columns are added or bounds change
# (2,000 UK pairs: see GlopLp)
GLOP_WARM = "use_preprocessing: false"
HIGHS_METHOD = "ipm"  # HiGHS's "solver" option: "ipm" (with crossover) or "simplex" (dual, warm)
HIGHS_MAX_ROWS = 100_000  # offer and need rows of the master up to which HiGHS holds it (see above)


class HighsLp:
    def __init__(self, *, crossover: bool = True) -> None:
        highs = _Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("threads", 1)
        highs.setOptionValue("solver", HIGHS_METHOD)
        highs.setOptionValue("run_crossover", "on" if crossover else "off")
        highs.changeObjectiveSense(ObjSense.kMaximize)
        self.highs = highs

    def copy(self) -> HighsLp:
        """A second LP, the same as this one, that goes on from this one's basis (its options
        too: after `warm_from_here`, the dual simplex). Not its solution: HiGHS's setSolution
        would drop the basis."""
        other = HighsLp()
        other.highs.passOptions(self.highs.getOptions())
        other.highs.passModel(self.highs.getModel())
        other.highs.setBasis(self.highs.getBasis())
        return other

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

    def add_row(self, lower: float, entries: dict[int, float]) -> int:
        """A row `lower <= sum <= inf` over columns already added; returns its index."""
        self.highs.addRow(
            lower,
            kHighsInf,
            len(entries),
            np.fromiter(entries.keys(), dtype=np.int32, count=len(entries)),
            np.fromiter(entries.values(), dtype=np.float64, count=len(entries)),
        )
        return int(self.highs.getNumRow()) - 1

    def set_row_lower(self, row: int, lower: float) -> None:
        self.highs.changeRowBounds(row, lower if np.isfinite(lower) else -kHighsInf, kHighsInf)

    def warm_from_here(self) -> None:
        """Later solves by the dual simplex from the last basis: it stays dual feasible when bounds
        tighten or rows are added, which is all the rounding (repair.py) does between solves."""
        self.highs.setOptionValue("solver", "simplex")
        self.highs.setOptionValue("simplex_strategy", 1)

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

    def set_upper(self, columns: list[int], upper: list[float]) -> None:
        if columns:
            ub = np.asarray(upper, dtype=np.float64)
            ub[~np.isfinite(ub)] = kHighsInf
            n = len(columns)
            self.highs.changeColsBounds(n, np.asarray(columns, dtype=np.int32), np.zeros(n), ub)

    def solve(self, seconds: float) -> bool:
        # HiGHS's time limit counts from its first run, over every run since
        self.highs.setOptionValue(
            "time_limit", self.highs.getRunTime() + wall_seconds(max(seconds, MIN_SOLVE_S))
        )
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
        solver.SetSolverSpecificParametersAsString(GLOP_WARM)
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

    def set_upper(self, columns: list[int], upper: list[float]) -> None:
        inf = self.solver.infinity()
        for j, u in zip(columns, upper, strict=True):
            self.columns[j].SetUb(u if np.isfinite(u) else inf)

    def solve(self, seconds: float) -> bool:
        self.solver.SetTimeLimit(max(1, int(wall_seconds(max(seconds, MIN_SOLVE_S)) * 1000)))
        status = self.solver.Solve()
        return status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)

    def value(self) -> float:
        return float(self.objective.Value())

    def row_duals(self) -> FloatArray:
        return np.fromiter((r.dual_value() for r in self.rows), dtype=np.float64, count=len(self.rows))

    def column_values(self) -> FloatArray:
        values = (v.solution_value() for v in self.columns)
        return np.fromiter(values, dtype=np.float64, count=len(self.columns))

"""The LP relaxation by column generation (HiGHS or GLOP: lpsolvers.py), and the bound it proves.

The restricted master holds a few columns; pricing computes the reduced cost of every candidate
column at once (numpy) and adds the best. For any non-negative row prices, the Lagrangian value
    sum(price * right-hand side) + sum over all columns of max(0, reduced cost) * column bound
is an upper bound on the objective; at convergence it equals the LP optimum. So a proved bound
exists after the first iteration, whenever time runs out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from barter.matching.columns import (
    Duals,
    Family,
    FamilyKey,
    Model,
    arc_reduced,
    arc_rows,
    chain_objective,
    chain_reduced,
    cycle_column,
    cycle_reduced,
    flow_reduced,
    need_tail,
    offer_tail,
)
from barter.matching.lpsolvers import HIGHS_MAX_ROWS, GlopLp, HighsLp
from barter.matching.market import Market
from barter.matching.unit import is_unit

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

RC_TOL = 1e-7
# columns added to the master per iteration, at most, and per offer, need and chain row (1,000
# synthetic communities at 30 s: 10,000 or 20,000 an iteration made each solve slower and left
# no time for a second pricing round, 26.1 M against 31.8 M; 3,000 or 8,000: 31.8 M)
MASTER_COLUMNS = 5000
MASTER_PER_ROW = 2
# HiGHS masters park the columns at 0 (PARK_VALUE) that price below -PARK_RC (upper bound 0, so
# its presolve leaves them out) until they price positive again. 1,000 synthetic communities:
# the second round's solves took 0.4-1.3 s instead of 0.4-2.9 s, and its LP reached 32.5 M
# instead of 32.0 M by the same deadline
PARKING = True
PARK_RC = 1e-6
# HiGHS masters are solved by the interior point without crossover: its prices sit inside the
# optimal face, not at one vertex of it. Measured as whole `barter solve` processes against the
# same code with crossover, in the same hour (docs/benchmarks.md, tenth session): 5,000 synthetic
# communities at 120 s answered 126.1 M and 126.0 M against 119.3 M; 1,000 at 30 s gave medians of
# 32.67 M (10 runs) against 32.46 M (9 runs), a difference inside both runs' ranges (32.1-33.1 M).
# (In one process the 1,000 runs had favoured it more, 32.67 M against 32.37 M, and the 5,000 ones
# not at all: compare whole processes.) The second pricing round of 1,000 communities converged
# to its gap at 32.93 M after 16 s, where with crossover it stood at 32.59 M after 18.6 s.
MASTER_CROSSOVER = False
# an interior point leaves no column at exactly 0: a column is in use above this value (scaled).
# (At 1e-9 the rounding took every column the LP touched, 90,022 of them, and answered 29.5 M.)
IN_USE = 1e-6
PARK_VALUE = IN_USE
# Wentges smoothing: columns are priced at SMOOTHING * (the best-bound duals) + the rest * (the
# LP's own), which swing from solve to solve. 1,000 synthetic communities: the second round's
# LP converged to 4.4% (32.7 M, bound 34.2 M) where without it it stopped at 23% (bound 40.9 M);
# 2,000 UK pairs: optimal in 38 s instead of 1,531 / 1,533 at 59 s; but generated-600 with chains
# of three took 14.4 s instead of 6.3 s (its target is 60 s)
SMOOTHING = 0.5
STALL = 1e-9  # relative: an LP value that rose less than this did not rise

# a column: (family key, row, pattern); position-indexed chain arcs use key ("position", k)
Column = tuple[FamilyKey, int, int]


_Values = tuple[dict[tuple[FamilyKey, int, int], float], dict[tuple[int, int], float], dict[int, float]]


class OutOfTime(Exception):
    pass


@dataclass(slots=True)
class LpResult:
    value: float  # restricted master optimum (scaled)
    bound: float  # Lagrangian bound (scaled), valid for the full column set
    plain_bound: float  # the same for the objective without tie-break penalties
    converged: bool
    duals: Duals
    cycle_values: dict[tuple[FamilyKey, int, int], float] = field(default_factory=dict)  # (key, row, p) -> v
    chain_values: dict[tuple[int, int], float] = field(default_factory=dict)  # (k, arc) -> value
    flow_values: dict[int, float] = field(default_factory=dict)  # arc -> value
    iterations: int = 0


def carried_columns(old: Model, lp: LpResult, new: Model) -> list[Column]:
    """The columns `lp` (over `old`) uses, as columns of `new`, a model of the same instance over
    more working arcs: a warm start for the next round of arc generation, so that its LP begins
    at the last one's value instead of from nothing. A column `new` lacks is left out."""
    om, nm = old.market, new.market
    n_needs = max(1, len(nm.need_qty))
    new_keys = nm.arc_offer * n_needs + nm.arc_need
    order = np.argsort(new_keys, kind="stable")
    sorted_keys = new_keys[order]

    def translate(arcs: IntArray) -> IntArray | None:
        if len(sorted_keys) == 0:
            return None
        keys = om.arc_offer[arcs] * n_needs + om.arc_need[arcs]
        at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
        if not bool(np.all(sorted_keys[at] == keys)):
            return None
        return np.asarray(order[at], dtype=np.int64)

    rows: dict[FamilyKey, dict[tuple[int, ...], int]] = {}
    out: list[Column] = []
    for (key, row, p), v in sorted(lp.cycle_values.items()):
        if v <= IN_USE or key not in new.families:
            continue
        arcs = translate(old.families[key].arcs[row])
        if arcs is None:
            continue
        index = rows.get(key)
        if index is None:
            index = rows[key] = {tuple(r): i for i, r in enumerate(new.families[key].arcs.tolist())}
        found = index.get(tuple(arcs.tolist()))
        if found is not None and p < new.families[key].n_rays:
            out.append((key, found, p))
    for (k, arc), v in sorted(lp.chain_values.items()):
        if v <= IN_USE or k > new.layers.depth:
            continue
        mapped = translate(np.array([arc], dtype=np.int64))
        if mapped is None:
            continue
        at = np.nonzero(new.layers.arcs[k - 1] == mapped[0])[0]
        if len(at):
            out.append((("position", k), int(at[0]), 0))
    return out


class Master:
    """The restricted master LP, held in one LP solver (lpsolvers.py) between the solves of
    column generation: HiGHS for divisible goods up to HIGHS_MAX_ROWS offer and need rows, GLOP
    for larger ones and for one-unit markets (each where it was measured better)."""

    def __init__(self, model: Model, tolerance: float) -> None:
        self.model = model
        self.tolerance = tolerance
        m = model.market
        rows = len(model.offer_rows) + len(model.need_rows)
        self.lp: GlopLp | HighsLp = (
            HighsLp(crossover=MASTER_CROSSOVER) if not is_unit(m) and rows <= HIGHS_MAX_ROWS else GlopLp()
        )
        self._row_upper: list[float] = []
        self.offer_row = {
            int(o): self._new_row(float(m.offer_qty[o] * m.offer_val[o] / m.scale)) for o in model.offer_rows
        }
        self.need_row = {int(n): self._new_row(float(m.need_qty[n] / m.scale)) for n in model.need_rows}
        self.chain_row: list[dict[int, int]] = [
            {int(c): self._new_row(0.0) for c in comms} for comms in model.chain_rows
        ]
        self.tail_offer_cap = offer_tail(m)
        self.tail_need_cap = need_tail(m)
        self.tail_offer_row: dict[int, int] = {}
        self.tail_need_row: dict[int, int] = {}
        self.share_offer_row = {int(o): self._new_row(0.0) for o in model.tail_offers}
        self.share_need_row = {int(n): self._new_row(0.0) for n in model.tail_needs}
        self.hi_row = {int(c): self._new_row(0.0) for c in model.balance_rows}
        self.lo_row = {int(c): self._new_row(0.0) for c in model.balance_rows}
        self.cycle_vars: dict[tuple[FamilyKey, int, int], int] = {}
        self.chain_vars: dict[tuple[int, int], int] = {}
        self.flow_vars: dict[int, int] = {}
        self._chain_objectives: dict[int, FloatArray] = {}
        self._rows_in_solver = 0
        self._n_cols = 0
        # columns added since the last solve, passed to the solver in one call before it
        self._pending_bounds: list[float] = []
        self._pending_cost: list[float] = []
        self._pending_entries: list[dict[int, float]] = []
        # HiGHS's presolve drops the parked columns from its solves (GLOP starts from its last
        # basis: parking would not shorten its solves)
        self.parking = PARKING and isinstance(self.lp, HighsLp)
        self._upper: list[float] = []  # each column's own upper bound
        self.parked: set[int] = set()  # columns held at 0 while they price negative
        # columns released twice stay in the solves: a degenerate LP has several optimal duals,
        # and columns parked at one and pricing positive at the next would otherwise be released
        # and parked in turn for ever (1,000 synthetic communities, the first LP: from the 18th
        # iteration on, 31 and 47 columns by turns, its value fixed 0.05% below its bound)
        self.released_once: set[int] = set()
        self.released: set[int] = set()
        self._park: list[int] = []
        self._unpark: list[int] = []
        self._terms: dict[int, tuple[int, int, int, int, float, float]] = {}

    def _new_row(self, upper: float) -> int:
        self._row_upper.append(upper)
        return len(self._row_upper) - 1

    def _column(self, upper: float, cost: float) -> tuple[int, dict[int, float]]:
        """A new column (index) and its coefficients by row, filled in by the caller."""
        entries: dict[int, float] = {}
        self._pending_bounds.append(upper)
        self._upper.append(upper)
        self._pending_cost.append(cost)
        self._pending_entries.append(entries)
        self._n_cols += 1
        return self._n_cols - 1, entries

    def _flush(self) -> None:
        """Pass the rows and columns added since the last solve to the solver."""
        if len(self._row_upper) > self._rows_in_solver:
            self.lp.add_rows(self._row_upper[self._rows_in_solver :])
            self._rows_in_solver = len(self._row_upper)
        if self._pending_cost:
            self.lp.add_columns(self._pending_cost, self._pending_bounds, self._pending_entries)
            self._pending_bounds, self._pending_cost, self._pending_entries = [], [], []
        if self._park or self._unpark:
            park = sorted(set(self._park) - self.parked - self.released)
            unpark = sorted(set(self._unpark) & self.parked)
            self.parked.update(park)
            self.parked.difference_update(unpark)
            self.released.update(self.released_once.intersection(unpark))
            self.released_once.update(unpark)
            self.lp.set_upper(park + unpark, [0.0] * len(park) + [self._upper[j] for j in unpark])
            self._park, self._unpark = [], []

    def _chain_objective(self, k: int) -> FloatArray:
        """The objective of every arc at chain position k (computed once per position)."""
        known = self._chain_objectives.get(k)
        if known is None:
            known = self._chain_objectives[k] = chain_objective(self.model, k)
        return known

    # -- columns -------------------------------------------------------------------------------

    def _unit_terms(self, arc: int) -> tuple[int, int, int, int, float, float]:
        """(offer, need, offer row, need row, offer coefficient, need coefficient) of `arc`
        carrying one unit of value, by arc_rows (the one rule every model shares), computed once
        per arc: columns are added by the thousand each iteration, and the rule is linear."""
        known = self._terms.get(arc)
        if known is None:
            offer_term, need_term = arc_rows(self.model.market, arc, 1.0)
            o, n = offer_term.index, need_term.index
            known = self._terms[arc] = (
                o,
                n,
                self.offer_row[o],
                self.need_row[n],
                offer_term.coef,
                need_term.coef,
            )
        return known

    def _arc_coefficients(
        self,
        entries: dict[int, float],
        arc: int,
        amount: float,
        short_offer: bool = False,
        short_need: bool = False,
    ) -> None:
        # (written out, without a helper: columns are added by the thousand each iteration)
        o, n, offer_row, need_row, offer_coef, need_coef = self._unit_terms(arc)
        given = offer_coef * amount  # value given
        received = need_coef * amount  # quantity received
        entries[offer_row] = entries.get(offer_row, 0.0) + given
        entries[need_row] = entries.get(need_row, 0.0) + received
        share_offer = self.share_offer_row.get(o)
        share_need = self.share_need_row.get(n)
        if not short_offer and not short_need and share_offer is None and share_need is None:
            return  # most hops: an offer row and a need row
        if short_offer:
            row = self.tail_offer_row.get(o)
            if row is None:
                row = self.tail_offer_row[o] = self._new_row(float(self.tail_offer_cap[o]))
            entries[row] = entries.get(row, 0.0) + given
        if share_offer is not None:
            coef = (1.0 if short_offer else 0.0) - float(self.model.offer_share[o])
            entries[share_offer] = entries.get(share_offer, 0.0) + coef * given
        if share_need is not None:
            coef = (1.0 if short_need else 0.0) - float(self.model.need_share[n])
            entries[share_need] = entries.get(share_need, 0.0) + coef * received
        if short_need:
            row = self.tail_need_row.get(n)
            if row is None:
                row = self.tail_need_row[n] = self._new_row(float(self.tail_need_cap[n]))
            entries[row] = entries.get(row, 0.0) + received

    def add_cycle(self, key: FamilyKey, row: int, p: int) -> None:
        fam = self.model.families[key]
        pattern, obj, ub = cycle_column(self.model, fam, row, p)
        var, entries = self._column(ub if fam.fixed[row] else math.inf, obj)
        for arc, amount, short_offer, short_need in zip(
            fam.arcs[row].tolist(),
            pattern.tolist(),
            fam.short_offer[row].tolist(),
            fam.short_need[row].tolist(),
            strict=True,
        ):
            self._arc_coefficients(entries, arc, amount, short_offer, short_need)
        self.cycle_vars[(key, row, p)] = var
        fam.in_master[row, p] = True

    def add_chain(self, k: int, index: int) -> None:
        model, m = self.model, self.model.market
        arc = int(model.layers.arcs[k - 1][index])
        var, entries = self._column(float(m.arc_cap[arc]), float(self._chain_objective(k)[index]))
        self._arc_coefficients(
            entries, arc, 1.0, bool(model.arc_short_offer[arc]), bool(model.arc_short_need[arc])
        )
        # chain rows by each community's own view: gamma * given <= kappa * rho * received
        if k >= 2:
            entries[self.chain_row[k - 2][int(m.arc_from[arc])]] = float(m.arc_gamma[arc])
        if k <= len(self.chain_row):
            row = self.chain_row[k - 1].get(int(m.arc_to[arc]))
            if row is not None:
                entries[row] = -model.kappa * float(m.arc_rho[arc])
        self.chain_vars[(k, arc)] = var
        model.chain_in_master[k - 1][index] = True

    def add_flows(self) -> None:
        model, m = self.model, self.model.market
        t = self.tolerance
        obj = model.arc_objective()
        for arc in model.flow_arcs:
            a = int(arc)
            var, entries = self._column(float(m.arc_cap[a]), float(obj[a]))
            self._arc_coefficients(
                entries, a, 1.0, bool(model.arc_short_offer[a]), bool(model.arc_short_need[a])
            )
            to, frm = int(m.arc_to[a]), int(m.arc_from[a])
            # balance by each community's own view: the receiver's rho, the giver's gamma
            rho, gamma = float(m.arc_rho[a]), float(m.arc_gamma[a])
            hi_to, hi_frm, lo_to, lo_frm = (
                self.hi_row[to],
                self.hi_row[frm],
                self.lo_row[to],
                self.lo_row[frm],
            )
            entries[hi_to] = entries.get(hi_to, 0.0) + rho
            entries[hi_frm] = entries.get(hi_frm, 0.0) - (1 + t) * gamma
            entries[lo_to] = entries.get(lo_to, 0.0) - rho
            entries[lo_frm] = entries.get(lo_frm, 0.0) + (1 - t) * gamma
            self.flow_vars[a] = var

    # -- solving -------------------------------------------------------------------------------

    def duals(self) -> Duals:
        y = np.maximum(self.lp.row_duals(), 0.0)
        d = Duals.zero(self.model)

        def read(target: FloatArray, rows: dict[int, int]) -> None:
            if rows:
                target[np.fromiter(rows.keys(), dtype=np.int64)] = y[
                    np.fromiter(rows.values(), dtype=np.int64)
                ]

        read(d.offer, self.offer_row)
        read(d.need, self.need_row)
        for k, rows in enumerate(self.chain_row):
            read(d.chain[k], rows)
        read(d.balance_hi, self.hi_row)
        read(d.balance_lo, self.lo_row)
        read(d.tail_offer, self.tail_offer_row)
        read(d.tail_need, self.tail_need_row)
        read(d.share_offer, self.share_offer_row)
        read(d.share_need, self.share_need_row)
        return d

    def rhs_value(self, d: Duals) -> float:
        m = self.model.market
        total = 0.0
        if len(self.model.offer_rows):
            o = self.model.offer_rows
            total += float(d.offer[o] @ (m.offer_qty[o] * m.offer_val[o] / m.scale))
        if len(self.model.need_rows):
            n = self.model.need_rows
            total += float(d.need[n] @ (m.need_qty[n] / m.scale))
        total += sum(float(d.tail_offer[o] * self.tail_offer_cap[o]) for o in self.tail_offer_row)
        total += sum(float(d.tail_need[n] * self.tail_need_cap[n]) for n in self.tail_need_row)
        return total

    def _mark(self, key: FamilyKey, fam: Family, rc: FloatArray, x: FloatArray) -> None:
        """Columns of `fam` in the master to park (at 0 in the last solve, `x`, and pricing clearly
        negative) or to release (parked and pricing positive)."""
        rows, cols = np.nonzero((rc < -PARK_RC) & fam.in_master)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            var = self.cycle_vars.get((key, r, c))
            if var is not None and x[var] <= PARK_VALUE:
                self._park.append(var)
        if not self.parked:
            return
        rows, cols = np.nonzero((rc > RC_TOL) & fam.in_master)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            var = self.cycle_vars.get((key, r, c))
            # (a column held at its own upper bound prices positive too: it waits for nothing)
            if var is not None and var in self.parked:
                self._unpark.append(var)

    def price(
        self, d: Duals, want: int, *, penalties: bool = True, park: FloatArray | None = None
    ) -> tuple[float, list[Column]]:
        """Lagrangian excess over all columns, and the best `want` improving columns not in the
        master. Without `penalties` the excess is for the objective without tie-breaks. Given
        `park`, the last solve's column values, master columns at 0 there and pricing clearly
        negative are held at 0 from the next solve on, and parked ones pricing positive are
        released (HiGHS's presolve then leaves them out of its solves)."""
        model = self.model
        g = arc_reduced(model, d, penalties=penalties)
        excess = 0.0
        shares = _RowShares(model.market)
        # the candidates, as arrays: reduced cost, source (a family key or a chain position),
        # row and column; only the best `want` of them become Python tuples
        found_rc: list[FloatArray] = []
        found_at: list[tuple[FamilyKey, IntArray, IntArray]] = []
        for key, fam in model.families.items():
            if fam.n == 0:
                continue
            rc, ub = cycle_reduced(model, fam, g, d)
            excess += float((rc[rc > 0] * ub[rc > 0]).sum())  # every positive one, for the bound
            shares.add_family(model, fam, rc)
            if park is not None:
                self._mark(key, fam, rc, park)
            positive = (rc > RC_TOL) & ~fam.in_master  # clearly improving, for the master
            rows, cols = np.nonzero(positive)
            if len(rows) > want:
                top = np.argpartition(-rc[rows, cols], want)[:want]
                rows, cols = rows[top], cols[top]
            found_rc.append(rc[rows, cols])
            found_at.append((key, rows, cols))
        m = model.market
        for k in range(1, model.layers.depth + 1):
            rc = chain_reduced(model, k, g, d)
            arcs = model.layers.arcs[k - 1]
            excess += float((rc[rc > 0] * m.arc_cap[arcs][rc > 0]).sum())
            shares.add_arcs(arcs[:, None], np.ones((len(arcs), 1)), rc)
            idx = np.nonzero((rc > RC_TOL) & ~model.chain_in_master[k - 1])[0]
            if len(idx) > want:
                idx = idx[np.argpartition(-rc[idx], want)[:want]]
            found_rc.append(rc[idx])
            found_at.append((("position", k), idx, np.zeros(len(idx), dtype=np.int64)))
        if len(model.flow_arcs):
            rc = flow_reduced(model, g, d, self.tolerance)
            flow_excess = float((rc[rc > 0] * m.arc_cap[model.flow_arcs][rc > 0]).sum())
            excess += flow_excess
            shares.extra += flow_excess
        return min(excess, shares.total()), _best(found_rc, found_at, want)

    def _values(self, values: FloatArray) -> _Values:
        x = values.tolist()
        return (
            {k: x[j] for k, j in self.cycle_vars.items()},
            {k: x[j] for k, j in self.chain_vars.items()},
            {k: x[j] for k, j in self.flow_vars.items()},
        )

    def add(self, column: Column) -> None:
        key, row, p = column
        if key[0] == "position":
            self.add_chain(key[1], row)
        else:
            self.add_cycle(key, row, p)

    def run(
        self,
        *,
        deadline: Callable[[], float],
        progress: Callable[[int, float, float], None] | None = None,
        enough: Callable[[float, float], bool] | None = None,
        max_iterations: int = 500,
        initial: Sequence[Column] = (),
        stretch: Callable[[LpResult], None] | None = None,
    ) -> LpResult:
        """Column generation until no column improves, `enough(value, bound)` says so, or out of
        time (then the bound stands). The duals returned are those of the best bound. `initial`:
        columns to start from (a warm start: see carried_columns). `stretch`: called after each
        iteration with the LP as it stands (its plain bound not computed), before `deadline`
        is read; it may move the deadline."""
        n_rows = len(self.offer_row) + len(self.need_row) + sum(len(r) for r in self.chain_row)
        want = max(200, min(MASTER_COLUMNS, MASTER_PER_ROW * n_rows))
        if self.model.flow_arcs.size:
            self.add_flows()
        zero = Duals.zero(self.model)
        for key in initial:
            self.add(key)
        _, first = self.price(zero, want)
        for key in first:
            self.add(key)
        best_bound = np.inf
        value = 0.0
        converged = False
        duals = zero
        iterations = 0
        values: _Values | None = None
        smoothed = False  # the last iteration added columns found at the smoothed point
        last_value = -np.inf
        for iterations in range(1, max_iterations + 1):
            # never stop here: columns were added since the last solve, and the solver's values
            # are readable only after solving the model as it is now
            remaining = deadline()
            self._flush()
            if not self.lp.solve(remaining):
                break
            value = self.lp.value()
            # the values of this solve, read now: a later solve cut short by the clock may leave
            # none readable (then these stand; the columns added since are at 0, still feasible)
            x = self.lp.column_values()
            values = self._values(x)
            current = self.duals()
            excess, new = self.price(current, want, park=x if self.parking else None)
            lagrangian = self.rhs_value(current) + excess
            stable = None
            # columns found at the smoothed point need not improve the LP (a mis-pricing): when
            # the last ones left its value where it was, this iteration adds the LP's own, so that
            # column generation always moves on (tests/matching/test_lp.py builds such a case)
            stalled = smoothed and value <= last_value + STALL * max(1.0, abs(value))
            smoothed = False
            if SMOOTHING > 0 and np.isfinite(best_bound) and new and not stalled:
                # Wentges smoothing: columns priced at a point between the best-bound duals and
                # the LP's own, which oscillate; the LP's own when that point finds none
                stable = duals.blend(current, SMOOTHING)
                stable_excess, stable_new = self.price(stable, want)
                if stable_new:
                    new = stable_new
                    smoothed = True
            last_value = value
            if lagrangian < best_bound:
                best_bound, duals = lagrangian, current
            if stable is not None:
                stable_bound = self.rhs_value(stable) + stable_excess
                if stable_bound < best_bound:
                    best_bound, duals = stable_bound, stable
            if progress is not None:
                progress(iterations, value, best_bound)
            if not new and not self._unpark:
                # (a parked column pricing positive is released and solved for first)
                converged = True
                break
            if enough is not None and enough(value, best_bound):
                converged = True
                break
            if stretch is not None:
                stretch(self._result(value, best_bound, best_bound, duals, values, iterations, False))
            left = deadline()
            if left <= remaining - left:
                # the next iteration would likely run out of time: stop with this solution readable
                break
            if iterations == max_iterations:
                break
            for key in new:
                self.add(key)
        if not np.isfinite(best_bound):
            # no LP solved: the zero prices still give a bound
            excess, _ = self.price(zero, 0)
            best_bound = excess
        plain_excess, _ = self.price(duals, 0, penalties=False)
        plain = self.rhs_value(duals) + plain_excess
        return self._result(value, best_bound, plain, duals, values, iterations, converged)

    @staticmethod
    def _result(
        value: float,
        bound: float,
        plain_bound: float,
        duals: Duals,
        values: _Values | None,
        iterations: int,
        converged: bool,
    ) -> LpResult:
        result = LpResult(
            value=value,
            bound=float(bound),
            plain_bound=float(plain_bound),
            converged=converged,
            duals=duals,
            iterations=iterations,
        )
        if values is not None:
            result.cycle_values, result.chain_values, result.flow_values = values
        return result


def _best(
    found_rc: list[FloatArray], found_at: list[tuple[FamilyKey, IntArray, IntArray]], want: int
) -> list[Column]:
    """The `want` candidates of largest reduced cost, in that order, ties in the order found
    (a stable sort: the order of the Python tuples this replaced, sorted by -rc)."""
    if not found_rc:
        return []
    lengths = [len(r) for r in found_rc]
    rc = np.concatenate(found_rc)
    source = np.repeat(np.arange(len(found_at)), lengths)
    order = np.argsort(-rc, kind="stable")[:want]
    offsets = np.cumsum([0, *lengths])
    out: list[Column] = []
    for i, s in zip(order.tolist(), source[order].tolist(), strict=True):
        key, rows, cols = found_at[s]
        j = i - int(offsets[s])
        out.append((key, int(rows[j]), int(cols[j])))
    return out


class _RowShares:
    """A second bound on what positive reduced costs can add, often far tighter than summing
    each column's at its upper bound before column generation converges (one-unit markets,
    where every row admits one column: 81,042 against 1,536 on 2,000 UK pairs).

    Split a column's positive reduced cost evenly over the offer and need rows it uses: its
    share on row r per unit of that row is rc / (rows * a_r). Any x with A x <= b then gains at
    most sum over rows of b_r * (the largest share on r), since every column's gain is the sum
    of its shares and each row's shares are paid at most b_r times over. (Rows with negative
    coefficients, chain and balance rows, are left out: a relaxation, so still a bound.)"""

    def __init__(self, m: Market) -> None:
        self.m = m
        self.offer = np.zeros(len(m.offer_qty))
        self.need = np.zeros(len(m.need_qty))
        self.extra = 0.0  # columns accounted at their upper bound instead

    def add_arcs(self, arcs: IntArray, amounts: FloatArray, rc: FloatArray) -> None:
        """Columns (n,) using arcs (n, L) at `amounts` (n, L) value per unit, reduced costs rc."""
        m = self.m
        keep = rc > 0
        if not keep.any():
            return
        arcs, amounts, rc = arcs[keep], amounts[keep], rc[keep]
        per_row = (rc / (2 * arcs.shape[1]))[:, None]
        np.maximum.at(self.offer, m.arc_offer[arcs].ravel(), (per_row / amounts).ravel())
        np.maximum.at(self.need, m.arc_need[arcs].ravel(), (per_row * m.arc_val[arcs] / amounts).ravel())

    def add_family(self, model: Model, fam: Family, rc: FloatArray) -> None:
        m = self.m
        if fam.fixed.any():
            rows = np.nonzero(fam.fixed)[0]
            self.add_arcs(fam.arcs[rows], m.arc_cap[fam.arcs[rows]], rc[rows, 0])
        flexible = np.nonzero(~fam.fixed)[0]
        for p in range(fam.n_rays):
            if len(flexible):
                if fam.rays.ndim == 3:
                    amounts = fam.rays[flexible, p]
                else:
                    amounts = np.broadcast_to(fam.rays[p], (len(flexible), fam.length))
                self.add_arcs(fam.arcs[flexible], amounts, rc[flexible, p])

    def total(self) -> float:
        m = self.m
        return (
            float(self.offer @ (m.offer_qty * m.offer_val / m.scale))
            + float(self.need @ (m.need_qty / m.scale))
            + self.extra
        )
